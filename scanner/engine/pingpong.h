/*
 * The shared line-protocol engine for the mail protocols (curl's
 * pingpong): bytes in, whole replies out. It owns the receive buffer,
 * splits lines on LF (CRLF or bare LF) and enforces the caps on line
 * length, lines per reply and bytes per session. When a reply ends is
 * the protocol's business: it hands in an end-of-reply rule with each
 * expectation (curl's endofresp). It never consumes bytes beyond the end of the
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

struct pingpong;

/* A protocol's end-of-reply rule, called for each complete line as
 * received (line end excluded). Returns true when the line ends the
 * reply. It may set *skip to a number of leading bytes to drop before
 * the line is stored (POP3 dot-stuffing), and keep what it learnt about
 * the reply so far in pp->rule_state (zeroed by pp_expect). NULL as a
 * rule: every line is a reply of its own. */
typedef bool (*pp_endofresp)(struct pingpong *pp, const char *line, size_t len,
                             size_t *skip);

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
	pp_endofresp endofresp;
	char tag[32];          /* the rule's argument (a command tag) */
	unsigned rule_state;   /* the rule's memory within one reply */
	struct pp_reply reply; /* the reply being assembled */
	bool done;             /* reply complete; next pp_expect resets */
	const char *error;     /* static text describing the last -1 */
};

void pp_init(struct pingpong *pp, const struct pp_limits *lim);
void pp_free(struct pingpong *pp);

/* Sets how the next reply ends and forgets the previous reply. tag (may
 * be NULL) is copied for the rule to read. Buffered bytes stay. */
void pp_expect(struct pingpong *pp, pp_endofresp endofresp, const char *tag);

/* Appends n received bytes. Returns 0, or -1 when the session byte cap
 * is exceeded (pp->error says so; nothing is appended). */
int pp_feed(struct pingpong *pp, const char *data, size_t n);

/* Consumes buffered lines for the current expectation. Returns 1 when the
 * reply is complete (*reply_r stays valid until the next pp_expect or
 * pp_free), 0 when more bytes are needed, -1 on a violated cap
 * (pp->error). With no rule any complete line is returned as a one-line
 * reply. */
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
