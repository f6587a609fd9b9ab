/*
 * Record data of TLSA (RFC 6698 §2.1) and SRV (RFC 2782) answers, as
 * libunbound hands it over: uncompressed wire format. The bytes come from
 * whatever answered, so every length is checked.
 */
#ifndef MAILAUDIT_SCANNER_NET_DNSRR_H
#define MAILAUDIT_SCANNER_NET_DNSRR_H

#include <stddef.h>

#include "scanner/core/dnsfacts.h"

/* Fills out (data_hex allocated, data_sha256 left NULL). Returns 0, or -1
 * for a malformed record: shorter than 4 bytes, or a SHA-256/SHA-512
 * matching type whose data is not 32/64 bytes long. Unknown usages,
 * selectors and matching types parse: they are unusable, not malformed
 * (RFC 7671 §4). */
int dnsrr_tlsa_parse(const unsigned char *p, size_t n, struct tlsa_rr *out);

/* Fills out (target allocated: dotted text without the final dot, "."
 * for the root, bytes other than letters, digits, '-' and '_' as \DDD).
 * Returns 0, or -1 for malformed data (short, a compression pointer, a
 * label past the end, trailing bytes). */
int dnsrr_srv_parse(const unsigned char *p, size_t n, struct srv_rr *out);

#endif
