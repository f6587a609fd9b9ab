/*
 * The engine's own TLS handshakes, one table row each: the audit hello,
 * the handshake without SNI, client renegotiation and early data. The
 * engine's planner asks each row in turn whether the endpoint wants its
 * connection; the engine then runs the probe's plaintext preamble and
 * hands the connection to the row (open, then step until done), and
 * finish records what the connection showed, however it ended. A new
 * TLS-handshake check is one row here plus one judge function: the
 * engine needs no new state.
 */
#ifndef MAILAUDIT_SCANNER_TLS_PASSES_H
#define MAILAUDIT_SCANNER_TLS_PASSES_H

#include <stdbool.h>

#include "scanner/core/result.h"
#include "scanner/tls/tls.h"
#include "scanner/tls/tlsaudit.h"

struct hello_io;

/* What the operator allowed, as the rows need it. */
struct tls_pass_opts {
	enum tls_depth depth;
	unsigned budget; /* audit connections per endpoint */
	bool passive;    /* no active probes */
};

/* What the rows keep of one endpoint between its connections: engine
 * memory, freed when the endpoint is done, never reported. */
struct tls_pass_scratch {
	struct tls_audit_plan *audit; /* the audit's cursor */
	struct tls_ticket ticket;     /* the main session's TLS 1.3 ticket */
	/* the renegotiation connection also asks for the default
	 * certificate (it goes without SNI); alone: it could not, and each
	 * has its own connection as before (issue #13) */
	bool reneg_no_sni;
	bool alone;
	/* injection tests carry audit hellos (issue #13): the last one's
	 * hello was answered by TLS; no_carry: one was not, so the rest
	 * go without */
	bool carried;
	bool no_carry;
	bool pipelines; /* a carrier passed: later audit hellos pipeline too */
	/* the suite the renegotiation connection's TLS 1.2 handshake took
	 * with the main certificate (0: none): full depth counts it found */
	uint16_t tls12_suite;
};

void tls_pass_scratch_free(struct tls_pass_scratch *s);

/* How far a row's connection got: finish tells a silent server from a
 * failed preamble by it. */
enum tls_pass_stage {
	TLS_PASS_PREAMBLE,  /* the probe's plaintext part, not yet ours */
	TLS_PASS_HANDSHAKE, /* a library handshake in progress */
	TLS_PASS_EXCHANGE,  /* the row's own question is out */
};

/* What the engine does after step. */
enum tls_pass_io {
	TLS_PASS_WANT_READ,  /* call step again when the fd is readable */
	TLS_PASS_WANT_WRITE, /* ... writable */
	TLS_PASS_NEW_PHASE,  /* a new wait begins: a fresh --timeout, then
	                        step again */
	TLS_PASS_DONE,       /* the row has its answer: hang up */
};

/* One row's connection. */
struct tls_pass_run {
	const struct tls_pass *pass;
	struct endpoint_result *r;
	struct tls_pass_scratch *s; /* r's */
	int fd;
	enum tls_pass_stage stage;
	struct tls_conn *tls;   /* library handshakes */
	struct hello_io *hello; /* the audit hello */
	const char *why;        /* why the exchange ended unanswered */
	bool reneg_started;     /* the new ClientHello is on its way */
	bool greeting_read;     /* implicit TLS: application data came first */
	/* a carrier: the preamble pipelined the row's first flight behind
	 * STARTTLS, shaped as an injection test (probes/probe.h); early
	 * holds what arrived behind the STARTTLS reply, the start of the
	 * answer */
	bool carry;
	bool test;   /* ... as an injection test: only a TLS answer counts */
	bool heard;  /* a carrier's answer began */
	bool resent; /* ... or its first flight went out again */
	uint8_t *early;
	size_t nearly;
	/* for prepare: the engine's TLS settings and the name to send */
	struct tls_config *cfg;
	const char *sni;
};

struct tls_pass {
	const char *name;
	/* Does r want this row's connection next? Records the try. */
	bool (*wanted)(struct endpoint_result *r, struct tls_pass_scratch *s,
	               const struct tls_pass_opts *o);
	/* Before connecting (NULL: nothing to do); false when there is
	 * nothing left to ask, and no connection is made. */
	bool (*prepare)(struct tls_pass_run *x);
	/* The preamble is done: take over x->fd. False if the TLS session
	 * cannot be created. sni is NULL for IP targets. */
	bool (*open)(struct tls_pass_run *x, struct tls_config *cfg,
	             const char *sni);
	enum tls_pass_io (*step)(struct tls_pass_run *x);
	/* Records what the connection showed and frees x's resources; x->stage
	 * says where it ended. Called once for every connection made. */
	void (*finish)(struct tls_pass_run *x);
	/* x->why when --timeout ends the exchange (NULL: finish knows). */
	const char *timeout_why;
	/* After prepare, for a carrier: the first flight the preamble
	 * pipelines behind STARTTLS. NULL: the row cannot be carried, and
	 * its connections never pipeline (a row that can also goes with
	 * the STARTTLS of a server that passed a carrier). */
	const uint8_t *(*first_flight)(struct tls_pass_run *x, size_t *len);
	/* A carrier's first flight met silence for a moment: true if the
	 * row sent it again and waits on (NULL: the connection ends). */
	bool (*carrier_silent)(struct tls_pass_run *x);
};

/* The rows, in the order the planner asks them; NULL-terminated. */
extern const struct tls_pass *const tls_passes[];

/* The row r's next injection test can carry (issue #13), or NULL: an
 * audit hello with a question a server is expected to accept
 * (tls_audit_next_carrier), else the renegotiation connection; none
 * once a carrier of r went without a TLS answer. */
const struct tls_pass *tls_pass_carrier(struct endpoint_result *r,
                                        struct tls_pass_scratch *s,
                                        const struct tls_pass_opts *o);

/* The main connection of r is over: what the rows keep from its session
 * (the TLS 1.3 ticket early data resumes). */
void tls_passes_after_main(struct endpoint_result *r,
                           struct tls_pass_scratch *s, struct tls_conn *t,
                           const struct tls_pass_opts *o);

#endif
