/*
 * The --external judgement (probes/checks/dns_checks.c) on hand-made DNS facts:
 * every TLSA usage, selector and matching type against a two-certificate
 * chain, trusted or not; absent, insecure, bogus and failed lookups; and
 * the RFC 6186 SRV pairs with their priorities and missing records.
 */
#include <check.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/dns_checks.h"
#include "probes/service.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *dns_checks_suite(void);

#define MISMATCH "DANE-TLSA-MISMATCH"
#define ABSENT   "DANE-TLSA-ABSENT"
#define SRV      "DNS-SRV-IMPLICIT-TLS-MISSING"
#define TLSA_AT  "_993._tcp.mail.example.org"

/* Digests of the two certificates: [cert][selector][matching type]
 * (matching type 0 stands for the SHA-256 of the full data). */
static const char *const dg[2][2][3] = {
    {{"1e1f", "1e1f", "1e512f"}, {"1e5f", "1e5f", "1e5512f"}},
    {{"ca1f", "ca1f", "ca512f"}, {"ca5f", "ca5f", "ca5512f"}},
};

static struct endpoint_result r;

static void
set_cert(struct cert_facts *c, size_t k)
{
	strlist_init(&c->eku);
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	c->sha256 = xstrdup(dg[k][0][1]);
	c->sha512 = xstrdup(dg[k][0][2]);
	c->spki_sha256 = xstrdup(dg[k][1][1]);
	c->spki_sha512 = xstrdup(dg[k][1][2]);
}

/* An imaps endpoint that completed TLS with leaf and CA; a TLSA lookup
 * with the given outcome and no records yet. */
static void
setup_ep(enum dns_outcome outcome, bool trusted)
{
	endpoint_result_init(&r);
	r.endpoint.host = xstrdup("mail.example.org");
	r.endpoint.address = xstrdup("192.0.2.1");
	r.endpoint.port = 993;
	r.endpoint.service = service_by_name("imaps");
	r.status = EP_STATUS_OK;
	r.tls.handshake_done = true;
	r.tls.chain.certs = xcalloc(2, sizeof(struct cert_facts));
	r.tls.chain.ncerts = r.tls.chain.nsent = 2;
	r.tls.chain.trusted = trusted;
	set_cert(&r.tls.chain.certs[0], 0);
	set_cert(&r.tls.chain.certs[1], 1);
	r.dns = xcalloc(1, sizeof(*r.dns));
	r.dns->has_tlsa = true;
	r.dns->tlsa.q.name = xstrdup(TLSA_AT);
	r.dns->tlsa.q.outcome = outcome;
}

static void
add_tlsa(unsigned usage, unsigned selector, unsigned mtype, const char *hex,
         const char *full_sha256)
{
	struct dns_tlsa *t = &r.dns->tlsa;
	struct tlsa_rr *rr;

	t->rr = xreallocarray(t->rr, t->n + 1, sizeof(*t->rr));
	rr = &t->rr[t->n++];
	rr->usage = (uint8_t)usage;
	rr->selector = (uint8_t)selector;
	rr->mtype = (uint8_t)mtype;
	rr->data_hex = xstrdup(hex);
	rr->data_sha256 = full_sha256 ? xstrdup(full_sha256) : NULL;
}

/* A record of this usage/selector/type naming certificate k. */
static void
add_tlsa_for(unsigned usage, unsigned selector, unsigned mtype, size_t k)
{
	const char *d = dg[k][selector][mtype];

	if (mtype == 0)
		add_tlsa(usage, selector, 0, "3082deadbeef", d);
	else
		add_tlsa(usage, selector, mtype, d, NULL);
}

static void
teardown(void)
{
	endpoint_result_free(&r);
}

static const char *
evidence(const char *id)
{
	return result_finding_evidence(&r, id);
}

static void
judge(void)
{
	dns_checks_judge(&r, 1);
}

/* Each usage, selector and matching type alone: it matches the right
 * certificate of a trusted chain. */
START_TEST(test_every_combination_matches)
{
	unsigned usage = (unsigned)_i / 6, selector = (unsigned)_i / 3 % 2,
	         mtype = (unsigned)_i % 3;

	setup_ep(DNS_SECURE, true);
	add_tlsa_for(usage, selector, mtype, usage == 0 || usage == 2 ? 1 : 0);
	judge();
	ck_assert_msg(r.nfindings == 0, "%u %u %u: %s", usage, selector, mtype,
	              r.nfindings ? r.findings[0].evidence : "");
}
END_TEST

/* ... and the same record naming the other certificate does not. */
START_TEST(test_every_combination_other_cert)
{
	unsigned usage = (unsigned)_i / 6, selector = (unsigned)_i / 3 % 2,
	         mtype = (unsigned)_i % 3;

	setup_ep(DNS_SECURE, true);
	add_tlsa_for(usage, selector, mtype, usage == 0 || usage == 2 ? 0 : 1);
	judge();
	ck_assert_msg(evidence(MISMATCH) != NULL, "%u %u %u", usage, selector,
	              mtype);
	ck_assert_uint_eq(r.nfindings, 1);
}
END_TEST

/* Selector and matching type must agree: the SPKI digest in a
 * full-certificate record is no match, nor a SHA-512 in a SHA-256 one. */
START_TEST(test_selector_and_type_matter)
{
	setup_ep(DNS_SECURE, true);
	add_tlsa(3, 0, 1, dg[0][1][1], NULL);
	add_tlsa(3, 1, 1, dg[0][1][2], NULL);
	add_tlsa(3, 1, 2, dg[0][1][1], NULL);
	add_tlsa(3, 0, 0, "3082", dg[0][1][1]);
	judge();
	ck_assert_ptr_nonnull(evidence(MISMATCH));
	ck_assert_ptr_nonnull(strstr(evidence(MISMATCH), "3 0 1 1e5f, 3 1 1"));
}
END_TEST

/* PKIX-TA (0) and PKIX-EE (1) need the ordinary trust path too; DANE-TA
 * (2) and DANE-EE (3) do not. */
START_TEST(test_pkix_usages_need_trust)
{
	unsigned usage = (unsigned)_i;

	setup_ep(DNS_SECURE, false);
	add_tlsa_for(usage, 1, 1, usage == 0 || usage == 2 ? 1 : 0);
	judge();
	if (usage <= 1) {
		ck_assert_ptr_nonnull(evidence(MISMATCH));
		ck_assert_ptr_nonnull(
		    strstr(evidence(MISMATCH), "has no trusted path"));
	} else {
		ck_assert_uint_eq(r.nfindings, 0);
	}
}
END_TEST

START_TEST(test_one_match_is_enough)
{
	setup_ep(DNS_SECURE, true);
	add_tlsa(3, 1, 1, "00ff", NULL);
	add_tlsa(7, 1, 1, dg[0][1][1], NULL); /* unusable, though equal */
	add_tlsa(3, 1, 1, "1E5F", NULL);      /* hex in capitals */
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

START_TEST(test_mismatch_evidence)
{
	setup_ep(DNS_SECURE, true);
	for (unsigned i = 0; i < 6; i++)
		add_tlsa(3, 1, 1, "0123456789abcdef0123456789", NULL);
	judge();
	ck_assert_ptr_nonnull(evidence(MISMATCH));
	ck_assert_ptr_nonnull(strstr(evidence(MISMATCH), TLSA_AT));
	ck_assert_ptr_nonnull(strstr(evidence(MISMATCH), "leaf SHA-256 1e1f"));
	ck_assert_ptr_nonnull(
	    strstr(evidence(MISMATCH), "3 1 1 0123456789abcdef..."));
	ck_assert_ptr_nonnull(strstr(evidence(MISMATCH), "... (6 records)"));
	ck_assert_ptr_null(strstr(evidence(MISMATCH), "no trusted path"));
}
END_TEST

START_TEST(test_unusable_only)
{
	setup_ep(DNS_SECURE, true);
	add_tlsa(4, 1, 1, dg[0][1][1], NULL);
	add_tlsa(3, 2, 1, dg[0][1][1], NULL);
	add_tlsa(3, 1, 3, dg[0][1][1], NULL);
	judge();
	ck_assert_ptr_null(evidence(MISMATCH));
	ck_assert_ptr_nonnull(evidence(ABSENT));
	ck_assert_ptr_nonnull(strstr(evidence(ABSENT), "3 record(s), none"));
}
END_TEST

/* Records the parser rejected (a digest of the wrong length) count as
 * unusable, not as absent. */
START_TEST(test_malformed_only)
{
	setup_ep(DNS_SECURE, true);
	r.dns->tlsa.q.nmalformed = 2;
	if (_i == 1)
		add_tlsa(9, 1, 1, dg[0][1][1], NULL);
	judge();
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_ptr_nonnull(evidence(ABSENT));
	ck_assert_ptr_nonnull(strstr(evidence(ABSENT), _i ? "has 3 record(s)"
	                                                  : "has 2 record(s)"));
	ck_assert_ptr_nonnull(strstr(evidence(ABSENT), "or malformed"));
}
END_TEST

START_TEST(test_absent_validated)
{
	setup_ep(DNS_SECURE, true);
	r.dns->tlsa.q.nxdomain = _i == 1;
	judge();
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_ptr_nonnull(
	    strstr(evidence(ABSENT), _i ? "(DNSSEC-validated NXDOMAIN)"
	                                : "(DNSSEC-validated no data)"));
}
END_TEST

/* An unsigned zone's TLSA records, even matching ones, are not DANE. */
START_TEST(test_insecure)
{
	setup_ep(DNS_INSECURE, true);
	r.dns->tlsa.q.why = xstrdup("no trust anchor");
	if (_i == 1)
		add_tlsa_for(3, 1, 1, 0);
	judge();
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_ptr_nonnull(evidence(ABSENT));
	ck_assert_ptr_nonnull(strstr(evidence(ABSENT), "(insecure: no trust"));
	ck_assert_ptr_nonnull(strstr(evidence(ABSENT), _i ? "exists (1 record"
	                                                  : "no TLSA RRset"));
}
END_TEST

START_TEST(test_bogus)
{
	setup_ep(DNS_BOGUS, true);
	r.dns->tlsa.q.why = xstrdup("signature expired");
	judge();
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_ptr_nonnull(strstr(evidence(ABSENT),
	                             "failed DNSSEC validation (bogus: "
	                             "signature expired)"));
}
END_TEST

/* No answer: not a finding, but the endpoint says why it was not judged */
START_TEST(test_failed_lookup_is_a_note)
{
	setup_ep(DNS_FAILED, true);
	r.dns->tlsa.q.why = xstrdup("no answer within 3 s");
	r.status_detail = xstrdup("earlier note");
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
	ck_assert_str_eq(r.status_detail,
	                 "earlier note; DANE not judged: the TLSA lookup for "
	                 "_993._tcp.mail.example.org failed: no answer "
	                 "within 3 s");
	ck_assert_int_eq(r.status, EP_STATUS_OK);
}
END_TEST

START_TEST(test_no_tls_no_dane)
{
	setup_ep(DNS_SECURE, true);
	r.tls.handshake_done = false;
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
	teardown();
	setup_ep(DNS_NOT_ASKED, true);
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

/* The final whole-scan pass after a streamed one adds nothing twice. */
START_TEST(test_judged_once)
{
	setup_ep(DNS_SECURE, true);
	add_tlsa(3, 1, 1, "00", NULL);
	judge();
	judge();
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_ptr_null(strstr(evidence(MISMATCH) + 1, "no usable record"));
}
END_TEST

/* --- SRV -------------------------------------------------------------- */

static void
add_srv(struct dns_srv *s, uint16_t prio, uint16_t port, const char *target)
{
	s->rr = xreallocarray(s->rr, s->n + 1, sizeof(*s->rr));
	s->rr[s->n].priority = prio;
	s->rr[s->n].weight = 1;
	s->rr[s->n].port = port;
	s->rr[s->n++].target = xstrdup(target);
}

/* The host's first IMAP endpoint, carrying the SRV pair (no TLSA). */
static void
setup_srv(enum dns_outcome clear, enum dns_outcome tls)
{
	setup_ep(DNS_NOT_ASKED, true);
	r.dns->has_tlsa = false;
	r.dns->has_srv = true;
	r.dns->srv_clear.q.name = xstrdup("_imap._tcp.example.org");
	r.dns->srv_clear.q.outcome = clear;
	r.dns->srv_tls.q.name = xstrdup("_imaps._tcp.example.org");
	r.dns->srv_tls.q.outcome = tls;
}

START_TEST(test_srv_tls_missing)
{
	setup_srv(DNS_INSECURE, DNS_INSECURE);
	add_srv(&r.dns->srv_clear, 0, 143, "mail.example.org");
	r.dns->srv_tls.q.nxdomain = true;
	judge();
	ck_assert_ptr_nonnull(evidence(SRV));
	ck_assert_str_eq(evidence(SRV),
	                 "_imap._tcp.example.org points to "
	                 "mail.example.org:143 (priority 0), but "
	                 "_imaps._tcp.example.org has no record (NXDOMAIN)");
}
END_TEST

START_TEST(test_srv_tls_not_offered)
{
	setup_srv(DNS_SECURE, DNS_SECURE);
	add_srv(&r.dns->srv_clear, 0, 143, "mail.example.org");
	add_srv(&r.dns->srv_tls, 0, 0, ".");
	judge();
	ck_assert_ptr_nonnull(evidence(SRV));
	ck_assert_ptr_nonnull(strstr(evidence(SRV), "only the target \".\""));
}
END_TEST

START_TEST(test_srv_priorities)
{
	/* clear, tls priorities; finding? */
	static const struct {
		uint16_t clear, tls;
		bool finding;
	} cases[] = {{0, 10, true}, {10, 0, false}, {5, 5, false}};

	setup_srv(DNS_SECURE, DNS_INSECURE);
	add_srv(&r.dns->srv_clear, cases[_i].clear, 143, "imap.example.org");
	add_srv(&r.dns->srv_tls, cases[_i].tls, 993, "imap.example.org");
	judge();
	ck_assert_int_eq(evidence(SRV) != NULL, cases[_i].finding);
	if (cases[_i].finding)
		ck_assert_str_eq(
		    evidence(SRV),
		    "cleartext _imap._tcp.example.org (priority 0, "
		    "imap.example.org:143) is preferred to "
		    "_imaps._tcp.example.org (priority 10, "
		    "imap.example.org:993): lower values are tried "
		    "first");
}
END_TEST

/* The best record of each side counts, and "." records do not. */
START_TEST(test_srv_best_of_several)
{
	setup_srv(DNS_SECURE, DNS_SECURE);
	add_srv(&r.dns->srv_clear, 0, 0, ".");
	add_srv(&r.dns->srv_clear, 20, 143, "a.example.org");
	add_srv(&r.dns->srv_clear, 10, 143, "b.example.org");
	add_srv(&r.dns->srv_tls, 30, 993, "a.example.org");
	add_srv(&r.dns->srv_tls, 10, 993, "b.example.org");
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
	teardown();
	setup_srv(DNS_SECURE, DNS_SECURE);
	add_srv(&r.dns->srv_clear, 20, 143, "a.example.org");
	add_srv(&r.dns->srv_clear, 9, 143, "b.example.org");
	add_srv(&r.dns->srv_tls, 0, 0, ".");
	add_srv(&r.dns->srv_tls, 10, 993, "b.example.org");
	judge();
	ck_assert_ptr_nonnull(strstr(evidence(SRV), "(priority 9, b.exa"));
}
END_TEST

/* Nothing published, or only "service not offered": nothing to steer. */
START_TEST(test_srv_no_cleartext)
{
	setup_srv(DNS_SECURE, DNS_SECURE);
	r.dns->srv_clear.q.nxdomain = true;
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
	teardown();
	setup_srv(DNS_SECURE, DNS_SECURE);
	add_srv(&r.dns->srv_clear, 0, 0, ".");
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

START_TEST(test_srv_unknown_is_a_note)
{
	setup_srv(_i ? DNS_SECURE : DNS_FAILED, _i ? DNS_BOGUS : DNS_SECURE);
	add_srv(&r.dns->srv_clear, 0, 143, "mail.example.org");
	if (_i)
		r.dns->srv_tls.q.why = xstrdup("no signatures");
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
	ck_assert_ptr_nonnull(r.status_detail);
	ck_assert_ptr_nonnull(strstr(
	    r.status_detail,
	    _i ? "SRV not judged: the lookup for _imaps._tcp.example.org "
	         "failed DNSSEC validation: no signatures"
	       : "SRV not judged: the lookup for _imap._tcp.example.org "
	         "failed: no answer"));
}
END_TEST

/* SRV is about the domain: judged whatever the endpoint's own state. */
START_TEST(test_srv_on_closed_endpoint)
{
	setup_srv(DNS_SECURE, DNS_SECURE);
	r.status = EP_STATUS_CLOSED;
	r.tls.handshake_done = false;
	add_srv(&r.dns->srv_clear, 0, 143, "mail.example.org");
	judge();
	ck_assert_ptr_nonnull(evidence(SRV));
	teardown();
	setup_srv(DNS_SECURE, DNS_SECURE);
	r.dns->has_srv = false; /* not the host's first endpoint */
	add_srv(&r.dns->srv_clear, 0, 143, "mail.example.org");
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

/* Endpoints without DNS facts (no --external, IP targets) are skipped. */
START_TEST(test_no_facts)
{
	endpoint_result_init(&r);
	r.endpoint.host = xstrdup("192.0.2.1");
	r.endpoint.address = xstrdup("192.0.2.1");
	r.endpoint.service = service_by_name("imaps");
	judge();
	ck_assert_uint_eq(r.nfindings, 0);
	ck_assert_ptr_null(r.status_detail);
}
END_TEST

Suite *
dns_checks_suite(void)
{
	Suite *s = suite_create("dns_checks");
	TCase *tc = tcase_create("tlsa");
	TCase *ts = tcase_create("srv");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_every_combination_matches, 0, 24);
	tcase_add_loop_test(tc, test_every_combination_other_cert, 0, 24);
	tcase_add_test(tc, test_selector_and_type_matter);
	tcase_add_loop_test(tc, test_pkix_usages_need_trust, 0, 4);
	tcase_add_test(tc, test_one_match_is_enough);
	tcase_add_test(tc, test_mismatch_evidence);
	tcase_add_test(tc, test_unusable_only);
	tcase_add_loop_test(tc, test_malformed_only, 0, 2);
	tcase_add_loop_test(tc, test_absent_validated, 0, 2);
	tcase_add_loop_test(tc, test_insecure, 0, 2);
	tcase_add_test(tc, test_bogus);
	tcase_add_test(tc, test_failed_lookup_is_a_note);
	tcase_add_test(tc, test_no_tls_no_dane);
	tcase_add_test(tc, test_judged_once);
	tcase_add_test(tc, test_no_facts);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ts, NULL, teardown);
	tcase_add_test(ts, test_srv_tls_missing);
	tcase_add_test(ts, test_srv_tls_not_offered);
	tcase_add_loop_test(ts, test_srv_priorities, 0, 3);
	tcase_add_test(ts, test_srv_best_of_several);
	tcase_add_test(ts, test_srv_no_cleartext);
	tcase_add_loop_test(ts, test_srv_unknown_is_a_note, 0, 2);
	tcase_add_test(ts, test_srv_on_closed_endpoint);
	suite_add_tcase(s, ts);
	return s;
}
