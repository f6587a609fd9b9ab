/*
 * The TLS protocol and cipher audit of one endpoint (check catalog P12,
 * 2.E): a planner that asks the server questions with hand-built
 * ClientHellos (scanner/tls/tlshello.h), one hello per connection, and
 * keeps what the answers say. Questions a compliant server refuses are
 * asked together first (group testing, issue #13): one hello offering
 * every member's suites; a refusal answers every member, anything else
 * splits the group into its single questions, asked as before. It learns what
 * the server ACCEPTS, with as few connections as the answers allow, and never
 * more than its budget. Pure: the engine does the connections and keeps the
 * cursor (struct tls_audit_plan), the answers (scanner/core/tlsaudit_facts.h)
 * go to the report, and probes/checks/tls_checks.c turns them into findings.
 */
#ifndef MAILAUDIT_SCANNER_TLS_TLSAUDIT_H
#define MAILAUDIT_SCANNER_TLS_TLSAUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/tlsaudit_facts.h"
#include "scanner/tls/tlshello.h"

const char *tls_depth_name(enum tls_depth d);
int tls_depth_parse(const char *s); /* -1 if unknown */

const char *tls_question_name(enum tls_question q);

#define TLSAUDIT_MAX_OFFER 512

/* The planner's cursor over one audit: engine memory, never reported. */
struct tls_audit_plan {
	struct tls_audit *a;
	int enum_version; /* index into a->by_version, -1 before */
	/* the question in flight */
	enum tls_question asking;
	/* a combined question in flight (its first member is asking), -1
	 * for a single one; groups_asked: those already asked (bit per
	 * group) */
	int group;
	unsigned groups_asked;
	uint16_t asking_version;
	uint16_t *offered; /* TLSAUDIT_MAX_OFFER */
	size_t noffered;
	/* a carried question (tls_audit_next_carrier) is in flight: the
	 * cursor to go back to once it is answered or unasked; -1 if none */
	int resume;
	/* per version (by_version's order): a suite the server took in a
	 * library handshake, 0 if none */
	uint16_t known[5];
	/* full depth, TLS 1.3: the server answered an empty key_share with
	 * a HelloRetryRequest (its refusals count), or refused one before
	 * it did (the enumeration's hellos carry a share from then on) */
	bool retry_seen, share_needed;
};

void tls_audit_init(struct tls_audit *a, enum tls_depth depth, unsigned budget,
                    uint16_t main_version);
/* The cursor of a (initialised) audit, asking from the first question;
 * freed with tls_audit_plan_free (NULL is fine). */
struct tls_audit_plan *tls_audit_plan_new(struct tls_audit *a);
void tls_audit_plan_free(struct tls_audit_plan *pl);

/* The next ClientHello to send, written to out (cap bytes). Returns its
 * length, or 0 when the audit is over (all asked, or the budget is
 * spent). sni is the scanned host name (NULL for IP targets); seed is
 * TLSHELLO_SEED_LEN random bytes. Counts the connection. */
size_t tls_audit_next(struct tls_audit_plan *pl, const char *sni,
                      const uint8_t *seed, uint8_t *out, size_t cap);

/* Like tls_audit_next, but for a hello pipelined behind STARTTLS in an
 * injection test (issue #13): only a question a server that took the
 * main handshake is expected to accept (TLS 1.2, then ALPN), so that its
 * answer is a TLS record, asked out of turn and skipped when the cursor
 * gets to it. 0 when no such question is left. */
size_t tls_audit_next_carrier(struct tls_audit_plan *pl, const char *sni,
                              const uint8_t *seed, uint8_t *out, size_t cap);
/* Is such a question left? */
bool tls_audit_has_carrier(struct tls_audit_plan *pl);
/* The carried question in flight got no answer that can be trusted (no
 * TLS record came back): forget it was asked, and give its connection
 * back to the budget; the cursor asks it again in turn. */
void tls_audit_unask(struct tls_audit_plan *pl);
/* The server's reply to the hello in flight (kind and fields from the
 * parser), or NULL with why when there was none (closed, timeout). */
void tls_audit_answer(struct tls_audit_plan *pl,
                      const struct tlshello_result *r, const char *why);

/* The hello could not be sent because the plaintext preamble failed
 * (STARTTLS refused on a fresh connection): stop asking. */
void tls_audit_abort(struct tls_audit_plan *pl, const char *why);

/* The server took suite at version in a library handshake (the main
 * one): full depth counts it as found instead of asking for it. */
void tls_audit_plan_known(struct tls_audit_plan *pl, uint16_t version,
                          uint16_t suite);
/* Is version v accepted / refused / unknown per the answers? */
enum tls_answer tls_audit_version(const struct tls_audit *a, uint16_t v);

#endif
