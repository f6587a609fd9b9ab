/*
 * Certificate facts (scanner/tls/certinfo.h): the input is imported as one
 * DER certificate; if GnuTLS accepts it, certinfo_facts reads it and the
 * CERT-* judgement (probes/checks/cert_checks.c, probes/checks/hostname.c) runs
 * on a one-certificate chain at a fixed time. Text fields must come out
 * escaped, since they end up in reports verbatim.
 */
#include <string.h>

#include "probes/checks/cert_checks.h"
#include "scanner/tls/certinfo.h"
#include "scanner/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *der = malloc(size ? size : 1);
	gnutls_datum_t d = {der, (unsigned)size};
	gnutls_x509_crt_t crt;
	struct cert_facts facts;
	struct endpoint_result res;

	FUZZ_ASSERT(der != NULL);
	if (size)
		memcpy(der, data, size);
	if (size > 65536 || gnutls_x509_crt_init(&crt) < 0) {
		free(der);
		return 0;
	}
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) == 0) {
		certinfo_facts(crt, &facts);
		FUZZ_ASSERT(fuzz_printable(facts.subject) &&
		            fuzz_printable(facts.issuer));
		FUZZ_ASSERT(fuzz_printable(facts.common_name));
		for (size_t i = 0; i < facts.dns_names.n; i++)
			FUZZ_ASSERT(fuzz_printable(facts.dns_names.items[i]));
		endpoint_result_init(&res);
		res.endpoint.host = xstrdup("mail.example.org");
		res.tls.chain.certs = &facts;
		res.tls.chain.ncerts = 1;
		cert_checks_judge(&res, (time_t)1767225600); /* 2026-01-01 */
		res.tls.chain.certs = NULL; /* facts are freed below */
		res.tls.chain.ncerts = 0;
		endpoint_result_free(&res);
		cert_facts_free(&facts);
	}
	gnutls_x509_crt_deinit(crt);
	free(der);
	return 0;
}
