/*
 * Shared line-protocol engine for the mail protocols: bounded,
 * incremental reply assembly. The protocols' reply shapes live with the
 * protocols (probes/imap_reply.c, probes/pop3_reply.c).
 */
#include "scanner/engine/pingpong.h"

#include <string.h>

#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

const struct pp_limits pp_default_limits = {
    .max_line = 16 * 1024,
    .max_lines = 1024,
    .max_bytes = 1024 * 1024,
};

static void
reply_clear(struct pp_reply *r)
{
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	r->nlines = 0;
}

void
pp_init(struct pingpong *pp, const struct pp_limits *lim)
{
	memset(pp, 0, sizeof(*pp));
	pp->lim = lim ? *lim : pp_default_limits;
}

void
pp_free(struct pingpong *pp)
{
	reply_clear(&pp->reply);
	free(pp->reply.lines);
	free(pp->buf);
	memset(pp, 0, sizeof(*pp));
}

void
pp_expect(struct pingpong *pp, pp_endofresp endofresp, const char *tag)
{
	reply_clear(&pp->reply);
	pp->endofresp = endofresp;
	pp->rule_state = 0;
	pp->done = false;
	pp->tag[0] = '\0';
	if (tag) {
		size_t n = strlen(tag);

		if (n >= sizeof(pp->tag))
			n = sizeof(pp->tag) - 1;
		memcpy(pp->tag, tag, n);
		pp->tag[n] = '\0';
	}
}

int
pp_feed(struct pingpong *pp, const char *data, size_t n)
{
	if (n > pp->lim.max_bytes - pp->total ||
	    pp->total > pp->lim.max_bytes) {
		pp->error = "session byte limit exceeded";
		return -1;
	}
	if (n == 0)
		return 0; /* pp->buf may still be NULL: no memcpy(NULL, ...) */
	if (pp->len + n > pp->cap) {
		size_t ncap = pp->cap ? pp->cap : 4096;

		while (ncap < pp->len + n)
			ncap *= 2;
		pp->buf = xreallocarray(pp->buf, ncap, 1);
		pp->cap = ncap;
	}
	memcpy(pp->buf + pp->len, data, n);
	pp->len += n;
	pp->total += n;
	return 0;
}

static void
reply_push(struct pp_reply *r, const char *p, size_t len, bool bare_lf)
{
	struct pp_line *l;

	if (r->nlines == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->lines = xreallocarray(r->lines, r->cap, sizeof(*r->lines));
	}
	l = &r->lines[r->nlines++];
	l->text = xmalloc(len + 1);
	memcpy(l->text, p, len);
	l->text[len] = '\0';
	l->len = len;
	l->bare_lf = bare_lf;
	l->has_nul = memchr(p, '\0', len) != NULL;
	l->has_ctl = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t' && c != '\0') || c == 0x7f)
			l->has_ctl = true;
	}
}

int
pp_next(struct pingpong *pp, const struct pp_reply **reply_r)
{
	if (pp->done) {
		*reply_r = &pp->reply;
		return 1;
	}
	for (;;) {
		char *lf = pp->len ? memchr(pp->buf, '\n', pp->len) : NULL;
		size_t linelen, consumed;
		bool bare_lf, ends;
		size_t skip = 0;

		if (!lf) {
			/* a CR right at the cap may be the CR of a CRLF whose
			 * LF is still in flight: judge it when the LF comes */
			size_t room =
			    pp->lim.max_line +
			    (pp->len > 0 && pp->buf[pp->len - 1] == '\r');

			if (pp->len > room) {
				pp->error = "line too long";
				return -1;
			}
			return 0;
		}
		consumed = (size_t)(lf - pp->buf) + 1;
		linelen = consumed - 1;
		bare_lf = !(linelen > 0 && pp->buf[linelen - 1] == '\r');
		if (!bare_lf)
			linelen--;
		if (linelen > pp->lim.max_line) {
			pp->error = "line too long";
			return -1;
		}
		if (pp->reply.nlines >= pp->lim.max_lines) {
			pp->error = "too many lines in one reply";
			return -1;
		}
		ends = !pp->endofresp ||
		       pp->endofresp(pp, pp->buf, linelen, &skip);
		if (skip > linelen)
			skip = linelen;
		reply_push(&pp->reply, pp->buf + skip, linelen - skip, bare_lf);
		memmove(pp->buf, pp->buf + consumed, pp->len - consumed);
		pp->len -= consumed;
		if (ends) {
			pp->done = true;
			*reply_r = &pp->reply;
			return 1;
		}
	}
}

const struct pp_reply *
pp_partial(const struct pingpong *pp)
{
	return &pp->reply;
}

size_t
pp_pending(const struct pingpong *pp)
{
	return pp->len;
}

char *
pp_take_pending(struct pingpong *pp, size_t max)
{
	char *s;

	if (pp->len == 0)
		return NULL;
	s = escape_bytes(pp->buf, pp->len, max);
	pp->len = 0;
	return s;
}

char *
pp_line_escaped(const struct pp_line *l, size_t max)
{
	return escape_bytes(l->text, l->len, max);
}
