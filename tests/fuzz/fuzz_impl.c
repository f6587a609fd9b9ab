/*
 * Implementation detection (probes/impl.h, issue #12) over free text: the
 * input's first line is the greeting, the next ones are capabilities
 * (before TLS, then after a blank line, over TLS), and the same lines
 * serve as IMAP ID name/version pairs. Every line is escaped first, as
 * the engine does with what a server sent. Invariants: a product is a
 * known lower-case key with a confidence of 1..99 and printable
 * evidence; no product means no confidence, version or evidence.
 */
#include <ctype.h>
#include <string.h>

#include "probes/impl.h"
#include "scanner/core/escape.h"
#include "scanner/core/strlist.h"
#include "tests/fuzz/fuzz.h"

#define MAX_LINES 32

static bool
key_ok(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!islower((unsigned char)*k) &&
		    !isdigit((unsigned char)*k) && *k != '-')
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *lines[MAX_LINES];
	size_t n = 0, off = 0;
	struct strlist caps, caps_tls;
	struct imap_id_pair pairs[MAX_LINES];
	struct imap_id id = {.pairs = pairs};
	struct ntlm_challenge ch;
	struct impl_facts f = {0};
	struct impl_clues k = {.caps = &caps, .caps_tls = &caps_tls};
	bool tls = false;

	while (off < size && n < MAX_LINES) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (data + off)) : size - off;

		lines[n++] = escape_bytes((const char *)data + off, len, 512);
		off += len + 1;
	}
	strlist_init(&caps);
	strlist_init(&caps_tls);
	for (size_t i = 1; i < n; i++) {
		if (!*lines[i])
			tls = true;
		else
			strlist_add(tls ? &caps_tls : &caps, lines[i]);
	}
	for (size_t i = 0; i + 1 < n; i += 2) {
		pairs[id.npairs].field = lines[i];
		pairs[id.npairs++].value = lines[i + 1];
	}
	memset(&ch, 0, sizeof(ch));
	ch.has_version = size > 0 && (data[0] & 1);
	ch.ver_major = size > 1 ? data[1] : 0;
	k.greeting = n > 0 ? lines[0] : NULL;
	k.id = size > 2 && (data[2] & 1) ? &id : NULL;
	k.ntlm = &ch;
	impl_detect(&k, &f);
	if (f.product) {
		FUZZ_ASSERT(key_ok(f.product));
		FUZZ_ASSERT(f.confidence >= 1 && f.confidence <= 99);
		FUZZ_ASSERT(f.evidence && fuzz_printable(f.evidence));
		FUZZ_ASSERT(!f.version || fuzz_printable(f.version));
	} else {
		FUZZ_ASSERT(f.confidence == 0 && !f.version && !f.evidence);
	}
	impl_facts_free(&f);
	strlist_free(&caps);
	strlist_free(&caps_tls);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	return 0;
}
