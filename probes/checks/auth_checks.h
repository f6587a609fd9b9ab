/*
 * Authentication exposure, judged from the capabilities and from the
 * mechanism probes (checks.md P5/P7: AUTHENTICATE/AUTH <mech>, cancelled
 * with "*" as soon as the server answers "+"; no credential is sent).
 * Shared by the IMAP and POP3 probes.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_AUTH_CHECKS_H
#define MAILAUDIT_PROBES_CHECKS_AUTH_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"
#include "scanner/core/strlist.h"

enum mech_outcome {
	MECH_USABLE,  /* the server answered "+": an exchange could start */
	MECH_REFUSED, /* NO/BAD/-ERR */
};

#define AUTH_MAX_PROBES 12

struct mech_probe {
	char mech[32];
	bool before_tls;
	bool advertised;
	enum mech_outcome outcome;
	char *reply; /* escaped server answer */
};

struct auth_probes {
	struct mech_probe p[AUTH_MAX_PROBES];
	size_t n;
	char *ntlm_evidence; /* decoded CHALLENGE values, if disclosed */
};

void auth_probes_free(struct auth_probes *a);
struct mech_probe *auth_probes_add(struct auth_probes *a, const char *mech,
                                   bool before_tls, bool advertised);

/* The mechanisms worth probing for a capability-derived advertised list
 * (IMAP "AUTH=X" atoms or POP3 "SASL X Y" words, already extracted):
 * PLAIN and LOGIN always, plus every advertised mechanism, at most max.
 * Returns how many were written to out. */
size_t auth_mechs_to_probe(const struct strlist *advertised, const char **out,
                           size_t max);

/* Is this a mechanism that sends the password itself (PLAIN, LOGIN)? */
bool auth_mech_is_plaintext(const char *mech);

struct auth_context {
	const struct strlist *advertised_before; /* mechanisms, pre-TLS */
	const struct strlist *advertised_after;  /* post-TLS / implicit */
	bool logindisabled_before;   /* IMAP LOGINDISABLED pre-TLS */
	bool tls_capabilities_known; /* a post-TLS capability list exists */
	bool no_login_after_tls;     /* IMAP: LOGINDISABLED after TLS;
	                                POP3: no USER after TLS */
	bool cleartext_port;
};

/* Emits CLEARTEXT-AUTH-ALLOWED, AUTH-PLAINTEXT-BEFORE-TLS (confirmed),
 * AUTH-LOGINDISABLED-INCONSISTENT (b), AUTH-ADVERTISED-BUT-REJECTED,
 * AUTH-WEAK-MECHANISM, AUTH-ANONYMOUS-OFFERED,
 * AUTH-NO-USABLE-MECHANISM-AFTER-TLS and AUTH-NTLM-INFO-DISCLOSURE. */
void auth_judge(struct endpoint_result *r, const struct auth_probes *a,
                const struct auth_context *ctx);

#endif
