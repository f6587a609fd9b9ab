/*
 * Certificate judgement of the main TLS handshake (RFC 8314 §3.2, RFC 7817,
 * RFC 9525): the facts come from scanner/tls/certinfo.c, the findings are
 * decided here, once the endpoint ended (probes/checks/judge.c), so every
 * rule is testable without a handshake.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_CERT_CHECKS_H
#define MAILAUDIT_PROBES_CHECKS_CERT_CHECKS_H

#include <time.h>

#include "scanner/core/result.h"

/* Allowed clock skew for validity checks, in seconds. */
#define CERT_CLOCK_SKEW 300
/* CERT-EXPIRING-SOON thresholds, in days. */
#define CERT_EXPIRY_WARN_DAYS   30
#define CERT_EXPIRY_URGENT_DAYS 14
#define CERT_MIN_RSA_BITS       2048
#define CERT_MIN_EC_BITS        256

/* Emits the CERT-* findings for r->tls.chain, judged at time now. Does
 * nothing when no certificate was received. */
void cert_checks_judge(struct endpoint_result *r, time_t now);

/* What a selected profile adds (0: nothing): RSA/DSA keys from the
 * catalog's 2048 bits up to min_key_bits, as medium CERT-KEY-WEAK. */
void cert_checks_judge_strict(struct endpoint_result *r, unsigned min_key_bits);

#endif
