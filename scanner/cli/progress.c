/* The TTY progress line of a scan: endpoints done, rate, ETA, findings. */
#include "scanner/cli/progress.h"

#include <stdio.h>
#include <time.h>

double
progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_print(struct progress *p, bool final)
{
	double t = progress_now(), el = t - p->started;
	double rate = el > 0 ? (double)p->done / el : 0;

	if (!final && t - p->last_print < 0.2)
		return;
	p->last_print = t;
	fprintf(stderr,
	        "\r\033[K%zu/%zu endpoints  %.0f/s  ETA %.0fs  critical %zu "
	        "high %zu medium %zu low %zu info %zu",
	        p->done, p->total, rate,
	        rate > 0 ? (double)(p->total - p->done) / rate : 0.0,
	        p->by_severity[SEV_CRITICAL], p->by_severity[SEV_HIGH],
	        p->by_severity[SEV_MEDIUM], p->by_severity[SEV_LOW],
	        p->by_severity[SEV_INFO]);
	if (final)
		fputs("\r\033[K", stderr);
}
