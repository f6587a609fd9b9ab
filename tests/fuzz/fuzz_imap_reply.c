/*
 * IMAP response lines (probes/imap_reply.h). The input is split at LF
 * (a trailing CR is dropped, as pingpong does); each line is copied to a
 * buffer of exactly its length, without a NUL, so a read past len is an
 * ASan report. Every view the parser returns must lie inside the line.
 */
#include <string.h>

#include "probes/imap_reply.h"
#include "tests/fuzz/fuzz.h"

#define INSIDE(p, n, line, len)                                                \
	((p) == NULL ||                                                        \
	 ((p) >= (line) && (n) <= (size_t)((line) + (len) - (p))))

static void
one_line(const uint8_t *p, size_t len, struct strlist *caps)
{
	char *line = malloc(len ? len : 1);
	struct imap_line il;

	FUZZ_ASSERT(line != NULL);
	if (len)
		memcpy(line, p, len);
	imap_parse_line(line, len, &il);
	FUZZ_ASSERT(INSIDE(il.tag, il.tag_len, line, len));
	FUZZ_ASSERT(INSIDE(il.code, il.code_len, line, len));
	FUZZ_ASSERT(INSIDE(il.text, il.text_len, line, len));
	FUZZ_ASSERT(INSIDE(il.data, il.data_len, line, len));
	if (il.kind == IMAP_TAGGED)
		FUZZ_ASSERT(il.tag == line && il.tag_len > 0 &&
		            il.cond != IMAP_COND_NONE);
	if (imap_line_caps(&il, caps))
		FUZZ_ASSERT(il.code || il.kind == IMAP_UNTAGGED);
	/* strlist_addn() takes no NUL: an atom may not be cut short */
	for (size_t i = 0; i < caps->n; i++)
		FUZZ_ASSERT(caps->items[i][0] != '\0' &&
		            !strchr(caps->items[i], ' '));
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist caps;
	size_t start = 0;

	strlist_init(&caps);
	while (start <= size) {
		const uint8_t *lf = memchr(data + start, '\n', size - start);
		size_t end = lf ? (size_t)(lf - data) : size;
		size_t len = end - start;

		if (len > 0 && data[start + len - 1] == '\r')
			len--;
		one_line(data + start, len, &caps);
		start = end + 1;
	}
	(void)strlist_has_ci(&caps, "STARTTLS");
	(void)strlist_has_prefix_ci(&caps, "AUTH=");
	strlist_free(&caps);
	return 0;
}
