/*
 * The mail conversation both dialects walk (probes/mail.h): sending and
 * waiting, the order of the steps after the capability list, STARTTLS
 * and its upgrade, STARTTLS inside implicit TLS, and the parts of the
 * main pass's judgement that do not depend on the dialect.
 */
#include "probes/mail.h"

#include <stdio.h>

#include "probes/checks/catalog.h"
#include "probes/exchange.h"
#include "probes/impl.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

#define EVIDENCE_LINE_MAX 300

char *
mail_evidence(const struct pp_line *l)
{
	return pp_line_escaped(l, EVIDENCE_LINE_MAX);
}

static bool
active(struct probe_ctx *c)
{
	return !probe_options(c)->passive;
}

void
mail_set_phase(struct probe_ctx *c, int phase)
{
	struct mail_conv *m = mail_conv(c);

	m->phase = phase;
	probe_waiting_for(c, m->d->phase_names[phase]);
}

/* The only way the phase changes while a reply is due. */
enum probe_step
mail_command(struct probe_ctx *c, int phase, const char *cmd, pp_endofresp end)
{
	struct mail_conv *m = mail_conv(c);
	char *line;

	mail_set_phase(c, phase);
	if (!m->d->tagged) {
		probe_expect(c, end, NULL);
		probe_send(c, cmd);
		return PROBE_WAIT;
	}
	snprintf(m->tag, sizeof(m->tag), "%s", probe_new_tag(c));
	line = xasprintf("%s %s", m->tag, cmd);
	probe_expect(c, end, m->tag);
	probe_send(c, line);
	free(line);
	return PROBE_WAIT;
}

enum probe_step
mail_send_line(struct probe_ctx *c, int phase, const char *line)
{
	struct mail_conv *m = mail_conv(c);

	mail_set_phase(c, phase);
	probe_expect(c,
	             phase == MAIL_PHASE_AUTH_CANCEL && m->d->cancel_end
	                 ? m->d->cancel_end
	                 : m->d->reply_end,
	             m->d->tagged ? m->tag : NULL);
	probe_send(c, line);
	return PROBE_WAIT;
}

enum probe_step
mail_listen(struct probe_ctx *c, int phase, double seconds)
{
	mail_set_phase(c, phase);
	probe_wait_quiet(c, seconds);
	return PROBE_WAIT;
}

enum probe_step
mail_start(struct probe_ctx *c, const struct mail_dialect *d)
{
	struct mail_conv *m = mail_conv(c);

	m->d = d;
	strlist_init(&m->mechs_before);
	strlist_init(&m->mechs_after);
	m->starttls.command = d->words.starttls;
	mail_set_phase(c, probe_pass(c) == PASS_PLAINTEXT_CHECK
	                      ? MAIL_PHASE_PLAIN_GREETING
	                      : MAIL_PHASE_GREETING);
	probe_expect(c, NULL, NULL);
	return PROBE_WAIT;
}

enum probe_step
mail_next_step(struct probe_ctx *c)
{
	struct mail_conv *m = mail_conv(c);
	const struct mail_dialect *d = m->d;
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	bool tls = probe_tls_active(c);
	const struct strlist *mechs = tls ? &m->mechs_after : &m->mechs_before;
	char cmd[64];

	if (active(c) && !m->ntlm_done && strlist_has_ci(mechs, "NTLM")) {
		m->ntlm_done = true;
		m->current = auth_probes_add(&m->auth, "NTLM", !tls, true);
		snprintf(cmd, sizeof(cmd), "%s NTLM", d->words.authenticate);
		return mail_command(c, MAIL_PHASE_AUTH, cmd, d->reply_end);
	}
	if (!tls && cleartext && !m->no_starttls) {
		/* passive: an unadvertised STARTTLS is not tried */
		if (!m->starttls.advertised && !active(c))
			return PROBE_DONE;
		m->starttls.attempted = true;
		return mail_command(c, MAIL_PHASE_STARTTLS, d->words.starttls,
		                    d->reply_end);
	}
	if (active(c) && tls && !cleartext && !m->implicit_checked) {
		m->implicit_checked = true;
		return mail_command(c, MAIL_PHASE_IMPLICIT_STARTTLS,
		                    d->words.starttls, d->reply_end);
	}
	return d->more ? d->more(c) : PROBE_DONE;
}

enum probe_step
mail_after_caps(struct probe_ctx *c, bool caps_known)
{
	struct mail_conv *m = mail_conv(c);
	const struct mail_dialect *d = m->d;
	struct endpoint_result *res = probe_result(c);

	m->nprobe = 0;
	m->next_probe = 0;
	if (probe_tls_active(c)) {
		d->mechs(&res->caps_after_tls, &m->mechs_after);
		if (res->endpoint.service->tls == TLS_MODE_IMPLICIT)
			d->mechs(&res->caps_after_tls, &m->mechs_before);
		return mail_next_step(c);
	}
	m->starttls.caps_known = caps_known;
	m->starttls.advertised =
	    d->caps_has(&res->caps_before_tls, d->words.starttls);
	d->mechs(&res->caps_before_tls, &m->mechs_before);
	/* mechanism probes where they matter: before TLS on the cleartext
	 * port (can a password or token go out in the clear?) */
	if (active(c) && !m->no_starttls &&
	    res->endpoint.service->tls == TLS_MODE_STARTTLS)
		m->nprobe = auth_mechs_to_probe(&m->mechs_before, m->to_probe,
		                                MAIL_MAX_MECHS);
	return sasl_next_mechanism(c);
}

static enum probe_step
on_starttls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);

	m->starttls.reply = mail_evidence(&r->lines[r->nlines - 1]);
	if (!m->d->reply_ok(r))
		return PROBE_DONE;
	m->starttls.accepted = true;
	if (m->d->starttls_ok)
		m->d->starttls_ok(c, r, m->starttls.reply);
	/* RFC 9051 §6.2.1, RFC 2595 §4: TLS starts right after the line end
	 * of the OK; any byte already here must not reach TLS or the
	 * parser. */
	if (!starttls_note_pending(c))
		return mail_listen(c, MAIL_PHASE_STARTTLS_SETTLE,
		                   probe_options(c)->quiet_wait_s / 10);
	return PROBE_UPGRADE_TLS;
}

static enum probe_step
on_implicit_starttls(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);

	m->implicit_reply = mail_evidence(&r->lines[r->nlines - 1]);
	m->implicit_ok = m->d->reply_ok(r);
	m->implicit_bad = m->d->reply_bad && m->d->reply_bad(r);
	if (m->implicit_ok)
		return PROBE_DONE; /* it now expects a handshake: hang up */
	return mail_next_step(c);
}

enum probe_step
mail_on_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);

	switch (m->phase) {
	case MAIL_PHASE_GREETING:
		if (probe_pass(c) == PROBE_PASS_MAIN) {
			free(probe_result(c)->banner);
			probe_result(c)->banner = mail_evidence(&r->lines[0]);
		}
		return m->d->on_greeting(c, &r->lines[0]);
	case MAIL_PHASE_CAPA:
	case MAIL_PHASE_TLS_CAPA:
		return m->d->on_capa(c, r);
	case MAIL_PHASE_AUTH:
		return sasl_on_auth(c, r);
	case MAIL_PHASE_AUTH_CANCEL:
		return sasl_after_mechanism(c);
	case MAIL_PHASE_NTLM:
		return sasl_on_ntlm(c, r);
	case MAIL_PHASE_STARTTLS:
		return on_starttls(c, r);
	case MAIL_PHASE_IMPLICIT_STARTTLS:
		return on_implicit_starttls(c, r);
	case MAIL_PHASE_STARTTLS_SETTLE:
		return starttls_settle_done(c, r);
	default:
		break;
	}
	if (m->phase >= MAIL_PHASE_DIALECT)
		return m->d->on_own_reply(c, r);
	return starttls_pass_on_reply(c, r);
}

enum probe_step
mail_on_tls_ready(struct probe_ctx *c)
{
	struct mail_conv *m = mail_conv(c);

	if (m->phase == MAIL_PHASE_INJECT_STARTTLS)
		return mail_listen(c, MAIL_PHASE_INJECT_LISTEN,
		                   probe_options(c)->quiet_wait_s);
	m->starttls.handshake_done = true;
	/* capabilities learned before TLS are evidence only from now on */
	return mail_command(c, MAIL_PHASE_TLS_CAPA, m->d->words.capa,
	                    m->d->capa_end);
}

enum probe_step
mail_on_quiet(struct probe_ctx *c)
{
	struct mail_conv *m = mail_conv(c);

	if (m->phase == MAIL_PHASE_INJECT_LISTEN)
		return mail_command(c, MAIL_PHASE_INJECT_CHECK,
		                    m->d->inject.check, m->d->capa_end);
	if (m->phase == MAIL_PHASE_STARTTLS_SETTLE)
		return starttls_settle_done(c, NULL);
	if (m->phase == MAIL_PHASE_PREAMBLE_SETTLE)
		return starttls_preamble_settle(c);
	if (m->phase == MAIL_PHASE_EXTRA_LISTEN)
		starttls_note_extra(c, NULL);
	return PROBE_DONE;
}

enum probe_step
mail_on_tls_failed(struct probe_ctx *c, const char *why)
{
	struct mail_conv *m = mail_conv(c);

	/* injection passes: a failed handshake means the pipelined bytes
	 * were taken as handshake data, the compliant behaviour */
	if (m->phase != MAIL_PHASE_STARTTLS &&
	    m->phase != MAIL_PHASE_STARTTLS_SETTLE)
		return PROBE_DONE;
	m->starttls.handshake_error = xstrdup(why);
	starttls_note_handshake_failed(c);
	probe_set_status(c, EP_STATUS_OK,
	                 "%s accepted but the handshake failed",
	                 m->d->words.starttls);
	return PROBE_DONE;
}

static void
judge_starttls(struct probe_ctx *c, enum probe_end how)
{
	struct mail_conv *m = mail_conv(c);
	struct endpoint_result *res = probe_result(c);
	struct starttls_memo *memo = probe_memo(c, sizeof(*memo));
	char *why;

	/* an OK, then a close while we listened for extra bytes: the
	 * upgrade failed as surely as a handshake that dies at once */
	if (how == PROBE_END_CLOSED && m->phase == MAIL_PHASE_STARTTLS_SETTLE) {
		why = xasprintf("the server closed the connection after the %s",
		                m->d->words.ok);
		(void)mail_on_tls_failed(c, why);
		free(why);
	}
	m->starttls.still_advertised =
	    m->d->caps_has(&res->caps_after_tls, m->d->words.starttls);
	/* a timeout or close mid-way is not an answer to STARTTLS */
	if (how == PROBE_END_DONE || m->starttls.handshake_done ||
	    m->starttls.handshake_error)
		starttls_judge(res, &m->starttls);
	if (probe_options(c)->passive && !m->starttls.attempted &&
	    m->starttls.caps_known && !m->starttls.advertised &&
	    !m->no_starttls)
		result_add_findingf(res, CHECK(STARTTLS_MISSING),
		                    "%s not in %s (passive scan: the command "
		                    "was not tried)",
		                    m->d->words.starttls,
		                    m->d->words.caps_list);
	memo->starttls_ok = m->starttls.handshake_done;
}

/* Once per endpoint, from the main pass's facts: the follow-up passes
 * repeat the greeting and learn nothing more about the software. */
static void
detect_implementation(const struct mail_conv *m, struct endpoint_result *res)
{
	struct impl_clues k = {
	    .greeting = res->banner,
	    .caps = &res->caps_before_tls,
	    .caps_tls = &res->caps_after_tls,
	    .id = m->id_parsed ? &m->id : NULL,
	    .ntlm = m->ntlm_parsed ? &m->ntlm : NULL,
	};

	impl_detect(&k, &res->implementation);
}

static void
judge_main(struct probe_ctx *c, enum probe_end how)
{
	struct mail_conv *m = mail_conv(c);
	const struct mail_dialect *d = m->d;
	struct endpoint_result *res = probe_result(c);
	bool cleartext = res->endpoint.service->tls == TLS_MODE_STARTTLS;
	char fqdn[256];
	struct auth_context actx = {
	    .advertised_before = &m->mechs_before,
	    .advertised_after = cleartext ? &m->mechs_after : &m->mechs_before,
	    .tls_capabilities_known = res->caps_after_tls.n > 0,
	    .cleartext_port = cleartext,
	};

	detect_implementation(m, res);
	if (!m->greeted)
		return;
	if (cleartext)
		result_add_findingf(res, CHECK(SVC_CLEARTEXT_PORT_OPEN),
		                    "cleartext %s greeting: %s", d->words.name,
		                    res->banner);
	d->judge_greeting(c, cleartext);
	banner_judge(res, res->banner);
	if (res->banner &&
	    exchange_backend_fqdn(res->banner, fqdn, sizeof(fqdn)))
		result_add_findingf(res, CHECK(INFO_EXCHANGE_BACKEND_FQDN),
		                    "the greeting's trailing base64 decodes to "
		                    "the back-end host %s",
		                    fqdn);
	d->judge_caps(c, cleartext, &actx);
	auth_judge(res, &m->auth, &actx);
	if (cleartext)
		judge_starttls(c, how);
	d->judge_tail(c, cleartext);
}

void
mail_finish(struct probe_ctx *c, enum probe_end how)
{
	struct mail_conv *m = mail_conv(c);

	if (!m->d)
		return; /* never started: nothing was allocated */
	if (probe_pass(c) == PROBE_PASS_MAIN)
		judge_main(c, how);
	m->d->release(c);
	strlist_free(&m->mechs_before);
	strlist_free(&m->mechs_after);
	starttls_outcome_free(&m->starttls);
	auth_probes_free(&m->auth);
	free(m->implicit_reply);
	if (m->id_parsed)
		imap_id_free(&m->id);
}
