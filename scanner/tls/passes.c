/*
 * The rows of scanner/tls/passes.h: the engine's own TLS handshakes
 * after the plaintext preamble. Each records facts in the endpoint's
 * result; probes/checks/tls_checks.c judges them.
 */
#include "scanner/tls/passes.h"
#include "scanner/tls/passes_rows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "probes/probe.h"
#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"
#include "scanner/tls/tls.h"
#include "scanner/tls/tlshello.h"

#define READ_CHUNK 4096

/* One audit question in flight on a connection. */
struct hello_io {
	uint8_t out[2048];
	size_t len;
	size_t sent;
	bool answered;
	struct tlshello_parser parser;
};

/* Keeps the leaf of x's handshake as the default certificate; false if
 * there is none. */
static bool
keep_no_sni_leaf(struct tls_pass_run *x)
{
	struct no_sni_facts *n = &x->r->no_sni;
	struct cert_facts leaf;

	if (!tls_conn_leaf(x->tls, &leaf))
		return false;
	n->done = true;
	n->leaf_sha256 = leaf.sha256;
	n->leaf_subject = leaf.subject;
	leaf.sha256 = leaf.subject = NULL; /* kept */
	cert_facts_free(&leaf);
	return true;
}

bool
tls_pass_handshake(struct tls_pass_run *x, enum tls_pass_io *io_r,
                   const char **why)
{
	enum tls_io io = tls_conn_handshake(x->tls);

	if (io == TLS_IO_WANT_READ || io == TLS_IO_WANT_WRITE) {
		*io_r = io == TLS_IO_WANT_READ ? TLS_PASS_WANT_READ
		                               : TLS_PASS_WANT_WRITE;
		return false;
	}
	*why = io == TLS_IO_DONE  ? NULL
	       : io == TLS_IO_EOF ? "connection closed during "
	                            "the handshake"
	                          : tls_conn_error(x->tls);
	return true;
}

bool
tls_pass_opened(struct tls_pass_run *x)
{
	if (!x->tls)
		return false;
	x->stage = TLS_PASS_HANDSHAKE;
	return true;
}

/* --- the audit hello --------------------------------------------------- */

/* The version of the main handshake, 0 for one below TLS 1.2 or none. */
static uint16_t
main_version(const struct endpoint_result *r)
{
	if (!r->tls.version)
		return 0;
	return strcmp(r->tls.version, "TLS1.3") == 0   ? TLS_VERSION_1_3
	       : strcmp(r->tls.version, "TLS1.2") == 0 ? TLS_VERSION_1_2
	                                               : 0;
}

/* After the probe's own passes and the extras: the TLS audit, one hello
 * per connection, until every question is answered. */
static bool
hello_wanted(struct endpoint_result *r, struct tls_pass_scratch *s,
             const struct tls_pass_opts *o)
{
	if (!r->tls_audit) {
		r->tls_audit = xcalloc(1, sizeof(*r->tls_audit));
		tls_audit_init(r->tls_audit, o->depth, o->budget,
		               main_version(r));
		s->audit = tls_audit_plan_new(r->tls_audit);
		if (main_version(r))
			tls_audit_plan_known(
			    s->audit, main_version(r),
			    tls_suite_by_name(r->tls.cipher_suite));
	}
	return !r->tls_audit->aborted;
}

static bool
hello_prepare(struct tls_pass_run *x)
{
	struct endpoint_result *r = x->r;
	struct hello_io *hello;
	uint8_t seed[TLSHELLO_SEED_LEN];

	if (x->test)
		x->s->carried = false;
	if (x->s->tls12_suite)
		tls_audit_plan_known(x->s->audit, TLS_VERSION_1_2,
		                     x->s->tls12_suite);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)random();
	hello = xcalloc(1, sizeof(*hello));
	hello->len = (x->test ? tls_audit_next_carrier : tls_audit_next)(
	    x->s->audit, r->endpoint.host_is_ip ? NULL : r->endpoint.host, seed,
	    hello->out, sizeof(hello->out));
	if (hello->len == 0) {
		/* every question is answered (or the budget spent) */
		free(hello);
		return false;
	}
	tlshello_parser_init(&hello->parser);
	x->hello = hello;
	return true;
}

static const uint8_t *
hello_first_flight(struct tls_pass_run *x, size_t *len)
{
	*len = x->hello->len;
	return x->hello->out;
}

static bool
hello_open(struct tls_pass_run *x, struct tls_config *cfg, const char *sni)
{
	(void)cfg;
	(void)sni;
	x->stage = TLS_PASS_EXCHANGE;
	if (x->carry)
		x->hello->sent = x->hello->len; /* the preamble sent it */
	return true;
}

/* The answer is in. A carried hello's answer counts only if TLS gave
 * it (a ServerHello or an alert): then the pipelined bytes reached the
 * TLS layer, not the command parser, and the injection test is passed
 * too. Anything else (no record, not TLS) may be the pipelining's doing:
 * the question is asked again on a connection of its own, and the
 * injection test runs as before. */
static void
hello_answered(struct tls_pass_run *x, const char *why)
{
	struct hello_io *h = x->hello;
	enum tlshello_kind k = h->parser.r.kind;
	bool tls =
	    k != TLSHELLO_KIND_NONE && k != TLSHELLO_KIND_NOT_TLS && !why;

	h->answered = true;
	if (x->test) {
		/* a hello sent again answers the question, not the test */
		x->s->carried = tls && !x->resent;
		if (!tls) {
			tls_audit_unask(x->s->audit);
			return;
		}
	}
	tls_audit_answer(x->s->audit, &h->parser.r, why);
}

/* The carried hello met silence: a server may throw bytes pipelined
 * behind STARTTLS away (RFC 9051 §6.2.1), and then its TLS layer still
 * waits for a hello. It goes out again: its answer is the question's,
 * and the injection test runs on a connection of its own. */
static bool
hello_carrier_silent(struct tls_pass_run *x)
{
	x->hello->sent = 0;
	x->resent = true;
	x->s->carried = false;
	return true;
}

/* Feeds n bytes of the answer to the parser; true once it has decided
 * (and the answer is recorded). */
static bool
hello_feed(struct tls_pass_run *x, const uint8_t *p, size_t n)
{
	struct hello_io *h = x->hello;
	int st = tlshello_parser_feed(&h->parser, p, n);

	x->heard = true;
	if (st == TLSHELLO_NEED_MORE)
		return false;
	hello_answered(x, st == TLSHELLO_ERROR ? h->parser.error : NULL);
	return true;
}

/* Writes the ClientHello, then feeds the answer to the parser until it
 * has decided. */
static enum tls_pass_io
hello_step(struct tls_pass_run *x)
{
	struct hello_io *h = x->hello;
	uint8_t buf[READ_CHUNK];

	if (x->nearly > 0) {
		size_t n = x->nearly;

		x->nearly = 0; /* what came behind the STARTTLS reply */
		if (hello_feed(x, x->early, n))
			return TLS_PASS_DONE;
	}

	while (h->sent < h->len) {
		ssize_t w = send(x->fd, h->out + h->sent, h->len - h->sent,
		                 MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return TLS_PASS_WANT_WRITE;
		if (w <= 0) {
			x->why = "connection closed";
			return TLS_PASS_DONE;
		}
		h->sent += (size_t)w;
	}
	for (;;) {
		ssize_t n = recv(x->fd, buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return TLS_PASS_WANT_READ;
		if (n <= 0) {
			/* the parser may have enough: an alert then close */
			if (h->parser.r.kind != TLSHELLO_KIND_NONE)
				hello_answered(x, NULL);
			else
				x->why = "connection closed";
			return TLS_PASS_DONE;
		}
		if (hello_feed(x, buf, (size_t)n))
			return TLS_PASS_DONE;
	}
}

/* The connection ended before the hello had its answer. */
static void
hello_unanswered(struct tls_pass_run *x)
{
	if (x->test) {
		/* no TLS answer: the question and the injection test go
		 * back to connections of their own */
		x->s->carried = false;
		tls_audit_unask(x->s->audit);
	} else if (x->stage == TLS_PASS_EXCHANGE) {
		/* the peer went away silently */
		tls_audit_answer(x->s->audit, NULL,
		                 x->why ? x->why : "connection closed");
	} else {
		tls_audit_abort(x->s->audit, "the STARTTLS preamble failed");
	}
}

static void
hello_finish(struct tls_pass_run *x)
{
	if (x->hello && !x->hello->answered && x->r->tls_audit)
		hello_unanswered(x);
	free(x->hello);
	x->hello = NULL;
	free(x->early);
	x->early = NULL;
	x->nearly = 0;
}

/* --- the handshake without SNI ----------------------------------------- */

/* Does r still want the default certificate? */
static bool
no_sni_due(const struct endpoint_result *r)
{
	return !r->no_sni.tried && r->tls.handshake_done &&
	       r->tls.chain.ncerts > 0 && !r->endpoint.host_is_ip;
}

static bool
reneg_due(const struct endpoint_result *r, const struct tls_pass_opts *o)
{
	return !o->passive && r->tls.handshake_done && !r->reneg.tried;
}

/* The default certificate, before the audit: one library handshake
 * without SNI, when the name could have chosen another. With active
 * probes the renegotiation connection asks for it (see reneg_wanted),
 * and this row only runs when that could not. */
static bool
no_sni_wanted(struct endpoint_result *r, struct tls_pass_scratch *s,
              const struct tls_pass_opts *o)
{
	if (!no_sni_due(r) || (reneg_due(r, o) && !s->alone))
		return false;
	r->no_sni.tried = true;
	return true;
}

static bool
no_sni_open(struct tls_pass_run *x, struct tls_config *cfg, const char *sni)
{
	(void)sni;
	x->tls = tls_conn_new(cfg, x->fd, NULL);
	return tls_pass_opened(x);
}

/* Keeps the leaf of the handshake (or why there is none) and hangs up. */
static enum tls_pass_io
no_sni_step(struct tls_pass_run *x)
{
	struct no_sni_facts *n = &x->r->no_sni;
	enum tls_pass_io io;
	const char *why;

	if (!tls_pass_handshake(x, &io, &why))
		return io;
	if (!why && !keep_no_sni_leaf(x))
		why = "no certificate";
	if (why && !n->error)
		n->error = escape_printable(why, 256);
	return TLS_PASS_DONE;
}

static void
no_sni_finish(struct tls_pass_run *x)
{
	struct no_sni_facts *n = &x->r->no_sni;

	tls_conn_free(x->tls);
	x->tls = NULL;
	if (!n->done && !n->error)
		n->error = xstrdup(x->stage == TLS_PASS_HANDSHAKE
		                       ? "no TLS handshake within the timeout"
		                       : "the connection ended before the "
		                         "handshake");
}

/* --- client renegotiation ---------------------------------------------- */

/* Claims the renegotiation for the next connection. */
static void
reneg_claim(struct endpoint_result *r, struct tls_pass_scratch *s)
{
	r->reneg.tried = true;
	/* one connection for both: a TLS 1.2 handshake without SNI shows
	 * the default certificate, then renegotiates (issue #13) */
	s->reneg_no_sni = !s->alone && no_sni_due(r);
	if (s->reneg_no_sni)
		r->no_sni.tried = true;
}

/* An active extra, also before the audit: a renegotiation on a TLS 1.2
 * session. */
static bool
reneg_wanted(struct endpoint_result *r, struct tls_pass_scratch *s,
             const struct tls_pass_opts *o)
{
	if (!reneg_due(r, o))
		return false;
	reneg_claim(r, s);
	return true;
}

static bool
reneg_open(struct tls_pass_run *x, struct tls_config *cfg, const char *sni)
{
	x->tls =
	    tls_conn_new_tls12(cfg, x->fd, x->s->reneg_no_sni ? NULL : sni);
	return tls_pass_opened(x);
}

/* The shared handshake failed (an alert, a close, no certificate): both
 * questions go back to their own connections, which answer them as if it
 * never happened (a TLS 1.3-only server answers the one without SNI). */
static void
reneg_no_sni_failed(struct tls_pass_run *x)
{
	x->s->reneg_no_sni = false;
	x->s->alone = true;
	x->r->no_sni.tried = false;
	x->r->reneg.tried = false;
}

/* A carried connection got no TLS answer: what it claimed or recorded
 * goes back. */
static void
forget_reneg(struct tls_pass_run *x)
{
	struct endpoint_result *r = x->r;

	free(r->reneg.detail);
	memset(&r->reneg, 0, sizeof(r->reneg));
	if (!r->no_sni.done) {
		free(r->no_sni.error);
		r->no_sni.error = NULL;
		r->no_sni.tried = false;
	}
	x->s->reneg_no_sni = false;
	x->s->alone = false;
}

/* Sets the renegotiation verdict unless one is set. */
static void
reneg_decide(struct tls_pass_run *x, enum reneg_outcome how, const char *why)
{
	struct reneg_facts *g = &x->r->reneg;

	if (g->decided)
		return;
	g->decided = true;
	g->outcome = how;
	g->detail = escape_printable(why, 256);
}

/* Did x's handshake show the main handshake's leaf? Only then was it
 * answered as the audit's hellos (which send the name) are. */
static bool
same_leaf_as_main(struct tls_pass_run *x, bool leaf_kept)
{
	const struct chain_facts *ch = &x->r->tls.chain;
	struct cert_facts leaf;
	bool same;

	if (ch->ncerts == 0)
		return false;
	if (leaf_kept) /* the default certificate is this handshake's */
		return strcmp(x->r->no_sni.leaf_sha256, ch->certs[0].sha256) ==
		       0;
	if (!tls_conn_leaf(x->tls, &leaf))
		return false;
	same = leaf.sha256 && strcmp(leaf.sha256, ch->certs[0].sha256) == 0;
	cert_facts_free(&leaf);
	return same;
}

/* The TLS 1.2 handshake ended; returns true when the renegotiation can
 * start. */
static bool
reneg_handshake_done(struct tls_pass_run *x, const char *why, bool leaf_kept)
{
	char *text = NULL;

	if (why)
		text = xasprintf("no TLS 1.2 handshake: %s", why);
	else if (!tls_conn_is_tls12(x->tls))
		why = "the server did not negotiate TLS 1.2";
	else if (!tls_conn_safe_renegotiation(x->tls))
		why = "no secure renegotiation (RFC 5746), so the client "
		      "does not renegotiate (TLS-RENEGOTIATION-INSECURE)";
	if (why) {
		reneg_decide(x, RENEG_NOT_ASSESSED, text ? text : why);
		free(text);
		return false;
	}
	if (same_leaf_as_main(x, leaf_kept))
		x->s->tls12_suite = tls_suite_by_name(tls_conn_suite(x->tls));
	x->stage = TLS_PASS_EXCHANGE;
	return true;
}

/* Implicit TLS: the greeting comes right after the handshake, and GnuTLS
 * 3.7 loses track of a renegotiation that application data interrupts
 * (the next signature check fails), so it is read first. Returns false
 * with *io_r set while it is still due or the connection is over. */
static bool
reneg_read_greeting(struct tls_pass_run *x, enum tls_pass_io *io_r)
{
	char buf[READ_CHUNK];

	if (x->greeting_read ||
	    x->r->endpoint.service->tls != TLS_MODE_IMPLICIT)
		return true;
	for (;;) {
		size_t got = 0;
		enum tls_io io = tls_conn_read(x->tls, buf, sizeof(buf), &got);

		if (io == TLS_IO_DONE) {
			x->greeting_read = true;
			continue;
		}
		if (io == TLS_IO_WANT_READ || io == TLS_IO_WANT_WRITE) {
			if (x->greeting_read)
				return true;
			*io_r = io == TLS_IO_WANT_READ ? TLS_PASS_WANT_READ
			                               : TLS_PASS_WANT_WRITE;
			return false;
		}
		reneg_decide(x, RENEG_NOT_ASSESSED,
		             io == TLS_IO_EOF ? "the server closed before "
		                                "its greeting"
		                              : tls_conn_error(x->tls));
		*io_r = TLS_PASS_DONE;
		return false;
	}
}

/* The TLS 1.2 handshake, then the renegotiation to the server's
 * answer. */
static enum tls_pass_io
reneg_step(struct tls_pass_run *x)
{
	enum tls_pass_io io;
	const char *why;
	bool leaf_kept = false;

	if (x->stage == TLS_PASS_HANDSHAKE) {
		if (!tls_pass_handshake(x, &io, &why))
			return io;
		if (x->s->reneg_no_sni) {
			if (why || !keep_no_sni_leaf(x)) {
				reneg_no_sni_failed(x);
				return TLS_PASS_DONE;
			}
			x->s->reneg_no_sni = false;
			leaf_kept = true;
		}
		if (!reneg_handshake_done(x, why, leaf_kept))
			return TLS_PASS_DONE;
		return TLS_PASS_NEW_PHASE;
	}
	if (!reneg_read_greeting(x, &io))
		return io;
	if (!x->reneg_started) {
		x->reneg_started = true;
		return TLS_PASS_NEW_PHASE; /* --timeout for the answer */
	}
	switch (tls_conn_renegotiate(x->tls)) {
	case TLS_RENEG_WANT_READ:
		return TLS_PASS_WANT_READ;
	case TLS_RENEG_WANT_WRITE:
		return TLS_PASS_WANT_WRITE;
	case TLS_RENEG_ACCEPTED:
		reneg_decide(x, RENEG_ACCEPTED, tls_conn_error(x->tls));
		break;
	case TLS_RENEG_REFUSED:
		reneg_decide(x, RENEG_REFUSED, tls_conn_error(x->tls));
		break;
	case TLS_RENEG_FAILED:
		reneg_decide(x, RENEG_NOT_ASSESSED, tls_conn_error(x->tls));
		break;
	}
	return TLS_PASS_DONE;
}

/* The renegotiation connection ended without a verdict of its own. */
static void
reneg_finish(struct tls_pass_run *x)
{
	tls_conn_free(x->tls);
	x->tls = NULL;
	if (x->s->reneg_no_sni) {
		/* it ended before the handshake did: silence (or a failed
		 * preamble) would end each of the two alone the same way, so
		 * both are recorded as such rather than waited for twice */
		struct no_sni_facts *n = &x->r->no_sni;
		const char *why = x->stage == TLS_PASS_HANDSHAKE
		                      ? "no TLS handshake within the timeout"
		                      : "the connection ended before the "
		                        "handshake";

		x->s->reneg_no_sni = false;
		if (!n->done && !n->error)
			n->error = xstrdup(why);
	}
	if (x->s->alone && !x->r->reneg.tried)
		return; /* the shared connection failed: asked again */
	switch (x->stage) {
	case TLS_PASS_EXCHANGE:
		/* waiting for a server that ignores the ClientHello is
		 * bounded by --timeout: silence is a refusal too */
		if (x->reneg_started)
			reneg_decide(x, RENEG_REFUSED,
			             "no answer to the new ClientHello within "
			             "the timeout");
		else
			reneg_decide(x, RENEG_NOT_ASSESSED,
			             "no greeting within the timeout");
		break;
	case TLS_PASS_HANDSHAKE:
		reneg_decide(x, RENEG_NOT_ASSESSED,
		             "no TLS 1.2 handshake within the timeout");
		break;
	default:
		reneg_decide(x, RENEG_NOT_ASSESSED,
		             "the connection ended before the handshake");
		break;
	}
}

/* --- the renegotiation connection, carried ------------------------------ */

/* Behind an injection test (issue #13): the same connection, its GnuTLS
 * ClientHello made before connecting and pipelined behind STARTTLS. */
static bool
carried_reneg_prepare(struct tls_pass_run *x)
{
	x->s->carried = false;
	reneg_claim(x->r, x->s);
	x->tls = tls_conn_new_carried_tls12(x->cfg,
	                                    x->s->reneg_no_sni ? NULL : x->sni);
	if (x->tls)
		return true;
	forget_reneg(x);
	return false;
}

static const uint8_t *
carried_reneg_first_flight(struct tls_pass_run *x, size_t *len)
{
	return tls_conn_first_flight(x->tls, len);
}

static bool
carried_reneg_open(struct tls_pass_run *x, struct tls_config *cfg,
                   const char *sni)
{
	(void)cfg;
	(void)sni;
	tls_conn_attach(x->tls, x->fd, x->early, x->nearly);
	x->early = NULL;
	x->nearly = 0;
	return tls_pass_opened(x);
}

static enum tls_pass_io
carried_reneg_step(struct tls_pass_run *x)
{
	enum tls_pass_io io = reneg_step(x);

	if (x->tls) {
		x->heard = tls_conn_heard(x->tls);
		x->s->carried = tls_conn_answered_tls(x->tls);
	}
	return io;
}

/* Without a TLS answer nothing this connection showed counts: the two
 * questions are asked again as if it never happened. */
static void
carried_reneg_finish(struct tls_pass_run *x)
{
	if (x->s->carried) {
		reneg_finish(x);
		return;
	}
	tls_conn_free(x->tls);
	x->tls = NULL;
	forget_reneg(x);
}

void
tls_pass_scratch_free(struct tls_pass_scratch *s)
{
	tls_audit_plan_free(s->audit);
	s->audit = NULL;
	tls_ticket_free(&s->ticket);
}

/* --- the table --------------------------------------------------------- */

static const struct tls_pass no_sni_pass = {
    .name = "no-sni",
    .wanted = no_sni_wanted,
    .open = no_sni_open,
    .step = no_sni_step,
    .finish = no_sni_finish,
};

static const struct tls_pass reneg_pass = {
    .name = "renegotiation",
    .wanted = reneg_wanted,
    .open = reneg_open,
    .step = reneg_step,
    .finish = reneg_finish,
};

static const struct tls_pass hello_pass = {
    .name = "audit-hello",
    .wanted = hello_wanted,
    .prepare = hello_prepare,
    .open = hello_open,
    .step = hello_step,
    .finish = hello_finish,
    .timeout_why = "no answer to the ClientHello (timeout)",
    .first_flight = hello_first_flight,
    .carrier_silent = hello_carrier_silent,
};

static const struct tls_pass carried_reneg_pass = {
    .name = "renegotiation-carried",
    .wanted = reneg_wanted,
    .prepare = carried_reneg_prepare,
    .open = carried_reneg_open,
    .step = carried_reneg_step,
    .finish = carried_reneg_finish,
    .first_flight = carried_reneg_first_flight,
};

const struct tls_pass *
tls_pass_carrier(struct endpoint_result *r, struct tls_pass_scratch *s,
                 const struct tls_pass_opts *o)
{
	if (o->depth == TLS_DEPTH_OFF || o->passive || s->no_carry ||
	    !r->tls.handshake_done)
		return NULL;
	if (hello_wanted(r, s, o) && tls_audit_has_carrier(s->audit))
		return &hello_pass;
	if (reneg_due(r, o) && !s->alone)
		return &carried_reneg_pass;
	return NULL;
}

/* the default certificate and the active extras come before the audit */
const struct tls_pass *const tls_passes[] = {
    &no_sni_pass, &reneg_pass, &tls_pass_early, &hello_pass, NULL};
