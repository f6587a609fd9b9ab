/* Connection engine: sockets, TLS and deadlines around sessions. */
#include "scanner/engine/scan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/engine/loop.h"
#include "scanner/engine/session.h"
#include "scanner/tls/tls.h"
#include "scanner/tls/tlsaudit.h"
#include "scanner/tls/tlshello.h"
#include "scanner/core/xalloc.h"

#define READ_CHUNK 4096

/* Passes that make a library handshake after the preamble instead of
 * sending a hand-built ClientHello. */
#define LIBRARY_PASSES (PROBE_PASS_NO_SNI | PROBE_PASS_RENEG | PROBE_PASS_EARLY)

enum conn_state {
	CONN_CONNECTING,
	CONN_HANDSHAKE,
	CONN_HELLO, /* TLS audit: raw ClientHello out, first flight in */
	CONN_RENEG, /* TLS 1.2 session up: renegotiation in progress */
	CONN_ACTIVE,
	CONN_DONE,
};

/* One audit question in flight on a connection. */
struct hello_io {
	uint8_t out[2048];
	size_t len;
	size_t sent;
	bool answered;
	struct tlshello_parser parser;
};

struct engine;

/* One connection to make: an endpoint's pass, not before a time. */
struct job {
	size_t idx;
	int pass;
	unsigned tries; /* of the main pass, for throttling back-off */
	double not_before;
};

struct conn {
	struct engine *eng;
	struct endpoint_result *res;
	struct job job;
	struct tls_facts scratch_tls; /* TLS facts of follow-up passes */
	struct hello_io *hello;       /* TLS audit passes only */
	struct conn *prev, *next;     /* the engine's live connections */
	enum conn_state state_before_done;
	const char *hello_why; /* why a hello got no answer */
	size_t host_slot;
	int fd;
	enum conn_state state;
	struct tls_conn *tls;
	struct session sess;
	bool session_live;
	struct loop_timer timer;
	double phase_deadline;
	double budget_deadline;
	unsigned seen_phase;
	double started;
	bool reneg_started; /* the new ClientHello is on its way */
	bool greeting_read; /* implicit TLS: application data came first */
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

static void conn_pump(struct conn *c);

static void
endpoint_done(struct engine *e, size_t idx)
{
	if (!e->opt->endpoint_done)
		return;
	pthread_mutex_lock(&e->shared->done_lock);
	e->opt->endpoint_done(&e->results[idx], idx, e->opt->done_arg);
	pthread_mutex_unlock(&e->shared->done_lock);
}

/* One less thing outstanding for idx; reports it done at zero. */
static void
release(struct engine *e, size_t idx)
{
	if (--e->pending[idx] == 0)
		endpoint_done(e, idx);
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

static void
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

static struct tls_facts *
conn_tls_facts(struct conn *c)
{
	return c->job.pass == PROBE_PASS_MAIN ? &c->res->tls : &c->scratch_tls;
}

/* No more TLS connections for r: the audit keeps only its answers, and
 * the TLS judgement (probes/checks/judge.c) may read them. */
static void
end_tls_passes(struct endpoint_result *r)
{
	if (r->tls_passes_done)
		return;
	r->tls_passes_done = true;
	if (r->tls_audit)
		tls_audit_done(r->tls_audit);
}

/* After the probe's own passes: the TLS audit, one hello per
 * connection, then the end of its TLS passes. */
static void
plan_audit(struct engine *e, const struct conn *c)
{
	struct endpoint_result *r = c->res;
	struct job next = c->job;

	/* audit every endpoint where a handshake was tried: one that failed
	 * with the library may still speak SSLv3, export suites or
	 * compression, which only hand-built hellos can see */
	if (e->opt->tls_depth == TLS_DEPTH_OFF ||
	    !(r->tls.handshake_done || r->tls.error) ||
	    (r->status != EP_STATUS_OK && r->status != EP_STATUS_TLS_ERROR)) {
		end_tls_passes(r);
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
		end_tls_passes(r);
		return;
	}
	/* conn_start builds the hello, or ends the passes when none is left */
	next.pass = PROBE_PASS_HELLO;
	next.not_before = 0;
	push_job(e, next);
}

/* What the endpoint needs next once a connection ended. */
static void
plan_next(struct engine *e, const struct conn *c)
{
	const struct endpoint_result *r = c->res;
	const struct probe_module *pm = r->endpoint.service->probe;
	struct job next = c->job;
	int pass;

	if (interrupted) {
		end_tls_passes(c->res);
		return;
	}
	if (c->job.pass == PROBE_PASS_MAIN) {
		if (r->status == EP_STATUS_REJECTED &&
		    c->job.tries < e->opt->retries) {
			/* throttled: back off, then ask again politely */
			next.tries++;
			next.not_before = loop_now(e->loop) +
			                  e->opt->retry_delay_s *
			                      (double)(1u << c->job.tries);
			push_job(e, next);
			return;
		}
		if (r->status == EP_STATUS_REJECTED)
			return; /* out of tries: leave the server alone */
	}
	pass = -1;
	if (!(c->job.pass & PROBE_PASS_HELLO) && pm->next_pass)
		pass = pm->next_pass(r, &e->opt->probe, c->job.pass);
	if (pass < 0) {
		plan_audit(e, c);
		return;
	}
	next.pass = pass;
	next.not_before = 0;
	push_job(e, next);
}

static void
conn_arm(struct conn *c)
{
	double d = c->phase_deadline < c->budget_deadline ? c->phase_deadline
	                                                  : c->budget_deadline;

	loop_timer_arm(c->eng->loop, &c->timer, d);
}

/* A new phase starts: a fresh deadline for it. */
static void
conn_new_phase(struct conn *c)
{
	double wait = c->sess.quiet_wait > 0 ? c->sess.quiet_wait
	                                     : c->eng->opt->timeout_s;

	c->phase_deadline = loop_now(c->eng->loop) + wait;
	conn_arm(c);
}

/* The main connection is over: its TLS 1.3 ticket, if the server sent
 * one while the probe read, is what the early-data pass resumes. */
static void
keep_ticket(struct conn *c)
{
	struct early_data_facts *ed = &c->res->early;

	if (c->eng->opt->tls_depth == TLS_DEPTH_OFF ||
	    !c->res->tls.handshake_done || !c->res->tls.version ||
	    strcmp(c->res->tls.version, "TLS1.3") != 0 || ed->checked)
		return;
	ed->checked = true;
	ed->ticket = tls_conn_ticket(c->tls, &ed->t);
	ed->max_early_data = ed->t.max_early_data;
}

/* Sets the renegotiation verdict unless one is set. */
static void
reneg_decide(struct conn *c, enum reneg_outcome how, const char *why)
{
	struct reneg_facts *g = &c->res->reneg;

	if (g->decided)
		return;
	g->decided = true;
	g->outcome = how;
	g->detail = escape_printable(why, 256);
}

/* The renegotiation connection ended without a verdict of its own. */
static void
reneg_ended(struct conn *c)
{
	switch (c->state_before_done) {
	case CONN_RENEG:
		/* waiting for a server that ignores the ClientHello is
		 * bounded by --timeout: silence is a refusal too */
		if (c->reneg_started)
			reneg_decide(c, RENEG_REFUSED,
			             "no answer to the new ClientHello within "
			             "the timeout");
		else
			reneg_decide(c, RENEG_NOT_ASSESSED,
			             "no greeting within the timeout");
		break;
	case CONN_HANDSHAKE:
		reneg_decide(c, RENEG_NOT_ASSESSED,
		             "no TLS 1.2 handshake within the timeout");
		break;
	default:
		reneg_decide(c, RENEG_NOT_ASSESSED,
		             "the connection ended before the handshake");
		break;
	}
}

static void
conn_finish(struct conn *c)
{
	struct engine *e = c->eng;
	struct timespec end;

	if (c->state == CONN_DONE)
		return;
	c->state_before_done = c->state;
	c->state = CONN_DONE;
	loop_timer_disarm(e->loop, &c->timer);
	if (c->fd >= 0) {
		loop_unwatch(e->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	if (c->session_live) {
		/* the probe's finish() frees its state, whatever ended us */
		session_io_error(&c->sess, "connection ended");
		session_free(&c->sess);
	}
	if (c->job.pass == PROBE_PASS_MAIN && c->tls)
		keep_ticket(c);
	tls_conn_free(c->tls);
	c->tls = NULL;
	tls_facts_free(&c->scratch_tls);
	if (c->hello && !c->hello->answered && c->res->tls_audit) {
		/* the preamble failed, or the peer went away silently */
		if (c->state_before_done == CONN_HELLO)
			tls_audit_answer(c->res->tls_audit, NULL,
			                 c->hello_why ? c->hello_why
			                              : "connection closed");
		else
			tls_audit_abort(c->res->tls_audit,
			                "the STARTTLS preamble failed");
	}
	if ((c->job.pass & PROBE_PASS_NO_SNI) && !c->res->no_sni.done &&
	    !c->res->no_sni.error)
		c->res->no_sni.error =
		    xstrdup(c->state_before_done == CONN_HANDSHAKE
		                ? "no TLS handshake within the timeout"
		                : "the connection ended before the handshake");
	if (c->job.pass & PROBE_PASS_RENEG)
		reneg_ended(c);
	if (c->job.pass & PROBE_PASS_EARLY)
		tls_ticket_free(&c->res->early.t); /* used up */
	if ((c->job.pass & PROBE_PASS_EARLY) && !c->res->early.resumed &&
	    !c->res->early.error)
		c->res->early.error =
		    xstrdup(c->state_before_done == CONN_HANDSHAKE
		                ? "no TLS handshake within the timeout"
		                : "the connection ended before the handshake");
	free(c->hello);
	clock_gettime(CLOCK_REALTIME, &end);
	c->res->duration_s += loop_clock() - c->started;
	e->hosts[c->host_slot].active--;
	e->active--;
	if (c->prev)
		c->prev->next = c->next;
	else
		e->live = c->next;
	if (c->next)
		c->next->prev = c->prev;
	plan_next(e, c);
	release(e, c->job.idx);
	free(c);
}

static void
conn_set_status(struct conn *c, enum endpoint_status st, const char *detail)
{
	c->res->status = st;
	free(c->res->status_detail);
	c->res->status_detail = xstrdup(detail);
}

static void
on_timer(void *arg)
{
	struct conn *c = arg;

	if (c->state == CONN_CONNECTING) {
		conn_set_status(c, EP_STATUS_FILTERED,
		                "no answer to the TCP connect within the "
		                "timeout");
		conn_finish(c);
		return;
	}
	if (c->state == CONN_HANDSHAKE && !c->sess.started) {
		/* implicit TLS, handshake never completed */
		free(conn_tls_facts(c)->error);
		conn_tls_facts(c)->error = xstrdup("TLS handshake timed out");
	}
	if (c->state == CONN_HELLO) {
		c->hello_why = "no answer to the ClientHello (timeout)";
		conn_finish(c);
		return;
	}
	if (c->state == CONN_RENEG) {
		conn_finish(c); /* reneg_ended says what the wait means */
		return;
	}
	if (c->sess.quiet_wait > 0) {
		session_quiet(&c->sess);
		conn_new_phase(c);
		conn_pump(c);
		return;
	}
	session_timeout(&c->sess);
	conn_finish(c);
}

static void
on_io(void *arg, unsigned events)
{
	struct conn *c = arg;

	(void)events;
	conn_pump(c);
}

static bool
watch_for(struct conn *c, unsigned events)
{
	if (loop_modify(c->eng->loop, c->fd, events, on_io, c) < 0) {
		session_io_error(&c->sess, "epoll failed");
		conn_finish(c);
		return false;
	}
	return true;
}

static void
handshake_failed(struct conn *c, const char *why)
{
	char *copy = xstrdup(why); /* why may live in the TLS session */

	free(conn_tls_facts(c)->error);
	conn_tls_facts(c)->error = copy;
	tls_conn_free(c->tls);
	c->tls = NULL;
	c->state = CONN_ACTIVE;
	session_tls_done(&c->sess, false, copy);
}

/* TLS audit: writes the ClientHello, then feeds the answer to the
 * parser until it has decided. */
static void
step_hello(struct conn *c)
{
	struct hello_io *h = c->hello;
	uint8_t buf[READ_CHUNK];

	while (h->sent < h->len) {
		ssize_t w = send(c->fd, h->out + h->sent, h->len - h->sent,
		                 MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			watch_for(c, LOOP_WRITE);
			return;
		}
		if (w <= 0) {
			c->hello_why = "connection closed";
			conn_finish(c);
			return;
		}
		h->sent += (size_t)w;
	}
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		int st;

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			watch_for(c, LOOP_READ);
			return;
		}
		if (n <= 0) {
			/* the parser may have enough: an alert then close */
			if (h->parser.r.kind != TLSHELLO_KIND_NONE) {
				tls_audit_answer(c->res->tls_audit,
				                 &h->parser.r, NULL);
				h->answered = true;
			} else {
				c->hello_why = "connection closed";
			}
			conn_finish(c);
			return;
		}
		st = tlshello_parser_feed(&h->parser, buf, (size_t)n);
		if (st == TLSHELLO_NEED_MORE)
			continue;
		tls_audit_answer(c->res->tls_audit, &h->parser.r,
		                 st == TLSHELLO_ERROR ? h->parser.error : NULL);
		h->answered = true;
		conn_finish(c);
		return;
	}
}

/* The handshake without SNI ended: keep its leaf (or why there is
 * none) and hang up. */
static void
finish_no_sni(struct conn *c, const char *why)
{
	struct no_sni_facts *n = &c->res->no_sni;

	if (!why) {
		struct cert_facts leaf;

		if (tls_conn_leaf(c->tls, &leaf)) {
			n->done = true;
			n->leaf_sha256 = leaf.sha256;
			n->leaf_subject = leaf.subject;
			leaf.sha256 = leaf.subject = NULL; /* kept */
			cert_facts_free(&leaf);
		} else {
			why = "no certificate";
		}
	}
	if (why && !n->error)
		n->error = escape_printable(why, 256);
	conn_finish(c);
}

/* The resumption with early data ended: what the server made of it. */
static void
finish_early(struct conn *c, const char *why)
{
	struct early_data_facts *ed = &c->res->early;

	if (!why) {
		ed->resumed = tls_conn_resumed(c->tls);
		ed->accepted = tls_conn_early_data_accepted(c->tls);
		if (!ed->resumed)
			why = "the server did not resume the session";
	}
	if (why && !ed->error)
		ed->error = escape_printable(why, 256);
	conn_finish(c);
}

/* The TLS 1.2 handshake of the renegotiation pass ended; returns true
 * when the renegotiation can start. */
static bool
reneg_handshake_done(struct conn *c, const char *why)
{
	char *text = NULL;

	if (why)
		text = xasprintf("no TLS 1.2 handshake: %s", why);
	else if (!tls_conn_is_tls12(c->tls))
		why = "the server did not negotiate TLS 1.2";
	else if (!tls_conn_safe_renegotiation(c->tls))
		why = "no secure renegotiation (RFC 5746), so the client "
		      "does not renegotiate (TLS-RENEGOTIATION-INSECURE)";
	if (why) {
		reneg_decide(c, RENEG_NOT_ASSESSED, text ? text : why);
		free(text);
		conn_finish(c);
		return false;
	}
	c->state = CONN_RENEG;
	conn_new_phase(c);
	return true;
}

/* Implicit TLS: the greeting comes right after the handshake, and GnuTLS
 * 3.7 loses track of a renegotiation that application data interrupts
 * (the next signature check fails), so it is read first. Returns false
 * while it is still due. */
static bool
reneg_read_greeting(struct conn *c)
{
	char buf[READ_CHUNK];

	if (c->greeting_read ||
	    c->res->endpoint.service->tls != TLS_MODE_IMPLICIT)
		return true;
	for (;;) {
		size_t got = 0;
		enum tls_io io = tls_conn_read(c->tls, buf, sizeof(buf), &got);

		if (io == TLS_IO_DONE) {
			c->greeting_read = true;
			continue;
		}
		if (io == TLS_IO_WANT_READ || io == TLS_IO_WANT_WRITE) {
			if (c->greeting_read)
				return true;
			watch_for(c, io == TLS_IO_WANT_READ ? LOOP_READ
			                                    : LOOP_WRITE);
			return false;
		}
		reneg_decide(c, RENEG_NOT_ASSESSED,
		             io == TLS_IO_EOF ? "the server closed before "
		                                "its greeting"
		                              : tls_conn_error(c->tls));
		conn_finish(c);
		return false;
	}
}

/* Drives the renegotiation to the server's answer. */
static void
step_reneg(struct conn *c)
{
	enum tls_reneg io;

	if (!reneg_read_greeting(c))
		return;
	if (!c->reneg_started) {
		c->reneg_started = true;
		conn_new_phase(c); /* --timeout for the answer */
	}
	io = tls_conn_renegotiate(c->tls);
	switch (io) {
	case TLS_RENEG_WANT_READ:
		watch_for(c, LOOP_READ);
		return;
	case TLS_RENEG_WANT_WRITE:
		watch_for(c, LOOP_WRITE);
		return;
	case TLS_RENEG_ACCEPTED:
		reneg_decide(c, RENEG_ACCEPTED, tls_conn_error(c->tls));
		break;
	case TLS_RENEG_REFUSED:
		reneg_decide(c, RENEG_REFUSED, tls_conn_error(c->tls));
		break;
	case TLS_RENEG_FAILED:
		reneg_decide(c, RENEG_NOT_ASSESSED, tls_conn_error(c->tls));
		break;
	}
	conn_finish(c);
}

/* Drives the handshake; returns true when the caller should go on. */
static bool
step_handshake(struct conn *c)
{
	enum tls_io io = tls_conn_handshake(c->tls);

	if ((c->job.pass & PROBE_PASS_NO_SNI) && io != TLS_IO_WANT_READ &&
	    io != TLS_IO_WANT_WRITE) {
		finish_no_sni(c, io == TLS_IO_DONE ? NULL
		                 : io == TLS_IO_EOF
		                     ? "connection closed during "
		                       "the handshake"
		                     : tls_conn_error(c->tls));
		return false;
	}
	if ((c->job.pass & (PROBE_PASS_RENEG | PROBE_PASS_EARLY)) &&
	    io != TLS_IO_WANT_READ && io != TLS_IO_WANT_WRITE) {
		const char *why = io == TLS_IO_DONE ? NULL
		                  : io == TLS_IO_EOF
		                      ? "connection closed during "
		                        "the handshake"
		                      : tls_conn_error(c->tls);

		if (c->job.pass & PROBE_PASS_EARLY) {
			finish_early(c, why);
			return false;
		}
		return reneg_handshake_done(c, why);
	}
	switch (io) {
	case TLS_IO_DONE:
		c->state = CONN_ACTIVE;
		/* only the main pass's certificate is judged: skip the
		 * chain's trust evaluation, the costly part */
		if (c->job.pass == PROBE_PASS_MAIN)
			tls_conn_facts(c->tls, conn_tls_facts(c));
		else
			c->scratch_tls.handshake_done = true;
		session_tls_done(&c->sess, true, NULL);
		conn_new_phase(c);
		return true;
	case TLS_IO_WANT_READ:
		watch_for(c, LOOP_READ);
		return false;
	case TLS_IO_WANT_WRITE:
		watch_for(c, LOOP_WRITE);
		return false;
	case TLS_IO_EOF:
		handshake_failed(c, "connection closed during the handshake");
		return true;
	case TLS_IO_ERROR:
		handshake_failed(c, tls_conn_error(c->tls));
		return true;
	}
	return false;
}

static void
start_tls(struct conn *c)
{
	const struct endpoint *ep = &c->res->endpoint;

	const char *sni = ep->host_is_ip || (c->job.pass & PROBE_PASS_NO_SNI)
	                      ? NULL
	                      : ep->host;
	const char *early = ep->service->probe->early_data;

	if (c->job.pass & PROBE_PASS_RENEG)
		c->tls = tls_conn_new_tls12(c->eng->opt->tls, c->fd, sni);
	else if (c->job.pass & PROBE_PASS_EARLY)
		c->tls =
		    tls_conn_new_early(c->eng->opt->tls, c->fd, sni,
		                       &c->res->early.t, early, strlen(early));
	else
		c->tls = tls_conn_new(c->eng->opt->tls, c->fd, sni);
	if (!c->tls) {
		handshake_failed(c, "cannot create a TLS session");
		return;
	}
	c->state = CONN_HANDSHAKE;
	if (!c->sess.started)
		c->sess.phase = "TLS handshake"; /* implicit TLS: connected */
	conn_new_phase(c);
}

/* Writes pending output; returns false if the connection ended. */
static bool
flush_output(struct conn *c, bool *blocked)
{
	size_t n;
	const char *p = session_output(&c->sess, &n);

	*blocked = false;
	while (n > 0) {
		size_t put = 0;

		if (c->tls) {
			enum tls_io io = tls_conn_write(c->tls, p, n, &put);

			if (io == TLS_IO_WANT_WRITE || io == TLS_IO_WANT_READ) {
				*blocked = true;
				break;
			}
			if (io != TLS_IO_DONE) {
				session_io_error(&c->sess,
				                 tls_conn_error(c->tls));
				return false;
			}
		} else {
			ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

			if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				*blocked = true;
				break;
			}
			if (w < 0) {
				session_io_error(&c->sess, strerror(errno));
				return false;
			}
			put = (size_t)w;
		}
		session_output_consumed(&c->sess, put);
		p = session_output(&c->sess, &n);
	}
	return true;
}

/* Reads what is available; returns false if the connection ended. */
static bool
read_input(struct conn *c)
{
	char buf[READ_CHUNK];

	while (c->sess.want == SESSION_WANT_IO && !c->sess.finished) {
		size_t got = 0;

		if (c->tls) {
			enum tls_io io =
			    tls_conn_read(c->tls, buf, sizeof(buf), &got);

			if (io == TLS_IO_WANT_READ || io == TLS_IO_WANT_WRITE)
				return true;
			if (io == TLS_IO_EOF) {
				session_eof(&c->sess);
				return false;
			}
			if (io == TLS_IO_ERROR) {
				session_io_error(&c->sess,
				                 tls_conn_error(c->tls));
				return false;
			}
		} else {
			ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				return true;
			if (r == 0) {
				session_eof(&c->sess);
				return false;
			}
			if (r < 0) {
				session_io_error(&c->sess, strerror(errno));
				return false;
			}
			got = (size_t)r;
		}
		session_receive(&c->sess, buf, got);
	}
	return true;
}

/* Returns false when the connection ended (and c was freed). */
static bool
conn_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS)
		return true;
	if (err != 0) {
		conn_set_status(c,
		                err == ECONNREFUSED ? EP_STATUS_CLOSED
		                : err == ETIMEDOUT  ? EP_STATUS_FILTERED
		                                    : EP_STATUS_UNREACHABLE,
		                err == ECONNREFUSED ? "connection refused"
		                                    : strerror(err));
		conn_finish(c);
		return false;
	}
	session_init(&c->sess, c->res,
	             (unsigned long)random() ^ (unsigned long)c->fd,
	             c->job.pass, &c->eng->opt->probe);
	c->session_live = true;
	if (c->hello && c->res->endpoint.service->tls == TLS_MODE_IMPLICIT) {
		c->state = CONN_HELLO;
		conn_new_phase(c);
	} else if (c->res->endpoint.service->tls == TLS_MODE_IMPLICIT &&
	           !(c->job.pass & PROBE_PASS_NO_TLS))
		start_tls(c);
	else {
		c->state = CONN_ACTIVE;
		conn_new_phase(c);
		session_start(&c->sess);
	}
	return true;
}

/* A command went out, a quiet wait or TLS is due: a new deadline. */
static void
sync_phase(struct conn *c)
{
	if (c->sess.phase_seq != c->seen_phase) {
		c->seen_phase = c->sess.phase_seq;
		conn_new_phase(c);
	}
}

static void
conn_pump(struct conn *c)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		bool blocked;

		if (c->state == CONN_CONNECTING) {
			if (!conn_connected(c) || c->state == CONN_CONNECTING)
				return;
			continue;
		}
		if (c->sess.want == SESSION_WANT_CLOSE) {
			conn_finish(c);
			return;
		}
		if (c->state == CONN_HELLO) {
			step_hello(c);
			return;
		}
		if (c->state == CONN_RENEG) {
			step_reneg(c);
			return;
		}
		if (c->state == CONN_ACTIVE &&
		    c->sess.want == SESSION_WANT_TLS) {
			if (c->hello) {
				c->state = CONN_HELLO;
				conn_new_phase(c);
				continue;
			}
			start_tls(c);
			continue;
		}
		if (c->state == CONN_HANDSHAKE) {
			if (!step_handshake(c))
				return;
			continue;
		}
		sync_phase(c);
		if (!flush_output(c, &blocked) || !read_input(c)) {
			conn_finish(c);
			return;
		}
		if (c->sess.want == SESSION_WANT_IO &&
		    !(c->tls && tls_conn_has_pending(c->tls))) {
			size_t queued;

			session_output(&c->sess, &queued);
			/* output queued by the reply we just read goes now */
			if (queued > 0 && !blocked)
				continue;
			/* a phase that began while reading (a quiet wait, a
			 * command queued by the probe) gets its deadline
			 * before we wait */
			sync_phase(c);
			watch_for(c, LOOP_READ | (blocked ? LOOP_WRITE : 0));
			return;
		}
	}
	/* a peer that keeps us busy this long gets its turn later */
	watch_for(c, LOOP_READ | LOOP_WRITE);
}

static int
make_socket(const struct endpoint *ep, struct sockaddr_storage *ss,
            socklen_t *len)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	                         .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	char port[8];
	int fd;

	snprintf(port, sizeof(port), "%u", ep->port);
	if (getaddrinfo(ep->address, port, &hints, &ai) != 0 || !ai)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            0);
	freeaddrinfo(ai);
	if (fd >= 0) {
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

static void
conn_start(struct engine *e, struct job job)
{
	struct conn *c;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct hello_io *hello = NULL;

	if ((job.pass & PROBE_PASS_HELLO) && !(job.pass & LIBRARY_PASSES)) {
		struct endpoint_result *r = &e->results[job.idx];
		uint8_t seed[TLSHELLO_SEED_LEN];

		for (size_t i = 0; i < sizeof(seed); i++)
			seed[i] = (uint8_t)random();
		hello = xcalloc(1, sizeof(*hello));
		hello->len = tls_audit_next(
		    r->tls_audit,
		    r->endpoint.host_is_ip ? NULL : r->endpoint.host, seed,
		    hello->out, sizeof(hello->out));
		if (hello->len == 0) {
			/* every question is answered (or the budget spent) */
			free(hello);
			end_tls_passes(r);
			release(e, job.idx);
			return;
		}
		tlshello_parser_init(&hello->parser);
	}
	c = xcalloc(1, sizeof(*c));
	c->hello = hello;
	c->next = e->live;
	if (e->live)
		e->live->prev = c;
	e->live = c;

	c->eng = e;
	c->job = job;
	c->res = &e->results[job.idx];
	c->res->connections++;
	c->host_slot = e->slot_of[job.idx];
	c->fd = -1;
	c->state = CONN_CONNECTING;
	c->started = loop_clock();
	if (job.pass == PROBE_PASS_MAIN && job.tries == 0)
		clock_gettime(CLOCK_REALTIME, &c->res->started);
	loop_timer_init(&c->timer, on_timer, c);
	e->hosts[c->host_slot].active++;
	e->active++;
	c->fd = make_socket(&c->res->endpoint, &ss, &len);
	if (c->fd < 0) {
		conn_set_status(c,
		                errno == EMFILE || errno == ENFILE
		                    ? EP_STATUS_INTERNAL
		                    : EP_STATUS_UNREACHABLE,
		                strerror(errno));
		conn_finish(c);
		return;
	}
	c->budget_deadline = loop_now(e->loop) + e->opt->endpoint_budget_s;
	if (connect(c->fd, (struct sockaddr *)&ss, len) < 0 &&
	    errno != EINPROGRESS) {
		conn_set_status(c,
		                errno == ECONNREFUSED ? EP_STATUS_CLOSED
		                                      : EP_STATUS_UNREACHABLE,
		                strerror(errno));
		conn_finish(c);
		return;
	}
	if (loop_watch(e->loop, c->fd, LOOP_WRITE, on_io, c) < 0) {
		conn_set_status(c, EP_STATUS_INTERNAL, "epoll failed");
		conn_finish(c);
		return;
	}
	conn_new_phase(c);
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
	for (struct conn *c = e->live, *next; c; c = next) {
		next = c->next;
		if (c->res->status == EP_STATUS_OK && !c->res->status_detail &&
		    c->job.pass == PROBE_PASS_MAIN)
			conn_set_status(c, EP_STATUS_INTERRUPTED,
			                "the scan was stopped before this "
			                "endpoint was finished");
		conn_finish(c);
	}
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
		                         .pending = pending};
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
	free(w);
}
