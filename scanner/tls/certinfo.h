/*
 * Certificate facts and trust (GnuTLS x509): everything the judgement in
 * probes/checks/cert_checks.c needs, read from the DER chain as the server sent
 * it. Each property is read directly per certificate, because GnuTLS'
 * verification status lets one problem hide another
 * (../shared/gnutls.md §1.3).
 */
#ifndef MAILAUDIT_SCANNER_TLS_CERTINFO_H
#define MAILAUDIT_SCANNER_TLS_CERTINFO_H

#include <stddef.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "scanner/core/result.h"
#include "scanner/tls/tls.h"

struct certinfo_trust {
	gnutls_x509_trust_list_t anchors;     /* system store + self-signed
	                                         certificates of --ca-file */
	gnutls_x509_trust_list_t own_anchors; /* --ca-file's self-signed
	                                         certificates alone */
	gnutls_x509_crt_t *pool;              /* other --ca-file certificates */
	size_t npool;
	tls_fetch_fn fetch; /* --fetch-aia; NULL: fetch nothing */
	void *fetch_ctx;
};

/* Loads the trust; returns 0, or -1 with a reason in err. */
int certinfo_trust_load(struct certinfo_trust *t, const char *ca_file,
                        char *err, size_t errlen);
void certinfo_trust_free(struct certinfo_trust *t);

/* Fills out from the n DER certificates (leaf first). */
void certinfo_chain(const struct certinfo_trust *t, const gnutls_datum_t *der,
                    size_t n, struct chain_facts *out);

/* Hex SHA-256 of any bytes (DANE full-data TLSA records are compared by
 * their digest); NULL on failure. */
char *certinfo_sha256_hex(const void *data, size_t n);

/* Facts of one certificate (exposed for tests and fuzzing). */
void certinfo_facts(gnutls_x509_crt_t crt, struct cert_facts *out);

#endif
