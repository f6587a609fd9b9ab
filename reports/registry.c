/*
 * The reporter table ("text", "json") and the summary counts every
 * reporter prints. Counting lives here so that all formats agree.
 */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/catalog.h"
#include "scanner/xalloc.h"

/* Defined in reports/text.c and reports/json.c. */
extern const struct reporter text_reporter;
extern const struct reporter json_reporter;

static const struct reporter *const reporters[] = {
    &text_reporter,
    &json_reporter,
};

const struct reporter *reporter_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(reporters) / sizeof(reporters[0]); i++)
		if (strcasecmp(reporters[i]->name, name) == 0)
			return reporters[i];
	return NULL;
}

static int cmp_host(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct host names, in O(n log n): a scan can hold tens of thousands
 * of endpoints. */
static size_t count_hosts(const struct scan_report *rep)
{
	const char **hosts;
	size_t n = 0;

	if (rep->nresults == 0)
		return 0;
	hosts = xreallocarray(NULL, rep->nresults, sizeof(*hosts));
	for (size_t i = 0; i < rep->nresults; i++) {
		const char *h = rep->results[i].endpoint.host;

		hosts[i] = h ? h : "";
	}
	qsort(hosts, rep->nresults, sizeof(*hosts), cmp_host);
	for (size_t i = 0; i < rep->nresults; i++)
		if (i == 0 || strcmp(hosts[i - 1], hosts[i]) != 0)
			n++;
	free(hosts);
	return n;
}

void report_summarize(const struct scan_report *rep, int fail_on,
                      struct report_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->endpoints = rep->nresults;
	out->hosts = count_hosts(rep);
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];

		if ((unsigned)r->status < EP_STATUS_COUNT)
			out->by_status[r->status]++;
		if (endpoint_status_is_unassessed(r->status))
			out->unassessed++;
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
