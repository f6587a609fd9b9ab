/*
 * --format junit: JUnit XML for CI test dashboards. One <testsuite> per
 * host (first-seen order), one <testcase> per (endpoint, check in the
 * selected profiles): <failure> when a finding fails the gate, <skipped>
 * when the endpoint was not assessed or mailaudit does not implement the
 * check yet (a pass there would be a claim nobody checked), a pass
 * otherwise; a finding that does not fail the gate (waived, or below the
 * threshold) is told in <system-out>. Every string is XML-escaped.
 */
#include "reports/report.h"
#include "scanner/core/hosts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

extern const struct reporter junit_reporter;

struct counts {
	size_t tests;
	size_t failures;
	size_t skipped;
	double time;
};

static const struct finding *
finding_for(const struct endpoint_result *r, const struct check *c)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].check == c)
			return &r->findings[i];
	return NULL;
}

/* Is (endpoint, c) a test case: c is in the selected profiles for the
 * endpoint's service, or a finding of c fails the gate there. */
static bool
is_case(const struct report_options *opt, const struct endpoint_result *r,
        const struct check *c)
{
	const struct finding *f = finding_for(r, c);

	if (f && report_finding_fails(opt, f))
		return true;
	if (opt->gate)
		return gate_summary_has_check(opt->gate, c,
		                              r->endpoint.service);
	return (int)c->severity >= opt->fail_on;
}

static void
put_attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	report_put_markup(out, value);
	putc('"', out);
}

static void
put_refs(FILE *out, const struct check *c)
{
	if (!c->refs[0])
		return;
	fputs("\nReferences: ", out);
	for (size_t k = 0; k < CHECK_MAX_REFS && c->refs[k]; k++) {
		if (k)
			fputs("; ", out);
		report_put_markup(out, c->refs[k]);
	}
}

/* Why a test case of r is skipped, or NULL. Caller frees. */
static char *
skip_reason(const struct endpoint_result *r, const struct check *c)
{
	if (r->status != EP_STATUS_OK)
		return xasprintf("%s: %s%s%s",
		                 endpoint_status_is_unassessed(r->status)
		                     ? "endpoint not assessed"
		                     : "nothing to assess",
		                 endpoint_status_name(r->status),
		                 r->status_detail ? ": " : "",
		                 r->status_detail ? r->status_detail : "");
	if (!c->issue)
		return xasprintf("not checked: mailaudit does not implement "
		                 "%s yet",
		                 c->id);
	return NULL;
}

/* One test case; counts it, and writes it when out is not NULL. */
static void
put_case(FILE *out, const struct report_options *opt,
         const struct endpoint_result *r, const struct check *c,
         const char *classname, struct counts *n)
{
	const struct finding *f = finding_for(r, c);
	bool failed = f && report_finding_fails(opt, f);
	/* a finding shows the check ran, whatever the catalog says */
	char *skip = failed || f ? NULL : skip_reason(r, c);

	n->tests++;
	n->failures += failed;
	n->skipped += skip != NULL;
	if (!out) {
		free(skip);
		return;
	}
	fputs("    <testcase", out);
	put_attr(out, "classname", classname);
	put_attr(out, "name", c->id);
	if (!failed && !skip && !f) {
		fputs(" time=\"0\"/>\n", out);
		return;
	}
	fputs(" time=\"0\">\n", out);
	if (failed) {
		fputs("      <failure", out);
		put_attr(out, "type", severity_name(f->severity));
		put_attr(out, "message", c->title);
		fputs(">", out);
		report_put_markup(out, severity_name(f->severity));
		fputs(": ", out);
		report_put_markup(out, c->title);
		if (f->evidence && *f->evidence) {
			fputs("\nEvidence: ", out);
			report_put_markup(out, f->evidence);
		}
		put_refs(out, c);
		fputs("</failure>\n", out);
	} else if (skip) {
		fputs("      <skipped", out);
		put_attr(out, "message", skip);
		fputs("/>\n", out);
	}
	if (f && !failed) {
		fputs("      <system-out>finding (does not fail the gate): ",
		      out);
		report_put_markup(out, severity_name(f->severity));
		fputs(" ", out);
		report_put_markup(out, c->title);
		if (f->evidence && *f->evidence) {
			fputs(": ", out);
			report_put_markup(out, f->evidence);
		}
		if (report_finding_waived(opt, f)) {
			fputs("\nwaived: ", out);
			report_put_markup(out, f->waiver_reason);
		}
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
	free(skip);
}

/* "imap://host:143", plus " (address)" when the address differs. */
static char *
classname_of(const struct endpoint *e)
{
	char *uri = report_endpoint_uri(e), *s;

	if (!e->address || !*e->address ||
	    (e->host && strcmp(e->address, e->host) == 0))
		return uri;
	s = xasprintf("%s (%s)", uri, e->address);
	free(uri);
	return s;
}

static void
put_endpoint_cases(FILE *out, const struct report_options *opt,
                   const struct endpoint_result *r, struct counts *n)
{
	const struct check *cat;
	size_t ncat;
	char *cls = classname_of(&r->endpoint);

	cat = catalog_all(&ncat);
	for (size_t k = 0; k < ncat; k++)
		if (is_case(opt, r, &cat[k]))
			put_case(out, opt, r, &cat[k], cls, n);
	n->time += r->duration_s;
	free(cls);
}

static void
put_suite(FILE *out, const struct scan_report *rep,
          const struct report_options *opt, const struct host_group *g,
          struct counts *total)
{
	const struct gate_summary *gs = opt->gate;
	struct counts n = {0};
	char ts[32], num[32];
	int threshold = report_threshold(opt);

	for (size_t i = 0; i < g->n; i++)
		put_endpoint_cases(NULL, opt, &rep->results[g->members[i]], &n);
	total->tests += n.tests;
	total->failures += n.failures;
	total->skipped += n.skipped;
	total->time += n.time;
	report_time_iso(rep->started.tv_sec, ts, sizeof(ts));
	if (*ts)
		ts[strlen(ts) - 1] = '\0'; /* JUnit's timestamp has no zone */
	fputs("  <testsuite", out);
	put_attr(out, "name", g->host);
	fprintf(out,
	        " tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	        "skipped=\"%zu\" time=\"%.3f\"",
	        n.tests, n.failures, n.skipped, n.time);
	if (*ts)
		put_attr(out, "timestamp", ts);
	put_attr(out, "hostname", g->host);
	fputs(">\n    <properties>\n", out);
	for (size_t i = 0; gs && i < gs->nprofiles; i++) {
		fputs("      <property name=\"profile\"", out);
		put_attr(out, "value", gs->profiles[i]);
		fputs("/>\n", out);
	}
	if (threshold >= 0) {
		fputs("      <property name=\"fail_on\"", out);
		put_attr(out, "value", severity_name((enum severity)threshold));
		fputs("/>\n", out);
	}
	snprintf(num, sizeof(num), "%d", opt->exit_code);
	fputs("      <property name=\"exit_code\"", out);
	put_attr(out, "value", num);
	fputs("/>\n    </properties>\n", out);
	n = (struct counts){0};
	for (size_t i = 0; i < g->n; i++)
		put_endpoint_cases(out, opt, &rep->results[g->members[i]], &n);
	fputs("  </testsuite>\n", out);
}

static int
junit_render(FILE *out, const struct scan_report *rep,
             const struct report_options *opt)
{
	struct host_group *groups;
	size_t *members;
	size_t ngroups;
	struct counts total = {0};

	errno = 0;
	/* one suite per host, first seen first: the order the groups come in */
	ngroups = report_group_hosts(rep, &groups, &members);

	/* the totals come first in the file: count all suites before */
	for (size_t i = 0; i < ngroups; i++)
		for (size_t j = 0; j < groups[i].n; j++)
			put_endpoint_cases(NULL, opt,
			                   &rep->results[groups[i].members[j]],
			                   &total);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fputs("<!-- mailaudit: one testsuite per host, one testcase per "
	      "(endpoint, check in the selected profiles) -->\n",
	      out);
	fprintf(out,
	        "<testsuites name=\"mailaudit\" tests=\"%zu\" "
	        "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
	        "time=\"%.3f\">\n",
	        total.tests, total.failures, total.skipped, total.time);
	total = (struct counts){0};
	for (size_t i = 0; i < ngroups; i++)
		put_suite(out, rep, opt, &groups[i], &total);
	fputs("</testsuites>\n", out);
	free(members);
	free(groups);
	if (fflush(out) == EOF || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

const struct reporter junit_reporter = {
    .name = "junit",
    .render = junit_render,
};
