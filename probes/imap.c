/*
 * The IMAP conversation (RFC 9051, RFC 3501, RFC 2595, RFC 2971): greeting,
 * CAPABILITY, mechanism probes cancelled at once, STARTTLS on the
 * cleartext port, CAPABILITY again over TLS, NTLM NEGOTIATE and ID NIL;
 * plus the follow-up passes (command injection after STARTTLS, extra
 * plaintext confirmations, cleartext on the implicit port). Sends no
 * credentials and changes no server state.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/checks/catalog.h"
#include "probes/checks/auth_checks.h"
#include "probes/base64.h"
#include "probes/exchange.h"
#include "probes/imap_id.h"
#include "probes/imap_reply.h"
#include "probes/ntlm.h"
#include "probes/probe.h"
#include "probes/probes.h"
#include "probes/service.h"
#include "probes/starttls_checks.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

#define EVIDENCE_LINE_MAX 300
/* An injected command with a tag no honest reply can carry. */
#define INJECT_TAG "QWXYZ"

enum imap_phase {
	IMAP_PHASE_GREETING,
	IMAP_PHASE_CAPABILITY,
	IMAP_PHASE_AUTH,        /* AUTHENTICATE <mech> */
	IMAP_PHASE_AUTH_CANCEL, /* "*" sent after "+" */
	IMAP_PHASE_NTLM,        /* NEGOTIATE sent after "+" */
	IMAP_PHASE_STARTTLS,
	IMAP_PHASE_TLS_CAPABILITY,
	IMAP_PHASE_ID,
	IMAP_PHASE_IMPLICIT_STARTTLS,
	IMAP_PHASE_INJECT_STARTTLS,
	IMAP_PHASE_INJECT_LISTEN, /* quiet wait inside TLS */
	IMAP_PHASE_INJECT_NOOP,
	IMAP_PHASE_EXTRA_STARTTLS,
	IMAP_PHASE_EXTRA_LISTEN,
	IMAP_PHASE_PLAIN_GREETING,
	IMAP_PHASE_PREAMBLE_STARTTLS,
	IMAP_PHASE_STARTTLS_SETTLE, /* a moment for bytes after the OK */
	IMAP_PHASE_PREAMBLE_SETTLE,
};

static const char *const phase_names[] = {
    [IMAP_PHASE_GREETING] = "greeting",
    [IMAP_PHASE_CAPABILITY] = "reply to CAPABILITY",
    [IMAP_PHASE_AUTH] = "reply to AUTHENTICATE",
    [IMAP_PHASE_AUTH_CANCEL] = "reply to the AUTHENTICATE cancel",
    [IMAP_PHASE_NTLM] = "NTLM challenge",
    [IMAP_PHASE_STARTTLS] = "reply to STARTTLS",
    [IMAP_PHASE_TLS_CAPABILITY] = "reply to CAPABILITY over TLS",
    [IMAP_PHASE_ID] = "reply to ID",
    [IMAP_PHASE_IMPLICIT_STARTTLS] = "reply to STARTTLS over TLS",
    [IMAP_PHASE_INJECT_STARTTLS] = "reply to a pipelined STARTTLS",
    [IMAP_PHASE_INJECT_LISTEN] = "unsolicited data",
    [IMAP_PHASE_INJECT_NOOP] = "reply to NOOP",
    [IMAP_PHASE_EXTRA_STARTTLS] = "reply to STARTTLS",
    [IMAP_PHASE_EXTRA_LISTEN] = "bytes after the STARTTLS OK",
    [IMAP_PHASE_PLAIN_GREETING] = "cleartext greeting",
    [IMAP_PHASE_PREAMBLE_STARTTLS] = "reply to STARTTLS",
    [IMAP_PHASE_STARTTLS_SETTLE] = "bytes after the STARTTLS OK",
    [IMAP_PHASE_PREAMBLE_SETTLE] = "bytes after the STARTTLS OK",
};

#define MAX_MECHS 10

struct imap_state {
	enum imap_phase phase;
	char tag[16];
	bool greeted;
	bool preauth;
	struct strlist greeting_caps;
	struct starttls_outcome starttls;
	struct auth_probes auth;
	struct strlist mechs_before; /* AUTH=<m> before TLS (or implicit) */
	struct strlist mechs_after;
	const char *to_probe[MAX_MECHS];
	size_t nprobe;
	size_t next_probe;
	struct mech_probe *current;
	bool ntlm_done;
	bool id_done;
	bool capability_in_ok;
	char *capability_in_ok_text;
	bool implicit_starttls_checked;
	char *implicit_starttls_reply;
	bool implicit_starttls_bad;
};

static struct imap_state *
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

/* Sends "TAG cmd" and waits for the tagged reply: the only way the
 * phase changes while a reply is due. */
static enum probe_step
send_command(struct probe_ctx *c, enum imap_phase phase, const char *cmd)
{
	struct imap_state *s = st(c);
	char line[128];

	s->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	snprintf(s->tag, sizeof(s->tag), "%s", probe_new_tag(c));
	snprintf(line, sizeof(line), "%s %s", s->tag, cmd);
	probe_expect(c, imap_end_tagged, s->tag);
	probe_send(c, line);
	return PROBE_WAIT;
}

/* A line sent in answer to a "+" continuation, same tag still due. */
static enum probe_step
send_continuation(struct probe_ctx *c, enum imap_phase phase, const char *line)
{
	struct imap_state *s = st(c);

	s->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	probe_expect(c, imap_end_tagged, s->tag);
	probe_send(c, line);
	return PROBE_WAIT;
}

static enum probe_step
listen_quietly(struct probe_ctx *c, enum imap_phase phase, double seconds)
{
	st(c)->phase = phase;
	probe_waiting_for(c, phase_names[phase]);
	probe_wait_quiet(c, seconds);
	return PROBE_WAIT;
}

static void
parse_last(const struct pp_reply *r, struct imap_line *il)
{
	const struct pp_line *l = &r->lines[r->nlines - 1];

	imap_parse_line(l->text, l->len, il);
}

static bool
reply_is_ok(const struct pp_reply *r)
{
	struct imap_line il;

	parse_last(r, &il);
	return il.kind == IMAP_TAGGED && il.cond == IMAP_COND_OK;
}

/* AUTH=<mech> atoms of a capability list. */
static void
mechs_of(const struct strlist *caps, struct strlist *out)
{
	for (size_t i = 0; i < caps->n; i++)
		if (strncasecmp(caps->items[i], "AUTH=", 5) == 0 &&
		    caps->items[i][5])
			strlist_add(out, caps->items[i] + 5);
}

static enum probe_step
imap_start(struct probe_ctx *c)
{
	struct imap_state *s = st(c);
	int pass = probe_pass(c);

	strlist_init(&s->greeting_caps);
	strlist_init(&s->mechs_before);
	strlist_init(&s->mechs_after);
	s->starttls.command = "STARTTLS";
	s->phase = pass == PASS_PLAINTEXT_CHECK ? IMAP_PHASE_PLAIN_GREETING
	                                        : IMAP_PHASE_GREETING;
	probe_waiting_for(c, phase_names[s->phase]);
	probe_expect(c, NULL, NULL);
	return PROBE_WAIT;
}

/* --- what follows the capability list, in order --- */

static enum probe_step next_step(struct probe_ctx *c);

static enum probe_step
probe_next_mechanism(struct probe_ctx *c)
{
	struct imap_state *s = st(c);
	bool before = !probe_tls_active(c);
	const struct strlist *adv = before ? &s->mechs_before : &s->mechs_after;
	char cmd[64];

	while (s->next_probe < s->nprobe) {
		const char *m = s->to_probe[s->next_probe++];

		s->current = auth_probes_add(&s->auth, m, before,
		                             strlist_has_ci(adv, m));
		if (!s->current)
			break;
		snprintf(cmd, sizeof(cmd), "AUTHENTICATE %s", m);
		return send_command(c, IMAP_PHASE_AUTH, cmd);
	}
	s->current = NULL;
	return next_step(c);
}

/* The active probes that run on the connection as it is now, then
 * STARTTLS or the end. */
static enum probe_step
next_step(struct probe_ctx *c)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	bool tls = probe_tls_active(c);
	const struct strlist *caps =
	    tls ? &res->caps_after_tls : &res->caps_before_tls;
	const struct strlist *mechs = tls ? &s->mechs_after : &s->mechs_before;

	if (active(c) && !s->ntlm_done && strlist_has_ci(mechs, "NTLM")) {
		s->ntlm_done = true;
		s->current = auth_probes_add(&s->auth, "NTLM", !tls, true);
		return send_command(c, IMAP_PHASE_AUTH, "AUTHENTICATE NTLM");
	}
	if (!tls && cleartext && !s->preauth) {
		if (!s->starttls.advertised && !active(c)) {
			/* passive: an unadvertised STARTTLS is not tried */
			return PROBE_DONE;
		}
		s->starttls.attempted = true;
		return send_command(c, IMAP_PHASE_STARTTLS, "STARTTLS");
	}
	if (active(c) && tls && !cleartext && !s->implicit_starttls_checked) {
		s->implicit_starttls_checked = true;
		return send_command(c, IMAP_PHASE_IMPLICIT_STARTTLS,
		                    "STARTTLS");
	}
	if (active(c) && !s->id_done && strlist_has_ci(caps, "ID") &&
	    (tls || !cleartext || !s->starttls.accepted)) {
		s->id_done = true;
		return send_command(c, IMAP_PHASE_ID, "ID NIL");
	}
	return PROBE_DONE;
}

static enum probe_step
after_capabilities(struct probe_ctx *c)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool tls = probe_tls_active(c);

	if (!tls) {
		s->starttls.caps_known = res->caps_before_tls.n > 0;
		s->starttls.advertised =
		    strlist_has_ci(&res->caps_before_tls, "STARTTLS");
		mechs_of(&res->caps_before_tls, &s->mechs_before);
	} else {
		mechs_of(&res->caps_after_tls, &s->mechs_after);
		if (res->endpoint.service->tls == TLS_MODE_IMPLICIT)
			mechs_of(&res->caps_after_tls, &s->mechs_before);
	}
	/* mechanism probes where they matter: before TLS on the cleartext
	 * port (can a password or token go out in the clear?) */
	s->nprobe = 0;
	s->next_probe = 0;
	if (active(c) && !tls && !s->preauth &&
	    res->endpoint.service->tls == TLS_MODE_STARTTLS)
		s->nprobe = auth_mechs_to_probe(&s->mechs_before, s->to_probe,
		                                MAX_MECHS);
	return probe_next_mechanism(c);
}

/* --- reply handlers --- */

static enum probe_step
on_greeting(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	const struct pp_line *l = &r->lines[0];
	struct imap_line il;
	int pass = probe_pass(c);

	imap_parse_line(l->text, l->len, &il);
	if (pass == PROBE_PASS_MAIN) {
		free(res->banner);
		res->banner = line_evidence(l);
	}
	if (il.kind != IMAP_UNTAGGED || il.cond == IMAP_COND_NONE ||
	    il.cond == IMAP_COND_NO || il.cond == IMAP_COND_BAD) {
		probe_set_status(c, EP_STATUS_PROTOCOL_ERROR,
		                 "not an IMAP greeting: %s",
		                 res->banner ? res->banner : "");
		return PROBE_DONE;
	}
	if (il.cond == IMAP_COND_BYE) {
		probe_set_status(c, EP_STATUS_REJECTED,
		                 "server refused the connection: %s",
		                 res->banner);
		return PROBE_DONE;
	}
	if (pass & PROBE_PASS_HELLO)
		return send_command(c, IMAP_PHASE_PREAMBLE_STARTTLS,
		                    "STARTTLS");
	switch (pass) {
	case PASS_INJECT_CRLF:
		return send_command(c, IMAP_PHASE_INJECT_STARTTLS,
		                    "STARTTLS\r\n" INJECT_TAG " NOOP");
	case PASS_INJECT_LF:
		s->phase = IMAP_PHASE_INJECT_STARTTLS;
		probe_waiting_for(c, phase_names[s->phase]);
		snprintf(s->tag, sizeof(s->tag), "%s", probe_new_tag(c));
		{
			char line[64];

			/* bare LF: a parser differential (CVE-2022-28220) */
			snprintf(line, sizeof(line),
			         "%s STARTTLS\n" INJECT_TAG " NOOP\n", s->tag);
			probe_expect(c, imap_end_tagged, s->tag);
			probe_send_raw(c, line);
		}
		return PROBE_WAIT;
	case PASS_INJECT_SPLIT:
		send_command(c, IMAP_PHASE_INJECT_STARTTLS, "STARTTLS");
		probe_write_barrier(c);
		probe_send(c, INJECT_TAG " NOOP");
		return PROBE_WAIT;
	case PASS_EXTRA_1:
	case PASS_EXTRA_2:
	case PASS_EXTRA_3:
		return send_command(c, IMAP_PHASE_EXTRA_STARTTLS, "STARTTLS");
	default:
		break;
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
	parse_last(r, &il);
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
		if (!probe_tls_active(c) ||
		    res->endpoint.service->tls == TLS_MODE_IMPLICIT)
			for (size_t i = 0; i < s->greeting_caps.n; i++)
				strlist_add(caps, s->greeting_caps.items[i]);
	}
	return after_capabilities(c);
}

static enum probe_step
on_auth(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	const struct pp_line *last = &r->lines[r->nlines - 1];
	struct imap_line il;
	bool ntlm = s->current && strcasecmp(s->current->mech, "NTLM") == 0;

	imap_parse_line(last->text, last->len, &il);
	if (s->current) {
		free(s->current->reply);
		s->current->reply = line_evidence(last);
	}
	if (il.kind == IMAP_CONTINUATION) {
		if (s->current)
			s->current->outcome = MECH_USABLE;
		/* NTLM: the type-1 message carries no identity (P10) */
		if (ntlm && s->phase == IMAP_PHASE_AUTH)
			return send_continuation(c, IMAP_PHASE_NTLM,
			                         ntlm_negotiate_base64());
		return send_continuation(c, IMAP_PHASE_AUTH_CANCEL, "*");
	}
	/* refused: never send the blob after a NO (it would become a
	 * command, checks.md P10) */
	return s->current && ntlm ? next_step(c) : probe_next_mechanism(c);
}

static void
decode_ntlm_challenge(struct imap_state *s, const struct pp_line *l)
{
	struct imap_line il;
	uint8_t msg[4096];
	struct ntlm_challenge ch;
	ssize_t n;
	char ev[1024];

	imap_parse_line(l->text, l->len, &il);
	while (il.text_len > 0 && (il.text[il.text_len - 1] == ' ' ||
	                           il.text[il.text_len - 1] == '\t'))
		il.text_len--;
	if (il.kind != IMAP_CONTINUATION || il.text_len == 0)
		return;
	n = base64_decode(il.text, il.text_len, msg, sizeof(msg));
	if (n <= 0 || ntlm_parse_challenge(msg, (size_t)n, &ch) < 0)
		return;
	if (ntlm_discloses(&ch)) {
		ntlm_describe(&ch, ev, sizeof(ev));
		free(s->auth.ntlm_evidence);
		s->auth.ntlm_evidence = xstrdup(ev);
	}
}

static enum probe_step
on_ntlm(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	const struct pp_line *last = &r->lines[r->nlines - 1];

	decode_ntlm_challenge(s, last);
	if (last->len > 0 && last->text[0] == '+')
		return send_continuation(c, IMAP_PHASE_AUTH_CANCEL, "*");
	return next_step(c);
}

static enum probe_step
on_starttls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	const struct pp_line *last = &r->lines[r->nlines - 1];
	struct imap_line il;

	imap_parse_line(last->text, last->len, &il);
	s->starttls.reply = line_evidence(last);
	if (il.kind != IMAP_TAGGED || il.cond != IMAP_COND_OK)
		return PROBE_DONE;
	s->starttls.accepted = true;
	if (il.code && il.code_len >= 10 &&
	    strncasecmp(il.code, "CAPABILITY", 10) == 0) {
		s->capability_in_ok = true;
		s->capability_in_ok_text = xstrdup(s->starttls.reply);
	}
	/* RFC 9051 §6.2.1: TLS starts right after the CRLF of the OK; any
	 * byte already here must not reach TLS or the parser. */
	if (!starttls_note_pending(c))
		return listen_quietly(c, IMAP_PHASE_STARTTLS_SETTLE,
		                      probe_options(c)->quiet_wait_s / 10);
	return PROBE_UPGRADE_TLS;
}

static enum probe_step
on_id(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_id id;
	char ev[1024];

	if (imap_id_parse(r, &id) == IMAP_ID_PARSED) {
		if (imap_id_discloses(&id, ev, sizeof(ev)))
			result_add_findingf(probe_result(c),
			                    CHECK(INFO_IMAP_ID_DISCLOSURE),
			                    "ID NIL answered with %s", ev);
		imap_id_free(&id);
	}
	return next_step(c);
}

static enum probe_step
on_implicit_starttls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	struct imap_line il;

	parse_last(r, &il);
	s->implicit_starttls_reply = line_evidence(&r->lines[r->nlines - 1]);
	s->implicit_starttls_bad =
	    il.kind == IMAP_TAGGED && il.cond == IMAP_COND_BAD;
	if (il.kind == IMAP_TAGGED && il.cond == IMAP_COND_OK)
		return PROBE_DONE; /* it now expects a handshake: hang up */
	return next_step(c);
}

/* Did a reply to the injected command arrive inside TLS? */
static bool
shows_injection(const struct pp_reply *r)
{
	const size_t n = sizeof(INJECT_TAG) - 1;

	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].len > n &&
		    memcmp(r->lines[i].text, INJECT_TAG, n) == 0 &&
		    r->lines[i].text[n] == ' ')
			return true;
	return false;
}

/* The line that answered the injected command. */
static char *
injection_evidence(const struct pp_reply *r)
{
	for (size_t i = 0; i < r->nlines; i++)
		if (strncmp(r->lines[i].text, INJECT_TAG, 5) == 0)
			return line_evidence(&r->lines[i]);
	return NULL;
}

/* TLS audit preamble after the OK (see starttls_preamble_step). */
static enum probe_step
preamble_settle(struct probe_ctx *c)
{
	int step = starttls_preamble_step(c, st(c)->phase ==
	                                         IMAP_PHASE_PREAMBLE_SETTLE);

	if (step >= 0)
		return (enum probe_step)step;
	return listen_quietly(c, IMAP_PHASE_PREAMBLE_SETTLE,
	                      probe_options(c)->quiet_wait_s / 10);
}

static enum probe_step
on_inject_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);

	switch (s->phase) {
	case IMAP_PHASE_INJECT_STARTTLS:
		if (!reply_is_ok(r))
			return PROBE_DONE;
		/* a plaintext answer to the injected command is fine */
		free(probe_take_pending(c));
		return PROBE_UPGRADE_TLS;
	case IMAP_PHASE_INJECT_LISTEN:
	case IMAP_PHASE_INJECT_NOOP:
		if (shows_injection(r)) {
			char *ev = injection_evidence(r);

			starttls_report_injection(c, INJECT_TAG " NOOP", ev);
			free(ev);
			return PROBE_DONE;
		}
		if (s->phase == IMAP_PHASE_INJECT_NOOP)
			return PROBE_DONE;
		/* an unrelated unsolicited line: keep listening */
		return listen_quietly(c, IMAP_PHASE_INJECT_LISTEN,
		                      probe_options(c)->quiet_wait_s);
	default:
		return PROBE_DONE;
	}
}

static enum probe_step
on_extra_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_state *s = st(c);
	char *extra;

	if (s->phase == IMAP_PHASE_EXTRA_LISTEN) {
		/* a whole line arrived while we listened */
		extra = line_evidence(&r->lines[0]);
		starttls_note_extra(c, extra);
		free(extra);
		return PROBE_DONE;
	}
	if (!reply_is_ok(r))
		return PROBE_DONE;
	if (starttls_note_pending(c))
		return PROBE_DONE;
	/* bytes may follow in a later segment: listen briefly */
	return listen_quietly(c, IMAP_PHASE_EXTRA_LISTEN,
	                      probe_options(c)->quiet_wait_s / 2);
}

static enum probe_step
on_plain_greeting(struct probe_ctx *c, const struct pp_reply *r)
{
	struct imap_line il;
	char *ev = line_evidence(&r->lines[0]);

	imap_parse_line(r->lines[0].text, r->lines[0].len, &il);
	if (il.kind == IMAP_UNTAGGED && il.cond != IMAP_COND_NONE)
		result_add_findingf(probe_result(c),
		                    CHECK(IMPLICIT_TLS_PLAINTEXT),
		                    "port %u sent a cleartext greeting instead "
		                    "of TLS: %s",
		                    probe_endpoint(c)->port, ev);
	free(ev);
	return PROBE_DONE;
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
	case IMAP_PHASE_AUTH:
		return on_auth(c, r);
	case IMAP_PHASE_AUTH_CANCEL:
		return st(c)->current &&
		               strcasecmp(st(c)->current->mech, "NTLM") == 0
		           ? next_step(c)
		           : probe_next_mechanism(c);
	case IMAP_PHASE_NTLM:
		return on_ntlm(c, r);
	case IMAP_PHASE_STARTTLS:
		return on_starttls(c, r);
	case IMAP_PHASE_ID:
		return on_id(c, r);
	case IMAP_PHASE_IMPLICIT_STARTTLS:
		return on_implicit_starttls(c, r);
	case IMAP_PHASE_INJECT_STARTTLS:
	case IMAP_PHASE_INJECT_LISTEN:
	case IMAP_PHASE_INJECT_NOOP:
		return on_inject_reply(c, r);
	case IMAP_PHASE_EXTRA_STARTTLS:
	case IMAP_PHASE_EXTRA_LISTEN:
		return on_extra_reply(c, r);
	case IMAP_PHASE_PLAIN_GREETING:
		return on_plain_greeting(c, r);
	case IMAP_PHASE_STARTTLS_SETTLE:
		return starttls_settle_done(c, r);
	case IMAP_PHASE_PREAMBLE_STARTTLS:
		if (!reply_is_ok(r))
			return PROBE_DONE;
		return preamble_settle(c);
	case IMAP_PHASE_PREAMBLE_SETTLE:
		/* a whole line after the OK: the hello's answer would mean
		 * nothing; the audit stops */
		return PROBE_DONE;
	}
	return PROBE_DONE;
}

static enum probe_step
imap_on_tls_ready(struct probe_ctx *c)
{
	struct imap_state *s = st(c);

	if (s->phase == IMAP_PHASE_INJECT_STARTTLS)
		return listen_quietly(c, IMAP_PHASE_INJECT_LISTEN,
		                      probe_options(c)->quiet_wait_s);
	s->starttls.handshake_done = true;
	/* capabilities learned before TLS are evidence only from now on */
	return send_command(c, IMAP_PHASE_TLS_CAPABILITY, "CAPABILITY");
}

static enum probe_step
imap_on_quiet(struct probe_ctx *c)
{
	struct imap_state *s = st(c);

	if (s->phase == IMAP_PHASE_INJECT_LISTEN)
		return send_command(c, IMAP_PHASE_INJECT_NOOP, "NOOP");
	if (s->phase == IMAP_PHASE_STARTTLS_SETTLE)
		return starttls_settle_done(c, NULL);
	if (s->phase == IMAP_PHASE_PREAMBLE_SETTLE)
		return preamble_settle(c);
	if (s->phase == IMAP_PHASE_EXTRA_LISTEN)
		starttls_note_extra(c, NULL);
	return PROBE_DONE;
}

static enum probe_step
imap_on_tls_failed(struct probe_ctx *c, const char *why)
{
	struct imap_state *s = st(c);

	/* injection passes: a failed handshake means the pipelined bytes
	 * were taken as handshake data, the compliant behaviour */
	if (s->phase != IMAP_PHASE_STARTTLS &&
	    s->phase != IMAP_PHASE_STARTTLS_SETTLE)
		return PROBE_DONE;
	s->starttls.handshake_error = xstrdup(why);
	starttls_note_handshake_failed(c);
	probe_set_status(c, EP_STATUS_OK,
	                 "STARTTLS accepted but the handshake failed");
	return PROBE_DONE;
}

static void
judge_passive_auth(struct endpoint_result *res)
{
	const struct strlist *caps = &res->caps_before_tls;
	bool logindisabled = strlist_has_ci(caps, "LOGINDISABLED");
	bool plain = strlist_has_ci(caps, "AUTH=PLAIN");
	bool login = strlist_has_ci(caps, "AUTH=LOGIN");

	if (caps->n == 0)
		return;
	if (!logindisabled || plain || login)
		result_add_findingf(
		    res, CHECK(AUTH_PLAINTEXT_BEFORE_TLS),
		    "capabilities before TLS: %s%s%s",
		    logindisabled ? "" : "no LOGINDISABLED (LOGIN accepted)",
		    (!logindisabled && (plain || login)) ? ", " : "",
		    plain && login ? "AUTH=PLAIN and AUTH=LOGIN offered"
		    : plain        ? "AUTH=PLAIN offered"
		    : login        ? "AUTH=LOGIN offered"
		                   : "");
	if (logindisabled && (plain || login))
		result_add_findingf(res, CHECK(AUTH_LOGINDISABLED_INCONSISTENT),
		                    "LOGINDISABLED advertised together with %s "
		                    "before TLS",
		                    plain && login ? "AUTH=PLAIN and AUTH=LOGIN"
		                    : plain        ? "AUTH=PLAIN"
		                                   : "AUTH=LOGIN");
}

static void
judge_main(struct probe_ctx *c, enum probe_end how)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	struct starttls_memo *m = probe_memo(c, sizeof(*m));
	char fqdn[256];
	const struct strlist *after = &res->caps_after_tls;
	struct auth_context actx = {
	    .advertised_before = &s->mechs_before,
	    .advertised_after = cleartext ? &s->mechs_after : &s->mechs_before,
	    .logindisabled_before =
	        strlist_has_ci(&res->caps_before_tls, "LOGINDISABLED"),
	    .tls_capabilities_known = after->n > 0,
	    .no_login_after_tls = strlist_has_ci(after, "LOGINDISABLED"),
	    .cleartext_port = cleartext,
	};

	if (!s->greeted)
		return;
	if (cleartext)
		result_add_findingf(res, CHECK(SVC_CLEARTEXT_PORT_OPEN),
		                    "cleartext IMAP greeting: %s", res->banner);
	if (s->preauth && cleartext)
		result_add_findingf(res, CHECK(IMAP_PREAUTH_CLEARTEXT),
		                    "greeting: %s", res->banner);
	banner_judge(res, res->banner);
	if (res->banner &&
	    exchange_backend_fqdn(res->banner, fqdn, sizeof(fqdn)))
		result_add_findingf(res, CHECK(INFO_EXCHANGE_BACKEND_FQDN),
		                    "the greeting's trailing base64 decodes to "
		                    "the back-end host %s",
		                    fqdn);
	if (cleartext && !s->preauth)
		judge_passive_auth(res);
	auth_judge(res, &s->auth, &actx);
	if (cleartext) {
		/* an OK, then a close while we listened for extra bytes: the
		 * upgrade failed as surely as a handshake that dies at once */
		if (how == PROBE_END_CLOSED &&
		    s->phase == IMAP_PHASE_STARTTLS_SETTLE)
			(void)imap_on_tls_failed(c, "the server closed the "
			                            "connection after the OK");
		s->starttls.still_advertised =
		    strlist_has_ci(&res->caps_after_tls, "STARTTLS");
		/* a timeout or close mid-way is not an answer to STARTTLS */
		if (how == PROBE_END_DONE || s->starttls.handshake_done ||
		    s->starttls.handshake_error)
			starttls_judge(res, &s->starttls);
		if (probe_options(c)->passive && !s->starttls.attempted &&
		    s->starttls.caps_known && !s->starttls.advertised &&
		    !s->preauth)
			result_add_findingf(
			    res, CHECK(STARTTLS_MISSING),
			    "STARTTLS not in the capabilities "
			    "(passive scan: the command was not "
			    "tried)");
		m->starttls_ok = s->starttls.handshake_done;
		if (s->capability_in_ok)
			result_add_findingf(res,
			                    CHECK(STARTTLS_CAPABILITY_IN_OK),
			                    "%s", s->capability_in_ok_text);
	} else if (s->implicit_starttls_checked && s->implicit_starttls_reply &&
	           !s->implicit_starttls_bad) {
		result_add_findingf(res, CHECK(STARTTLS_ON_IMPLICIT_PORT),
		                    "STARTTLS inside implicit TLS was answered "
		                    "%s instead of a tagged BAD",
		                    s->implicit_starttls_reply);
	}
}

static void
imap_finish(struct probe_ctx *c, enum probe_end how)
{
	struct imap_state *s = st(c);

	if (probe_pass(c) == PROBE_PASS_MAIN)
		judge_main(c, how);
	strlist_free(&s->greeting_caps);
	strlist_free(&s->mechs_before);
	strlist_free(&s->mechs_after);
	starttls_outcome_free(&s->starttls);
	auth_probes_free(&s->auth);
	free(s->capability_in_ok_text);
	free(s->implicit_starttls_reply);
}

const struct probe_module imap_probe = {
    .name = "imap",
    .state_size = sizeof(struct imap_state),
    .start = imap_start,
    .on_reply = imap_on_reply,
    .on_tls_ready = imap_on_tls_ready,
    .on_tls_failed = imap_on_tls_failed,
    .finish = imap_finish,
    .on_quiet = imap_on_quiet,
    .next_pass = starttls_next_pass,
    /* valid in every state; pipelined behind the greeting */
    .early_data = "a1 NOOP\r\n",
};
