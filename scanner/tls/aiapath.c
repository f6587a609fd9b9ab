/* The missing issuer's traces in a certificate, and the certificates of
 * a body fetched from its AIA caIssuers URL. */
#include "scanner/tls/aiapath.h"

#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

/* a URL longer than this is not one to fetch */
#define URL_MAX 1024

char *
aiapath_ca_issuers(gnutls_x509_crt_t crt)
{
	for (unsigned seq = 0; seq < 32; seq++) {
		gnutls_datum_t uri = {NULL, 0};
		int rc = gnutls_x509_crt_get_authority_info_access(
		    crt, seq, GNUTLS_IA_CAISSUERS_URI, &uri, NULL);
		char *s;

		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0) /* another access method (OCSP) in this entry */
			continue;
		s = escape_bytes((const char *)uri.data, uri.size, URL_MAX);
		gnutls_free(uri.data);
		return s;
	}
	return NULL;
}

char *
aiapath_key_id(gnutls_x509_crt_t crt)
{
	unsigned char id[128];
	size_t size = sizeof(id);
	char *s;

	if (gnutls_x509_crt_get_authority_key_id(crt, id, &size, NULL) < 0 ||
	    size == 0)
		return NULL;
	s = xmalloc(size * 2 + 1);
	for (size_t i = 0; i < size; i++)
		snprintf(s + 2 * i, 3, "%02x", id[i]);
	return s;
}

/* one certificate in DER or PEM form */
static size_t
import_one(const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt,
           gnutls_x509_crt_t *out)
{
	if (gnutls_x509_crt_init(out) < 0)
		return 0;
	if (gnutls_x509_crt_import(*out, d, fmt) < 0) {
		gnutls_x509_crt_deinit(*out);
		return 0;
	}
	return 1;
}

static size_t
import_pkcs7(const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt,
             gnutls_x509_crt_t *out, size_t max)
{
	gnutls_pkcs7_t p7;
	size_t n = 0;
	int count;

	if (gnutls_pkcs7_init(&p7) < 0)
		return 0;
	if (gnutls_pkcs7_import(p7, d, fmt) < 0) {
		gnutls_pkcs7_deinit(p7);
		return 0;
	}
	count = gnutls_pkcs7_get_crt_count(p7);
	for (int i = 0; i < count && n < max; i++) {
		gnutls_datum_t raw = {NULL, 0};

		if (gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &raw) < 0)
			continue;
		n += import_one(&raw, GNUTLS_X509_FMT_DER, &out[n]);
		gnutls_free(raw.data);
	}
	gnutls_pkcs7_deinit(p7);
	return n;
}

static size_t
import_pem_list(const gnutls_datum_t *d, gnutls_x509_crt_t *out, size_t max)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned count = 0;
	size_t n = 0;

	if (gnutls_x509_crt_list_import2(&list, &count, d, GNUTLS_X509_FMT_PEM,
	                                 0) < 0)
		return 0;
	for (unsigned i = 0; i < count; i++) {
		if (n < max)
			out[n++] = list[i];
		else
			gnutls_x509_crt_deinit(list[i]);
	}
	gnutls_free(list);
	return n;
}

static bool
contains(const unsigned char *body, size_t len, const char *needle)
{
	return memmem(body, len, needle, strlen(needle)) != NULL;
}

size_t
aiapath_parse(const unsigned char *body, size_t len, gnutls_x509_crt_t *out,
              size_t max)
{
	gnutls_datum_t d = {(unsigned char *)body, (unsigned)len};

	if (!body || len == 0 || max == 0 || len > 1u << 24)
		return 0;
	if (body[0] == 0x30) /* an ASN.1 SEQUENCE: DER */
		return import_one(&d, GNUTLS_X509_FMT_DER, out)
		           ? 1
		           : import_pkcs7(&d, GNUTLS_X509_FMT_DER, out, max);
	if (contains(body, len, "-----BEGIN PKCS7") ||
	    contains(body, len, "-----BEGIN CMS"))
		return import_pkcs7(&d, GNUTLS_X509_FMT_PEM, out, max);
	if (contains(body, len, "-----BEGIN CERTIFICATE"))
		return import_pem_list(&d, out, max);
	return 0;
}
