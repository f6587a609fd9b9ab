/*
 * Groups a report's endpoints by host name for the reporters (see
 * scanner/core/hosts.h): sort (host, index) pairs, cut the runs, then put the
 * runs in the order of each host's first endpoint.
 */
#include "scanner/core/hosts.h"

#include <stdlib.h>
#include <string.h>

#include "scanner/core/xalloc.h"

/* An endpoint index with its host, for sorting without global state. */
struct host_ref {
	const char *host;
	size_t index;
};

static int
cmp_ref(const void *a, const void *b)
{
	const struct host_ref *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int
cmp_first(const void *a, const void *b)
{
	const struct host_group *x = a, *y = b;

	return x->members[0] < y->members[0] ? -1
	                                     : x->members[0] > y->members[0];
}

size_t
report_group_hosts(const struct scan_report *rep, struct host_group **groups_r,
                   size_t **members_r)
{
	size_t n = rep->nresults, ng = 0;
	struct host_ref *refs = xreallocarray(NULL, n ? n : 1, sizeof(*refs));
	size_t *members = xreallocarray(NULL, n ? n : 1, sizeof(*members));
	struct host_group *g = xcalloc(n ? n : 1, sizeof(*g));

	for (size_t i = 0; i < n; i++) {
		const char *h = rep->results[i].endpoint.host;

		refs[i].host = h ? h : "";
		refs[i].index = i;
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 0; i < n; i++) {
		const struct endpoint_result *r = &rep->results[refs[i].index];
		struct host_group *cur;
		int w = result_worst_severity(r);

		members[i] = refs[i].index;
		if (i == 0 || strcmp(refs[i - 1].host, refs[i].host) != 0) {
			g[ng].host = refs[i].host;
			g[ng].members = &members[i];
			g[ng].worst = -1;
			ng++;
		}
		cur = &g[ng - 1];
		cur->n++;
		if (w > cur->worst)
			cur->worst = w;
		cur->any_ok = cur->any_ok || r->status == EP_STATUS_OK;
		cur->any_unassessed = cur->any_unassessed ||
		                      endpoint_status_is_unassessed(r->status);
	}
	free(refs);
	qsort(g, ng, sizeof(*g), cmp_first);
	*groups_r = g;
	*members_r = members;
	return ng;
}
