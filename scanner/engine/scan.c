/* The scheduler of the connection engine: job queues, the global --rate,
 * per-address slots and the worker threads, one event loop each. One
 * connection is conn.c; what follows it is plan.c. */
#include "scanner/engine/scan.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "scanner/core/xalloc.h"
#include "scanner/engine/engine.h"
#include "scanner/engine/loop.h"

static volatile sig_atomic_t interrupted;

void
scan_interrupt(void)
{
	interrupted = 1;
}

bool
scan_was_interrupted(void)
{
	return interrupted != 0;
}

static void
endpoint_done(struct engine *e, size_t idx)
{
	if (!e->opt->endpoint_done)
		return;
	pthread_mutex_lock(&e->shared->done_lock);
	e->opt->endpoint_done(&e->results[idx], idx, e->opt->done_arg);
	pthread_mutex_unlock(&e->shared->done_lock);
}

void
release(struct engine *e, size_t idx)
{
	if (--e->pending[idx] == 0) {
		tls_pass_scratch_free(&e->scratch[idx]);
		endpoint_done(e, idx);
	}
}

/* Takes a token for one new connection; false (and the time a token is
 * due in *wake) when the rate says wait. */
static bool
rate_take(struct rate_limit *r, double now, double *wake)
{
	bool ok;

	if (r->per_second <= 0)
		return true;
	pthread_mutex_lock(&r->lock);
	r->tokens += (now - r->last) * r->per_second;
	/* a short burst is fine; a second's worth is the most */
	if (r->tokens > r->per_second)
		r->tokens = r->per_second;
	if (r->tokens < 0)
		r->tokens = 0;
	r->last = now;
	ok = r->tokens >= 1.0;
	if (ok)
		r->tokens -= 1.0;
	else
		*wake = now + (1.0 - r->tokens) / r->per_second;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

void
push_job(struct engine *e, struct job j)
{
	/* main passes (also retries after throttling) wait their turn;
	 * follow-ups of an endpoint already begun go first */
	struct job_queue *q =
	    j.pass == PROBE_PASS_MAIN ? &e->fresh : &e->urgent;
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->v = xreallocarray(q->v, q->cap, sizeof(*q->v));
	}
	q->v[q->n++] = j;
	e->pending[j.idx]++;
}

/* Starts what the caps allow from q, in order, skipping jobs whose
 * address is at its per-host limit or whose back-off has not passed.
 * Lowers *wake to the earliest time a waiting job could start. */
static void
schedule_queue(struct engine *e, struct job_queue *q, double now, double *wake)
{
	size_t keep = 0, i;

	for (i = 0; i < q->n; i++) {
		struct job j = q->v[i];

		if (e->active >= e->opt->concurrency)
			break; /* the rest keeps its place */
		if (j.not_before <= now &&
		    e->hosts[e->slot_of[j.idx]].active < e->opt->max_per_host) {
			double due = 0;

			if (rate_take(&e->shared->rate, now, &due)) {
				conn_start(e, j);
				continue;
			}
			if (*wake == 0 || due < *wake)
				*wake = due;
		}
		if (j.not_before > now && (*wake == 0 || j.not_before < *wake))
			*wake = j.not_before;
		q->v[keep++] = j;
	}
	if (i < q->n) /* an empty queue may have no array yet */
		memmove(q->v + keep, q->v + i, (q->n - i) * sizeof(*q->v));
	q->n = keep + (q->n - i);
}

/* Follow-ups first, then new endpoints. Returns the earliest time a job
 * held back by a back-off or the rate could start (0 if none). */
static double
schedule(struct engine *e)
{
	double now = loop_clock(), wake = 0;

	schedule_queue(e, &e->urgent, now, &wake);
	schedule_queue(e, &e->fresh, now, &wake);
	return wake;
}

static void
assign_host_slots(struct engine *e)
{
	e->hosts = xcalloc(e->n ? e->n : 1, sizeof(*e->hosts));
	e->slot_of = xcalloc(e->n ? e->n : 1, sizeof(*e->slot_of));
	for (size_t i = 0; i < e->n; i++) {
		const char *a = e->results[i].endpoint.address;
		size_t s;

		/* linear: fine for the few addresses of one scan; the fleet
		 * engine replaces this with a hash */
		for (s = 0; s < e->nhosts; s++)
			if (strcmp(e->hosts[s].address, a) == 0)
				break;
		if (s == e->nhosts)
			e->hosts[e->nhosts++].address = a;
		e->slot_of[i] = s;
	}
}

/* FNV-1a of the address: which thread owns an endpoint. */
static unsigned
address_hash(const char *a)
{
	unsigned h = 2166136261u;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	return h;
}

/* A signal asked us to stop: what is in flight or waiting ends now,
 * marked interrupted unless it already had a status of its own. */
static void
stop_all(struct engine *e)
{
	conn_stop_all(e);
	for (struct job_queue *q = &e->urgent; q;
	     q = q == &e->urgent ? &e->fresh : NULL) {
		for (size_t i = 0; i < q->n; i++) {
			struct endpoint_result *r = &e->results[q->v[i].idx];

			if (q->v[i].pass == PROBE_PASS_MAIN &&
			    r->status == EP_STATUS_OK && !r->status_detail) {
				r->status = EP_STATUS_INTERRUPTED;
				r->status_detail =
				    xstrdup("the scan was stopped before this "
				            "endpoint was started");
			}
			release(e, q->v[i].idx);
		}
		q->n = 0;
	}
}

struct worker {
	pthread_t thread;
	struct engine e;
	struct scan_options opt; /* this thread's share of the caps */
	unsigned index;
	unsigned nthreads;
	bool started; /* a thread of its own runs it */
};

static void *
run_engine(void *arg)
{
	struct worker *w = arg;
	struct engine *e = &w->e;

	e->loop = loop_new();
	for (size_t i = 0; i < e->n; i++) {
		struct endpoint_result *r = &e->results[i];

		if (address_hash(r->endpoint.address) % w->nthreads != w->index)
			continue;
		if (r->status != EP_STATUS_OK || !e->loop) {
			if (!e->loop) {
				r->status = EP_STATUS_INTERNAL;
				r->status_detail =
				    xstrdup("cannot create the event loop");
			}
			endpoint_done(e, i);
			continue;
		}
		push_job(e, (struct job){.idx = i});
	}
	if (!e->loop)
		return NULL;
	for (;;) {
		double wake, wait = 1.0;

		if (interrupted) {
			stop_all(e);
			break;
		}
		wake = schedule(e);
		if (e->active == 0 && e->urgent.n == 0 && e->fresh.n == 0)
			break;
		if (wake > 0 && wake - loop_clock() < wait)
			wait = wake - loop_clock();
		loop_run_once(e->loop, wait > 0 ? wait : 0);
	}
	loop_free(e->loop);
	return NULL;
}

void
scan_run(struct endpoint_result *results, size_t n,
         const struct scan_options *opt)
{
	unsigned nt = opt->threads ? opt->threads : 1;
	struct worker *w = xcalloc(nt, sizeof(*w));
	struct shared sh = {
	    .rate = {.per_second = opt->rate, .last = loop_clock()}};
	unsigned *pending = xcalloc(n ? n : 1, sizeof(*pending));
	struct tls_pass_scratch *scratch = xcalloc(n ? n : 1, sizeof(*scratch));

	pthread_mutex_init(&sh.rate.lock, NULL);
	pthread_mutex_init(&sh.done_lock, NULL);
	for (unsigned t = 0; t < nt; t++) {
		w[t].opt = *opt;
		/* each loop gets its share of the global cap */
		w[t].opt.concurrency =
		    opt->concurrency / nt + (t < opt->concurrency % nt ? 1 : 0);
		if (w[t].opt.concurrency == 0)
			w[t].opt.concurrency = 1;
		w[t].index = t;
		w[t].nthreads = nt;
		w[t].e = (struct engine){.opt = &w[t].opt,
		                         .shared = &sh,
		                         .results = results,
		                         .n = n,
		                         .pending = pending,
		                         .scratch = scratch};
		assign_host_slots(&w[t].e);
	}
	if (nt == 1) {
		run_engine(&w[0]);
	} else {
		for (unsigned t = 0; t < nt; t++) {
			w[t].started = pthread_create(&w[t].thread, NULL,
			                              run_engine, &w[t]) == 0;
			if (!w[t].started)
				run_engine(&w[t]); /* run it here instead */
		}
		for (unsigned t = 0; t < nt; t++)
			if (w[t].started)
				pthread_join(w[t].thread, NULL);
	}
	for (unsigned t = 0; t < nt; t++) {
		free(w[t].e.urgent.v);
		free(w[t].e.fresh.v);
		free(w[t].e.hosts);
		free(w[t].e.slot_of);
	}
	pthread_mutex_destroy(&sh.rate.lock);
	pthread_mutex_destroy(&sh.done_lock);
	free(pending);
	for (size_t i = 0; i < n; i++) /* released ones are empty already */
		tls_pass_scratch_free(&scratch[i]);
	free(scratch);
	free(w);
}
