/*
 * Judgement of the --external DNS facts (scanner/net/dnscheck.c):
 * DANE-TLSA-MISMATCH and DANE-TLSA-ABSENT per TLS endpoint, and
 * DNS-SRV-IMPLICIT-TLS-MISSING on the endpoint that carries a domain's SRV
 * records (the host's first endpoint of the protocol). Only answers
 * libunbound validated count for DANE; a lookup that failed leaves a note
 * in the endpoint's status detail and no finding.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_DNS_CHECKS_H
#define MAILAUDIT_PROBES_CHECKS_DNS_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"

/* Does TLSA record rr match certificate c (selector and matching type;
 * usage is not looked at)? */
bool dns_tlsa_matches_cert(const struct tlsa_rr *rr,
                           const struct cert_facts *c);

/* Adds the DNS findings to results[0..n) that carry DNS facts; each
 * endpoint's facts are judged once. */
void dns_checks_judge(struct endpoint_result *results, size_t n);

#endif
