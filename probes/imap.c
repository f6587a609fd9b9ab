/*
 * The IMAP conversation (RFC 9051, RFC 3501, RFC 2595): greeting,
 * CAPABILITY, STARTTLS on the cleartext port, CAPABILITY again over TLS.
 * Sends no credentials and changes no server state.
 */
#include <stdio.h>
#include <string.h>

#include "probes/imap_reply.h"
#include "probes/probe.h"
#include "probes/probes.h"
#include "probes/service.h"
#include "probes/starttls_checks.h"
#include "scanner/escape.h"
#include "scanner/xalloc.h"

#define EVIDENCE_LINE_MAX 300

enum imap_phase {
	IMAP_PHASE_GREETING,
	IMAP_PHASE_CAPABILITY,
	IMAP_PHASE_STARTTLS,
	IMAP_PHASE_TLS_CAPABILITY,
};

struct imap_state {
	enum imap_phase phase;
	char tag[16];
	bool greeted;
	bool preauth;
	struct strlist greeting_caps;
	struct starttls_outcome starttls;
};

static const char *const phase_names[] = {
	[IMAP_PHASE_GREETING] = "greeting",
	[IMAP_PHASE_CAPABILITY] = "reply to CAPABILITY",
	[IMAP_PHASE_STARTTLS] = "reply to STARTTLS",
	[IMAP_PHASE_TLS_CAPABILITY] = "reply to CAPABILITY over TLS",
};

static struct imap_state *
st(struct probe_ctx *c)
{
	return probe_state(c);
}

/* The only way the phase changes, so transitions stay in one place. */
static enum probe_step
send_command(struct probe_ctx *c, enum imap_phase phase, const char *cmd)
{
	struct imap_state *s = st(c);
	char line[64];

	s->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	snprintf(s->tag, sizeof(s->tag), "%s", probe_new_tag(c));
	snprintf(line, sizeof(line), "%s %s", s->tag, cmd);
	probe_expect(c, PP_EXPECT_IMAP_TAGGED, s->tag);
	probe_send(c, line);
	return PROBE_WAIT;
}

static enum probe_step
imap_start(struct probe_ctx *c)
{
	struct imap_state *s = st(c);

	strlist_init(&s->greeting_caps);
	s->starttls.command = "STARTTLS";
	s->phase = IMAP_PHASE_GREETING;
	probe_waiting_for(c, phase_names[IMAP_PHASE_GREETING]);
	probe_expect(c, PP_EXPECT_LINE, NULL);
	return PROBE_WAIT;
}

static char *
line_evidence(const struct pp_line *l)
{
	return pp_line_escaped(l, EVIDENCE_LINE_MAX);
}

static enum probe_step
on_greeting(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	const struct pp_line *l = &r->lines[0];
	struct imap_line il;

	imap_parse_line(l->text, l->len, &il);
	free(res->banner);
	res->banner = line_evidence(l);
	if (il.kind != IMAP_UNTAGGED || il.cond == IMAP_COND_NONE ||
	    il.cond == IMAP_COND_NO || il.cond == IMAP_COND_BAD) {
		probe_set_status(c, EP_STATUS_PROTOCOL_ERROR,
				 "not an IMAP greeting: %s", res->banner);
		return PROBE_DONE;
	}
	if (il.cond == IMAP_COND_BYE) {
		probe_set_status(c, EP_STATUS_REJECTED,
				 "server refused the connection: %s",
				 res->banner);
		return PROBE_DONE;
	}
	s->greeted = true;
	s->preauth = il.cond == IMAP_COND_PREAUTH;
	imap_line_caps(&il, &s->greeting_caps);
	return send_command(c, IMAP_PHASE_CAPABILITY, "CAPABILITY");
}

/* Collects the capabilities of a CAPABILITY reply; true if it ended OK. */
static bool
collect_caps(const struct pp_reply *r, struct strlist *caps)
{
	struct imap_line il;

	for (size_t i = 0; i + 1 < r->nlines; i++) {
		imap_parse_line(r->lines[i].text, r->lines[i].len, &il);
		imap_line_caps(&il, caps);
	}
	imap_parse_line(r->lines[r->nlines - 1].text,
			r->lines[r->nlines - 1].len, &il);
	if (il.kind == IMAP_TAGGED && il.cond == IMAP_COND_OK)
		imap_line_caps(&il, caps);
	return il.kind == IMAP_TAGGED && il.cond == IMAP_COND_OK;
}

static enum probe_step
on_capability(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	struct strlist *caps =
		probe_tls_active(c) ? &res->caps_after_tls : &res->caps_before_tls;

	if (!collect_caps(r, caps) || caps->n == 0) {
		/* fall back to what the greeting announced */
		strlist_clear(caps);
		for (size_t i = 0; i < s->greeting_caps.n; i++)
			strlist_add(caps, s->greeting_caps.items[i]);
	}
	if (probe_tls_active(c))
		return PROBE_DONE; /* implicit TLS: nothing to upgrade */
	s->starttls.caps_known = caps->n > 0;
	s->starttls.advertised = strlist_has_ci(caps, "STARTTLS");
	if (s->preauth)
		return PROBE_DONE; /* authenticated: STARTTLS is not allowed */
	s->starttls.attempted = true;
	return send_command(c, IMAP_PHASE_STARTTLS, "STARTTLS");
}

static enum probe_step
on_starttls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	const struct pp_line *last = &r->lines[r->nlines - 1];
	struct imap_line il;
	char *extra;

	imap_parse_line(last->text, last->len, &il);
	s->starttls.reply = line_evidence(last);
	if (il.kind != IMAP_TAGGED || il.cond != IMAP_COND_OK)
		return PROBE_DONE;
	s->starttls.accepted = true;
	/* RFC 9051 §6.2.1: TLS starts right after the CRLF of the OK; any
	 * byte already here must not reach TLS or the parser. */
	extra = probe_take_pending(c);
	free(extra);
	return PROBE_UPGRADE_TLS;
}

static enum probe_step
imap_on_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	switch (st(c)->phase) {
	case IMAP_PHASE_GREETING:
		return on_greeting(c, r);
	case IMAP_PHASE_CAPABILITY:
	case IMAP_PHASE_TLS_CAPABILITY:
		return on_capability(c, r);
	case IMAP_PHASE_STARTTLS:
		return on_starttls(c, r);
	}
	return PROBE_DONE;
}

static enum probe_step
imap_on_tls_ready(struct probe_ctx *c)
{
	st(c)->starttls.handshake_done = true;
	/* capabilities learned before TLS are evidence only from now on */
	return send_command(c, IMAP_PHASE_TLS_CAPABILITY, "CAPABILITY");
}

static enum probe_step
imap_on_tls_failed(struct probe_ctx *c, const char *why)
{
	struct imap_state *s = st(c);

	s->starttls.handshake_error = xstrdup(why);
	probe_set_status(c, EP_STATUS_OK,
			 "STARTTLS accepted but the handshake failed");
	return PROBE_DONE;
}

static void
judge_auth_exposure(struct endpoint_result *res)
{
	const struct strlist *caps = &res->caps_before_tls;
	bool logindisabled = strlist_has_ci(caps, "LOGINDISABLED");
	bool plain = strlist_has_ci(caps, "AUTH=PLAIN");
	bool login = strlist_has_ci(caps, "AUTH=LOGIN");

	if (caps->n == 0)
		return;
	if (!logindisabled || plain || login)
		result_add_findingf(
			res, "AUTH-PLAINTEXT-BEFORE-TLS",
			"capabilities before TLS: %s%s%s",
			logindisabled ? "" : "no LOGINDISABLED (LOGIN accepted)",
			(!logindisabled && (plain || login)) ? ", " : "",
			plain && login ? "AUTH=PLAIN and AUTH=LOGIN offered"
			: plain	       ? "AUTH=PLAIN offered"
			: login	       ? "AUTH=LOGIN offered"
				       : "");
	if (logindisabled && (plain || login))
		result_add_findingf(res, "AUTH-LOGINDISABLED-INCONSISTENT",
				    "LOGINDISABLED advertised together with %s "
				    "before TLS",
				    plain && login ? "AUTH=PLAIN and AUTH=LOGIN"
				    : plain	   ? "AUTH=PLAIN"
						   : "AUTH=LOGIN");
}

static void
imap_finish(struct probe_ctx *c, enum probe_end how)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;

	(void)how;
	if (s->greeted) {
		if (cleartext)
			result_add_findingf(res, "SVC-CLEARTEXT-PORT-OPEN",
					    "cleartext IMAP greeting: %s",
					    res->banner);
		if (s->preauth && cleartext)
			result_add_findingf(res, "IMAP-PREAUTH-CLEARTEXT",
					    "greeting: %s", res->banner);
		banner_judge(res, res->banner);
		if (cleartext && !s->preauth)
			judge_auth_exposure(res);
	}
	if (cleartext) {
		s->starttls.still_advertised =
			strlist_has_ci(&res->caps_after_tls, "STARTTLS");
		/* a timeout or close mid-way is not an answer to STARTTLS */
		if (how == PROBE_END_DONE ||
		    s->phase == IMAP_PHASE_TLS_CAPABILITY)
			starttls_judge(res, &s->starttls);
	}
	strlist_free(&s->greeting_caps);
	starttls_outcome_free(&s->starttls);
}

const struct probe_module imap_probe = {
	.name = "imap",
	.state_size = sizeof(struct imap_state),
	.start = imap_start,
	.on_reply = imap_on_reply,
	.on_tls_ready = imap_on_tls_ready,
	.on_tls_failed = imap_on_tls_failed,
	.finish = imap_finish,
};
