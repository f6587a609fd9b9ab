/*
 * Private to the HTML reporter, shared by reports/html.c (the page, its
 * sections and findings), reports/html_findings.c (findings by check) and
 * reports/html_charts.c (its SVG charts): the
 * host groups both walk (scanner/core/hosts.h; html.c orders them worst
 * first), the severity colours, HTML escaping and the date format. Not an
 * API: the reporter is html_reporter (reports/registry.c).
 */
#ifndef MAILAUDIT_REPORTS_HTML_H
#define MAILAUDIT_REPORTS_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scanner/core/hosts.h"
#include "reports/report.h"

/* Colours by severity (info .. critical), also used by the CSS (html.c). */
extern const char *const html_sev_color[SEV_COUNT];

/* Writes s HTML-escaped; NULL as "". */
static inline void
h(FILE *out, const char *s)
{
	report_put_markup(out, s ? s : "");
}

/* The UTC date of t, YYYY-MM-DD. */
static inline void
date_of(time_t t, char *buf, size_t len)
{
	report_time_iso(t, buf, len);
	if (strlen(buf) > 10)
		buf[10] = '\0';
}

/* The charts (findings by severity, findings by check, the host x check
 * matrix of the ng groups g, the certificate expiry timeline), one
 * <figure> each (html_charts.c). */
void html_put_charts(FILE *out, const struct scan_report *rep,
                     const struct report_options *opt,
                     const struct report_summary *s, const struct host_group *g,
                     size_t ng);

/* The "Findings by check" section: one box per check found, worst first,
 * informational ones apart, listing the endpoints of the ng groups g
 * (html.c's order: host-N is g[N]) that have it (html_findings.c). */
void html_put_findings(FILE *out, const struct scan_report *rep,
                       const struct report_options *opt,
                       const struct host_group *g, size_t ng);

#endif
