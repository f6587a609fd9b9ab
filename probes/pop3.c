/*
 * The POP3 conversation (RFC 1939, RFC 2449, RFC 2595 §4): greeting
 * (with the APOP timestamp), CAPA, STLS on the cleartext port, CAPA again
 * over TLS. Sends no credentials (never USER or PASS) and changes no
 * server state.
 */
#include <string.h>

#include "probes/pop3_reply.h"
#include "probes/probe.h"
#include "probes/probes.h"
#include "probes/service.h"
#include "probes/starttls_checks.h"
#include "scanner/xalloc.h"

#define EVIDENCE_LINE_MAX 300

enum pop3_phase {
	POP3_PHASE_GREETING,
	POP3_PHASE_CAPA,
	POP3_PHASE_STLS,
	POP3_PHASE_TLS_CAPA,
};

struct pop3_state {
	enum pop3_phase phase;
	bool greeted;
	char *apop_timestamp;
	struct starttls_outcome starttls;
};

static const char *const phase_names[] = {
	[POP3_PHASE_GREETING] = "greeting",
	[POP3_PHASE_CAPA] = "reply to CAPA",
	[POP3_PHASE_STLS] = "reply to STLS",
	[POP3_PHASE_TLS_CAPA] = "reply to CAPA over TLS",
};

static struct pop3_state *
st(struct probe_ctx *c)
{
	return probe_state(c);
}

static enum probe_step
send_command(struct probe_ctx *c, enum pop3_phase phase, const char *cmd)
{
	st(c)->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	probe_expect(c,
		     phase == POP3_PHASE_STLS ? PP_EXPECT_LINE
					      : PP_EXPECT_POP3_MULTI,
		     NULL);
	probe_send(c, cmd);
	return PROBE_WAIT;
}

static enum probe_step
pop3_start(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);

	s->starttls.command = "STLS";
	s->phase = POP3_PHASE_GREETING;
	probe_waiting_for(c, phase_names[POP3_PHASE_GREETING]);
	probe_expect(c, PP_EXPECT_LINE, NULL);
	return PROBE_WAIT;
}

static enum probe_step
on_greeting(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	const struct pp_line *l = &r->lines[0];
	struct pop3_line pl;
	const char *ts;
	size_t tslen;

	pop3_parse_line(l->text, l->len, &pl);
	free(res->banner);
	res->banner = pp_line_escaped(l, EVIDENCE_LINE_MAX);
	if (pl.status == POP3_ERR) {
		/* [IN-USE], [SYS/TEMP], throttling: not an answer about TLS */
		probe_set_status(c, EP_STATUS_REJECTED,
				 "server refused the connection: %s",
				 res->banner);
		return PROBE_DONE;
	}
	if (pl.status != POP3_OK) {
		probe_set_status(c, EP_STATUS_PROTOCOL_ERROR,
				 "not a POP3 greeting: %s", res->banner);
		return PROBE_DONE;
	}
	s->greeted = true;
	if (pop3_apop_timestamp(pl.text, pl.text_len, &ts, &tslen))
		s->apop_timestamp = xstrndup(ts, tslen);
	return send_command(c, POP3_PHASE_CAPA, "CAPA");
}

static enum probe_step
on_capa(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	struct strlist *caps =
		probe_tls_active(c) ? &res->caps_after_tls : &res->caps_before_tls;
	struct pop3_line pl;

	pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
	/* -ERR: a pre-RFC-2449 server; go on without capabilities */
	if (pl.status == POP3_OK)
		pop3_parse_capa(r, caps);
	if (probe_tls_active(c))
		return PROBE_DONE;
	s->starttls.caps_known = pl.status == POP3_OK;
	s->starttls.advertised = pop3_caps_has(caps, "STLS");
	s->starttls.attempted = true;
	return send_command(c, POP3_PHASE_STLS, "STLS");
}

static enum probe_step
on_stls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	const struct pp_line *l = &r->lines[0];
	struct pop3_line pl;

	pop3_parse_line(l->text, l->len, &pl);
	s->starttls.reply = pp_line_escaped(l, EVIDENCE_LINE_MAX);
	if (pl.status != POP3_OK)
		return PROBE_DONE;
	s->starttls.accepted = true;
	/* RFC 2595 §4: TLS starts right after the +OK line; whatever else
	 * arrived is dropped, never fed to TLS or the parser */
	free(probe_take_pending(c));
	return PROBE_UPGRADE_TLS;
}

static enum probe_step
pop3_on_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	switch (st(c)->phase) {
	case POP3_PHASE_GREETING:
		return on_greeting(c, r);
	case POP3_PHASE_CAPA:
	case POP3_PHASE_TLS_CAPA:
		return on_capa(c, r);
	case POP3_PHASE_STLS:
		return on_stls(c, r);
	}
	return PROBE_DONE;
}

static enum probe_step
pop3_on_tls_ready(struct probe_ctx *c)
{
	st(c)->starttls.handshake_done = true;
	return send_command(c, POP3_PHASE_TLS_CAPA, "CAPA");
}

static enum probe_step
pop3_on_tls_failed(struct probe_ctx *c, const char *why)
{
	st(c)->starttls.handshake_error = xstrdup(why);
	probe_set_status(c, EP_STATUS_OK,
			 "STLS accepted but the handshake failed");
	return PROBE_DONE;
}

static void
judge_auth_exposure(struct endpoint_result *res)
{
	const struct strlist *caps = &res->caps_before_tls;
	bool user = pop3_caps_has(caps, "USER");
	bool plain = pop3_caps_has_sasl(caps, "PLAIN");
	bool login = pop3_caps_has_sasl(caps, "LOGIN");

	if (user || plain || login)
		result_add_findingf(res, "AUTH-PLAINTEXT-BEFORE-TLS",
				    "CAPA before TLS offers%s%s%s",
				    user ? " USER/PASS" : "",
				    plain ? " SASL PLAIN" : "",
				    login ? " SASL LOGIN" : "");
}

static void
pop3_finish(struct probe_ctx *c, enum probe_end how)
{
	struct pop3_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;

	if (s->greeted) {
		if (cleartext)
			result_add_findingf(res, "SVC-CLEARTEXT-PORT-OPEN",
					    "cleartext POP3 greeting: %s",
					    res->banner);
		if (s->apop_timestamp)
			result_add_findingf(res, "AUTH-APOP-OFFERED",
					    "APOP challenge in the greeting: %s",
					    s->apop_timestamp);
		banner_judge(res, res->banner);
		if (cleartext)
			judge_auth_exposure(res);
	}
	if (cleartext) {
		s->starttls.still_advertised =
			pop3_caps_has(&res->caps_after_tls, "STLS");
		if (how == PROBE_END_DONE || s->phase == POP3_PHASE_TLS_CAPA)
			starttls_judge(res, &s->starttls);
	}
	free(s->apop_timestamp);
	s->apop_timestamp = NULL;
	starttls_outcome_free(&s->starttls);
}

const struct probe_module pop3_probe = {
	.name = "pop3",
	.state_size = sizeof(struct pop3_state),
	.start = pop3_start,
	.on_reply = pop3_on_reply,
	.on_tls_ready = pop3_on_tls_ready,
	.on_tls_failed = pop3_on_tls_failed,
	.finish = pop3_finish,
};
