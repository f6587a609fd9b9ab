/*
 * The IMAP dialect of the mail conversation (RFC 9051, RFC 3501, RFC
 * 2595, RFC 2971): tagged commands, the greeting (PREAUTH, capabilities
 * in its code), CAPABILITY with the greeting as fallback, ID NIL,
 * LOGINDISABLED and the CAPABILITY code in the STARTTLS OK. The walk
 * itself is probes/mail.c. Sends no credentials and changes no server
 * state.
 */
#include <string.h>
#include <strings.h>

#include "probes/checks/catalog.h"
#include "probes/imap_id.h"
#include "probes/imap_reply.h"
#include "probes/mail.h"
#include "probes/probes.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

/* An injected command with a tag no honest reply can carry. */
#define INJECT_TAG "QWXYZ"

enum imap_phase {
	IMAP_PHASE_ID = MAIL_PHASE_DIALECT,
};

static const char *const phase_names[] = {
    MAIL_PHASE_NAMES("CAPABILITY", "AUTHENTICATE", "STARTTLS", "OK", "NOOP"),
    [IMAP_PHASE_ID] = "reply to ID",
};

struct imap_state {
	struct mail_conv m; /* first: see mail_conv() */
	struct strlist greeting_caps;
	bool id_done;
	bool capability_in_ok;
	char *capability_in_ok_text;
};

static const struct mail_dialect imap_dialect;

static struct imap_state *
st(struct probe_ctx *c)
{
	return probe_state(c);
}

static void
parse_last(const struct pp_reply *r, struct imap_line *il)
{
	const struct pp_line *l = &r->lines[r->nlines - 1];

	imap_parse_line(l->text, l->len, il);
}

static bool
tagged_is(const struct pp_reply *r, enum imap_cond cond)
{
	struct imap_line il;

	parse_last(r, &il);
	return il.kind == IMAP_TAGGED && il.cond == cond;
}

static bool
reply_ok(const struct pp_reply *r)
{
	return tagged_is(r, IMAP_COND_OK);
}

static bool
reply_bad(const struct pp_reply *r)
{
	return tagged_is(r, IMAP_COND_BAD);
}

static bool
continuation(const struct pp_line *l, size_t *text_off)
{
	*text_off = 1 + (l->len > 1 && l->text[1] == ' ');
	return l->len > 0 && l->text[0] == '+';
}

static bool
greets(const struct pp_line *l)
{
	struct imap_line il;

	imap_parse_line(l->text, l->len, &il);
	return il.kind == IMAP_UNTAGGED && il.cond != IMAP_COND_NONE;
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
	strlist_init(&st(c)->greeting_caps);
	return mail_start(c, &imap_dialect);
}

/* ID NIL last, where its answer is not a secret of the cleartext. */
static enum probe_step
more(struct probe_ctx *c)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	bool tls = probe_tls_active(c);
	const struct strlist *caps =
	    tls ? &res->caps_after_tls : &res->caps_before_tls;

	if (!probe_options(c)->passive && !s->id_done &&
	    strlist_has_ci(caps, "ID") &&
	    (tls || !cleartext || !s->m.starttls.accepted)) {
		s->id_done = true;
		return mail_command(c, IMAP_PHASE_ID, "ID NIL",
		                    imap_end_tagged);
	}
	return PROBE_DONE;
}

static enum probe_step
on_greeting(struct probe_ctx *c, const struct pp_line *l)
{
	struct imap_state *s = st(c);
	const char *banner = probe_result(c)->banner;
	struct imap_line il;
	enum probe_step step;

	imap_parse_line(l->text, l->len, &il);
	if (il.kind != IMAP_UNTAGGED || il.cond == IMAP_COND_NONE ||
	    il.cond == IMAP_COND_NO || il.cond == IMAP_COND_BAD) {
		probe_set_status(c, EP_STATUS_PROTOCOL_ERROR,
		                 "not an IMAP greeting: %s",
		                 banner ? banner : "");
		return PROBE_DONE;
	}
	if (il.cond == IMAP_COND_BYE) {
		probe_set_status(c, EP_STATUS_REJECTED,
		                 "server refused the connection: %s", banner);
		return PROBE_DONE;
	}
	if (starttls_pass_greeted(c, &step))
		return step;
	s->m.greeted = true;
	s->m.no_starttls = il.cond == IMAP_COND_PREAUTH;
	imap_line_caps(&il, &s->greeting_caps);
	return mail_command(c, MAIL_PHASE_CAPA, "CAPABILITY", imap_end_tagged);
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
on_capa(struct probe_ctx *c, const struct pp_reply *r)
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
	return mail_after_caps(c, res->caps_before_tls.n > 0);
}

static enum probe_step
on_id(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);
	char ev[1024];

	if (!m->id_parsed && imap_id_parse(r, &m->id) == IMAP_ID_PARSED) {
		m->id_parsed = true; /* kept for impl_detect */
		if (imap_id_discloses(&m->id, ev, sizeof(ev)))
			result_add_findingf(probe_result(c),
			                    CHECK(INFO_IMAP_ID_DISCLOSURE),
			                    "ID NIL answered with %s", ev);
	}
	return mail_next_step(c);
}

/* STARTTLS-CAPABILITY-IN-OK: capabilities sent before TLS cannot be
 * trusted after it. */
static void
starttls_ok(struct probe_ctx *c, const struct pp_reply *r, const char *evidence)
{
	struct imap_state *s = st(c);
	struct imap_line il;

	parse_last(r, &il);
	if (il.code && il.code_len >= 10 &&
	    strncasecmp(il.code, "CAPABILITY", 10) == 0) {
		s->capability_in_ok = true;
		s->capability_in_ok_text = xstrdup(evidence);
	}
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
judge_greeting(struct probe_ctx *c, bool cleartext)
{
	struct endpoint_result *res = probe_result(c);

	if (st(c)->m.no_starttls && cleartext)
		result_add_findingf(res, CHECK(IMAP_PREAUTH_CLEARTEXT),
		                    "greeting: %s", res->banner);
}

static void
judge_caps(struct probe_ctx *c, bool cleartext, struct auth_context *actx)
{
	struct endpoint_result *res = probe_result(c);

	actx->logindisabled_before =
	    strlist_has_ci(&res->caps_before_tls, "LOGINDISABLED");
	actx->no_login_after_tls =
	    strlist_has_ci(&res->caps_after_tls, "LOGINDISABLED");
	if (cleartext && !st(c)->m.no_starttls)
		judge_passive_auth(res);
}

static void
judge_tail(struct probe_ctx *c, bool cleartext)
{
	struct imap_state *s = st(c);
	struct endpoint_result *res = probe_result(c);

	if (cleartext) {
		if (s->capability_in_ok)
			result_add_findingf(res,
			                    CHECK(STARTTLS_CAPABILITY_IN_OK),
			                    "%s", s->capability_in_ok_text);
	} else if (s->m.implicit_checked && s->m.implicit_reply &&
	           !s->m.implicit_bad) {
		result_add_findingf(res, CHECK(STARTTLS_ON_IMPLICIT_PORT),
		                    "STARTTLS inside implicit TLS was answered "
		                    "%s instead of a tagged BAD",
		                    s->m.implicit_reply);
	}
}

static void
release(struct probe_ctx *c)
{
	strlist_free(&st(c)->greeting_caps);
	free(st(c)->capability_in_ok_text);
}

static const struct mail_dialect imap_dialect = {
    MAIL_DIALECT_HOOKS,
    .inject = {INJECT_TAG " NOOP", INJECT_TAG, "NOOP"},
    .tagged = true,
    .reply_end = imap_end_tagged,
    .capa_end = imap_end_tagged,
    .cancel_end = imap_end_cancel,
    .reply_bad = reply_bad,
    .mechs = mechs_of,
    .caps_has = strlist_has_ci,
    .on_own_reply = on_id,
    .more = more,
    .starttls_ok = starttls_ok,
    .words = {"IMAP", "OK", "STARTTLS", "CAPABILITY", "AUTHENTICATE",
              "the capabilities"},
};

/* early data: NOOP is valid in every state; pipelined behind the
 * greeting */
MAIL_PROBE_MODULE(imap_probe, "imap", struct imap_state, imap_start,
                  "a1 NOOP\r\n");
