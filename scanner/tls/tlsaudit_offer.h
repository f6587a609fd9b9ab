/*
 * What an audit hello offers (scanner/tls/tlsaudit.c's helpers): the
 * suites of a version with or without a class, strong first, without the
 * ones already found, and where the found ones are kept. Internal to the
 * planner.
 */
#ifndef MAILAUDIT_SCANNER_TLS_TLSAUDIT_OFFER_H
#define MAILAUDIT_SCANNER_TLS_TLSAUDIT_OFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/tls/tlsaudit.h"

/* by_version's index of v (TLS 1.3 .. SSL 3.0), -1 for others. */
int version_slot(uint16_t v);
/* Keeps suite as found at version (once). */
void note_suite(struct tls_audit *a, uint16_t version, uint16_t suite);
/* The offer: version's suites with every require flag and no exclude
 * flag. Returns how many. */
size_t select_suites(struct tls_audit_plan *pl, uint16_t version,
                     unsigned require, unsigned exclude);
/* Strong (AEAD with forward secrecy) suites first, in their order. */
void order_strong_first(struct tls_audit_plan *pl);
bool offered(const struct tls_audit_plan *pl, uint16_t suite);
/* Leaves the suites already found for version out of the offer. */
void drop_found(struct tls_audit_plan *pl, uint16_t version);
/* "Weak first": the weak suites the class questions found, then every
 * strong suite of version; 0 if there is nothing to ask. */
size_t weak_first_offer(struct tls_audit_plan *pl, uint16_t version);
/* A TLS 1.3-only offer of the TLS 1.3 suites not yet found. */
void offer_tls13(struct tls_audit_plan *pl, struct tlshello_params *p);

#endif
