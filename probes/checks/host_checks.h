/*
 * Judgements across the endpoints of one host: IMPLICIT-TLS-MISSING (the
 * cleartext port answers but its implicit-TLS counterpart does not) and
 * CERT-INCONSISTENT-ACROSS-ENDPOINTS (listeners of one service that
 * present different leaf certificates), and the --external DNS checks
 * (probes/checks/dns_checks.h), which need the finished TLS facts.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_HOST_CHECKS_H
#define MAILAUDIT_PROBES_CHECKS_HOST_CHECKS_H

#include <stddef.h>

#include "scanner/core/result.h"

/* Adds host-level findings to results[0..n) once every endpoint ended. */
void host_checks_judge(struct endpoint_result *results, size_t n);

#endif
