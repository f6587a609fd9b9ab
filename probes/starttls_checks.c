/* STARTTLS/STLS outcome judgement shared by IMAP and POP3. */
#include "probes/checks/catalog.h"
#include "probes/starttls_checks.h"

#include <stdio.h>
#include <stdlib.h>

#include "probes/service.h"

void
starttls_outcome_free(struct starttls_outcome *o)
{
	free(o->reply);
	free(o->handshake_error);
	o->reply = NULL;
	o->handshake_error = NULL;
}

void
starttls_judge(struct endpoint_result *r, const struct starttls_outcome *o)
{
	const char *cmd = o->command;
	const char *reply = o->reply ? o->reply : "(no reply)";

	if (!o->attempted)
		return;
	if (!o->accepted) {
		if (o->advertised)
			result_add_findingf(r, CHECK(STARTTLS_BROKEN),
			                    "%s advertised, but the command "
			                    "was refused: %s",
			                    cmd, reply);
		else
			result_add_findingf(
			    r, CHECK(STARTTLS_MISSING),
			    "%s not in the capabilities%s, and the "
			    "command was refused: %s",
			    cmd, o->caps_known ? "" : " (none were listed)",
			    reply);
		return;
	}
	if (!o->handshake_done) {
		result_add_findingf(r, CHECK(STARTTLS_BROKEN),
		                    "%s answered \"%s\", then the TLS "
		                    "handshake failed: %s",
		                    cmd, reply,
		                    o->handshake_error ? o->handshake_error
		                                       : "unknown error");
		return;
	}
	if (!o->advertised)
		result_add_findingf(r, CHECK(STARTTLS_NOT_ADVERTISED),
		                    "%s works (\"%s\") but is not listed in "
		                    "the capabilities before TLS%s",
		                    cmd, reply,
		                    o->caps_known ? ""
		                                  : " (the server lists none)");
	if (o->still_advertised)
		result_add_findingf(r, CHECK(STARTTLS_STILL_ADVERTISED),
		                    "%s is still listed in the capabilities "
		                    "after TLS was established",
		                    cmd);
}

bool
starttls_carries_hello(const struct endpoint_result *r, int pass)
{
	const struct starttls_memo *m = r->probe_memo;

	return m && !m->extra_suspected && pass >= PASS_INJECT_CRLF &&
	       pass <= PASS_INJECT_SPLIT;
}

int
starttls_next_pass(const struct endpoint_result *r,
                   const struct probe_options *o, int done)
{
	const struct starttls_memo *m = r->probe_memo;

	if (r->endpoint.service->tls == TLS_MODE_IMPLICIT)
		return done == PROBE_PASS_MAIN &&
		               r->status == EP_STATUS_TLS_ERROR
		           ? PASS_PLAINTEXT_CHECK
		           : -1;
	if (o->passive || !m || r->status != EP_STATUS_OK)
		return -1;
	switch (done) {
	case PROBE_PASS_MAIN:
		if (m->starttls_ok)
			return PASS_INJECT_CRLF;
		return m->extra_suspected ? PASS_EXTRA_1 : -1;
	case PASS_INJECT_CRLF:
	case PASS_INJECT_LF:
		if (!m->injection_found)
			return done + 1;
		/* one positive variant is enough */
		return m->extra_suspected ? PASS_EXTRA_1 : -1;
	case PASS_INJECT_SPLIT:
		return m->extra_suspected ? PASS_EXTRA_1 : -1;
	case PASS_EXTRA_1:
	case PASS_EXTRA_2:
		/* stop as soon as one connection shows nothing */
		return m->extra_seen == (unsigned)(done - PASS_EXTRA_1 + 1)
		           ? done + 1
		           : -1;
	default:
		return -1;
	}
}

void
starttls_note_extra(struct probe_ctx *c, const char *extra)
{
	struct starttls_memo *m = probe_memo(c, sizeof(*m));
	int pass = probe_pass(c);

	if (extra && pass == PROBE_PASS_MAIN)
		m->extra_suspected = true;
	if (extra && pass >= PASS_EXTRA_1 && pass <= PASS_EXTRA_3) {
		m->extra_seen++;
		if (!m->extra_evidence[0])
			snprintf(m->extra_evidence, sizeof(m->extra_evidence),
			         "%s", extra);
	}
	/* checks.md: only if reproducible on 3 fresh connections (a
	 * one-off can be an on-path injector) */
	if (pass == PASS_EXTRA_3 && m->extra_seen >= 3)
		result_add_findingf(probe_result(c),
		                    CHECK(STARTTLS_EXTRA_PLAINTEXT),
		                    "on %u of 3 connections, bytes followed "
		                    "the STARTTLS OK before the TLS handshake: "
		                    "%s",
		                    m->extra_seen, m->extra_evidence);
}

void
starttls_note_handshake_failed(struct probe_ctx *c)
{
	struct starttls_memo *m = probe_memo(c, sizeof(*m));

	if (probe_pass(c) == PROBE_PASS_MAIN)
		m->extra_suspected = true;
}

bool
starttls_extra_suspected(struct probe_ctx *c)
{
	const struct starttls_memo *m = probe_memo(c, sizeof(*m));

	return m->extra_suspected;
}

enum probe_step
starttls_settle_done(struct probe_ctx *c, const struct pp_reply *r)
{
	char *extra = r ? pp_line_escaped(&r->lines[0], 300) : NULL;
	char *rest = probe_take_pending(c);

	if (!extra)
		extra = rest;
	else
		free(rest);
	starttls_note_extra(c, extra);
	free(extra);
	return PROBE_UPGRADE_TLS;
}

bool
starttls_note_pending(struct probe_ctx *c)
{
	char *extra = probe_take_pending(c);

	if (!extra)
		return false;
	starttls_note_extra(c, extra);
	free(extra);
	return true;
}

int
starttls_preamble_step(struct probe_ctx *c, bool waited)
{
	char *extra = probe_take_pending(c);

	if (extra) {
		free(extra);
		return PROBE_DONE;
	}
	/* the wait costs every audit connection; only a server that
	 * already talked past its OK (or broke the main handshake) gets it */
	if (waited || !starttls_extra_suspected(c))
		return PROBE_UPGRADE_TLS;
	return -1;
}

void
starttls_report_injection(struct probe_ctx *c, const char *starttls,
                          const char *command, const char *evidence)
{
	static const char *const variant[] = {
	    [PASS_INJECT_CRLF] = "CRLF, one write",
	    [PASS_INJECT_LF] = "bare LF, one write",
	    [PASS_INJECT_SPLIT] = "CRLF, second write",
	};
	struct starttls_memo *m = probe_memo(c, sizeof(*m));
	int pass = probe_pass(c);

	m->injection_found = true;
	result_add_findingf(probe_result(c), CHECK(STARTTLS_COMMAND_INJECTION),
	                    "\"%s\" pipelined in cleartext after %s (%s) was "
	                    "answered inside TLS: %s",
	                    command, starttls,
	                    pass >= PASS_INJECT_CRLF &&
	                            pass <= PASS_INJECT_SPLIT
	                        ? variant[pass]
	                        : "?",
	                    evidence ? evidence : "");
}
