/*
 * The conversation driver: turns bytes into replies for the probe, the
 * probe's steps into engine actions, and guarantees finish() runs once.
 */
#include "scanner/engine/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

#define TRANSCRIPT_MAX    (8 * 1024)
#define LINE_EVIDENCE_MAX 300

static void
transcript_add(struct session *s, const char *who, const char *text)
{
	size_t n = strlen(who) + strlen(text) + 1;

	if (s->transcript_len + n >= TRANSCRIPT_MAX)
		return;
	if (s->transcript_len + n + 1 > s->transcript_cap) {
		s->transcript_cap = s->transcript_len + n + 1024;
		s->transcript =
		    xreallocarray(s->transcript, s->transcript_cap, 1);
	}
	s->transcript_len += (size_t)snprintf(
	    s->transcript + s->transcript_len,
	    s->transcript_cap - s->transcript_len, "%s%s\n", who, text);
}

void
session_init(struct session *s, struct endpoint_result *res, unsigned long seed,
             int pass, const struct probe_options *opts)
{
	static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";

	memset(s, 0, sizeof(*s));
	s->res = res;
	s->probe = res->endpoint.service->probe;
	s->state = xcalloc(1, s->probe->state_size);
	pp_init(&s->pp, NULL);
	/* random tags: a reused or predictable tag proves nothing to an
	 * injection probe (checks.md §4.3) */
	for (int i = 0; i < 4; i++) {
		s->tag_prefix[i] = letters[seed % (sizeof(letters) - 1)];
		seed /= sizeof(letters) - 1;
		seed = seed * 2654435761UL + 12345;
	}
	s->phase = "connection";
	s->want = SESSION_WANT_IO;
	s->pass = pass;
	s->opts = opts;
}

void
session_free(struct session *s)
{
	pp_free(&s->pp);
	free(s->state);
	free(s->out);
	free(s->transcript);
	memset(s, 0, sizeof(*s));
}

/* --- the API probes see (probes/probe.h) --- */

static void
queue_bytes(struct session *s, const char *bytes, size_t n, bool crlf)
{
	size_t total = n + (crlf ? 2 : 0);

	if (s->outlen + total > s->outcap) {
		s->outcap = s->outlen + total + 256;
		s->out = xreallocarray(s->out, s->outcap, 1);
	}
	memcpy(s->out + s->outlen, bytes, n);
	if (crlf)
		memcpy(s->out + s->outlen + n, "\r\n", 2);
	s->outlen += total;
	s->phase_seq++;
}

static void
queue_output(struct session *s, const char *bytes, size_t n, bool crlf)
{
	char *esc;

	queue_bytes(s, bytes, n, crlf);
	esc = escape_bytes(bytes, n, LINE_EVIDENCE_MAX);
	transcript_add(s, s->tls_active ? "C(tls): " : "C: ", esc);
	free(esc);
}

void
probe_send(struct probe_ctx *c, const char *line)
{
	queue_output((struct session *)c, line, strlen(line), true);
}

void
probe_send_raw(struct probe_ctx *c, const char *bytes)
{
	queue_output((struct session *)c, bytes, strlen(bytes), false);
}

void
probe_send_first_flight(struct probe_ctx *c)
{
	struct session *s = (struct session *)c;
	char *what;

	if (!s->first_flight)
		return;
	queue_bytes(s, (const char *)s->first_flight, s->first_flight_len,
	            false);
	/* the hello is binary: the transcript names it instead */
	what = xasprintf("<TLS ClientHello, %zu bytes%s>", s->first_flight_len,
	                 s->out_barrier ? ", in a second write" : "");
	transcript_add(s, "C: ", what);
	free(what);
}

size_t
session_take_input(struct session *s, unsigned char **bytes_r)
{
	size_t n = s->pp.len;

	*bytes_r = NULL;
	if (n == 0)
		return 0;
	*bytes_r = xmalloc(n);
	memcpy(*bytes_r, s->pp.buf, n);
	s->pp.len = 0;
	return n;
}

void
session_note(struct session *s, const char *text)
{
	transcript_add(s, "-- ", text);
}

void
probe_expect(struct probe_ctx *c, pp_endofresp end, const char *tag)
{
	struct session *s = (struct session *)c;

	pp_expect(&s->pp, end, tag);
}

const char *
probe_new_tag(struct probe_ctx *c)
{
	struct session *s = (struct session *)c;

	snprintf(s->tag, sizeof(s->tag), "%s%u", s->tag_prefix, ++s->tag_seq);
	return s->tag;
}

void
probe_waiting_for(struct probe_ctx *c, const char *what)
{
	((struct session *)c)->phase = what;
}

void *
probe_state(struct probe_ctx *c)
{
	return ((struct session *)c)->state;
}

struct endpoint_result *
probe_result(struct probe_ctx *c)
{
	return ((struct session *)c)->res;
}

const struct endpoint *
probe_endpoint(struct probe_ctx *c)
{
	return &((struct session *)c)->res->endpoint;
}

bool
probe_tls_active(struct probe_ctx *c)
{
	return ((struct session *)c)->tls_active;
}

static void
set_status(struct session *s, enum endpoint_status st, const char *detail)
{
	/* follow-up passes report through findings, never the status; a
	 * refused one is noted so a missing finding is not read as a pass */
	if (s->pass != PROBE_PASS_MAIN) {
		if (st == EP_STATUS_REJECTED &&
		    s->res->status == EP_STATUS_OK) {
			char *n = xasprintf(
			    "%s%sfollow-up connection %d was refused "
			    "(throttled): %s",
			    s->res->status_detail ? s->res->status_detail : "",
			    s->res->status_detail ? "; " : "", s->pass, detail);

			free(s->res->status_detail);
			s->res->status_detail = escape_printable(n, 1024);
			free(n);
		}
		return;
	}
	if (s->res->status != EP_STATUS_OK || s->res->status_detail)
		return;
	s->res->status = st;
	s->res->status_detail = escape_printable(detail, 512);
}

void
probe_set_status(struct probe_ctx *c, enum endpoint_status st, const char *fmt,
                 ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = xvasprintf(fmt, ap);
	va_end(ap);
	set_status((struct session *)c, st, d);
	free(d);
}

void
probe_wait_quiet(struct probe_ctx *c, double seconds)
{
	struct session *s = (struct session *)c;

	pp_expect(&s->pp, NULL, NULL);
	s->quiet_wait = seconds;
	s->phase_seq++;
}

void
probe_write_barrier(struct probe_ctx *c)
{
	struct session *s = (struct session *)c;

	s->out_barrier = s->outlen;
}

int
probe_pass(struct probe_ctx *c)
{
	return ((struct session *)c)->pass;
}

const struct probe_options *
probe_options(struct probe_ctx *c)
{
	return ((struct session *)c)->opts;
}

void *
probe_memo(struct probe_ctx *c, size_t size)
{
	struct session *s = (struct session *)c;

	if (!s->res->probe_memo)
		s->res->probe_memo = xcalloc(1, size);
	return s->res->probe_memo;
}

char *
probe_take_pending(struct probe_ctx *c)
{
	struct session *s = (struct session *)c;

	return pp_take_pending(&s->pp, LINE_EVIDENCE_MAX);
}

/* --- driving the conversation --- */

static void
finish(struct session *s, enum probe_end how)
{
	if (s->finished)
		return;
	s->finished = true;
	s->want = SESSION_WANT_CLOSE;
	s->quiet_wait = 0;
	s->probe->finish((struct probe_ctx *)s, how);
	/* an audit pass's preamble is the same greeting and STARTTLS every
	 * time: the report keeps the main and probe passes only */
	/* a carrier's preamble is an injection test: it is kept */
	if (!s->transcript || ((s->pass & PROBE_PASS_PREAMBLE) &&
	                       PROBE_PASS_NUMBER(s->pass) == 0))
		return;
	if (!s->res->transcript) {
		/* sized to fit: a fleet keeps one per endpoint */
		s->res->transcript =
		    xreallocarray(s->transcript, s->transcript_len + 1, 1);
		s->transcript = NULL;
	} else if (strlen(s->res->transcript) + s->transcript_len <
	           2 * TRANSCRIPT_MAX) {
		char *joined = xasprintf(
		    "%s-- pass %d, new connection --\n%s", s->res->transcript,
		    PROBE_PASS_NUMBER(s->pass), s->transcript);

		free(s->res->transcript);
		s->res->transcript = joined;
	}
}

static void
apply_step(struct session *s, enum probe_step step)
{
	if (s->finished)
		return;
	switch (step) {
	case PROBE_WAIT:
		s->want = SESSION_WANT_IO;
		break;
	case PROBE_UPGRADE_TLS:
		s->want = SESSION_WANT_TLS;
		s->phase_seq++;
		s->phase = "TLS handshake";
		break;
	case PROBE_DONE:
		finish(s, PROBE_END_DONE);
		break;
	}
}

static void
record_reply(struct session *s, const struct pp_reply *r)
{
	for (size_t i = 0; i < r->nlines; i++) {
		char *esc = pp_line_escaped(&r->lines[i], LINE_EVIDENCE_MAX);

		transcript_add(s, s->tls_active ? "S(tls): " : "S: ", esc);
		free(esc);
	}
}

/* A violated cap and what we waited for (nothing that depends on how
 * the bytes were split across reads). An over-long line is far longer
 * than its excerpt, so the excerpt is the same however it arrived. */
static char *
cap_detail(const struct session *s)
{
	char *excerpt, *detail;

	if (strcmp(s->pp.error, "line too long") != 0 || s->pp.len == 0)
		return xasprintf("%s while waiting for the %s", s->pp.error,
		                 s->phase);
	excerpt = escape_bytes(s->pp.buf, s->pp.len < 32 ? s->pp.len : 32, 66);
	detail = xasprintf("%s while waiting for the %s (it starts \"%s\")",
	                   s->pp.error, s->phase, excerpt);
	free(excerpt);
	return detail;
}

/* Hands every complete reply in the buffer to the probe. */
static void
drain_replies(struct session *s)
{
	while (!s->finished && s->want == SESSION_WANT_IO) {
		const struct pp_reply *r;
		int rc = pp_next(&s->pp, &r);

		if (rc == 0)
			return;
		if (rc < 0) {
			char *d = cap_detail(s);

			set_status(s, EP_STATUS_PROTOCOL_ERROR, d);
			free(d);
			finish(s, PROBE_END_ERROR);
			return;
		}
		record_reply(s, r);
		s->quiet_wait = 0;
		apply_step(s, s->probe->on_reply((struct probe_ctx *)s, r));
	}
}

void
session_start(struct session *s)
{
	s->started = true;
	s->phase = "greeting";
	apply_step(s, s->probe->start((struct probe_ctx *)s));
	drain_replies(s);
}

void
session_receive(struct session *s, const char *data, size_t n)
{
	if (s->finished)
		return;
	if (pp_feed(&s->pp, data, n) < 0) {
		char *d = cap_detail(s);

		set_status(s, EP_STATUS_PROTOCOL_ERROR, d);
		free(d);
		finish(s, PROBE_END_ERROR);
		return;
	}
	drain_replies(s);
}

void
session_tls_done(struct session *s, bool ok, const char *why)
{
	if (s->finished)
		return;
	if (!ok) {
		transcript_add(s, "-- ", "TLS handshake failed");
		if (!s->started) {
			/* implicit TLS: nothing can be assessed */
			set_status(s, EP_STATUS_TLS_ERROR, why);
			finish(s, PROBE_END_ERROR);
			return;
		}
		s->want = SESSION_WANT_IO;
		apply_step(s,
		           s->probe->on_tls_failed((struct probe_ctx *)s, why));
		return;
	}
	s->tls_active = true;
	s->res->tls_reached = true;
	transcript_add(s, "-- ", "TLS established");
	if (!s->started) {
		session_start(s);
		return;
	}
	s->want = SESSION_WANT_IO;
	apply_step(s, s->probe->on_tls_ready((struct probe_ctx *)s));
	drain_replies(s);
}

void
session_eof(struct session *s)
{
	char *d;

	if (s->finished)
		return;
	/* the probe judges first: a close can be an answer (BYE, STLS) */
	finish(s, PROBE_END_CLOSED);
	d = xasprintf("server closed the connection while we waited for the %s",
	              s->phase);
	set_status(s, EP_STATUS_PROTOCOL_ERROR, d);
	free(d);
}

/* A silent cleartext session on 993/995 is most likely a port waiting
 * for a ClientHello: imap://host:993 where imaps:// was meant. */
static const char *
implicit_port_hint(const struct session *s)
{
	const struct endpoint *e = &s->res->endpoint;

	if (s->tls_active || s->pp.len > 0 ||
	    e->service->tls != TLS_MODE_STARTTLS)
		return "";
	if (e->port == 993)
		return "; 993 is the IMAPS port: imaps:// speaks TLS first";
	if (e->port == 995)
		return "; 995 is the POP3S port: pop3s:// speaks TLS first";
	return "";
}

void
session_timeout(struct session *s)
{
	char *d;

	if (s->finished)
		return;
	finish(s, PROBE_END_TIMEOUT);
	if (s->pp.len > 0) {
		/* a trickle is not silence: say what came */
		char *got = escape_bytes(s->pp.buf, s->pp.len, 64);

		d = xasprintf("no complete %s within the timeout (%zu bytes "
		              "of it arrived: \"%s\")",
		              s->phase, s->pp.len, got);
		free(got);
	} else {
		d = xasprintf("no %s within the timeout%s", s->phase,
		              implicit_port_hint(s));
	}
	set_status(s, EP_STATUS_TIMEOUT, d);
	free(d);
}

void
session_io_error(struct session *s, const char *why)
{
	if (s->finished)
		return;
	finish(s, PROBE_END_ERROR);
	set_status(s, EP_STATUS_PROTOCOL_ERROR, why);
}

void
session_quiet(struct session *s)
{
	if (s->finished || s->quiet_wait <= 0)
		return;
	s->quiet_wait = 0;
	apply_step(s, s->probe->on_quiet((struct probe_ctx *)s));
	drain_replies(s);
}

const char *
session_output(const struct session *s, size_t *n_r)
{
	*n_r = s->out_barrier ? s->out_barrier : s->outlen;
	return s->out;
}

void
session_output_consumed(struct session *s, size_t n)
{
	if (n > s->outlen)
		n = s->outlen;
	memmove(s->out, s->out + n, s->outlen - n);
	s->outlen -= n;
	s->out_barrier = s->out_barrier > n ? s->out_barrier - n : 0;
}
