/*
 * Stapled OCSP responses (scanner/tls/ocspinfo.h): the input is the response
 * the server staples; the chain is a fixed leaf and its issuer
 * (fixtures/fuzz/ocspinfo/chain, read from the repository root), so the
 * status, reason and signature paths all run. Text must come out
 * printable, and a "revoked" must never be believed unsigned.
 */
#include <string.h>

#include "scanner/tls/ocspinfo.h"
#include "scanner/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

static gnutls_datum_t chain[2];
static size_t nchain;

static void
load(const char *path, gnutls_datum_t *out)
{
	FILE *f = fopen(path, "rb");
	static unsigned char buf[2][8192];
	size_t n;

	if (!f)
		return;
	n = fread(buf[nchain], 1, sizeof(buf[nchain]), f);
	fclose(f);
	out->data = buf[nchain];
	out->size = (unsigned)n;
	nchain++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool loaded;
	unsigned char *der = malloc(size ? size : 1);
	gnutls_datum_t d = {der, (unsigned)size};
	struct ocsp_facts facts;

	if (!loaded) {
		load("fixtures/fuzz/ocspinfo/chain/leaf.der", &chain[0]);
		if (nchain == 1)
			load("fixtures/fuzz/ocspinfo/chain/issuer.der",
			     &chain[1]);
		loaded = true;
	}
	FUZZ_ASSERT(der != NULL);
	if (size)
		memcpy(der, data, size);
	memset(&facts, 0, sizeof(facts));
	if (size <= 65536) {
		ocspinfo_read(&d, chain, nchain, &facts);
		FUZZ_ASSERT(facts.present);
		FUZZ_ASSERT(fuzz_printable(facts.error) &&
		            fuzz_printable(facts.reason));
		FUZZ_ASSERT(!facts.signature_valid || nchain == 2);
		ocsp_facts_free(&facts);
	}
	free(der);
	return 0;
}
