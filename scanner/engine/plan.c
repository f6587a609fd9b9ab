/* The follow-up planner: once a connection of an endpoint ended, which
 * connection it needs next (the probe's passes, then the TLS extras and
 * the audit hellos), or the TLS judgement when none is left. */
#include <string.h>

#include "probes/service.h"
#include "probes/checks/tls_checks.h"
#include "scanner/core/xalloc.h"
#include "scanner/engine/engine.h"
#include "scanner/tls/tlsaudit.h"

void
judge_tls(struct engine *e, struct endpoint_result *r)
{
	if (r->tls_judged)
		return;
	r->tls_judged = true;
	if (r->tls_audit)
		tls_audit_done(r->tls_audit);
	if (r->tls.handshake_done || r->tls_audit) {
		tls_checks_judge(r, r->tls_audit);
		tls_checks_judge_strict(r, r->tls_audit,
		                        e->opt->probe.strict_dh_bits);
	}
}

/* After the probe's own passes: the TLS audit, one hello per
 * connection, then the judgement. */
static void
plan_audit(struct engine *e, const struct job *job)
{
	struct endpoint_result *r = &e->results[job->idx];
	struct job next = *job;

	/* audit every endpoint where a handshake was tried: one that failed
	 * with the library may still speak SSLv3, export suites or
	 * compression, which only hand-built hellos can see */
	if (e->opt->tls_depth == TLS_DEPTH_OFF ||
	    !(r->tls.handshake_done || r->tls.error) ||
	    (r->status != EP_STATUS_OK && r->status != EP_STATUS_TLS_ERROR)) {
		judge_tls(e, r);
		return;
	}
	/* the default certificate, before the audit: one library
	 * handshake without SNI, when the name could have chosen another */
	if (!r->no_sni.tried && r->tls.handshake_done &&
	    r->tls.chain.ncerts > 0 && !r->endpoint.host_is_ip) {
		r->no_sni.tried = true;
		next.pass = PROBE_PASS_HELLO | PROBE_PASS_NO_SNI;
		next.not_before = 0;
		push_job(e, next);
		return;
	}
	/* the active extras, also before the audit: a renegotiation on a
	 * TLS 1.2 session, then early data with the main session's ticket */
	if (!e->opt->probe.passive && r->tls.handshake_done &&
	    !r->reneg.tried) {
		r->reneg.tried = true;
		next.pass = PROBE_PASS_HELLO | PROBE_PASS_RENEG;
		next.not_before = 0;
		push_job(e, next);
		return;
	}
	if (!e->opt->probe.passive && r->early.t.max_early_data > 0 &&
	    r->early.t.data && r->endpoint.service->probe->early_data &&
	    !r->early.tried) {
		r->early.tried = true;
		next.pass = PROBE_PASS_HELLO | PROBE_PASS_EARLY;
		next.not_before = 0;
		push_job(e, next);
		return;
	}
	if (!r->tls_audit) {
		r->tls_audit = xcalloc(1, sizeof(*r->tls_audit));
		tls_audit_init(
		    r->tls_audit, e->opt->tls_depth, e->opt->tls_budget,
		    r->tls.version && strcmp(r->tls.version, "TLS1.3") == 0
		        ? TLS_VERSION_1_3
		        : 0);
	}
	if (r->tls_audit->aborted) {
		judge_tls(e, r);
		return;
	}
	/* conn_start builds the hello, or judges when none is left */
	next.pass = PROBE_PASS_HELLO;
	next.not_before = 0;
	push_job(e, next);
}

/* What the endpoint needs next once a connection ended. */
void
plan_next(struct engine *e, const struct job *job)
{
	struct endpoint_result *r = &e->results[job->idx];
	const struct probe_module *pm = r->endpoint.service->probe;
	struct job next = *job;
	int pass;

	if (scan_was_interrupted()) {
		judge_tls(e, r);
		return;
	}
	if (job->pass == PROBE_PASS_MAIN) {
		if (r->status == EP_STATUS_REJECTED &&
		    job->tries < e->opt->retries) {
			/* throttled: back off, then ask again politely */
			next.tries++;
			next.not_before =
			    loop_now(e->loop) +
			    e->opt->retry_delay_s * (double)(1u << job->tries);
			push_job(e, next);
			return;
		}
		if (r->status == EP_STATUS_REJECTED)
			return; /* out of tries: leave the server alone */
	}
	pass = -1;
	if (!(job->pass & PROBE_PASS_HELLO) && pm->next_pass)
		pass = pm->next_pass(r, &e->opt->probe, job->pass);
	if (pass < 0) {
		plan_audit(e, job);
		return;
	}
	next.pass = pass;
	next.not_before = 0;
	push_job(e, next);
}
