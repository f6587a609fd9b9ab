/*
 * The early-data row of scanner/tls/passes.h (TLS-0RTT-ACCEPTED): one
 * more connection resumes the main session's TLS 1.3 ticket with a
 * harmless command as early data.
 */
#include <string.h>

#include "probes/probe.h"
#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"
#include "scanner/tls/passes.h"
#include "scanner/tls/passes_rows.h"

/* An active extra, after the renegotiation: early data with the main
 * session's ticket. */
static bool
early_wanted(struct endpoint_result *r, struct tls_pass_scratch *s,
             const struct tls_pass_opts *o)
{
	if (o->passive || s->ticket.max_early_data == 0 || !s->ticket.data ||
	    !r->endpoint.service->probe->early_data || r->early.tried)
		return false;
	r->early.tried = true;
	return true;
}

static bool
early_open(struct tls_pass_run *x, struct tls_config *cfg, const char *sni)
{
	const char *early = x->r->endpoint.service->probe->early_data;

	x->tls = tls_conn_new_early(cfg, x->fd, sni, &x->s->ticket, early,
	                            strlen(early));
	return tls_pass_opened(x);
}

/* The resumption with early data: what the server made of it. */
static enum tls_pass_io
early_step(struct tls_pass_run *x)
{
	struct early_data_facts *ed = &x->r->early;
	enum tls_pass_io io;
	const char *why;

	if (!tls_pass_handshake(x, &io, &why))
		return io;
	if (!why) {
		ed->resumed = tls_conn_resumed(x->tls);
		ed->accepted = tls_conn_early_data_accepted(x->tls);
		if (!ed->resumed)
			why = "the server did not resume the session";
	}
	if (why && !ed->error)
		ed->error = escape_printable(why, 256);
	return TLS_PASS_DONE;
}

static void
early_finish(struct tls_pass_run *x)
{
	struct early_data_facts *ed = &x->r->early;

	tls_conn_free(x->tls);
	x->tls = NULL;
	tls_ticket_free(&x->s->ticket); /* used up */
	if (!ed->resumed && !ed->error)
		ed->error = xstrdup(x->stage == TLS_PASS_HANDSHAKE
		                        ? "no TLS handshake within the timeout"
		                        : "the connection ended before the "
		                          "handshake");
}

void
tls_passes_after_main(struct endpoint_result *r, struct tls_pass_scratch *s,
                      struct tls_conn *t, const struct tls_pass_opts *o)
{
	struct early_data_facts *ed = &r->early;

	/* its TLS 1.3 ticket, if the server sent one while the probe read,
	 * is what the early-data pass resumes */
	if (o->depth == TLS_DEPTH_OFF || !r->tls.handshake_done ||
	    !r->tls.version || strcmp(r->tls.version, "TLS1.3") != 0 ||
	    ed->checked)
		return;
	ed->checked = true;
	ed->ticket = tls_conn_ticket(t, &s->ticket);
	ed->max_early_data = s->ticket.max_early_data;
}

const struct tls_pass tls_pass_early = {
    .name = "early-data",
    .wanted = early_wanted,
    .open = early_open,
    .step = early_step,
    .finish = early_finish,
};
