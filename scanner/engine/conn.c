/* One connection of the engine: connect, the TLS handshake, pumping the
 * session's bytes, deadlines, and what ending it means for the endpoint. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probes/service.h"
#include "scanner/core/xalloc.h"
#include "scanner/engine/engine.h"
#include "scanner/tls/tlsaudit.h"

#define READ_CHUNK 4096

static void conn_pump(struct conn *c);
static void step_pass(struct conn *c);

static struct tls_facts *
conn_tls_facts(struct conn *c)
{
	return c->job.pass == PROBE_PASS_MAIN ? &c->res->tls : &c->scratch_tls;
}

static void
conn_arm(struct conn *c)
{
	double d = c->phase_deadline < c->budget_deadline ? c->phase_deadline
	                                                  : c->budget_deadline;

	loop_timer_arm(c->eng->loop, &c->timer, d);
}

static bool
carrier_listening(const struct conn *c)
{
	return c->state == CONN_PASS && c->run.test && !c->run.heard &&
	       !c->run.resent;
}

/* A new phase starts: a fresh deadline for it. */
static void
conn_new_phase(struct conn *c)
{
	double now = loop_now(c->eng->loop);
	double wait = c->sess.quiet_wait > 0 ? c->sess.quiet_wait
	                                     : c->eng->opt->timeout_s;
	double reply_took = now - c->phase_started;

	c->phase_started = now;
	/* the wait starts once the STARTTLS reply is in: a server that
	 * handed the carried hello to TLS answers it at once, one that did
	 * not is silent, and a short wait tells them apart; a slow server
	 * (or a loaded machine) gets four times what its reply took */
	if (carrier_listening(c)) {
		double carrier_wait = c->eng->opt->probe.quiet_wait_s / 2;

		if (4 * reply_took > carrier_wait)
			carrier_wait = 4 * reply_took;
		if (carrier_wait < wait)
			wait = carrier_wait;
	}

	c->phase_deadline = now + wait;
	conn_arm(c);
}

/* A carrier's transcript says what became of its pipelined hello. */
static void
note_carrier(struct conn *c)
{
	if (!c->session_live || !c->run.test || c->sess.finished)
		return;
	session_note(&c->sess, c->run.s->carried ? "TLS answered the pipelined "
	                                           "ClientHello"
	                       : c->run.resent
	                           ? "no TLS answer to the pipelined "
	                             "ClientHello; sent again after the "
	                             "reply"
	                           : "no TLS answer to the pipelined "
	                             "ClientHello");
}

static void
conn_finish(struct conn *c)
{
	struct engine *e = c->eng;
	struct timespec end;

	if (c->state == CONN_DONE)
		return;
	c->state = CONN_DONE;
	loop_timer_disarm(e->loop, &c->timer);
	if (c->fd >= 0) {
		loop_unwatch(e->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	note_carrier(c);
	if (c->session_live) {
		/* the probe's finish() frees its state, whatever ended us */
		session_io_error(&c->sess, "connection ended");
		session_free(&c->sess);
	}
	if (c->job.pass == PROBE_PASS_MAIN && c->tls)
		tls_passes_after_main(
		    c->res, &e->scratch[c->job.idx], c->tls,
		    &(struct tls_pass_opts){.depth = e->opt->tls_depth});
	tls_conn_free(c->tls);
	c->tls = NULL;
	tls_facts_free(&c->scratch_tls);
	if (c->job.tls_pass)
		c->job.tls_pass->finish(&c->run);
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
	plan_next(e, &c->job);
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
	if (carrier_listening(c) && c->job.tls_pass->carrier_silent &&
	    c->job.tls_pass->carrier_silent(&c->run)) {
		conn_new_phase(c);
		step_pass(c);
		return;
	}
	if (c->state == CONN_PASS && c->run.stage == TLS_PASS_EXCHANGE) {
		/* the row's finish says what the wait means */
		if (c->job.tls_pass->timeout_why)
			c->run.why = c->job.tls_pass->timeout_why;
		conn_finish(c);
		return;
	}
	if (c->sess.quiet_wait > 0) {
		session_quiet(&c->sess);
		conn_new_phase(c);
		conn_pump(c);
		return;
	}
	note_carrier(c);
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

/* Drives the handshake; returns true when the caller should go on. */
static bool
step_handshake(struct conn *c)
{
	enum tls_io io = tls_conn_handshake(c->tls);

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
	const char *sni = ep->host_is_ip ? NULL : ep->host;

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

/* The preamble is done (or there is none): the job's TLS pass row takes
 * over the connection. */
static void
pass_open(struct conn *c)
{
	c->run.fd = c->fd;
	if (c->run.carry)
		c->run.nearly = session_take_input(&c->sess, &c->run.early);
	if (!c->job.tls_pass->open(&c->run, c->run.cfg, c->run.sni)) {
		handshake_failed(c, "cannot create a TLS session");
		return;
	}
	c->state = CONN_PASS;
	if (c->run.stage == TLS_PASS_HANDSHAKE && !c->sess.started)
		c->sess.phase = "TLS handshake"; /* implicit TLS: connected */
	conn_new_phase(c);
}

/* Lets the pass row drive the connection until it waits or is done. */
static void
step_pass(struct conn *c)
{
	for (;;) {
		bool heard = c->run.heard;
		enum tls_pass_io io = c->job.tls_pass->step(&c->run);

		/* a carrier's answer began: the rest gets the full wait */
		if (!heard && c->run.heard)
			conn_new_phase(c);
		switch (io) {
		case TLS_PASS_WANT_READ:
			watch_for(c, LOOP_READ);
			return;
		case TLS_PASS_WANT_WRITE:
			watch_for(c, LOOP_WRITE);
			return;
		case TLS_PASS_NEW_PHASE:
			conn_new_phase(c);
			continue;
		case TLS_PASS_DONE:
			conn_finish(c);
			return;
		}
	}
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
	if (c->run.carry)
		c->sess.first_flight = c->job.tls_pass->first_flight(
		    &c->run, &c->sess.first_flight_len);
	if (c->job.tls_pass &&
	    c->res->endpoint.service->tls == TLS_MODE_IMPLICIT)
		pass_open(c);
	else if (c->res->endpoint.service->tls == TLS_MODE_IMPLICIT &&
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
		if (c->state == CONN_PASS) {
			step_pass(c);
			return;
		}
		if (c->state == CONN_ACTIVE &&
		    c->sess.want == SESSION_WANT_TLS) {
			if (c->job.tls_pass) {
				pass_open(c);
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

void
conn_start(struct engine *e, struct job job)
{
	struct conn *c;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct endpoint_result *r = &e->results[job.idx];
	struct tls_pass_run run = {
	    .pass = job.tls_pass,
	    .r = r,
	    .s = &e->scratch[job.idx],
	    .fd = -1,
	    .carry = job.pass & PROBE_PASS_CARRY,
	    .test = (job.pass & PROBE_PASS_CARRY) &&
	            PROBE_PASS_NUMBER(job.pass) != 0,
	    .cfg = e->opt->tls,
	    .sni = r->endpoint.host_is_ip ? NULL : r->endpoint.host};

	bool ready = !job.tls_pass || !job.tls_pass->prepare ||
	             job.tls_pass->prepare(&run);

	if (!ready && run.test) {
		/* nothing to carry after all: the probe's own pass */
		job.pass = PROBE_PASS_NUMBER(job.pass);
		job.tls_pass = NULL;
		run.pass = NULL;
		run.carry = run.test = false;
	} else if (!ready) {
		/* the row has nothing left to ask */
		end_tls_passes(r);
		release(e, job.idx);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->run = run;
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
	c->phase_started = loop_now(e->loop);
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

/* A signal asked us to stop: what is in flight ends now, marked
 * interrupted unless it already had a status of its own. */
void
conn_stop_all(struct engine *e)
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
}
