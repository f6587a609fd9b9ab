/*
 * GnuTLS client sessions for the scanner (RFC 8446, RFC 5246). The
 * handshake is non-blocking and never verifies on its own
 * (../shared/gnutls.md §1.1: auto-verification would abort and lose the
 * evidence).
 */
#include "scanner/tls/tls.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "scanner/tls/certinfo.h"
#include "scanner/tls/chaincache.h"
#include "scanner/core/escape.h"
#include "scanner/tls/ocspinfo.h"
#include "scanner/core/xalloc.h"

/* Distinct chains kept per scan: a fleet's few shared ones fit, and a
 * fleet of self-signed ones costs at most this many copies */
#define CHAIN_CACHE_MAX 64

/* More warning alerts than any real server sends before its handshake ends */
#define MAX_WARNING_ALERTS 16

/* A broad modern client: what a mail client of today offers, plus the
 * legacy versions Debian's NORMAL keeps, so old servers still complete a
 * handshake and their certificates can be judged. */
static const char priority_string[] = "NORMAL:%COMPAT";
/* The same client held to TLS 1.2, the last version with renegotiation
 * (TLS-CLIENT-RENEGOTIATION). NORMAL keeps %PARTIAL_RENEGOTIATION: GnuTLS
 * refuses to renegotiate with a server without RFC 5746 support. */
static const char tls12_priority_string[] =
    "NORMAL:%COMPAT:-VERS-ALL:+VERS-TLS1.2";

/* GnuTLS 3.7's value for a ticket without the early_data extension: its
 * client starts with it and only a ticket's extension lowers it. */
#define NO_EARLY_DATA_LIMIT 0xffffffffu

struct tls_config {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t priority;
	gnutls_priority_t tls12_priority;
	struct certinfo_trust trust;
	struct chain_cache *chains;
};

/* The transport of a carried session (tls_conn_new_carried_tls12): its
 * first flight is kept for the preamble, what arrived behind the
 * STARTTLS reply is read before the socket. */
struct carried_io {
	int fd; /* -1 while the first flight is made */
	unsigned char *flight;
	size_t flight_len;
	unsigned char *pre;
	size_t pre_len, pre_off;
	unsigned char first[2]; /* the first bytes received */
	size_t nfirst;
};

struct tls_conn {
	struct tls_config *cfg;
	gnutls_session_t session;
	int last_error;
	char *error_text;
	struct carried_io *carried;
};

struct tls_config *
tls_config_new(const char *ca_file, char *err, size_t errlen)
{
	struct tls_config *cfg = xcalloc(1, sizeof(*cfg));
	const char *errpos = NULL;
	int rc;

	if ((rc = gnutls_certificate_allocate_credentials(&cfg->cred)) < 0 ||
	    (rc = gnutls_priority_init(&cfg->priority, priority_string,
	                               &errpos)) < 0 ||
	    (rc = gnutls_priority_init(&cfg->tls12_priority,
	                               tls12_priority_string, &errpos)) < 0) {
		snprintf(err, errlen, "TLS setup failed: %s",
		         gnutls_strerror(rc));
		goto fail;
	}
	if (certinfo_trust_load(&cfg->trust, ca_file, err, errlen) < 0)
		goto fail;
	cfg->chains = chain_cache_new(CHAIN_CACHE_MAX);
	return cfg;
fail:
	tls_config_free(cfg);
	return NULL;
}

void
tls_config_set_fetch(struct tls_config *cfg, tls_fetch_fn fetch, void *ctx)
{
	cfg->trust.fetch = fetch;
	cfg->trust.fetch_ctx = ctx;
}

void
tls_config_free(struct tls_config *cfg)
{
	if (!cfg)
		return;
	if (cfg->cred)
		gnutls_certificate_free_credentials(cfg->cred);
	if (cfg->priority)
		gnutls_priority_deinit(cfg->priority);
	if (cfg->tls12_priority)
		gnutls_priority_deinit(cfg->tls12_priority);
	certinfo_trust_free(&cfg->trust);
	chain_cache_free(cfg->chains);
	free(cfg);
}

static struct tls_conn *
conn_new(struct tls_config *cfg, int fd, const char *sni, unsigned flags,
         gnutls_priority_t priority)
{
	struct tls_conn *t = xcalloc(1, sizeof(*t));

	t->cfg = cfg;
	if (gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | flags) <
	    0) {
		free(t);
		return NULL;
	}
	gnutls_priority_set(t->session, priority);
	gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, cfg->cred);
	if (sni)
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, sni,
		                       strlen(sni));
	gnutls_transport_set_int(t->session, fd);
	return t;
}

struct tls_conn *
tls_conn_new(struct tls_config *cfg, int fd, const char *sni)
{
	return conn_new(cfg, fd, sni, 0, cfg->priority);
}

struct tls_conn *
tls_conn_new_tls12(struct tls_config *cfg, int fd, const char *sni)
{
	return conn_new(cfg, fd, sni, 0, cfg->tls12_priority);
}

struct tls_conn *
tls_conn_new_early(struct tls_config *cfg, int fd, const char *sni,
                   const struct tls_ticket *tk, const char *data, size_t n)
{
	struct tls_conn *t =
	    conn_new(cfg, fd, sni, GNUTLS_ENABLE_EARLY_DATA, cfg->priority);

	/* the data only waits in GnuTLS until the ClientHello takes it */
	if (t && (gnutls_session_set_data(t->session, tk->data, tk->len) < 0 ||
	          gnutls_record_send_early_data(t->session, data, n) < 0)) {
		tls_conn_free(t);
		return NULL;
	}
	return t;
}

void
tls_conn_free(struct tls_conn *t)
{
	if (!t)
		return;
	gnutls_deinit(t->session);
	free(t->error_text);
	if (t->carried) {
		free(t->carried->flight);
		free(t->carried->pre);
		free(t->carried);
	}
	free(t);
}

static ssize_t
carried_push(gnutls_transport_ptr_t ptr, const void *data, size_t n)
{
	struct tls_conn *t = ptr;
	struct carried_io *io = t->carried;
	ssize_t w;

	if (io->fd < 0) {
		io->flight = xreallocarray(io->flight, io->flight_len + n, 1);
		memcpy(io->flight + io->flight_len, data, n);
		io->flight_len += n;
		return (ssize_t)n;
	}
	w = send(io->fd, data, n, MSG_NOSIGNAL);
	if (w < 0)
		gnutls_transport_set_errno(t->session, errno);
	return w;
}

static void
note_first(struct carried_io *io, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && io->nfirst < sizeof(io->first); i++)
		io->first[io->nfirst++] = p[i];
}

static ssize_t
carried_pull(gnutls_transport_ptr_t ptr, void *buf, size_t n)
{
	struct tls_conn *t = ptr;
	struct carried_io *io = t->carried;
	ssize_t r;

	if (io->pre_off < io->pre_len) {
		size_t k = io->pre_len - io->pre_off;

		if (k > n)
			k = n;
		memcpy(buf, io->pre + io->pre_off, k);
		io->pre_off += k;
		note_first(io, buf, k);
		return (ssize_t)k;
	}
	if (io->fd < 0) {
		gnutls_transport_set_errno(t->session, EAGAIN);
		return -1;
	}
	r = recv(io->fd, buf, n, 0);
	if (r < 0)
		gnutls_transport_set_errno(t->session, errno);
	else
		note_first(io, buf, (size_t)r);
	return r;
}

static int
carried_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct tls_conn *t = ptr;
	struct carried_io *io = t->carried;
	struct pollfd p = {.fd = io->fd, .events = POLLIN};

	(void)ms; /* non-blocking: the event loop waits, not GnuTLS */
	if (io->pre_off < io->pre_len)
		return 1;
	if (io->fd < 0)
		return 0;
	return poll(&p, 1, 0);
}

struct tls_conn *
tls_conn_new_carried_tls12(struct tls_config *cfg, const char *sni)
{
	struct tls_conn *t = conn_new(cfg, -1, sni, 0, cfg->tls12_priority);
	int rc;

	if (!t)
		return NULL;
	t->carried = xcalloc(1, sizeof(*t->carried));
	t->carried->fd = -1;
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_push_function(t->session, carried_push);
	gnutls_transport_set_pull_function(t->session, carried_pull);
	gnutls_transport_set_pull_timeout_function(t->session,
	                                           carried_pull_timeout);
	/* writes the ClientHello, then finds nothing to read */
	rc = gnutls_handshake(t->session);
	if (rc != GNUTLS_E_AGAIN || t->carried->flight_len == 0) {
		tls_conn_free(t);
		return NULL;
	}
	return t;
}

const unsigned char *
tls_conn_first_flight(const struct tls_conn *t, size_t *len)
{
	*len = t->carried ? t->carried->flight_len : 0;
	return t->carried ? t->carried->flight : NULL;
}

void
tls_conn_attach(struct tls_conn *t, int fd, unsigned char *pre, size_t n)
{
	struct carried_io *io = t->carried;

	io->fd = fd;
	free(io->pre);
	io->pre = pre;
	io->pre_len = n;
	io->pre_off = 0;
}

bool
tls_conn_heard(const struct tls_conn *t)
{
	return t->carried && t->carried->nfirst > 0;
}

bool
tls_conn_answered_tls(const struct tls_conn *t)
{
	const struct carried_io *io = t->carried;

	/* a handshake or alert record header: 0x16/0x15, then 0x03 */
	return io && io->nfirst == 2 &&
	       (io->first[0] == 0x16 || io->first[0] == 0x15) &&
	       io->first[1] == 0x03;
}

static enum tls_io
classify(struct tls_conn *t, int rc)
{
	int err = errno; /* the socket's, for pull/push errors */

	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return gnutls_record_get_direction(t->session)
		           ? TLS_IO_WANT_WRITE
		           : TLS_IO_WANT_READ;
	if (rc == GNUTLS_E_PREMATURE_TERMINATION || rc == 0)
		return TLS_IO_EOF;
	t->last_error = rc;
	free(t->error_text);
	if ((rc == GNUTLS_E_PULL_ERROR || rc == GNUTLS_E_PUSH_ERROR) && err)
		t->error_text =
		    xasprintf("connection error during TLS: %s", strerror(err));
	else if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED ||
	         rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
		t->error_text = xasprintf(
		    "%s: %s", gnutls_strerror(rc),
		    gnutls_alert_get_name(gnutls_alert_get(t->session)));
	else
		t->error_text = xstrdup(gnutls_strerror(rc));
	return TLS_IO_ERROR;
}

enum tls_io
tls_conn_handshake(struct tls_conn *t)
{
	int rc, warnings = 0;

	/* A warning alert mid-handshake is not fatal: go on at once, since
	 * the rest of the server's flight may already sit in GnuTLS's buffer
	 * and the socket would never wake us for it. A server that sends
	 * nothing but warnings must not hold the thread, hence the bound. */
	do
		rc = gnutls_handshake(t->session);
	while (rc < 0 && !gnutls_error_is_fatal(rc) && rc != GNUTLS_E_AGAIN &&
	       rc != GNUTLS_E_INTERRUPTED && ++warnings < MAX_WARNING_ALERTS);
	if (warnings == MAX_WARNING_ALERTS) {
		t->last_error = rc;
		free(t->error_text);
		t->error_text = xasprintf("%d warning alerts in one handshake",
		                          MAX_WARNING_ALERTS);
		return TLS_IO_ERROR;
	}
	if (rc == GNUTLS_E_SUCCESS)
		return TLS_IO_DONE;
	if (rc == GNUTLS_E_PREMATURE_TERMINATION) {
		t->last_error = rc;
		free(t->error_text);
		t->error_text =
		    xstrdup("connection closed during the handshake");
		return TLS_IO_ERROR;
	}
	/* a malformed first record, before any handshake message: what
	 * answered is most likely not TLS at all (HTTP, a mail greeting) */
	if ((rc == GNUTLS_E_UNEXPECTED_PACKET ||
	     rc == GNUTLS_E_UNEXPECTED_PACKET_LENGTH ||
	     rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET) &&
	    (int)gnutls_handshake_get_last_in(t->session) < 0) {
		t->last_error = rc;
		free(t->error_text);
		t->error_text = xasprintf("the server's answer is not TLS (%s)",
		                          gnutls_strerror(rc));
		return TLS_IO_ERROR;
	}
	return classify(t, rc);
}

enum tls_io
tls_conn_read(struct tls_conn *t, char *buf, size_t n, size_t *got_r)
{
	ssize_t rc = gnutls_record_recv(t->session, buf, n);

	if (rc > 0) {
		*got_r = (size_t)rc;
		return TLS_IO_DONE;
	}
	return classify(t, (int)rc);
}

enum tls_io
tls_conn_write(struct tls_conn *t, const char *buf, size_t n, size_t *put_r)
{
	ssize_t rc = gnutls_record_send(t->session, buf, n);

	if (rc > 0) {
		*put_r = (size_t)rc;
		return TLS_IO_DONE;
	}
	if (rc == 0)
		return TLS_IO_WANT_WRITE;
	return classify(t, (int)rc);
}

bool
tls_conn_has_pending(struct tls_conn *t)
{
	return gnutls_record_check_pending(t->session) > 0;
}

const char *
tls_conn_error(struct tls_conn *t)
{
	return t->error_text ? t->error_text : "TLS error";
}

bool
tls_conn_leaf(struct tls_conn *t, struct cert_facts *out)
{
	const gnutls_datum_t *certs;
	unsigned ncerts = 0;
	gnutls_x509_crt_t crt;
	bool ok = false;

	certs = gnutls_certificate_get_peers(t->session, &ncerts);
	if (!certs || ncerts == 0 || gnutls_x509_crt_init(&crt) < 0)
		return false;
	if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0) {
		certinfo_facts(crt, out);
		ok = true;
	}
	gnutls_x509_crt_deinit(crt);
	return ok;
}

void
tls_conn_facts(struct tls_conn *t, struct tls_facts *out)
{
	gnutls_session_t s = t->session;
	const char *name;
	char *desc;
	const gnutls_datum_t *certs;
	gnutls_datum_t staple = {NULL, 0};
	unsigned ncerts = 0;

	out->handshake_done = true;
	name = gnutls_protocol_get_name(gnutls_protocol_get_version(s));
	out->version = xstrdup(name ? name : "unknown");
	name = gnutls_ciphersuite_get(s);
	out->cipher_suite = xstrdup(name ? name : "unknown");
	name = gnutls_group_get_name(gnutls_group_get(s));
	if (name)
		out->kx = xstrdup(name);
	desc = gnutls_session_get_desc(s);
	if (desc) {
		out->description = xstrdup(desc);
		gnutls_free(desc);
	}
	out->ocsp_stapled = gnutls_ocsp_status_request_is_checked(
	                        s, GNUTLS_OCSP_SR_IS_AVAIL) != 0;
	certs = gnutls_certificate_get_peers(s, &ncerts);
	if (out->ocsp_stapled &&
	    gnutls_ocsp_status_request_get2(s, 0, &staple) >= 0)
		ocspinfo_read(&staple, certs, certs ? ncerts : 0, &out->ocsp);
	if (certs && ncerts > 0)
		chain_cache_facts(t->cfg->chains, &t->cfg->trust, certs, ncerts,
		                  &out->chain);
}

void
tls_ticket_free(struct tls_ticket *tk)
{
	free(tk->data);
	memset(tk, 0, sizeof(*tk));
}

bool
tls_conn_ticket(struct tls_conn *t, struct tls_ticket *out)
{
	gnutls_session_t s = t->session;
	gnutls_datum_t d = {NULL, 0};
	size_t limit;

	if (gnutls_protocol_get_version(s) != GNUTLS_TLS1_3 ||
	    !(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_SESSION_TICKET))
		return false;
	limit = gnutls_record_get_max_early_data_size(s);
	out->max_early_data = limit == NO_EARLY_DATA_LIMIT ? 0 : limit;
	/* the session data (kilobytes) is kept only where it will be used:
	 * most servers allow no early data, and a fleet's worth adds up */
	if (out->max_early_data == 0 || gnutls_session_get_data2(s, &d) < 0)
		return true;
	out->data = xmalloc(d.size ? d.size : 1);
	memcpy(out->data, d.data, d.size);
	out->len = d.size;
	gnutls_free(d.data);
	return true;
}

bool
tls_conn_is_tls12(struct tls_conn *t)
{
	return gnutls_protocol_get_version(t->session) == GNUTLS_TLS1_2;
}

const char *
tls_conn_suite(struct tls_conn *t)
{
	return gnutls_ciphersuite_get(t->session);
}

bool
tls_conn_safe_renegotiation(struct tls_conn *t)
{
	return gnutls_safe_renegotiation_status(t->session) != 0;
}

bool
tls_conn_resumed(struct tls_conn *t)
{
	return gnutls_session_is_resumed(t->session) != 0;
}

bool
tls_conn_early_data_accepted(struct tls_conn *t)
{
	return (gnutls_session_get_flags(t->session) &
	        GNUTLS_SFLAGS_EARLY_DATA) != 0;
}

/* Sets the reason text of a renegotiation outcome. */
static enum tls_reneg
reneg_end(struct tls_conn *t, enum tls_reneg how, int rc, char *text)
{
	t->last_error = rc;
	free(t->error_text);
	t->error_text = text;
	return how;
}

enum tls_reneg
tls_conn_renegotiate(struct tls_conn *t)
{
	char scratch[1024];
	int rc, rounds = 0;

	for (;;) {
		rc = gnutls_handshake(t->session);
		if (rc == GNUTLS_E_SUCCESS)
			return reneg_end(t, TLS_RENEG_ACCEPTED, 0,
			                 xstrdup("the server completed the "
			                         "renegotiation"));
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			return gnutls_record_get_direction(t->session)
			           ? TLS_RENEG_WANT_WRITE
			           : TLS_RENEG_WANT_READ;
		if (++rounds >= MAX_WARNING_ALERTS)
			return reneg_end(
			    t, TLS_RENEG_FAILED, rc,
			    xstrdup("no end to the renegotiation"));
		/* tls.c's handshake loop carries on after warnings; here
		 * no_renegotiation is the answer (RFC 5246 §7.2.2) */
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED &&
		    gnutls_alert_get(t->session) == GNUTLS_A_NO_RENEGOTIATION)
			return reneg_end(
			    t, TLS_RENEG_REFUSED, rc,
			    xstrdup("warning alert no_renegotiation"));
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
			continue;
		/* data the server sent before it saw our ClientHello; GnuTLS
		 * wants it read before the handshake goes on */
		if (rc == GNUTLS_E_GOT_APPLICATION_DATA) {
			if (gnutls_record_recv(t->session, scratch,
			                       sizeof(scratch)) < 0)
				return reneg_end(
				    t, TLS_RENEG_FAILED, rc,
				    xstrdup("application data in the way of "
				            "the renegotiation"));
			continue;
		}
		if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
			return reneg_end(
			    t, TLS_RENEG_REFUSED, rc,
			    xasprintf("fatal alert %s",
			              gnutls_alert_get_name(
			                  gnutls_alert_get(t->session))));
		if (rc == GNUTLS_E_PREMATURE_TERMINATION ||
		    rc == GNUTLS_E_PULL_ERROR || rc == GNUTLS_E_PUSH_ERROR)
			return reneg_end(t, TLS_RENEG_REFUSED, rc,
			                 xstrdup("the server closed the "
			                         "connection"));
		/* anything else is our side or a broken exchange: no
		 * verdict either way */
		return reneg_end(t, TLS_RENEG_FAILED, rc,
		                 xstrdup(gnutls_strerror(rc)));
	}
}
