/*
 * POP3 replies (RFC 1939 §3, RFC 2449 §5-§8): status lines with optional
 * extended response codes, the APOP timestamp in the greeting, and CAPA
 * lists. Pure functions; no I/O.
 */
#ifndef MAILAUDIT_PROBES_POP3_REPLY_H
#define MAILAUDIT_PROBES_POP3_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/engine/pingpong.h"
#include "scanner/core/strlist.h"

enum pop3_status {
	POP3_OK,
	POP3_ERR,
	POP3_MALFORMED,
};

struct pop3_line {
	enum pop3_status status;
	const char *code; /* extended response code ("IN-USE"), or NULL */
	size_t code_len;
	const char *text;
	size_t text_len;
};

/* Parses a status line ("+OK ...", "-ERR [SYS/TEMP] ..."),
 * case-insensitively as RFC 1939 servers are lenient in practice. */
void pop3_parse_line(const char *line, size_t len, struct pop3_line *out);

/* Finds the APOP timestamp "<...@...>" (RFC 1939 §7) in greeting text.
 * Returns true and sets *ts_r and *len_r to it (brackets included). */
bool pop3_apop_timestamp(const char *text, size_t len, const char **ts_r,
                         size_t *len_r);

/* Appends the capability lines of a CAPA reply (the lines between "+OK"
 * and "."), one string per line, to caps. */
void pop3_parse_capa(const struct pp_reply *r, struct strlist *caps);

/* Appends the mechanisms of the CAPA list's "SASL A B C" lines to out. */
void pop3_caps_sasl_mechs(const struct strlist *caps, struct strlist *out);

/* Does the CAPA list announce SASL mechanism mech ("SASL PLAIN LOGIN")? */
bool pop3_caps_has_sasl(const struct strlist *caps, const char *mech);

/* Does the CAPA list contain the capability name (first word) name? */
bool pop3_caps_has(const struct strlist *caps, const char *name);

/* The end of a multi-line reply (pingpong's endofresp, RFC 1939 §3):
 * "+OK" then lines up to "." with dot-stuffing undone; "-ERR" (or
 * anything but "+OK") alone. */
bool pop3_end_multi(struct pingpong *pp, const char *line, size_t len,
                    size_t *skip);

#endif
