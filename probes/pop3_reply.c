/* Parsing of POP3 status lines, APOP timestamps and CAPA lists. */
#include "probes/pop3_reply.h"

#include <string.h>
#include <strings.h>

void
pop3_parse_line(const char *line, size_t len, struct pop3_line *out)
{
	size_t skip;

	memset(out, 0, sizeof(*out));
	if (len >= 3 && strncasecmp(line, "+OK", 3) == 0 &&
	    (len == 3 || line[3] == ' ')) {
		out->status = POP3_OK;
		skip = 3;
	} else if (len >= 4 && strncasecmp(line, "-ERR", 4) == 0 &&
	           (len == 4 || line[4] == ' ')) {
		out->status = POP3_ERR;
		skip = 4;
	} else {
		out->status = POP3_MALFORMED;
		out->text = line;
		out->text_len = len;
		return;
	}
	line += skip;
	len -= skip;
	if (len > 0 && *line == ' ') {
		line++;
		len--;
	}
	/* RFC 2449 §8: an extended code is a bracketed token right after */
	if (len > 0 && *line == '[') {
		const char *close = memchr(line, ']', len);

		if (close) {
			out->code = line + 1;
			out->code_len = (size_t)(close - line - 1);
			len -= (size_t)(close - line) + 1;
			line = close + 1;
			if (len > 0 && *line == ' ') {
				line++;
				len--;
			}
		}
	}
	out->text = line;
	out->text_len = len;
}

bool
pop3_apop_timestamp(const char *text, size_t len, const char **ts_r,
                    size_t *len_r)
{
	for (size_t i = 0; i < len; i++) {
		const char *close, *at;

		if (text[i] != '<')
			continue;
		close = memchr(text + i, '>', len - i);
		if (!close)
			return false;
		at = memchr(text + i, '@', (size_t)(close - text - i));
		if (at && close - (text + i) > 2) {
			*ts_r = text + i;
			*len_r = (size_t)(close - (text + i)) + 1;
			return true;
		}
		i = (size_t)(close - text);
	}
	return false;
}

void
pop3_parse_capa(const struct pp_reply *r, struct strlist *caps)
{
	/* first line is the +OK, the last the terminating "." */
	for (size_t i = 1; i + 1 < r->nlines; i++) {
		const struct pp_line *l = &r->lines[i];
		size_t len = l->len;

		while (len > 0 && l->text[len - 1] == ' ')
			len--;
		if (len > 0 && !l->has_nul)
			strlist_addn(caps, l->text, len);
	}
}

/* Length of the first word of s. */
static size_t
word_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != ' ')
		n++;
	return n;
}

bool
pop3_caps_has(const struct strlist *caps, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < caps->n; i++)
		if (word_len(caps->items[i]) == n &&
		    strncasecmp(caps->items[i], name, n) == 0)
			return true;
	return false;
}

/* Calls fn with each mechanism of the "SASL A B C" lines until it
 * returns true; returns whether one did. */
static bool
sasl_walk(const struct strlist *caps,
          bool (*fn)(const char *m, size_t len, void *arg), void *arg)
{
	for (size_t i = 0; i < caps->n; i++) {
		const char *p = caps->items[i];

		if (word_len(p) != 4 || strncasecmp(p, "SASL", 4) != 0)
			continue;
		p += 4;
		while (*p) {
			size_t w;

			while (*p == ' ')
				p++;
			w = word_len(p);
			if (w > 0 && fn(p, w, arg))
				return true;
			p += w;
		}
	}
	return false;
}

static bool
add_mech(const char *m, size_t len, void *arg)
{
	strlist_addn(arg, m, len);
	return false;
}

void
pop3_caps_sasl_mechs(const struct strlist *caps, struct strlist *out)
{
	(void)sasl_walk(caps, add_mech, out);
}

static bool
is_mech(const char *m, size_t len, void *arg)
{
	const char *mech = arg;

	return len == strlen(mech) && strncasecmp(m, mech, len) == 0;
}

bool
pop3_caps_has_sasl(const struct strlist *caps, const char *mech)
{
	return sasl_walk(caps, is_mech, (void *)mech);
}

/* rule_state: 1 once the "+OK" of a multi-line reply has been seen */
bool
pop3_end_multi(struct pingpong *pp, const char *line, size_t len, size_t *skip)
{
	if (!pp->rule_state) {
		if (len >= 3 && strncasecmp(line, "+OK", 3) == 0) {
			pp->rule_state = 1;
			return false;
		}
		return true; /* -ERR or garbage: single line */
	}
	if (len == 1 && line[0] == '.')
		return true;
	/* RFC 1939 §3: a body line starting with '.' is dot-stuffed */
	if (len > 1 && line[0] == '.')
		*skip = 1;
	return false;
}
