/*
 * TLS protocol and cipher findings (check catalog 2.E) from the audit's
 * answers (scanner/tls/tlsaudit.h) and the main handshake's facts.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_TLS_CHECKS_H
#define MAILAUDIT_PROBES_CHECKS_TLS_CHECKS_H

#include "scanner/core/result.h"
#include "scanner/tls/tlsaudit.h"

#define TLS_MIN_DH_BITS    2048
#define TLS_MIN_CURVE_BITS 256

/* Emits the TLS-* findings and CERT-OCSP-STAPLING-MISSING for r. */
void tls_checks_judge(struct endpoint_result *r, const struct tls_audit *a);

/* What a selected profile adds (0: nothing): DH primes from the
 * catalog's 2048 bits up to min_dh_bits, as medium TLS-DH-WEAK. */
void tls_checks_judge_strict(struct endpoint_result *r,
                             const struct tls_audit *a, unsigned min_dh_bits);

#endif
