/*
 * The follow-up passes of the mail conversation, on fresh connections
 * after the main pass (their order and judgement: starttls_checks.c):
 * STARTTLS with a command pipelined behind it (CRLF, bare LF, a second
 * write), the extra-plaintext confirmations, the preamble of a TLS audit
 * pass, and the cleartext check on an implicit-TLS port.
 */
#include <stdio.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/mail.h"
#include "scanner/core/xalloc.h"

/* Expects the reply to a STARTTLS the caller sends raw, and returns
 * that command ("TAG STARTTLS" or "STLS") ended by eol. Caller frees. */
static char *
raw_starttls(struct probe_ctx *c, int phase, const char *eol)
{
	struct mail_conv *m = mail_conv(c);
	const struct mail_dialect *d = m->d;

	mail_set_phase(c, phase);
	if (d->tagged)
		snprintf(m->tag, sizeof(m->tag), "%s", probe_new_tag(c));
	probe_expect(c, d->reply_end, d->tagged ? m->tag : NULL);
	return xasprintf("%s%s%s%s", d->tagged ? m->tag : "",
	                 d->tagged ? " " : "", d->words.starttls, eol);
}

/* The pipelined STARTTLS of an injection pass. */
static enum probe_step
send_injection(struct probe_ctx *c, int pass)
{
	struct mail_conv *m = mail_conv(c);
	const struct mail_dialect *d = m->d;
	char *line;

	switch (pass) {
	case PASS_INJECT_CRLF:
		line =
		    xasprintf("%s\r\n%s", d->words.starttls, d->inject.command);
		mail_command(c, MAIL_PHASE_INJECT_STARTTLS, line, d->reply_end);
		free(line);
		return PROBE_WAIT;
	case PASS_INJECT_LF: {
		/* bare LF: a parser differential (CVE-2022-28220) */
		char *starttls =
		    raw_starttls(c, MAIL_PHASE_INJECT_STARTTLS, "\n");

		line = xasprintf("%s%s\n", starttls, d->inject.command);
		probe_send_raw(c, line);
		free(starttls);
		free(line);
		return PROBE_WAIT;
	}
	default: /* PASS_INJECT_SPLIT */
		mail_command(c, MAIL_PHASE_INJECT_STARTTLS, d->words.starttls,
		             d->reply_end);
		probe_write_barrier(c);
		probe_send(c, d->inject.command);
		return PROBE_WAIT;
	}
}

/* A carrier (issue #13): the injection pass's STARTTLS in its shape,
 * with the engine's ClientHello where the injected command would go. A
 * server that passes the test hands those bytes to TLS and answers
 * with TLS (RFC 9051 §6.2.1), which the engine's pass reads. */
static enum probe_step
send_carrier(struct probe_ctx *c, int pass)
{
	char *line = raw_starttls(c, MAIL_PHASE_CARRY_STARTTLS,
	                          pass == PASS_INJECT_LF ? "\n" : "\r\n");

	probe_send_raw(c, line);
	free(line);
	if (pass == PASS_INJECT_SPLIT)
		probe_write_barrier(c);
	probe_send_first_flight(c);
	return PROBE_WAIT;
}

bool
starttls_pass_greeted(struct probe_ctx *c, enum probe_step *step)
{
	const struct mail_dialect *d = mail_conv(c)->d;
	int pass = probe_pass(c);

	if (pass & PROBE_PASS_CARRY) {
		*step = send_carrier(c, PROBE_PASS_NUMBER(pass));
		return true;
	}
	if (pass & PROBE_PASS_PREAMBLE) {
		*step = mail_command(c, MAIL_PHASE_PREAMBLE_STARTTLS,
		                     d->words.starttls, d->reply_end);
		return true;
	}
	switch (pass) {
	case PASS_INJECT_CRLF:
	case PASS_INJECT_LF:
	case PASS_INJECT_SPLIT:
		*step = send_injection(c, pass);
		return true;
	case PASS_EXTRA_1:
	case PASS_EXTRA_2:
	case PASS_EXTRA_3:
		*step = mail_command(c, MAIL_PHASE_EXTRA_STARTTLS,
		                     d->words.starttls, d->reply_end);
		return true;
	default:
		return false;
	}
}

/* The first line that answered the injected command, by its tag; or
 * with no tag, the first line of r. */
static void
report_injection(struct probe_ctx *c, const struct pp_reply *r)
{
	const struct mail_dialect *d = mail_conv(c)->d;
	const char *tag = d->inject.tag;
	char *ev = NULL;

	for (size_t i = 0; i < r->nlines && !ev; i++)
		if (!tag || strncmp(r->lines[i].text, tag, strlen(tag)) == 0)
			ev = mail_evidence(&r->lines[i]);
	starttls_report_injection(c, d->words.starttls, d->inject.command, ev);
	free(ev);
}

/* Did a reply to the injected command arrive inside TLS? With no tag
 * to tell, any reply to nothing is one. */
static bool
shows_injection(const char *tag, const struct pp_reply *r)
{
	const size_t n = tag ? strlen(tag) : 0;

	if (!tag)
		return true;
	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].len > n &&
		    memcmp(r->lines[i].text, tag, n) == 0 &&
		    r->lines[i].text[n] == ' ')
			return true;
	return false;
}

static enum probe_step
on_inject_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);
	const char *tag = m->d->inject.tag;
	char *more;

	if (m->phase == MAIL_PHASE_INJECT_STARTTLS) {
		if (!m->d->reply_ok(r))
			return PROBE_DONE;
		/* a plaintext answer to the injected command is fine */
		free(probe_take_pending(c));
		return PROBE_UPGRADE_TLS;
	}
	if (!tag && m->phase == MAIL_PHASE_INJECT_CHECK) {
		/* two answers to one check command: the first was the
		 * injected one's */
		more = probe_take_pending(c);
		if (more)
			report_injection(c, r);
		free(more);
		return PROBE_DONE;
	}
	/* we sent nothing inside TLS yet, or the check's answer carries
	 * the injected tag */
	if (shows_injection(tag, r)) {
		report_injection(c, r);
		return PROBE_DONE;
	}
	if (m->phase == MAIL_PHASE_INJECT_CHECK)
		return PROBE_DONE;
	/* an unrelated unsolicited line: keep listening */
	return mail_listen(c, MAIL_PHASE_INJECT_LISTEN,
	                   probe_options(c)->quiet_wait_s);
}

static enum probe_step
on_extra_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);
	char *extra;

	if (m->phase == MAIL_PHASE_EXTRA_LISTEN) {
		/* a whole line arrived while we listened */
		extra = mail_evidence(&r->lines[0]);
		starttls_note_extra(c, extra);
		free(extra);
		return PROBE_DONE;
	}
	if (!m->d->reply_ok(r))
		return PROBE_DONE;
	if (starttls_note_pending(c))
		return PROBE_DONE;
	/* bytes may follow in a later segment: listen briefly */
	return mail_listen(c, MAIL_PHASE_EXTRA_LISTEN,
	                   probe_options(c)->quiet_wait_s / 2);
}

static enum probe_step
on_plain_greeting(struct probe_ctx *c, const struct pp_reply *r)
{
	char *ev = mail_evidence(&r->lines[0]);

	if (mail_conv(c)->d->greets(&r->lines[0]))
		result_add_findingf(probe_result(c),
		                    CHECK(IMPLICIT_TLS_PLAINTEXT),
		                    "port %u sent a cleartext greeting instead "
		                    "of TLS: %s",
		                    probe_endpoint(c)->port, ev);
	free(ev);
	return PROBE_DONE;
}

/* TLS audit preamble after the OK (see starttls_preamble_step). */
enum probe_step
starttls_preamble_settle(struct probe_ctx *c)
{
	int step = starttls_preamble_step(c, mail_conv(c)->phase ==
	                                         MAIL_PHASE_PREAMBLE_SETTLE);

	if (step >= 0)
		return (enum probe_step)step;
	return mail_listen(c, MAIL_PHASE_PREAMBLE_SETTLE,
	                   probe_options(c)->quiet_wait_s / 10);
}

enum probe_step
starttls_pass_on_reply(struct probe_ctx *c, const struct pp_reply *r)
{
	struct mail_conv *m = mail_conv(c);

	switch (m->phase) {
	case MAIL_PHASE_INJECT_STARTTLS:
	case MAIL_PHASE_INJECT_LISTEN:
	case MAIL_PHASE_INJECT_CHECK:
		return on_inject_reply(c, r);
	case MAIL_PHASE_EXTRA_STARTTLS:
	case MAIL_PHASE_EXTRA_LISTEN:
		return on_extra_reply(c, r);
	case MAIL_PHASE_PLAIN_GREETING:
		return on_plain_greeting(c, r);
	case MAIL_PHASE_PREAMBLE_STARTTLS:
		if (!m->d->reply_ok(r))
			return PROBE_DONE;
		return starttls_preamble_settle(c);
	case MAIL_PHASE_CARRY_STARTTLS:
		/* what follows the OK is the answer to the hello */
		return m->d->reply_ok(r) ? PROBE_UPGRADE_TLS : PROBE_DONE;
	default:
		/* PREAMBLE_SETTLE: a whole line after the OK; the hello's
		 * answer would mean nothing, the audit stops */
		return PROBE_DONE;
	}
}
