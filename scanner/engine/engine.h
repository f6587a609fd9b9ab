/*
 * Inside the connection engine: the scheduler (scan.c), one connection
 * (conn.c) and the follow-up planner (plan.c) share these types. The
 * special TLS handshakes are rows of scanner/tls/passes.h. Nothing outside
 * scanner/engine/ includes it.
 */
#ifndef MAILAUDIT_SCANNER_ENGINE_ENGINE_H
#define MAILAUDIT_SCANNER_ENGINE_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/engine/loop.h"
#include "scanner/engine/scan.h"
#include "scanner/engine/session.h"
#include "scanner/tls/tls.h"
#include "scanner/tls/passes.h"

enum conn_state {
	CONN_CONNECTING,
	CONN_HANDSHAKE,
	CONN_PASS, /* after the preamble, a TLS pass row drives the fd */
	CONN_ACTIVE,
	CONN_DONE,
};

struct engine;

/* One connection to make: an endpoint's pass, not before a time. */
struct job {
	size_t idx;
	int pass;                        /* what the probe is told */
	const struct tls_pass *tls_pass; /* an engine-owned TLS pass, or NULL */
	unsigned tries; /* of the main pass, for throttling back-off */
	double not_before;
};

struct conn {
	struct engine *eng;
	struct endpoint_result *res;
	struct job job;
	struct tls_facts scratch_tls; /* TLS facts of follow-up passes */
	struct conn *prev, *next;     /* the engine's live connections */
	struct tls_pass_run run;      /* job.tls_pass's connection */
	size_t host_slot;
	int fd;
	enum conn_state state;
	struct tls_conn *tls;
	struct session sess;
	bool session_live;
	struct loop_timer timer;
	double phase_deadline;
	double phase_started;
	double budget_deadline;
	unsigned seen_phase;
	double started;
};

struct host_slot {
	const char *address;
	size_t active;
};

/* The global --rate, shared by the threads. */
struct rate_limit {
	pthread_mutex_t lock;
	double per_second;
	double tokens;
	double last;
};

/* Serialises the endpoint_done callback across threads. */
struct shared {
	struct rate_limit rate;
	pthread_mutex_t done_lock;
};

struct job_queue {
	struct job *v;
	size_t n;
	size_t cap;
};

struct engine {
	struct loop *loop;
	const struct scan_options *opt;
	struct shared *shared;
	struct endpoint_result *results;
	size_t n;
	unsigned *pending; /* jobs queued + connections live, per index */
	struct tls_pass_scratch *scratch; /* the TLS pass rows', per index */
	/* waiting to start, in order: follow-up passes of endpoints already
	 * begun go first, so endpoints finish (and their reports can be
	 * written and their details freed) before new ones start */
	struct job_queue urgent, fresh;
	size_t active;
	struct host_slot *hosts;
	size_t nhosts;
	size_t *slot_of;   /* result index -> host slot */
	struct conn *live; /* every connection in flight */
};

/* scan.c: the scheduler */
void push_job(struct engine *e, struct job j);
/* One less thing outstanding for idx; reports it done at zero. */
void release(struct engine *e, size_t idx);

/* plan.c: what an endpoint needs next */
/* No TLS connection is left for r: its TLS answers are complete, and
 * the TLS judgement (probes/checks/judge.c) may read them. */
void end_tls_passes(struct endpoint_result *r);
void plan_next(struct engine *e, const struct job *job);

/* conn.c: one connection */
void conn_start(struct engine *e, struct job job);
/* Ends every live connection (a signal asked us to stop). */
void conn_stop_all(struct engine *e);

#endif
