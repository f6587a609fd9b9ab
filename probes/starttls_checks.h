/*
 * Judgement of a STARTTLS/STLS upgrade on a cleartext port, shared by the
 * IMAP and POP3 probes (RFC 9051 §6.2.1, RFC 2595 §3-§4): was it offered,
 * did it work, is it still offered afterwards.
 */
#ifndef MAILAUDIT_PROBES_STARTTLS_CHECKS_H
#define MAILAUDIT_PROBES_STARTTLS_CHECKS_H

#include <stdbool.h>

#include "probes/probe.h"
#include "scanner/core/result.h"

struct starttls_outcome {
	const char *command;   /* "STARTTLS" or "STLS" */
	bool caps_known;       /* pre-TLS capabilities were read */
	bool advertised;       /* listed in the pre-TLS capabilities */
	bool attempted;        /* the command was sent */
	bool accepted;         /* OK / +OK */
	char *reply;           /* the server's answer, escaped */
	bool handshake_done;   /* TLS came up after the OK */
	char *handshake_error; /* why it did not, escaped */
	bool still_advertised; /* listed again in post-TLS capabilities */
};

void starttls_outcome_free(struct starttls_outcome *o);

/* The passes after the main conversation, shared by IMAP and POP3. */
enum starttls_pass {
	PASS_INJECT_CRLF = 1, /* command pipelined after STARTTLS, CRLF */
	PASS_INJECT_LF,       /* ... with bare LF line ends */
	PASS_INJECT_SPLIT,    /* ... in a second TCP write */
	PASS_EXTRA_1,         /* confirm bytes after the STARTTLS OK */
	PASS_EXTRA_2,
	PASS_EXTRA_3,
	PASS_PLAINTEXT_CHECK = PROBE_PASS_NO_TLS | 7, /* implicit port */
};

/* What the passes of one endpoint share (probe_memo). */
struct starttls_memo {
	bool starttls_ok; /* main pass upgraded successfully */
	bool injection_found;
	bool extra_suspected; /* main pass: bytes after the OK, or a
	                         handshake that failed right after it */
	unsigned extra_seen;  /* confirmation connections that showed
	                         extra bytes */
	char extra_evidence[256];
	bool implicit_tls_failed;
};

/* May injection pass carry an engine ClientHello (probe_module
 * .carries_hello)? Not once the main pass saw bytes after its OK. */
bool starttls_carries_hello(const struct endpoint_result *r, int pass);

/* The next pass after done, for probe_module.next_pass. */
int starttls_next_pass(const struct endpoint_result *r,
                       const struct probe_options *o, int done);

/* Records what arrived after a STARTTLS OK on this connection (NULL if
 * nothing) and, on the last confirmation pass, emits
 * STARTTLS-EXTRA-PLAINTEXT if all three confirmation connections showed
 * it. */
void starttls_note_extra(struct probe_ctx *c, const char *extra);

/* Takes the bytes already buffered after a STARTTLS OK and, if there were
 * any, records them as starttls_note_extra does. True if there were. */
bool starttls_note_pending(struct probe_ctx *c);
/* Did the main pass see bytes after the STARTTLS OK, or a handshake that
 * failed right after it? */
bool starttls_extra_suspected(struct probe_ctx *c);
/* The settle wait after a STARTTLS OK (main pass) ended: whatever came
 * in it (the line r, or a fragment) is extra plaintext; it is noted and
 * dropped. Returns the upgrade step. */
enum probe_step starttls_settle_done(struct probe_ctx *c,
                                     const struct pp_reply *r);
/* TLS audit preamble after the OK: bytes already here (or, where the
 * main pass gave reason, in a short wait) mean the server talks past its
 * OK and no ClientHello answer could be trusted: PROBE_DONE. waited says
 * the wait is over. Returns PROBE_UPGRADE_TLS or PROBE_DONE, or when the
 * caller should wait (probe_wait_quiet) and call again: -1. */
int starttls_preamble_step(struct probe_ctx *c, bool waited);
/* STARTTLS-COMMAND-INJECTION from an injection pass: command was
 * pipelined after starttls (the dialect's words), evidence is the line
 * that answered it inside TLS. */
void starttls_report_injection(struct probe_ctx *c, const char *starttls,
                               const char *command, const char *evidence);
/* The main pass saw its STARTTLS handshake fail right after the OK. */
void starttls_note_handshake_failed(struct probe_ctx *c);

/* Emits STARTTLS-MISSING, -NOT-ADVERTISED, -BROKEN, -STILL-ADVERTISED as
 * the outcome warrants. */
void starttls_judge(struct endpoint_result *r,
                    const struct starttls_outcome *o);

/* INFO-BANNER-DISCLOSURE when the greeting text names a product,
 * version or host (see banner.c for the patterns). */
void banner_judge(struct endpoint_result *r, const char *greeting);

/* The pattern match itself, for tests: returns a static description of
 * what was disclosed, or NULL. */
const char *banner_disclosure(const char *greeting);

#endif
