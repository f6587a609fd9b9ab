/*
 * POP3 replies: +OK/-ERR in any case, look-alikes that are malformed,
 * RFC 2449 extended response codes, the APOP timestamp of the greeting,
 * CAPA lists taken from a real pingpong reply, and the capability and
 * SASL mechanism lookups.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "probes/pop3_reply.h"
#include "scanner/engine/pingpong.h"
#include "scanner/core/strlist.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *pop3_reply_suite(void);

static const char *
status_name(enum pop3_status s)
{
	switch (s) {
	case POP3_OK:
		return "ok";
	case POP3_ERR:
		return "err";
	case POP3_MALFORMED:
		return "malformed";
	}
	return "?";
}

static const struct {
	const char *line;
	enum pop3_status status;
	const char *code; /* NULL: none */
	const char *text;
} line_cases[] = {
    {"+OK Dovecot (Debian) ready.", POP3_OK, NULL, "Dovecot (Debian) ready."},
    {"+OK", POP3_OK, NULL, ""},
    {"+OK ", POP3_OK, NULL, ""},
    {"+ok lower", POP3_OK, NULL, "lower"},
    {"+Ok mixed", POP3_OK, NULL, "mixed"},
    {"-ERR", POP3_ERR, NULL, ""},
    {"-err no such message", POP3_ERR, NULL, "no such message"},
    {"-ERR [IN-USE] Mailbox locked by another session", POP3_ERR, "IN-USE",
     "Mailbox locked by another session"},
    {"-ERR [SYS/TEMP] Try again later", POP3_ERR, "SYS/TEMP",
     "Try again later"},
    {"-ERR [AUTH] Plaintext authentication disabled.", POP3_ERR, "AUTH",
     "Plaintext authentication disabled."},
    {"+OK [XYZZY]", POP3_OK, "XYZZY", ""},
    {"+OK []", POP3_OK, "", ""},
    {"-ERR [SYS/PERM]no space", POP3_ERR, "SYS/PERM", "no space"},
    /* a code is only right after the status word */
    {"-ERR Try [SYS/TEMP] later", POP3_ERR, NULL, "Try [SYS/TEMP] later"},
    {"-ERR  [SYS/TEMP] two spaces", POP3_ERR, NULL, " [SYS/TEMP] two spaces"},
    {"-ERR [SYS/TEMP unterminated", POP3_ERR, NULL, "[SYS/TEMP unterminated"},
    /* look-alikes */
    {"+OKAY", POP3_MALFORMED, NULL, "+OKAY"},
    {"+OK:ready", POP3_MALFORMED, NULL, "+OK:ready"},
    {"-ERROR bad", POP3_MALFORMED, NULL, "-ERROR bad"},
    {"-ERR[IN-USE] x", POP3_MALFORMED, NULL, "-ERR[IN-USE] x"},
    {"+O", POP3_MALFORMED, NULL, "+O"},
    {"OK", POP3_MALFORMED, NULL, "OK"},
    {" +OK", POP3_MALFORMED, NULL, " +OK"},
    {"* OK IMAP4rev1 ready", POP3_MALFORMED, NULL, "* OK IMAP4rev1 ready"},
    {"", POP3_MALFORMED, NULL, ""},
};

START_TEST(test_line)
{
	const char *line = line_cases[_i].line;
	size_t len = strlen(line);
	/* no terminating NUL: the parser must respect len */
	char *copy = malloc(len ? len : 1);
	struct pop3_line pl;

	memcpy(copy, line, len);
	pop3_parse_line(copy, len, &pl);
	ck_assert_msg(pl.status == line_cases[_i].status,
	              "'%s': status %s, want %s", line, status_name(pl.status),
	              status_name(line_cases[_i].status));
	if (line_cases[_i].code == NULL) {
		ck_assert_msg(pl.code == NULL, "'%s': code '%.*s', want none",
		              line, (int)pl.code_len, pl.code ? pl.code : "");
	} else {
		ck_assert_msg(pl.code != NULL, "'%s': no code", line);
		ck_assert_msg(
		    pl.code_len == strlen(line_cases[_i].code) &&
		        memcmp(pl.code, line_cases[_i].code, pl.code_len) == 0,
		    "'%s': code '%.*s'", line, (int)pl.code_len, pl.code);
	}
	ck_assert_msg(
	    pl.text_len == strlen(line_cases[_i].text) &&
	        (pl.text_len == 0 ||
	         memcmp(pl.text, line_cases[_i].text, pl.text_len) == 0),
	    "'%s': text '%.*s', want '%s'", line, (int)pl.text_len,
	    pl.text ? pl.text : "", line_cases[_i].text);
	if (pl.text_len)
		ck_assert(pl.text >= copy &&
		          pl.text + pl.text_len <= copy + len);
	free(copy);
}
END_TEST

static const struct {
	const char *greeting; /* whole status line */
	const char *ts;       /* NULL: none */
} apop_cases[] = {
    /* Dovecot, as sent in the lab */
    {"+OK Dovecot ready. <4aee.2.6b0863fc.3PVPMleoMwdhYwEBGwD9XQ==@vm>",
     "<4aee.2.6b0863fc.3PVPMleoMwdhYwEBGwD9XQ==@vm>"},
    /* RFC 1939 §7 */
    {"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
     "<1896.697170952@dbc.mtview.ca.us>"},
    {"+OK <1896.697170952@dbc.mtview.ca.us> ready",
     "<1896.697170952@dbc.mtview.ca.us>"},
    {"+OK <a@b>", "<a@b>"},
    /* an earlier bracket without '@' is skipped */
    {"+OK <ready> <17.1@host>", "<17.1@host>"},
    {"+OK Dovecot ready.", NULL},
    {"+OK <1896.697170952.dbc.mtview.ca.us>", NULL},
    {"+OK <1896.697170952@dbc.mtview.ca.us", NULL},
    {"+OK 1896.697170952@dbc.mtview.ca.us>", NULL},
    {"+OK <>", NULL},
    {"+OK <@>", NULL},
    {"+OK user@example.org ready", NULL},
};

START_TEST(test_apop)
{
	const char *g = apop_cases[_i].greeting;
	struct pop3_line pl;
	const char *ts = NULL;
	size_t tslen = 0;
	bool got;

	pop3_parse_line(g, strlen(g), &pl);
	ck_assert_int_eq(pl.status, POP3_OK);
	got = pop3_apop_timestamp(pl.text, pl.text_len, &ts, &tslen);
	if (apop_cases[_i].ts == NULL) {
		ck_assert_msg(!got, "'%s': found '%.*s'", g, (int)tslen,
		              ts ? ts : "");
		return;
	}
	ck_assert_msg(got, "'%s': no timestamp", g);
	ck_assert_msg(tslen == strlen(apop_cases[_i].ts) &&
	                  memcmp(ts, apop_cases[_i].ts, tslen) == 0,
	              "'%s': timestamp '%.*s'", g, (int)tslen, ts);
	ck_assert(ts >= pl.text && ts + tslen <= pl.text + pl.text_len);
}
END_TEST

START_TEST(test_apop_respects_len)
{
	static const char text[] = "<a@b> <c@d>";
	const char *ts;
	size_t tslen;

	/* the '>' lies past len */
	ck_assert(!pop3_apop_timestamp(text, 4, &ts, &tslen));
	ck_assert(pop3_apop_timestamp(text, 5, &ts, &tslen));
	ck_assert_uint_eq(tslen, 5);
	ck_assert(!pop3_apop_timestamp(text, 0, &ts, &tslen));
}
END_TEST

/* Builds a reply the way the engine does: bytes through pingpong. */
static void
capa_reply(struct pingpong *pp, const char *bytes, size_t n,
           const struct pp_reply **r)
{
	pp_init(pp, NULL);
	pp_expect(pp, pop3_end_multi, NULL);
	ck_assert_int_eq(pp_feed(pp, bytes, n), 0);
	ck_assert_int_eq(pp_next(pp, r), 1);
}

START_TEST(test_parse_capa)
{
	static const char dovecot[] = "+OK\r\n"
	                              "CAPA\r\n"
	                              "TOP\r\n"
	                              "UIDL\r\n"
	                              "RESP-CODES\r\n"
	                              "PIPELINING\r\n"
	                              "AUTH-RESP-CODE\r\n"
	                              "STLS\r\n"
	                              "SASL\r\n"
	                              ".\r\n";
	static const char *const want[] = {
	    "CAPA",           "TOP",  "UIDL", "RESP-CODES", "PIPELINING",
	    "AUTH-RESP-CODE", "STLS", "SASL",
	};
	struct pingpong pp;
	const struct pp_reply *r;
	struct strlist caps;

	capa_reply(&pp, dovecot, sizeof(dovecot) - 1, &r);
	strlist_init(&caps);
	pop3_parse_capa(r, &caps);
	ck_assert_uint_eq(caps.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < caps.n; i++)
		ck_assert_str_eq(caps.items[i], want[i]);
	ck_assert(pop3_caps_has(&caps, "STLS"));
	ck_assert(pop3_caps_has(&caps, "stls"));
	ck_assert(pop3_caps_has(&caps, "SASL"));
	ck_assert(!pop3_caps_has(&caps, "USER"));
	ck_assert(!pop3_caps_has_sasl(&caps, "PLAIN"));
	ck_assert(!pop3_caps_has_sasl(&caps, "LOGIN"));
	ck_assert(!pop3_caps_has_sasl(&caps, ""));
	strlist_free(&caps);
	pp_free(&pp);
}
END_TEST

START_TEST(test_parse_capa_odd_lines)
{
	/* trailing spaces go, stuffed dots are unstuffed by pingpong,
	 * empty lines and lines with NUL are skipped */
	static const char bytes[] = "+OK Capability list follows\r\n"
	                            "USER  \r\n"
	                            "\r\n"
	                            "   \r\n"
	                            "..HIDDEN\r\n"
	                            "X-EVIL\0STLS\r\n"
	                            "sasl plain  LOGIN\n"
	                            "IMPLEMENTATION Foo 1.0\r\n"
	                            ".\r\n";
	struct pingpong pp;
	const struct pp_reply *r;
	struct strlist caps;

	capa_reply(&pp, bytes, sizeof(bytes) - 1, &r);
	strlist_init(&caps);
	pop3_parse_capa(r, &caps);
	ck_assert_uint_eq(caps.n, 4);
	ck_assert_str_eq(caps.items[0], "USER");
	ck_assert_str_eq(caps.items[1], ".HIDDEN");
	ck_assert_str_eq(caps.items[2], "sasl plain  LOGIN");
	ck_assert_str_eq(caps.items[3], "IMPLEMENTATION Foo 1.0");
	ck_assert(pop3_caps_has(&caps, "USER"));
	ck_assert(!pop3_caps_has(&caps, "STLS"));
	ck_assert(!pop3_caps_has(&caps, "X-EVIL"));
	ck_assert(pop3_caps_has(&caps, "implementation"));
	ck_assert(!pop3_caps_has(&caps, "Foo"));
	ck_assert(pop3_caps_has_sasl(&caps, "PLAIN"));
	ck_assert(pop3_caps_has_sasl(&caps, "login"));
	ck_assert(!pop3_caps_has_sasl(&caps, "CRAM-MD5"));
	strlist_free(&caps);
	pp_free(&pp);
}
END_TEST

START_TEST(test_parse_capa_err_and_empty)
{
	struct pingpong pp;
	const struct pp_reply *r;
	struct strlist caps;

	strlist_init(&caps);
	capa_reply(&pp, "-ERR unknown command\r\n", 22, &r);
	ck_assert_uint_eq(r->nlines, 1);
	pop3_parse_capa(r, &caps);
	ck_assert_uint_eq(caps.n, 0);
	pp_free(&pp);

	capa_reply(&pp, "+OK\r\n.\r\n", 8, &r);
	pop3_parse_capa(r, &caps);
	ck_assert_uint_eq(caps.n, 0);
	pp_free(&pp);
	strlist_free(&caps);
}
END_TEST

static const struct {
	const char *caps[4]; /* NULL-terminated */
	const char *mech;
	bool want;
} sasl_cases[] = {
    {{"SASL", NULL}, "PLAIN", false},
    {{"SASL ", NULL}, "PLAIN", false},
    {{"SASL PLAIN LOGIN", NULL}, "PLAIN", true},
    {{"SASL PLAIN LOGIN", NULL}, "LOGIN", true},
    {{"SASL CRAM-MD5 PLAIN", NULL}, "PLAIN", true},
    {{"SASL CRAM-MD5 PLAIN", NULL}, "CRAM-MD5", true},
    {{"SASL CRAM-MD5 PLAIN", NULL}, "CRAM", false},
    {{"SASL PLAINX", NULL}, "PLAIN", false},
    {{"SASL XPLAIN", NULL}, "PLAIN", false},
    {{"SASL PLAIN", NULL}, "PLAINX", false},
    {{"sasl plain", NULL}, "PLAIN", true},
    {{"Sasl Login", NULL}, "login", true},
    {{"SASL   GSSAPI    LOGIN  ", NULL}, "LOGIN", true},
    {{"SASLX PLAIN", NULL}, "PLAIN", false},
    {{"X-SASL PLAIN", NULL}, "PLAIN", false},
    {{"USER", "PLAIN", NULL}, "PLAIN", false},
    {{"IMPLEMENTATION SASL PLAIN", NULL}, "PLAIN", false},
    {{"USER", "SASL", "SASL LOGIN", NULL}, "LOGIN", true},
    {{NULL}, "PLAIN", false},
};

START_TEST(test_caps_has_sasl)
{
	struct strlist caps;

	strlist_init(&caps);
	for (size_t i = 0; sasl_cases[_i].caps[i]; i++)
		strlist_add(&caps, sasl_cases[_i].caps[i]);
	ck_assert_msg(pop3_caps_has_sasl(&caps, sasl_cases[_i].mech) ==
	                  sasl_cases[_i].want,
	              "case %d: SASL %s: want %d", _i, sasl_cases[_i].mech,
	              sasl_cases[_i].want);
	strlist_free(&caps);
}
END_TEST

START_TEST(test_caps_has)
{
	struct strlist caps;

	strlist_init(&caps);
	ck_assert(!pop3_caps_has(&caps, "STLS"));
	strlist_add(&caps, "STLSX");
	strlist_add(&caps, "XSTLS");
	strlist_add(&caps, "TOP");
	strlist_add(&caps, "EXPIRE 60 USER");
	ck_assert(!pop3_caps_has(&caps, "STLS"));
	ck_assert(!pop3_caps_has(&caps, "USER"));
	ck_assert(!pop3_caps_has(&caps, "TO"));
	ck_assert(pop3_caps_has(&caps, "top"));
	ck_assert(pop3_caps_has(&caps, "EXPIRE"));
	strlist_add(&caps, "stls");
	ck_assert(pop3_caps_has(&caps, "STLS"));
	strlist_free(&caps);
}
END_TEST

Suite *
pop3_reply_suite(void)
{
	Suite *s = suite_create("pop3_reply");
	TCase *tc = tcase_create("line");

	tcase_add_loop_test(tc, test_line, 0,
	                    (int)(sizeof(line_cases) / sizeof(line_cases[0])));
	tcase_add_loop_test(tc, test_apop, 0,
	                    (int)(sizeof(apop_cases) / sizeof(apop_cases[0])));
	tcase_add_test(tc, test_apop_respects_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("capa");
	tcase_add_test(tc, test_parse_capa);
	tcase_add_test(tc, test_parse_capa_odd_lines);
	tcase_add_test(tc, test_parse_capa_err_and_empty);
	tcase_add_loop_test(tc, test_caps_has_sasl, 0,
	                    (int)(sizeof(sasl_cases) / sizeof(sasl_cases[0])));
	tcase_add_test(tc, test_caps_has);
	suite_add_tcase(s, tc);
	return s;
}
