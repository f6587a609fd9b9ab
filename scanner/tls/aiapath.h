/*
 * What a chain the server left incomplete says about its missing issuer
 * (issue #12): the authorityKeyIdentifier and AIA caIssuers URL of a
 * certificate, and the certificates in a body fetched from that URL
 * (RFC 5280 §4.2.2.1: DER, or a "certs-only" PKCS#7; PEM is accepted
 * too, as some CAs serve it).
 */
#ifndef MAILAUDIT_SCANNER_TLS_AIAPATH_H
#define MAILAUDIT_SCANNER_TLS_AIAPATH_H

#include <stddef.h>

#include <gnutls/x509.h>

/* Certificates taken from one fetched body at most. */
#define AIAPATH_MAX_CERTS 8

/* The first caIssuers URI of crt's authorityInfoAccess, escaped, or
 * NULL. */
char *aiapath_ca_issuers(gnutls_x509_crt_t crt);

/* crt's authorityKeyIdentifier keyIdentifier, hex, or NULL. */
char *aiapath_key_id(gnutls_x509_crt_t crt);

/* Imports the certificates of a fetched body (DER certificate, DER or
 * PEM PKCS#7, PEM certificates) into out (at most max, each to be
 * deinitialised by the caller); returns how many. */
size_t aiapath_parse(const unsigned char *body, size_t len,
                     gnutls_x509_crt_t *out, size_t max);

#endif
