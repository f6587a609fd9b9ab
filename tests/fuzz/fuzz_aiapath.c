/*
 * A body fetched from an AIA caIssuers URL (scanner/tls/aiapath.h, issue
 * #12): the input is parsed as DER, PKCS#7 or PEM certificates; every
 * certificate found is read for its caIssuers URL and
 * authorityKeyIdentifier, which must come out escaped (URL) and hex (key
 * id), since both end up in reports. The input is also given, as a
 * string, to the fetcher's URL check (scanner/net/aiafetch.h), which
 * must accept only http:// URLs.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/net/aiafetch.h"
#include "scanner/tls/aiapath.h"
#include "tests/fuzz/fuzz.h"

static bool
is_hex(const char *s)
{
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gnutls_x509_crt_t certs[AIAPATH_MAX_CERTS];
	size_t n = aiapath_parse(data, size, certs, AIAPATH_MAX_CERTS);
	char *s;

	FUZZ_ASSERT(n <= AIAPATH_MAX_CERTS);
	for (size_t i = 0; i < n; i++) {
		char *url = aiapath_ca_issuers(certs[i]);
		char *id = aiapath_key_id(certs[i]);

		FUZZ_ASSERT(fuzz_printable(url));
		FUZZ_ASSERT(!id || (*id && is_hex(id)));
		free(url);
		free(id);
		gnutls_x509_crt_deinit(certs[i]);
	}
	if (size < 2048 && (s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		FUZZ_ASSERT(!aiafetch_url_ok(s) ||
		            strncasecmp(s, "http://", 7) == 0);
		free(s);
	}
	return 0;
}
