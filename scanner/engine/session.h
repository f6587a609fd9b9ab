/*
 * One endpoint's conversation, independent of sockets: the I/O layer
 * (scanner/engine/conn.c) feeds received bytes and events in, and takes the
 * bytes to send out; the probe module decides what to say. Tests and
 * fuzzers drive the same code from memory.
 */
#ifndef MAILAUDIT_SCANNER_ENGINE_SESSION_H
#define MAILAUDIT_SCANNER_ENGINE_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/engine/pingpong.h"
#include "scanner/core/result.h"

struct probe_module;
struct probe_options;

enum session_want {
	SESSION_WANT_IO,   /* send pending output, read replies */
	SESSION_WANT_TLS,  /* run a TLS handshake, then session_tls_done */
	SESSION_WANT_CLOSE /* finished: close the connection */
};

struct session {
	struct endpoint_result *res;
	const struct probe_module *probe;
	void *state;
	struct pingpong pp;
	char *out;
	size_t outlen;
	size_t outcap;
	bool tls_active;
	bool started;
	bool finished;
	enum session_want want;
	const char *phase;  /* what we wait for, for timeout messages */
	unsigned phase_seq; /* bumped when a new reply or handshake is due:
	                       the I/O layer gives each phase a deadline */
	char tag[16];
	char tag_prefix[8];
	unsigned tag_seq;
	char *transcript;
	size_t transcript_len;
	size_t transcript_cap;
	int pass; /* PROBE_PASS_MAIN or a probe's own pass */
	const struct probe_options *opts;
	double quiet_wait;  /* > 0: listening for unsolicited data */
	size_t out_barrier; /* > 0: send only this many bytes first */
	/* a carrier pass's first TLS flight (the engine's, not owned) */
	const unsigned char *first_flight;
	size_t first_flight_len;
};

/* res must outlive the session; its endpoint must be set. seed makes the
 * command tags unpredictable. Only the main pass sets the endpoint's
 * status, TLS facts and certificate findings; other passes add findings. */
void session_init(struct session *s, struct endpoint_result *res,
                  unsigned long seed, int pass,
                  const struct probe_options *opts);
void session_free(struct session *s);

/* The connection is ready (for implicit TLS: after session_tls_done on
 * the initial handshake). */
void session_start(struct session *s);
void session_receive(struct session *s, const char *data, size_t n);
/* A handshake requested by SESSION_WANT_TLS (or the implicit one before
 * session_start) ended. The caller has filled res->tls already. */
void session_tls_done(struct session *s, bool ok, const char *why);
void session_eof(struct session *s);
void session_timeout(struct session *s);
/* The quiet period asked for with probe_wait_quiet ended. */
void session_quiet(struct session *s);
void session_io_error(struct session *s, const char *why);

/* Takes the bytes received but not read as replies (after a STARTTLS
 * reply: the start of the TLS answer). Returns their number; *bytes_r
 * is NULL when there are none. Caller frees. */
size_t session_take_input(struct session *s, unsigned char **bytes_r);
/* Adds an engine note ("-- ...") to the transcript. */
void session_note(struct session *s, const char *text);
/* Pending output; the I/O layer reports what it wrote. */
const char *session_output(const struct session *s, size_t *n_r);
void session_output_consumed(struct session *s, size_t n);

#endif
