/*
 * POP3 replies (probes/pop3_reply.h). Every LF-separated line goes
 * through pop3_parse_line and pop3_apop_timestamp on a buffer of exactly
 * its length; then the whole input is read as CAPA replies through the
 * pingpong engine (pop3_end_multi) and pop3_parse_capa.
 */
#include <string.h>

#include "probes/pop3_reply.h"
#include "tests/fuzz/fuzz.h"

#define INSIDE(p, n, line, len)                                                \
	((p) == NULL ||                                                        \
	 ((p) >= (line) && (n) <= (size_t)((line) + (len) - (p))))

static void
one_line(const uint8_t *p, size_t len)
{
	char *line = malloc(len ? len : 1);
	struct pop3_line pl;
	const char *ts;
	size_t tslen;

	FUZZ_ASSERT(line != NULL);
	if (len)
		memcpy(line, p, len);
	pop3_parse_line(line, len, &pl);
	FUZZ_ASSERT(INSIDE(pl.code, pl.code_len, line, len));
	FUZZ_ASSERT(INSIDE(pl.text, pl.text_len, line, len));
	if (pop3_apop_timestamp(pl.text, pl.text_len, &ts, &tslen)) {
		FUZZ_ASSERT(INSIDE(ts, tslen, pl.text, pl.text_len));
		FUZZ_ASSERT(tslen >= 3 && ts[0] == '<' && ts[tslen - 1] == '>');
		FUZZ_ASSERT(memchr(ts, '@', tslen) != NULL);
	}
	free(line);
}

static void
capa_replies(const uint8_t *data, size_t size)
{
	struct pingpong pp;
	const struct pp_reply *r;
	struct strlist caps;

	strlist_init(&caps);
	pp_init(&pp, NULL);
	pp_expect(&pp, pop3_end_multi, NULL);
	/* as session_receive, never with 0 bytes (see the report on pp_feed) */
	if (size > 0 && pp_feed(&pp, (const char *)data, size) == 0) {
		while (pp_next(&pp, &r) == 1) {
			pop3_parse_capa(r, &caps);
			pp_expect(&pp, pop3_end_multi, NULL);
		}
	}
	for (size_t i = 0; i < caps.n; i++)
		FUZZ_ASSERT(caps.items[i][0] != '\0');
	(void)pop3_caps_has(&caps, "STLS");
	(void)pop3_caps_has(&caps, "USER");
	(void)pop3_caps_has_sasl(&caps, "PLAIN");
	(void)pop3_caps_has_sasl(&caps, "LOGIN");
	strlist_free(&caps);
	pp_free(&pp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t start = 0;

	while (start <= size) {
		const uint8_t *lf = memchr(data + start, '\n', size - start);
		size_t end = lf ? (size_t)(lf - data) : size;
		size_t len = end - start;

		if (len > 0 && data[start + len - 1] == '\r')
			len--;
		one_line(data + start, len);
		start = end + 1;
	}
	capa_replies(data, size);
	return 0;
}
