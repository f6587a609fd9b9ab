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

struct host_ref {
	const char *host;
	size_t index;
};

static int
cmp_ref(const void *a, const void *b)
{
	const struct host_ref *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A host's endpoints: refs[start .. start + len), first seen at first. */
struct group {
	size_t start;
	size_t len;
	size_t first;
};

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static void
put_suite(FILE *out, const struct scan_report *rep,
          const struct report_options *opt, const struct host_ref *refs,
          const struct group *g, struct counts *total)
{
	const struct gate_summary *gs = opt->gate;
	struct counts n = {0};
	char ts[32], num[32];
	int threshold = report_threshold(opt);

	for (size_t i = 0; i < g->len; i++)
		put_endpoint_cases(NULL, opt, &rep->results[refs[i].index], &n);
	total->tests += n.tests;
	total->failures += n.failures;
	total->skipped += n.skipped;
	total->time += n.time;
	report_time_iso(rep->started.tv_sec, ts, sizeof(ts));
	if (*ts)
		ts[strlen(ts) - 1] = '\0'; /* JUnit's timestamp has no zone */
	fputs("  <testsuite", out);
	put_attr(out, "name", refs[0].host);
	fprintf(out,
	        " tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	        "skipped=\"%zu\" time=\"%.3f\"",
	        n.tests, n.failures, n.skipped, n.time);
	if (*ts)
		put_attr(out, "timestamp", ts);
	put_attr(out, "hostname", refs[0].host);
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
	for (size_t i = 0; i < g->len; i++)
		put_endpoint_cases(out, opt, &rep->results[refs[i].index], &n);
	fputs("  </testsuite>\n", out);
}

static int
junit_render(FILE *out, const struct scan_report *rep,
             const struct report_options *opt)
{
	size_t n = rep->nresults, ngroups = 0;
	struct host_ref *refs = xreallocarray(NULL, n ? n : 1, sizeof(*refs));
	struct group *groups = xreallocarray(NULL, n ? n : 1, sizeof(*groups));
	struct counts total = {0};

	errno = 0;
	for (size_t i = 0; i < n; i++) {
		refs[i].host = rep->results[i].endpoint.host
		                   ? rep->results[i].endpoint.host
		                   : "";
		refs[i].index = i;
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(refs[i - 1].host, refs[i].host) != 0) {
			groups[ngroups].start = i;
			groups[ngroups].len = 0;
			groups[ngroups].first = refs[i].index;
			ngroups++;
		}
		groups[ngroups - 1].len++;
	}
	qsort(groups, ngroups, sizeof(*groups), cmp_group);

	/* the totals come first in the file: count all suites before */
	for (size_t i = 0; i < ngroups; i++)
		for (size_t j = 0; j < groups[i].len; j++)
			put_endpoint_cases(
			    NULL, opt,
			    &rep->results[refs[groups[i].start + j].index],
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
		put_suite(out, rep, opt, refs + groups[i].start, &groups[i],
		          &total);
	fputs("</testsuites>\n", out);
	free(refs);
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
