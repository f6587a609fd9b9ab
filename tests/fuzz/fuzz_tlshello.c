/*
 * The TLS audit's parser of a server's first flight (scanner/tls/tlshello.h),
 * which reads bytes from hostile servers without GnuTLS. Byte 0 seeds the
 * chunk sizes (1-64 bytes); the rest is the flight, fed once in chunks
 * and once whole. The header promises the same result for any split, a
 * sticky final status and no consumption past the end, so both runs must
 * agree on status, bytes consumed and the whole result, except prefix:
 * "the first bytes fed" is evidence that depends on the size of the
 * first read, once the parser has decided NOT_TLS (drop this exception
 * if the header's promise is extended to it). Then the input is also
 * read as a client's first flight (tlshello_parse_client_hello).
 */
#include <string.h>

#include "scanner/tls/tlshello.h"
#include "tests/servers/hello_parse.h"
#include "tests/fuzz/fuzz.h"

static struct tlshello_parser whole, chunked;
static struct tlshello_client_hello ch;

static int
feed(struct tlshello_parser *p, const uint8_t *d, size_t n, unsigned seed)
{
	size_t off = 0;
	int st = TLSHELLO_NEED_MORE;

	tlshello_parser_init(p);
	while (off < n && st == TLSHELLO_NEED_MORE) {
		size_t k = n - off, before = p->total;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 64;
			k = k < n - off ? k : n - off;
		}
		st = tlshello_parser_feed(p, d + off, k);
		FUZZ_ASSERT(p->total >= before && p->total - before <= k);
		off += k;
	}
	if (st != TLSHELLO_NEED_MORE) {
		size_t total = p->total;

		/* sticky, and nothing more is consumed */
		FUZZ_ASSERT(tlshello_parser_feed(p, d, n) == st);
		FUZZ_ASSERT(p->total == total);
	}
	FUZZ_ASSERT(st != TLSHELLO_ERROR || p->error != NULL);
	FUZZ_ASSERT(memchr(p->r.alpn, 0, sizeof(p->r.alpn)) != NULL);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int a, b;

	if (size < 1)
		return 0;
	a = feed(&chunked, data + 1, size - 1, data[0] + 1u);
	b = feed(&whole, data + 1, size - 1, 0);
	FUZZ_ASSERT(a == b);
	FUZZ_ASSERT(chunked.total == whole.total);
	memset(chunked.r.prefix, 0, sizeof(chunked.r.prefix));
	memset(whole.r.prefix, 0, sizeof(whole.r.prefix));
	chunked.r.prefix_len = whole.r.prefix_len = 0;
	/* Both results start zeroed (tlshello_parser_init memsets the
	 * parser) and the parser only stores members, so the padding is
	 * equal too; a byte compare also covers fields added later. */
	/* NOLINTBEGIN(bugprone-suspicious-memory-comparison) */
	/* NOLINTBEGIN(cert-exp42-c,cert-flp37-c) */
	FUZZ_ASSERT(memcmp(&chunked.r, &whole.r, sizeof(whole.r)) == 0);
	/* NOLINTEND(cert-exp42-c,cert-flp37-c) */
	/* NOLINTEND(bugprone-suspicious-memory-comparison) */
	if (tlshello_parse_client_hello(data + 1, size - 1, &ch) ==
	    TLSHELLO_DONE)
		FUZZ_ASSERT(ch.consumed <= size - 1 &&
		            ch.nsuites <= TLSHELLO_CH_MAX_SUITES);
	return 0;
}
