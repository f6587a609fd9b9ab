/*
 * The CI gate: profile semantics (a finding outside the profile does not
 * fail, profiles are a union, --fail-on adds, imap4rev2 is IMAP only,
 * BSI's legacy-version rule is implicit-TLS only), waivers as the gate
 * applies them (match, no match, expired), fail closed with and without
 * --allow-incomplete, and the exit codes. The profile table itself is
 * checked against the catalog, so a typo in a check id cannot pass.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "scanner/gate/profiles.h"
#include "probes/service.h"
#include "scanner/gate/gate.h"
#include "scanner/core/result.h"
#include "scanner/gate/waivers.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *gate_suite(void);

#define NRES 5

static struct endpoint_result res[NRES];
static struct scan_report rep;

/*
 * alpha.example 192.0.2.10  pop3 110 ok   AUTH-PLAINTEXT-BEFORE-TLS (high),
 *                                         SVC-CLEARTEXT-PORT-OPEN (info)
 * alpha.example 192.0.2.10  imaps 993 ok  CERT-SELF-SIGNED, CERT-KEY-WEAK
 *                                         (high)
 * beta.example  198.51.100.7 imap 143 timeout (unassessed), no finding
 * beta.example  198.51.100.7 pop3 110 ok  STARTTLS-MISSING (high)
 * gamma.example 203.0.113.5 imaps 993 closed IMPLICIT-TLS-MISSING (medium)
 */
static void
set(struct endpoint_result *r, const char *host, const char *addr,
    const char *svc, enum endpoint_status st)
{
	endpoint_result_init(r);
	r->endpoint.host = xstrdup(host);
	r->endpoint.address = xstrdup(addr);
	r->endpoint.service = service_by_name(svc);
	ck_assert_ptr_nonnull(r->endpoint.service);
	r->endpoint.port = r->endpoint.service->default_port;
	r->status = st;
}

static void
setup(void)
{
	set(&res[0], "alpha.example", "192.0.2.10", "pop3", EP_STATUS_OK);
	result_add_finding(&res[0], CHECK(AUTH_PLAINTEXT_BEFORE_TLS), "USER");
	result_add_finding(&res[0], CHECK(SVC_CLEARTEXT_PORT_OPEN), "+OK");
	set(&res[1], "alpha.example", "192.0.2.10", "imaps", EP_STATUS_OK);
	result_add_finding(&res[1], CHECK(CERT_SELF_SIGNED), "CN=alpha");
	result_add_finding(&res[1], CHECK(CERT_KEY_WEAK), "RSA 1024");
	set(&res[2], "beta.example", "198.51.100.7", "imap", EP_STATUS_TIMEOUT);
	set(&res[3], "beta.example", "198.51.100.7", "pop3", EP_STATUS_OK);
	result_add_finding(&res[3], CHECK(STARTTLS_MISSING), "no STLS");
	set(&res[4], "gamma.example", "203.0.113.5", "imaps", EP_STATUS_CLOSED);
	result_add_finding(&res[4], CHECK(IMPLICIT_TLS_MISSING), "993 closed");
	memset(&rep, 0, sizeof(rep));
	rep.results = res;
	rep.nresults = NRES;
	/* as result.c may leave them: garbage the gate must overwrite */
	for (size_t i = 0; i < NRES; i++)
		for (size_t j = 0; j < res[i].nfindings; j++) {
			res[i].findings[j].gate_fail = true;
			res[i].findings[j].waived = true;
			res[i].findings[j].waiver_reason = "stale";
		}
}

static void
teardown(void)
{
	for (size_t i = 0; i < NRES; i++)
		endpoint_result_free(&res[i]);
}

static const struct finding *
finding(size_t ep, const char *id)
{
	for (size_t j = 0; j < res[ep].nfindings; j++)
		if (strcmp(res[ep].findings[j].check->id, id) == 0)
			return &res[ep].findings[j];
	ck_abort_msg("no finding %s on endpoint %zu", id, ep);
	return NULL;
}

static bool
fails(size_t ep, const char *id)
{
	return finding(ep, id)->gate_fail;
}

static void
config(struct gate_config *cfg, const char *p1, const char *p2, int fail_on)
{
	char err[256];

	gate_config_init(cfg);
	cfg->today = 20250115;
	cfg->fail_on = fail_on;
	if (p1)
		ck_assert_int_eq(
		    gate_config_add_profile(cfg, p1, err, sizeof(err)), 0);
	if (p2)
		ck_assert_int_eq(
		    gate_config_add_profile(cfg, p2, err, sizeof(err)), 0);
}

START_TEST(test_profile_table_names_catalog_checks)
{
	const struct profile *const *all;
	size_t n;

	all = profile_all(&n);
	ck_assert_uint_eq(n, 10);
	ck_assert_ptr_eq(all[0], profile_default());
	ck_assert_str_eq(all[0]->name, "baseline");
	for (size_t i = 0; i < n; i++) {
		const struct profile *p = all[i];

		ck_assert_ptr_eq(profile_by_name(p->name), p);
		ck_assert_msg(p->title && p->clauses, "%s", p->name);
		ck_assert_msg(p->nrules > 0 || p->min_severity >= 0,
		              "%s fails on nothing", p->name);
		for (size_t k = 0; k < p->nrules; k++) {
			for (size_t j = 0; j < k; j++)
				ck_assert_msg(p->rules[j].check !=
				                  p->rules[k].check,
				              "profile %s lists %s twice",
				              p->name, p->rules[k].check->id);
		}
	}
	ck_assert_ptr_nonnull(profile_by_name("PCI-DSS-4"));
	ck_assert_ptr_null(profile_by_name("pci"));
	ck_assert_ptr_null(profile_by_name(NULL));
}
END_TEST

START_TEST(test_profiles_strict_extends_rfc8314)
{
	const struct profile *a = profile_by_name("rfc8314");
	const struct profile *b = profile_by_name("rfc8314-strict");
	const struct service *imap = service_by_name("imap");

	for (size_t k = 0; k < a->nrules; k++)
		ck_assert(profile_has_check(b, a->rules[k].check, imap));
	ck_assert(profile_has_check(b, catalog_find("SVC-CLEARTEXT-PORT-OPEN"),
	                            imap));
	ck_assert(!profile_has_check(a, catalog_find("SVC-CLEARTEXT-PORT-OPEN"),
	                             imap));
}
END_TEST

START_TEST(test_default_is_baseline)
{
	struct gate_config cfg;
	struct gate_summary g;
	int code;

	config(&cfg, NULL, NULL, -1);
	code = gate_apply(&rep, &cfg);
	ck_assert_int_eq(code, 1);
	ck_assert(fails(0, "AUTH-PLAINTEXT-BEFORE-TLS"));
	ck_assert(!fails(0, "SVC-CLEARTEXT-PORT-OPEN"));
	ck_assert(fails(1, "CERT-SELF-SIGNED"));
	ck_assert(fails(3, "STARTTLS-MISSING"));
	ck_assert(!fails(4, "IMPLICIT-TLS-MISSING")); /* medium */
	ck_assert(!finding(4, "IMPLICIT-TLS-MISSING")->waived);
	ck_assert_ptr_null(finding(4, "IMPLICIT-TLS-MISSING")->waiver_reason);
	gate_summarize(&rep, &cfg, code, &g);
	ck_assert_uint_eq(g.nprofiles, 1);
	ck_assert_str_eq(g.profiles[0], "baseline");
	ck_assert_int_eq(g.threshold, SEV_HIGH);
	ck_assert_int_eq(g.exit_code, 1);
	ck_assert_ptr_null(g.waivers_file);
	gate_summary_free(&g);
}
END_TEST

/* A finding outside the profile does not fail it. */
START_TEST(test_finding_outside_profile_passes)
{
	struct gate_config cfg;

	config(&cfg, "mozilla-old", NULL, -1);
	ck_assert_int_eq(gate_apply(&rep, &cfg), 1);
	ck_assert(fails(1, "CERT-KEY-WEAK"));
	ck_assert(fails(1, "CERT-SELF-SIGNED"));
	/* high severity, but not a Mozilla TLS-configuration item */
	ck_assert(!fails(0, "AUTH-PLAINTEXT-BEFORE-TLS"));
	ck_assert(!fails(3, "STARTTLS-MISSING"));

	config(&cfg, "rfc8314", NULL, -1);
	gate_apply(&rep, &cfg);
	ck_assert(!fails(1, "CERT-KEY-WEAK"));
	ck_assert(fails(1, "CERT-SELF-SIGNED"));
	ck_assert(fails(0, "AUTH-PLAINTEXT-BEFORE-TLS"));
	ck_assert(fails(4, "IMPLICIT-TLS-MISSING")); /* medium, listed */
	ck_assert(!fails(0, "SVC-CLEARTEXT-PORT-OPEN"));

	config(&cfg, "rfc8314-strict", NULL, -1);
	gate_apply(&rep, &cfg);
	ck_assert(fails(0, "SVC-CLEARTEXT-PORT-OPEN"));
}
END_TEST

/* Two profiles: a finding fails if either fails it. */
START_TEST(test_profile_union)
{
	struct gate_config cfg;
	struct gate_summary g;

	config(&cfg, "rfc8314", "mozilla-old", -1);
	ck_assert_int_eq(gate_apply(&rep, &cfg), 1);
	ck_assert(fails(1, "CERT-KEY-WEAK"));             /* mozilla-old */
	ck_assert(fails(0, "AUTH-PLAINTEXT-BEFORE-TLS")); /* rfc8314 */
	ck_assert(!fails(0, "SVC-CLEARTEXT-PORT-OPEN"));  /* neither */
	gate_summarize(&rep, &cfg, 1, &g);
	ck_assert_uint_eq(g.nprofiles, 2);
	ck_assert_str_eq(g.profiles[0], "rfc8314");
	ck_assert_str_eq(g.profiles[1], "mozilla-old");
	ck_assert_int_eq(g.threshold, -1);
	gate_summary_free(&g);

	/* a repeat is ignored, not an error */
	ck_assert_int_eq(gate_config_add_profile(&cfg, "RFC8314", NULL, 0), 0);
	ck_assert_uint_eq(cfg.nprofiles, 2);
}
END_TEST

/* --fail-on adds every finding at or above it, on every endpoint. */
START_TEST(test_fail_on_adds)
{
	struct gate_config cfg;
	struct gate_summary g;

	result_add_finding(&res[1], CHECK(CERT_CHAIN_INCOMPLETE), "no int");
	config(&cfg, "imap4rev2", NULL, -1);
	gate_apply(&rep, &cfg);
	ck_assert(fails(4, "IMPLICIT-TLS-MISSING"));   /* listed */
	ck_assert(!fails(1, "CERT-CHAIN-INCOMPLETE")); /* medium, not */
	ck_assert(!fails(0, "AUTH-PLAINTEXT-BEFORE-TLS"));

	config(&cfg, "imap4rev2", NULL, SEV_MEDIUM);
	ck_assert_int_eq(gate_apply(&rep, &cfg), 1);
	ck_assert(fails(1, "CERT-CHAIN-INCOMPLETE"));
	ck_assert(fails(0, "AUTH-PLAINTEXT-BEFORE-TLS")); /* POP3 too */
	ck_assert(!fails(0, "SVC-CLEARTEXT-PORT-OPEN"));  /* info */
	gate_summarize(&rep, &cfg, 1, &g);
	ck_assert_int_eq(g.threshold, SEV_MEDIUM);
	ck_assert_uint_eq(g.nprofiles, 1);
	gate_summary_free(&g);

	/* --fail-on alone replaces baseline (the behaviour before gates) */
	config(&cfg, NULL, NULL, SEV_CRITICAL);
	ck_assert_int_eq(gate_apply(&rep, &cfg), 3);
	ck_assert(!fails(1, "CERT-SELF-SIGNED"));
	gate_summarize(&rep, &cfg, 3, &g);
	ck_assert_uint_eq(g.nprofiles, 0);
	ck_assert_int_eq(g.threshold, SEV_CRITICAL);
	gate_summary_free(&g);
}
END_TEST

/* imap4rev2 judges IMAP endpoints only, and only they fail closed. */
START_TEST(test_imap_only_scope)
{
	struct gate_config cfg;

	result_add_finding(&res[3], CHECK(AUTH_LOGINDISABLED_INCONSISTENT),
	                   "x");
	/* IMPLICIT-TLS-MISSING would fail imap4rev2 on imaps; on pop3s it
	 * is out of scope */
	res[4].endpoint.service = service_by_name("pop3s");
	config(&cfg, "imap4rev2", NULL, -1);
	/* nothing on the IMAP endpoints is in the profile; the IMAP
	 * endpoint that timed out makes it fail closed */
	ck_assert_int_eq(gate_apply(&rep, &cfg), 3);
	ck_assert(!fails(3, "AUTH-LOGINDISABLED-INCONSISTENT"));
	ck_assert(!fails(0, "AUTH-PLAINTEXT-BEFORE-TLS"));
	ck_assert(!fails(4, "IMPLICIT-TLS-MISSING"));

	/* the unassessed endpoint is POP3 now: out of scope */
	res[2].endpoint.service = service_by_name("pop3");
	ck_assert_int_eq(gate_apply(&rep, &cfg), 0);
	config(&cfg, "baseline", NULL, -1);
	ck_assert_int_eq(gate_apply(&rep, &cfg), 1);
}
END_TEST

/* bsi-tr-03108 fails TLS-VERSION-LEGACY on implicit-TLS ports only. */
START_TEST(test_rule_implicit_only)
{
	struct gate_config cfg;

	result_add_finding(&res[0], CHECK(TLS_VERSION_LEGACY), "TLS1.0");
	result_add_finding(&res[1], CHECK(TLS_VERSION_LEGACY), "TLS1.0");
	config(&cfg, "bsi-tr-03108", NULL, -1);
	gate_apply(&rep, &cfg);
	ck_assert(!fails(0, "TLS-VERSION-LEGACY")); /* pop3, STARTTLS */
	ck_assert(fails(1, "TLS-VERSION-LEGACY"));  /* imaps */
	ck_assert(fails(1, "CERT-KEY-WEAK"));
	ck_assert(!profile_has_check(profile_by_name("bsi-tr-03108"),
	                             catalog_find("TLS-VERSION-LEGACY"),
	                             service_by_name("pop3")));
	ck_assert(profile_has_check(profile_by_name("bsi-tr-03108"),
	                            catalog_find("TLS-VERSION-LEGACY"),
	                            service_by_name("pop3s")));
}
END_TEST

/* The strictest floors of the selected profiles reach the judgement. */
START_TEST(test_strict_bits)
{
	const struct profile *sel[3] = {profile_by_name("baseline"),
	                                profile_by_name("bsi-tr-03108"),
	                                profile_by_name("rfc8314")};
	unsigned key = 1, dh = 1;

	profile_strict_bits(sel, 1, &key, &dh);
	ck_assert_uint_eq(key, 0);
	ck_assert_uint_eq(dh, 0);
	profile_strict_bits(sel, 3, &key, &dh);
	ck_assert_uint_eq(key, 3000);
	ck_assert_uint_eq(dh, 3000);
}
END_TEST

/* Fail closed: exit 3 when nothing fails but an endpoint in scope was
 * not assessed; --allow-incomplete turns that into 0; a failing finding
 * still gives 1. */
START_TEST(test_fail_closed)
{
	struct gate_config cfg;

	config(&cfg, NULL, NULL, SEV_CRITICAL);
	ck_assert_int_eq(gate_apply(&rep, &cfg), 3);
	cfg.allow_incomplete = true;
	ck_assert_int_eq(gate_apply(&rep, &cfg), 0);
	cfg.allow_incomplete = false;
	res[2].status = EP_STATUS_FILTERED; /* nothing listening: assessed */
	ck_assert_int_eq(gate_apply(&rep, &cfg), 0);
	res[2].status = EP_STATUS_REJECTED;
	ck_assert_int_eq(gate_apply(&rep, &cfg), 3);
	cfg.fail_on = SEV_HIGH;
	ck_assert_int_eq(gate_apply(&rep, &cfg), 1);
	cfg.allow_incomplete = true;
	ck_assert_int_eq(gate_apply(&rep, &cfg), 1);
}
END_TEST

static void
waivers_from(struct waiver_list *wl, const char *json)
{
	char err[512];

	ck_assert_msg(waivers_parse(json, strlen(json), "w.json", wl, err,
	                            sizeof(err)) == 0,
	              "%s", err);
}

START_TEST(test_waivers_in_gate)
{
	struct gate_config cfg;
	struct gate_summary g;
	struct waiver_list wl;
	int code;

	waivers_from(&wl,
	             "[{\"check\":\"CERT-SELF-SIGNED\",\"endpoint\":"
	             "\"alpha.example:993\",\"reason\":\"internal CA\","
	             "\"expires\":\"2025-01-15\"},"
	             "{\"check\":\"CERT-KEY-WEAK\",\"endpoint\":"
	             "\"alpha.example:995\",\"reason\":\"wrong port\","
	             "\"expires\":\"2030-01-01\"},"
	             "{\"check\":\"STARTTLS-MISSING\",\"reason\":\"legacy "
	             "box\",\"expires\":\"2025-01-14\"},"
	             "{\"check\":\"AUTH-PLAINTEXT-BEFORE-TLS\",\"endpoint\":"
	             "\"pop3://192.0.2.*:110\",\"reason\":\"by address\","
	             "\"expires\":\"2026-12-31\"}]");
	config(&cfg, NULL, NULL, -1);
	cfg.waivers = &wl;
	code = gate_apply(&rep, &cfg);
	/* matched by check and glob: waived, does not fail */
	ck_assert(finding(1, "CERT-SELF-SIGNED")->waived);
	ck_assert(!fails(1, "CERT-SELF-SIGNED"));
	ck_assert_str_eq(finding(1, "CERT-SELF-SIGNED")->waiver_reason,
	                 "internal CA");
	/* glob does not match the endpoint: still fails */
	ck_assert(!finding(1, "CERT-KEY-WEAK")->waived);
	ck_assert(fails(1, "CERT-KEY-WEAK"));
	/* expired yesterday: no longer waives */
	ck_assert(!finding(3, "STARTTLS-MISSING")->waived);
	ck_assert(fails(3, "STARTTLS-MISSING"));
	/* URL form against the address */
	ck_assert(finding(0, "AUTH-PLAINTEXT-BEFORE-TLS")->waived);
	ck_assert(!fails(0, "AUTH-PLAINTEXT-BEFORE-TLS"));
	ck_assert_int_eq(code, 1);

	gate_summarize(&rep, &cfg, code, &g);
	ck_assert_str_eq(g.waivers_file, "w.json");
	ck_assert_uint_eq(g.waivers_total, 4);
	ck_assert_uint_eq(g.nexpired, 1);
	ck_assert_uint_eq(g.expired[0].index, 2);
	ck_assert_str_eq(g.expired[0].check, "STARTTLS-MISSING");
	ck_assert_ptr_null(g.expired[0].endpoint);
	ck_assert_str_eq(g.expired[0].expires, "2025-01-14");
	ck_assert_str_eq(g.expired[0].reason, "legacy box");
	ck_assert_uint_eq(g.expired[0].findings, 1);
	gate_summary_free(&g);

	/* the day after: the first waiver has expired too */
	cfg.today = 20250116;
	gate_apply(&rep, &cfg);
	ck_assert(fails(1, "CERT-SELF-SIGNED"));
	gate_summarize(&rep, &cfg, 1, &g);
	ck_assert_uint_eq(g.nexpired, 2);
	gate_summary_free(&g);

	/* waiving every gate failure leaves the fail-closed verdict */
	waivers_free(&wl);
	waivers_from(&wl, "{\"waivers\":["
	                  "{\"check\":\"CERT-SELF-SIGNED\",\"reason\":\"a\","
	                  "\"expires\":\"2099-01-01\"},"
	                  "{\"check\":\"CERT-KEY-WEAK\",\"reason\":\"b\","
	                  "\"expires\":\"2099-01-01\"},"
	                  "{\"check\":\"STARTTLS-MISSING\",\"reason\":\"c\","
	                  "\"expires\":\"2099-01-01\"},"
	                  "{\"check\":\"AUTH-PLAINTEXT-BEFORE-TLS\","
	                  "\"reason\":\"d\",\"expires\":\"2099-01-01\"}]}");
	cfg.waivers = &wl;
	ck_assert_int_eq(gate_apply(&rep, &cfg), 3);
	cfg.allow_incomplete = true;
	ck_assert_int_eq(gate_apply(&rep, &cfg), 0);
	waivers_free(&wl);
}
END_TEST

START_TEST(test_unknown_profile)
{
	struct gate_config cfg;
	char err[512];

	gate_config_init(&cfg);
	ck_assert_int_eq(gate_config_add_profile(&cfg, "pci", err, sizeof(err)),
	                 -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown profile 'pci'"));
	ck_assert_ptr_nonnull(strstr(err, "pci-dss-4"));
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_uint_eq(cfg.nprofiles, 0);
}
END_TEST

START_TEST(test_today)
{
	setenv("MAILAUDIT_TODAY", "2024-02-29", 1);
	ck_assert_int_eq(gate_today(), 20240229);
	setenv("MAILAUDIT_TODAY", "2023-02-29", 1); /* not a date: ignored */
	ck_assert_int_gt(gate_today(), 20240000);
	unsetenv("MAILAUDIT_TODAY");
	ck_assert_int_gt(gate_today(), 20240000);
}
END_TEST

START_TEST(test_summary_scope)
{
	struct gate_config cfg, back;
	struct gate_summary g;
	const struct check *c = catalog_find("CERT-KEY-WEAK");
	const struct check *i = catalog_find("INFO-BANNER-DISCLOSURE");
	char err[256];

	config(&cfg, "imap4rev2", "mozilla-old", -1);
	gate_summarize(&rep, &cfg, 0, &g);
	ck_assert(gate_summary_covers(&g, service_by_name("pop3")));
	ck_assert(gate_summary_has_check(&g, c, service_by_name("pop3")));
	ck_assert(!gate_summary_has_check(&g, i, service_by_name("imap")));
	ck_assert_int_eq(gate_config_from_summary(&g, &back, err, sizeof(err)),
	                 0);
	ck_assert_uint_eq(back.nprofiles, 2);
	ck_assert_int_eq(back.fail_on, -1);
	gate_summary_free(&g);

	config(&cfg, "imap4rev2", NULL, -1);
	gate_summarize(&rep, &cfg, 0, &g);
	ck_assert(!gate_summary_covers(&g, service_by_name("pop3s")));
	ck_assert(gate_summary_covers(&g, service_by_name("imaps")));
	gate_summary_free(&g);

	config(&cfg, "imap4rev2", NULL, SEV_INFO);
	gate_summarize(&rep, &cfg, 0, &g);
	ck_assert(gate_summary_covers(&g, service_by_name("pop3s")));
	ck_assert(gate_summary_has_check(&g, i, service_by_name("pop3")));
	gate_summary_free(&g);
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
gate_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("gate");
	TCase *tc = tcase_create("profiles");

	tcase_add_test(tc, test_profile_table_names_catalog_checks);
	tcase_add_test(tc, test_profiles_strict_extends_rfc8314);
	tcase_add_test(tc, test_unknown_profile);
	tcase_add_test(tc, test_today);
	suite_add_tcase(s, tc);

	tc = tcase_create("apply");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_is_baseline);
	tcase_add_test(tc, test_finding_outside_profile_passes);
	tcase_add_test(tc, test_profile_union);
	tcase_add_test(tc, test_fail_on_adds);
	tcase_add_test(tc, test_imap_only_scope);
	tcase_add_test(tc, test_rule_implicit_only);
	tcase_add_test(tc, test_fail_closed);
	tcase_add_test(tc, test_strict_bits);
	tcase_add_test(tc, test_waivers_in_gate);
	tcase_add_test(tc, test_summary_scope);
	suite_add_tcase(s, tc);
	return s;
}
