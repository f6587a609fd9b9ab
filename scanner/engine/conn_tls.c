/* The special TLS handshakes of the engine: the audit hello, the
 * handshake without SNI, client renegotiation and early data. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"
#include "scanner/engine/engine.h"
#include "scanner/tls/tlsaudit.h"

/* The main connection is over: its TLS 1.3 ticket, if the server sent
 * one while the probe read, is what the early-data pass resumes. */
void
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
void
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

/* TLS audit: writes the ClientHello, then feeds the answer to the
 * parser until it has decided. */
void
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
void
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
void
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
bool
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
void
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
