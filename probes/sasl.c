/*
 * SASL mechanism probes for both dialects (curl's lib/curl_sasl.c):
 * "AUTHENTICATE <mech>" / "AUTH <mech>", cancelled with "*" at the first
 * continuation (RFC 9051 §6.2.2, RFC 5034 §4), and the NTLM NEGOTIATE
 * whose challenge may name the server's domain and host. Never sends a
 * credential.
 */
#include <stdio.h>
#include <strings.h>

#include "probes/base64.h"
#include "probes/mail.h"
#include "probes/ntlm.h"
#include "scanner/core/xalloc.h"

static bool
current_is_ntlm(const struct mail_conv *m)
{
	return m->current && strcasecmp(m->current->mech, "NTLM") == 0;
}

enum probe_step
sasl_next_mechanism(struct probe_ctx *c)
{
	struct mail_conv *m = mail_conv(c);
	bool before = !probe_tls_active(c);
	const struct strlist *adv = before ? &m->mechs_before : &m->mechs_after;
	char cmd[64];

	while (m->next_probe < m->nprobe) {
		const char *mech = m->to_probe[m->next_probe++];

		m->current = auth_probes_add(&m->auth, mech, before,
		                             strlist_has_ci(adv, mech));
		if (!m->current)
			break;
		snprintf(cmd, sizeof(cmd), "%s %s", m->d->words.authenticate,
		         mech);
		return mail_command(c, MAIL_PHASE_AUTH, cmd, m->d->reply_end);
	}
	m->current = NULL;
	return mail_next_step(c);
}

/* NTLM ends the walk: it runs after the others, or after TLS alone. */
enum probe_step
sasl_after_mechanism(struct probe_ctx *c)
{
	return current_is_ntlm(mail_conv(c)) ? mail_next_step(c)
	                                     : sasl_next_mechanism(c);
}

enum probe_step
sasl_on_auth(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);
	const struct pp_line *last = &r->lines[r->nlines - 1];
	size_t off;

	if (m->current) {
		free(m->current->reply);
		m->current->reply = mail_evidence(last);
	}
	/* refused: never send the blob after a NO (it would become a
	 * command, checks.md P10) */
	if (!m->d->continuation(last, &off))
		return sasl_after_mechanism(c);
	if (m->current)
		m->current->outcome = MECH_USABLE;
	/* NTLM: the type-1 message carries no identity (P10) */
	if (current_is_ntlm(m))
		return mail_send_line(c, MAIL_PHASE_NTLM,
		                      ntlm_negotiate_base64());
	return mail_send_line(c, MAIL_PHASE_AUTH_CANCEL, "*");
}

static void
decode_challenge(struct mail_conv *m, const char *text, size_t len)
{
	struct auth_probes *auth = &m->auth;
	uint8_t msg[4096];
	struct ntlm_challenge ch;
	ssize_t n;
	char ev[1024];

	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	n = base64_decode(text, len, msg, sizeof(msg));
	if (n <= 0 || ntlm_parse_challenge(msg, (size_t)n, &ch) < 0)
		return;
	m->ntlm = ch; /* kept for impl_detect */
	m->ntlm_parsed = true;
	if (ntlm_discloses(&ch)) {
		ntlm_describe(&ch, ev, sizeof(ev));
		free(auth->ntlm_evidence);
		auth->ntlm_evidence = xstrdup(ev);
	}
}

enum probe_step
sasl_on_ntlm(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);
	const struct pp_line *last = &r->lines[r->nlines - 1];
	size_t off;

	if (!m->d->continuation(last, &off))
		return mail_next_step(c);
	decode_challenge(m, last->text + off, last->len - off);
	return mail_send_line(c, MAIL_PHASE_AUTH_CANCEL, "*");
}
