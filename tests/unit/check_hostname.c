/*
 * Server identity checks: wildcard rules, case, trailing dots, the CN
 * fallback only without dNSName SANs, and IP-literal targets against
 * iPAddress SANs compared numerically.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/hostname.h"
#include "scanner/core/result.h"
#include "scanner/core/strlist.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *hostname_suite(void);

static const struct {
	const char *pattern;
	const char *host;
	bool match;
} pattern_cases[] = {
    {"example.com", "example.com", true},
    {"Example.COM", "example.com", true},
    {"example.com", "EXAMPLE.com", true},
    {"example.com.", "example.com", true},
    {"example.com", "example.com.", true},
    {"mail.example.com", "mail.example.org", false},
    {"mail.example.com", "mail.example.com.evil", false},
    {"example.com", "xexample.com", false},
    {"xexample.com", "example.com", false},
    {"example.com..", "example.com..", false},
    {"example..com", "example..com", false},
    {"", "", false},
    {".", ".", false},
    {"*.example.com", "mail.example.com", true},
    {"*.example.com", "MAIL.Example.COM", true},
    {"*.EXAMPLE.com", "mail.example.com.", true},
    {"*.example.com.", "mail.example.com", true},
    {"*.example.com", "example.com", false},
    {"*.example.com", "a.b.example.com", false},
    {"*.example.com", ".example.com", false},
    {"*.example.com", "mail.example.org", false},
    {"*.example.com", "*.example.com", false},
    {"*.com", "example.com", false},
    {"*.com.", "example.com", false},
    {"*", "example", false},
    {"*.", "example.", false},
    {"*.co.uk", "example.co.uk", true},
    {"f*.example.com", "foo.example.com", false},
    {"*f.example.com", "ff.example.com", false},
    {"f*o.example.com", "foo.example.com", false},
    {"*.*.example.com", "a.b.example.com", false},
    {"a.*.example.com", "a.b.example.com", false},
    {"*.example.*", "a.example.com", false},
    {"*.0.2.1", "192.0.2.1", false},
    /* A-labels are compared as given, case-insensitively */
    {"xn--bcher-kva.example", "XN--BCHER-KVA.example", true},
    {"*.xn--bcher-kva.example", "mail.xn--bcher-kva.example", true},
    {"xn--bcher-kva.example", "bucher.example", false},
};

START_TEST(test_pattern)
{
	const char *p = pattern_cases[_i].pattern;
	const char *h = pattern_cases[_i].host;

	ck_assert_msg(hostname_pattern_matches(p, h) == pattern_cases[_i].match,
	              "pattern '%s' vs host '%s': expected %s", p, h,
	              pattern_cases[_i].match ? "match" : "no match");
}
END_TEST

#define MAXN 4

static const struct {
	const char *dns[MAXN]; /* dNSName SANs, NULL-terminated */
	const char *ips[MAXN]; /* iPAddress SANs, NULL-terminated */
	const char *cn;
	const char *host;
	bool host_is_ip;
	enum hostname_verdict want;
} check_cases[] = {
    {{"mail.example.com"},
     {NULL},
     NULL,
     "mail.example.com",
     false,
     HOSTNAME_OK_SAN},
    {{"*.example.com"},
     {NULL},
     NULL,
     "imap.example.com",
     false,
     HOSTNAME_OK_SAN},
    {{"a.example.org", "IMAP.example.com."},
     {NULL},
     NULL,
     "imap.example.com",
     false,
     HOSTNAME_OK_SAN},
    {{"a.example.org", "b.example.org"},
     {NULL},
     NULL,
     "imap.example.com",
     false,
     HOSTNAME_MISMATCH},
    /* any dNSName SAN rules the CN out, even a matching CN */
    {{"other.example.com"},
     {NULL},
     "imap.example.com",
     "imap.example.com",
     false,
     HOSTNAME_MISMATCH},
    /* no dNSName SAN: the CN counts */
    {{NULL},
     {NULL},
     "imap.example.com",
     "imap.example.com",
     false,
     HOSTNAME_OK_CN},
    {{NULL},
     {NULL},
     "IMAP.Example.com.",
     "imap.example.com",
     false,
     HOSTNAME_OK_CN},
    {{NULL},
     {NULL},
     "*.example.com",
     "imap.example.com",
     false,
     HOSTNAME_OK_CN},
    {{NULL},
     {NULL},
     "other.example.com",
     "imap.example.com",
     false,
     HOSTNAME_MISMATCH},
    {{NULL}, {NULL}, NULL, "imap.example.com", false, HOSTNAME_MISMATCH},
    /* iPAddress SANs are no dNSName SANs: the CN still counts */
    {{NULL},
     {"192.0.2.1"},
     "imap.example.com",
     "imap.example.com",
     false,
     HOSTNAME_OK_CN},
    {{NULL}, {"192.0.2.1"}, NULL, "imap.example.com", false, HOSTNAME_MISMATCH},
    /* IP-literal targets: iPAddress SANs only, numerically */
    {{NULL}, {"192.0.2.1"}, NULL, "192.0.2.1", true, HOSTNAME_OK_SAN},
    {{NULL}, {"192.0.2.10"}, NULL, "192.0.2.1", true, HOSTNAME_MISMATCH},
    {{NULL},
     {"not-an-ip", "192.0.2.1"},
     NULL,
     "192.0.2.1",
     true,
     HOSTNAME_OK_SAN},
    {{"192.0.2.1"}, {NULL}, NULL, "192.0.2.1", true, HOSTNAME_MISMATCH},
    {{NULL}, {NULL}, "192.0.2.1", "192.0.2.1", true, HOSTNAME_MISMATCH},
    {{"*.0.2.1"},
     {"192.0.2.2"},
     "192.0.2.1",
     "192.0.2.1",
     true,
     HOSTNAME_MISMATCH},
    {{NULL}, {"0:0:0:0:0:0:0:1"}, NULL, "::1", true, HOSTNAME_OK_SAN},
    {{NULL}, {"::1"}, NULL, "0:0:0:0:0:0:0:1", true, HOSTNAME_OK_SAN},
    {{NULL},
     {"2001:db8:0:0:0:0:0:1"},
     NULL,
     "2001:DB8::1",
     true,
     HOSTNAME_OK_SAN},
    {{NULL}, {"2001:db8::2"}, NULL, "2001:db8::1", true, HOSTNAME_MISMATCH},
    /* IPv4 and IPv6 are different identities, also IPv4-mapped */
    {{NULL}, {"::ffff:192.0.2.1"}, NULL, "192.0.2.1", true, HOSTNAME_MISMATCH},
    {{NULL}, {"192.0.2.1"}, NULL, "::ffff:192.0.2.1", true, HOSTNAME_MISMATCH},
    {{NULL}, {"127.0.0.1"}, NULL, "::1", true, HOSTNAME_MISMATCH},
    /* 32.1.13.184 is 20 01 0d b8: the first four bytes of 2001:db8:: */
    {{NULL}, {"2001:db8::1"}, NULL, "32.1.13.184", true, HOSTNAME_MISMATCH},
    {{NULL}, {"32.1.13.184"}, NULL, "2001:db8::", true, HOSTNAME_MISMATCH},
    {{NULL}, {"::1"}, NULL, "not-an-ip", true, HOSTNAME_MISMATCH},
};

static const char *
verdict_name(enum hostname_verdict v)
{
	switch (v) {
	case HOSTNAME_OK_SAN:
		return "ok-san";
	case HOSTNAME_OK_CN:
		return "ok-cn";
	case HOSTNAME_MISMATCH:
		return "mismatch";
	}
	return "?";
}

START_TEST(test_check)
{
	struct cert_facts leaf;
	enum hostname_verdict got;

	memset(&leaf, 0, sizeof(leaf));
	strlist_init(&leaf.dns_names);
	strlist_init(&leaf.ip_addresses);
	for (size_t i = 0; i < MAXN && check_cases[_i].dns[i] != NULL; i++)
		strlist_add(&leaf.dns_names, check_cases[_i].dns[i]);
	for (size_t i = 0; i < MAXN && check_cases[_i].ips[i] != NULL; i++)
		strlist_add(&leaf.ip_addresses, check_cases[_i].ips[i]);
	if (check_cases[_i].cn != NULL)
		leaf.common_name = xstrdup(check_cases[_i].cn);

	got = hostname_check(&leaf, check_cases[_i].host,
	                     check_cases[_i].host_is_ip);
	ck_assert_msg(got == check_cases[_i].want,
	              "case %d (host '%s'): got %s, want %s", _i,
	              check_cases[_i].host, verdict_name(got),
	              verdict_name(check_cases[_i].want));

	strlist_free(&leaf.dns_names);
	strlist_free(&leaf.ip_addresses);
	free(leaf.common_name);
}
END_TEST

START_TEST(test_null_inputs)
{
	struct cert_facts leaf;

	memset(&leaf, 0, sizeof(leaf));
	ck_assert(!hostname_pattern_matches(NULL, "example.com"));
	ck_assert(!hostname_pattern_matches("example.com", NULL));
	ck_assert_int_eq(hostname_check(NULL, "example.com", false),
	                 HOSTNAME_MISMATCH);
	ck_assert_int_eq(hostname_check(&leaf, NULL, false), HOSTNAME_MISMATCH);
	ck_assert_int_eq(hostname_check(&leaf, "example.com", false),
	                 HOSTNAME_MISMATCH);
}
END_TEST

Suite *
hostname_suite(void)
{
	Suite *s = suite_create("hostname");
	TCase *tc = tcase_create("pattern");

	tcase_add_loop_test(
	    tc, test_pattern, 0,
	    (int)(sizeof(pattern_cases) / sizeof(pattern_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_loop_test(
	    tc, test_check, 0,
	    (int)(sizeof(check_cases) / sizeof(check_cases[0])));
	tcase_add_test(tc, test_null_inputs);
	suite_add_tcase(s, tc);
	return s;
}
