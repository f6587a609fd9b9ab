/*
 * Escaping of peer bytes: control bytes, backslash, 8-bit bytes, and the
 * output bound (never longer than max, "...[+N bytes]" naming exactly
 * the bytes left out); escape_printable keeps backslashes and truncates
 * with "...".
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/escape.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *escape_suite(void);

/* Every passing ck_assert is recorded by Check (a write each); the big
 * loops check quietly and fail loudly. */
#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/* escape_bytes raises a smaller max to this: twice the room the longest
 * marker needs (escape.h says 64; the code has always used 66) */
#define ESCAPE_MIN_MAX 66

#define B(s) s, sizeof(s) - 1

static const struct {
	const char *in;
	size_t n;
	const char *out;
} bytes_cases[] = {
    {B(""), ""},
    {B("+OK Dovecot ready."), "+OK Dovecot ready."},
    {B(" ~!\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}"),
     " ~!\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}"},
    {B("a\\b"), "a\\\\b"},
    {B("\\x41"), "\\\\x41"},
    {B("\r\n"), "\\r\\n"},
    {B("a\tb"), "a\\tb"},
    {B("\0"), "\\x00"},
    {B("a\0b"), "a\\x00b"},
    {B("\x01\x07\x08\x0b\x0c\x1b\x1f"), "\\x01\\x07\\x08\\x0b\\x0c\\x1b\\x1f"},
    {B("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07"},
    {B("\x7f"), "\\x7f"},
    {B("\x80\xff"), "\\x80\\xff"},
    {B("caf\xc3\xa9"), "caf\\xc3\\xa9"},
    {B("\xef\xbb\xbf+OK"), "\\xef\\xbb\\xbf+OK"},
};

START_TEST(test_bytes)
{
	char *out = escape_bytes(bytes_cases[_i].in, bytes_cases[_i].n, 1000);

	ck_assert_str_eq(out, bytes_cases[_i].out);
	free(out);
}
END_TEST

/* The escaping rules of the header, byte by byte, without any bound. */
static size_t
ref_escape(const unsigned char *p, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		const char *two = c == '\\'   ? "\\\\"
		                  : c == '\r' ? "\\r"
		                  : c == '\n' ? "\\n"
		                  : c == '\t' ? "\\t"
		                              : NULL;

		if (two) {
			memcpy(out + o, two, 2);
			o += 2;
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	return o;
}

/* Input patterns: 1, 2 and 4 output characters per byte, and mixed. */
static void
fill(unsigned char *p, size_t n, int pattern)
{
	static const unsigned char mix[] = {'a', '\\', 0x01, 'b', '\r', 0xff};

	for (size_t i = 0; i < n; i++) {
		switch (pattern) {
		case 0:
			p[i] = (unsigned char)('a' + i % 26);
			break;
		case 1:
			p[i] = '\\';
			break;
		case 2:
			p[i] = 0x1b;
			break;
		default:
			p[i] = mix[(i * 7 + (size_t)pattern) % sizeof(mix)];
			break;
		}
	}
}

/*
 * For every length and bound: the output is at most max characters; it
 * is either the whole escaped input or an escaped prefix (never cut
 * inside an escape) followed by "...[+N bytes]" where N is exactly the
 * number of bytes left out.
 */
START_TEST(test_bound)
{
	static const size_t maxes[] = {0,  1,  10,  64,  65,  66,  67, 68,
	                               70, 99, 100, 101, 150, 300, 512};
	const int pattern = _i;
	unsigned char in[400];
	char *ref = malloc(4 * sizeof(in) + 1);

	for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		size_t max = maxes[m];
		size_t bound = max < ESCAPE_MIN_MAX ? ESCAPE_MIN_MAX : max;

		for (size_t n = 0; n <= sizeof(in); n++) {
			char *out;
			const char *marker;
			size_t olen, kept, plen;
			unsigned long left = 0;
			char tail[64];

			fill(in, n, pattern);
			out = escape_bytes((const char *)in, n, max);
			olen = strlen(out);
			EXPECT(olen <= bound,
			       "pattern %d n %zu max %zu: %zu chars", pattern,
			       n, max, olen);
			marker = strstr(out, "...[+");
			ref_escape(in, n, ref);
			if (marker == NULL) {
				EXPECT(strcmp(out, ref) == 0,
				       "pattern %d n %zu max %zu: '%s'",
				       pattern, n, max, out);
				free(out);
				continue;
			}
			EXPECT(sscanf(marker, "...[+%lu bytes]", &left) == 1,
			       "bad marker '%s'", marker);
			snprintf(tail, sizeof(tail), "...[+%lu bytes]", left);
			EXPECT(strcmp(marker, tail) == 0,
			       "marker '%s' does not end the output", marker);
			EXPECT(left >= 1 && left <= n, "marker says %lu of %zu",
			       left, n);
			kept = n - left;
			plen = (size_t)(marker - out);
			EXPECT(ref_escape(in, kept, ref) == plen &&
			           memcmp(out, ref, plen) == 0,
			       "pattern %d n %zu max %zu: prefix '%s' is not "
			       "the escape of the first %zu bytes",
			       pattern, n, max, out, kept);
			free(out);
		}
	}
	free(ref);
}
END_TEST

START_TEST(test_bound_large_input)
{
	size_t n = 3u * 1000 * 1000;
	char *in = malloc(n);
	char *out;

	memset(in, 'x', n);
	out = escape_bytes(in, n, 100);
	ck_assert_uint_le(strlen(out), 100);
	ck_assert_ptr_nonnull(strstr(out, "bytes]"));
	{
		size_t kept = strspn(out, "x");
		char want[64];

		snprintf(want, sizeof(want), "...[+%zu bytes]", n - kept);
		ck_assert_str_eq(out + kept, want);
	}
	free(out);
	free(in);
}
END_TEST

START_TEST(test_bound_exact_fit)
{
	/* 101 printable bytes do not fit a bound of 100 */
	char in[101];
	char *out;

	memset(in, 'p', sizeof(in));
	out = escape_bytes(in, 101, 100);
	ck_assert_uint_le(strlen(out), 100);
	ck_assert_ptr_nonnull(strstr(out, "...[+"));
	free(out);
	/* a last byte whose escape would cross the bound is left out */
	in[99] = '\x01';
	out = escape_bytes(in, 100, 100);
	ck_assert_uint_le(strlen(out), 100);
	ck_assert_ptr_nonnull(strstr(out, "...[+"));
	free(out);
}
END_TEST

static const struct {
	const char *in;
	size_t max;
	const char *out;
} printable_cases[] = {
    {"", 100, ""},
    {"plain text", 100, "plain text"},
    /* already escaped text is not escaped twice */
    {"+OK \\x1b[2J \\\\ \\r\\n", 100, "+OK \\x1b[2J \\\\ \\r\\n"},
    {"\x1b[31mred", 100, "\\x1b[31mred"},
    {"a\tb\r\n", 100, "a\\x09b\\x0d\\x0a"},
    {"\x7f", 100, "\\x7f"},
    {"caf\xc3\xa9", 100, "caf\\xc3\\xa9"},
    {"\xff", 100, "\\xff"},
    /* truncation: never longer than max, ends in "..." */
    {"0123456789abcdef", 10, "0123456..."},
    {"0123456789abcdef", 11, "01234567..."},
    /* an escape is never cut */
    {"abcde\x01zzzzzzz", 10, "abcde..."},
    {"abc\x01zzzzzzzzzz", 10, "abc\\x01..."},
    /* max below 8 counts as 8 */
    {"0123456789", 0, "01234..."},
    {"0123456789", 3, "01234..."},
};

START_TEST(test_printable)
{
	char *out =
	    escape_printable(printable_cases[_i].in, printable_cases[_i].max);

	ck_assert_str_eq(out, printable_cases[_i].out);
	free(out);
}
END_TEST

START_TEST(test_printable_bound)
{
	char in[300];

	for (size_t max = 0; max < 64; max++) {
		for (size_t n = 0; n < sizeof(in); n += 7) {
			char *out;
			size_t bound = max < 8 ? 8 : max;

			for (size_t i = 0; i < n; i++)
				in[i] = (i % 3) ? 'a' : '\x02';
			in[n] = '\0';
			out = escape_printable(in, max);
			EXPECT(strlen(out) <= bound, "n %zu max %zu: %zu chars",
			       n, max, strlen(out));
			for (const char *p = out; *p; p++)
				EXPECT(*p >= 0x20 && *p < 0x7f,
				       "n %zu max %zu: byte 0x%02x", n, max,
				       (unsigned char)*p);
			free(out);
		}
	}
}
END_TEST

/* Regression tests of bugs found when these tests were written. */
START_TEST(test_bug_bytes_fit_not_truncated)
{
	/* 50 printable bytes need 50 characters; max 100 is plenty, yet
	 * escape_bytes keeps the marker reserve for every byte but the last
	 * and cuts at 67 characters of a 100-character bound */
	char in[90];
	char *out;

	memset(in, 'a', sizeof(in));
	out = escape_bytes(in, sizeof(in), 100);
	ck_assert_uint_eq(strlen(out), sizeof(in));
	free(out);
	out = escape_bytes(in, 50, 66);
	ck_assert_uint_eq(strlen(out), 50);
	free(out);
}
END_TEST

START_TEST(test_bug_printable_fit_not_truncated)
{
	/* "truncates to max characters": text of exactly max characters
	 * fits and must come back whole */
	char *out = escape_printable("0123456789", 10);

	ck_assert_str_eq(out, "0123456789");
	free(out);
	out = escape_printable("01234567", 0);
	ck_assert_str_eq(out, "01234567");
	free(out);
}
END_TEST

Suite *
escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("bytes");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(
	    tc, test_bytes, 0,
	    (int)(sizeof(bytes_cases) / sizeof(bytes_cases[0])));
	tcase_add_loop_test(tc, test_bound, 0, 6);
	tcase_add_test(tc, test_bound_large_input);
	tcase_add_test(tc, test_bound_exact_fit);
	suite_add_tcase(s, tc);

	tc = tcase_create("printable");
	tcase_add_loop_test(
	    tc, test_printable, 0,
	    (int)(sizeof(printable_cases) / sizeof(printable_cases[0])));
	tcase_add_test(tc, test_printable_bound);
	suite_add_tcase(s, tc);

	{ /* regression tests of fixed bugs */
		tc = tcase_create("regressions");
		tcase_add_test(tc, test_bug_bytes_fit_not_truncated);
		tcase_add_test(tc, test_bug_printable_fit_not_truncated);
		suite_add_tcase(s, tc);
	}
	return s;
}
