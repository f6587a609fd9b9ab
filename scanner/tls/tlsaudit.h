/*
 * The TLS protocol and cipher audit of one endpoint (check catalog P12,
 * 2.E): a planner that asks the server one question per connection with a
 * hand-built ClientHello (scanner/tls/tlshello.h) and keeps what the answers
 * say. It learns what the server ACCEPTS, with as few connections as the
 * answers allow, and never more than its budget. Pure: the engine does
 * the connections, probes/checks/tls_checks.c turns the facts into findings.
 */
#ifndef MAILAUDIT_SCANNER_TLS_TLSAUDIT_H
#define MAILAUDIT_SCANNER_TLS_TLSAUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/tls/tlshello.h"

enum tls_depth {
	TLS_DEPTH_OFF,   /* no audit connections */
	TLS_DEPTH_QUICK, /* versions, cipher classes, key exchange, extras */
	TLS_DEPTH_FULL,  /* + every accepted suite of every version */
};

const char *tls_depth_name(enum tls_depth d);
int tls_depth_parse(const char *s); /* -1 if unknown */

/* The questions, in the order they are asked. */
enum tls_question {
	TLSQ_TLS13,
	TLSQ_TLS12, /* broad offer; compression and extensions too */
	TLSQ_TLS11,
	TLSQ_TLS10,
	TLSQ_SSL3,
	TLSQ_SSL2,
	TLSQ_NULL_ANON_EXPORT,
	TLSQ_RC4,
	TLSQ_64BIT,
	TLSQ_NO_FS,
	TLSQ_CBC,         /* also: encrypt_then_mac with a CBC suite */
	TLSQ_DHE,         /* no FFDHE groups offered: the server's prime */
	TLSQ_WEAK_CURVES, /* only curves below 256 bits offered */
	TLSQ_WEAK_FIRST,  /* legacy suites first, strong ones after */
	TLSQ_ALPN,        /* only ALPN http/1.1: refused if enforced */
	TLSQ_ENUMERATE,   /* full depth: one suite found per connection */
	TLSQ_COUNT
};

const char *tls_question_name(enum tls_question q);

enum tls_answer {
	TLSA_UNASKED,
	TLSA_ACCEPTED, /* a ServerHello within what was offered */
	TLSA_REFUSED,  /* alert, close, or a hello outside the offer */
	TLSA_UNKNOWN,  /* timeout, not TLS, preamble failed, budget */
};

struct tls_question_result {
	enum tls_answer answer;
	uint16_t version; /* negotiated */
	uint16_t suite;
	uint8_t compression;
	unsigned ext_seen; /* TLSHELLO_EXT_* echoed */
	unsigned dh_bits;
	uint16_t curve;
	bool curve_explicit;
	bool ocsp_stapled;
	uint8_t alert;   /* when refused with an alert */
	char detail[96]; /* short text for evidence */
};

#define TLSAUDIT_MAX_SUITES 96
#define TLSAUDIT_MAX_OFFER  512

/* Accepted suites of one version (full depth, or what the questions
 * happened to show). */
struct tls_version_suites {
	uint16_t version;
	uint16_t suites[TLSAUDIT_MAX_SUITES];
	size_t n;
	bool complete; /* enumeration ended with a refusal */
};

struct tls_audit {
	enum tls_depth depth;
	unsigned budget; /* connections allowed */
	unsigned used;   /* connections made */
	bool budget_exhausted;
	bool aborted; /* the preamble stopped working */
	struct tls_question_result q[TLSQ_COUNT];
	/* what the main (library) handshake already showed */
	uint16_t main_version;
	/* per version, for the report */
	struct tls_version_suites by_version[5]; /* 1.3 .. SSL3 */
	size_t nversions;
	/* enumeration cursor */
	int enum_version; /* index into by_version, -1 before */
	/* the question in flight */
	enum tls_question asking;
	uint16_t asking_version;
	uint16_t *offered; /* TLSAUDIT_MAX_OFFER; freed when done */
	size_t noffered;
	bool judged;
};

void tls_audit_init(struct tls_audit *a, enum tls_depth depth, unsigned budget,
                    uint16_t main_version);
/* Frees the planning space once no more questions will be asked; the
 * answers stay. Safe to call twice. */
void tls_audit_done(struct tls_audit *a);
/* Frees a heap-allocated audit (NULL is fine). */
void tls_audit_free(struct tls_audit *a);

/* The next ClientHello to send, written to out (cap bytes). Returns its
 * length, or 0 when the audit is over (all asked, or the budget is
 * spent). sni is the scanned host name (NULL for IP targets); seed is
 * TLSHELLO_SEED_LEN random bytes. Counts the connection. */
size_t tls_audit_next(struct tls_audit *a, const char *sni, const uint8_t *seed,
                      uint8_t *out, size_t cap);

/* The server's reply to the hello in flight (kind and fields from the
 * parser), or NULL with why when there was none (closed, timeout). */
void tls_audit_answer(struct tls_audit *a, const struct tlshello_result *r,
                      const char *why);

/* The hello could not be sent because the plaintext preamble failed
 * (STARTTLS refused on a fresh connection): stop asking. */
void tls_audit_abort(struct tls_audit *a, const char *why);

/* Is version v accepted / refused / unknown per the answers? */
enum tls_answer tls_audit_version(const struct tls_audit *a, uint16_t v);

#endif
