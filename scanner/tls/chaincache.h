/*
 * The certificate chains already evaluated in this scan, by their DER: a
 * fleet's endpoints often send the same chain (a host's four ports, a
 * wildcard or load-balanced certificate), and reading and validating it
 * is the costly part of a main handshake. Thread-safe; bounded.
 */
#ifndef MAILAUDIT_SCANNER_TLS_CHAINCACHE_H
#define MAILAUDIT_SCANNER_TLS_CHAINCACHE_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#include "scanner/core/result.h"
#include "scanner/tls/certinfo.h"

struct chain_cache;

/* Keeps at most max chains (the oldest goes first). */
struct chain_cache *chain_cache_new(size_t max);
void chain_cache_free(struct chain_cache *c);

/* certinfo_chain(t, der, n, out), or a copy of its facts for the same n
 * certificates sent before. */
void chain_cache_facts(struct chain_cache *c, const struct certinfo_trust *t,
                       const gnutls_datum_t *der, size_t n,
                       struct chain_facts *out);

#endif
