/*
 * The shared line-protocol engine for IMAP and POP3 (curl's pingpong):
 * bytes in, whole replies out. It owns the receive buffer, splits lines
 * on LF (CRLF or bare LF), enforces the caps on line length, lines per
 * reply and bytes per session, and knows when a reply ends for the
 * current expectation. It never consumes bytes beyond the end of the
 * reply, so what follows a STARTTLS OK stays visible (pp_take_pending)
 * and never reaches TLS or the parser after the upgrade.
 *
 * Input may arrive split at any byte: feeding the same bytes in any
 * chunking yields the same replies.
 */
#ifndef MAILAUDIT_SCANNER_ENGINE_PINGPONG_H
#define MAILAUDIT_SCANNER_ENGINE_PINGPONG_H

#include <stdbool.h>
#include <stddef.h>

enum pp_expect {
	PP_EXPECT_NONE,        /* nothing expected: any line is unsolicited */
	PP_EXPECT_LINE,        /* exactly one line (greetings, POP3 replies) */
	PP_EXPECT_IMAP_TAGGED, /* untagged lines until "<tag> ..." or "+" */
	PP_EXPECT_POP3_MULTI,  /* "+OK" then lines up to "."; "-ERR" alone */
};

struct pp_line {
	char *text;   /* NUL-terminated copy; may hold embedded NULs */
	size_t len;   /* length without the line end */
	bool bare_lf; /* ended in LF without CR */
	bool has_nul; /* contains a NUL byte */
	bool has_ctl; /* contains other control bytes (not TAB) */
};

struct pp_reply {
	struct pp_line *lines; /* the last one ends the reply */
	size_t nlines;
	size_t cap;
};

struct pp_limits {
	size_t max_line;  /* bytes in one line, line end excluded */
	size_t max_lines; /* lines in one reply */
	size_t max_bytes; /* bytes received over the whole session */
};

/* Sensible caps for probe conversations. */
extern const struct pp_limits pp_default_limits;

struct pingpong {
	struct pp_limits lim;
	char *buf; /* received, not yet consumed */
	size_t len;
	size_t cap;
	size_t total; /* bytes accepted over the session */
	enum pp_expect expect;
	char tag[32];
	struct pp_reply reply; /* the reply being assembled */
	bool pop3_in_body;     /* after the +OK of a multi-line reply */
	bool done;             /* reply complete; next pp_expect resets */
	const char *error;     /* static text describing the last -1 */
};

void pp_init(struct pingpong *pp, const struct pp_limits *lim);
void pp_free(struct pingpong *pp);

/* Sets what the next reply looks like and forgets the previous reply.
 * tag is used with PP_EXPECT_IMAP_TAGGED only. Buffered bytes stay. */
void pp_expect(struct pingpong *pp, enum pp_expect e, const char *tag);

/* Appends n received bytes. Returns 0, or -1 when the session byte cap
 * is exceeded (pp->error says so; nothing is appended). */
int pp_feed(struct pingpong *pp, const char *data, size_t n);

/* Consumes buffered lines for the current expectation. Returns 1 when the
 * reply is complete (*reply_r stays valid until the next pp_expect or
 * pp_free), 0 when more bytes are needed, -1 on a violated cap
 * (pp->error). With PP_EXPECT_NONE any complete line is returned as a
 * one-line reply. */
int pp_next(struct pingpong *pp, const struct pp_reply **reply_r);

/* The lines of an unfinished reply (for evidence when the peer closes). */
const struct pp_reply *pp_partial(const struct pingpong *pp);

/* Bytes received but not consumed by any reply. */
size_t pp_pending(const struct pingpong *pp);

/* Drops the pending bytes, returning up to max of them escaped for
 * evidence (NULL when there were none). Caller frees. */
char *pp_take_pending(struct pingpong *pp, size_t max);

/* Escapes a line for evidence (bounded). Caller frees. */
char *pp_line_escaped(const struct pp_line *l, size_t max);

#endif
