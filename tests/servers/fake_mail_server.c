/*
 * fake_mail_server: a deliberately misbehaving IMAP/POP3 server for the
 * mailaudit integration tests. It plants conditions that a real Dovecot
 * cannot (check catalog, fixture table 5.2).
 *
 * fake_mail_server --proto imap|pop3 --mode starttls|implicit
 *     --listen ADDR:PORT [--listen ADDR:PORT ...] --cert CHAIN.pem
 *     --key KEY.pem --behaviour NAME [--pidfile F] [--daemon] [--log F]
 *     [--priority STRING] [--dhparams DH.pem] [--heartbeat] [--sni-warning]
 *     [--alpn NAME] [--allow-renegotiation] [--early-data]
 *     [--ocsp-response RESP.der] [--raw-chain] [--http-wait MS]
 *
 * ADDR is numeric or a name; IPv6 in brackets ("[::1]:1143"). --daemon forks
 * into the background after every listener is bound; the pid file is
 * written before the foreground process exits. Each connection is served
 * by a forked child and closed after 30 s or 64 KiB read. SIGTERM/SIGINT
 * stop the server and its children. --log appends diagnostics to a file
 * (stderr otherwise; /dev/null when daemonised without --log).
 *
 * Behaviours (--behaviour NAME), each one deviation from "normal":
 *  normal: correct minimal server, the reference for all others
 *  preauth: IMAP "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] fake logged in"
 *  bye: IMAP "* BYE Too many connections..."/POP3 "-ERR [IN-USE] ...", close
 *  logindisabled-with-auth-plain: pre-TLS LOGINDISABLED AUTH=PLAIN AUTH=LOGIN
 *  starttls-unadvertised: no STARTTLS/STLS in pre-TLS caps; command works
 *  starttls-refused: STARTTLS/STLS advertised, answered NO / -ERR
 *  starttls-garbage: OK, then 200 bytes of HTTP-like garbage, close
 *  starttls-still-advertised: still in post-TLS caps; 2nd STARTTLS gets OK
 *  silent: accept, never send anything (discard input for up to 30 s)
 *  no-capa: POP3 CAPA gets "-ERR unknown command"; STLS still works
 *  injection: plaintext pipelined after STARTTLS is answered inside TLS
 *  extra-plaintext: "* OK extra plaintext line"/"+OK extra" after the OK
 *  capability-in-ok: "TAG OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Begin TLS"
 *  ntlm: AUTH=NTLM/SASL NTLM; NEGOTIATE gets a realistic NTLM CHALLENGE
 *  throttle: normal for 3 connections per 60 s, then the "bye" reply
 *  endless-line: greeting prefix, 1 MiB of 'A' without CRLF, then hold
 *  trickle: the normal greeting, one byte per second (30 s limit applies)
 *  huge-caps: 100000 extra capabilities in CAPABILITY / CAPA replies
 *  nul-bytes: greeting containing NUL, ESC[2J and 0xff bytes
 *  http: waits up to 5 s (--http-wait MS) for a request, then answers
 *      "HTTP/1.1 400 Bad Request" (request or not, as a web server whose
 *      request timeout expired), close
 *  close-on-accept: closes the connection right after accept
 *  reset-mid-handshake: after the STARTTLS OK reads the ClientHello, RST
 *  advertised-but-rejected: pre-TLS IMAP caps "IMAP4rev1 STARTTLS
 *      AUTH=PLAIN AUTH=LOGIN" (no LOGINDISABLED), POP3 CAPA "SASL PLAIN
 *      LOGIN" (no USER), but AUTHENTICATE/LOGIN/AUTH/USER get "NO
 *      [PRIVACYREQUIRED]"/"-ERR [AUTH] Plaintext authentication disallowed
 *      on non-secure (SSL/TLS) connections." (AUTH-ADVERTISED-BUT-REJECTED)
 *  no-mech-after-tls: post-TLS IMAP caps "IMAP4rev1 LOGINDISABLED" (no
 *      AUTH=), POP3 CAPA without USER and SASL; every mechanism, LOGIN and
 *      USER refused (AUTH-NO-USABLE-MECHANISM-AFTER-TLS)
 *  implementation: POP3 CAPA (before and after TLS) has "IMPLEMENTATION
 *      FakePOP 1.2.3" (INFO-POP3-IMPLEMENTATION)
 *  starttls-on-implicit: with --mode implicit, STARTTLS/STLS inside the
 *      implicit TLS session gets "OK Begin TLS negotiation now." and the
 *      session goes on unchanged (STARTTLS-ON-IMPLICIT-PORT); like normal
 *      in starttls mode
 *  exchange: greeting "* OK The Microsoft Exchange IMAP4 service is ready.
 *      [<base64>]" (POP3 "+OK ... POP3 ...") where base64 is the UTF-16LE
 *      of MR2P264CA0029.FRAP264.PROD.OUTLOOK.COM (INFO-BANNER-DISCLOSURE,
 *      INFO-EXCHANGE-BACKEND-FQDN)
 *  anonymous: AUTH=ANONYMOUS / SASL ANONYMOUS before and after TLS;
 *      AUTHENTICATE/AUTH ANONYMOUS gets "+ ", "*" aborts (BAD / -ERR),
 *      anything else fails (AUTH-ANONYMOUS-OFFERED)
 *  id: IMAP caps have ID; "TAG ID ..." (any arguments) gets "* ID (...)"
 *      with name, version, os, os-version and a support-url sent as a
 *      {25} literal, then "TAG OK ID completed." (INFO-IMAP-ID-DISCLOSURE)
 *
 * In implicit mode the handshake comes first (except for silent, http,
 * close-on-accept and reset-mid-handshake), then the greeting with the
 * post-TLS capabilities; STARTTLS then gets "BAD TLS is already active."
 * (OK with starttls-still-advertised and starttls-on-implicit).
 *
 * TLS options, applied to every TLS session (implicit and after STARTTLS)
 * in every behaviour. A failed handshake is answered with the fitting alert
 * (protocol_version, handshake_failure, ...). The plants below were checked
 * on GnuTLS 3.7.9 with hand-built ClientHellos, gnutls-cli and openssl
 * s_client; "RSA" marks those that need an RSA --cert (an ECDSA leaf gets
 * the ECDHE-ECDSA variant of the 3DES, RC4 and NULL suites instead).
 *  --priority STRING: GnuTLS server priority string, default "NORMAL"
 *      (which on Debian already takes TLS 1.0/1.1 with AES-CBC-SHA1 suites
 *      and, with an RSA leaf, static RSA). A bad string is reported with
 *      its error position. A string containing "ANON" also enables
 *      anonymous server credentials (DH parameters as for DHE, below).
 *      TLS-VERSION-LEGACY, TLS-NO-MODERN-VERSION:
 *          NORMAL:-VERS-ALL:+VERS-TLS1.0  (or +VERS-TLS1.1)
 *      TLS-1.3-UNSUPPORTED: NORMAL:-VERS-ALL:+VERS-TLS1.2 (1.2 only) or
 *          NORMAL:-VERS-TLS1.3
 *      TLS-CIPHER-64BIT-BLOCK: NORMAL:-VERS-TLS1.3:+3DES-CBC
 *      TLS-CIPHER-RC4: NORMAL:-VERS-TLS1.3:+ARCFOUR-128
 *      TLS-CIPHER-NULL-ANON-EXPORT, NULL: NORMAL:-VERS-TLS1.3:+NULL
 *      TLS-CIPHER-NULL-ANON-EXPORT, anonymous:
 *          NORMAL:-VERS-TLS1.3:+ANON-DH:+ANON-ECDH (EXPORT: not in GnuTLS)
 *      TLS-CIPHER-NO-FORWARD-SECRECY (RSA): NORMAL:-VERS-TLS1.3:-KX-ALL:+RSA
 *      TLS-CIPHER-CBC: NORMAL:-VERS-TLS1.3:-CIPHER-ALL:+AES-128-CBC:
 *          +AES-256-CBC (AEAD-only clients get handshake_failure)
 *      TLS-WEAK-CIPHER-PREFERRED: NORMAL:-VERS-TLS1.3:-CIPHER-ALL:+3DES-CBC:
 *          +AES-128-GCM:+AES-256-GCM:%SERVER_PRECEDENCE
 *      TLS-ECDH-CURVE-WEAK: NORMAL:-VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP192R1
 *          (clients without secp192r1 get handshake_failure)
 *      TLS-RENEGOTIATION-INSECURE: ...:%DISABLE_SAFE_RENEGOTIATION (no
 *          renegotiation_info, also not for the SCSV)
 *      TLS-EMS-MISSING: ...:%NO_SESSION_HASH (no extended_master_secret)
 *      TLS-ETM-MISSING: NORMAL:-VERS-TLS1.3:-CIPHER-ALL:+AES-128-CBC:
 *          +AES-256-CBC:%NO_ETM (no encrypt_then_mac with a CBC suite)
 *  --dhparams FILE: PKCS#3 PEM DH parameters (certtool --generate-dh-params,
 *      openssl dhparam) for DHE and anonymous DH; without it the built-in
 *      2048-bit group (GNUTLS_SEC_PARAM_MEDIUM). While the priority has RFC
 *      7919 groups GnuTLS uses FFDHE2048 for every client, even one that
 *      offers no FFDHE group, so the file's prime is used only with
 *      -GROUP-DH-ALL (which needs --dhparams: DHE fails without it).
 *      TLS-DH-WEAK (RSA): a 1024-bit file with NORMAL:-VERS-TLS1.3:
 *          -GROUP-DH-ALL; a DHE-only hello without FFDHE groups gets the
 *          1024-bit prime, one offering only FFDHE groups handshake_failure
 *  --heartbeat: heartbeat extension accepted (peer allowed to send), so the
 *      ServerHello echoes it when offered (TLS-HEARTBEAT-ENABLED)
 *  --alpn NAME: ALPN enforced (RFC 7301 §3.2): a client that offers ALPN
 *      without NAME gets the fatal alert no_application_protocol
 *  --sni-warning: a warning alert unrecognized_name right before the
 *      ServerHello, as servers without a certificate for the SNI name
 *      send it; a client must carry on with the handshake
 *  --allow-renegotiation: a client's new ClientHello on an established
 *      TLS 1.2 session is answered with a full handshake
 *      (TLS-CLIENT-RENEGOTIATION). Without it the server refuses, as
 *      OpenSSL 3 does by default: a warning alert no_renegotiation, and the
 *      session goes on
 *  --early-data: TLS 1.3 session tickets allowing 16 KiB of early data
 *      (0-RTT) and early data accepted on resumption (TLS-0RTT-ACCEPTED);
 *      the ticket key is made once, so every child can resume every
 *      other's tickets; early data is read as the session's first input.
 *      Without it tickets are still sent (GnuTLS's default) but allow no
 *      early data
 *  --ocsp-response FILE: staple this DER OCSP response when the client
 *      sends status_request (TLS 1.2 CertificateStatus, TLS 1.3 certificate
 *      entry). Not checked against the certificate or the clock, so a
 *      revoked or foreign response can be planted too (CERT-REVOKED via
 *      the staple; without the option: CERT-OCSP-STAPLING-MISSING)
 *  --raw-chain: send the certificates of --cert exactly as the file has
 *      them, in file order and all of them. Without it GnuTLS sorts the
 *      list into a chain on loading, drops what does not belong to it and
 *      sends at most 16 certificates; with it a 50-certificate chain or
 *      unrelated extra certificates really reach the client (hostile
 *      fixtures, fixtures/hostile.conf)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tests/servers/daemon.h"

#define MAX_LISTEN      16
#define MAX_CHILDREN    512
#define CONN_TIMEOUT    30          /* seconds per connection */
#define CONN_READ_MAX   (64 * 1024) /* bytes read per connection */
#define BUF_CAP         16384       /* input buffer */
#define MAX_LINE        8192        /* longest command line accepted */
#define THROTTLE_CONNS  3
#define THROTTLE_WINDOW 60 /* seconds */
#define HUGE_CAPS       100000
#define ENDLESS_BYTES   (1024 * 1024)
#define HTTP_WAIT_MS    5000
#define HELLO_WAIT_MS   5000
#define PIPELINE_WAIT   100   /* ms the injection server waits for more */
#define EARLY_DATA_MAX  16384 /* --early-data: bytes a ticket allows */

enum proto { P_IMAP, P_POP3 };
enum mode { M_STARTTLS, M_IMPLICIT };

enum behaviour {
	B_NORMAL,
	B_PREAUTH,
	B_BYE,
	B_LOGINDISABLED_AUTH_PLAIN,
	B_STARTTLS_UNADVERTISED,
	B_STARTTLS_REFUSED,
	B_STARTTLS_GARBAGE,
	B_STARTTLS_STILL_ADVERTISED,
	B_SILENT,
	B_NO_CAPA,
	B_INJECTION,
	B_EXTRA_PLAINTEXT,
	B_CAPABILITY_IN_OK,
	B_NTLM,
	B_THROTTLE,
	B_ENDLESS_LINE,
	B_TRICKLE,
	B_HUGE_CAPS,
	B_NUL_BYTES,
	B_HTTP,
	B_CLOSE_ON_ACCEPT,
	B_RESET_MID_HANDSHAKE,
	B_ADVERTISED_BUT_REJECTED,
	B_NO_MECH_AFTER_TLS,
	B_IMPLEMENTATION,
	B_STARTTLS_ON_IMPLICIT,
	B_EXCHANGE,
	B_ANONYMOUS,
	B_ID,
	B_COUNT
};

/* clang-format off */
static const char *const behaviour_names[B_COUNT] = {
	[B_NORMAL] = "normal",
	[B_PREAUTH] = "preauth",
	[B_BYE] = "bye",
	[B_LOGINDISABLED_AUTH_PLAIN] = "logindisabled-with-auth-plain",
	[B_STARTTLS_UNADVERTISED] = "starttls-unadvertised",
	[B_STARTTLS_REFUSED] = "starttls-refused",
	[B_STARTTLS_GARBAGE] = "starttls-garbage",
	[B_STARTTLS_STILL_ADVERTISED] = "starttls-still-advertised",
	[B_SILENT] = "silent",
	[B_NO_CAPA] = "no-capa",
	[B_INJECTION] = "injection",
	[B_EXTRA_PLAINTEXT] = "extra-plaintext",
	[B_CAPABILITY_IN_OK] = "capability-in-ok",
	[B_NTLM] = "ntlm",
	[B_THROTTLE] = "throttle",
	[B_ENDLESS_LINE] = "endless-line",
	[B_TRICKLE] = "trickle",
	[B_HUGE_CAPS] = "huge-caps",
	[B_NUL_BYTES] = "nul-bytes",
	[B_HTTP] = "http",
	[B_CLOSE_ON_ACCEPT] = "close-on-accept",
	[B_RESET_MID_HANDSHAKE] = "reset-mid-handshake",
	[B_ADVERTISED_BUT_REJECTED] = "advertised-but-rejected",
	[B_NO_MECH_AFTER_TLS] = "no-mech-after-tls",
	[B_IMPLEMENTATION] = "implementation",
	[B_STARTTLS_ON_IMPLICIT] = "starttls-on-implicit",
	[B_EXCHANGE] = "exchange",
	[B_ANONYMOUS] = "anonymous",
	[B_ID] = "id",
};
/* clang-format on */

static struct {
	enum proto proto;
	enum mode mode;
	enum behaviour beh;
	const char *listen[MAX_LISTEN];
	int nlisten;
	const char *cert, *key, *pidfile, *logfile;
	const char *priority, *dhparams, *ocsp, *alpn;
	bool daemon, heartbeat, raw_chain, sni_warning;
	bool allow_reneg, early_data;
	int http_wait_ms; /* --http-wait */
} cfg;

static gnutls_certificate_credentials_t g_cred;
static gnutls_anon_server_credentials_t g_anon; /* priority with ANON-* */
static gnutls_dh_params_t g_dh;                 /* --dhparams */
static gnutls_priority_t g_prio;
static gnutls_pcert_st *g_raw_certs; /* --raw-chain: the list as sent */
static unsigned g_raw_ncerts;
static gnutls_privkey_t g_raw_key;
static gnutls_datum_t g_ticket_key;        /* --early-data */
static gnutls_anti_replay_t g_anti_replay; /* --early-data */
static int listen_fds[MAX_LISTEN];
static pid_t server_pid;

/* One client connection (one per child process). */
struct conn {
	int fd;
	gnutls_session_t tls; /* NULL while cleartext */
	enum behaviour beh;   /* effective behaviour (throttle may change it) */
	size_t len;           /* bytes buffered in buf */
	size_t total;         /* bytes read so far, bounded by CONN_READ_MAX */
	char tag[64];         /* tag of the IMAP command being answered */
	char buf[BUF_CAP];
};

const char *const daemon_name = "fake_mail_server";

/* ---- connection I/O ------------------------------------------------ */

/* The client sent a new ClientHello (RFC 5246 §7.4.1.2): completes the
 * renegotiation with --allow-renegotiation, otherwise refuses it with a
 * no_renegotiation warning and carries on. False when the session is
 * unusable after it. */
static bool
tls_renegotiate(struct conn *c)
{
	int r;

	if (!cfg.allow_reneg) {
		logmsg("client renegotiation refused");
		return gnutls_alert_send(c->tls, GNUTLS_AL_WARNING,
		                         GNUTLS_A_NO_RENEGOTIATION) >= 0;
	}
	do
		r = gnutls_handshake(c->tls);
	while (r < 0 && !gnutls_error_is_fatal(r));
	logmsg("client renegotiation: %s", r < 0 ? gnutls_strerror(r) : "done");
	return r >= 0;
}

/* Reads more bytes into c->buf. Returns the count, 0 on EOF, error or when
 * the buffer or the per-connection read limit is full. */
static size_t
conn_fill(struct conn *c)
{
	size_t room = sizeof(c->buf) - c->len;
	ssize_t n;

	if (room > CONN_READ_MAX - c->total)
		room = CONN_READ_MAX - c->total;
	if (room == 0) {
		if (c->total >= CONN_READ_MAX)
			logmsg("read limit of %d bytes reached", CONN_READ_MAX);
		return 0;
	}
	for (;;) {
		if (c->tls) {
			n = gnutls_record_recv(c->tls, c->buf + c->len, room);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n == GNUTLS_E_REHANDSHAKE && tls_renegotiate(c))
				continue;
		} else {
			n = recv(c->fd, c->buf + c->len, room, 0);
			if (n < 0 && errno == EINTR)
				continue;
		}
		break;
	}
	if (n <= 0)
		return 0;
	c->len += (size_t)n;
	c->total += (size_t)n;
	return (size_t)n;
}

/* Next line (CRLF or bare LF stripped) into line, NUL-terminated.
 * Returns its length, or -1 on EOF, error, read limit or overlong line. */
static int
conn_readline(struct conn *c, char *line, size_t cap)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			size_t used = (size_t)(nl - c->buf) + 1;
			size_t n = used - 1;

			if (n > 0 && c->buf[n - 1] == '\r')
				n--;
			if (n >= cap) {
				logmsg("line too long");
				return -1;
			}
			memcpy(line, c->buf, n);
			line[n] = '\0';
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return (int)n;
		}
		if (c->len >= cap) {
			logmsg("line too long");
			return -1;
		}
		if (conn_fill(c) == 0)
			return -1;
	}
}

static int
conn_write(struct conn *c, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w;

		if (c->tls) {
			w = gnutls_record_send(c->tls, p, n);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
				continue;
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int conn_line(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes one formatted protocol line followed by CRLF. */
static int
conn_line(struct conn *c, const char *fmt, ...)
{
	char out[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, sizeof(out) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n > sizeof(out) - 3)
		n = (int)sizeof(out) - 3;
	out[n++] = '\r';
	out[n++] = '\n';
	return conn_write(c, out, (size_t)n);
}

/* Graceful close: close_notify, FIN, then drain the peer for up to 1 s so
 * that unread input does not turn the close into a reset. */
static void
conn_close(struct conn *c)
{
	struct pollfd p;
	char scratch[4096];
	int waited = 0;

	if (c->tls) {
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->fd < 0)
		return;
	shutdown(c->fd, SHUT_WR);
	p.fd = c->fd;
	p.events = POLLIN;
	while (waited < 1000 && c->total < CONN_READ_MAX &&
	       poll(&p, 1, 100) >= 0) {
		ssize_t n;

		waited += 100;
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (n <= 0)
			break;
		c->total += (size_t)n;
	}
	close(c->fd);
	c->fd = -1;
}

/* Reads and discards input until EOF or the read limit (the 30 s alarm
 * ends it otherwise). */
static void
conn_hold(struct conn *c)
{
	while (conn_fill(c) > 0)
		c->len = 0;
}

static bool
conn_wait_input(const struct conn *c, int ms)
{
	struct pollfd p = {c->fd, POLLIN, 0};

	return poll(&p, 1, ms) > 0;
}

/* ---- TLS --------------------------------------------------------- */

static int
send_sni_warning(gnutls_session_t s)
{
	gnutls_alert_send(s, GNUTLS_AL_WARNING, GNUTLS_A_UNRECOGNIZED_NAME);
	return 0;
}

/* GnuTLS rejects all early data unless a replay store is set. The
 * children cannot share one, and a test fixture replays nothing, so every
 * ClientHello counts as new. */
static int
remember_nothing(void *ptr, time_t exp, const gnutls_datum_t *key,
                 const gnutls_datum_t *data)
{
	(void)ptr;
	(void)exp;
	(void)key;
	(void)data;
	return 0;
}

/* Accepted early data is the session's first input, read before what
 * follows the handshake (RFC 8446 §2.3). */
static void
take_early_data(struct conn *c)
{
	ssize_t n;

	if (!(gnutls_session_get_flags(c->tls) & GNUTLS_SFLAGS_EARLY_DATA))
		return;
	while ((n = gnutls_record_recv_early_data(
	            c->tls, c->buf + c->len, sizeof(c->buf) - c->len)) > 0) {
		c->len += (size_t)n;
		c->total += (size_t)n;
	}
}

static int
tls_start(struct conn *c)
{
	gnutls_session_t s;
	char *desc;
	int r;

	r = gnutls_init(&s,
	                GNUTLS_SERVER |
	                    (cfg.early_data ? GNUTLS_ENABLE_EARLY_DATA : 0));
	if (r < 0) {
		logmsg("gnutls_init: %s", gnutls_strerror(r));
		return -1;
	}
	gnutls_priority_set(s, g_prio);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, g_cred);
	if (g_anon)
		gnutls_credentials_set(s, GNUTLS_CRD_ANON, g_anon);
	if (cfg.heartbeat)
		gnutls_heartbeat_enable(s, GNUTLS_HB_PEER_ALLOWED_TO_SEND);
	if (cfg.sni_warning)
		gnutls_handshake_set_post_client_hello_function(
		    s, send_sni_warning);
	if (cfg.alpn) {
		gnutls_datum_t name = {(unsigned char *)cfg.alpn,
		                       (unsigned)strlen(cfg.alpn)};

		gnutls_alpn_set_protocols(s, &name, 1, GNUTLS_ALPN_MANDATORY);
	}
	if (cfg.early_data) {
		gnutls_session_ticket_enable_server(s, &g_ticket_key);
		gnutls_record_set_max_early_data_size(s, EARLY_DATA_MAX);
		gnutls_anti_replay_enable(s, g_anti_replay);
	}
	gnutls_certificate_server_set_request(s, GNUTLS_CERT_IGNORE);
	gnutls_handshake_set_timeout(s, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
	gnutls_transport_set_int(s, c->fd);
	do {
		r = gnutls_handshake(s);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		logmsg("TLS handshake failed: %s", gnutls_strerror(r));
		/* as real servers do: protocol_version, handshake_failure... */
		gnutls_alert_send_appropriate(s, r);
		gnutls_deinit(s);
		return -1;
	}
	desc = gnutls_session_get_desc(s);
	logmsg("TLS established: %s%s", desc ? desc : "?",
	       gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_DATA
	           ? ", early data accepted"
	           : "");
	gnutls_free(desc);
	c->tls = s;
	take_early_data(c);
	return 0;
}

/* reset-mid-handshake: read one TLS record (the ClientHello) or whatever
 * arrives within HELLO_WAIT_MS, then abort the connection with an RST. */
static void
reset_after_hello(struct conn *c)
{
	struct linger lg = {1, 0};
	size_t got = 0, want = 5;

	while (got < want && got < sizeof(c->buf) &&
	       conn_wait_input(c, HELLO_WAIT_MS)) {
		ssize_t n = recv(c->fd, c->buf + got, sizeof(c->buf) - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (got >= 5)
			want = 5 + (((size_t)(unsigned char)c->buf[3] << 8) |
			            (unsigned char)c->buf[4]);
	}
	logmsg("read %zu bytes of ClientHello, sending RST", got);
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	c->fd = -1;
}

/* starttls-garbage: exactly 200 bytes that are not a TLS record. */
static void
send_garbage(struct conn *c)
{
	static const char text[] = "HTTP/1.0 400 Bad Request\r\n"
	                           "Server: fake\r\n"
	                           "Content-Type: text/html\r\n"
	                           "Connection: close\r\n\r\n"
	                           "<html><body>400 Bad Request</body></html>";
	char g[200];

	_Static_assert(sizeof(text) - 1 <= sizeof(g) - 2, "garbage too long");
	memset(g, '.', sizeof(g));
	memcpy(g, text, sizeof(text) - 1);
	g[sizeof(g) - 2] = '\r';
	g[sizeof(g) - 1] = '\n';
	conn_write(c, g, sizeof(g));
}

/* injection: give a pipelined command sent in a second send() a moment to
 * arrive, so that it lands in the plaintext buffer (before our OK, so it
 * cannot be the ClientHello). */
static void
slurp_pipelined(struct conn *c)
{
	while (c->len < sizeof(c->buf) && conn_wait_input(c, PIPELINE_WAIT))
		if (conn_fill(c) == 0)
			break;
}

/* Common STARTTLS/STLS upgrade once the command is accepted. Returns false
 * when the connection must be closed. */
static bool
starttls_upgrade(struct conn *c, const char *okline, const char *extra)
{
	if (c->beh == B_INJECTION) {
		slurp_pipelined(c);
		if (c->len)
			logmsg("keeping %zu pipelined plaintext bytes", c->len);
	} else if (c->len) {
		logmsg("dropping %zu pipelined plaintext bytes", c->len);
		c->len = 0;
	}
	if (conn_line(c, "%s", okline) < 0)
		return false;
	switch (c->beh) {
	case B_STARTTLS_GARBAGE:
		send_garbage(c);
		return false;
	case B_EXTRA_PLAINTEXT:
		if (conn_line(c, "%s", extra) < 0)
			return false;
		break;
	case B_RESET_MID_HANDSHAKE:
		reset_after_hello(c);
		return false;
	default:
		break;
	}
	return tls_start(c) == 0;
}

/* ---- capabilities and SASL --------------------------------------- */

static bool
advertise_starttls(const struct conn *c)
{
	if (c->tls)
		return c->beh == B_STARTTLS_STILL_ADVERTISED;
	return c->beh != B_STARTTLS_UNADVERTISED;
}

/* A STARTTLS/STLS received while TLS is already active gets OK. */
static bool
starttls_ok_in_tls(const struct conn *c)
{
	return c->beh == B_STARTTLS_STILL_ADVERTISED ||
	       (c->beh == B_STARTTLS_ON_IMPLICIT && cfg.mode == M_IMPLICIT);
}

/* Every SASL mechanism any behaviour knows, in advertising order. */
static const char *const sasl_mechs[] = {"PLAIN", "LOGIN", "NTLM", "ANONYMOUS"};

/* Listed in CAPABILITY (AUTH=) / CAPA (SASL) on this connection. */
static bool
mech_advertised(const struct conn *c, const char *mech)
{
	const bool plain_pre_tls = c->beh == B_LOGINDISABLED_AUTH_PLAIN ||
	                           c->beh == B_ADVERTISED_BUT_REJECTED;

	if (!strcasecmp(mech, "NTLM"))
		return c->beh == B_NTLM;
	if (!strcasecmp(mech, "ANONYMOUS"))
		return c->beh == B_ANONYMOUS;
	if (c->tls && c->beh == B_NO_MECH_AFTER_TLS)
		return false;
	if (!strcasecmp(mech, "PLAIN"))
		return c->tls || plain_pre_tls;
	if (!strcasecmp(mech, "LOGIN"))
		return !c->tls && plain_pre_tls;
	return false;
}

/* AUTHENTICATE / AUTH with this mechanism starts an exchange. */
static bool
mech_usable(const struct conn *c, const char *mech)
{
	if (!c->tls && c->beh == B_ADVERTISED_BUT_REJECTED)
		return false;
	return mech_advertised(c, mech);
}

/* The advertised mechanisms, each preceded by prefix (" AUTH=", " "). */
static void
mech_list(const struct conn *c, const char *prefix, char *out, size_t cap)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(sasl_mechs) / sizeof(sasl_mechs[0]); i++) {
		int n;

		if (!mech_advertised(c, sasl_mechs[i]))
			continue;
		n = snprintf(out + used, cap - used, "%s%s", prefix,
		             sasl_mechs[i]);
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
}

/* Refusal text for PLAIN/LOGIN/USER before TLS (Dovecot's wordings). */
static const char *
plaintext_refusal(const struct conn *c)
{
	if (c->beh == B_ADVERTISED_BUT_REJECTED)
		return "Plaintext authentication disallowed on non-secure "
		       "(SSL/TLS) connections.";
	return "Plaintext authentication disabled.";
}

/* Sends HUGE_CAPS made-up capabilities, each wrapped in before/after. */
static int
send_huge_caps(struct conn *c, const char *before, const char *after)
{
	char chunk[8192];
	size_t used = 0;
	int i;

	for (i = 1; i <= HUGE_CAPS; i++) {
		int n = snprintf(chunk + used, sizeof(chunk) - used,
		                 "%sX-FAKE-CAP-%06d%s", before, i, after);

		if (n < 0 || (size_t)n >= sizeof(chunk) - used) {
			if (conn_write(c, chunk, used) < 0)
				return -1;
			used = 0;
			i--;
			continue;
		}
		used += (size_t)n;
	}
	return conn_write(c, chunk, used);
}

static void
base64_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 <= cap; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

static size_t
put_le(unsigned char *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return (size_t)bytes;
}

/* ASCII to UTF-16LE; returns bytes written. */
static size_t
put_utf16(unsigned char *p, const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		p[n++] = (unsigned char)*s;
		p[n++] = 0;
	}
	return n;
}

static size_t
put_av_pair(unsigned char *p, unsigned id, const char *value)
{
	size_t n = put_le(p, id, 2);

	n += put_le(p + n, 2 * strlen(value), 2);
	return n + put_utf16(p + n, value);
}

/* MS-NLMP CHALLENGE_MESSAGE of a Windows Server 2019 member "MAIL01" of
 * domain "CORP" (corp.example.com). Returns its length. */
static size_t
build_ntlm_challenge(unsigned char *m, size_t cap)
{
	const size_t hdr = 56;
	/* FILETIME: 100 ns units since 1601-01-01 */
	uint64_t ft = ((uint64_t)time(NULL) + 11644473600ULL) * 10000000ULL;
	size_t name_len, info_len, n;

	if (cap < 512)
		return 0;
	memset(m, 0, hdr);
	memcpy(m, "NTLMSSP", 8); /* with its NUL */
	put_le(m + 8, 2, 4);     /* MessageType */
	put_le(m + 20, 0xE2898215u, 4);
	gnutls_rnd(GNUTLS_RND_NONCE, m + 24, 8); /* ServerChallenge */
	m[48] = 10; /* Version 10.0.17763, rev 15 */
	m[49] = 0;
	put_le(m + 50, 17763, 2);
	m[55] = 15;

	name_len = put_utf16(m + hdr, "CORP");
	n = hdr + name_len;
	n += put_av_pair(m + n, 2, "CORP");
	n += put_av_pair(m + n, 1, "MAIL01");
	n += put_av_pair(m + n, 4, "corp.example.com");
	n += put_av_pair(m + n, 3, "mail01.corp.example.com");
	n += put_av_pair(m + n, 5, "corp.example.com");
	n += put_le(m + n, 7, 2);
	n += put_le(m + n, 8, 2);
	n += put_le(m + n, ft, 8);
	n += put_le(m + n, 0, 4); /* MsvAvEOL */
	info_len = n - hdr - name_len;

	put_le(m + 12, name_len, 2); /* TargetNameFields */
	put_le(m + 14, name_len, 2);
	put_le(m + 16, hdr, 4);
	put_le(m + 40, info_len, 2); /* TargetInfoFields */
	put_le(m + 42, info_len, 2);
	put_le(m + 44, hdr + name_len, 4);
	return n;
}

static int
send_ntlm_challenge(struct conn *c)
{
	unsigned char msg[512];
	char b64[800];
	size_t n = build_ntlm_challenge(msg, sizeof(msg));

	base64_encode(msg, n, b64, sizeof(b64));
	return conn_line(c, "+ %s", b64);
}

enum sasl_result { SASL_EOF, SASL_ABORTED, SASL_FAILED };

/* Server side of a SASL exchange that never succeeds: continuation(s),
 * then "*" aborts and anything else fails. NTLM answers a NEGOTIATE with
 * a CHALLENGE; LOGIN asks for user name and password. */
static enum sasl_result
sasl_exchange(struct conn *c, const char *mech)
{
	const bool login = !strcasecmp(mech, "LOGIN");
	char line[MAX_LINE];

	if (conn_line(c, "+ %s", login ? "VXNlcm5hbWU6" : "") < 0 ||
	    conn_readline(c, line, sizeof(line)) < 0)
		return SASL_EOF;
	if (!strcmp(line, "*"))
		return SASL_ABORTED;
	if (!strcasecmp(mech, "NTLM")) {
		/* base64 of "NTLMSSP\0" + MessageType 1 */
		if (strncmp(line, "TlRMTVNTUAAB", 12) != 0)
			return SASL_FAILED;
		if (send_ntlm_challenge(c) < 0)
			return SASL_EOF;
	} else if (login) {
		if (conn_line(c, "+ UGFzc3dvcmQ6") < 0)
			return SASL_EOF;
	} else {
		return SASL_FAILED;
	}
	if (conn_readline(c, line, sizeof(line)) < 0)
		return SASL_EOF;
	return strcmp(line, "*") ? SASL_FAILED : SASL_ABORTED;
}

/* Splits "WORD rest" in place: returns WORD, *rest points past spaces. */
static char *
next_word(char *s, char **rest)
{
	char *sp;

	while (*s == ' ')
		s++;
	sp = strchr(s, ' ');
	if (sp) {
		*sp++ = '\0';
		while (*sp == ' ')
			sp++;
		*rest = sp;
	} else {
		*rest = s + strlen(s);
	}
	return s;
}

/* ---- greetings shared by both protocols -------------------------- */

/* Sends the greeting, applying the greeting-level behaviours. okprefix is
 * "* OK " or "+OK ". Returns false when the connection must be closed. */
static bool
send_greeting(struct conn *c, const char *greeting, const char *okprefix)
{
	static const char nul_text[] = "fake\0ready \x1b[2J\xff\xfe\xff ok\r\n";
	size_t i;

	switch (c->beh) {
	case B_TRICKLE:
		for (i = 0; greeting[i]; i++) {
			if (conn_write(c, greeting + i, 1) < 0)
				return false;
			msleep(1000);
		}
		return conn_write(c, "\r\n", 2) == 0;
	case B_ENDLESS_LINE:
		if (conn_write(c, okprefix, strlen(okprefix)) < 0)
			return false;
		memset(c->buf, 'A', sizeof(c->buf));
		for (i = 0; i < ENDLESS_BYTES; i += sizeof(c->buf))
			if (conn_write(c, c->buf, sizeof(c->buf)) < 0)
				return false;
		c->len = 0;
		conn_hold(c);
		return false;
	case B_NUL_BYTES:
		return conn_write(c, okprefix, strlen(okprefix)) == 0 &&
		       conn_write(c, nul_text, sizeof(nul_text) - 1) == 0;
	default:
		return conn_line(c, "%s", greeting) == 0;
	}
}

/* exchange: "<ok> The Microsoft Exchange <service> service is ready.
 * [<base64 of the UTF-16LE backend FQDN>]", as Exchange Online sends it. */
static void
exchange_greeting(const char *ok, const char *service, char *out, size_t cap)
{
	static const char fqdn[] = "MR2P264CA0029.FRAP264.PROD.OUTLOOK.COM";
	unsigned char utf16[2 * sizeof(fqdn)];
	char b64[4 * sizeof(utf16) / 3 + 8];
	size_t n = put_utf16(utf16, fqdn);

	base64_encode(utf16, n, b64, sizeof(b64));
	snprintf(out, cap,
	         "%s The Microsoft Exchange %s service is ready. [%s]", ok,
	         service, b64);
}

/* ---- IMAP -------------------------------------------------------- */

static void
imap_caps(const struct conn *c, char *out, size_t cap)
{
	bool logindisabled =
	    c->tls ? c->beh == B_NO_MECH_AFTER_TLS
	           : c->beh != B_PREAUTH && c->beh != B_ADVERTISED_BUT_REJECTED;
	char mechs[128];

	mech_list(c, " AUTH=", mechs, sizeof(mechs));
	snprintf(out, cap, "IMAP4rev1%s%s%s%s", c->beh == B_ID ? " ID" : "",
	         advertise_starttls(c) ? " STARTTLS" : "",
	         logindisabled ? " LOGINDISABLED" : "", mechs);
}

static bool
imap_greet(struct conn *c)
{
	char caps[256], greeting[512];

	if (c->beh == B_BYE) {
		conn_line(c, "* BYE Too many connections from your IP");
		return false;
	}
	imap_caps(c, caps, sizeof(caps));
	if (c->beh == B_EXCHANGE)
		exchange_greeting("* OK", "IMAP4", greeting, sizeof(greeting));
	else
		snprintf(greeting, sizeof(greeting), "* %s [CAPABILITY %s] %s",
		         c->beh == B_PREAUTH ? "PREAUTH" : "OK", caps,
		         c->beh == B_PREAUTH ? "fake logged in" : "fake ready");
	return send_greeting(c, greeting, "* OK ");
}

static bool
imap_capability(struct conn *c)
{
	char caps[256];

	imap_caps(c, caps, sizeof(caps));
	if (c->beh == B_HUGE_CAPS) {
		if (conn_write(c, "* CAPABILITY ", 13) < 0 ||
		    conn_write(c, caps, strlen(caps)) < 0 ||
		    send_huge_caps(c, " ", "") < 0 ||
		    conn_write(c, "\r\n", 2) < 0)
			return false;
	} else if (conn_line(c, "* CAPABILITY %s", caps) < 0) {
		return false;
	}
	return conn_line(c, "%s OK Capability completed.", c->tag) == 0;
}

static bool
imap_starttls(struct conn *c)
{
	char okline[256];

	if (c->tls) {
		if (starttls_ok_in_tls(c))
			return conn_line(c, "%s OK Begin TLS negotiation now.",
			                 c->tag) == 0;
		return conn_line(c, "%s BAD TLS is already active.", c->tag) ==
		       0;
	}
	if (c->beh == B_STARTTLS_REFUSED)
		return conn_line(c, "%s NO STARTTLS unavailable", c->tag) == 0;
	snprintf(okline, sizeof(okline), "%s OK %s", c->tag,
	         c->beh == B_CAPABILITY_IN_OK
	             ? "[CAPABILITY IMAP4rev1 AUTH=PLAIN] Begin TLS"
	             : "Begin TLS negotiation now.");
	return starttls_upgrade(c, okline, "* OK extra plaintext line");
}

static bool
imap_authenticate(struct conn *c, char *arg)
{
	char *rest;
	const char *mech = next_word(arg, &rest);

	if (!*mech)
		return conn_line(c, "%s BAD Missing mechanism.", c->tag) == 0;
	if (!mech_usable(c, mech)) {
		if (!c->tls &&
		    (!strcasecmp(mech, "PLAIN") || !strcasecmp(mech, "LOGIN")))
			return conn_line(c, "%s NO [PRIVACYREQUIRED] %s",
			                 c->tag, plaintext_refusal(c)) == 0;
		return conn_line(c,
		                 "%s NO [ALERT] Unsupported authentication "
		                 "mechanism.",
		                 c->tag) == 0;
	}
	switch (sasl_exchange(c, mech)) {
	case SASL_ABORTED:
		return conn_line(c, "%s BAD Authentication aborted", c->tag) ==
		       0;
	case SASL_FAILED:
		return conn_line(c,
		                 "%s NO [AUTHENTICATIONFAILED] Authentication "
		                 "failed.",
		                 c->tag) == 0;
	default:
		return false;
	}
}

static bool
imap_login(struct conn *c)
{
	if ((!c->tls && c->beh != B_LOGINDISABLED_AUTH_PLAIN &&
	     c->beh != B_PREAUTH) ||
	    (c->tls && c->beh == B_NO_MECH_AFTER_TLS))
		return conn_line(c,
		                 "%s NO [PRIVACYREQUIRED] Plaintext "
		                 "authentication disallowed on non-secure "
		                 "(SSL/TLS) connections.",
		                 c->tag) == 0;
	return conn_line(c,
	                 "%s NO [AUTHENTICATIONFAILED] Authentication failed.",
	                 c->tag) == 0;
}

/* id: one value goes as a literal so that clients must parse literals. */
static bool
imap_id(struct conn *c)
{
	static const char url[] = "mailto:admin@example.test";

	return conn_line(c,
	                 "* ID (\"name\" \"FakeIMAP\" \"version\" \"9.9.9\" "
	                 "\"os\" \"Linux\" \"os-version\" \"6.1\" "
	                 "\"support-url\" {%zu}",
	                 sizeof(url) - 1) == 0 &&
	       conn_line(c, "%s)", url) == 0 &&
	       conn_line(c, "%s OK ID completed.", c->tag) == 0;
}

/* Returns false when the connection must be closed. */
static bool
imap_command(struct conn *c, char *line)
{
	char *arg;
	const char *tag = next_word(line, &arg);
	const char *cmd;

	if (!*tag)
		return conn_line(c, "* BAD Empty command line.") == 0;
	if (strlen(tag) >= sizeof(c->tag))
		return conn_line(c, "* BAD Tag too long.") == 0;
	strcpy(c->tag, tag);
	cmd = next_word(arg, &arg);
	if (!strcasecmp(cmd, "CAPABILITY"))
		return imap_capability(c);
	if (!strcasecmp(cmd, "NOOP"))
		return conn_line(c, "%s OK NOOP completed.", c->tag) == 0;
	if (!strcasecmp(cmd, "LOGOUT")) {
		conn_line(c, "* BYE Logging out");
		conn_line(c, "%s OK Logout completed.", c->tag);
		return false;
	}
	if (!strcasecmp(cmd, "STARTTLS"))
		return imap_starttls(c);
	if (!strcasecmp(cmd, "AUTHENTICATE"))
		return imap_authenticate(c, arg);
	if (!strcasecmp(cmd, "LOGIN"))
		return imap_login(c);
	if (!strcasecmp(cmd, "ID") && c->beh == B_ID)
		return imap_id(c);
	return conn_line(c, "%s BAD Unknown command.", c->tag) == 0;
}

/* ---- POP3 -------------------------------------------------------- */

static bool
pop3_greet(struct conn *c)
{
	char greeting[256];

	if (c->beh == B_BYE) {
		conn_line(c, "-ERR [IN-USE] Too many connections");
		return false;
	}
	if (c->beh == B_EXCHANGE)
		exchange_greeting("+OK", "POP3", greeting, sizeof(greeting));
	else
		snprintf(greeting, sizeof(greeting), "+OK fake ready");
	return send_greeting(c, greeting, "+OK ");
}

/* USER/PASS is usable (and USER listed in CAPA). */
static bool
pop3_user_usable(const struct conn *c)
{
	return c->tls && c->beh != B_NO_MECH_AFTER_TLS;
}

static bool
pop3_capa(struct conn *c)
{
	char mechs[128];

	if (c->beh == B_NO_CAPA)
		return conn_line(c, "-ERR unknown command") == 0;
	if (conn_line(c, "+OK") < 0 || conn_line(c, "TOP") < 0 ||
	    conn_line(c, "UIDL") < 0)
		return false;
	if (pop3_user_usable(c) && conn_line(c, "USER") < 0)
		return false;
	if (advertise_starttls(c) && conn_line(c, "STLS") < 0)
		return false;
	mech_list(c, " ", mechs, sizeof(mechs));
	if (!(c->tls && c->beh == B_NO_MECH_AFTER_TLS) &&
	    conn_line(c, "SASL%s", mechs) < 0)
		return false;
	if (c->beh == B_IMPLEMENTATION &&
	    conn_line(c, "IMPLEMENTATION FakePOP 1.2.3") < 0)
		return false;
	if (c->beh == B_HUGE_CAPS && send_huge_caps(c, "", "\r\n") < 0)
		return false;
	return conn_line(c, ".") == 0;
}

static bool
pop3_stls(struct conn *c)
{
	if (c->tls) {
		if (starttls_ok_in_tls(c))
			return conn_line(c, "+OK Begin TLS negotiation now.") ==
			       0;
		return conn_line(c, "-ERR TLS is already active.") == 0;
	}
	if (c->beh == B_STARTTLS_REFUSED)
		return conn_line(c, "-ERR STLS unavailable") == 0;
	return starttls_upgrade(c, "+OK Begin TLS negotiation now.",
	                        "+OK extra");
}

static bool
pop3_auth(struct conn *c, char *arg)
{
	char *rest;
	const char *mech = next_word(arg, &rest);
	size_t i;

	if (!*mech) {
		if (conn_line(c, "+OK") < 0)
			return false;
		for (i = 0; i < sizeof(sasl_mechs) / sizeof(sasl_mechs[0]); i++)
			if (mech_advertised(c, sasl_mechs[i]) &&
			    conn_line(c, "%s", sasl_mechs[i]) < 0)
				return false;
		return conn_line(c, ".") == 0;
	}
	if (!mech_usable(c, mech)) {
		if (!c->tls &&
		    (!strcasecmp(mech, "PLAIN") || !strcasecmp(mech, "LOGIN")))
			return conn_line(c, "-ERR [AUTH] %s",
			                 plaintext_refusal(c)) == 0;
		return conn_line(c, "-ERR Unsupported authentication "
		                    "mechanism.") == 0;
	}
	switch (sasl_exchange(c, mech)) {
	case SASL_ABORTED:
		return conn_line(c, "-ERR aborted") == 0;
	case SASL_FAILED:
		return conn_line(c, "-ERR [AUTH] Authentication failed.") == 0;
	default:
		return false;
	}
}

/* Returns false when the connection must be closed. */
static bool
pop3_command(struct conn *c, char *line)
{
	char *arg;
	const char *cmd = next_word(line, &arg);

	if (!strcasecmp(cmd, "CAPA"))
		return pop3_capa(c);
	if (!strcasecmp(cmd, "STLS"))
		return pop3_stls(c);
	if (!strcasecmp(cmd, "AUTH"))
		return pop3_auth(c, arg);
	if (!strcasecmp(cmd, "USER")) {
		if (!pop3_user_usable(c))
			return conn_line(c, "-ERR [AUTH] Plaintext "
			                    "authentication disallowed on "
			                    "non-secure (SSL/TLS) "
			                    "connections.") == 0;
		return conn_line(c, "+OK") == 0;
	}
	if (!strcasecmp(cmd, "PASS"))
		return conn_line(c, "-ERR [AUTH] Authentication failed.") == 0;
	if (!strcasecmp(cmd, "QUIT")) {
		conn_line(c, "+OK Logging out.");
		return false;
	}
	return conn_line(c, "-ERR Unknown command.") == 0;
}

/* ---- one connection ---------------------------------------------- */

/* http: behave like a web server on the mail port. */
static void
http_reply(struct conn *c)
{
	static const char body[] =
	    "<html><body><h1>400 Bad Request</h1></body></html>\r\n";

	if (conn_wait_input(c, cfg.http_wait_ms))
		conn_fill(c);
	conn_line(c,
	          "HTTP/1.1 400 Bad Request\r\nServer: fake\r\n"
	          "Content-Type: text/html\r\nContent-Length: %zu\r\n"
	          "Connection: close\r\n\r\n%s",
	          sizeof(body) - 1 + 2, body);
}

static void
run_session(struct conn *c)
{
	const bool imap = cfg.proto == P_IMAP;
	char line[MAX_LINE];

	if (!(imap ? imap_greet(c) : pop3_greet(c)))
		return;
	while (conn_readline(c, line, sizeof(line)) >= 0)
		if (!(imap ? imap_command(c, line) : pop3_command(c, line)))
			return;
}

static void
serve_connection(int fd, enum behaviour beh)
{
	static struct conn conn; /* one per child process */
	struct conn *c = &conn;
	int one = 1;

	c->fd = fd;
	c->beh = beh;
	alarm(CONN_TIMEOUT);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	switch (beh) {
	case B_CLOSE_ON_ACCEPT:
		close(fd);
		return;
	case B_SILENT:
		conn_hold(c);
		break;
	case B_HTTP:
		http_reply(c);
		break;
	case B_RESET_MID_HANDSHAKE:
		if (cfg.mode == M_IMPLICIT) {
			reset_after_hello(c);
			return;
		}
		/* fall through */
	default:
		if (cfg.mode == M_IMPLICIT && tls_start(c) < 0)
			break;
		run_session(c);
		break;
	}
	conn_close(c);
}

/* ---- parent: listeners, children, signals ------------------------ */

static volatile sig_atomic_t got_term, got_chld;
static pid_t children[MAX_CHILDREN];
static int nchildren;
static sigset_t orig_mask;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else
		got_term = 1;
}

static void
reap_children(void)
{
	pid_t pid;
	int i;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		for (i = 0; i < nchildren; i++) {
			if (children[i] == pid) {
				children[i] = children[--nchildren];
				break;
			}
		}
	}
}

static void
kill_children(void)
{
	int i, tries;

	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGTERM);
	for (tries = 0; nchildren > 0 && tries < 100; tries++) {
		msleep(20);
		reap_children();
	}
	for (i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = 0;
}

/* throttle: true when THROTTLE_CONNS connections were already accepted in
 * the last THROTTLE_WINDOW seconds. */
static bool
throttled(void)
{
	static time_t recent[THROTTLE_CONNS];
	static int count, next;
	struct timespec now;
	bool full;

	clock_gettime(CLOCK_MONOTONIC, &now);
	full = count == THROTTLE_CONNS &&
	       now.tv_sec - recent[next] < THROTTLE_WINDOW;
	recent[next] = now.tv_sec;
	next = (next + 1) % THROTTLE_CONNS;
	if (count < THROTTLE_CONNS)
		count++;
	return full;
}

static void
log_peer(int fd, enum behaviour beh)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
		            port, sizeof(port),
		            NI_NUMERICHOST | NI_NUMERICSERV);
	logmsg("connection from %s port %s, behaviour %s", host, port,
	       behaviour_names[beh]);
}

static void
child_setup(void)
{
	int i;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != server_pid)
		_exit(0);
	for (i = 0; i < cfg.nlisten; i++)
		close(listen_fds[i]);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}

static void
accept_one(int lfd)
{
	enum behaviour beh = cfg.beh;
	pid_t pid;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (beh == B_THROTTLE && throttled())
		beh = B_BYE;
	if (nchildren >= MAX_CHILDREN) {
		logmsg("too many children, dropping connection");
		close(fd);
		return;
	}
	pid = fork();
	if (pid == 0) {
		child_setup();
		log_peer(fd, beh);
		serve_connection(fd, beh);
		_exit(0);
	}
	if (pid > 0)
		children[nchildren++] = pid;
	else
		logmsg("fork: %s", strerror(errno));
	close(fd);
}

static void
usage(FILE *f)
{
	int i;

	fprintf(f, "usage: fake_mail_server --proto imap|pop3 "
	           "--mode starttls|implicit --listen ADDR:PORT "
	           "[--listen ...]\n"
	           "       --cert CHAIN.pem --key KEY.pem --behaviour NAME "
	           "[--pidfile F] [--daemon] [--log F]\n"
	           "       [--priority STRING] [--dhparams DH.pem] "
	           "[--heartbeat] [--ocsp-response RESP.der] [--raw-chain]\n"
	           "       [--sni-warning] [--alpn NAME] [--http-wait MS]\n"
	           "       [--allow-renegotiation] [--early-data]\n"
	           "behaviours:");
	for (i = 0; i < B_COUNT; i++)
		fprintf(f, " %s", behaviour_names[i]);
	fputc('\n', f);
}

static int
find_behaviour(const char *name)
{
	int i;

	for (i = 0; i < B_COUNT; i++)
		if (!strcmp(name, behaviour_names[i]))
			return i;
	return -1;
}

static void
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"proto", required_argument, NULL, 'p'},
	    {"mode", required_argument, NULL, 'm'},
	    {"listen", required_argument, NULL, 'l'},
	    {"cert", required_argument, NULL, 'c'},
	    {"key", required_argument, NULL, 'k'},
	    {"behaviour", required_argument, NULL, 'b'},
	    {"behavior", required_argument, NULL, 'b'},
	    {"pidfile", required_argument, NULL, 'P'},
	    {"log", required_argument, NULL, 'L'},
	    {"daemon", no_argument, NULL, 'd'},
	    {"priority", required_argument, NULL, 'r'},
	    {"dhparams", required_argument, NULL, 'D'},
	    {"heartbeat", no_argument, NULL, 'H'},
	    {"sni-warning", no_argument, NULL, 'S'},
	    {"alpn", required_argument, NULL, 'A'},
	    {"allow-renegotiation", no_argument, NULL, 'N'},
	    {"early-data", no_argument, NULL, 'E'},
	    {"ocsp-response", required_argument, NULL, 'O'},
	    {"raw-chain", no_argument, NULL, 'R'},
	    {"http-wait", required_argument, NULL, 'W'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool have_proto = false, have_mode = false;
	int o, b;

	cfg.beh = B_NORMAL;
	cfg.http_wait_ms = HTTP_WAIT_MS;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			have_proto = true;
			if (!strcmp(optarg, "imap"))
				cfg.proto = P_IMAP;
			else if (!strcmp(optarg, "pop3"))
				cfg.proto = P_POP3;
			else
				goto bad;
			break;
		case 'm':
			have_mode = true;
			if (!strcmp(optarg, "starttls"))
				cfg.mode = M_STARTTLS;
			else if (!strcmp(optarg, "implicit"))
				cfg.mode = M_IMPLICIT;
			else
				goto bad;
			break;
		case 'l':
			if (cfg.nlisten == MAX_LISTEN)
				goto bad;
			cfg.listen[cfg.nlisten++] = optarg;
			break;
		case 'c':
			cfg.cert = optarg;
			break;
		case 'k':
			cfg.key = optarg;
			break;
		case 'b':
			b = find_behaviour(optarg);
			if (b < 0) {
				fprintf(stderr, "unknown behaviour '%s'\n",
				        optarg);
				goto bad;
			}
			cfg.beh = (enum behaviour)b;
			break;
		case 'P':
			cfg.pidfile = optarg;
			break;
		case 'L':
			cfg.logfile = optarg;
			break;
		case 'd':
			cfg.daemon = true;
			break;
		case 'r':
			cfg.priority = optarg;
			break;
		case 'D':
			cfg.dhparams = optarg;
			break;
		case 'H':
			cfg.heartbeat = true;
			break;
		case 'S':
			cfg.sni_warning = true;
			break;
		case 'A':
			cfg.alpn = optarg;
			break;
		case 'N':
			cfg.allow_reneg = true;
			break;
		case 'E':
			cfg.early_data = true;
			break;
		case 'O':
			cfg.ocsp = optarg;
			break;
		case 'R':
			cfg.raw_chain = true;
			break;
		case 'W': {
			char *end;
			long ms = strtol(optarg, &end, 10);

			if (end == optarg || *end || ms < 0 || ms > 600000)
				goto bad;
			cfg.http_wait_ms = (int)ms;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind == argc && have_proto && have_mode && cfg.nlisten > 0 &&
	    cfg.cert && cfg.key)
		return;
bad:
	usage(stderr);
	exit(2);
}

/* --dhparams: PKCS#3 PEM into g_dh. */
static int
load_dh_params(void)
{
	gnutls_datum_t pem = {NULL, 0}, prime = {NULL, 0}, gen = {NULL, 0};
	int r;

	r = gnutls_load_file(cfg.dhparams, &pem);
	if (r >= 0)
		r = gnutls_dh_params_init(&g_dh);
	if (r >= 0)
		r = gnutls_dh_params_import_pkcs3(g_dh, &pem,
		                                  GNUTLS_X509_FMT_PEM);
	gnutls_free(pem.data);
	if (r >= 0)
		r = gnutls_dh_params_export_raw(g_dh, &prime, &gen, NULL);
	if (r < 0) {
		logmsg("--dhparams %s: %s", cfg.dhparams, gnutls_strerror(r));
		return -1;
	}
	/* the prime's leading zero byte (sign) does not count */
	logmsg("DH parameters from %s: %u-bit prime", cfg.dhparams,
	       8 * (prime.size - (prime.size && !prime.data[0])));
	gnutls_free(prime.data);
	gnutls_free(gen.data);
	return 0;
}

/* Anonymous DH/ECDH credentials, only when the priority asks for them. */
static int
anon_setup(void)
{
	int r = gnutls_anon_allocate_server_credentials(&g_anon);

	if (r >= 0) {
		if (g_dh)
			gnutls_anon_set_server_dh_params(g_anon, g_dh);
		else
			r = gnutls_anon_set_server_known_dh_params(
			    g_anon, GNUTLS_SEC_PARAM_MEDIUM);
	}
	if (r < 0)
		logmsg("anonymous credentials: %s", gnutls_strerror(r));
	return r < 0 ? -1 : 0;
}

/* --raw-chain: the whole list, unsorted, for every client. */
static int
raw_chain_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn,
                   int nreqs, const gnutls_pk_algorithm_t *pk_algos,
                   int pk_algos_length, gnutls_pcert_st **pcert,
                   unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
	(void)s;
	(void)req_ca_rdn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	*pcert = g_raw_certs;
	*pcert_length = g_raw_ncerts;
	*privkey = g_raw_key;
	return 0;
}

/* --raw-chain: loads --cert as a list (no sorting) and --key. */
static int
raw_chain_setup(void)
{
	gnutls_datum_t pem = {NULL, 0}, key = {NULL, 0};
	gnutls_x509_crt_t *crts = NULL;
	unsigned i, n = 0;
	int r;

	r = gnutls_load_file(cfg.cert, &pem);
	if (r >= 0)
		r = gnutls_x509_crt_list_import2(&crts, &n, &pem,
		                                 GNUTLS_X509_FMT_PEM, 0);
	if (r >= 0) {
		g_raw_certs = calloc(n, sizeof(*g_raw_certs));
		if (!g_raw_certs)
			r = GNUTLS_E_MEMORY_ERROR;
	}
	if (r >= 0) {
		r = gnutls_pcert_import_x509_list(g_raw_certs, crts, &n, 0);
		if (r >= 0)
			g_raw_ncerts = n;
	}
	for (i = 0; crts && i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	gnutls_free(pem.data);
	if (r < 0) {
		logmsg("--raw-chain %s: %s", cfg.cert, gnutls_strerror(r));
		return -1;
	}
	r = gnutls_load_file(cfg.key, &key);
	if (r >= 0)
		r = gnutls_privkey_init(&g_raw_key);
	if (r >= 0)
		r = gnutls_privkey_import_x509_raw(
		    g_raw_key, &key, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_free(key.data);
	if (r < 0) {
		logmsg("--raw-chain %s: %s", cfg.key, gnutls_strerror(r));
		return -1;
	}
	gnutls_certificate_set_retrieve_function2(g_cred, raw_chain_retrieve);
	return 0;
}

static int
tls_setup(void)
{
	const char *prio = cfg.priority ? cfg.priority : "NORMAL";
	const char *err = NULL;
	int r;

	r = gnutls_certificate_allocate_credentials(&g_cred);
	if (r >= 0)
		r = gnutls_certificate_set_x509_key_file(
		    g_cred, cfg.cert, cfg.key, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		logmsg("%s / %s: %s", cfg.cert, cfg.key, gnutls_strerror(r));
		return -1;
	}
	if (cfg.raw_chain && raw_chain_setup() < 0)
		return -1;
	if (cfg.dhparams) {
		if (load_dh_params() < 0)
			return -1;
		gnutls_certificate_set_dh_params(g_cred, g_dh);
	} else {
		/* DHE also for clients that offer no RFC 7919 group */
		gnutls_certificate_set_known_dh_params(g_cred,
		                                       GNUTLS_SEC_PARAM_MEDIUM);
	}
	if (cfg.ocsp) {
		/* unchecked, so that revoked or foreign responses can be
		 * planted as well */
		gnutls_certificate_set_flags(
		    g_cred, GNUTLS_CERTIFICATE_SKIP_OCSP_RESPONSE_CHECK);
		r = gnutls_certificate_set_ocsp_status_request_file(
		    g_cred, cfg.ocsp, 0);
		if (r < 0) {
			logmsg("--ocsp-response %s: %s", cfg.ocsp,
			       gnutls_strerror(r));
			return -1;
		}
	}
	r = gnutls_priority_init2(&g_prio, prio, &err, 0);
	if (r < 0) {
		if (err)
			logmsg("--priority '%s': error at position %ld ('%s'): "
			       "%s",
			       prio, (long)(err - prio), err,
			       gnutls_strerror(r));
		else
			logmsg("--priority '%s': %s", prio, gnutls_strerror(r));
		return -1;
	}
	if (strcasestr(prio, "ANON") && anon_setup() < 0)
		return -1;
	/* made before any child forks: one key and one replay cache for
	 * all connections, so a ticket from one resumes on another */
	if (cfg.early_data &&
	    ((r = gnutls_session_ticket_key_generate(&g_ticket_key)) < 0 ||
	     (r = gnutls_anti_replay_init(&g_anti_replay)) < 0)) {
		logmsg("--early-data: %s", gnutls_strerror(r));
		return -1;
	}
	if (cfg.early_data)
		gnutls_anti_replay_set_add_function(g_anti_replay,
		                                    remember_nothing);
	return 0;
}

static void
setup_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	/* delivered only inside ppoll(), so the flags need no locking */
	sigprocmask(SIG_BLOCK, &block, &orig_mask);
}

static void
serve_forever(void)
{
	struct pollfd pfd[MAX_LISTEN];
	int i, r, err;

	for (i = 0; i < cfg.nlisten; i++) {
		pfd[i].fd = listen_fds[i];
		pfd[i].events = POLLIN;
	}
	while (!got_term) {
		r = ppoll(pfd, (nfds_t)cfg.nlisten, NULL, &orig_mask);
		err = errno; /* reaping below clobbers errno */
		if (got_chld) {
			got_chld = 0;
			reap_children();
		}
		if (r < 0) {
			if (err == EINTR)
				continue;
			logmsg("ppoll: %s", strerror(err));
			break;
		}
		for (i = 0; i < cfg.nlisten && !got_term; i++)
			if (pfd[i].revents & POLLIN)
				accept_one(pfd[i].fd);
	}
}

int
main(int argc, char **argv)
{
	int i, status = 1;

	parse_args(argc, argv);
	if (tls_setup() < 0)
		goto out;
	for (i = 0; i < cfg.nlisten; i++) {
		listen_fds[i] = open_listener(cfg.listen[i]);
		if (listen_fds[i] < 0) {
			while (i-- > 0)
				close(listen_fds[i]);
			goto out;
		}
	}
	setup_signals();
	if (cfg.daemon)
		daemonize(cfg.pidfile);
	else if (cfg.pidfile && write_pidfile(cfg.pidfile, getpid()) < 0)
		goto close;
	redirect_stdio(cfg.logfile, cfg.daemon);
	server_pid = getpid();
	logmsg("%s %s server, behaviour %s, %d listener(s), priority %s%s%s",
	       cfg.proto == P_IMAP ? "imap" : "pop3",
	       cfg.mode == M_IMPLICIT ? "implicit" : "starttls",
	       behaviour_names[cfg.beh], cfg.nlisten,
	       cfg.priority ? cfg.priority : "NORMAL",
	       cfg.heartbeat ? ", heartbeat" : "",
	       cfg.ocsp ? ", OCSP staple" : "");
	serve_forever();
	kill_children();
	if (cfg.pidfile)
		unlink(cfg.pidfile);
	logmsg("stopped");
	status = 0;
close:
	for (i = 0; i < cfg.nlisten; i++)
		close(listen_fds[i]);
out:
	if (g_prio)
		gnutls_priority_deinit(g_prio);
	if (g_anon)
		gnutls_anon_free_server_credentials(g_anon);
	if (g_cred)
		gnutls_certificate_free_credentials(g_cred);
	if (g_dh)
		gnutls_dh_params_deinit(g_dh);
	for (i = 0; i < (int)g_raw_ncerts; i++)
		gnutls_pcert_deinit(&g_raw_certs[i]);
	free(g_raw_certs);
	if (g_raw_key)
		gnutls_privkey_deinit(g_raw_key);
	if (g_anti_replay)
		gnutls_anti_replay_deinit(g_anti_replay);
	gnutls_free(g_ticket_key.data);
	return status;
}
