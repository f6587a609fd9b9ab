/*
 * The report of a running scan, written as it goes when the one output's
 * reporter has streaming hooks (struct reporter in reports/report.h): a
 * host's endpoints are written as soon as all of them are finished and
 * judged, then the details only that report needed are freed, so a
 * fleet's memory does not grow with it beyond what the totals and host
 * verdicts need. Other reporters are collected and rendered at the end
 * (report_write).
 */
#ifndef MAILAUDIT_REPORTS_SINK_H
#define MAILAUDIT_REPORTS_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scanner/core/hosts.h"
#include "reports/report.h"
#include "scanner/core/outfile.h"
#include "scanner/core/result.h"
#include "scanner/gate/gate.h"

/* Judges one host's endpoints as a whole (the sink renders, it does not
 * judge): members are that host's n endpoints, record the host record
 * to fill. */
typedef void (*sink_judge_fn)(struct endpoint_result *members, size_t n,
                              struct host_record *record, void *arg);

struct report_sink {
	bool on;
	const struct reporter *rp;
	bool first; /* no endpoint written yet */
	const char *format;
	FILE *out;
	struct outfile file;
	const char *path; /* NULL: standard output */
	struct endpoint_result *results;
	struct host_group *groups; /* scanner/core/hosts.h, first seen first */
	size_t *members;           /* what the groups point into */
	size_t *group_of;          /* result index -> group */
	size_t *left;              /* group -> endpoints not yet done */
	size_t ngroups;
	size_t *written; /* result indexes in the order written */
	size_t nwritten;
	const struct gate_config *gc;
	struct scan_report *rep;         /* gets the host records */
	struct gate_summary provisional; /* only so records carry marks */
	struct report_options ro;
	sink_judge_fn judge;
	void *judge_arg;
	int failed; /* errno of the first failed write, 0 if none */
};

/* Opens the streaming output if format's reporter streams; st->on says
 * whether it did (a file that cannot be opened is left to the ordinary
 * writer, which reports the error). path NULL: standard output. color:
 * the report may use ANSI colour on standard output. results[0..n) are
 * the scan's endpoints; rep holds what a scan knows before it starts, and
 * gets a host record for each host written. */
void sink_open(struct report_sink *st, const char *format, const char *path,
               bool color, int fail_on, struct endpoint_result *results,
               size_t n, const struct gate_config *gc, struct scan_report *rep,
               sink_judge_fn judge, void *judge_arg);

/* Endpoint idx is done. Returns true when that completes its host,
 * which sink_write_host(st, idx) then writes. */
bool sink_host_ready(struct report_sink *st, size_t idx);
void sink_write_host(struct report_sink *st, size_t idx);

/* Are hosts written to standard output as they finish? (A progress line
 * on the terminal must make way.) */
bool sink_hosts_to_stdout(const struct report_sink *st);

/* Ends a streamed report: hosts and summary, then the file is put in
 * place. rep->results are reordered as they were written. Returns -1
 * with the reason in st->file.err. */
int sink_close(struct report_sink *st, struct scan_report *rep,
               const struct report_options *ro);

void sink_free(struct report_sink *st);

#endif
