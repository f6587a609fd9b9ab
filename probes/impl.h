/*
 * Recognising the mail server software from what the server itself said
 * (issue #12): the IMAP ID reply, POP3's CAPA IMPLEMENTATION line, the
 * greeting (a product name, Exchange's form, the generic greetings of
 * nginx's mail proxy and GNU Mailutils), capability sets a product is
 * known for, and an NTLM challenge's Windows version. Remediation advice
 * is keyed by the product key. Pure function over the collected facts;
 * no I/O, deterministic.
 */
#ifndef MAILAUDIT_PROBES_IMPL_H
#define MAILAUDIT_PROBES_IMPL_H

#include <stdbool.h>

#include "probes/imap_id.h"
#include "probes/ntlm.h"
#include "scanner/core/result.h"
#include "scanner/core/strlist.h"

/* Confidence (percent) of each kind of clue. */
enum impl_confidence {
	IMPL_CONF_NTLM = 50,      /* only an NTLM challenge with a Windows
	                             version: Exchange, most likely */
	IMPL_CONF_GENERIC = 60,   /* a greeting several products share */
	IMPL_CONF_SHAPE = 70,     /* greeting and capability set together,
	                             or a product's own capability */
	IMPL_CONF_GREETING = 85,  /* the greeting names the product */
	IMPL_CONF_IMPL_CAPA = 90, /* POP3 CAPA IMPLEMENTATION */
	IMPL_CONF_ID = 95,        /* IMAP ID "name" */
};

/* What the conversation brought; every member may be NULL (or false). */
struct impl_clues {
	const char *greeting;              /* the greeting line, escaped */
	const struct strlist *caps;        /* capabilities before TLS */
	const struct strlist *caps_tls;    /* ... and over TLS */
	const struct imap_id *id;          /* parsed ID reply */
	const struct ntlm_challenge *ntlm; /* parsed NTLM challenge */
};

/* Fills *out (emptied first with impl_facts_free) with the best-supported
 * product: the clue of highest confidence wins, clues that agree with it
 * add their evidence (and 5 points, up to 99), a disagreeing clue is
 * named in the evidence. Nothing recognised leaves *out empty (product
 * NULL, confidence 0). */
void impl_detect(const struct impl_clues *c, struct impl_facts *out);

#endif
