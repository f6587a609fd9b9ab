/*
 * What the subcommands under scanner/cli/ share and main.c never needs:
 * the one-line usage error, and the options and steps that `report` and
 * `merge` have in common (both render saved reports, gated again).
 */
#ifndef MAILAUDIT_SCANNER_CLI_CMD_H
#define MAILAUDIT_SCANNER_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/json_read.h"
#include "scanner/gate/gate.h"
#include "scanner/gate/waivers.h"

/* "mailaudit CMD: ... (see mailaudit CMD --help)" on stderr; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct report_args {
	const char *format;
	const char *output;
	const char *input;
	const char *profiles[GATE_MAX_PROFILES];
	size_t nprofiles;
	int fail_on;
	const char *waivers;
	bool allow_incomplete;
	bool color;
	bool regate; /* a gate option was given */
};

/* One option of `report` or `merge`. -1: go on; else the exit code (0
 * after --help). */
int report_option(struct report_args *a, int argc, char **argv, int *i);

/* Builds the new gate from the saved one and the options, and applies
 * it to in. Returns 0, or 2 after a message. */
int report_regate(struct loaded_report *in, const struct report_args *a,
                  struct gate_config *cfg, struct waiver_list *wl);

/* The default format: from the -o name's extension, else text on a
 * terminal and json otherwise. */
const char *format_for(const char *output);

/* Renders a loaded (and gated) report as a asks; returns the gate's exit
 * code, or 2 when the report cannot be written. */
int write_loaded(const char *cmd, struct loaded_report *in,
                 const struct report_args *a);

#endif
