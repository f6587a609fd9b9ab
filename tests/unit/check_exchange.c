/*
 * INFO-EXCHANGE-BACKEND-FQDN: back-end names from Exchange greetings
 * (padded, unpadded, IMAP and POP3, with and without the status), and
 * the brackets that must not count: response codes, non-base64,
 * base64 that is not UTF-16LE or not a host name, oversize names.
 * The base64 vectors were made independently of probes/base64.c
 * (Python's base64 module over the UTF-16LE names).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "probes/base64.h"
#include "probes/exchange.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *exchange_suite(void);

#define MR2P "MR2P264CA0029.FRAP264.PROD.OUTLOOK.COM"
#define MR2P_B64                                                               \
	"TQBSADIAUAAyADYANABDAEEAMAAwADIAOQAuAEYAUgBBAFAAMgA2ADQALgBQAFIATwBE" \
	"AC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA=="
#define MR2P_B64_UNPADDED                                                      \
	"TQBSADIAUAAyADYANABDAEEAMAAwADIAOQAuAEYAUgBBAFAAMgA2ADQALgBQAFIATwBE" \
	"AC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA"
#define SI2P "SI2PR04CA0005.apcprd04.prod.outlook.com"
/* 78 bytes: a multiple of 3, so no padding either way */
#define SI2P_B64                                                               \
	"UwBJADIAUABSADAANABDAEEAMAAwADAANQAuAGEAcABjAHAAcgBkADAANAAuAHAAcgBv" \
	"AGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A"

static const struct {
	const char *greeting;
	const char *name;
} found[] = {
    {"* OK The Microsoft Exchange IMAP4 service is ready. [" MR2P_B64 "]",
     MR2P},
    {"* OK The Microsoft Exchange IMAP4 service is ready. [" MR2P_B64_UNPADDED
     "]",
     MR2P},
    {"+OK The Microsoft Exchange POP3 service is ready. [" SI2P_B64 "]", SI2P},
    {"* OK The Microsoft Exchange IMAP4 service is ready. [" SI2P_B64 "]\r\n",
     SI2P},
    {"* OK The Microsoft Exchange IMAP4 service is ready. [" MR2P_B64 "]  ",
     MR2P},
    /* the text alone, as a parser's "text" view hands it over */
    {"The Microsoft Exchange IMAP4 service is ready. [" MR2P_B64 "]", MR2P},
    /* after a real response code */
    {"* OK [CAPABILITY IMAP4rev1] The Microsoft Exchange IMAP4 service is "
     "ready. [" MR2P_B64 "]",
     MR2P},
    /* no space before the bracket */
    {"* OK ready.[" SI2P_B64 "]", SI2P},
    /* "a.b": dot and two labels is enough */
    {"* OK Exchange ready [YQAuAGIA]", "a.b"},
};

START_TEST(test_found)
{
	char out[EXCHANGE_FQDN_MAX + 1];

	memset(out, 'x', sizeof(out));
	ck_assert_msg(
	    exchange_backend_fqdn(found[_i].greeting, out, sizeof(out)),
	    "not found in %s", found[_i].greeting);
	ck_assert_str_eq(out, found[_i].name);
}
END_TEST

/* base64 of UTF-16LE / UTF-8 text, made with Python, for the cases
 * below: */
#define B64_NODOTS       "bQBhAGkAbAAwADEA"         /* "mail01" */
#define B64_SPACE        "YQAgAGIALgBjAA=="         /* "a b.c" */
#define B64_LEADING_DOT  "LgBhAC4AYgA="             /* ".a.b" */
#define B64_TRAILING_DOT "YQAuAGIALgA="             /* "a.b." */
#define B64_DOUBLE_DOT   "YQAuAC4AYgA="             /* "a..b" */
#define B64_UNDERSCORE   "YQBfAGIALgBjAA=="         /* "a_b.c" */
#define B64_NON_ASCII    "6QAuAGMAbwBtAA=="         /* "\u00e9.com" */
#define B64_UTF8         "bWFpbC5leGFtcGxlLmNvbQ==" /* "mail.example.com" in UTF-8 */
#define B64_NUL          "YQAuAGIAAAA="             /* "a.b\0" */

static const char *const not_found[] = {
    /* response codes right after the status */
    "* OK [" MR2P_B64 "]", "* ok [" MR2P_B64 "]", "a1 OK [" MR2P_B64 "]",
    "* NO [" MR2P_B64 "]", "* BYE [" MR2P_B64 "]", "* PREAUTH [" MR2P_B64 "]",
    "+OK [" MR2P_B64 "]", "-ERR [" MR2P_B64 "]",
    /* ordinary greetings */
    "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
    "LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.",
    "+OK Dovecot (Debian) ready.",
    "+OK ... ready. <4aee.2.6b0863fc.3PVPMleoMwdhYwEBGwD9XQ==@vm>",
    "* OK The Microsoft Exchange IMAP4 service is ready.", "* OK ready [ALERT]",
    "* OK ready [PRIVACYREQUIRED]", "* OK ready [CAPABILITY IMAP4rev1]",
    /* bracket not at the end, or broken */
    "* OK ready [" MR2P_B64 "] thanks", "* OK ready [" MR2P_B64,
    "* OK ready " MR2P_B64 "]", "* OK ready []", "]", "",
    /* not base64 */
    "* OK ready [" MR2P_B64 "=]", "* OK ready [TQBSADIAUAAy ADYANABD]",
    "* OK ready [TQBSADIAUAAy-ADYANABD]", "* OK ready [TQ]BSADIA]",
    "* OK ready [TQB]",
    /* base64, but not a host name in UTF-16LE */
    "* OK ready [" B64_NODOTS "]", "* OK ready [" B64_SPACE "]",
    "* OK ready [" B64_LEADING_DOT "]", "* OK ready [" B64_TRAILING_DOT "]",
    "* OK ready [" B64_DOUBLE_DOT "]", "* OK ready [" B64_UNDERSCORE "]",
    "* OK ready [" B64_NON_ASCII "]", "* OK ready [" B64_UTF8 "]",
    "* OK ready [" B64_NUL "]",
    "* OK ready [YQAuAGIAYw]", /* odd byte count: "a.b" + 1 byte */
};

START_TEST(test_not_found)
{
	char out[EXCHANGE_FQDN_MAX + 1];

	memset(out, 'x', sizeof(out));
	ck_assert_msg(!exchange_backend_fqdn(not_found[_i], out, sizeof(out)),
	              "found \"%s\" in %s", out, not_found[_i]);
	ck_assert_str_eq(out, "");
}
END_TEST

/* Builds "* OK x [<base64 of UTF-16LE name>]". */
static void
greeting_for(const char *name, char *g, size_t cap)
{
	uint8_t u16[2 * 300];
	size_t n = strlen(name), o;

	ck_assert_uint_le(n, 300);
	for (size_t i = 0; i < n; i++) {
		u16[2 * i] = (uint8_t)name[i];
		u16[2 * i + 1] = 0;
	}
	o = (size_t)snprintf(g, cap, "* OK x [");
	ck_assert_int_gt(base64_encode(u16, 2 * n, g + o, cap - o), 0);
	o = strlen(g);
	ck_assert_uint_lt(o + 1, cap);
	g[o] = ']';
	g[o + 1] = '\0';
}

START_TEST(test_lengths)
{
	char name[300], g[1024], out[EXCHANGE_FQDN_MAX + 1];

	/* 63-character labels are fine, 64 is not */
	memset(name, 'a', 63);
	memcpy(name + 63, ".example", sizeof(".example"));
	greeting_for(name, g, sizeof(g));
	ck_assert(exchange_backend_fqdn(g, out, sizeof(out)));
	ck_assert_str_eq(out, name);
	memset(name, 'a', 64);
	memcpy(name + 64, ".example", sizeof(".example"));
	greeting_for(name, g, sizeof(g));
	ck_assert(!exchange_backend_fqdn(g, out, sizeof(out)));

	/* 253 characters (labels of 62) accepted */
	for (size_t i = 0; i < 253; i++)
		name[i] = (i % 63 == 62) ? '.' : 'b';
	name[253] = '\0';
	ck_assert_uint_eq(strlen(name), EXCHANGE_FQDN_MAX);
	greeting_for(name, g, sizeof(g));
	ck_assert(exchange_backend_fqdn(g, out, sizeof(out)));
	ck_assert_str_eq(out, name);
	/* and out must hold it */
	ck_assert(!exchange_backend_fqdn(g, out, EXCHANGE_FQDN_MAX));
	ck_assert_str_eq(out, "");

	/* 254 characters refused */
	name[253] = 'c';
	name[254] = '\0';
	greeting_for(name, g, sizeof(g));
	ck_assert(!exchange_backend_fqdn(g, out, sizeof(out)));
}
END_TEST

START_TEST(test_small_out)
{
	const char *g = "* OK ready [YQAuAGIA]"; /* "a.b" */
	char out[8];

	memset(out, 'x', sizeof(out));
	ck_assert(exchange_backend_fqdn(g, out, 4));
	ck_assert_str_eq(out, "a.b");
	memset(out, 'x', sizeof(out));
	ck_assert(!exchange_backend_fqdn(g, out, 3));
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq((unsigned char)out[1], 'x');
	ck_assert(!exchange_backend_fqdn(g, out, 0));
	ck_assert(!exchange_backend_fqdn(g, NULL, 8));
	ck_assert(!exchange_backend_fqdn(NULL, out, sizeof(out)));
	ck_assert_str_eq(out, "");
}
END_TEST

/* A huge bracket is refused before decoding. */
START_TEST(test_huge)
{
	static char g[70000];
	char out[EXCHANGE_FQDN_MAX + 1];

	memcpy(g, "* OK x [", 8);
	memset(g + 8, 'A', sizeof(g) - 10);
	g[sizeof(g) - 2] = ']';
	g[sizeof(g) - 1] = '\0';
	ck_assert(!exchange_backend_fqdn(g, out, sizeof(out)));
}
END_TEST

Suite *
exchange_suite(void)
{
	Suite *s = suite_create("exchange");
	TCase *tc = tcase_create("greetings");

	tcase_add_loop_test(tc, test_found, 0,
	                    (int)(sizeof(found) / sizeof(found[0])));
	tcase_add_loop_test(tc, test_not_found, 0,
	                    (int)(sizeof(not_found) / sizeof(not_found[0])));
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_small_out);
	tcase_add_test(tc, test_huge);
	suite_add_tcase(s, tc);
	return s;
}
