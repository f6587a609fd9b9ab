/*
 * Waivers (--waivers FILE): accepted risks that stop a finding from
 * failing the gate. The file is JSON, either an array of entries or an
 * object {"waivers": [...]}; each entry is
 *
 *   {"check": "CERT-SELF-SIGNED",              catalog id (required)
 *    "endpoint": "imap*://mail.example.org:*", glob (optional)
 *    "reason": "internal CA, ticket SEC-123",  text (required)
 *    "expires": "2025-06-30"}                  YYYY-MM-DD (required)
 *
 * The endpoint glob ('*' any run of characters, '?' one character,
 * everything else literal, case-insensitive) is matched against
 * "host:port" and "address:port", or, when it contains "://", against
 * "service://host:port" and "service://address:port" (IPv6 literals in
 * brackets). Without "endpoint" the waiver covers every endpoint. A
 * waiver applies up to and including its expiry date (UTC); after that it
 * stops waiving and the gate reports it as expired.
 */
#ifndef MAILAUDIT_SCANNER_GATE_WAIVERS_H
#define MAILAUDIT_SCANNER_GATE_WAIVERS_H

#include <stdbool.h>
#include <stddef.h>

struct check;
struct endpoint;

struct waiver {
	const struct check *check;
	char *endpoint;  /* glob, or NULL for every endpoint */
	char *reason;    /* printable ASCII (escaped on load) */
	char *expires;   /* "YYYY-MM-DD" as written */
	int expires_ymd; /* the same as YYYYMMDD */
	size_t index;    /* position in the file, from 0 */
};

struct waiver_list {
	char *file; /* the name it was loaded from */
	struct waiver *items;
	size_t n;
};

/*
 * Parses a waiver file held in memory; name is used in messages. Returns
 * 0, or -1 with one line in err: "NAME: entry [I]: PROBLEM" (I counts
 * from 0, as in the JSON array) or "NAME: PROBLEM". Unknown check ids,
 * unknown keys, a missing or empty reason, a missing or impossible expiry
 * date and a pattern that can match no endpoint are errors. On error
 * out is left empty.
 */
int waivers_parse(const char *text, size_t len, const char *name,
                  struct waiver_list *out, char *err, size_t errlen);

/* Reads and parses path (at most 16 MiB); as waivers_parse. */
int waivers_load(const char *path, struct waiver_list *out, char *err,
                 size_t errlen);

void waivers_free(struct waiver_list *l);

/* "YYYY-MM-DD" (a real calendar date, years 1970-9999) as YYYYMMDD, or
 * -1. */
int waiver_date_parse(const char *s);

/* The glob match described above. */
bool waiver_glob(const char *pattern, const char *s);

/* True when w names check c and its glob (if any) matches endpoint e. */
bool waiver_matches(const struct waiver *w, const struct check *c,
                    const struct endpoint *e);

/* True when today (YYYYMMDD) is after w's expiry date. */
bool waiver_is_expired(const struct waiver *w, int today);

/* The endpoint forms a glob is matched against, e.g. "mail.example.org:143"
 * or "imap://[2001:db8::1]:143" (url true). Caller frees. */
char *waiver_endpoint_string(const struct endpoint *e, bool url,
                             bool use_address);

#endif
