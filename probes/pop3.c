/*
 * The POP3 conversation (RFC 1939, RFC 2449, RFC 2595 §4, RFC 5034):
 * greeting (with the APOP timestamp), CAPA, AUTH <mech> probes cancelled
 * at once, STLS on the cleartext port, CAPA again over TLS, NTLM
 * NEGOTIATE; plus the follow-up passes (command injection after STLS,
 * extra plaintext confirmations, cleartext on the implicit port). Never
 * sends USER or PASS, and changes no server state.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/checks/catalog.h"
#include "probes/checks/auth_checks.h"
#include "probes/base64.h"
#include "probes/exchange.h"
#include "probes/ntlm.h"
#include "probes/pop3_reply.h"
#include "probes/probe.h"
#include "probes/probes.h"
#include "probes/service.h"
#include "probes/starttls_checks.h"
#include "scanner/core/xalloc.h"

#define EVIDENCE_LINE_MAX 300
#define MAX_MECHS         10

enum pop3_phase {
	POP3_PHASE_GREETING,
	POP3_PHASE_CAPA,
	POP3_PHASE_AUTH,
	POP3_PHASE_AUTH_CANCEL,
	POP3_PHASE_NTLM,
	POP3_PHASE_STLS,
	POP3_PHASE_TLS_CAPA,
	POP3_PHASE_IMPLICIT_STLS,
	POP3_PHASE_INJECT_STLS,
	POP3_PHASE_INJECT_LISTEN,
	POP3_PHASE_INJECT_CAPA,
	POP3_PHASE_EXTRA_STLS,
	POP3_PHASE_EXTRA_LISTEN,
	POP3_PHASE_PLAIN_GREETING,
	POP3_PHASE_PREAMBLE_STLS,
	POP3_PHASE_STLS_SETTLE,
	POP3_PHASE_PREAMBLE_SETTLE,
};

static const char *const phase_names[] = {
    [POP3_PHASE_GREETING] = "greeting",
    [POP3_PHASE_CAPA] = "reply to CAPA",
    [POP3_PHASE_AUTH] = "reply to AUTH",
    [POP3_PHASE_AUTH_CANCEL] = "reply to the AUTH cancel",
    [POP3_PHASE_NTLM] = "NTLM challenge",
    [POP3_PHASE_STLS] = "reply to STLS",
    [POP3_PHASE_TLS_CAPA] = "reply to CAPA over TLS",
    [POP3_PHASE_IMPLICIT_STLS] = "reply to STLS over TLS",
    [POP3_PHASE_INJECT_STLS] = "reply to a pipelined STLS",
    [POP3_PHASE_INJECT_LISTEN] = "unsolicited data",
    [POP3_PHASE_INJECT_CAPA] = "reply to CAPA",
    [POP3_PHASE_EXTRA_STLS] = "reply to STLS",
    [POP3_PHASE_EXTRA_LISTEN] = "bytes after the STLS +OK",
    [POP3_PHASE_PLAIN_GREETING] = "cleartext greeting",
    [POP3_PHASE_PREAMBLE_STLS] = "reply to STLS",
    [POP3_PHASE_STLS_SETTLE] = "bytes after the STLS +OK",
    [POP3_PHASE_PREAMBLE_SETTLE] = "bytes after the STLS +OK",
};

struct pop3_state {
	enum pop3_phase phase;
	bool greeted;
	char *apop_timestamp;
	struct starttls_outcome starttls;
	struct auth_probes auth;
	struct strlist mechs_before;
	struct strlist mechs_after;
	const char *to_probe[MAX_MECHS];
	size_t nprobe;
	size_t next_probe;
	struct mech_probe *current;
	bool ntlm_done;
	bool implicit_stls_checked;
	char *implicit_stls_reply;
	bool implicit_stls_ok;
};

static struct pop3_state *
st(struct probe_ctx *c)
{
	return probe_state(c);
}

static bool
active(struct probe_ctx *c)
{
	return !probe_options(c)->passive;
}

static char *
line_evidence(const struct pp_line *l)
{
	return pp_line_escaped(l, EVIDENCE_LINE_MAX);
}

static enum probe_step
expect_reply(struct probe_ctx *c, enum pop3_phase phase, pp_endofresp e)
{
	st(c)->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	probe_expect(c, e, NULL);
	return PROBE_WAIT;
}

static enum probe_step
send_command(struct probe_ctx *c, enum pop3_phase phase, const char *cmd,
             pp_endofresp e)
{
	expect_reply(c, phase, e);
	probe_send(c, cmd);
	return PROBE_WAIT;
}

static enum probe_step
listen_quietly(struct probe_ctx *c, enum pop3_phase phase, double seconds)
{
	st(c)->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	probe_wait_quiet(c, seconds);
	return PROBE_WAIT;
}

/* A "+" or "+ text" continuation, as opposed to "+OK". */
static bool
is_continuation(const struct pp_line *l)
{
	return l->len >= 1 && l->text[0] == '+' &&
	       (l->len == 1 || l->text[1] == ' ');
}

static enum probe_step
pop3_start(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);

	strlist_init(&s->mechs_before);
	strlist_init(&s->mechs_after);
	s->starttls.command = "STLS";
	return expect_reply(c,
	                    probe_pass(c) == PASS_PLAINTEXT_CHECK
	                        ? POP3_PHASE_PLAIN_GREETING
	                        : POP3_PHASE_GREETING,
	                    NULL);
}

static enum probe_step next_step(struct probe_ctx *c);

static enum probe_step
probe_next_mechanism(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);
	char cmd[64];

	while (s->next_probe < s->nprobe) {
		const char *m = s->to_probe[s->next_probe++];

		s->current = auth_probes_add(
		    &s->auth, m, true, strlist_has_ci(&s->mechs_before, m));
		if (!s->current)
			break;
		snprintf(cmd, sizeof(cmd), "AUTH %s", m);
		return send_command(c, POP3_PHASE_AUTH, cmd, NULL);
	}
	s->current = NULL;
	return next_step(c);
}

static enum probe_step
next_step(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	bool tls = probe_tls_active(c);
	const struct strlist *mechs = tls ? &s->mechs_after : &s->mechs_before;

	if (active(c) && !s->ntlm_done && strlist_has_ci(mechs, "NTLM")) {
		s->ntlm_done = true;
		s->current = auth_probes_add(&s->auth, "NTLM", !tls, true);
		return send_command(c, POP3_PHASE_AUTH, "AUTH NTLM", NULL);
	}
	if (!tls && cleartext) {
		if (!s->starttls.advertised && !active(c))
			return PROBE_DONE;
		s->starttls.attempted = true;
		return send_command(c, POP3_PHASE_STLS, "STLS", NULL);
	}
	if (active(c) && tls && !cleartext && !s->implicit_stls_checked) {
		s->implicit_stls_checked = true;
		return send_command(c, POP3_PHASE_IMPLICIT_STLS, "STLS", NULL);
	}
	return PROBE_DONE;
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
	if (probe_pass(c) == PROBE_PASS_MAIN) {
		free(res->banner);
		res->banner = line_evidence(l);
	}
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
	if (probe_pass(c) & PROBE_PASS_HELLO)
		return send_command(c, POP3_PHASE_PREAMBLE_STLS, "STLS", NULL);
	switch (probe_pass(c)) {
	case PASS_INJECT_CRLF:
		return send_command(c, POP3_PHASE_INJECT_STLS, "STLS\r\nCAPA",
		                    NULL);
	case PASS_INJECT_LF:
		expect_reply(c, POP3_PHASE_INJECT_STLS, NULL);
		probe_send_raw(c, "STLS\nCAPA\n");
		return PROBE_WAIT;
	case PASS_INJECT_SPLIT:
		send_command(c, POP3_PHASE_INJECT_STLS, "STLS", NULL);
		probe_write_barrier(c);
		probe_send(c, "CAPA");
		return PROBE_WAIT;
	case PASS_EXTRA_1:
	case PASS_EXTRA_2:
	case PASS_EXTRA_3:
		return send_command(c, POP3_PHASE_EXTRA_STLS, "STLS", NULL);
	default:
		break;
	}
	s->greeted = true;
	if (pop3_apop_timestamp(pl.text, pl.text_len, &ts, &tslen))
		s->apop_timestamp = xstrndup(ts, tslen);
	return send_command(c, POP3_PHASE_CAPA, "CAPA", pop3_end_multi);
}

static enum probe_step
on_capa(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool tls = probe_tls_active(c);
	struct strlist *caps =
	    tls ? &res->caps_after_tls : &res->caps_before_tls;
	struct pop3_line pl;

	pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
	/* -ERR: a pre-RFC-2449 server; go on without capabilities */
	if (pl.status == POP3_OK)
		pop3_parse_capa(r, caps);
	if (tls) {
		pop3_caps_sasl_mechs(caps, &s->mechs_after);
		if (res->endpoint.service->tls == TLS_MODE_IMPLICIT)
			pop3_caps_sasl_mechs(caps, &s->mechs_before);
		return next_step(c);
	}
	s->starttls.caps_known = pl.status == POP3_OK;
	s->starttls.advertised = pop3_caps_has(caps, "STLS");
	pop3_caps_sasl_mechs(caps, &s->mechs_before);
	s->nprobe = s->next_probe = 0;
	if (active(c) && res->endpoint.service->tls == TLS_MODE_STARTTLS)
		s->nprobe = auth_mechs_to_probe(&s->mechs_before, s->to_probe,
		                                MAX_MECHS);
	return probe_next_mechanism(c);
}

static enum probe_step
after_mechanism(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);
	bool ntlm = s->current && strcasecmp(s->current->mech, "NTLM") == 0;

	return ntlm ? next_step(c) : probe_next_mechanism(c);
}

static enum probe_step
on_auth(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	const struct pp_line *l = &r->lines[0];
	bool ntlm = s->current && strcasecmp(s->current->mech, "NTLM") == 0;

	if (s->current) {
		free(s->current->reply);
		s->current->reply = line_evidence(l);
	}
	if (!is_continuation(l))
		return after_mechanism(c);
	if (s->current)
		s->current->outcome = MECH_USABLE;
	if (ntlm) {
		expect_reply(c, POP3_PHASE_NTLM, NULL);
		probe_send(c, ntlm_negotiate_base64());
		return PROBE_WAIT;
	}
	/* RFC 5034 §4: "*" cancels the exchange */
	return send_command(c, POP3_PHASE_AUTH_CANCEL, "*", NULL);
}

static enum probe_step
on_ntlm(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	const struct pp_line *l = &r->lines[0];
	uint8_t msg[4096];
	struct ntlm_challenge ch;
	ssize_t n;
	char ev[1024];

	size_t len = l->len;

	if (!is_continuation(l))
		return next_step(c);
	while (len > 2 && (l->text[len - 1] == ' ' || l->text[len - 1] == '\t'))
		len--;
	n = len > 2 ? base64_decode(l->text + 2, len - 2, msg, sizeof(msg))
	            : -1;
	if (n > 0 && ntlm_parse_challenge(msg, (size_t)n, &ch) == 0) {
		if (ntlm_discloses(&ch)) {
			ntlm_describe(&ch, ev, sizeof(ev));
			free(s->auth.ntlm_evidence);
			s->auth.ntlm_evidence = xstrdup(ev);
		}
	}
	return send_command(c, POP3_PHASE_AUTH_CANCEL, "*", NULL);
}

static enum probe_step
on_stls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	const struct pp_line *l = &r->lines[0];
	struct pop3_line pl;

	pop3_parse_line(l->text, l->len, &pl);
	s->starttls.reply = line_evidence(l);
	if (pl.status != POP3_OK)
		return PROBE_DONE;
	s->starttls.accepted = true;
	/* RFC 2595 §4: TLS starts right after the +OK line; whatever else
	 * arrived is dropped, never fed to TLS or the parser */
	if (!starttls_note_pending(c))
		return listen_quietly(c, POP3_PHASE_STLS_SETTLE,
		                      probe_options(c)->quiet_wait_s / 10);
	return PROBE_UPGRADE_TLS;
}

static enum probe_step
on_implicit_stls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	struct pop3_line pl;

	pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
	s->implicit_stls_reply = line_evidence(&r->lines[0]);
	s->implicit_stls_ok = pl.status == POP3_OK;
	return s->implicit_stls_ok ? PROBE_DONE : next_step(c);
}

static void
report_injection(struct probe_ctx *c, const struct pp_reply *r)
{
	char *ev = line_evidence(&r->lines[0]);

	starttls_report_injection(c, "CAPA", ev);
	free(ev);
}

/* TLS audit preamble after the +OK (see starttls_preamble_step). */
static enum probe_step
preamble_settle(struct probe_ctx *c)
{
	int step = starttls_preamble_step(c, st(c)->phase ==
	                                         POP3_PHASE_PREAMBLE_SETTLE);

	if (step >= 0)
		return (enum probe_step)step;
	return listen_quietly(c, POP3_PHASE_PREAMBLE_SETTLE,
	                      probe_options(c)->quiet_wait_s / 10);
}

static enum probe_step
on_inject_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	struct pop3_line pl;

	switch (s->phase) {
	case POP3_PHASE_INJECT_STLS:
		pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
		if (pl.status != POP3_OK)
			return PROBE_DONE;
		free(probe_take_pending(c));
		return PROBE_UPGRADE_TLS;
	case POP3_PHASE_INJECT_LISTEN:
		/* we sent nothing inside TLS: any answer is the injected
		 * command's */
		report_injection(c, r);
		return PROBE_DONE;
	case POP3_PHASE_INJECT_CAPA: {
		char *more = probe_take_pending(c);

		/* two answers to one CAPA: the first was the injected one */
		if (more)
			report_injection(c, r);
		free(more);
		return PROBE_DONE;
	}
	default:
		return PROBE_DONE;
	}
}

static enum probe_step
on_extra_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_state *s = st(c);
	struct pop3_line pl;
	char *extra;

	if (s->phase == POP3_PHASE_EXTRA_LISTEN) {
		extra = line_evidence(&r->lines[0]);
		starttls_note_extra(c, extra);
		free(extra);
		return PROBE_DONE;
	}
	pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
	if (pl.status != POP3_OK)
		return PROBE_DONE;
	if (starttls_note_pending(c))
		return PROBE_DONE;
	return listen_quietly(c, POP3_PHASE_EXTRA_LISTEN,
	                      probe_options(c)->quiet_wait_s / 2);
}

static enum probe_step
on_plain_greeting(struct probe_ctx *c, const struct pp_reply *r)
{
	struct pop3_line pl;
	char *ev = line_evidence(&r->lines[0]);

	pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
	if (pl.status != POP3_MALFORMED)
		result_add_findingf(probe_result(c),
		                    CHECK(IMPLICIT_TLS_PLAINTEXT),
		                    "port %u sent a cleartext greeting instead "
		                    "of TLS: %s",
		                    probe_endpoint(c)->port, ev);
	free(ev);
	return PROBE_DONE;
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
	case POP3_PHASE_AUTH:
		return on_auth(c, r);
	case POP3_PHASE_AUTH_CANCEL:
		return after_mechanism(c);
	case POP3_PHASE_NTLM:
		return on_ntlm(c, r);
	case POP3_PHASE_STLS:
		return on_stls(c, r);
	case POP3_PHASE_IMPLICIT_STLS:
		return on_implicit_stls(c, r);
	case POP3_PHASE_INJECT_STLS:
	case POP3_PHASE_INJECT_LISTEN:
	case POP3_PHASE_INJECT_CAPA:
		return on_inject_reply(c, r);
	case POP3_PHASE_EXTRA_STLS:
	case POP3_PHASE_EXTRA_LISTEN:
		return on_extra_reply(c, r);
	case POP3_PHASE_PLAIN_GREETING:
		return on_plain_greeting(c, r);
	case POP3_PHASE_STLS_SETTLE:
		return starttls_settle_done(c, r);
	case POP3_PHASE_PREAMBLE_STLS: {
		struct pop3_line pl;

		pop3_parse_line(r->lines[0].text, r->lines[0].len, &pl);
		if (pl.status != POP3_OK)
			return PROBE_DONE;
		return preamble_settle(c);
	}
	case POP3_PHASE_PREAMBLE_SETTLE:
		return PROBE_DONE; /* talks past its +OK: no audit */
	}
	return PROBE_DONE;
}

static enum probe_step
pop3_on_tls_ready(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);

	if (s->phase == POP3_PHASE_INJECT_STLS)
		return listen_quietly(c, POP3_PHASE_INJECT_LISTEN,
		                      probe_options(c)->quiet_wait_s);
	s->starttls.handshake_done = true;
	return send_command(c, POP3_PHASE_TLS_CAPA, "CAPA", pop3_end_multi);
}

static enum probe_step
pop3_on_quiet(struct probe_ctx *c)
{
	struct pop3_state *s = st(c);

	if (s->phase == POP3_PHASE_INJECT_LISTEN)
		return send_command(c, POP3_PHASE_INJECT_CAPA, "CAPA",
		                    pop3_end_multi);
	if (s->phase == POP3_PHASE_STLS_SETTLE)
		return starttls_settle_done(c, NULL);
	if (s->phase == POP3_PHASE_PREAMBLE_SETTLE)
		return preamble_settle(c);
	if (s->phase == POP3_PHASE_EXTRA_LISTEN)
		starttls_note_extra(c, NULL);
	return PROBE_DONE;
}

static enum probe_step
pop3_on_tls_failed(struct probe_ctx *c, const char *why)
{
	struct pop3_state *s = st(c);

	if (s->phase != POP3_PHASE_STLS && s->phase != POP3_PHASE_STLS_SETTLE)
		return PROBE_DONE;
	s->starttls.handshake_error = xstrdup(why);
	starttls_note_handshake_failed(c);
	probe_set_status(c, EP_STATUS_OK,
	                 "STLS accepted but the handshake failed");
	return PROBE_DONE;
}

static void
judge_passive_auth(struct endpoint_result *res)
{
	const struct strlist *caps = &res->caps_before_tls;
	bool user = pop3_caps_has(caps, "USER");
	bool plain = pop3_caps_has_sasl(caps, "PLAIN");
	bool login = pop3_caps_has_sasl(caps, "LOGIN");

	if (user || plain || login)
		result_add_findingf(
		    res, CHECK(AUTH_PLAINTEXT_BEFORE_TLS),
		    "CAPA before TLS offers%s%s%s", user ? " USER/PASS" : "",
		    plain ? " SASL PLAIN" : "", login ? " SASL LOGIN" : "");
}

static void
judge_implementation(struct endpoint_result *res)
{
	for (int k = 0; k < 2; k++) {
		const struct strlist *l =
		    k == 0 ? &res->caps_before_tls : &res->caps_after_tls;

		for (size_t i = 0; i < l->n; i++)
			if (strncasecmp(l->items[i], "IMPLEMENTATION ", 15) ==
			    0) {
				result_add_findingf(
				    res, CHECK(INFO_POP3_IMPLEMENTATION),
				    "CAPA: %s", l->items[i]);
				return;
			}
	}
}

static void
judge_main(struct probe_ctx *c, enum probe_end how)
{
	struct pop3_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	struct starttls_memo *m = probe_memo(c, sizeof(*m));
	const struct strlist *after = &res->caps_after_tls;
	char fqdn[256];
	struct auth_context actx = {
	    .advertised_before = &s->mechs_before,
	    .advertised_after = cleartext ? &s->mechs_after : &s->mechs_before,
	    .tls_capabilities_known = after->n > 0,
	    .no_login_after_tls = !pop3_caps_has(after, "USER"),
	    .cleartext_port = cleartext,
	};

	if (!s->greeted)
		return;
	if (cleartext)
		result_add_findingf(res, CHECK(SVC_CLEARTEXT_PORT_OPEN),
		                    "cleartext POP3 greeting: %s", res->banner);
	if (s->apop_timestamp)
		result_add_findingf(res, CHECK(AUTH_APOP_OFFERED),
		                    "APOP challenge in the greeting: %s",
		                    s->apop_timestamp);
	banner_judge(res, res->banner);
	if (res->banner &&
	    exchange_backend_fqdn(res->banner, fqdn, sizeof(fqdn)))
		result_add_findingf(res, CHECK(INFO_EXCHANGE_BACKEND_FQDN),
		                    "the greeting's trailing base64 decodes to "
		                    "the back-end host %s",
		                    fqdn);
	judge_implementation(res);
	if (cleartext)
		judge_passive_auth(res);
	auth_judge(res, &s->auth, &actx);
	if (cleartext) {
		/* a +OK, then a close while we listened for extra bytes: the
		 * upgrade failed as surely as a handshake that dies at once */
		if (how == PROBE_END_CLOSED &&
		    s->phase == POP3_PHASE_STLS_SETTLE)
			(void)pop3_on_tls_failed(c, "the server closed the "
			                            "connection after the +OK");
		s->starttls.still_advertised =
		    pop3_caps_has(&res->caps_after_tls, "STLS");
		if (how == PROBE_END_DONE || s->starttls.handshake_done ||
		    s->starttls.handshake_error)
			starttls_judge(res, &s->starttls);
		if (probe_options(c)->passive && !s->starttls.attempted &&
		    s->starttls.caps_known && !s->starttls.advertised)
			result_add_findingf(res, CHECK(STARTTLS_MISSING),
			                    "STLS not in CAPA (passive scan: "
			                    "the command was not tried)");
		m->starttls_ok = s->starttls.handshake_done;
	} else if (s->implicit_stls_ok) {
		/* RFC 9051's rule is IMAP's; for POP3S it is advisory */
		result_add_finding_sev(res, CHECK(STARTTLS_ON_IMPLICIT_PORT),
		                       SEV_INFO,
		                       "STLS inside implicit TLS was answered "
		                       "%s",
		                       s->implicit_stls_reply);
	}
}

static void
pop3_finish(struct probe_ctx *c, enum probe_end how)
{
	struct pop3_state *s = st(c);

	if (probe_pass(c) == PROBE_PASS_MAIN)
		judge_main(c, how);
	free(s->apop_timestamp);
	s->apop_timestamp = NULL;
	strlist_free(&s->mechs_before);
	strlist_free(&s->mechs_after);
	starttls_outcome_free(&s->starttls);
	auth_probes_free(&s->auth);
	free(s->implicit_stls_reply);
}

const struct probe_module pop3_probe = {
    .name = "pop3",
    .state_size = sizeof(struct pop3_state),
    .start = pop3_start,
    .on_reply = pop3_on_reply,
    .on_tls_ready = pop3_on_tls_ready,
    .on_tls_failed = pop3_on_tls_failed,
    .finish = pop3_finish,
    .on_quiet = pop3_on_quiet,
    .next_pass = starttls_next_pass,
    /* NOOP is for the TRANSACTION state only; CAPA works before login */
    .early_data = "CAPA\r\n",
};
