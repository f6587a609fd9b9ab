/*
 * The DNS lookups of --external: TLSA at _PORT._tcp.HOST for every
 * endpoint of a named host, and the RFC 6186 SRV pair of each host and
 * protocol (_imap._tcp/_imaps._tcp, _pop3._tcp/_pop3s._tcp under the
 * scanned host name). libunbound validates DNSSEC itself; an AD bit from
 * the resolver is never trusted. All lookups run before the scan, up to
 * DNSCHECK_WINDOW at once, so a fleet does not wait on one query at a
 * time and the event loop never blocks on DNS.
 */
#ifndef MAILAUDIT_SCANNER_NET_DNSCHECK_H
#define MAILAUDIT_SCANNER_NET_DNSCHECK_H

#include <stddef.h>

#include "scanner/core/result.h"

#define DNSCHECK_WINDOW 256

/* Debian's dns-root-data: the anchor used without --dns-trust-anchor */
#define DNSCHECK_ROOT_KEY "/usr/share/dns/root.key"

struct dnscheck_options {
	const char *server;       /* unbound's "ADDR@PORT", or NULL: the
	                             servers of /etc/resolv.conf */
	const char *trust_anchor; /* DS/DNSKEY zone-file lines, or NULL:
	                             DNSCHECK_ROOT_KEY if installed */
	double timeout_s;         /* each question gets this long */
};

/* Parses --dns-server ADDR[:PORT] (IPv6 bare, or [ADDR]:PORT) into
 * unbound's "ADDR@PORT" (*out allocated). Returns 0, or -1 with a reason
 * in err. */
int dnscheck_server_parse(const char *text, char **out, char *err,
                          size_t errlen);

/* Looks up and attaches struct dns_facts to r[0..n) (endpoints whose host
 * is an IP address get none). A lookup that fails is recorded as such and
 * judged as "not known", never as a finding. Returns 0, or -1 with a
 * reason in err when the resolver cannot be set up at all (a bad trust
 * anchor file, say). */
int dnscheck_gather(struct endpoint_result *r, size_t n,
                    const struct dnscheck_options *o, char *err, size_t errlen);

#endif
