/* Stapled OCSP responses with GnuTLS' OCSP API. */
#include "scanner/tls/ocspinfo.h"

#include <gnutls/ocsp.h>
#include <gnutls/x509.h>

#include "scanner/core/xalloc.h"

static const char *
status_name(unsigned status)
{
	switch (status) {
	case GNUTLS_OCSP_CERT_GOOD:
		return "good";
	case GNUTLS_OCSP_CERT_REVOKED:
		return "revoked";
	default:
		return "unknown";
	}
}

/* RFC 5280 §5.3.1 CRLReason names */
static const char *
reason_name(unsigned reason)
{
	static const char *const names[] = {
	    "unspecified",     "keyCompromise",
	    "cACompromise",    "affiliationChanged",
	    "superseded",      "cessationOfOperation",
	    "certificateHold", NULL,
	    "removeFromCRL",   "privilegeWithdrawn",
	    "aACompromise",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : NULL;
}

static const char *
verify_reason(unsigned verify)
{
	if (verify & GNUTLS_OCSP_VERIFY_SIGNATURE_FAILURE)
		return "the signature is wrong";
	if (verify & GNUTLS_OCSP_VERIFY_UNTRUSTED_SIGNER)
		return "the signer is neither the issuer nor its delegate";
	if (verify & GNUTLS_OCSP_VERIFY_SIGNER_NOT_FOUND)
		return "the signer's certificate is missing";
	if (verify & GNUTLS_OCSP_VERIFY_SIGNER_KEYUSAGE_ERROR)
		return "the signer's certificate is not for OCSP signing";
	if (verify & GNUTLS_OCSP_VERIFY_INSECURE_ALGORITHM)
		return "an insecure signature algorithm";
	if (verify & (GNUTLS_OCSP_VERIFY_CERT_NOT_ACTIVATED |
	              GNUTLS_OCSP_VERIFY_CERT_EXPIRED))
		return "the delegated signer's certificate is not valid now";
	return "verification failed";
}

static gnutls_x509_crt_t
import_crt(const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;

	if (gnutls_x509_crt_init(&crt) < 0)
		return NULL;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return NULL;
	}
	return crt;
}

static void
fail(struct ocsp_facts *out, const char *what, int rc)
{
	free(out->error);
	out->error = xasprintf("%s: %s", what, gnutls_strerror(rc));
}

/* The first single response: its status, times and reason. */
static bool
read_single(gnutls_ocsp_resp_t resp, struct ocsp_facts *out)
{
	unsigned status = 0, reason = 0;
	int rc;
	time_t this_update, next_update, revoked_at;

	rc = gnutls_ocsp_resp_get_single(resp, 0, NULL, NULL, NULL, NULL,
	                                 &status, &this_update, &next_update,
	                                 &revoked_at, &reason);
	if (rc < 0) {
		fail(out, "no single response", rc);
		return false;
	}
	out->status = xstrdup(status_name(status));
	out->this_update = this_update > 0 ? this_update : 0;
	out->next_update = next_update > 0 ? next_update : 0;
	if (status == GNUTLS_OCSP_CERT_REVOKED) {
		const char *name = reason_name(reason);

		out->revoked_at = revoked_at > 0 ? revoked_at : 0;
		out->reason = name ? xstrdup(name) : NULL;
	}
	return true;
}

void
ocspinfo_read(const gnutls_datum_t *response, const gnutls_datum_t *chain,
              size_t n, struct ocsp_facts *out)
{
	gnutls_ocsp_resp_t resp;
	gnutls_x509_crt_t leaf = NULL, issuer = NULL;
	unsigned verify = 0;
	int rc;

	out->present = true;
	if (gnutls_ocsp_resp_init(&resp) < 0) {
		out->error = xstrdup("out of memory");
		return;
	}
	rc = gnutls_ocsp_resp_import(resp, response);
	if (rc < 0) {
		fail(out, "unreadable response", rc);
		goto done;
	}
	if (gnutls_ocsp_resp_get_status(resp) != GNUTLS_OCSP_RESP_SUCCESSFUL) {
		out->error = xasprintf("response status %d, not successful",
		                       gnutls_ocsp_resp_get_status(resp));
		goto done;
	}
	if (!read_single(resp, out))
		goto done;
	leaf = n > 0 ? import_crt(&chain[0]) : NULL;
	issuer = n > 1 ? import_crt(&chain[1]) : NULL;
	if (!leaf)
		goto done;
	out->matches_leaf = gnutls_ocsp_resp_check_crt(resp, 0, leaf) == 0;
	if (!issuer) {
		out->error = xstrdup("the leaf's issuer was not sent, so the "
		                     "signature cannot be checked");
		goto done;
	}
	rc = gnutls_ocsp_resp_verify_direct(resp, issuer, &verify, 0);
	if (rc < 0)
		fail(out, "signature not checked", rc);
	else if (verify != 0)
		out->error = xasprintf("the leaf's issuer did not sign it: %s",
		                       verify_reason(verify));
	else
		out->signature_valid = true;
done:
	if (leaf)
		gnutls_x509_crt_deinit(leaf);
	if (issuer)
		gnutls_x509_crt_deinit(issuer);
	gnutls_ocsp_resp_deinit(resp);
}
