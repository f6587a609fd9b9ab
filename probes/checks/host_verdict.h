/*
 * The per-host answer users ask for first: is TLS mandatory on this mail
 * host, merely opportunistic, or absent? Judged across all of a host's
 * scanned ports (every address of the name).
 */
#ifndef MAILAUDIT_PROBES_CHECKS_HOST_VERDICT_H
#define MAILAUDIT_PROBES_CHECKS_HOST_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"

enum tls_verdict {
	/* implicit TLS works and no port accepts a login without TLS */
	TLS_VERDICT_MANDATORY,
	/* TLS works somewhere, but a login can happen without it, or only
	 * STARTTLS (no implicit TLS) is offered */
	TLS_VERDICT_OPPORTUNISTIC,
	/* no port reached TLS */
	TLS_VERDICT_ABSENT,
	/* no port could be assessed */
	TLS_VERDICT_UNKNOWN,
};

struct host_verdict {
	char *host;
	enum tls_verdict verdict;
	bool complete;           /* every answering port was assessed */
	struct strlist evidence; /* one line per endpoint */
};

const char *tls_verdict_name(enum tls_verdict v);

/* One verdict per distinct endpoint.host, in first-appearance order. */
struct host_verdict *host_verdicts(const struct endpoint_result *r, size_t n,
                                   size_t *nv_r);
void host_verdicts_free(struct host_verdict *v, size_t n);

#endif
