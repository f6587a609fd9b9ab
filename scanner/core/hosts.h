/*
 * Grouping a report's endpoints by host name, the one copy every layer
 * shares: the judge (judge_hosts) and the streaming sink walk the groups
 * in their order, text, junit and html put them in their own (worst
 * first, first seen, ...) with their own comparator, registry.c counts
 * them for the summary. The host verdicts are not here: they are
 * scan_report.hosts, made by the judge.
 */
#ifndef MAILAUDIT_SCANNER_CORE_HOSTS_H
#define MAILAUDIT_SCANNER_CORE_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"

/* The endpoints of one host. */
struct host_group {
	const char *host;      /* endpoint.host; "" when it has none */
	const size_t *members; /* its result indexes, in result order */
	size_t n;              /* how many members: at least one */
	int worst;             /* worst severity over them, -1 if none */
	bool any_ok;           /* one of them is EP_STATUS_OK */
	bool any_unassessed;   /* one of them was not assessed */
};

/*
 * Groups rep's results by endpoint.host, in O(n log n). The groups come
 * in the order of each host's first endpoint, so members[0] orders them;
 * their members point into *members_r. Returns the number of groups;
 * *groups_r and *members_r (never NULL) are for the caller to free.
 */
size_t report_group_hosts(const struct scan_report *rep,
                          struct host_group **groups_r, size_t **members_r);

#endif
