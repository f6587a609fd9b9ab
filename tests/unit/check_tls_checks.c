/*
 * TLS judgement from fabricated audit answers (probes/checks/tls_checks.c): the
 * default certificate without SNI (CERT-SNI-DIFFERENT), ALPN enforcement
 * (TLS-ALPN-NOT-ENFORCED) and truncated_hmac (TLS-TRUNCATED-HMAC).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "probes/checks/tls_checks.h"
#include "scanner/core/result.h"
#include "scanner/tls/tlsaudit.h"
#include "scanner/tls/tlshello.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *tls_checks_suite(void);

static struct endpoint_result r;
static struct tls_audit audit;

/* A TLS 1.3 endpoint with a stapled OCSP response (so that only the
 * checks under test can fire) and a leaf with fingerprint fp. */
static void
setup(void)
{
	struct cert_facts *c = xcalloc(1, sizeof(*c));

	endpoint_result_init(&r);
	r.endpoint.host = xstrdup("mail.example.org");
	r.endpoint.address = xstrdup("192.0.2.1");
	r.endpoint.port = 993;
	r.endpoint.service = service_by_name("imaps");
	r.status = EP_STATUS_OK;
	r.tls.handshake_done = true;
	r.tls.version = xstrdup("TLS1.3");
	r.tls.ocsp_stapled = true;
	strlist_init(&c->eku);
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	c->sha256 = xstrdup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	c->subject = xstrdup("CN=mail.example.org");
	r.tls.chain.certs = c;
	r.tls.chain.ncerts = 1;
	memset(&audit, 0, sizeof(audit));
	audit.depth = TLS_DEPTH_QUICK;
	audit.q[TLSQ_TLS13].answer = TLSA_ACCEPTED;
	audit.q[TLSQ_TLS13].version = TLS_VERSION_1_3;
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

START_TEST(test_default_certificate_differs)
{
	r.no_sni.tried = r.no_sni.done = true;
	r.no_sni.leaf_sha256 = xstrdup("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	r.no_sni.leaf_subject = xstrdup("CN=default.example.net");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_ptr_nonnull(evidence("CERT-SNI-DIFFERENT"));
	ck_assert_ptr_nonnull(strstr(evidence("CERT-SNI-DIFFERENT"),
	                             "without SNI the server presents leaf "
	                             "SHA-256 bbbbbbbbbbbbbbbb... "
	                             "(CN=default.example.net); for "
	                             "mail.example.org"));
}
END_TEST

START_TEST(test_default_certificate_same_or_unknown)
{
	r.no_sni.tried = r.no_sni.done = true;
	r.no_sni.leaf_sha256 = xstrdup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);

	/* a failed handshake without SNI says nothing */
	teardown();
	setup();
	r.no_sni.tried = true;
	r.no_sni.error = xstrdup("alert unrecognized_name");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

START_TEST(test_alpn_not_enforced)
{
	audit.q[TLSQ_ALPN].answer = TLSA_ACCEPTED;
	snprintf(audit.q[TLSQ_ALPN].detail, sizeof(audit.q[TLSQ_ALPN].detail),
	         "TLS1.3 TLS_AES_128_GCM_SHA256");
	tls_checks_judge(&r, &audit);
	ck_assert_ptr_nonnull(evidence("TLS-ALPN-NOT-ENFORCED"));
	ck_assert_ptr_nonnull(strstr(evidence("TLS-ALPN-NOT-ENFORCED"),
	                             "not the no_application_protocol"));
}
END_TEST

START_TEST(test_alpn_selected)
{
	audit.q[TLSQ_ALPN].answer = TLSA_ACCEPTED;
	audit.q[TLSQ_ALPN].ext_seen = TLSHELLO_EXT_ALPN;
	tls_checks_judge(&r, &audit);
	ck_assert_ptr_nonnull(strstr(evidence("TLS-ALPN-NOT-ENFORCED"),
	                             "that selected http/1.1"));
}
END_TEST

START_TEST(test_alpn_enforced_or_unasked)
{
	audit.q[TLSQ_ALPN].answer = TLSA_REFUSED;
	tls_checks_judge(&r, &audit);
	ck_assert_ptr_null(evidence("TLS-ALPN-NOT-ENFORCED"));
	teardown();
	setup();
	tls_checks_judge(&r, &audit); /* TLSA_UNASKED */
	ck_assert_ptr_null(evidence("TLS-ALPN-NOT-ENFORCED"));
}
END_TEST

START_TEST(test_truncated_hmac)
{
	audit.q[TLSQ_TLS12].answer = TLSA_ACCEPTED;
	audit.q[TLSQ_TLS12].version = TLS_VERSION_1_2;
	audit.q[TLSQ_TLS12].suite = 0xc02f;
	audit.q[TLSQ_TLS12].ext_seen = TLSHELLO_EXT_TRUNCATED_HMAC |
	                               TLSHELLO_EXT_RENEGOTIATION_INFO |
	                               TLSHELLO_EXT_EXTENDED_MASTER_SECRET;
	tls_checks_judge(&r, &audit);
	ck_assert_ptr_nonnull(evidence("TLS-TRUNCATED-HMAC"));
	ck_assert_ptr_null(evidence("TLS-RENEGOTIATION-INSECURE"));

	teardown();
	setup();
	audit.q[TLSQ_TLS12].answer = TLSA_ACCEPTED;
	audit.q[TLSQ_TLS12].version = TLS_VERSION_1_2;
	audit.q[TLSQ_TLS12].suite = 0xc02f;
	audit.q[TLSQ_TLS12].ext_seen = TLSHELLO_EXT_RENEGOTIATION_INFO |
	                               TLSHELLO_EXT_EXTENDED_MASTER_SECRET;
	tls_checks_judge(&r, &audit);
	ck_assert_ptr_null(evidence("TLS-TRUNCATED-HMAC"));
}
END_TEST

/* A selected profile's 3000-bit DH floor adds a medium TLS-DH-WEAK for
 * 2048-2999 bit primes only. */
START_TEST(test_strict_dh_bits)
{
	audit.q[TLSQ_DHE].answer = TLSA_ACCEPTED;
	audit.q[TLSQ_DHE].dh_bits = 2048;
	tls_checks_judge(&r, &audit);
	ck_assert_ptr_null(evidence("TLS-DH-WEAK"));
	tls_checks_judge_strict(&r, &audit, 0);
	ck_assert_ptr_null(evidence("TLS-DH-WEAK"));
	tls_checks_judge_strict(&r, &audit, 3000);
	ck_assert_ptr_nonnull(strstr(evidence("TLS-DH-WEAK"),
	                             "2048-bit prime, below the 3000 bits"));
	ck_assert_int_eq(r.findings[r.nfindings - 1].severity, SEV_MEDIUM);

	teardown();
	setup();
	audit.q[TLSQ_DHE].answer = TLSA_ACCEPTED;
	audit.q[TLSQ_DHE].dh_bits = 3072;
	tls_checks_judge_strict(&r, &audit, 3000);
	ck_assert_ptr_null(evidence("TLS-DH-WEAK"));
}
END_TEST

Suite *
tls_checks_suite(void)
{
	Suite *s = suite_create("tls_checks");
	TCase *tc = tcase_create("judge");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_certificate_differs);
	tcase_add_test(tc, test_default_certificate_same_or_unknown);
	tcase_add_test(tc, test_alpn_not_enforced);
	tcase_add_test(tc, test_alpn_selected);
	tcase_add_test(tc, test_alpn_enforced_or_unasked);
	tcase_add_test(tc, test_truncated_hmac);
	tcase_add_test(tc, test_strict_dh_bits);
	suite_add_tcase(s, tc);
	return s;
}
