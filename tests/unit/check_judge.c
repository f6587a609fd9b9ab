/*
 * The judgement stage (probes/checks/judge.c): which checks judge_endpoint
 * runs on what the engine left, the profiles' floors in the policy, a
 * saved report judged for its floors only, and judge_host / judge_hosts
 * judging each host once into its record.
 */
#include <check.h>
#include <string.h>

#include "probes/checks/judge.h"
#include "probes/service.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"
#include "scanner/tls/tlsaudit.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *judge_suite(void);

#define MAXR 4
#define NOW  ((time_t)1767225600) /* 2026-01-01 */
#define DAY  86400

static struct endpoint_result results[MAXR];
static size_t nresults;

static struct endpoint_result *
add(const char *host, const char *address, const char *service, uint16_t port,
    enum endpoint_status status)
{
	struct endpoint_result *r = &results[nresults++];

	endpoint_result_init(r);
	r->endpoint.host = xstrdup(host);
	r->endpoint.address = xstrdup(address);
	r->endpoint.port = port;
	r->endpoint.service = service_by_name(service);
	ck_assert_ptr_nonnull(r->endpoint.service);
	r->status = status;
	return r;
}

/* A TLS 1.3 handshake with a trusted, valid RSA-2048 leaf for host and no
 * stapled OCSP response. */
static void
tls_done(struct endpoint_result *r)
{
	struct cert_facts *c = xcalloc(1, sizeof(*c));

	strlist_init(&c->eku);
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	strlist_add(&c->dns_names, r->endpoint.host);
	c->subject = xstrdup("CN=mail.example.org");
	c->issuer = xstrdup("CN=Example CA");
	c->common_name = xstrdup(r->endpoint.host);
	c->sha256 = xstrdup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	c->key_algorithm = xstrdup("RSA");
	c->key_bits = 2048;
	c->signature_algorithm = xstrdup("RSA-SHA256");
	c->not_before = NOW - 30 * DAY;
	c->not_after = NOW + 60 * DAY;
	r->tls.chain.certs = c;
	r->tls.chain.ncerts = 1;
	r->tls.chain.nsent = 1;
	r->tls.chain.trusted = true;
	r->tls.chain.publicly_trusted = true;
	r->tls.handshake_done = true;
	r->tls.version = xstrdup("TLS1.3");
	r->tls_reached = true;
}

/* A finished audit whose DHE answer used a dh_bits prime. */
static void
audited(struct endpoint_result *r, unsigned dh_bits)
{
	r->tls_audit = xcalloc(1, sizeof(*r->tls_audit));
	r->tls_audit->depth = TLS_DEPTH_QUICK;
	r->tls_audit->q[TLSQ_TLS13].answer = TLSA_ACCEPTED;
	r->tls_audit->q[TLSQ_TLS13].version = TLS_VERSION_1_3;
	r->tls_audit->q[TLSQ_DHE].answer = TLSA_ACCEPTED;
	r->tls_audit->q[TLSQ_DHE].dh_bits = dh_bits;
	r->tls_passes_done = true;
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

/* An endpoint that never reached TLS gains nothing. */
START_TEST(test_endpoint_without_tls)
{
	const struct judge_policy p = {.now = NOW, .strict_key_bits = 3000};

	add("mail.example.org", "192.0.2.1", "imap", 143, EP_STATUS_CLOSED);
	judge_endpoint(&results[0], &p);
	ck_assert_uint_eq(results[0].nfindings, 0);
}
END_TEST

/* The certificate is judged from the main handshake; the TLS checks only
 * once the engine ended the endpoint's TLS passes. */
START_TEST(test_endpoint_tls_after_passes)
{
	const struct judge_policy p = {.now = NOW};
	struct endpoint_result *r;

	r = add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_OK);
	tls_done(r);
	r->endpoint.service = service_by_name("imaps");
	results[0].tls.chain.certs[0].not_after = NOW + 10 * DAY;
	judge_endpoint(r, &p);
	ck_assert(has(0, "CERT-EXPIRING-SOON"));
	ck_assert(!has(0, "CERT-OCSP-STAPLING-MISSING"));
	teardown();

	r = add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_OK);
	tls_done(r);
	r->tls_passes_done = true;
	judge_endpoint(r, &p);
	ck_assert(!has(0, "CERT-EXPIRING-SOON"));
	ck_assert(has(0, "CERT-OCSP-STAPLING-MISSING"));
}
END_TEST

/* The profiles' floors come with the policy: 3000 bits make the 2048-bit
 * key and DH prime medium findings; without them nothing is added. */
START_TEST(test_endpoint_strict_floors)
{
	const struct judge_policy catalog = {.now = NOW};
	const struct judge_policy strict = {
	    .now = NOW, .strict_key_bits = 3000, .strict_dh_bits = 3000};
	struct endpoint_result *r;

	r = add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_OK);
	tls_done(r);
	audited(r, 2048);
	judge_endpoint(r, &catalog);
	ck_assert(!has(0, "CERT-KEY-WEAK"));
	ck_assert(!has(0, "TLS-DH-WEAK"));
	teardown();

	r = add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_OK);
	tls_done(r);
	audited(r, 2048);
	judge_endpoint(r, &strict);
	ck_assert(has(0, "CERT-KEY-WEAK"));
	ck_assert(has(0, "TLS-DH-WEAK"));
	ck_assert_ptr_nonnull(strstr(result_finding_evidence(r, "TLS-DH-WEAK"),
	                             "below the 3000 bits"));
}
END_TEST

/* A saved report was judged by its scan: only the floors are added. */
START_TEST(test_endpoint_saved)
{
	struct judge_policy p = {.saved = true};
	struct endpoint_result *r;

	r = add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_OK);
	tls_done(r);
	audited(r, 2048);
	judge_endpoint(r, &p);
	ck_assert_uint_eq(r->nfindings, 0);
	p.strict_key_bits = p.strict_dh_bits = 3000;
	judge_endpoint(r, &p);
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(has(0, "CERT-KEY-WEAK"));
	ck_assert(has(0, "TLS-DH-WEAK"));
}
END_TEST

/* A host: its cross-endpoint findings, and its record with the verdict
 * and one evidence line per endpoint. */
START_TEST(test_host)
{
	const struct judge_policy p = {.now = NOW};
	const struct judge_policy saved = {.saved = true};
	struct host_record h = {.host = xstrdup("mail.example.org")};

	strlist_init(&h.evidence);
	add("mail.example.org", "192.0.2.1", "imap", 143, EP_STATUS_OK);
	add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_CLOSED);
	judge_host(results, nresults, &p, &h);
	ck_assert(has(1, "IMPLICIT-TLS-MISSING"));
	ck_assert_int_eq(h.verdict, TLS_VERDICT_ABSENT);
	ck_assert(h.complete);
	ck_assert_uint_eq(h.evidence.n, 2);
	ck_assert_str_eq(h.evidence.items[1], "imaps 993 (192.0.2.1): closed");
	strlist_free(&h.evidence);
	teardown();

	/* saved: the verdict, but no findings */
	strlist_init(&h.evidence);
	add("mail.example.org", "192.0.2.1", "imap", 143, EP_STATUS_OK);
	tls_done(
	    add("mail.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_OK));
	judge_host(results, nresults, &saved, &h);
	ck_assert_uint_eq(results[0].nfindings + results[1].nfindings, 0);
	ck_assert_int_eq(h.verdict, TLS_VERDICT_MANDATORY);
	strlist_free(&h.evidence);
	free(h.host);
}
END_TEST

/* Every host once, in the order of its first endpoint, and the findings
 * land on the endpoints they belong to. */
START_TEST(test_hosts)
{
	const struct judge_policy p = {.now = NOW};
	struct scan_report rep = {0};

	add("a.example.org", "192.0.2.1", "imap", 143, EP_STATUS_OK);
	add("b.example.org", "192.0.2.2", "pop3", 110, EP_STATUS_TIMEOUT);
	add("a.example.org", "192.0.2.1", "imaps", 993, EP_STATUS_FILTERED);
	rep.results = results;
	rep.nresults = nresults;
	judge_hosts(&rep, &p);
	ck_assert_uint_eq(rep.nhosts, 2);
	ck_assert_str_eq(rep.hosts[0].host, "a.example.org");
	ck_assert_str_eq(rep.hosts[1].host, "b.example.org");
	ck_assert_uint_eq(rep.hosts[0].evidence.n, 2);
	ck_assert_int_eq(rep.hosts[1].verdict, TLS_VERDICT_UNKNOWN);
	ck_assert(!rep.hosts[1].complete);
	ck_assert(!has(0, "IMPLICIT-TLS-MISSING"));
	ck_assert(!has(1, "IMPLICIT-TLS-MISSING"));
	ck_assert(has(2, "IMPLICIT-TLS-MISSING"));
	ck_assert_str_eq(tls_verdict_name(rep.hosts[0].verdict), "absent");
	scan_report_free_hosts(&rep);
	ck_assert_uint_eq(rep.nhosts, 0);
}
END_TEST

Suite *
judge_suite(void)
{
	Suite *s = suite_create("judge");
	TCase *tc = tcase_create("judge");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_endpoint_without_tls);
	tcase_add_test(tc, test_endpoint_tls_after_passes);
	tcase_add_test(tc, test_endpoint_strict_floors);
	tcase_add_test(tc, test_endpoint_saved);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_hosts);
	suite_add_tcase(s, tc);
	return s;
}
