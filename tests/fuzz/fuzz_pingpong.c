/*
 * The line-protocol engine (scanner/engine/pingpong.h). Byte 0: bits 0-1 the
 * end-of-reply rule (none twice, imap_end_tagged with tag "A001",
 * pop3_end_multi), bit 2 tiny caps (64-byte lines,
 * 8 lines, 1 KiB) instead of the defaults, bits 3-7 seed the chunk sizes.
 * The rest is the server's byte stream, fed once in chunks of 1-61 bytes
 * and once whole: the header promises the same replies for any chunking,
 * so both runs must produce the same digest (unless the stream exceeds
 * the session byte cap, where a whole feed is refused outright).
 */
#include <string.h>

#include "probes/imap_reply.h"
#include "probes/pop3_reply.h"
#include "scanner/engine/pingpong.h"
#include "tests/fuzz/fuzz.h"

static const struct pp_limits tiny = {64, 8, 1024};
/* in the order of the old PP_EXPECT_* values, so the seeds keep their
 * meaning */
static const pp_endofresp expect_rules[] = {NULL, NULL, imap_end_tagged,
                                            pop3_end_multi};

static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
	return h;
}

/* Runs the stream through a fresh engine; returns a digest of the replies
 * and of how the run ended. chunk_seed 0 feeds everything at once. */
static uint64_t
run(const uint8_t *d, size_t n, pp_endofresp e, bool small, unsigned chunk_seed)
{
	struct pingpong pp;
	const struct pp_reply *r;
	uint64_t h = 14695981039346656037ULL;
	unsigned rng = chunk_seed;
	size_t off = 0;
	int rc = 0;

	pp_init(&pp, small ? &tiny : NULL);
	pp_expect(&pp, e, "A001");
	while (off < n && rc >= 0) {
		size_t k = n - off;

		if (chunk_seed) {
			rng = rng * 1103515245u + 12345u;
			k = 1 + (rng >> 16) % 61;
			k = k < n - off ? k : n - off;
		}
		rc = pp_feed(&pp, (const char *)d + off, k);
		off += k;
		while (rc >= 0 && (rc = pp_next(&pp, &r)) == 1) {
			FUZZ_ASSERT(r->nlines >= 1);
			for (size_t i = 0; i < r->nlines; i++) {
				const struct pp_line *l = &r->lines[i];
				char *esc = pp_line_escaped(l, 300);

				FUZZ_ASSERT(l->text[l->len] == '\0');
				FUZZ_ASSERT(!memchr(l->text, '\n', l->len));
				FUZZ_ASSERT(
				    l->has_nul ==
				    (memchr(l->text, 0, l->len) != NULL));
				h = mix(h, l->text, l->len + 1);
				h = mix(h, &l->bare_lf, sizeof(l->bare_lf));
				free(esc);
			}
			h = mix(h, "|", 1);
			pp_expect(&pp, e, "A001");
		}
	}
	h = mix(h, &rc, sizeof(rc));
	FUZZ_ASSERT(pp_partial(&pp) != NULL);
	h = mix(h, &pp.reply.nlines, sizeof(pp.reply.nlines));
	free(pp_take_pending(&pp, 300));
	FUZZ_ASSERT(pp_pending(&pp) == 0);
	pp_free(&pp);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pp_endofresp e;
	bool small;
	uint64_t chunked, whole;

	if (size < 1)
		return 0;
	e = expect_rules[data[0] & 3];
	small = (data[0] & 4) != 0;
	chunked = run(data + 1, size - 1, e, small, (data[0] >> 3) + 1u);
	whole = run(data + 1, size - 1, e, small, 0);
	if (size - 1 <= (small ? tiny : pp_default_limits).max_bytes)
		FUZZ_ASSERT(chunked == whole);
	return 0;
}
