/*
 * Implementation detection (probes/impl.c, issue #12) over greetings,
 * capability lists, ID replies and NTLM challenges of real servers. The
 * greetings are as published in telnet sessions and vendor pages
 * (Dovecot, Courier, Cyrus, Exchange 2003 and Online, Qpopper, UW IMAP,
 * Gmail, Zimbra) or as the project's fixtures answer (GNU Mailutils
 * 3.15, nginx 1.22); what must not be recognised: product names inside
 * host names, a generic greeting, an IP address where a version stands.
 */
#include <check.h>
#include <string.h>

#include "probes/impl.h"
#include "scanner/core/strlist.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *impl_suite(void);

static const struct {
	const char *greeting;
	const char *caps;    /* space-separated, before TLS; NULL: none */
	const char *product; /* NULL: nothing recognised */
	const char *version; /* NULL: none */
	unsigned min_conf;
} cases[] = {
    {"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
     "LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.",
     NULL, "dovecot", NULL, 85},
    {"+OK Dovecot ready.", NULL, "dovecot", NULL, 85},
    {"* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE "
     "THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE ACL "
     "ACL2=UNION] Courier-IMAP ready. Copyright 1998-2018 Double "
     "Precision, Inc.  See COPYING for distribution information.",
     NULL, "courier", NULL, 85},
    {"+OK Hello there.", NULL, "courier", NULL, 60},
    {"* OK [CAPABILITY IMAP4 IMAP4rev1 LITERAL+ ID AUTH=DIGEST-MD5 "
     "AUTH=CRAM-MD5 SASL-IR] tweedleburg Cyrus IMAP4 v2.3.8 server ready",
     NULL, "cyrus", "2.3.8", 85},
    {"* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS] "
     "mail.example.org Cyrus IMAP v3.0.8-Debian-3.0.8-6+deb10u4 server "
     "ready",
     NULL, "cyrus", "3.0.8-Debian-3.0.8-6+deb10u4", 85},
    {"+OK mail.example.org Cyrus POP3 v2.4.17-Debian-2.4.17+caldav~beta9-3 "
     "server ready <1234.5678@mail.example.org>",
     NULL, "cyrus", "2.4.17-Debian-2.4.17+caldav~beta9-3", 85},
    {"* OK The Microsoft Exchange IMAP4 service is ready.", NULL, "exchange",
     NULL, 85},
    {"+OK The Microsoft Exchange POP3 service is ready.", NULL, "exchange",
     NULL, 85},
    {"* OK The Microsoft Exchange IMAP4 service is ready. "
     "[TQBSADIAUAAyADYANABDAEEAMAAwADIAOQAuAEYAUgBBAFAAMgA2ADQALgBQAFIATwBE"
     "AC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA==]",
     NULL, "exchange", NULL, 90},
    {"* OK Microsoft Exchange Server 2003 IMAP4rev1 server version "
     "6.5.7638.1 (mail.example.com) ready.",
     NULL, "exchange", "6.5.7638.1", 85},
    {"+OK Qpopper (version 4.0.3) at esmeralda starting.", NULL, "qpopper",
     "4.0.3", 85},
    {"* OK [CAPABILITY IMAP4REV1 I18NLEVEL=1 LITERAL+ SASL-IR "
     "LOGIN-REFERRALS STARTTLS AUTH=LOGIN] localhost IMAP4rev1 2007f.404 at "
     "Thu, 4 Dec 2026 18:00:00 +0000 (UTC)",
     NULL, "uw-imap", "2007f.404", 80},
    {"* OK Gimap ready for requests from 203.0.113.5 a1mb12345678qkb", NULL,
     "gmail", NULL, 85},
    {"+OK Gpop ready for requests from 203.0.113.5 z9mb1234567pfb", NULL,
     "gmail", NULL, 85},
    {"* OK mail.example.com Zimbra IMAP4rev1 server ready", NULL, "zimbra",
     NULL, 85},
    {"* OK Kerio Connect 9.2.5 IMAP4rev1 server ready", NULL, "kerio", "9.2.5",
     85},
    {"* OK mail.example.com IMAP4rev1 MDaemon 21.0.2 ready", NULL, "mdaemon",
     "21.0.2", 85},
    /* GNU Mailutils 3.15 (the mu-* fixtures) */
    {"* OK IMAP4rev1",
     "IMAP4rev1 NAMESPACE ID IDLE LITERAL+ UNSELECT XTLSREQUIRED STARTTLS",
     "mailutils", NULL, 70},
    {"* OK IMAP4rev1", "IMAP4rev1 NAMESPACE ID IDLE LITERAL+ UNSELECT STARTTLS",
     "mailutils", NULL, 70},
    {"+OK POP3 Ready <2573.1796408640@vm>",
     "TOP UIDL RESP-CODES PIPELINING AUTH-RESP-CODE EXPIRENEVER USER STLS",
     "mailutils", NULL, 70},
    {"+OK POP3 Ready <2573.1796408640@vm>", NULL, "mailutils", NULL, 60},
    /* nginx 1.22 mail proxy (the nginx-* fixtures) */
    {"* OK IMAP4 ready", "IMAP4 IMAP4rev1 UIDPLUS STARTTLS LOGINDISABLED",
     "nginx", NULL, 70},
    {"* OK IMAP4 ready", NULL, "nginx", NULL, 60},
    {"+OK POP3 ready", "TOP UIDL STLS", "nginx", NULL, 70},
    {"+OK POP3 ready", "TOP USER UIDL SASL PLAIN LOGIN", "nginx", NULL, 70},
    /* a POP3 server that greets the same but lists more is less sure */
    {"+OK POP3 ready", "TOP USER UIDL PIPELINING RESP-CODES", "nginx", NULL,
     60},
    /* not recognised */
    {"* OK IMAP server ready", "IMAP4rev1 STARTTLS", NULL, NULL, 0},
    {"+OK POP3 server ready <1896.697170952@dbc.mtview.us>", NULL, NULL, NULL,
     0},
    {"* OK courier.example.com IMAP ready", NULL, NULL, NULL, 0},
    {"* OK mercury.dovecot-hosting.example IMAP ready", NULL, NULL, NULL, 0},
    {"", NULL, NULL, NULL, 0},
    {"* OK", NULL, NULL, NULL, 0},
};

static void
split(struct strlist *l, const char *s)
{
	const char *p = s;

	strlist_init(l);
	while (p && *p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);

		/* "SASL PLAIN LOGIN" is one POP3 capability line */
		if (strncmp(p, "SASL ", 5) == 0)
			n = strlen(p);
		strlist_addn(l, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
}

START_TEST(test_greetings)
{
	struct strlist caps, none;
	struct impl_facts f = {0};
	struct impl_clues k = {.caps = &caps, .caps_tls = &none};

	split(&caps, cases[_i].caps);
	strlist_init(&none);
	k.greeting = cases[_i].greeting;
	impl_detect(&k, &f);
	if (!cases[_i].product) {
		ck_assert_msg(f.product == NULL, "%s: recognised as %s (%s)",
		              cases[_i].greeting, f.product, f.evidence);
		ck_assert_uint_eq(f.confidence, 0);
	} else {
		ck_assert_msg(f.product != NULL, "%s: not recognised",
		              cases[_i].greeting);
		ck_assert_str_eq(f.product, cases[_i].product);
		ck_assert_msg(
		    f.confidence >= cases[_i].min_conf && f.confidence <= 99,
		    "%s: confidence %u", cases[_i].greeting, f.confidence);
		ck_assert_ptr_nonnull(f.evidence);
		if (cases[_i].version)
			ck_assert_pstr_eq(f.version, cases[_i].version);
		else
			ck_assert_msg(f.version == NULL, "%s: version %s",
			              cases[_i].greeting, f.version);
	}
	impl_facts_free(&f);
	strlist_free(&caps);
	strlist_free(&none);
}
END_TEST

/* The server names itself in ID; the greeting agrees and adds to it. */
START_TEST(test_imap_id)
{
	struct imap_id_pair pairs[] = {
	    {(char *)"name", (char *)"Dovecot"},
	    {(char *)"version", (char *)"2.3.19.1"},
	};
	struct imap_id id = {.pairs = pairs, .npairs = 2};
	struct impl_facts f = {0};
	struct impl_clues k = {.greeting = "* OK Dovecot (Debian) ready.",
	                       .id = &id};

	impl_detect(&k, &f);
	ck_assert_str_eq(f.product, "dovecot");
	ck_assert_str_eq(f.version, "2.3.19.1");
	ck_assert_uint_eq(f.confidence, 99);
	ck_assert_ptr_nonnull(strstr(f.evidence, "IMAP ID name \"Dovecot\""));
	ck_assert_ptr_nonnull(strstr(f.evidence, "greeting names \"Dovecot\""));
	impl_facts_free(&f);

	/* Gmail's ID reply, behind a greeting that says nothing */
	pairs[0].value = (char *)"GImap";
	pairs[1].field = (char *)"vendor";
	pairs[1].value = (char *)"Google, Inc.";
	k.greeting = "* OK ready";
	impl_detect(&k, &f);
	ck_assert_str_eq(f.product, "gmail");
	ck_assert_ptr_null(f.version);
	ck_assert_uint_eq(f.confidence, IMPL_CONF_ID);
	impl_facts_free(&f);

	/* ID NIL and an unknown name say nothing */
	id.nil = true;
	impl_detect(&k, &f);
	ck_assert_ptr_null(f.product);
	id.nil = false;
	pairs[0].value = (char *)"SomethingElse";
	impl_detect(&k, &f);
	ck_assert_ptr_null(f.product);
}
END_TEST

/* POP3 CAPA IMPLEMENTATION, before or after TLS. */
START_TEST(test_pop3_implementation)
{
	struct strlist before, after;
	struct impl_facts f = {0};
	struct impl_clues k = {
	    .greeting = "+OK ready", .caps = &before, .caps_tls = &after};

	strlist_init(&before);
	strlist_init(&after);
	strlist_add(&before, "TOP");
	strlist_add(&after, "IMPLEMENTATION Qpopper-version-4.0.5");
	impl_detect(&k, &f);
	ck_assert_str_eq(f.product, "qpopper");
	ck_assert_str_eq(f.version, "4.0.5");
	ck_assert_uint_eq(f.confidence, IMPL_CONF_IMPL_CAPA);
	ck_assert_ptr_nonnull(strstr(f.evidence, "IMPLEMENTATION"));

	strlist_clear(&after);
	strlist_add(&after, "IMPLEMENTATION Courier Mail Server");
	k.greeting = "+OK Hello there.";
	impl_detect(&k, &f);
	ck_assert_str_eq(f.product, "courier");
	ck_assert_uint_eq(f.confidence, IMPL_CONF_IMPL_CAPA + 5);

	/* a disagreeing clue is named, the stronger one wins */
	k.greeting = "+OK POP3 ready";
	impl_detect(&k, &f);
	ck_assert_str_eq(f.product, "courier");
	ck_assert_ptr_nonnull(strstr(f.evidence, "suggests nginx"));
	impl_facts_free(&f);
	strlist_free(&before);
	strlist_free(&after);
}
END_TEST

/* An NTLM challenge with a Windows version: Exchange, unless a stronger
 * clue says otherwise; an all-zero version says nothing. */
START_TEST(test_ntlm)
{
	struct ntlm_challenge ch;
	struct impl_facts f = {0};
	struct impl_clues k = {.greeting = "* OK IMAP4rev1 server ready",
	                       .ntlm = &ch};

	memset(&ch, 0, sizeof(ch));
	ch.has_version = true;
	ch.ver_major = 10;
	ch.ver_build = 17763;
	impl_detect(&k, &f);
	ck_assert_str_eq(f.product, "exchange");
	ck_assert_uint_eq(f.confidence, IMPL_CONF_NTLM);
	ck_assert_str_eq(f.evidence, "NTLM challenge from Windows 10.0 build "
	                             "17763");
	k.greeting = "* OK The Microsoft Exchange IMAP4 service is ready.";
	impl_detect(&k, &f);
	ck_assert_uint_eq(f.confidence, IMPL_CONF_GREETING + 5);
	ch.ver_major = 0;
	ch.ver_build = 0;
	k.greeting = "* OK ready";
	impl_detect(&k, &f);
	ck_assert_ptr_null(f.product);
	impl_facts_free(&f);
}
END_TEST

/* Nothing at all, and a greeting-less endpoint. */
START_TEST(test_empty)
{
	struct impl_facts f = {0};
	struct impl_clues k = {0};

	impl_detect(&k, &f);
	ck_assert_ptr_null(f.product);
	ck_assert_ptr_null(f.evidence);
	ck_assert_uint_eq(f.confidence, 0);
}
END_TEST

Suite *
impl_suite(void)
{
	Suite *s = suite_create("impl");
	TCase *tc = tcase_create("detect");

	tcase_add_loop_test(tc, test_greetings, 0,
	                    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_imap_id);
	tcase_add_test(tc, test_pop3_implementation);
	tcase_add_test(tc, test_ntlm);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return s;
}
