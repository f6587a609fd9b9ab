/*
 * INFO-EXCHANGE-BACKEND-FQDN (checks.md §2.F): Exchange (Online) ends
 * its POP3/IMAP greeting with "[<base64>]", the UTF-16LE name of the
 * back-end server that took the connection. It is plain text, not a
 * response code (RFC 9051 §7.1: a code only directly follows "OK ").
 * Pure function; no I/O.
 */
#ifndef MAILAUDIT_PROBES_EXCHANGE_H
#define MAILAUDIT_PROBES_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest host name accepted (RFC 1035 presentation form, no final
 * dot); out needs one byte more. */
#define EXCHANGE_FQDN_MAX 253

/* Looks for a trailing "[<base64>]" in greeting: the whole greeting line
 * ("* OK ...", "+OK ...") or just its text; trailing spaces and line
 * ends are ignored. A bracket right after the status word ("* OK [",
 * "a1 OK [", "+OK [") is a response code and is not considered. The
 * base64 (padding optional, strict alphabet) must decode to UTF-16LE
 * that is a host name: ASCII letters, digits, '-' and '.', at least one
 * dot, no empty label, labels of at most 63 and a name of at most
 * EXCHANGE_FQDN_MAX characters.
 *
 * Returns true and writes the name (NUL-terminated) to out when found
 * and it fits in outlen; otherwise false with out set to "" (when
 * outlen > 0). */
bool exchange_backend_fqdn(const char *greeting, char *out, size_t outlen);

#endif
