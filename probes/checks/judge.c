/*
 * The judgement stage: which checks run on a finished endpoint and on a
 * finished host, in the order the findings were always added (CERT-*
 * before TLS-*, each family's profile floor after it, so merged evidence
 * reads the same).
 */
#include "probes/checks/judge.h"

#include "probes/checks/cert_checks.h"
#include "probes/checks/host_checks.h"
#include "probes/checks/host_verdict.h"
#include "probes/checks/tls_checks.h"
#include "scanner/core/hosts.h"
#include "scanner/core/xalloc.h"

void
judge_endpoint(struct endpoint_result *r, const struct judge_policy *p)
{
	/* the certificate is the main handshake's; a saved report's
	 * findings hold the catalog's judgement already */
	if (p->saved || r->tls.handshake_done) {
		if (!p->saved)
			cert_checks_judge(r, p->now ? p->now : time(NULL));
		cert_checks_judge_strict(r, p->strict_key_bits);
	}
	/* the audit's answers count only once its connections ended */
	if (p->saved ||
	    (r->tls_passes_done && (r->tls.handshake_done || r->tls_audit))) {
		if (!p->saved)
			tls_checks_judge(r, r->tls_audit);
		tls_checks_judge_strict(r, r->tls_audit, p->strict_dh_bits);
	}
}

void
judge_host(struct endpoint_result *members, size_t n,
           const struct judge_policy *p, struct host_record *h)
{
	if (!p->saved)
		host_checks_judge(members, n);
	host_verdict_judge(h, members, n);
}

void
judge_hosts(struct scan_report *rep, const struct judge_policy *p)
{
	struct host_group *groups;
	struct endpoint_result *tmp;
	size_t *members, ngroups;

	if (rep->nresults == 0)
		return;
	ngroups = report_group_hosts(rep, &groups, &members);
	/* a host's endpoints side by side, judged on copies and put back:
	 * the findings they gain stay with them */
	tmp = xcalloc(rep->nresults, sizeof(*tmp));
	for (size_t g = 0; g < ngroups; g++) {
		const struct host_group *hg = &groups[g];
		const char *host = rep->results[hg->members[0]].endpoint.host;

		for (size_t j = 0; j < hg->n; j++)
			tmp[j] = rep->results[hg->members[j]];
		judge_host(tmp, hg->n, p, scan_report_add_host(rep, host));
		for (size_t j = 0; j < hg->n; j++)
			rep->results[hg->members[j]] = tmp[j];
	}
	free(tmp);
	free(groups);
	free(members);
}
