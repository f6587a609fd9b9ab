/*
 * The diff of two saved scans: every finding of either report, keyed by
 * host, address, port, service and check, is new, resolved, unchanged or
 * unverified (its endpoint was not assessed or not scanned in NEW).
 * `mailaudit diff` (scanner/cli/cmd_diff.c) builds it and renders it as
 * text or as JSON (schema "mailaudit-diff/1").
 */
#ifndef MAILAUDIT_REPORTS_DIFF_H
#define MAILAUDIT_REPORTS_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/json_read.h"
#include "scanner/core/result.h"

enum diff_kind {
	DIFF_NEW,
	DIFF_RESOLVED,
	DIFF_UNVERIFIED,
	DIFF_UNCHANGED,
	DIFF_KINDS
};

/* One line of the diff. */
struct dentry {
	enum diff_kind kind;
	const struct endpoint_result *r;   /* NEW's, or OLD's if gone */
	const struct finding *f;           /* NEW's, or OLD's if gone */
	int old_severity;                  /* unchanged: OLD's severity */
	const struct endpoint_result *now; /* unverified: NEW's endpoint,
	                                      NULL when not scanned */
	size_t host_order;
	bool fails; /* counts for the exit code */
};

struct diff {
	struct dentry *e;
	size_t n;
	size_t count[DIFF_KINDS];
	size_t failing;
	const char **hosts; /* by host_order */
	size_t nhosts;
};

/* Compares OLD o with NEW n; a finding new (or risen) at or above fail_on
 * counts in d->failing. d points into both reports, which must outlive
 * it. */
void diff_build(const struct scan_report *o, const struct scan_report *n,
                int fail_on, struct diff *d);
void diff_free(struct diff *d);

/* Render d (oname, nname: the files compared; code: the exit code shown).
 * Return 0, or -1 on a write error. */
int diff_text(FILE *out, const struct diff *d, const struct loaded_report *o,
              const struct loaded_report *n, const char *oname,
              const char *nname, int fail_on, int code);
int diff_json(FILE *out, const struct diff *d, const struct loaded_report *o,
              const struct loaded_report *n, const char *oname,
              const char *nname, int fail_on, int code);

#endif
