/*
 * Targets as the operator writes them, turned into endpoint specs.
 * Accepted forms: "host" and "[v6]" (all four standard services),
 * "host:port", "[v6]:port", a bare IPv6 literal "::1" (all four), and URLs
 * "imap://", "imaps://", "pop3://", "pop3s://" with optional ":port".
 */
#ifndef MAILAUDIT_SCANNER_NET_TARGET_H
#define MAILAUDIT_SCANNER_NET_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct service;

/* One (service, port) the target asks for. */
struct target_port {
	const struct service *service;
	uint16_t port;
};

struct target_spec {
	char *host;      /* without brackets; lower-cased if a name */
	bool host_is_ip; /* IPv4 or IPv6 literal */
	struct target_port ports[4];
	size_t nports; /* 4 for a bare host, else 1 */
};

/*
 * Parses one target. forced is the --service value (NULL if none); it
 * names the service for "host:port" forms and is an error together with a
 * URL of another scheme. A "host:port" whose port is not one of the four
 * standard ones needs a URL or --service.
 * Returns 0, or -1 with a one-line reason in err (never NULL on -1).
 * Host names are checked for length (253) and characters (letters,
 * digits, '-', '.', '_'); no user info, path, query or fragment is allowed
 * in URLs (a trailing '/' is tolerated).
 */
int target_parse(const char *text, const struct service *forced,
                 struct target_spec *out, char *err, size_t errlen);
void target_spec_free(struct target_spec *t);

/*
 * Reads targets from f, one per line. Blank lines and lines whose first
 * non-blank character is '#' are skipped; text after " #" is a comment;
 * leading/trailing white space is trimmed. For each target line calls
 * cb(line, lineno, arg); a non-zero return from cb stops reading and is
 * returned. Lines longer than 4096 bytes are an error. Returns 0 at EOF,
 * -1 on a read error or overlong line (with a reason in err), or cb's
 * non-zero value.
 */
int target_read_lines(FILE *f,
                      int (*cb)(const char *line, size_t lineno, void *arg),
                      void *arg, char *err, size_t errlen);

#endif
