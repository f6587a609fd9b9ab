/* The follow-up planner: once a connection of an endpoint ended, which
 * connection it needs next (the probe's passes, then the TLS extras and
 * the audit hellos), or the end of its TLS connections when none is
 * left. */
#include "probes/service.h"
#include "scanner/engine/engine.h"
#include "scanner/tls/tlsaudit.h"

void
end_tls_passes(struct endpoint_result *r)
{
	r->tls_passes_done = true;
}

/* After the probe's own passes: the TLS pass rows (scanner/tls/passes.h),
 * one connection at a time, then the end of its TLS connections. */
static void
plan_audit(struct engine *e, const struct job *job)
{
	struct endpoint_result *r = &e->results[job->idx];
	struct job next = *job;
	struct tls_pass_opts o = {.depth = e->opt->tls_depth,
	                          .budget = e->opt->tls_budget,
	                          .passive = e->opt->probe.passive};

	/* audit every endpoint where a handshake was tried: one that failed
	 * with the library may still speak SSLv3, export suites or
	 * compression, which only hand-built hellos can see */
	if (e->opt->tls_depth == TLS_DEPTH_OFF ||
	    !(r->tls.handshake_done || r->tls.error) ||
	    (r->status != EP_STATUS_OK && r->status != EP_STATUS_TLS_ERROR)) {
		end_tls_passes(r);
		return;
	}
	/* the rows in order: the default certificate and the active extras
	 * before the audit hellos; none left ends them */
	for (const struct tls_pass *const *p = tls_passes; *p; p++) {
		struct tls_pass_scratch *s = &e->scratch[job->idx];

		if (!(*p)->wanted(r, s, &o))
			continue;
		next.pass = PROBE_PASS_PREAMBLE;
		next.tls_pass = *p;
		/* the server hands pipelined bytes to TLS: the hello goes
		 * with the STARTTLS, a round trip sooner */
		if (s->pipelines && (*p)->first_flight)
			next.pass |= PROBE_PASS_CARRY;
		next.not_before = 0;
		push_job(e, next);
		return;
	}
	end_tls_passes(r);
}

/* The probe's pass on a fresh connection; an injection test carries an
 * audit hello where it can (issue #13), which saves the hello its own
 * connection. */
static void
push_probe_pass(struct engine *e, struct job next, int pass)
{
	struct endpoint_result *r = &e->results[next.idx];
	const struct probe_module *pm = r->endpoint.service->probe;
	struct tls_pass_opts o = {.depth = e->opt->tls_depth,
	                          .budget = e->opt->tls_budget,
	                          .passive = e->opt->probe.passive};

	next.pass = pass;
	next.tls_pass = NULL;
	next.not_before = 0;
	if (pm->carries_hello && pm->carries_hello(r, pass))
		next.tls_pass = tls_pass_carrier(r, &e->scratch[next.idx], &o);
	if (next.tls_pass)
		next.pass = pass | PROBE_PASS_PREAMBLE | PROBE_PASS_CARRY;
	push_job(e, next);
}

/* A carrier ended: a TLS answer passed its pass's test, and the probe
 * plans on as after that pass; without one the pass runs itself, and
 * the endpoint's later tests carry nothing. */
static void
plan_after_carrier(struct engine *e, const struct job *job)
{
	struct endpoint_result *r = &e->results[job->idx];
	const struct probe_module *pm = r->endpoint.service->probe;
	struct tls_pass_scratch *s = &e->scratch[job->idx];
	int done = PROBE_PASS_NUMBER(job->pass);
	int pass;

	if (done == 0) {
		plan_audit(e, job); /* a pipelined audit hello, no test */
		return;
	}
	if (!s->carried) {
		s->no_carry = true;
		push_probe_pass(e, *job, done);
		return;
	}
	s->pipelines = true;
	pass = pm->next_pass(r, &e->opt->probe, done);
	if (pass < 0)
		plan_audit(e, job);
	else
		push_probe_pass(e, *job, pass);
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
		end_tls_passes(r);
		return;
	}
	if (job->pass & PROBE_PASS_CARRY) {
		plan_after_carrier(e, job);
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
	if (!job->tls_pass && pm->next_pass)
		pass = pm->next_pass(r, &e->opt->probe, job->pass);
	if (pass < 0) {
		plan_audit(e, job);
		return;
	}
	push_probe_pass(e, next, pass);
}
