/*
 * The stapled OCSP response (RFC 6960) read with GnuTLS: its status for
 * the leaf and whether the leaf's issuer signed it. The response is the
 * server's bytes and may be anything; nothing here trusts it before the
 * signature is checked.
 */
#ifndef MAILAUDIT_SCANNER_TLS_OCSPINFO_H
#define MAILAUDIT_SCANNER_TLS_OCSPINFO_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#include "scanner/core/result.h"

/* Fills out from the DER response and the n DER certificates the server
 * sent (leaf first; the issuer is the second). */
void ocspinfo_read(const gnutls_datum_t *response, const gnutls_datum_t *chain,
                   size_t n, struct ocsp_facts *out);

#endif
