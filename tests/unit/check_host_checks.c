/*
 * Judgements across a host's endpoints (probes/checks/host_checks.c):
 * CERT-INCONSISTENT-ACROSS-ENDPOINTS between the listeners that should
 * share a certificate and nowhere else, and IMPLICIT-TLS-MISSING.
 */
#include <check.h>
#include <string.h>

#include "probes/checks/host_checks.h"
#include "probes/service.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *host_checks_suite(void);

#define MAXR 4

static struct endpoint_result results[MAXR];
static size_t nresults;

/* An endpoint that completed TLS with a leaf whose fingerprint is fp
 * (NULL: no certificate). */
static struct endpoint_result *
add(const char *host, const char *address, const char *service, uint16_t port,
    const char *fp)
{
	struct endpoint_result *r = &results[nresults++];

	endpoint_result_init(r);
	r->endpoint.host = xstrdup(host);
	r->endpoint.address = xstrdup(address);
	r->endpoint.port = port;
	r->endpoint.service = service_by_name(service);
	ck_assert_ptr_nonnull(r->endpoint.service);
	r->status = EP_STATUS_OK;
	if (fp) {
		struct cert_facts *c = xcalloc(1, sizeof(*c));

		strlist_init(&c->eku);
		strlist_init(&c->dns_names);
		strlist_init(&c->ip_addresses);
		c->sha256 = xstrdup(fp);
		c->subject = xstrdup("CN=mail.example.org");
		c->key_algorithm = xstrdup("RSA");
		c->key_bits = 2048;
		r->tls.handshake_done = true;
		r->tls.chain.certs = c;
		r->tls.chain.ncerts = 1;
	}
	return r;
}

static void
teardown(void)
{
	for (size_t i = 0; i < nresults; i++)
		endpoint_result_free(&results[i]);
	nresults = 0;
}

static bool
has(size_t i, const char *id)
{
	return result_has_finding(&results[i], id);
}

#define INCONSISTENT "CERT-INCONSISTENT-ACROSS-ENDPOINTS"
#define FP_A         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B         "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

START_TEST(test_starttls_and_implicit_differ)
{
	add("mail.example.org", "192.0.2.1", "imap", 143, FP_A);
	add("mail.example.org", "192.0.2.1", "imaps", 993, FP_B);
	host_checks_judge(results, nresults);
	ck_assert(!has(0, INCONSISTENT));
	ck_assert(has(1, INCONSISTENT));
	ck_assert_ptr_nonnull(strstr(results[1].findings[0].evidence,
	                             "imaps/993 on 192.0.2.1 serves leaf "
	                             "SHA-256 bbbbbbbbbbbbbbbb..."));
	ck_assert_ptr_nonnull(
	    strstr(results[1].findings[0].evidence, "imap/143"));
	teardown();
}
END_TEST

START_TEST(test_same_leaf)
{
	add("mail.example.org", "192.0.2.1", "pop3", 110, FP_A);
	add("mail.example.org", "192.0.2.1", "pop3s", 995, FP_A);
	host_checks_judge(results, nresults);
	ck_assert_uint_eq(results[0].nfindings + results[1].nfindings, 0);
	teardown();
}
END_TEST

/* IMAP and POP3 may well use their own certificates. */
START_TEST(test_other_protocol)
{
	add("mail.example.org", "192.0.2.1", "imaps", 993, FP_A);
	add("mail.example.org", "192.0.2.1", "pop3s", 995, FP_B);
	host_checks_judge(results, nresults);
	ck_assert(!has(0, INCONSISTENT) && !has(1, INCONSISTENT));
	teardown();
}
END_TEST

START_TEST(test_ipv4_and_ipv6_differ)
{
	add("mail.example.org", "192.0.2.1", "imaps", 993, FP_A);
	add("mail.example.org", "2001:db8::1", "imaps", 993, FP_B);
	add("mail.example.org", "2001:db8::1", "imap", 143, FP_B);
	host_checks_judge(results, nresults);
	ck_assert(!has(0, INCONSISTENT));
	ck_assert(has(1, INCONSISTENT));
	/* 143 on the IPv6 address matches 993 there; nothing on IPv4 */
	ck_assert(!has(2, INCONSISTENT));
	teardown();
}
END_TEST

START_TEST(test_other_host_or_no_leaf)
{
	add("mail.example.org", "192.0.2.1", "imaps", 993, FP_A);
	add("mx.example.org", "192.0.2.1", "imap", 143, FP_B);
	add("mail.example.org", "192.0.2.1", "imap", 143, NULL);
	host_checks_judge(results, nresults);
	for (size_t i = 0; i < nresults; i++)
		ck_assert(!has(i, INCONSISTENT));
	teardown();
}
END_TEST

START_TEST(test_implicit_missing)
{
	struct endpoint_result *clear;

	clear = add("mail.example.org", "192.0.2.1", "imap", 143, FP_A);
	clear->banner = xstrdup("* OK ready");
	add("mail.example.org", "192.0.2.1", "imaps", 993, NULL)->status =
	    EP_STATUS_CLOSED;
	add("mail.example.org", "192.0.2.1", "pop3s", 995, NULL)->status =
	    EP_STATUS_CLOSED;
	host_checks_judge(results, nresults);
	ck_assert(has(1, "IMPLICIT-TLS-MISSING"));
	/* no POP3 port answered: nothing to say about 995 */
	ck_assert(!has(2, "IMPLICIT-TLS-MISSING"));
	teardown();
}
END_TEST

/* A web server on the mail ports: 143 answers, but not in IMAP, so no mail
 * service lacks its implicit-TLS port. */
START_TEST(test_implicit_missing_needs_a_mail_service)
{
	static const enum endpoint_status not_ok[] = {
	    EP_STATUS_PROTOCOL_ERROR, EP_STATUS_REJECTED, EP_STATUS_TIMEOUT,
	    EP_STATUS_TLS_ERROR};

	for (size_t i = 0; i < sizeof(not_ok) / sizeof(not_ok[0]); i++) {
		struct endpoint_result *clear =
		    add("web.example.org", "192.0.2.2", "imap", 143, NULL);

		clear->banner = xstrdup("HTTP/1.1 400 Bad Request");
		clear->status = not_ok[i];
		add("web.example.org", "192.0.2.2", "imaps", 993, NULL)
		    ->status = EP_STATUS_TLS_ERROR;
		host_checks_judge(results, nresults);
		ck_assert_msg(!has(1, "IMPLICIT-TLS-MISSING"), "cleartext %s",
		              endpoint_status_name(not_ok[i]));
		teardown();
	}
}
END_TEST

Suite *
host_checks_suite(void)
{
	Suite *s = suite_create("host_checks");
	TCase *tc = tcase_create("judge");

	tcase_add_test(tc, test_starttls_and_implicit_differ);
	tcase_add_test(tc, test_same_leaf);
	tcase_add_test(tc, test_other_protocol);
	tcase_add_test(tc, test_ipv4_and_ipv6_differ);
	tcase_add_test(tc, test_other_host_or_no_leaf);
	tcase_add_test(tc, test_implicit_missing);
	tcase_add_test(tc, test_implicit_missing_needs_a_mail_service);
	suite_add_tcase(s, tc);
	return s;
}
