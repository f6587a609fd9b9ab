/*
 * IMAP response lines: tagged, untagged, continuation and malformed
 * lines, every condition in any case, response codes only directly after
 * the condition word (Exchange's trailing [base64] is text), and the
 * capability lists of "* CAPABILITY" lines and [CAPABILITY ...] codes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "probes/imap_reply.h"
#include "scanner/core/strlist.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *imap_reply_suite(void);

static const char *
kind_name(enum imap_kind k)
{
	switch (k) {
	case IMAP_UNTAGGED:
		return "untagged";
	case IMAP_TAGGED:
		return "tagged";
	case IMAP_CONTINUATION:
		return "continuation";
	case IMAP_MALFORMED:
		return "malformed";
	}
	return "?";
}

/* NULL in tag/code/data means "absent"; text and data are compared only
 * when not NULL. */
static const struct {
	const char *line;
	enum imap_kind kind;
	const char *tag;
	enum imap_cond cond;
	const char *code;
	const char *text;
	const char *data;
} line_cases[] = {
    /* untagged status responses */
    {"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
     "LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.",
     IMAP_UNTAGGED, NULL, IMAP_COND_OK,
     "CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ "
     "STARTTLS LOGINDISABLED",
     "Dovecot (Debian) ready.", NULL},
    {"* OK IMAP4rev1 Service Ready", IMAP_UNTAGGED, NULL, IMAP_COND_OK, NULL,
     "IMAP4rev1 Service Ready", NULL},
    {"* ok lower case", IMAP_UNTAGGED, NULL, IMAP_COND_OK, NULL, "lower case",
     NULL},
    {"* Ok", IMAP_UNTAGGED, NULL, IMAP_COND_OK, NULL, "", NULL},
    {"* NO [ALERT] disk full", IMAP_UNTAGGED, NULL, IMAP_COND_NO, "ALERT",
     "disk full", NULL},
    {"* BAD junk", IMAP_UNTAGGED, NULL, IMAP_COND_BAD, NULL, "junk", NULL},
    {"* PREAUTH [CAPABILITY IMAP4rev1] Logged in as joe", IMAP_UNTAGGED, NULL,
     IMAP_COND_PREAUTH, "CAPABILITY IMAP4rev1", "Logged in as joe", NULL},
    {"* preauth welcome", IMAP_UNTAGGED, NULL, IMAP_COND_PREAUTH, NULL,
     "welcome", NULL},
    {"* BYE Too many connections", IMAP_UNTAGGED, NULL, IMAP_COND_BYE, NULL,
     "Too many connections", NULL},
    {"* bYe [UNAVAILABLE] go away", IMAP_UNTAGGED, NULL, IMAP_COND_BYE,
     "UNAVAILABLE", "go away", NULL},
    /* Exchange: a trailing bracket is text, not a response code */
    {"* OK The Microsoft Exchange IMAP4 service is ready. "
     "[TQBXADIAUABSADAANABDAEEAMAAwADEALgBuAGEAbQBwAHIAZAAwADQALgBwAHIAbwBk]",
     IMAP_UNTAGGED, NULL, IMAP_COND_OK, NULL,
     "The Microsoft Exchange IMAP4 service is ready. "
     "[TQBXADIAUABSADAANABDAEEAMAAwADEALgBuAGEAbQBwAHIAZAAwADQALgBwAHIAbwBk]",
     NULL},
    {"* OK text [CAPABILITY IMAP4rev1 STARTTLS] later", IMAP_UNTAGGED, NULL,
     IMAP_COND_OK, NULL, "text [CAPABILITY IMAP4rev1 STARTTLS] later", NULL},
    /* a code must follow one space directly */
    {"* OK  [ALERT] two spaces", IMAP_UNTAGGED, NULL, IMAP_COND_OK, NULL,
     " [ALERT] two spaces", NULL},
    {"* OK [ALERT no close", IMAP_UNTAGGED, NULL, IMAP_COND_OK, NULL,
     "[ALERT no close", NULL},
    {"* OK [] empty code", IMAP_UNTAGGED, NULL, IMAP_COND_OK, "", "empty code",
     NULL},
    {"* OK [READ-WRITE]", IMAP_UNTAGGED, NULL, IMAP_COND_OK, "READ-WRITE", "",
     NULL},
    {"* OK [READ-WRITE]text", IMAP_UNTAGGED, NULL, IMAP_COND_OK, "READ-WRITE",
     "text", NULL},
    /* words that start like conditions are none */
    {"* OKAY fine", IMAP_UNTAGGED, NULL, IMAP_COND_NONE, NULL, NULL,
     "OKAY fine"},
    {"* NOPE", IMAP_UNTAGGED, NULL, IMAP_COND_NONE, NULL, NULL, "NOPE"},
    {"* BYEBYE", IMAP_UNTAGGED, NULL, IMAP_COND_NONE, NULL, NULL, "BYEBYE"},
    /* untagged data */
    {"* CAPABILITY IMAP4rev1 STARTTLS", IMAP_UNTAGGED, NULL, IMAP_COND_NONE,
     NULL, NULL, "CAPABILITY IMAP4rev1 STARTTLS"},
    {"* 23 EXISTS", IMAP_UNTAGGED, NULL, IMAP_COND_NONE, NULL, NULL,
     "23 EXISTS"},
    {"* ", IMAP_UNTAGGED, NULL, IMAP_COND_NONE, NULL, NULL, ""},
    /* tagged */
    {"A1 OK CAPABILITY completed", IMAP_TAGGED, "A1", IMAP_COND_OK, NULL,
     "CAPABILITY completed", NULL},
    {"a001 ok done", IMAP_TAGGED, "a001", IMAP_COND_OK, NULL, "done", NULL},
    {"QWXY7 NO [PRIVACYREQUIRED] Plaintext authentication disabled.",
     IMAP_TAGGED, "QWXY7", IMAP_COND_NO, "PRIVACYREQUIRED",
     "Plaintext authentication disabled.", NULL},
    {"T2 BAD Error in IMAP command received by server.", IMAP_TAGGED, "T2",
     IMAP_COND_BAD, NULL, "Error in IMAP command received by server.", NULL},
    {"T3 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Logged in", IMAP_TAGGED, "T3",
     IMAP_COND_OK, "CAPABILITY IMAP4rev1 AUTH=PLAIN", "Logged in", NULL},
    {"T4 OK", IMAP_TAGGED, "T4", IMAP_COND_OK, NULL, "", NULL},
    {"T5 bad", IMAP_TAGGED, "T5", IMAP_COND_BAD, NULL, "", NULL},
    /* continuations */
    {"+ go ahead", IMAP_CONTINUATION, NULL, IMAP_COND_NONE, NULL, "go ahead",
     NULL},
    {"+", IMAP_CONTINUATION, NULL, IMAP_COND_NONE, NULL, "", NULL},
    {"+ ", IMAP_CONTINUATION, NULL, IMAP_COND_NONE, NULL, "", NULL},
    {"+TlRMTVNTUAACAAAA", IMAP_CONTINUATION, NULL, IMAP_COND_NONE, NULL,
     "TlRMTVNTUAACAAAA", NULL},
    /* malformed */
    {"", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"*", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"*OK no space", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"A1", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"A1 ", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"A1  OK two spaces", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL,
     NULL},
    {" A1 OK", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"A1 CAPABILITY IMAP4rev1", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL,
     NULL, NULL},
    {"A1 OKAY", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL, NULL},
    {"-ERR this is POP3", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL, NULL,
     NULL},
    {"HTTP/1.1 400 Bad Request", IMAP_MALFORMED, NULL, IMAP_COND_NONE, NULL,
     NULL, NULL},
};

static void
assert_view(const char *what, const char *p, size_t n, const char *want,
            const char *line)
{
	if (want == NULL) {
		ck_assert_msg(p == NULL, "'%s': %s is '%.*s', want none", line,
		              what, (int)n, p ? p : "");
		return;
	}
	ck_assert_msg(p != NULL, "'%s': no %s, want '%s'", line, what, want);
	ck_assert_msg(n == strlen(want) && memcmp(p, want, n) == 0,
	              "'%s': %s is '%.*s', want '%s'", line, what, (int)n, p,
	              want);
}

START_TEST(test_line)
{
	const char *line = line_cases[_i].line;
	size_t len = strlen(line);
	struct imap_line il;
	/* a heap copy without a terminating NUL: the parser must respect
	 * len (ASan catches a read past it) */
	char *copy = malloc(len ? len : 1);

	memcpy(copy, line, len);
	imap_parse_line(copy, len, &il);
	ck_assert_msg(il.kind == line_cases[_i].kind, "'%s': kind %s, want %s",
	              line, kind_name(il.kind), kind_name(line_cases[_i].kind));
	if (il.kind != IMAP_MALFORMED)
		ck_assert_msg(il.cond == line_cases[_i].cond,
		              "'%s': cond %d, want %d", line, il.cond,
		              line_cases[_i].cond);
	if (il.kind == IMAP_TAGGED)
		assert_view("tag", il.tag, il.tag_len, line_cases[_i].tag,
		            line);
	else if (il.kind != IMAP_MALFORMED)
		ck_assert_ptr_null(il.tag);
	if (il.kind != IMAP_MALFORMED) {
		assert_view("code", il.code, il.code_len, line_cases[_i].code,
		            line);
		if (line_cases[_i].text)
			assert_view("text", il.text, il.text_len,
			            line_cases[_i].text, line);
		if (line_cases[_i].data)
			assert_view("data", il.data, il.data_len,
			            line_cases[_i].data, line);
	}
	/* every view stays inside the line */
	if (il.text)
		ck_assert(il.text >= copy &&
		          il.text + il.text_len <= copy + len);
	if (il.data)
		ck_assert(il.data >= copy &&
		          il.data + il.data_len <= copy + len);
	if (il.code)
		ck_assert(il.code >= copy &&
		          il.code + il.code_len <= copy + len);
	free(copy);
}
END_TEST

/* Lines with NUL bytes are parsed by length, not as C strings. */
START_TEST(test_line_with_nul)
{
	static const char line[] = "* OK [ALERT] a\0b";
	struct imap_line il;

	imap_parse_line(line, sizeof(line) - 1, &il);
	ck_assert_int_eq(il.kind, IMAP_UNTAGGED);
	ck_assert_int_eq(il.cond, IMAP_COND_OK);
	ck_assert_uint_eq(il.text_len, 3);
	ck_assert(memcmp(il.text, "a\0b", 3) == 0);

	/* the length wins over a NUL inside */
	imap_parse_line("A1 OK\0 ignored", 5, &il);
	ck_assert_int_eq(il.kind, IMAP_TAGGED);
	ck_assert_uint_eq(il.text_len, 0);
}
END_TEST

#define MAXCAPS 12

static const struct {
	const char *line;
	bool has_caps;
	size_t ncaps;
	const char *caps[MAXCAPS];
} caps_cases[] = {
    {"* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
     "LITERAL+ AUTH=PLAIN AUTH=LOGIN",
     true,
     9,
     {"IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE",
      "LITERAL+", "AUTH=PLAIN", "AUTH=LOGIN"}},
    {"* capability imap4rev1 starttls", true, 2, {"imap4rev1", "starttls"}},
    {"* CAPABILITY   IMAP4rev1    STARTTLS  ",
     true,
     2,
     {"IMAP4rev1", "STARTTLS"}},
    {"* CAPABILITY", true, 0, {NULL}},
    {"* CAPABILITY ", true, 0, {NULL}},
    {"* CAPABILITYX IMAP4rev1", false, 0, {NULL}},
    {"* CAPABILITIES IMAP4rev1", false, 0, {NULL}},
    {"* CAPA IMAP4rev1", false, 0, {NULL}},
    /* greeting and tagged OK with a code */
    {"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
     "LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.",
     true,
     9,
     {"IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE",
      "LITERAL+", "STARTTLS", "LOGINDISABLED"}},
    {"* PREAUTH [CAPABILITY IMAP4rev2] hi", true, 1, {"IMAP4rev2"}},
    {"A1 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Logged in",
     true,
     2,
     {"IMAP4rev1", "AUTH=PLAIN"}},
    {"* OK [capability  IMAP4rev1  ] hi", true, 1, {"IMAP4rev1"}},
    {"* OK [CAPABILITY] nothing", true, 0, {NULL}},
    {"* OK [CAPABILITYX IMAP4rev1] hi", false, 0, {NULL}},
    /* a code that is not one (Exchange-style text) does not count */
    {"* OK ready [CAPABILITY STARTTLS]", false, 0, {NULL}},
    {"* OK [ALERT] CAPABILITY STARTTLS", false, 0, {NULL}},
    {"A1 OK CAPABILITY completed", false, 0, {NULL}},
    /* neither a tagged CAPABILITY nor a continuation */
    {"A1 CAPABILITY STARTTLS", false, 0, {NULL}},
    {"+ CAPABILITY STARTTLS", false, 0, {NULL}},
    {"* 1 EXISTS", false, 0, {NULL}},
};

START_TEST(test_line_caps)
{
	const char *line = caps_cases[_i].line;
	struct imap_line il;
	struct strlist caps;
	bool got;

	strlist_init(&caps);
	strlist_add(&caps, "KEPT"); /* appends, never clears */
	imap_parse_line(line, strlen(line), &il);
	got = imap_line_caps(&il, &caps);
	ck_assert_msg(got == caps_cases[_i].has_caps, "'%s': returned %d", line,
	              got);
	ck_assert_msg(caps.n == 1 + caps_cases[_i].ncaps,
	              "'%s': %zu capabilities, want %zu", line, caps.n - 1,
	              caps_cases[_i].ncaps);
	ck_assert_str_eq(caps.items[0], "KEPT");
	for (size_t i = 0; i < caps_cases[_i].ncaps; i++)
		ck_assert_str_eq(caps.items[i + 1], caps_cases[_i].caps[i]);
	strlist_free(&caps);
}
END_TEST

START_TEST(test_parse_caps)
{
	struct strlist caps;

	strlist_init(&caps);
	imap_parse_caps("", 0, &caps);
	imap_parse_caps("    ", 4, &caps);
	ck_assert_uint_eq(caps.n, 0);
	imap_parse_caps(" A  B C", 7, &caps);
	ck_assert_uint_eq(caps.n, 3);
	ck_assert_str_eq(caps.items[0], "A");
	ck_assert_str_eq(caps.items[1], "B");
	ck_assert_str_eq(caps.items[2], "C");
	/* len bounds the atoms */
	imap_parse_caps("STARTTLS LOGINDISABLED", 5, &caps);
	ck_assert_uint_eq(caps.n, 4);
	ck_assert_str_eq(caps.items[3], "START");
	ck_assert(strlist_has_ci(&caps, "start"));
	strlist_free(&caps);
}
END_TEST

Suite *
imap_reply_suite(void)
{
	Suite *s = suite_create("imap_reply");
	TCase *tc = tcase_create("line");

	tcase_add_loop_test(tc, test_line, 0,
	                    (int)(sizeof(line_cases) / sizeof(line_cases[0])));
	tcase_add_test(tc, test_line_with_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("caps");
	tcase_add_loop_test(tc, test_line_caps, 0,
	                    (int)(sizeof(caps_cases) / sizeof(caps_cases[0])));
	tcase_add_test(tc, test_parse_caps);
	suite_add_tcase(s, tc);
	return s;
}
