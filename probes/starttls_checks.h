/*
 * Judgement of a STARTTLS/STLS upgrade on a cleartext port, shared by the
 * IMAP and POP3 probes (RFC 9051 §6.2.1, RFC 2595 §3-§4): was it offered,
 * did it work, is it still offered afterwards.
 */
#ifndef MAILAUDIT_PROBES_STARTTLS_CHECKS_H
#define MAILAUDIT_PROBES_STARTTLS_CHECKS_H

#include <stdbool.h>

#include "scanner/result.h"

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
