/*
 * Turns target specs into endpoints: one per (address, port). Names are
 * resolved before the scan starts, so the event loop never blocks on DNS;
 * every A and AAAA address is an endpoint of its own. --resolve pins a
 * name to an address (curl's --resolve), for lab and CI setups.
 */
#ifndef MAILAUDIT_SCANNER_NET_RESOLVE_H
#define MAILAUDIT_SCANNER_NET_RESOLVE_H

#include <stddef.h>

#include "scanner/core/result.h"
#include "scanner/net/target.h"

struct resolve_pin {
	char *host;
	char *address;
};

/* Parses "HOST:ADDRESS" (IPv6 address allowed bare or in brackets).
 * Returns 0 or -1 with a reason in err. */
int resolve_pin_parse(const char *text, struct resolve_pin *out, char *err,
                      size_t errlen);

/* Endpoint results for every target, in target order, then port order.
 * Names are looked up in parallel batches (getaddrinfo_a) before the scan.
 * family restricts the addresses (AF_INET for -4, AF_INET6 for -6,
 * AF_UNSPEC for both). A name that does not resolve yields endpoints
 * with status unresolved. Duplicate (host, address, port) endpoints are
 * dropped. */
struct endpoint_result *resolve_targets(const struct target_spec *t, size_t nt,
                                        const struct resolve_pin *pins,
                                        size_t npins, int family, size_t *n_r);

#endif
