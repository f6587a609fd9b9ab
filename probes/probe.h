/*
 * The probe-module interface (ZMap's probe modules, curl's
 * Curl_protocol). A probe holds one protocol's conversation as a state
 * machine; the engine (scanner/engine/session.c) owns bytes, sockets and TLS
 * and calls the probe with whole replies. Probes talk to the engine only
 * through the probe_* functions below: they ask for TLS, never configure
 * it, and they never see a socket, GnuTLS or JSON.
 */
#ifndef MAILAUDIT_PROBES_PROBE_H
#define MAILAUDIT_PROBES_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/engine/pingpong.h"
#include "scanner/core/result.h"

struct probe_ctx; /* the engine's session, opaque here */

enum probe_step {
	PROBE_WAIT,        /* a reply is expected: call on_reply */
	PROBE_UPGRADE_TLS, /* start TLS now: then on_tls_ready/_failed */
	PROBE_DONE,        /* conversation over: close */
};

/* How the conversation ended, for finish(). */
enum probe_end {
	PROBE_END_DONE,    /* the probe said PROBE_DONE */
	PROBE_END_CLOSED,  /* the peer closed while a reply was expected */
	PROBE_END_TIMEOUT, /* a reply or handshake did not come in time */
	PROBE_END_ERROR,   /* a cap was violated or I/O failed */
};

/* What the operator allowed the probes to do. */
struct probe_options {
	bool passive;        /* no active probes (README lists them) */
	double quiet_wait_s; /* how long to listen for unsolicited data */
};

/* Pass 0 is the main conversation; a probe numbers its other passes
 * (fresh connections for the injection variants, confirmations, ...). */
#define PROBE_PASS_MAIN 0
/* Or'ed into a pass number: connect without TLS even on an implicit-TLS
 * service (to see whether the port speaks cleartext). */
#define PROBE_PASS_NO_TLS 0x100
/* An engine pass (a row of scanner/tls/passes.c: an audit hello, the
 * handshake without SNI, renegotiation, early data): the probe only does
 * the plaintext preamble (greeting, STARTTLS) and asks for TLS; the
 * engine's row takes the connection from there. */
#define PROBE_PASS_PREAMBLE 0x200
/* Or'ed into a preamble pass with the number of one of the probe's own
 * passes that carries_hello accepted (issue #13): the preamble is that
 * pass's STARTTLS in its shape, with the engine's first TLS flight
 * (probe_send_first_flight) pipelined where the pass would put its
 * injected command. A TLS answer to it passes the pass's test; without
 * one the engine runs the pass itself. With no pass number: the
 * preamble's STARTTLS in its usual shape with the first flight behind it
 * in the same write, for a server that passed such a test. */
#define PROBE_PASS_CARRY 0x400
/* The probe's own pass number, without the engine's flags. */
#define PROBE_PASS_NUMBER(pass)                                                \
	((pass) & ~(PROBE_PASS_PREAMBLE | PROBE_PASS_CARRY))

struct probe_module {
	const char *name;  /* "imap", "pop3" */
	size_t state_size; /* per-session state, zeroed by the engine */
	/* The connection is ready: cleartext for STARTTLS services, after
	 * the handshake for implicit TLS. Usually expects the greeting. */
	enum probe_step (*start)(struct probe_ctx *c);
	/* A complete reply for the current expectation arrived. */
	enum probe_step (*on_reply)(struct probe_ctx *c,
	                            const struct pp_reply *r);
	/* The upgrade asked for with PROBE_UPGRADE_TLS succeeded. */
	enum probe_step (*on_tls_ready)(struct probe_ctx *c);
	/* ... or failed; why is a short escaped text. */
	enum probe_step (*on_tls_failed)(struct probe_ctx *c, const char *why);
	/* Called exactly once when the conversation is over, however it
	 * ended: judge everything seen and emit the findings. */
	void (*finish)(struct probe_ctx *c, enum probe_end how);
	/* probe_wait_quiet() ran out without data arriving. */
	enum probe_step (*on_quiet)(struct probe_ctx *c);
	/* After pass done ended, the pass to run next on a fresh
	 * connection, or -1 for none. Not called after a throttled or
	 * failed main pass. */
	int (*next_pass)(const struct endpoint_result *r,
	                 const struct probe_options *o, int done);
	/* A command that changes nothing in the state right after the
	 * greeting or STARTTLS (CRLF included): what the engine sends as
	 * TLS 1.3 early data. NULL: no early-data pass. */
	const char *early_data;
	/* May pass (from next_pass) run as a carrier of an engine TLS
	 * pass (PROBE_PASS_CARRY)? NULL: never. */
	bool (*carries_hello)(const struct endpoint_result *r, int pass);
};

/* Queues line (CRLF appended) for sending and records it in the
 * transcript. */
void probe_send(struct probe_ctx *c, const char *line);
/* Queues bytes exactly as given (no CRLF appended): for probes that
 * test line-end handling. */
void probe_send_raw(struct probe_ctx *c, const char *bytes);
/* A carrier pass (PROBE_PASS_CARRY): queues the engine's first TLS
 * flight, recorded in the transcript by its size only. */
void probe_send_first_flight(struct probe_ctx *c);
/* Sets how the next reply ends: the protocol's rule, or NULL for one
 * line (see scanner/engine/pingpong.h). */
void probe_expect(struct probe_ctx *c, pp_endofresp end, const char *tag);
/* A fresh, unpredictable command tag ("M3K7Q1", "M3K7Q2", ...). The
 * pointer stays valid until the next call. */
const char *probe_new_tag(struct probe_ctx *c);
/* Expects nothing for seconds: data that arrives goes to on_reply (as
 * one-line replies), silence ends in on_quiet. */
void probe_wait_quiet(struct probe_ctx *c, double seconds);
/* What was queued so far goes out in a write of its own, before anything
 * queued later (a command split across two TCP writes). */
void probe_write_barrier(struct probe_ctx *c);
/* Which pass this connection runs, and the operator's options. */
int probe_pass(struct probe_ctx *c);
const struct probe_options *probe_options(struct probe_ctx *c);
/* Memory a probe keeps across the passes of one endpoint: allocated on
 * first use (size bytes, zeroed), freed with the result. */
void *probe_memo(struct probe_ctx *c, size_t size);

/* Names what the probe waits for ("reply to CAPABILITY"), for timeout
 * and close messages. what must be a static string. */
void probe_waiting_for(struct probe_ctx *c, const char *what);
void *probe_state(struct probe_ctx *c);
struct endpoint_result *probe_result(struct probe_ctx *c);
const struct endpoint *probe_endpoint(struct probe_ctx *c);
bool probe_tls_active(struct probe_ctx *c);
/* Sets the endpoint's status (first call wins). Any status but
 * EP_STATUS_OK marks it not assessed. A probe whose conversation ended
 * early but still answered its question (a close after a refused STLS)
 * claims the assessment with EP_STATUS_OK and a detail text, so the
 * engine does not record the close as a protocol error. */
void probe_set_status(struct probe_ctx *c, enum endpoint_status st,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Bytes received after the current reply that no reply consumed; they are
 * dropped (never fed to TLS or a parser). Escaped, or NULL. */
char *probe_take_pending(struct probe_ctx *c);

#endif
