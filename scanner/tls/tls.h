/*
 * The TLS client (GnuTLS): shared configuration (trust store, priority),
 * non-blocking sessions on an existing fd (implicit TLS or after
 * STARTTLS), and the facts a handshake yields. Verification never aborts
 * a handshake: certificates are judged afterwards (scanner/tls/certinfo.c,
 * probes/checks/cert_checks.c), so a bad certificate is evidence, not an error.
 */
#ifndef MAILAUDIT_SCANNER_TLS_TLS_H
#define MAILAUDIT_SCANNER_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "scanner/core/result.h"

struct tls_config;
struct tls_conn;

/* Loads the system trust store and, if ca_file is set, its certificates:
 * self-signed ones become trust anchors, the others a pool of known
 * intermediates used to tell an incomplete chain from an untrusted one.
 * Returns NULL with a one-line reason in err on failure. */
struct tls_config *tls_config_new(const char *ca_file, char *err,
                                  size_t errlen);
void tls_config_free(struct tls_config *cfg);

/* --fetch-aia (issue #12): fetches the body at an AIA caIssuers URL for
 * the path building of scanner/tls/certinfo.c. Returns the body, owned by
 * the fetcher and valid until it is freed (it caches per URL for the
 * whole scan), or NULL with a printable reason in *err. Called on the
 * event loop, so it must bound its own time. */
typedef const unsigned char *(*tls_fetch_fn)(void *ctx, const char *url,
                                             size_t *len, const char **err);
/* Without this call (fetch NULL) nothing is fetched. */
void tls_config_set_fetch(struct tls_config *cfg, tls_fetch_fn fetch,
                          void *ctx);

enum tls_io {
	TLS_IO_DONE,       /* finished / data moved */
	TLS_IO_WANT_READ,  /* call again when the fd is readable */
	TLS_IO_WANT_WRITE, /* call again when the fd is writable */
	TLS_IO_EOF,        /* the peer closed */
	TLS_IO_ERROR,      /* fatal; see tls_conn_error */
};

/* A client session on fd; sni is sent as server name unless NULL. */
struct tls_conn *tls_conn_new(struct tls_config *cfg, int fd, const char *sni);
void tls_conn_free(struct tls_conn *t);

enum tls_io tls_conn_handshake(struct tls_conn *t);
/* Reads up to n bytes into buf; *got_r is set on TLS_IO_DONE. */
enum tls_io tls_conn_read(struct tls_conn *t, char *buf, size_t n,
                          size_t *got_r);
enum tls_io tls_conn_write(struct tls_conn *t, const char *buf, size_t n,
                           size_t *put_r);
/* Bytes already decrypted and waiting (no fd event will announce them). */
bool tls_conn_has_pending(struct tls_conn *t);
/* Human text for the last error (static or owned by t). */
const char *tls_conn_error(struct tls_conn *t);

/* Fills out with version, suite, key exchange, stapling and the
 * certificate chain facts with trust evaluated against cfg. */
/* The leaf's facts alone, without the chain's trust evaluation (the
 * costly part): for handshakes that only compare certificates. */
bool tls_conn_leaf(struct tls_conn *t, struct cert_facts *out);
void tls_conn_facts(struct tls_conn *t, struct tls_facts *out);

/* The same session held to TLS 1.2 (TLS-CLIENT-RENEGOTIATION). */
struct tls_conn *tls_conn_new_tls12(struct tls_config *cfg, int fd,
                                    const char *sni);
bool tls_conn_is_tls12(struct tls_conn *t);
/* The negotiated suite's IANA name, NULL before the handshake. */
const char *tls_conn_suite(struct tls_conn *t);

/* The TLS 1.2 session, carried (issue #13): its ClientHello is made
 * before there is a connection (tls_conn_first_flight), for a STARTTLS
 * preamble to pipeline; tls_conn_attach then gives it the fd and the n
 * bytes (pre, malloc'd, taken) that arrived behind the STARTTLS reply.
 * NULL if GnuTLS made no ClientHello. */
struct tls_conn *tls_conn_new_carried_tls12(struct tls_config *cfg,
                                            const char *sni);
const unsigned char *tls_conn_first_flight(const struct tls_conn *t,
                                           size_t *len);
void tls_conn_attach(struct tls_conn *t, int fd, unsigned char *pre, size_t n);
/* A carried session received a byte / began with a TLS handshake or
 * alert record. */
bool tls_conn_heard(const struct tls_conn *t);
bool tls_conn_answered_tls(const struct tls_conn *t);
/* The server sent renegotiation_info (RFC 5746): without it GnuTLS will
 * not renegotiate. */
bool tls_conn_safe_renegotiation(struct tls_conn *t);

enum tls_reneg {
	TLS_RENEG_WANT_READ,  /* call again when the fd is readable */
	TLS_RENEG_WANT_WRITE, /* call again when the fd is writable */
	TLS_RENEG_ACCEPTED,   /* the new handshake completed */
	TLS_RENEG_REFUSED,    /* an alert or a close: tls_conn_error says */
	TLS_RENEG_FAILED,     /* no verdict: tls_conn_error says why */
};

/* Starts (and then drives) a client-initiated renegotiation: a new
 * ClientHello on the established TLS 1.2 session. */
enum tls_reneg tls_conn_renegotiate(struct tls_conn *t);

/* A TLS 1.3 session ticket (GnuTLS session data), kept between the main
 * connection and the resumption (scanner/tls/passes.h); never reported. */
struct tls_ticket {
	unsigned char *data;
	size_t len;
	size_t max_early_data; /* the ticket's allowance; 0: none */
};

void tls_ticket_free(struct tls_ticket *tk);

/* The ticket of a TLS 1.3 session, once data was read after the
 * handshake (GnuTLS processes tickets then); false if none came. */
bool tls_conn_ticket(struct tls_conn *t, struct tls_ticket *out);

/* A session resuming tk that sends data (n bytes) as TLS 1.3 early data
 * with its ClientHello (TLS-0RTT-ACCEPTED). */
struct tls_conn *tls_conn_new_early(struct tls_config *cfg, int fd,
                                    const char *sni,
                                    const struct tls_ticket *tk,
                                    const char *data, size_t n);
bool tls_conn_resumed(struct tls_conn *t);
/* The server took the early data (it said so in EncryptedExtensions). */
bool tls_conn_early_data_accepted(struct tls_conn *t);

#endif
