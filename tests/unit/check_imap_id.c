/*
 * IMAP ID responses (RFC 2971): Dovecot's lab answer, NIL, quoted
 * strings with escapes, literals rebuilt across the lines the engine
 * split (CRLF and bare LF, NUL inside), the 64 KiB bound, malformed
 * responses of every kind, truncation at every length, random mutation,
 * and which fields count as a disclosure. Replies are made by the real
 * line engine (scanner/engine/pingpong.c) from raw bytes, or by hand when a
 * case needs exact control over the lines.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/imap_id.h"
#include "probes/imap_reply.h"
#include "scanner/engine/pingpong.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *imap_id_suite(void);

#define TAGGED "d1 OK ID completed.\r\n"

/* Length of a string literal, NULs included. */
#define RAW(s) s, sizeof(s) - 1

/* Feeds raw (which ends in a line end) plus the tagged completion to
 * the engine in chunks of the given size (0: all at once), then parses
 * the reply. */
static enum imap_id_status
parse_chunked(const char *raw, size_t n, size_t chunk, struct imap_id *id)
{
	struct pingpong pp;
	const struct pp_reply *r = NULL;
	enum imap_id_status st;
	char *all = malloc(n + sizeof(TAGGED));
	size_t total = n + sizeof(TAGGED) - 1, off = 0;
	int got = 0;

	ck_assert_ptr_nonnull(all);
	memcpy(all, raw, n);
	memcpy(all + n, TAGGED, sizeof(TAGGED));
	pp_init(&pp, NULL);
	pp_expect(&pp, imap_end_tagged, "d1");
	while (off < total && got == 0) {
		size_t k = chunk && chunk < total - off ? chunk : total - off;

		ck_assert_int_eq(pp_feed(&pp, all + off, k), 0);
		off += k;
		got = pp_next(&pp, &r);
	}
	ck_assert_int_eq(got, 1);
	ck_assert_uint_eq(off, total);
	st = imap_id_parse(r, id);
	pp_free(&pp);
	free(all);
	return st;
}

static enum imap_id_status
parse_raw(const char *raw, size_t n, struct imap_id *id)
{
	return parse_chunked(raw, n, 0, id);
}

/* "field=value|field=NIL" */
static void
dump(const struct imap_id *id, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < id->npairs; i++) {
		int k =
		    snprintf(out + o, cap - o, "%s%s=%s", i ? "|" : "",
		             id->pairs[i].field,
		             id->pairs[i].value ? id->pairs[i].value : "NIL");

		ck_assert(k >= 0 && (size_t)k < cap - o);
		o += (size_t)k;
	}
}

/* A reply built line by line, each line in an exact-size allocation. */
struct lines {
	struct pp_reply r;
	struct pp_line l[80];
};

static void
add_line(struct lines *ls, const char *text, size_t len, bool bare_lf)
{
	struct pp_line *l = &ls->l[ls->r.nlines++];

	ck_assert_uint_le(ls->r.nlines, 80);
	l->text = malloc(len + 1);
	ck_assert_ptr_nonnull(l->text);
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	l->len = len;
	l->bare_lf = bare_lf;
	ls->r.lines = ls->l;
}

static void
free_lines(struct lines *ls)
{
	for (size_t i = 0; i < ls->r.nlines; i++)
		free(ls->l[i].text);
	ls->r.nlines = 0;
}

START_TEST(test_dovecot_lab)
{
	struct imap_id id;
	char d[512];

	ck_assert_int_eq(
	    parse_raw(RAW("* ID (\"name\" \"Dovecot\" \"version\" "
	                  "\"2.3.19.1\" \"os\" \"Linux\" "
	                  "\"os-version\" \"6.18.44-1-amd64\")\r\n"),
	              &id),
	    IMAP_ID_PARSED);
	ck_assert(!id.nil);
	ck_assert_uint_eq(id.npairs, 4);
	dump(&id, d, sizeof(d));
	ck_assert_str_eq(d, "name=Dovecot|version=2.3.19.1|os=Linux|os-version="
	                    "6.18.44-1-amd64");
	ck_assert(imap_id_discloses(&id, d, sizeof(d)));
	ck_assert_str_eq(d, "version \"2.3.19.1\"; os \"Linux\"; os-version "
	                    "\"6.18.44-1-amd64\"");
	imap_id_free(&id);
	ck_assert_uint_eq(id.npairs, 0);
	ck_assert_ptr_null(id.pairs);

	/* Dovecot's default imap_id_send = name * */
	ck_assert_int_eq(parse_raw(RAW("* ID (\"name\" \"Dovecot\")\r\n"), &id),
	                 IMAP_ID_PARSED);
	ck_assert(!imap_id_discloses(&id, d, sizeof(d)));
	ck_assert_str_eq(d, "");
	imap_id_free(&id);
}
END_TEST

static const struct {
	const char *raw;
	size_t len;
	const char *pairs; /* dump(); "NIL" for "* ID NIL" */
} valid[] = {
    {RAW("* ID NIL\r\n"), "NIL"},
    {RAW("* id nil\r\n"), "NIL"},
    {RAW("* ID NIL   \r\n"), "NIL"},
    {RAW("* ID ()\r\n"), ""},
    {RAW("* ID (\"a\" NIL)\r\n"), "a=NIL"},
    {RAW("* ID (\"a\" \"x\" \"b\" nil)\r\n"), "a=x|b=NIL"},
    {RAW("* ID (\"a\" \"\")\r\n"), "a="},
    {RAW("* ID (\"\" \"b\")\r\n"), "=b"},
    {RAW("* ID (\"a\" \"x\\\"y\\\\z\")\r\n"), "a=x\"y\\\\z"},
    {RAW("* ID (\"a\\\\\" \"\\\"\")\r\n"), "a\\\\=\""},
    {RAW("* ID (  \"a\"   \"b\"  \"c\" \"d\"  )  \r\n"), "a=b|c=d"},
    {RAW("* ID (\"a\" \"caf\xc3\xa9\")\r\n"), "a=caf\\xc3\\xa9"},
    {RAW("* ID (\"a\" \"t\tab\x01\")\r\n"), "a=t\\tab\\x01"},
    {RAW("* ID (\"a\" \"n\0ul\")\r\n"), "a=n\\x00ul"},
    {RAW("* ID (\"a\" \"(x)\" \"b\" \"{3}\")\r\n"), "a=(x)|b={3}"},
    /* literals */
    {RAW("* ID (\"name\" {7}\r\nDovecot \"version\" \"1\")\r\n"),
     "name=Dovecot|version=1"},
    {RAW("* ID ({4}\r\nname \"x\")\r\n"), "name=x"},
    {RAW("* ID ({4}\r\nname {1}\r\nx)\r\n"), "name=x"},
    {RAW("* ID (\"a\" {9}\r\nab\r\ncdefg \"b\" \"c\")\r\n"),
     "a=ab\\r\\ncdefg|b=c"},
    {RAW("* ID (\"a\" {10}\r\n\r\n\r\n\r\n\r\n\r\n \"b\" \"c\")\r\n"),
     "a=\\r\\n\\r\\n\\r\\n\\r\\n\\r\\n|b=c"},
    {RAW("* ID (\"a\" {5}\r\nab\ncd)\r\n"), "a=ab\\ncd"},
    {RAW("* ID (\"a\" {4}\r\nab\rc)\r\n"), "a=ab\\rc"},
    {RAW("* ID (\"a\" {0}\r\n \"b\" \"c\")\r\n"), "a=|b=c"},
    {RAW("* ID (\"a\" {0}\r\n)\r\n"), "a="},
    {RAW("* ID (\"a\" {3}\r\na\0b)\r\n"), "a=a\\x00b"},
    {RAW("* ID (\"a\" {2}\r\nxy \"b\" {3}\r\nzzz)\r\n"), "a=xy|b=zzz"},
    {RAW("* ID (\"a\" {03}\r\n\"x\")\r\n"), "a=\"x\""},
    {RAW("* ID (\"a\" {4}\r\n* ID \"b\" \"c\")\r\n"), "a=* ID|b=c"},
};

static void
check_valid(int i, size_t chunk)
{
	struct imap_id id;
	char d[512];

	ck_assert_msg(parse_chunked(valid[i].raw, valid[i].len, chunk, &id) ==
	                  IMAP_ID_PARSED,
	              "case %d not parsed", i);
	if (strcmp(valid[i].pairs, "NIL") == 0) {
		ck_assert(id.nil);
		ck_assert_uint_eq(id.npairs, 0);
	} else {
		ck_assert(!id.nil);
		dump(&id, d, sizeof(d));
		ck_assert_str_eq(d, valid[i].pairs);
	}
	imap_id_free(&id);
}

START_TEST(test_valid)
{
	check_valid(_i, 0);
}
END_TEST

/* The engine may get the bytes in any chunking; the parse is the same. */
START_TEST(test_valid_chunked)
{
	check_valid(_i, 1);
	check_valid(_i, 3);
	check_valid(_i, 7);
}
END_TEST

static const struct {
	const char *raw;
	size_t len;
} malformed[] = {
    {RAW("* ID\r\n")},
    {RAW("* ID \r\n")},
    {RAW("* ID NILX\r\n")},
    {RAW("* ID NIL x\r\n")},
    {RAW("* ID \"a\"\r\n")},
    {RAW("* ID (\r\n")},
    {RAW("* ID ((\"a\" \"b\"))\r\n")},
    {RAW("* ID (\"a\")\r\n")},
    {RAW("* ID (\"a\" \"b\"\r\n")},
    {RAW("* ID (\"a\" \"b\" \"c\")\r\n")},
    {RAW("* ID (\"a\" \"b\" \"c\" NIL \"d\")\r\n")},
    {RAW("* ID (\"a\" \"b\") x\r\n")},
    {RAW("* ID (\"a\" \"b\"))\r\n")},
    {RAW("* ID (NIL \"b\")\r\n")},
    {RAW("* ID (a \"b\")\r\n")},
    {RAW("* ID (\"a\" b)\r\n")},
    {RAW("* ID (\"a\" NILNIL)\r\n")},
    {RAW("* ID (\"a\" \"b\"\"c\" \"d\")\r\n")},
    {RAW("* ID (\"a\"\"b\")\r\n")},
    {RAW("* ID (\"a\" \"b\\x\")\r\n")},
    {RAW("* ID (\"a\" \"b\\\")\r\n")},
    {RAW("* ID (\"a\" \"b)\r\n")},
    {RAW("* ID (\"a\" \"b\\\r\n")},
    /* literals */
    {RAW("* ID (\"a\" {5+}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {x}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {-1}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {5\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {5} )\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {5}x\r\nhello)\r\n")},
    {RAW("* ID (\"a\" ~{5}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {70000}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {65537}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {99999999999999999999999999}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {18446744073709551617}\r\nhello)\r\n")},
    {RAW("* ID (\"a\" {50}\r\nshort)\r\n")},  /* runs past the reply */
    {RAW("* ID (\"a\" {3}\r\nab\r\n)\r\n")},  /* ends inside CRLF */
    {RAW("* ID (\"a\" {3}\r\nabc\r\n)\r\n")}, /* ')' on the next line */
    {RAW("* ID (\"a\" {6}\r\nhello)\r\n")},   /* eats the ')' */
    {RAW("* ID (\"a\" {4}\r\nhello)\r\n")},   /* leaves an 'o' */
    {RAW("* ID (\"a\" {5}\r\n")},             /* literal at reply end */
};

START_TEST(test_malformed)
{
	struct imap_id id;

	ck_assert_msg(parse_raw(malformed[_i].raw, malformed[_i].len, &id) ==
	                  IMAP_ID_MALFORMED,
	              "case %d parsed", _i);
	ck_assert_uint_eq(id.npairs, 0);
	ck_assert_ptr_null(id.pairs);
	ck_assert(!id.nil);
}
END_TEST

START_TEST(test_absent)
{
	struct imap_id id;
	struct lines ls = {0};

	ck_assert_int_eq(parse_raw(RAW(""), &id), IMAP_ID_ABSENT);
	ck_assert_int_eq(parse_raw(RAW("* IDLE (\"a\" \"b\")\r\n"), &id),
	                 IMAP_ID_ABSENT);
	ck_assert_int_eq(parse_raw(RAW("* ID(\"a\" \"b\")\r\n"), &id),
	                 IMAP_ID_ABSENT);
	ck_assert_int_eq(parse_raw(RAW("* OK [ALERT] ID is here\r\n"), &id),
	                 IMAP_ID_ABSENT);
	ck_assert_int_eq(parse_raw(RAW("x1 ID (\"a\" \"b\")\r\n"), &id),
	                 IMAP_ID_ABSENT);
	ck_assert_int_eq(imap_id_parse(NULL, &id), IMAP_ID_ABSENT);
	ck_assert_int_eq(imap_id_parse(&ls.r, &id), IMAP_ID_ABSENT);
	ck_assert_int_eq(imap_id_parse(&ls.r, NULL), IMAP_ID_MALFORMED);
	imap_id_free(NULL);
}
END_TEST

/* Other untagged data may come first (RFC 9051 §2.2.2). */
START_TEST(test_after_other_untagged)
{
	struct imap_id id;
	char d[128];

	ck_assert_int_eq(
	    parse_raw(RAW("* OK [ALERT] hello\r\n* 3 EXISTS\r\n"
	                  "* ID (\"name\" \"x\" \"os\" \"y\")\r\n"),
	              &id),
	    IMAP_ID_PARSED);
	dump(&id, d, sizeof(d));
	ck_assert_str_eq(d, "name=x|os=y");
	imap_id_free(&id);
}
END_TEST

/* Bare LF line ends inside a literal are put back as LF, CRLF as CRLF. */
START_TEST(test_bare_lf_lines)
{
	struct lines ls = {0};
	struct imap_id id;
	char d[128];

	add_line(&ls, RAW("* ID (\"a\" {6}"), true);
	add_line(&ls, RAW("x"), true);
	add_line(&ls, RAW("y"), false);
	add_line(&ls, RAW("z \"b\" \"c\")"), true);
	add_line(&ls, RAW("d1 OK done"), false);
	ck_assert_int_eq(imap_id_parse(&ls.r, &id), IMAP_ID_PARSED);
	dump(&id, d, sizeof(d));
	ck_assert_str_eq(d, "a=x\\ny\\r\\nz|b=c");
	imap_id_free(&id);

	/* a 4-byte count would end between the CR and LF after "y" */
	free(ls.l[0].text);
	ls.l[0].text = strdup("* ID (\"a\" {4}");
	ls.l[0].len = strlen(ls.l[0].text);
	ck_assert_int_eq(imap_id_parse(&ls.r, &id), IMAP_ID_MALFORMED);
	free_lines(&ls);
}
END_TEST

/* Literals add up to more than IMAP_ID_MAX_BYTES: refused; below it:
 * fine. */
static enum imap_id_status
big_literals(int count, size_t each, struct imap_id *id)
{
	size_t cap = (size_t)count * (each + 32) + 64, o = 0;
	char *raw = malloc(cap);
	enum imap_id_status st;

	ck_assert_ptr_nonnull(raw);
	o += (size_t)snprintf(raw + o, cap - o, "* ID (");
	for (int i = 0; i < count; i++) {
		o += (size_t)snprintf(raw + o, cap - o, "%s\"f%d\" {%zu}\r\n",
		                      i ? " " : "", i, each);
		memset(raw + o, 'x', each);
		o += each;
	}
	o += (size_t)snprintf(raw + o, cap - o, ")\r\n");
	st = parse_raw(raw, o, id);
	free(raw);
	return st;
}

START_TEST(test_size_bound)
{
	struct imap_id id;
	struct lines ls = {0};
	char *huge;

	ck_assert_int_eq(big_literals(3, 16000, &id), IMAP_ID_PARSED);
	ck_assert_uint_eq(id.npairs, 3);
	/* values are cut for evidence, not for parsing */
	ck_assert_uint_le(strlen(id.pairs[0].value), IMAP_ID_VALUE_MAX);
	ck_assert_ptr_nonnull(strstr(id.pairs[0].value, "...[+"));
	imap_id_free(&id);
	ck_assert_int_eq(big_literals(5, 16000, &id), IMAP_ID_MALFORMED);
	ck_assert_int_eq(big_literals(40, 2000, &id), IMAP_ID_MALFORMED);
	ck_assert_int_eq(big_literals(30, 2000, &id), IMAP_ID_PARSED);
	imap_id_free(&id);

	/* a single line over the bound (the engine caps lines lower) */
	huge = malloc(IMAP_ID_MAX_BYTES + 100);
	ck_assert_ptr_nonnull(huge);
	memcpy(huge, "* ID (\"a\" \"", 11);
	memset(huge + 11, 'x', IMAP_ID_MAX_BYTES);
	memcpy(huge + 11 + IMAP_ID_MAX_BYTES, "\")", 2);
	add_line(&ls, huge, IMAP_ID_MAX_BYTES + 13, false);
	ck_assert_int_eq(imap_id_parse(&ls.r, &id), IMAP_ID_MALFORMED);
	free_lines(&ls);
	free(huge);
}
END_TEST

START_TEST(test_pair_count)
{
	struct imap_id id;
	char raw[4096];
	size_t o;

	for (int n = IMAP_ID_MAX_PAIRS; n <= IMAP_ID_MAX_PAIRS + 1; n++) {
		o = (size_t)snprintf(raw, sizeof(raw), "* ID (");
		for (int i = 0; i < n; i++)
			o += (size_t)snprintf(raw + o, sizeof(raw) - o,
			                      "%s\"f%d\" \"v\"", i ? " " : "",
			                      i);
		o += (size_t)snprintf(raw + o, sizeof(raw) - o, ")\r\n");
		ck_assert_uint_lt(o, sizeof(raw));
		if (n == IMAP_ID_MAX_PAIRS) {
			ck_assert_int_eq(parse_raw(raw, o, &id),
			                 IMAP_ID_PARSED);
			ck_assert_uint_eq(id.npairs, IMAP_ID_MAX_PAIRS);
			imap_id_free(&id);
		} else {
			ck_assert_int_eq(parse_raw(raw, o, &id),
			                 IMAP_ID_MALFORMED);
		}
	}
}
END_TEST

/* Every prefix of an ID line is malformed (or, below "* ID", absent);
 * the lines are exact-size allocations, so ASan sees any overread. */
START_TEST(test_truncated_everywhere)
{
	static const char line[] = "* ID (\"name\" \"Dovecot\" \"version\" "
	                           "\"2.3.19.1\" \"os\" \"Linux\" \"x\" NIL)";
	const size_t full = sizeof(line) - 1;

	for (size_t n = 0; n <= full; n++) {
		struct lines ls = {0};
		struct imap_id id;
		enum imap_id_status st;

		add_line(&ls, line, n, false);
		add_line(&ls, RAW("d1 OK done"), false);
		st = imap_id_parse(&ls.r, &id);
		if (n == full) {
			ck_assert_int_eq(st, IMAP_ID_PARSED);
			ck_assert_uint_eq(id.npairs, 4);
			imap_id_free(&id);
		} else {
			ck_assert_msg(
			    st == (n < 4 ? IMAP_ID_ABSENT : IMAP_ID_MALFORMED),
			    "prefix %zu: %d", n, (int)st);
		}
		free_lines(&ls);
	}
}
END_TEST

/* The literal's lines cut at every length: never parsed wrongly. */
START_TEST(test_literal_cut_everywhere)
{
	static const char l2[] = "ab";
	static const char l3[] = "cdefg \"b\" \"c\")";

	for (size_t n2 = 0; n2 <= 2; n2++)
		for (size_t n3 = 0; n3 <= sizeof(l3) - 1; n3++) {
			struct lines ls = {0};
			struct imap_id id;
			enum imap_id_status st;

			add_line(&ls, RAW("* ID (\"a\" {9}"), false);
			add_line(&ls, l2, n2, false);
			add_line(&ls, l3, n3, false);
			st = imap_id_parse(&ls.r, &id);
			if (n2 == 2 && n3 == sizeof(l3) - 1) {
				ck_assert_int_eq(st, IMAP_ID_PARSED);
				imap_id_free(&id);
			} else {
				ck_assert_int_eq(st, IMAP_ID_MALFORMED);
			}
			free_lines(&ls);
		}
}
END_TEST

static bool
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Random byte changes to a response with literals: no crash, and every
 * parsed string is bounded printable text. */
START_TEST(test_mutations)
{
	static const char *const base[] = {
	    "* ID (\"name\" {7}", "Dovecot \"os\" {9}", "ab",
	    "cdefg \"version\" \"1\\\"2\" \"x\" NIL)", "d1 OK done"};
	static const char alphabet[] = "(){}\"\\ 0123456789+NILx\r\n\0";
	uint32_t x = 0xC0FFEE;

	for (int iter = 0; iter < 20000; iter++) {
		struct lines ls = {0};
		char buf[5][64];
		size_t len[5];
		struct imap_id id;
		char ev[128];

		for (int i = 0; i < 5; i++) {
			len[i] = strlen(base[i]);
			memcpy(buf[i], base[i], len[i]);
		}
		for (int k = 0; k < 3; k++) {
			int li;

			x = x * 1664525u + 1013904223u;
			li = (int)((x >> 8) % 4);
			x = x * 1664525u + 1013904223u;
			if ((x >> 28) < 2 && len[li] > 0) {
				len[li] = (x >> 8) % len[li]; /* cut */
			} else if (len[li] > 0) {
				buf[li][(x >> 8) % len[li]] =
				    alphabet[(x >> 20) %
				             (sizeof(alphabet) - 1)];
			}
		}
		for (int i = 0; i < 5; i++) {
			x = x * 1664525u + 1013904223u;
			add_line(&ls, buf[i], len[i], (x >> 30) == 0);
		}
		if (imap_id_parse(&ls.r, &id) == IMAP_ID_PARSED) {
			ck_assert_uint_le(id.npairs, IMAP_ID_MAX_PAIRS);
			for (size_t i = 0; i < id.npairs; i++) {
				ck_assert(printable(id.pairs[i].field));
				ck_assert_uint_le(strlen(id.pairs[i].field),
				                  IMAP_ID_FIELD_MAX);
				if (id.pairs[i].value) {
					ck_assert(printable(id.pairs[i].value));
					ck_assert_uint_le(
					    strlen(id.pairs[i].value),
					    IMAP_ID_VALUE_MAX);
				}
			}
			imap_id_discloses(&id, ev, sizeof(ev));
			ck_assert(printable(ev));
			imap_id_free(&id);
		} else {
			ck_assert_uint_eq(id.npairs, 0);
		}
		free_lines(&ls);
	}
}
END_TEST

static const struct {
	const char *raw;
	size_t len;
	bool discloses;
	const char *evidence;
} disclosure[] = {
    {RAW("* ID (\"version\" \"1\")\r\n"), true, "version \"1\""},
    {RAW("* ID (\"os\" \"1\")\r\n"), true, "os \"1\""},
    {RAW("* ID (\"os-version\" \"1\")\r\n"), true, "os-version \"1\""},
    {RAW("* ID (\"vendor\" \"1\")\r\n"), true, "vendor \"1\""},
    {RAW("* ID (\"date\" \"1\")\r\n"), true, "date \"1\""},
    {RAW("* ID (\"command\" \"1\")\r\n"), true, "command \"1\""},
    {RAW("* ID (\"arguments\" \"1\")\r\n"), true, "arguments \"1\""},
    {RAW("* ID (\"environment\" \"1\")\r\n"), true, "environment \"1\""},
    {RAW("* ID (\"support-url\" \"1\")\r\n"), true, "support-url \"1\""},
    {RAW("* ID (\"VERSION\" \"1\" \"Os\" \"L\")\r\n"), true,
     "VERSION \"1\"; Os \"L\""},
    {RAW("* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" "
         "\"os-version\" \"5.5\" \"support-url\" "
         "\"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n"),
     true,
     "version \"1.5\"; os \"sunos\"; os-version \"5.5\"; support-url "
     "\"mailto:cyrus-bugs+@andrew.cmu.edu\""},
    {RAW("* ID (\"name\" {5}\r\nCyrus \"version\" {3}\r\n1.5)\r\n"), true,
     "version \"1.5\""},
    {RAW("* ID (\"name\" \"Dovecot\")\r\n"), false, ""},
    {RAW("* ID (\"version\" NIL \"os\" \"\")\r\n"), false, ""},
    {RAW("* ID (\"versions\" \"1\" \"x-os\" \"2\" \"os \" \"3\")\r\n"), false,
     ""},
    {RAW("* ID (\"ver\\\\sion\" \"1\")\r\n"), false, ""},
    {RAW("* ID NIL\r\n"), false, ""},
    {RAW("* ID ()\r\n"), false, ""},
};

START_TEST(test_disclosure)
{
	struct imap_id id;
	char ev[256];

	ck_assert_int_eq(parse_raw(disclosure[_i].raw, disclosure[_i].len, &id),
	                 IMAP_ID_PARSED);
	memset(ev, 'x', sizeof(ev));
	ck_assert_uint_eq(imap_id_discloses(&id, ev, sizeof(ev)),
	                  disclosure[_i].discloses);
	ck_assert_str_eq(ev, disclosure[_i].evidence);
	ck_assert_uint_eq(imap_id_discloses(&id, NULL, 0),
	                  disclosure[_i].discloses);
	imap_id_free(&id);
}
END_TEST

START_TEST(test_evidence_bounds)
{
	struct imap_id id;
	char full[256], small[256];
	size_t len;

	ck_assert_int_eq(parse_raw(RAW("* ID (\"version\" \"2.3.19.1\" \"os\" "
	                               "\"Linux\")\r\n"),
	                           &id),
	                 IMAP_ID_PARSED);
	ck_assert(imap_id_discloses(&id, full, sizeof(full)));
	len = strlen(full);
	for (size_t n = 1; n <= len + 1; n++) {
		memset(small, 'x', sizeof(small));
		ck_assert(imap_id_discloses(&id, small, n));
		ck_assert_uint_lt(strlen(small), n);
		ck_assert_uint_eq((unsigned char)small[n], 'x');
		if (n == len + 1)
			ck_assert_str_eq(small, full);
		else if (n >= 4)
			ck_assert(strlen(small) == n - 1 &&
			          strcmp(small + n - 4, "...") == 0 &&
			          strncmp(small, full, n - 4) == 0);
	}
	ck_assert(!imap_id_discloses(NULL, small, sizeof(small)));
	ck_assert_str_eq(small, "");
	imap_id_free(&id);
}
END_TEST

Suite *
imap_id_suite(void)
{
	Suite *s = suite_create("imap_id");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_dovecot_lab);
	tcase_add_loop_test(tc, test_valid, 0,
	                    (int)(sizeof(valid) / sizeof(valid[0])));
	tcase_add_loop_test(tc, test_valid_chunked, 0,
	                    (int)(sizeof(valid) / sizeof(valid[0])));
	tcase_add_loop_test(tc, test_malformed, 0,
	                    (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(tc, test_absent);
	tcase_add_test(tc, test_after_other_untagged);
	tcase_add_test(tc, test_bare_lf_lines);
	tcase_add_test(tc, test_size_bound);
	tcase_add_test(tc, test_pair_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_literal_cut_everywhere);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);

	tc = tcase_create("disclosure");
	tcase_add_loop_test(tc, test_disclosure, 0,
	                    (int)(sizeof(disclosure) / sizeof(disclosure[0])));
	tcase_add_test(tc, test_evidence_bounds);
	suite_add_tcase(s, tc);
	return s;
}
