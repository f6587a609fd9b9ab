/*
 * Server identity checks per RFC 6125/RFC 9525 as RFC 7817 applies them
 * to IMAP and POP3: SAN dNSName entries, '*' only as the whole left-most
 * label, case-insensitive; the subject CN only when the certificate has no
 * dNSName SAN at all; IP-literal targets only against iPAddress SANs.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_HOSTNAME_H
#define MAILAUDIT_PROBES_CHECKS_HOSTNAME_H

#include <stdbool.h>

#include "scanner/core/result.h"

/* Does presented identifier pattern (a dNSName or CN) match host?
 * "*.example.com" matches "a.example.com" but not "example.com",
 * "a.b.example.com" or "*.com"-style public suffix-only patterns with
 * fewer than two labels after the wildcard; "f*.example.com" and
 * "*.*.example.com" never match. Trailing dots are ignored on both. */
bool hostname_pattern_matches(const char *pattern, const char *host);

enum hostname_verdict {
	HOSTNAME_OK_SAN, /* matched a SAN entry */
	HOSTNAME_OK_CN,  /* no dNSName SAN; matched the CN */
	HOSTNAME_MISMATCH,
};

/* Checks the leaf against the reference identity host (an IP literal when
 * host_is_ip; then only iPAddress SANs count, compared numerically). */
enum hostname_verdict hostname_check(const struct cert_facts *leaf,
                                     const char *host, bool host_is_ip);

#endif
