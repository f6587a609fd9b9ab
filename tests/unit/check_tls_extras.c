/*
 * The judgement of the two extra library handshakes
 * (probes/checks/tls_checks.c): a client-initiated renegotiation
 * (TLS-CLIENT-RENEGOTIATION) and TLS 1.3 early data on resumption
 * (TLS-0RTT-ACCEPTED). Only a completed renegotiation and accepted early data
 * are findings; refusals and the cases without a verdict are not.
 */
#include <check.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "probes/checks/tls_checks.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *tls_extras_suite(void);

static struct endpoint_result r;

/* A TLS 1.3 endpoint with a stapled OCSP response and no audit, so only
 * the checks under test can fire. */
static void
setup(void)
{
	endpoint_result_init(&r);
	r.endpoint.host = xstrdup("mail.example.org");
	r.endpoint.address = xstrdup("192.0.2.1");
	r.endpoint.port = 993;
	r.endpoint.service = service_by_name("imaps");
	r.status = EP_STATUS_OK;
	r.tls.handshake_done = true;
	r.tls.version = xstrdup("TLS1.3");
	r.tls.ocsp_stapled = true;
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
reneg(enum reneg_outcome how, const char *detail)
{
	r.reneg.tried = r.reneg.decided = true;
	r.reneg.outcome = how;
	r.reneg.detail = xstrdup(detail);
}

START_TEST(test_renegotiation_accepted)
{
	reneg(RENEG_ACCEPTED, "the server completed the renegotiation");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_str_eq(evidence("TLS-CLIENT-RENEGOTIATION"),
	                 "on a TLS 1.2 session the server answered a client's "
	                 "new ClientHello with a full handshake (the server "
	                 "completed the renegotiation)");
	ck_assert_str_eq(r.findings[0].check->issue, "tls");
}
END_TEST

START_TEST(test_renegotiation_refused)
{
	reneg(RENEG_REFUSED, "warning alert no_renegotiation");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

/* TLS 1.3 only, no RFC 5746, an error: no verdict, so no finding. */
START_TEST(test_renegotiation_not_assessed)
{
	reneg(RENEG_NOT_ASSESSED, "no TLS 1.2 handshake: protocol_version");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);

	teardown();
	setup();
	/* a connection that ended before any verdict */
	r.reneg.tried = true;
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

START_TEST(test_early_data_accepted)
{
	r.early.checked = r.early.ticket = r.early.tried = true;
	r.early.max_early_data = 16384;
	r.early.resumed = r.early.accepted = true;
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_str_eq(evidence("TLS-0RTT-ACCEPTED"),
	                 "a resumed TLS 1.3 handshake had its early data "
	                 "accepted (the session ticket allows 16384 bytes of "
	                 "it)");
	ck_assert_str_eq(r.findings[0].check->issue, "tls");
}
END_TEST

START_TEST(test_early_data_not_accepted)
{
	/* resumed, early data rejected (the server reads it as garbage and
	 * skips it, RFC 8446 §4.2.10) */
	r.early.checked = r.early.ticket = r.early.tried = true;
	r.early.max_early_data = 16384;
	r.early.resumed = true;
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);

	teardown();
	setup();
	/* a ticket without an early-data allowance: nothing was tried */
	r.early.checked = r.early.ticket = true;
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);

	teardown();
	setup();
	/* the resumption failed; an accepted flag without it means nothing */
	r.early.checked = r.early.ticket = r.early.tried = true;
	r.early.accepted = true;
	r.early.error = xstrdup("the server did not resume the session");
	tls_checks_judge(&r, NULL);
	ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

Suite *
tls_extras_suite(void)
{
	Suite *s = suite_create("tls_extras");
	TCase *tc = tcase_create("judge");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_renegotiation_accepted);
	tcase_add_test(tc, test_renegotiation_refused);
	tcase_add_test(tc, test_renegotiation_not_assessed);
	tcase_add_test(tc, test_early_data_accepted);
	tcase_add_test(tc, test_early_data_not_accepted);
	suite_add_tcase(s, tc);
	return s;
}
