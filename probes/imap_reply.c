/*
 * Parsing of IMAP response lines (RFC 9051 §7.1 status responses and
 * response codes, §7.2.2 CAPABILITY). A response code exists only
 * directly after "OK ", "NO ", "BAD ", "PREAUTH " or "BYE "; a bracket
 * elsewhere (Exchange's trailing [base64]) is text.
 */
#include "probes/imap_reply.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *word;
	enum imap_cond cond;
} conds[] = {
    {"OK", IMAP_COND_OK},   {"NO", IMAP_COND_NO},
    {"BAD", IMAP_COND_BAD}, {"PREAUTH", IMAP_COND_PREAUTH},
    {"BYE", IMAP_COND_BYE},
};

/* Length of the token at p (up to a space or the end). */
static size_t
token_len(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i] != ' ')
		i++;
	return i;
}

static void
parse_status(const char *p, size_t len, struct imap_line *out)
{
	size_t w = token_len(p, len);

	out->cond = IMAP_COND_NONE;
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		if (w == strlen(conds[i].word) &&
		    strncasecmp(p, conds[i].word, w) == 0) {
			out->cond = conds[i].cond;
			break;
		}
	}
	if (out->cond == IMAP_COND_NONE) {
		out->data = p;
		out->data_len = len;
		return;
	}
	p += w;
	len -= w;
	if (len > 0 && *p == ' ') {
		p++;
		len--;
	}
	if (len > 0 && *p == '[') {
		const char *close = memchr(p, ']', len);

		if (close) {
			out->code = p + 1;
			out->code_len = (size_t)(close - p - 1);
			len -= (size_t)(close - p) + 1;
			p = close + 1;
			if (len > 0 && *p == ' ') {
				p++;
				len--;
			}
		}
	}
	out->text = p;
	out->text_len = len;
}

void
imap_parse_line(const char *line, size_t len, struct imap_line *out)
{
	size_t t;

	memset(out, 0, sizeof(*out));
	out->text = line + len;
	out->data = line + len;
	if (len == 0) {
		out->kind = IMAP_MALFORMED;
		return;
	}
	if (line[0] == '+') {
		out->kind = IMAP_CONTINUATION;
		out->text = line + 1 + (len > 1 && line[1] == ' ');
		out->text_len = len - (size_t)(out->text - line);
		return;
	}
	if (line[0] == '*') {
		if (len < 2 || line[1] != ' ') {
			out->kind = IMAP_MALFORMED;
			return;
		}
		out->kind = IMAP_UNTAGGED;
		parse_status(line + 2, len - 2, out);
		return;
	}
	t = token_len(line, len);
	if (t == len || t == 0) {
		out->kind = IMAP_MALFORMED;
		return;
	}
	out->kind = IMAP_TAGGED;
	out->tag = line;
	out->tag_len = t;
	parse_status(line + t + 1, len - t - 1, out);
	if (out->cond == IMAP_COND_NONE)
		out->kind = IMAP_MALFORMED;
}

void
imap_parse_caps(const char *s, size_t len, struct strlist *caps)
{
	size_t i = 0;

	while (i < len) {
		size_t w;

		while (i < len && s[i] == ' ')
			i++;
		w = token_len(s + i, len - i);
		/* an atom with a NUL is not an atom: never "STARTTLS" */
		if (w > 0 && !memchr(s + i, '\0', w))
			strlist_addn(caps, s + i, w);
		i += w;
	}
}

bool
imap_line_caps(const struct imap_line *l, struct strlist *caps)
{
	static const char kw[] = "CAPABILITY";
	const size_t kwlen = sizeof(kw) - 1;

	if (l->kind == IMAP_UNTAGGED && l->cond == IMAP_COND_NONE &&
	    l->data_len >= kwlen && strncasecmp(l->data, kw, kwlen) == 0 &&
	    (l->data_len == kwlen || l->data[kwlen] == ' ')) {
		imap_parse_caps(l->data + kwlen, l->data_len - kwlen, caps);
		return true;
	}
	if (l->code && l->code_len >= kwlen &&
	    strncasecmp(l->code, kw, kwlen) == 0 &&
	    (l->code_len == kwlen || l->code[kwlen] == ' ')) {
		imap_parse_caps(l->code + kwlen, l->code_len - kwlen, caps);
		return true;
	}
	return false;
}

bool
imap_end_tagged(struct pingpong *pp, const char *line, size_t len, size_t *skip)
{
	size_t tlen = strlen(pp->tag);

	(void)skip;
	if (len >= 1 && line[0] == '+')
		return true;
	return tlen > 0 && len > tlen && memcmp(line, pp->tag, tlen) == 0 &&
	       line[tlen] == ' ';
}

bool
imap_end_cancel(struct pingpong *pp, const char *line, size_t len, size_t *skip)
{
	if (imap_end_tagged(pp, line, len, skip))
		return true;
	return (len >= 4 && strncasecmp(line, "BAD ", 4) == 0) ||
	       (len >= 3 && strncasecmp(line, "NO ", 3) == 0);
}
