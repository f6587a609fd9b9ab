/*
 * SASL NTLM and base64 (probes/ntlm.h, probes/base64.h): byte 0 bit 0
 * says how to read the rest. Clear: the raw CHALLENGE_MESSAGE. Set: the
 * base64 text of a "+ " continuation, decoded first (as the probes do)
 * and, when valid, re-encoded and decoded again to the same bytes. The
 * parser promises never to read outside the message (checked by giving
 * it a buffer of exactly that size) and escaped names and evidence.
 */
#include <string.h>

#include "probes/base64.h"
#include "probes/ntlm.h"
#include "tests/fuzz/fuzz.h"

static void
challenge(const uint8_t *msg, size_t len)
{
	uint8_t *exact = malloc(len ? len : 1);
	struct ntlm_challenge c;
	char desc[512];

	FUZZ_ASSERT(exact != NULL);
	if (len)
		memcpy(exact, msg, len);
	if (ntlm_parse_challenge(exact, len, &c) == 0) {
		const struct ntlm_str *names[] = {
		    &c.target,       &c.nb_computer, &c.nb_domain,
		    &c.dns_computer, &c.dns_domain,  &c.dns_tree,
		    &c.av_target,
		};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			FUZZ_ASSERT(
			    memchr(names[i]->text, 0, sizeof(names[i]->text)) &&
			    fuzz_printable(names[i]->text));
		FUZZ_ASSERT(memchr(c.notes, 0, sizeof(c.notes)) != NULL);
		(void)ntlm_discloses(&c);
		FUZZ_ASSERT(ntlm_describe(&c, desc, sizeof(desc)) <
		            sizeof(desc));
		FUZZ_ASSERT(fuzz_printable(desc));
		FUZZ_ASSERT(ntlm_describe(&c, desc, 8) < 8);
	}
	free(exact);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *bin, *again;
	char *text;
	ssize_t n, m;

	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		challenge(data + 1, size - 1);
		return 0;
	}
	bin = malloc(BASE64_DECODED_MAX(size));
	FUZZ_ASSERT(bin != NULL);
	n = base64_decode((const char *)data + 1, size - 1, bin,
	                  BASE64_DECODED_MAX(size - 1));
	if (n >= 0) {
		FUZZ_ASSERT((size_t)n <= BASE64_DECODED_MAX(size - 1));
		challenge(bin, (size_t)n);
		text = malloc(BASE64_ENCODED_LEN((size_t)n) + 1);
		again = malloc((size_t)n + 1);
		FUZZ_ASSERT(text != NULL && again != NULL);
		m = base64_encode(bin, (size_t)n, text,
		                  BASE64_ENCODED_LEN((size_t)n) + 1);
		FUZZ_ASSERT(m == (ssize_t)BASE64_ENCODED_LEN((size_t)n));
		FUZZ_ASSERT(
		    base64_decode(text, (size_t)m, again, (size_t)n + 1) == n);
		FUZZ_ASSERT(n == 0 || memcmp(bin, again, (size_t)n) == 0);
		free(text);
		free(again);
	}
	free(bin);
	return 0;
}
