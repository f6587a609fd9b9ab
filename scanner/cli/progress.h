/* The progress line of a scan on a terminal's stderr (never in files or
 * pipes). */
#ifndef MAILAUDIT_SCANNER_CLI_PROGRESS_H
#define MAILAUDIT_SCANNER_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"

struct progress {
	bool enabled;
	size_t total;
	size_t done;
	size_t by_severity[SEV_COUNT];
	double started;
	double last_print;
};

/* Monotonic seconds, for started. */
double progress_now(void);

/* Redraws the line, at most five times a second unless final; the final
 * call erases it. */
void progress_print(struct progress *p, bool final);

#endif
