/*
 * The scan engine: runs every endpoint's session over a non-blocking
 * connection in one event loop, within the global concurrency cap and the
 * per-address cap, with a deadline per phase and an overall budget per
 * endpoint. A failing endpoint only ever affects its own result.
 */
#ifndef MAILAUDIT_SCANNER_ENGINE_SCAN_H
#define MAILAUDIT_SCANNER_ENGINE_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/probe.h"
#include "scanner/core/result.h"
#include "scanner/tls/tlsaudit.h"

struct tls_config;

struct scan_options {
	double timeout_s;         /* connect, greeting, each reply, handshake */
	double endpoint_budget_s; /* whole conversation of one endpoint */
	size_t concurrency;       /* endpoints in flight */
	size_t max_per_host;      /* connections in flight per address */
	unsigned retries;         /* new tries after a throttled greeting */
	double retry_delay_s;     /* first back-off; doubles per retry */
	struct probe_options probe;
	enum tls_depth tls_depth; /* protocol/cipher audit */
	unsigned tls_budget;      /* audit connections per endpoint */
	unsigned threads;         /* event loops, one per thread (>= 1) */
	double rate;              /* new connections per second, 0 = any */
	struct tls_config *tls;
	/* Called once per endpoint when nothing more will happen to it
	 * (possibly from a worker thread, never twice at once). */
	void (*endpoint_done)(struct endpoint_result *r, size_t idx, void *arg);
	void *done_arg;
};

/* Scans results[0..n) in place: each must have its endpoint set; those
 * whose status is already not ok (unresolved) are skipped. Endpoints are
 * split over the threads by address, so the per-address cap holds. */
void scan_run(struct endpoint_result *results, size_t n,
              const struct scan_options *opt);

/* Async-signal-safe: asks every running scan to stop within about a
 * second. Unfinished endpoints get the status interrupted. */
void scan_interrupt(void);
/* Was scan_interrupt called? */
bool scan_was_interrupted(void);

#endif
