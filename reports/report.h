/*
 * Reporters render a finished scan. They only read scan_report and the
 * catalog; they never judge. Every peer-provided string in the results is
 * already escaped to printable ASCII (scanner/core/escape.h).
 */
#ifndef MAILAUDIT_REPORTS_REPORT_H
#define MAILAUDIT_REPORTS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "scanner/gate/gate.h"
#include "scanner/core/result.h"

struct report_options {
	bool color;    /* ANSI colour (text only; only on a TTY) */
	int fail_on;   /* enum severity: the gate threshold */
	int exit_code; /* what the run will exit with (0..3) */
	/* What the gate (scanner/gate/gate.c) decided: profiles, waivers, fail
	 * closed. NULL: no gate ran, and gate_failures are counted from
	 * fail_on alone (the reports look as they did before gates). */
	const struct gate_summary *gate;
};

struct reporter {
	const char *name; /* "text", "json" */
	/* Writes the whole report to out. Returns 0, or -1 on a write
	 * error (errno set). */
	int (*render)(FILE *out, const struct scan_report *rep,
	              const struct report_options *opt);
	/*
	 * Optional streaming hooks, used by reports/sink.c while a scan runs
	 * so that a fleet's memory does not grow with it. A reporter with
	 * finish streams; each hook it leaves NULL is skipped. They return
	 * as render does.
	 * begin: when the scan starts (only rep's scanner fields and started
	 * are read). host: when all of one host's endpoints are done
	 * (members: that host's endpoints, record: its host record; hosts
	 * come in the order they finished, not worst first). endpoint: each
	 * endpoint of that host (first: the first one written). finish: the
	 * hosts and totals that end the report.
	 */
	int (*begin)(FILE *out, const struct scan_report *rep);
	int (*host)(FILE *out, const struct endpoint_result *members, size_t n,
	            const struct host_record *record,
	            const struct report_options *opt);
	int (*endpoint)(FILE *out, const struct endpoint_result *r,
	                const struct report_options *opt, bool first);
	int (*finish)(FILE *out, const struct scan_report *rep,
	              const struct report_options *opt);
};

const struct reporter *reporter_by_name(const char *name);

/* The names of every reporter, NULL-terminated, for usage messages. */
const char *const *reporter_names(void);

/* The format a file name implies (scan -o, report -o, merge -o): the
 * longest suffix first, so "x.sarif.json" is sarif; any case. NULL when
 * the name implies none. */
const char *report_format_of_path(const char *path);

/* Writes the report to path as scanner/core/outfile.h describes (standard
 * output for NULL or "-"). Returns 0, or -1 with the reason in err. */
int report_write(const struct reporter *rp, const struct scan_report *rep,
                 const struct report_options *opt, const char *path, char *err,
                 size_t errlen);

/* The endpoint's findings, worst first, then by check id (the order every
 * reporter shows). NULL when there are none; caller frees the array. */
const struct finding **report_sorted_findings(const struct endpoint_result *r);

/* Counts used by every reporter's summary. */
struct report_summary {
	size_t endpoints;
	size_t hosts;
	size_t by_status[EP_STATUS_COUNT];
	size_t by_severity[SEV_COUNT];
	size_t findings;
	size_t gate_failures; /* findings at or above fail_on; with a
	                         gate: findings marked gate_fail */
	size_t unassessed;    /* endpoints whose status is unassessed */
	size_t waived;        /* findings a waiver covers (gate only) */
	size_t incomplete;    /* unassessed endpoints in the gate's scope
	                         (no gate: = unassessed) */
};

void report_summarize(const struct scan_report *rep, int fail_on,
                      struct report_summary *out);

/* As report_summarize, but with opt->gate set the gate's marks are
 * counted (gate_failures, waived, incomplete). */
void report_summarize_opt(const struct scan_report *rep,
                          const struct report_options *opt,
                          struct report_summary *out);

/* Does f fail the run? With a gate, its mark (finding->gate_fail); without,
 * whether its severity reaches opt->fail_on. Reporters read the gate's
 * marks only through these two: without a gate they are not set. */
bool report_finding_fails(const struct report_options *opt,
                          const struct finding *f);
/* Is f waived? Never without a gate. */
bool report_finding_waived(const struct report_options *opt,
                           const struct finding *f);

/* The severity threshold the report shows: opt->gate's threshold (may be
 * -1, none) when a gate ran, else opt->fail_on. */
int report_threshold(const struct report_options *opt);

/* Markup helpers shared by the XML and HTML reporters: write s with &, <,
 * >, " and ' escaped; bytes below 0x20 other than TAB, LF and CR (not
 * allowed in XML 1.0) and DEL become '?'. NULL writes nothing. */
void report_put_markup(FILE *out, const char *s);

/* ISO-8601 UTC ("2024-05-01T12:00:00Z") into buf; "" when t cannot be
 * represented. Returns buf. */
char *report_time_iso(time_t t, char *buf, size_t len);

/* "imap://host:143" (IPv6 literals in brackets) for an endpoint; the
 * scheme is "unknown" without a service. Caller frees. */
char *report_endpoint_uri(const struct endpoint *e);

#endif
