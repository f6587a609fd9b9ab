/*
 * Reporters render a finished scan. They only read scan_report and the
 * catalog; they never judge. Every peer-provided string in the results is
 * already escaped to printable ASCII (scanner/escape.h).
 */
#ifndef MAILAUDIT_REPORTS_REPORT_H
#define MAILAUDIT_REPORTS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "scanner/result.h"

struct report_options {
	bool color;        /* ANSI colour (text only; only on a TTY) */
	int fail_on;       /* enum severity: the gate threshold */
	int exit_code;     /* what the run will exit with (0..3) */
};

struct reporter {
	const char *name;  /* "text", "json" */
	/* Writes the whole report to out. Returns 0, or -1 on a write
	 * error (errno set). */
	int (*render)(FILE *out, const struct scan_report *rep,
		      const struct report_options *opt);
};

const struct reporter *reporter_by_name(const char *name);

/* Counts used by every reporter's summary. */
struct report_summary {
	size_t endpoints;
	size_t hosts;
	size_t by_status[EP_STATUS_COUNT];
	size_t by_severity[SEV_COUNT];
	size_t findings;
	size_t gate_failures;   /* findings at or above fail_on */
	size_t unassessed;      /* endpoints whose status is unassessed */
};

void report_summarize(const struct scan_report *rep, int fail_on,
		      struct report_summary *out);

#endif
