/*
 * The per-host TLS verdict (struct host_record, scanner/core/result.h):
 * judged across all of a host's scanned ports (every address of the
 * name) once they ended.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_HOST_VERDICT_H
#define MAILAUDIT_PROBES_CHECKS_HOST_VERDICT_H

#include <stddef.h>

#include "scanner/core/result.h"

/* Fills h (whose host is set) from members[0..n), the endpoints of that
 * host in report order. */
void host_verdict_judge(struct host_record *h,
                        const struct endpoint_result *members, size_t n);

#endif
