/*
 * The CI gate: after a scan, decides which findings fail the run (the
 * union of the selected profiles, plus everything at or above --fail-on),
 * which are waived, and the exit code: 0 pass, 1 a gate-failing finding,
 * 3 an endpoint in scope could not be assessed (fail closed) and nothing
 * failed, unless allow_incomplete. All findings stay in the report; the
 * gate only sets finding->gate_fail, ->waived and ->waiver_reason.
 */
#ifndef MAILAUDIT_SCANNER_GATE_GATE_H
#define MAILAUDIT_SCANNER_GATE_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"

struct check;
struct profile;
struct service;
struct waiver_list;

#define GATE_MAX_PROFILES 16

struct gate_config {
	/* --profile, in command-line order, no duplicates. With no profile
	 * and no fail_on the gate is "baseline". */
	const struct profile *profiles[GATE_MAX_PROFILES];
	size_t nprofiles;
	int fail_on; /* --fail-on (enum severity), or -1 */
	const struct waiver_list *waivers; /* NULL: none; must outlive the
	                                      report (reasons point into it) */
	bool allow_incomplete; /* unassessed endpoints do not give exit 3 */
	int today;             /* YYYYMMDD, UTC: decides waiver expiry */
};

/* No profile, no --fail-on, no waivers, today = gate_today(). */
void gate_config_init(struct gate_config *cfg);

/* Adds a profile by name (a repeat is ignored). Returns 0, or -1 with a
 * one-line reason in err (unknown name: the known ones are listed; too
 * many profiles). */
int gate_config_add_profile(struct gate_config *cfg, const char *name,
                            char *err, size_t errlen);

/* Today's date (UTC) as YYYYMMDD. The environment variable
 * MAILAUDIT_TODAY=YYYY-MM-DD overrides it (reproducible tests and
 * reports). */
int gate_today(void);

/*
 * Sets gate_fail, waived and waiver_reason on every finding of rep (any
 * earlier values are replaced) and returns the exit code: 1 if a finding
 * fails the gate, else 3 if an endpoint in the gate's scope is unassessed
 * (endpoint_status_is_unassessed) and !allow_incomplete, else 0. An
 * expired waiver waives nothing.
 */
int gate_apply(struct scan_report *rep, const struct gate_config *cfg);

/* An expired waiver, as the reports show it. */
struct gate_expired {
	size_t index; /* entry in the waiver file, from 0 */
	char *check;
	char *endpoint; /* NULL: every endpoint */
	char *reason;
	char *expires;   /* "YYYY-MM-DD" */
	size_t findings; /* findings it would have waived */
};

/* What ran, for the reporters (struct report_options.gate). Plain data:
 * report_load rebuilds it from a saved JSON report. */
struct gate_summary {
	char **profiles; /* names, in order */
	size_t nprofiles;
	int threshold; /* every finding at or above this severity
	                  fails (--fail-on, baseline = high); -1 */
	bool allow_incomplete;
	char *waivers_file;   /* NULL: no --waivers */
	size_t waivers_total; /* entries in the file */
	struct gate_expired *expired;
	size_t nexpired;
	int exit_code;
};

/* Fills out from cfg and the findings gate_apply marked; exit_code is
 * what gate_apply returned. Free with gate_summary_free. */
void gate_summarize(const struct scan_report *rep,
                    const struct gate_config *cfg, int exit_code,
                    struct gate_summary *out);
void gate_summary_free(struct gate_summary *g);

/* True when endpoints of svc are in the gate's scope: a threshold is set
 * or some profile covers svc (imap4rev2 covers IMAP only). */
bool gate_summary_covers(const struct gate_summary *g,
                         const struct service *svc);

/* True when a finding of check c on an endpoint of svc could fail the
 * gate: the "checks in the selected profiles" (JUnit test cases). */
bool gate_summary_has_check(const struct gate_summary *g, const struct check *c,
                            const struct service *svc);

/* Rebuilds a gate_config from a summary (profile names are looked up);
 * waivers are not restored. Returns 0, or -1 with err for an unknown
 * profile name. */
int gate_config_from_summary(const struct gate_summary *g,
                             struct gate_config *cfg, char *err, size_t errlen);

#endif
