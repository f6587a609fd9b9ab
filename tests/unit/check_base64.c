/*
 * Base64: RFC 4648 §10 vectors both ways, padding optional but exact,
 * every non-alphabet byte rejected, output bounds respected to the byte,
 * and a round trip over all lengths up to 300.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "probes/base64.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *base64_suite(void);

static const struct {
	const char *plain;
	const char *b64;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

START_TEST(test_rfc4648_encode)
{
	const char *p = rfc4648[_i].plain;
	char out[16];

	ck_assert_int_eq(
	    base64_encode((const uint8_t *)p, strlen(p), out, sizeof(out)),
	    (ssize_t)strlen(rfc4648[_i].b64));
	ck_assert_str_eq(out, rfc4648[_i].b64);
}
END_TEST

START_TEST(test_rfc4648_decode)
{
	const char *b = rfc4648[_i].b64;
	uint8_t out[16];
	size_t n = strlen(b), plen = strlen(rfc4648[_i].plain);

	ck_assert_int_eq(base64_decode(b, n, out, sizeof(out)), (ssize_t)plen);
	ck_assert_mem_eq(out, rfc4648[_i].plain, plen);
	/* the same without padding */
	while (n > 0 && b[n - 1] == '=')
		n--;
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(base64_decode(b, n, out, sizeof(out)), (ssize_t)plen);
	ck_assert_mem_eq(out, rfc4648[_i].plain, plen);
}
END_TEST

static const char *const malformed[] = {
    "A",     /* 6 bits cannot make a byte */
    "QUJDR", /* 5 = 1 mod 4 */
    "=",      "==",       "===",      "====",    "QQ=", /* padding short by one
                                                         */
    "QQ===",                                            /* padding too long */
    "QUJD=",                          /* padding after a full group */
    "QUJD==", "Q=Q=",     "QQ==QUJD", /* padding in the middle */
    "QU JD",  "QUJD\r\n", "QUJD ",    " QUJD",   "QU\tJD",  "QU-_",
    "QUJ*",   "QUJ.",     "QU\"D",    "QUJ\x80", "QUJ\xff", "QUJD!",
};

START_TEST(test_malformed)
{
	uint8_t out[32];

	ck_assert_int_eq(base64_decode(malformed[_i], strlen(malformed[_i]),
	                               out, sizeof(out)),
	                 -1);
}
END_TEST

/* Every byte value in the third position of "QU?D": only the 64
 * alphabet characters decode. */
START_TEST(test_every_byte)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                               "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned accepted = 0;

	for (unsigned c = 0; c < 256; c++) {
		char in[4] = {'Q', 'U', (char)c, 'D'};
		uint8_t out[8];
		ssize_t r = base64_decode(in, 4, out, sizeof(out));
		bool in_alphabet = c != 0 && strchr(alphabet, (int)c) != NULL;

		ck_assert_msg(r == (in_alphabet ? 3 : -1), "byte 0x%02x -> %zd",
		              c, r);
		accepted += r == 3;
	}
	ck_assert_uint_eq(accepted, 64);
}
END_TEST

/* An embedded NUL is a non-alphabet character, not the end. */
START_TEST(test_embedded_nul)
{
	uint8_t out[8];

	ck_assert_int_eq(base64_decode("QU\0D", 4, out, sizeof(out)), -1);
	ck_assert_int_eq(base64_decode("QUJD\0", 5, out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_decode_bounds)
{
	uint8_t out[8];

	memset(out, 0xAA, sizeof(out));
	ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, out, 6), 6);
	ck_assert_mem_eq(out, "foobar", 6);
	ck_assert_uint_eq(out[6], 0xAA);
	memset(out, 0xAA, sizeof(out));
	ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, out, 5), -1);
	ck_assert_uint_eq(out[5], 0xAA); /* nothing past cap */
	ck_assert_int_eq(base64_decode("Zm8", 3, out, 1), -1);
	ck_assert_int_eq(base64_decode("", 0, NULL, 0), 0);
	ck_assert_int_eq(base64_decode("Zg", 2, NULL, 0), -1);
	ck_assert_int_eq(base64_decode(NULL, 0, out, sizeof(out)), -1);
	ck_assert_uint_eq(BASE64_DECODED_MAX(8), 6);
	ck_assert_uint_eq(BASE64_DECODED_MAX(7), 6);
	ck_assert_uint_eq(BASE64_DECODED_MAX(0), 0);
}
END_TEST

/* Non-zero unused bits in the last group are tolerated (RFC 4648 §3.5
 * allows either choice); the decoded bytes are unaffected. */
START_TEST(test_unused_bits)
{
	uint8_t out[4];

	ck_assert_int_eq(base64_decode("Zh==", 4, out, sizeof(out)), 1);
	ck_assert_uint_eq(out[0], 'f');
	ck_assert_int_eq(base64_decode("Zm9=", 4, out, sizeof(out)), 2);
	ck_assert_mem_eq(out, "fo", 2);
}
END_TEST

START_TEST(test_encode_bounds)
{
	char out[16];

	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(base64_encode((const uint8_t *)"foo", 3, out, 5), 4);
	ck_assert_str_eq(out, "Zm9v");
	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(base64_encode((const uint8_t *)"foo", 3, out, 4), -1);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq((unsigned char)out[1], 'x');
	ck_assert_int_eq(base64_encode((const uint8_t *)"f", 1, out, 0), -1);
	ck_assert_int_eq(base64_encode(NULL, 0, out, 1), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(base64_encode(NULL, 1, out, sizeof(out)), -1);
	ck_assert_uint_eq(BASE64_ENCODED_LEN(0), 0);
	ck_assert_uint_eq(BASE64_ENCODED_LEN(1), 4);
	ck_assert_uint_eq(BASE64_ENCODED_LEN(3), 4);
	ck_assert_uint_eq(BASE64_ENCODED_LEN(4), 8);
}
END_TEST

START_TEST(test_round_trip)
{
	uint8_t in[300], back[300];
	char text[BASE64_ENCODED_LEN(300) + 1];
	uint32_t x = 12345;

	for (size_t n = 0; n <= sizeof(in); n++) {
		ssize_t k;

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			in[i] = (uint8_t)(x >> 16);
		}
		k = base64_encode(in, n, text, sizeof(text));
		ck_assert_int_eq(k, (ssize_t)BASE64_ENCODED_LEN(n));
		ck_assert_int_eq(base64_decode(text, (size_t)k, back, n),
		                 (ssize_t)n);
		ck_assert(n == 0 || memcmp(in, back, n) == 0);
		while (k > 0 && text[k - 1] == '=')
			k--;
		ck_assert_int_eq(base64_decode(text, (size_t)k, back, n),
		                 (ssize_t)n);
		ck_assert(n == 0 || memcmp(in, back, n) == 0);
	}
}
END_TEST

Suite *
base64_suite(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("vectors");

	tcase_add_loop_test(tc, test_rfc4648_encode, 0,
	                    (int)(sizeof(rfc4648) / sizeof(rfc4648[0])));
	tcase_add_loop_test(tc, test_rfc4648_decode, 0,
	                    (int)(sizeof(rfc4648) / sizeof(rfc4648[0])));
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("strict");
	tcase_add_loop_test(tc, test_malformed, 0,
	                    (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_embedded_nul);
	tcase_add_test(tc, test_unused_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_test(tc, test_decode_bounds);
	tcase_add_test(tc, test_encode_bounds);
	suite_add_tcase(s, tc);
	return s;
}
