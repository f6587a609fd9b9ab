/*
 * IMAP server response lines (RFC 9051 §7, RFC 3501 §7): tagged and
 * untagged status responses, continuations, response codes and
 * capability lists. Pure functions over one line; no I/O.
 */
#ifndef MAILAUDIT_PROBES_IMAP_REPLY_H
#define MAILAUDIT_PROBES_IMAP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/strlist.h"
#include "scanner/engine/pingpong.h"

enum imap_kind {
	IMAP_UNTAGGED,     /* "* ..." */
	IMAP_TAGGED,       /* "tag ..." */
	IMAP_CONTINUATION, /* "+ ..." or "+" */
	IMAP_MALFORMED,
};

enum imap_cond {
	IMAP_COND_NONE, /* not a status response (e.g. "* CAPABILITY") */
	IMAP_COND_OK,
	IMAP_COND_NO,
	IMAP_COND_BAD,
	IMAP_COND_PREAUTH,
	IMAP_COND_BYE,
};

/* Views into the parsed line; valid while the line is. */
struct imap_line {
	enum imap_kind kind;
	const char *tag; /* tagged only */
	size_t tag_len;
	enum imap_cond cond;
	const char *code; /* response code without brackets, or NULL */
	size_t code_len;
	const char *text; /* human-readable text (after the code) */
	size_t text_len;
	const char *data; /* untagged non-status: all after "* " */
	size_t data_len;
};

/* Parses one line (without line end). Never fails: unrecognised input
 * gives kind IMAP_MALFORMED. */
void imap_parse_line(const char *line, size_t len, struct imap_line *out);

/* Appends the space-separated capability atoms of s to caps. */
void imap_parse_caps(const char *s, size_t len, struct strlist *caps);

/* If l is "* CAPABILITY ..." or a status response with a [CAPABILITY ...]
 * code, appends the atoms to caps and returns true. */
bool imap_line_caps(const struct imap_line *l, struct strlist *caps);

/* The end of a reply to a tagged command (pingpong's endofresp): untagged
 * lines until "<tag> ..." (the tag given to pp_expect) or a "+"
 * continuation. */
bool imap_end_tagged(struct pingpong *pp, const char *line, size_t len,
                     size_t *skip);
/* The end of the reply to a SASL "*" cancel: as imap_end_tagged, or a
 * status line without a tag ("BAD invalid command"), which nginx's mail
 * proxy sends there (issue #12). */
bool imap_end_cancel(struct pingpong *pp, const char *line, size_t len,
                     size_t *skip);

#endif
