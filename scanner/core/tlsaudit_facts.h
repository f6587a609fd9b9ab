/*
 * What the TLS protocol and cipher audit found for one endpoint: the
 * answers, part of the result model (scanner/core/result.h). The planner
 * that asks the questions is scanner/tls/tlsaudit.h; its cursor stays in
 * the engine.
 */
#ifndef MAILAUDIT_SCANNER_CORE_TLSAUDIT_FACTS_H
#define MAILAUDIT_SCANNER_CORE_TLSAUDIT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls_depth {
	TLS_DEPTH_OFF,   /* no audit connections */
	TLS_DEPTH_QUICK, /* versions, cipher classes, key exchange, extras */
	TLS_DEPTH_FULL,  /* + every accepted suite of every version */
};

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

/* Accepted suites of one version (full depth, or what the questions
 * happened to show). */
struct tls_version_suites {
	uint16_t version;
	uint16_t suites[TLSAUDIT_MAX_SUITES];
	size_t n;
	bool complete; /* enumeration ended with a refusal */
};

/* The answers. */
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
};

#endif
