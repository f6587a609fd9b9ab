/*
 * The POP3 dialect of the mail conversation (RFC 1939, RFC 2449, RFC
 * 2595 §4, RFC 5034): untagged commands answered by +OK/-ERR, CAPA as a
 * multi-line reply, the APOP timestamp in the greeting, USER and
 * IMPLEMENTATION in CAPA. The walk itself is probes/mail.c. Never sends
 * USER or PASS, and changes no server state.
 */
#include <string.h>
#include <strings.h>

#include "probes/checks/catalog.h"
#include "probes/mail.h"
#include "probes/pop3_reply.h"
#include "probes/probes.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

static const char *const phase_names[] = {
    MAIL_PHASE_NAMES("CAPA", "AUTH", "STLS", "+OK", "CAPA"),
};

struct pop3_state {
	struct mail_conv m; /* first: see mail_conv() */
	char *apop_timestamp;
};

static const struct mail_dialect pop3_dialect;

static struct pop3_state *
st(struct probe_ctx *c)
{
	return probe_state(c);
}

static enum pop3_status
status_of(const struct pp_line *l)
{
	struct pop3_line pl;

	pop3_parse_line(l->text, l->len, &pl);
	return pl.status;
}

/* A reply's status is its first line's (CAPA: the "+OK" before the
 * list). */
static bool
reply_ok(const struct pp_reply *r)
{
	return status_of(&r->lines[0]) == POP3_OK;
}

/* A "+" or "+ text" continuation, as opposed to "+OK". */
static bool
continuation(const struct pp_line *l, size_t *text_off)
{
	*text_off = l->len > 1 ? 2 : 1;
	return l->len >= 1 && l->text[0] == '+' &&
	       (l->len == 1 || l->text[1] == ' ');
}

static bool
greets(const struct pp_line *l)
{
	return status_of(l) != POP3_MALFORMED;
}

static enum probe_step
pop3_start(struct probe_ctx *c)
{
	return mail_start(c, &pop3_dialect);
}

static enum probe_step
on_greeting(struct probe_ctx *c, const struct pp_line *l)
{
	const char *banner = probe_result(c)->banner;
	struct pop3_line pl;
	const char *ts;
	size_t tslen;
	enum probe_step step;

	pop3_parse_line(l->text, l->len, &pl);
	if (pl.status == POP3_ERR) {
		/* [IN-USE], [SYS/TEMP], throttling: not an answer about TLS */
		probe_set_status(c, EP_STATUS_REJECTED,
		                 "server refused the connection: %s", banner);
		return PROBE_DONE;
	}
	if (pl.status != POP3_OK) {
		probe_set_status(c, EP_STATUS_PROTOCOL_ERROR,
		                 "not a POP3 greeting: %s", banner);
		return PROBE_DONE;
	}
	if (starttls_pass_greeted(c, &step))
		return step;
	st(c)->m.greeted = true;
	if (pop3_apop_timestamp(pl.text, pl.text_len, &ts, &tslen))
		st(c)->apop_timestamp = xstrndup(ts, tslen);
	return mail_command(c, MAIL_PHASE_CAPA, "CAPA", pop3_end_multi);
}

static enum probe_step
on_capa(struct probe_ctx *c, const struct pp_reply *r)
{
	struct endpoint_result *res = probe_result(c);
	bool ok = reply_ok(r);

	/* -ERR: a pre-RFC-2449 server; go on without capabilities */
	if (ok)
		pop3_parse_capa(r, probe_tls_active(c) ? &res->caps_after_tls
		                                       : &res->caps_before_tls);
	return mail_after_caps(c, ok);
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
judge_greeting(struct probe_ctx *c, bool cleartext)
{
	struct pop3_state *s = st(c);

	(void)cleartext;
	if (s->apop_timestamp)
		result_add_findingf(probe_result(c), CHECK(AUTH_APOP_OFFERED),
		                    "APOP challenge in the greeting: %s",
		                    s->apop_timestamp);
}

/* AUTH-PLAINTEXT-BEFORE-TLS from CAPA alone: USER or a password
 * mechanism before TLS. */
static void
judge_caps(struct probe_ctx *c, bool cleartext, struct auth_context *actx)
{
	struct endpoint_result *res = probe_result(c);
	const struct strlist *caps = &res->caps_before_tls;
	bool user = pop3_caps_has(caps, "USER");
	bool plain = pop3_caps_has_sasl(caps, "PLAIN");
	bool login = pop3_caps_has_sasl(caps, "LOGIN");

	actx->no_login_after_tls = !pop3_caps_has(&res->caps_after_tls, "USER");
	judge_implementation(res);
	if (cleartext && (user || plain || login))
		result_add_findingf(
		    res, CHECK(AUTH_PLAINTEXT_BEFORE_TLS),
		    "CAPA before TLS offers%s%s%s", user ? " USER/PASS" : "",
		    plain ? " SASL PLAIN" : "", login ? " SASL LOGIN" : "");
}

static void
judge_tail(struct probe_ctx *c, bool cleartext)
{
	struct pop3_state *s = st(c);

	/* RFC 9051's rule is IMAP's; for POP3S it is advisory */
	if (!cleartext && s->m.implicit_ok)
		result_add_finding_sev(
		    probe_result(c), CHECK(STARTTLS_ON_IMPLICIT_PORT), SEV_INFO,
		    "STLS inside implicit TLS was answered "
		    "%s",
		    s->m.implicit_reply);
}

static void
release(struct probe_ctx *c)
{
	free(st(c)->apop_timestamp);
}

/* Untagged: the injected CAPA's answer is the first reply inside TLS,
 * or a second answer to the CAPA sent there. */
static const struct mail_dialect pop3_dialect = {
    MAIL_DIALECT_HOOKS,
    .inject = {"CAPA", NULL, "CAPA"},
    .capa_end = pop3_end_multi,
    .mechs = pop3_caps_sasl_mechs,
    .caps_has = pop3_caps_has,
    .words = {"POP3", "+OK", "STLS", "CAPA", "AUTH", "CAPA"},
};

/* early data: NOOP is for the TRANSACTION state only; CAPA works
 * before login */
MAIL_PROBE_MODULE(pop3_probe, "pop3", struct pop3_state, pop3_start,
                  "CAPA\r\n");
