/*
 * The IMAP ID response (RFC 2971 §3.2): "* ID NIL" or "* ID (" field/
 * value pairs ")", each field a string, each value a string or NIL,
 * strings quoted (RFC 9051 quoted-specials \" and \\) or literals {n}.
 * Used by the INFO-IMAP-ID-DISCLOSURE check (checks.md P11).
 * Pure functions over reply lines; no I/O.
 */
#ifndef MAILAUDIT_PROBES_IMAP_ID_H
#define MAILAUDIT_PROBES_IMAP_ID_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/engine/pingpong.h"

/* Bytes of one ID response, literals and the line ends between them
 * included, and the largest literal count accepted. */
#define IMAP_ID_MAX_BYTES (64 * 1024)
/* Pairs accepted (RFC 2971 allows 30; some room for sloppy servers). */
#define IMAP_ID_MAX_PAIRS 64
/* Characters kept of an escaped field / value ("...[+N bytes]" marker
 * included). */
#define IMAP_ID_FIELD_MAX 64
#define IMAP_ID_VALUE_MAX 256

struct imap_id_pair {
	char *field; /* escaped printable (escape_bytes) */
	char *value; /* escaped printable, or NULL for NIL */
};

struct imap_id {
	bool nil; /* "* ID NIL" */
	struct imap_id_pair *pairs;
	size_t npairs;
};

enum imap_id_status {
	IMAP_ID_MALFORMED = -1, /* an ID response that breaks the syntax */
	IMAP_ID_PARSED = 0,     /* *id_r filled in */
	IMAP_ID_ABSENT = 1,     /* no "* ID" line in the reply */
};

/* Finds the first untagged "* ID " line in reply (the lines the engine
 * collected for the ID command) and parses it. A literal "{n}" must end
 * its line; its n octets are the following lines joined by the line end
 * the engine removed (CRLF, or LF for a bare_lf line), and parsing goes
 * on right after them. Counts above IMAP_ID_MAX_BYTES, a literal that
 * ends inside a line end or runs past the reply, non-synchronising
 * "{n+}", unknown quoted escapes, an unterminated quote, atoms where
 * strings belong, NIL as a field, more than IMAP_ID_MAX_PAIRS pairs, an
 * odd number of list items and text after ")" are all malformed.
 * Keywords (ID, NIL) are case-insensitive; runs of spaces are tolerated.
 *
 * On IMAP_ID_PARSED, *id_r owns its strings (imap_id_free); on the other
 * results it is left empty. */
enum imap_id_status imap_id_parse(const struct pp_reply *reply,
                                  struct imap_id *id_r);

/* Frees the pairs and empties id. */
void imap_id_free(struct imap_id *id);

/* True if any of version, os, os-version, vendor, date, command,
 * arguments, environment, support-url (case-insensitive) has a non-NIL,
 * non-empty value; "name" alone is no disclosure. evidence (n bytes,
 * NUL-terminated, cut with "..." when too small; may be NULL) lists the
 * disclosing pairs in response order: version "2.3.19.1"; os "Linux". */
bool imap_id_discloses(const struct imap_id *id, char *evidence, size_t n);

#endif
