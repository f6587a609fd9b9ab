/*
 * The reporter table ("text", "json", "jsonl", "sarif", "junit", "html"),
 * the summary counts every reporter prints and the helpers they share.
 * Counting lives here so that all formats agree.
 */
#include "reports/report.h"
#include "scanner/core/hosts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "probes/checks/catalog.h"
#include "scanner/core/outfile.h"
#include "scanner/gate/waivers.h"
#include "scanner/core/xalloc.h"

/* Defined in reports/text.c, json.c (json, jsonl), sarif.c, junit.c and
 * html.c. */
extern const struct reporter text_reporter;
extern const struct reporter json_reporter;
extern const struct reporter jsonl_reporter;
extern const struct reporter sarif_reporter;
extern const struct reporter junit_reporter;
extern const struct reporter html_reporter;

static const struct reporter *const reporters[] = {
    &text_reporter,  &json_reporter,  &jsonl_reporter,
    &sarif_reporter, &junit_reporter, &html_reporter,
};

#define NREPORTERS (sizeof(reporters) / sizeof(reporters[0]))

const struct reporter *
reporter_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NREPORTERS; i++)
		if (strcasecmp(reporters[i]->name, name) == 0)
			return reporters[i];
	return NULL;
}

const char *const *
reporter_names(void)
{
	static const char *names[NREPORTERS + 1];

	for (size_t i = 0; i < NREPORTERS; i++)
		names[i] = reporters[i]->name;
	names[NREPORTERS] = NULL;
	return names;
}

const char *
report_format_of_path(const char *path)
{
	/* a suffix before any shorter one it ends with */
	static const struct {
		const char *ext;
		const char *format;
	} by_ext[] = {
	    {".sarif.json", "sarif"}, {".sarif", "sarif"}, {".html", "html"},
	    {".htm", "html"},         {".xml", "junit"},   {".jsonl", "jsonl"},
	    {".ndjson", "jsonl"},     {".json", "json"},   {".txt", "text"},
	};
	size_t n = path ? strlen(path) : 0;

	for (size_t i = 0; i < sizeof(by_ext) / sizeof(by_ext[0]); i++) {
		size_t k = strlen(by_ext[i].ext);

		if (n > k && strcasecmp(path + n - k, by_ext[i].ext) == 0)
			return by_ext[i].format;
	}
	return NULL;
}

int
report_write(const struct reporter *rp, const struct scan_report *rep,
             const struct report_options *opt, const char *path, char *err,
             size_t errlen)
{
	struct outfile out;
	int rc;

	if (outfile_open(&out, path) != 0) {
		snprintf(err, errlen, "%s", out.err);
		return -1;
	}
	rc = rp->render(out.f, rep, opt);
	if (outfile_close(&out, rc == 0) != 0) {
		snprintf(err, errlen, "%s", out.err);
		return -1;
	}
	return 0;
}

/* Distinct host names, in O(n log n) (scanner/core/hosts.c): a scan can hold
 * tens of thousands of endpoints. */
static size_t
count_hosts(const struct scan_report *rep)
{
	struct host_group *groups;
	size_t *members;
	size_t n = report_group_hosts(rep, &groups, &members);

	free(members);
	free(groups);
	return n;
}

void
report_summarize(const struct scan_report *rep, int fail_on,
                 struct report_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->endpoints = rep->nresults;
	out->hosts = count_hosts(rep);
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];

		if ((unsigned)r->status < EP_STATUS_COUNT)
			out->by_status[r->status]++;
		if (endpoint_status_is_unassessed(r->status)) {
			out->unassessed++;
			out->incomplete++;
		}
		for (size_t j = 0; j < r->nfindings; j++) {
			enum severity sev = r->findings[j].severity;

			if ((unsigned)sev < SEV_COUNT)
				out->by_severity[sev]++;
			out->findings++;
			if ((int)sev >= fail_on)
				out->gate_failures++;
		}
	}
}

void
report_summarize_opt(const struct scan_report *rep,
                     const struct report_options *opt,
                     struct report_summary *out)
{
	const struct gate_summary *g = opt->gate;

	report_summarize(rep, opt->fail_on, out);
	if (!g)
		return;
	out->gate_failures = 0;
	out->incomplete = 0;
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];

		if (endpoint_status_is_unassessed(r->status) &&
		    gate_summary_covers(g, r->endpoint.service))
			out->incomplete++;
		for (size_t j = 0; j < r->nfindings; j++) {
			out->gate_failures += r->findings[j].gate_fail;
			out->waived += r->findings[j].waived;
		}
	}
}

bool
report_finding_fails(const struct report_options *opt, const struct finding *f)
{
	return opt->gate ? f->gate_fail : (int)f->severity >= opt->fail_on;
}

bool
report_finding_waived(const struct report_options *opt, const struct finding *f)
{
	return opt->gate && f->waived;
}

int
report_threshold(const struct report_options *opt)
{
	return opt->gate ? opt->gate->threshold : opt->fail_on;
}

void
report_put_markup(FILE *out, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    c == 0x7f)
				c = '?';
			putc(c, out);
		}
	}
}

char *
report_time_iso(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

char *
report_endpoint_uri(const struct endpoint *e)
{
	return waiver_endpoint_string(e, true, false);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *fa = *(const struct finding *const *)a;
	const struct finding *fb = *(const struct finding *const *)b;
	int c;

	if (fa->severity != fb->severity)
		return fa->severity > fb->severity ? -1 : 1;
	c = strcmp(fa->check->id, fb->check->id);
	if (c)
		return c;
	/* the same check twice cannot happen (findings merge); stay stable */
	return fa < fb ? -1 : fa > fb;
}

const struct finding **
report_sorted_findings(const struct endpoint_result *r)
{
	const struct finding **v;

	if (r->nfindings == 0)
		return NULL;
	v = xreallocarray(NULL, r->nfindings, sizeof(*v));
	for (size_t i = 0; i < r->nfindings; i++)
		v[i] = &r->findings[i];
	qsort(v, r->nfindings, sizeof(*v), cmp_finding);
	return v;
}
