/*
 * The HTML report's "Findings by check" section and its by-check chart
 * (issue #14), from a fabricated fleet of 40 hosts with four ports each:
 * one problem on every host is one box listing each host once with its
 * ports (the hosts after the first dozen folded away), boxes come worst
 * first with the informational ones apart, the chart puts the checks in
 * the same order with the informational ones on their own scale, and the
 * remediation shows exactly where the catalog has advice.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "probes/checks/judge.h"
#include "probes/service.h"
#include "reports/report.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *html_findings_suite(void);

#define NHOSTS 40
#define NPORTS 4
#define NRES   (NHOSTS * NPORTS)

static struct endpoint_result res[NRES];
static struct scan_report rep;
static struct report_options opt;
static char *page;

static const char *const services[NPORTS] = {"pop3", "imap", "imaps", "pop3s"};

/*
 * h00..h39.example, each with pop3 110, imap 143, imaps 993, pop3s 995:
 * INFO-BANNER-DISCLOSURE (info) on all 160; AUTH-PLAINTEXT-BEFORE-TLS
 * (high) on every 110 and 143 (80); CERT-EXPIRED (high) on h07's 993;
 * CERT-EXPIRING-SOON at medium on h03's 993 and 995. Half the hosts are
 * recognised as Dovecot.
 */
static void
setup(void)
{
	const struct judge_policy saved = {.saved = true};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	for (size_t i = 0; i < NRES; i++) {
		struct endpoint_result *r = &res[i];
		size_t host = i / NPORTS, port = i % NPORTS;

		endpoint_result_init(r);
		r->endpoint.host = xasprintf("h%02zu.example", host);
		r->endpoint.address = xasprintf("192.0.2.%zu", host + 1);
		r->endpoint.service = service_by_name(services[port]);
		r->endpoint.port = r->endpoint.service->default_port;
		r->status = EP_STATUS_OK;
		if (host % 2 == 0)
			r->implementation.product = xstrdup("dovecot");
		result_add_finding(r, CHECK(INFO_BANNER_DISCLOSURE), "* OK");
		if (port < 2)
			result_add_finding(r, CHECK(AUTH_PLAINTEXT_BEFORE_TLS),
			                   "LOGIN before STARTTLS");
		if (host == 7 && port == 2)
			result_add_finding(r, CHECK(CERT_EXPIRED),
			                   "2020-01-01");
		if (host == 3 && port >= 2)
			result_add_finding_sev(r, CHECK(CERT_EXPIRING_SOON),
			                       SEV_MEDIUM, "in %d days", 9);
	}
	memset(&rep, 0, sizeof(rep));
	rep.scanner_version = "0.1.0-test";
	rep.started.tv_sec = 1736942400;
	rep.finished.tv_sec = 1736942460;
	rep.results = res;
	rep.nresults = NRES;
	memset(&opt, 0, sizeof(opt));
	opt.exit_code = 1;
	opt.fail_on = SEV_HIGH;
	judge_hosts(&rep, &saved);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(reporter_by_name("html")->render(f, &rep, &opt), 0);
	ck_assert_int_eq(fclose(f), 0);
	page = buf;
}

static void
teardown(void)
{
	scan_report_free_hosts(&rep);
	for (size_t i = 0; i < NRES; i++)
		endpoint_result_free(&res[i]);
	free(page);
}

/* A copy of the text from open up to the first close after it. */
static char *
part(const char *text, const char *open, const char *close)
{
	const char *a = strstr(text, open), *b;

	ck_assert_msg(a != NULL, "no %s", open);
	b = strstr(a, close);
	ck_assert_msg(b != NULL, "no %s after %s", close, open);
	return xstrndup(a, (size_t)(b - a) + strlen(close));
}

/* A copy of one box of the findings section, from open (its id) to the
 * next box or the end of the section. */
static char *
box_of(const char *open)
{
	const char *a = strstr(page, open), *next, *end;

	ck_assert_msg(a != NULL, "no %s", open);
	next = strstr(a, "<div class=\"finding sev-");
	end = strstr(a, "</section>");
	ck_assert_ptr_nonnull(end);
	return xstrndup(a, (size_t)((next && next < end ? next : end) - a));
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Where needle is in hay, as an offset; fails when it is not. */
static size_t
at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	ck_assert_msg(p != NULL, "no %s", needle);
	return (size_t)(p - hay);
}

START_TEST(test_section_order)
{
	char *sec = part(page, "<section id=\"findings\">", "</section>");
	size_t auth = at(sec, "id=\"check-AUTH-PLAINTEXT-BEFORE-TLS\"");
	size_t expired = at(sec, "id=\"check-CERT-EXPIRED\"");
	size_t soon = at(sec, "id=\"check-CERT-EXPIRING-SOON\"");
	size_t info = at(sec, "id=\"findings-info\"");
	size_t banner = at(sec, "id=\"check-INFO-BANNER-DISCLOSURE\"");

	/* after the charts, before the waivers and hosts, in the nav */
	ck_assert_uint_lt(at(page, "id=\"charts\""),
	                  at(page, "id=\"findings\""));
	ck_assert_uint_lt(at(page, "id=\"findings\""),
	                  at(page, "id=\"waivers\""));
	ck_assert_ptr_nonnull(
	    strstr(page, "<a href=\"#findings\">Findings</a>"));
	/* one box per check, not per endpoint (160 + 80 + 1 + 2 findings) */
	ck_assert_uint_eq(count(sec, "class=\"finding sev-"), 4);
	/* worst first; among the high ones the most endpoints first; the
	 * informational ones apart, after the problems */
	ck_assert_uint_lt(auth, expired);
	ck_assert_uint_lt(expired, soon);
	ck_assert_uint_lt(soon, info);
	ck_assert_uint_lt(info, banner);
	ck_assert_uint_lt(at(sec, "id=\"findings-problems\""), auth);
	/* the medium override, not the catalog's severity, ranks the box */
	ck_assert_ptr_nonnull(strstr(sec,
	                             "class=\"finding sev-medium bycheck\" "
	                             "id=\"check-CERT-EXPIRING-SOON\""));
	free(sec);
}
END_TEST

START_TEST(test_endpoints_compact)
{
	char *box =
	    part(page, "id=\"check-AUTH-PLAINTEXT-BEFORE-TLS\"", "References:");
	char *inl = part(box, "<p class=\"endpoints\">", "</p>");
	char *info =
	    part(page, "id=\"check-INFO-BANNER-DISCLOSURE\"", "</div>");

	ck_assert_ptr_nonnull(strstr(box, "80 endpoint(s) on 40 host(s)"));
	ck_assert_ptr_nonnull(strstr(box, "80 fail the gate"));
	ck_assert_ptr_nonnull(strstr(info, "160 endpoint(s) on 40 host(s)"));
	/* every host once, with its ports ascending, a link to its section */
	for (int i = 0; i < NHOSTS; i++) {
		char *name = xasprintf(">h%02d.example</a>:110, 143<", i);

		ck_assert_msg(count(box, name) == 1, "%s not once", name);
		free(name);
	}
	/* twelve inline, the other 28 folded */
	ck_assert_uint_eq(count(inl, "<span class=\"where\">"), 12);
	ck_assert_ptr_nonnull(
	    strstr(box, "<details><summary>28 more host(s)</summary>"));
	ck_assert_uint_eq(count(box, "<span class=\"where\">"), 40);
	/* the links lead to the host sections of the page */
	for (const char *p = box; (p = strstr(p, "href=\"#host-")); p++) {
		char id[32];
		int n = 0;

		ck_assert_int_eq(sscanf(p, "href=\"#host-%d\"", &n), 1);
		snprintf(id, sizeof(id), "id=\"host-%d\"", n);
		ck_assert_msg(strstr(page, id) != NULL, "no %s", id);
	}
	free(box);
	free(inl);
	free(info);
}
END_TEST

START_TEST(test_remediation)
{
	/* the checks, and whether a Dovecot host has them (the even ones) */
	static const struct {
		const char *id;
		bool on_dovecot;
	} ids[] = {
	    {"AUTH-PLAINTEXT-BEFORE-TLS", true},
	    {"CERT-EXPIRED", false},
	    {"CERT-EXPIRING-SOON", false},
	    {"INFO-BANNER-DISCLOSURE", true},
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct check *c = catalog_find(ids[i].id);
		char *open = xasprintf("id=\"check-%s\"", ids[i].id);
		char *box = box_of(open);
		struct remediation rem, prod;
		bool has = c && remediation_for(c, NULL, &rem) && rem.generic;
		bool dovecot = c && remediation_for(c, "dovecot", &prod) &&
		               prod.product_text;

		ck_assert_ptr_nonnull(c);
		/* the section is there exactly when the catalog has advice;
		 * a product's own advice only for a product seen there */
		ck_assert_msg(!!strstr(box, "<strong>Remediation:</strong>") ==
		                  has,
		              "%s: remediation shown %s advice", ids[i].id,
		              has ? "without the catalog's" : "although no");
		ck_assert_msg(!!strstr(box, "<strong>dovecot:</strong>") ==
		                  (has && dovecot && ids[i].on_dovecot),
		              "%s: Dovecot's advice", ids[i].id);
		free(open);
		free(box);
	}
}
END_TEST

START_TEST(test_chart_order)
{
	char *fig = part(page, "<figure id=\"chart-checks\">", "</figure>");
	size_t auth = at(fig, ">AUTH-PLAINTEXT-BEFORE-TLS<");
	size_t expired = at(fig, ">CERT-EXPIRED<");
	size_t soon = at(fig, ">CERT-EXPIRING-SOON<");
	size_t info = at(fig, ">Informational<");
	size_t banner = at(fig, ">INFO-BANNER-DISCLOSURE<");
	char *bar = part(fig + banner, "<rect", ">");
	char *top = part(fig + auth, "<rect", ">");

	ck_assert_uint_lt(at(fig, ">Problems (critical to low)<"), auth);
	ck_assert_uint_lt(auth, expired);
	ck_assert_uint_lt(expired, soon);
	ck_assert_uint_lt(soon, info);
	ck_assert_uint_lt(info, banner);
	/* each group on its own scale: 160 banners and 80 plaintext logins
	 * both get the full bar */
	ck_assert_ptr_nonnull(strstr(bar, "width=\"360.0\""));
	ck_assert_ptr_nonnull(strstr(top, "width=\"360.0\""));
	ck_assert_ptr_nonnull(strstr(top, "fill=\"#dc2626\""));
	free(bar);
	free(top);
	free(fig);
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
html_findings_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("html_findings");
	TCase *tc = tcase_create("findings");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_section_order);
	tcase_add_test(tc, test_endpoints_compact);
	tcase_add_test(tc, test_remediation);
	tcase_add_test(tc, test_chart_order);
	suite_add_tcase(s, tc);
	return s;
}
