/*
 * tls_stub_server: a TLS/SSL server that only speaks the first flight, so
 * the mailaudit TLS audit can be tested against what no TLS library on
 * Debian 12 will serve: SSLv2, SSLv3, EXPORT/RC4/DES suites, deflate
 * compression, no renegotiation_info, heartbeat, weak DH primes, binary
 * curves (check catalog 2.E, fixture table 5.2).
 *
 * tls_stub_server --listen ADDR:PORT [--listen ...] [--starttls imap|pop3]
 *     --version 0x0300|0x0301|0x0302|0x0303|sslv2 --suites HEX,HEX,...
 *     [--prefer-server] [--compression deflate] [--no-reneg-info]
 *     [--no-ems] [--etm] [--heartbeat] [--truncated-hmac] [--dh-bits N]
 *     [--curve HEX]
 *     [--daemon] [--pidfile F] [--log F]
 *
 * Per connection (a forked child, 30 s at most): with --starttls a minimal
 * IMAP (greeting, CAPABILITY, STARTTLS, NOOP, LOGOUT) or POP3 (greeting,
 * CAPA, STLS, NOOP, QUIT) dialogue first; then one ClientHello is read and
 * answered:
 *  - the client's highest version (supported_versions, else
 *    client_version) below --version: fatal alert protocol_version;
 *  - the first client suite that is in --suites (with --prefer-server the
 *    first of --suites the client offers) and that the version can carry
 *    (tls_suite min_version; ids not in the table always can); none:
 *    fatal alert handshake_failure;
 *  - else ServerHello (version --version, that suite, deflate if
 *    configured and offered; renegotiation_info if the client sent it or
 *    the SCSV, unless --no-reneg-info; extended_master_secret if offered,
 *    unless --no-ems or SSLv3; encrypt_then_mac with --etm if offered and
 *    the suite is CBC; heartbeat (peer_allowed_to_send) with --heartbeat
 *    if offered; truncated_hmac with --truncated-hmac if offered and the
 *    version is below TLS 1.3; ec_point_formats for (EC)DH suites if offered),
 *    Certificate (one embedded self-signed RSA-2048 certificate; none for
 *    anonymous suites), ServerKeyExchange (DHE: a p of exactly --dh-bits
 *    bits, default 2048, g = 2; ECDHE: named curve --curve, default
 *    secp256r1; RSA_EXPORT: a 512-bit temporary key; dummy signatures),
 *    ServerHelloDone, then the server waits for the client to finish
 *    sending (at most 2 s) and closes. Nothing is ever encrypted.
 * With --version sslv2 an SSLv2 CLIENT-HELLO gets an SSLv2 SERVER-HELLO
 * listing the common cipher kinds (--suites are then 24-bit SSLv2 kinds,
 * default all seven; none in common: SSLv2 ERROR NO-CIPHER), anything
 * else is closed. A TLS server answers a pure SSLv2 hello with alert
 * protocol_version and an SSLv2-compatible TLS hello like a TLS one.
 *
 * --daemon forks into the background after every listener is bound; the
 * pid file is written before the foreground process exits. SIGTERM/SIGINT
 * stop the server and its children. --log appends diagnostics to a file
 * (stderr otherwise; /dev/null when daemonised without --log).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
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
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/servers/daemon.h"

/* The wire layer's tables and byte writer, and the ClientHello parser
 * (the Makefile links hello_parse.c and libmailaudit.a in). */
#include "scanner/tls/tlshello.h"
#include "scanner/tls/wire.h"
#include "tests/servers/hello_parse.h"

#define MAX_LISTEN    8
#define MAX_CHILDREN  256
#define MAX_SUITES    512
#define CONN_SECONDS  30
#define IO_TIMEOUT_MS 10000

/* Self-signed RSA-2048, CN and SAN tls-stub.invalid, valid until 2125
 * (openssl req -x509 -newkey rsa:2048 -days 36500). */
static const uint8_t stub_cert[] = {
    0x30, 0x82, 0x03, 0x36, 0x30, 0x82, 0x02, 0x1e, 0xa0, 0x03, 0x02, 0x01,
    0x02, 0x02, 0x14, 0x0b, 0x8e, 0xfb, 0x1c, 0xb1, 0xf2, 0x17, 0x2a, 0xf6,
    0x22, 0x63, 0xbb, 0x2d, 0x74, 0x2c, 0x74, 0xcc, 0xbb, 0x2f, 0x2a, 0x30,
    0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
    0x05, 0x00, 0x30, 0x1b, 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55, 0x04,
    0x03, 0x0c, 0x10, 0x74, 0x6c, 0x73, 0x2d, 0x73, 0x74, 0x75, 0x62, 0x2e,
    0x69, 0x6e, 0x76, 0x61, 0x6c, 0x69, 0x64, 0x30, 0x20, 0x17, 0x0d, 0x32,
    0x36, 0x31, 0x31, 0x32, 0x36, 0x31, 0x39, 0x32, 0x30, 0x35, 0x39, 0x5a,
    0x18, 0x0f, 0x32, 0x31, 0x32, 0x36, 0x31, 0x31, 0x30, 0x32, 0x31, 0x39,
    0x32, 0x30, 0x35, 0x39, 0x5a, 0x30, 0x1b, 0x31, 0x19, 0x30, 0x17, 0x06,
    0x03, 0x55, 0x04, 0x03, 0x0c, 0x10, 0x74, 0x6c, 0x73, 0x2d, 0x73, 0x74,
    0x75, 0x62, 0x2e, 0x69, 0x6e, 0x76, 0x61, 0x6c, 0x69, 0x64, 0x30, 0x82,
    0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
    0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82,
    0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00, 0xa8, 0xf6, 0xea, 0x2e, 0xc4,
    0xa8, 0x35, 0x3c, 0x7b, 0xdf, 0x04, 0xa9, 0x75, 0x8c, 0x61, 0x8f, 0x0b,
    0xde, 0xed, 0x8f, 0x13, 0xfd, 0xd6, 0xde, 0xda, 0x26, 0xde, 0xc4, 0x3a,
    0x5b, 0x2e, 0xc4, 0x35, 0x9d, 0x16, 0x1c, 0x75, 0x89, 0xa2, 0xe7, 0xd2,
    0xc1, 0x81, 0xe9, 0xf3, 0x1c, 0xe8, 0x10, 0xe4, 0x79, 0x47, 0x48, 0x1f,
    0x41, 0xfd, 0x55, 0xab, 0x34, 0xa5, 0xbe, 0xb5, 0x27, 0x80, 0xe1, 0x18,
    0x5c, 0x0b, 0x1b, 0xb1, 0x23, 0x91, 0x45, 0x42, 0x8b, 0x05, 0x09, 0x07,
    0x6a, 0x07, 0x39, 0x08, 0xfe, 0x2d, 0xc5, 0x79, 0x01, 0x72, 0x82, 0x6d,
    0xa9, 0xf2, 0x64, 0x1d, 0x1e, 0x59, 0x52, 0x91, 0x74, 0x98, 0x46, 0x44,
    0x6c, 0x3b, 0x59, 0xdf, 0xfc, 0x00, 0xd6, 0x38, 0x3b, 0x0e, 0xe9, 0x88,
    0xa3, 0xa4, 0xdb, 0xc2, 0x5a, 0xe6, 0xdd, 0x56, 0x55, 0xf5, 0x32, 0xf6,
    0x4c, 0x64, 0x08, 0xc6, 0x84, 0x30, 0x43, 0xaa, 0x8b, 0xcb, 0xfe, 0x1d,
    0xf4, 0x96, 0xb2, 0x9c, 0x3d, 0xda, 0xf4, 0xb1, 0xed, 0xc6, 0x2b, 0xd3,
    0x3d, 0xc2, 0x53, 0x21, 0x1d, 0xa8, 0xf4, 0x4f, 0x55, 0x91, 0x38, 0x1f,
    0xef, 0xac, 0x29, 0x9c, 0x1d, 0x7f, 0xd1, 0x01, 0xb5, 0xd1, 0xce, 0x3d,
    0xd6, 0x24, 0xa8, 0x20, 0xae, 0xe7, 0x6d, 0xe5, 0x1b, 0xab, 0x3a, 0x28,
    0x56, 0x87, 0x3c, 0x63, 0x1e, 0x86, 0xaa, 0x9c, 0x26, 0x17, 0x71, 0xb7,
    0xa3, 0x46, 0x7c, 0xa8, 0x45, 0xa5, 0xaf, 0xe2, 0xec, 0xf7, 0xa6, 0x66,
    0x64, 0xd4, 0xdd, 0xee, 0x34, 0x73, 0x0d, 0xad, 0x55, 0xbb, 0x20, 0x48,
    0x72, 0x91, 0x90, 0xf4, 0xc9, 0xc2, 0xc0, 0x97, 0x12, 0xc8, 0xb2, 0x49,
    0x96, 0x3a, 0x22, 0xc4, 0xf5, 0x97, 0x63, 0x52, 0x18, 0x3f, 0xc2, 0x31,
    0xe1, 0x7a, 0xbd, 0xb4, 0x01, 0xe9, 0xc4, 0x5a, 0x48, 0xe6, 0x7b, 0x02,
    0x03, 0x01, 0x00, 0x01, 0xa3, 0x70, 0x30, 0x6e, 0x30, 0x1d, 0x06, 0x03,
    0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xe7, 0xe0, 0xfd, 0xd1, 0xa5,
    0x09, 0x98, 0x1a, 0xa4, 0xa2, 0x49, 0x3f, 0x72, 0xea, 0x5e, 0xea, 0xed,
    0x90, 0xe2, 0x6a, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18,
    0x30, 0x16, 0x80, 0x14, 0xe7, 0xe0, 0xfd, 0xd1, 0xa5, 0x09, 0x98, 0x1a,
    0xa4, 0xa2, 0x49, 0x3f, 0x72, 0xea, 0x5e, 0xea, 0xed, 0x90, 0xe2, 0x6a,
    0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05,
    0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x1b, 0x06, 0x03, 0x55, 0x1d, 0x11,
    0x04, 0x14, 0x30, 0x12, 0x82, 0x10, 0x74, 0x6c, 0x73, 0x2d, 0x73, 0x74,
    0x75, 0x62, 0x2e, 0x69, 0x6e, 0x76, 0x61, 0x6c, 0x69, 0x64, 0x30, 0x0d,
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
    0x00, 0x03, 0x82, 0x01, 0x01, 0x00, 0x8f, 0x89, 0x78, 0x5e, 0xfb, 0xeb,
    0xdd, 0x6a, 0xcf, 0xf5, 0x57, 0xa8, 0x86, 0x06, 0x11, 0x66, 0xe0, 0x1c,
    0x6c, 0x06, 0xd5, 0x1d, 0x51, 0x75, 0x37, 0xdf, 0x70, 0x3b, 0xf5, 0x1e,
    0xfd, 0xd6, 0x9e, 0x14, 0xe8, 0x98, 0x10, 0x3f, 0x61, 0x0c, 0xb0, 0xd3,
    0x51, 0xc0, 0x35, 0xed, 0x5b, 0x58, 0xb9, 0xdc, 0x49, 0x56, 0x9e, 0xab,
    0xf2, 0x4c, 0x66, 0x26, 0xf7, 0x56, 0x00, 0x47, 0x47, 0x7b, 0x16, 0x24,
    0x11, 0xd3, 0xe7, 0x80, 0xba, 0x5e, 0x3d, 0x72, 0x95, 0x44, 0x67, 0x4a,
    0xe4, 0xd4, 0x39, 0x7e, 0xc0, 0x8f, 0x35, 0xde, 0xdb, 0xb9, 0x2f, 0x92,
    0x2d, 0xd1, 0xe2, 0x67, 0xf8, 0x43, 0x0a, 0xfb, 0xb4, 0xb0, 0x4e, 0x97,
    0x23, 0x4a, 0x94, 0x27, 0x3a, 0x73, 0x06, 0x13, 0xe5, 0x35, 0x25, 0x06,
    0xe2, 0x2a, 0x46, 0xd4, 0x09, 0xc0, 0x63, 0xb7, 0x16, 0xfb, 0x05, 0xe4,
    0x3e, 0x7f, 0xb4, 0x5d, 0xa7, 0x8f, 0x69, 0x4b, 0x62, 0x91, 0x32, 0x5d,
    0x66, 0x40, 0xbc, 0x0d, 0x7e, 0x18, 0x5a, 0x4c, 0xd1, 0xbb, 0x56, 0x5e,
    0x0e, 0x7a, 0xdb, 0xe9, 0xb3, 0xdf, 0x6e, 0x13, 0x6f, 0xb3, 0xab, 0x25,
    0x29, 0xcc, 0x13, 0x0e, 0xc0, 0x93, 0xdf, 0x88, 0x1d, 0x6e, 0x3f, 0x7d,
    0x44, 0xfb, 0x21, 0x0c, 0x2b, 0xfa, 0x4b, 0x8b, 0x9c, 0x16, 0x6b, 0xb8,
    0x8d, 0x51, 0x9a, 0xea, 0x23, 0x53, 0xab, 0x2d, 0x80, 0x9d, 0xb3, 0x35,
    0xa7, 0x69, 0x7f, 0xe4, 0xe6, 0xc4, 0x7d, 0x00, 0x3c, 0x97, 0x7e, 0xbc,
    0xa0, 0x8d, 0x7c, 0x97, 0x4f, 0x07, 0xd9, 0xef, 0xd1, 0x51, 0xe6, 0x70,
    0x8d, 0xe1, 0x02, 0xd9, 0x80, 0x76, 0x08, 0xb2, 0x5c, 0x0e, 0xd2, 0x9f,
    0x2a, 0x85, 0x21, 0xc9, 0xf2, 0xa4, 0x27, 0x40, 0xb1, 0xbb, 0x6a, 0xc2,
    0x48, 0xd2, 0x8b, 0xeb, 0x61, 0x02, 0x45, 0x75, 0x69, 0x86};

enum starttls { STARTTLS_NONE, STARTTLS_IMAP, STARTTLS_POP3 };

static struct {
	const char *listen[MAX_LISTEN];
	int nlisten;
	enum starttls starttls;
	bool sslv2;
	uint16_t version;
	uint32_t suites[MAX_SUITES];
	size_t nsuites;
	bool prefer_server, deflate, no_reneg_info, no_ems, etm, heartbeat;
	bool truncated_hmac;
	unsigned dh_bits;
	uint16_t curve;
	bool daemon;
	const char *pidfile, *logfile;
} cfg = {.dh_bits = 2048, .curve = TLS_GROUP_SECP256R1};

static int listen_fds[MAX_LISTEN];
static pid_t server_pid;

const char *const daemon_name = "tls_stub_server";

/* ---- connection I/O --------------------------------------------------- */

static bool
send_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool
send_str(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

/* Reads more bytes into buf[*len, cap); false on EOF, error or timeout. */
static bool
read_more(int fd, uint8_t *buf, size_t *len, size_t cap)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	ssize_t r;

	if (*len >= cap)
		return false;
	for (;;) {
		int pr = poll(&pfd, 1, IO_TIMEOUT_MS);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return false;
		r = recv(fd, buf + *len, cap - *len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		*len += (size_t)r;
		return true;
	}
}

/* Waits (2 s at most) until the client stops sending, so closing does not
 * turn into a reset that could discard our flight at the client. */
static void
linger_close(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint8_t sink[4096];
	int rounds;

	shutdown(fd, SHUT_WR);
	for (rounds = 0; rounds < 20; rounds++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (recv(fd, sink, sizeof(sink), 0) <= 0)
			break;
	}
	close(fd);
}

/* ---- STARTTLS dialogue ------------------------------------------------ */

/* One CRLF/LF-terminated line from in[0,*len) (read more as needed) into
 * line; the rest stays in in. false on EOF, timeout or overlong line. */
static bool
next_line(int fd, uint8_t *in, size_t *len, size_t cap, char *line,
          size_t linecap)
{
	uint8_t *nl;
	size_t l;

	while (!(nl = memchr(in, '\n', *len)))
		if (!read_more(fd, in, len, cap))
			return false;
	l = (size_t)(nl - in);
	if (l > 0 && in[l - 1] == '\r')
		l--;
	if (l >= linecap)
		return false;
	memcpy(line, in, l);
	line[l] = '\0';
	l = (size_t)(nl - in) + 1;
	memmove(in, in + l, *len - l);
	*len -= l;
	return true;
}

/* Runs the plaintext part; true when the client asked for TLS (bytes
 * already read after the command stay in in). */
static bool
starttls_dialogue(int fd, uint8_t *in, size_t *len, size_t cap)
{
	char line[1024], tag[64], reply[256];
	bool imap = cfg.starttls == STARTTLS_IMAP;

	if (!send_str(fd, imap ? "* OK [CAPABILITY IMAP4rev1 STARTTLS "
	                         "LOGINDISABLED] stub ready\r\n"
	                       : "+OK stub ready\r\n"))
		return false;
	while (next_line(fd, in, len, cap, line, sizeof(line))) {
		const char *cmd = line, *sp;

		if (imap) {
			sp = strchr(line, ' ');
			if (!sp || (size_t)(sp - line) >= sizeof(tag)) {
				send_str(fd, "* BAD Missing tag\r\n");
				continue;
			}
			memcpy(tag, line, (size_t)(sp - line));
			tag[sp - line] = '\0';
			cmd = sp + 1;
			if (!strcasecmp(cmd, "CAPABILITY")) {
				snprintf(reply, sizeof(reply),
				         "* CAPABILITY IMAP4rev1 STARTTLS "
				         "LOGINDISABLED\r\n%s OK CAPABILITY "
				         "completed\r\n",
				         tag);
			} else if (!strcasecmp(cmd, "STARTTLS")) {
				snprintf(reply, sizeof(reply),
				         "%s OK Begin TLS negotiation now.\r\n",
				         tag);
				return send_str(fd, reply);
			} else if (!strcasecmp(cmd, "NOOP")) {
				snprintf(reply, sizeof(reply),
				         "%s OK NOOP completed\r\n", tag);
			} else if (!strcasecmp(cmd, "LOGOUT")) {
				snprintf(reply, sizeof(reply),
				         "* BYE Logging out\r\n%s OK LOGOUT "
				         "completed\r\n",
				         tag);
				send_str(fd, reply);
				return false;
			} else {
				snprintf(reply, sizeof(reply),
				         "%s BAD Unknown command\r\n", tag);
			}
		} else if (!strcasecmp(cmd, "CAPA")) {
			snprintf(reply, sizeof(reply),
			         "+OK Capability list follows\r\nSTLS\r\n"
			         ".\r\n");
		} else if (!strcasecmp(cmd, "STLS")) {
			return send_str(fd, "+OK Begin TLS\r\n");
		} else if (!strcasecmp(cmd, "NOOP")) {
			snprintf(reply, sizeof(reply), "+OK\r\n");
		} else if (!strcasecmp(cmd, "QUIT")) {
			send_str(fd, "+OK Bye\r\n");
			return false;
		} else {
			snprintf(reply, sizeof(reply),
			         "-ERR Unknown command\r\n");
		}
		if (!send_str(fd, reply))
			return false;
	}
	return false;
}

/* ---- the server's first flight --------------------------------------- */

static void
fill_random(uint8_t *b, size_t n)
{
	static uint32_t x = 0x9e3779b9u;
	size_t i;

	if (getrandom(b, n, 0) == (ssize_t)n)
		return;
	for (i = 0; i < n; i++) { /* good enough for a stub */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (uint8_t)x;
	}
}

static bool
client_offers(const struct tlshello_client_hello *ch, uint16_t id)
{
	size_t i;

	for (i = 0; i < ch->nsuites; i++)
		if (ch->suites[i] == id)
			return true;
	return false;
}

static bool
configured(uint32_t id)
{
	size_t i;

	for (i = 0; i < cfg.nsuites; i++)
		if (cfg.suites[i] == id)
			return true;
	return false;
}

/* A suite this server may pick at cfg.version. */
static bool
usable(uint16_t id)
{
	const struct tls_suite *s = tls_suite_lookup(id);

	if (!s)
		return true;
	return !(s->flags & (TLS_SUITE_SCSV | TLS_SUITE_TLS13)) &&
	       s->min_version <= cfg.version;
}

/* 0 when nothing is common (0x0000 is never a usable choice). */
static uint16_t
choose_suite(const struct tlshello_client_hello *ch)
{
	size_t i;

	if (cfg.prefer_server) {
		for (i = 0; i < cfg.nsuites; i++) {
			uint16_t id = (uint16_t)cfg.suites[i];

			if (usable(id) && client_offers(ch, id))
				return id;
		}
		return 0;
	}
	for (i = 0; i < ch->nsuites; i++)
		if (usable(ch->suites[i]) && configured(ch->suites[i]))
			return ch->suites[i];
	return 0;
}

static bool
send_alert(int fd, uint8_t desc)
{
	const uint8_t rec[7] = {21,
	                        (uint8_t)(cfg.version >> 8),
	                        (uint8_t)cfg.version,
	                        0,
	                        2,
	                        TLS_ALERT_FATAL,
	                        desc};

	logmsg("alert %s", tls_alert_name(desc));
	return send_all(fd, rec, sizeof(rec));
}

static void
put_dummy(struct wr *w, size_t n, uint8_t first)
{
	uint8_t b[512];
	size_t k;

	while (n > 0) {
		k = n < sizeof(b) ? n : sizeof(b);
		fill_random(b, k);
		if (first) {
			b[0] = first;
			first = 0;
		}
		wr_bytes(w, b, k);
		n -= k;
	}
}

/* An unsigned big-endian integer of exactly bits bits (top bit set). */
static void
put_bits_integer(struct wr *w, unsigned bits, uint8_t fill)
{
	size_t n = (bits + 7) / 8, i;
	uint8_t top = (uint8_t)(1u << ((bits - 1) % 8));

	wr_u16(w, (unsigned)n);
	wr_u8(w, (uint8_t)(top | (fill & (top - 1))));
	for (i = 1; i < n; i++)
		wr_u8(w, fill);
}

static void
put_signature(struct wr *w, const struct tls_suite *s)
{
	bool ecdsa = s && strstr(s->name, "_ECDSA_");

	if (cfg.version >= TLS_VERSION_1_2)
		wr_u16(w, ecdsa ? 0x0403 : 0x0401);
	wr_u16(w, ecdsa ? 72 : 256);
	put_dummy(w, ecdsa ? 72 : 256, ecdsa ? 0x30 : 0);
}

/* Size of an EC point in the SKE: x25519/x448 raw, others uncompressed. */
static size_t
point_len(uint16_t curve)
{
	unsigned bits = tls_group_bits(curve);

	if (curve == TLS_GROUP_X25519)
		return 32;
	if (curve == TLS_GROUP_X448)
		return 56;
	if (bits == 0)
		bits = 256;
	return 1 + 2 * (size_t)((bits + 7) / 8);
}

static void
put_server_hello(struct wr *w, const struct tlshello_client_hello *ch,
                 uint16_t suite, const struct tls_suite *s)
{
	uint8_t rnd[32];
	size_t msg, exts;
	bool cbc = s && (s->flags & TLS_SUITE_CBC);
	bool ec = s && (s->kx == TLS_KX_ECDHE || s->kx == TLS_KX_ECDH);
	bool reneg =
	    (ch->ext_seen & TLSHELLO_EXT_RENEGOTIATION_INFO) ||
	    client_offers(ch, TLS_SUITE_ID_EMPTY_RENEGOTIATION_INFO_SCSV);

	wr_u8(w, 2);
	msg = w->len;
	wr_u24(w, 0);
	wr_u16(w, cfg.version);
	fill_random(rnd, sizeof(rnd));
	wr_bytes(w, rnd, sizeof(rnd));
	wr_u8(w, 32);
	put_dummy(w, 32, 0);
	wr_u16(w, suite);
	wr_u8(w, cfg.deflate && ch->comp_deflate ? 1 : 0);
	exts = w->len;
	wr_u16(w, 0);
	if (reneg && !cfg.no_reneg_info) {
		wr_u16(w, 0xff01);
		wr_u16(w, 1);
		wr_u8(w, 0);
	}
	if ((ch->ext_seen & TLSHELLO_EXT_EXTENDED_MASTER_SECRET) &&
	    !cfg.no_ems && cfg.version >= TLS_VERSION_1_0) {
		wr_u16(w, 23);
		wr_u16(w, 0);
	}
	if (cfg.etm && cbc && (ch->ext_seen & TLSHELLO_EXT_ENCRYPT_THEN_MAC)) {
		wr_u16(w, 22);
		wr_u16(w, 0);
	}
	if (cfg.heartbeat && (ch->ext_seen & TLSHELLO_EXT_HEARTBEAT)) {
		wr_u16(w, 15);
		wr_u16(w, 1);
		wr_u8(w, 1);
	}
	if (cfg.truncated_hmac &&
	    (ch->ext_seen & TLSHELLO_EXT_TRUNCATED_HMAC)) {
		wr_u16(w, 4);
		wr_u16(w, 0);
	}
	if (ec && (ch->ext_seen & TLSHELLO_EXT_EC_POINT_FORMATS)) {
		wr_u16(w, 11);
		wr_u16(w, 2);
		wr_u8(w, 1);
		wr_u8(w, 0);
	}
	if (w->len == exts + 2)
		w->len = exts; /* no extensions: no block at all */
	else
		wr_patch(w, exts, 2);
	wr_patch(w, msg, 3);
}

static void
put_certificate(struct wr *w)
{
	wr_u8(w, 11);
	wr_u24(w, 3 + 3 + sizeof(stub_cert));
	wr_u24(w, 3 + sizeof(stub_cert));
	wr_u24(w, sizeof(stub_cert));
	wr_bytes(w, stub_cert, sizeof(stub_cert));
}

/* The secp256r1 base point, uncompressed: a valid point, so clients get
 * as far as the (dummy) signature. */
static const uint8_t p256_g[65] = {
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc,
    0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d,
    0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
    0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
    0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
    0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};

static void
put_server_key_exchange(struct wr *w, const struct tls_suite *s)
{
	size_t msg;

	wr_u8(w, 12);
	msg = w->len;
	wr_u24(w, 0);
	switch (s->kx) {
	case TLS_KX_DHE:
		put_bits_integer(w, cfg.dh_bits, 0xff); /* p */
		wr_u16(w, 1);                           /* g = 2 */
		wr_u8(w, 2);
		wr_u16(w, (cfg.dh_bits + 7) / 8); /* Ys */
		put_dummy(w, (cfg.dh_bits + 7) / 8, 0x5a);
		break;
	case TLS_KX_ECDHE:
		wr_u8(w, 3); /* named_curve */
		wr_u16(w, cfg.curve);
		wr_u8(w, (unsigned)point_len(cfg.curve));
		if (cfg.curve == TLS_GROUP_SECP256R1)
			wr_bytes(w, p256_g, sizeof(p256_g));
		else if (cfg.curve == TLS_GROUP_X25519)
			put_dummy(w, point_len(cfg.curve), 0x09);
		else
			put_dummy(w, point_len(cfg.curve),
			          cfg.curve == TLS_GROUP_X448 ? 0x05 : 0x04);
		break;
	default:                                /* RSA_EXPORT */
		put_bits_integer(w, 512, 0xa5); /* modulus */
		wr_u16(w, 3);                   /* exponent 65537 */
		wr_u8(w, 1);
		wr_u8(w, 0);
		wr_u8(w, 1);
		break;
	}
	if (!(s->flags & TLS_SUITE_ANON))
		put_signature(w, s);
	wr_patch(w, msg, 3);
}

/* Wraps the handshake stream hs[0,n) into records of at most 16 KiB. */
static bool
send_records(int fd, uint8_t type, const uint8_t *hs, size_t n)
{
	while (n > 0) {
		size_t k = n < 16384 ? n : 16384;
		uint8_t hdr[5] = {type, (uint8_t)(cfg.version >> 8),
		                  (uint8_t)cfg.version, (uint8_t)(k >> 8),
		                  (uint8_t)k};

		if (!send_all(fd, hdr, sizeof(hdr)) || !send_all(fd, hs, k))
			return false;
		hs += k;
		n -= k;
	}
	return true;
}

static void
answer_tls(int fd, const struct tlshello_client_hello *ch)
{
	static uint8_t flight[64 * 1024];
	struct wr w = {.p = flight, .cap = sizeof(flight)};
	const struct tls_suite *s;
	uint16_t suite;

	if (ch->sslv2 && ch->client_version < TLS_VERSION_SSL3) {
		send_alert(fd, TLS_ALERT_PROTOCOL_VERSION);
		return;
	}
	if (ch->max_version < cfg.version) {
		logmsg("client max %s < %s", tls_version_name(ch->max_version),
		       tls_version_name(cfg.version));
		send_alert(fd, TLS_ALERT_PROTOCOL_VERSION);
		return;
	}
	suite = choose_suite(ch);
	if (suite == 0) {
		send_alert(fd, TLS_ALERT_HANDSHAKE_FAILURE);
		return;
	}
	s = tls_suite_lookup(suite);
	put_server_hello(&w, ch, suite, s);
	if (!s || !(s->flags & TLS_SUITE_ANON))
		put_certificate(&w);
	if (s && (s->kx == TLS_KX_DHE || s->kx == TLS_KX_ECDHE ||
	          (s->kx == TLS_KX_RSA && (s->flags & TLS_SUITE_EXPORT))))
		put_server_key_exchange(&w, s);
	wr_u8(&w, 14);
	wr_u24(&w, 0);
	if (w.bad) {
		logmsg("flight does not fit");
		return;
	}
	logmsg("%s %s", tls_version_name(cfg.version), tls_suite_name(suite));
	send_records(fd, 22, flight, w.len);
}

static void
answer_sslv2(int fd, const struct tlshello_client_hello *ch)
{
	static const uint8_t no_cipher[] = {0x80, 0x03, 0x00, 0x00, 0x01};
	uint8_t out[4096];
	struct wr w = {.p = out + 2, .cap = sizeof(out) - 2};
	uint32_t common[TLSHELLO_CH_MAX_LIST];
	size_t n = 0, i, j;

	for (i = 0; i < (cfg.prefer_server ? cfg.nsuites : ch->nsslv2_specs);
	     i++) {
		uint32_t v =
		    cfg.prefer_server ? cfg.suites[i] : ch->sslv2_specs[i];

		for (j = 0;
		     j < (cfg.prefer_server ? ch->nsslv2_specs : cfg.nsuites);
		     j++) {
			uint32_t o = cfg.prefer_server ? ch->sslv2_specs[j]
			                               : cfg.suites[j];

			if (o == v && n < TLSHELLO_CH_MAX_LIST)
				common[n++] = v;
		}
	}
	if (n == 0) {
		logmsg("SSLv2 ERROR NO-CIPHER");
		send_all(fd, no_cipher, sizeof(no_cipher));
		return;
	}
	wr_u8(&w, 4);       /* SERVER-HELLO */
	wr_u8(&w, 0);       /* session_id_hit */
	wr_u8(&w, 1);       /* SSL_CT_X509_CERTIFICATE */
	wr_u16(&w, 0x0002); /* SSL 2.0 */
	wr_u16(&w, sizeof(stub_cert));
	wr_u16(&w, (unsigned)(3 * n));
	wr_u16(&w, 16); /* connection id */
	wr_bytes(&w, stub_cert, sizeof(stub_cert));
	for (i = 0; i < n; i++) {
		wr_u8(&w, (uint8_t)(common[i] >> 16));
		wr_u16(&w, common[i] & 0xffff);
	}
	put_dummy(&w, 16, 0);
	if (w.bad)
		return;
	out[0] = (uint8_t)(0x80 | w.len >> 8);
	out[1] = (uint8_t)w.len;
	logmsg("SSLv2 SERVER-HELLO, %zu cipher kind(s)", n);
	send_all(fd, out, w.len + 2);
}

static void
serve_connection(int fd)
{
	static struct tlshello_client_hello ch;
	static uint8_t in[64 * 1024];
	size_t len = 0;
	int r;

	if (cfg.starttls != STARTTLS_NONE &&
	    !starttls_dialogue(fd, in, &len, sizeof(in)))
		goto out;
	for (;;) {
		r = tlshello_parse_client_hello(in, len, &ch);
		if (r != TLSHELLO_NEED_MORE)
			break;
		if (!read_more(fd, in, &len, sizeof(in)))
			goto out;
	}
	if (r == TLSHELLO_ERROR) {
		logmsg("bad ClientHello: %s", ch.error);
		goto out;
	}
	logmsg("ClientHello %s%s, max %s, %zu suites, sni '%s'",
	       ch.sslv2 ? "(SSLv2) " : "", tls_version_name(ch.client_version),
	       tls_version_name(ch.max_version), ch.nsuites, ch.sni);
	if (cfg.sslv2) {
		if (ch.sslv2)
			answer_sslv2(fd, &ch);
		else
			logmsg("TLS hello on an SSLv2 server: closing");
	} else {
		answer_tls(fd, &ch);
	}
out:
	linger_close(fd);
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
	alarm(CONN_SECONDS);
}

static void
accept_one(int lfd)
{
	pid_t pid;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (nchildren >= MAX_CHILDREN) {
		logmsg("too many children, dropping connection");
		close(fd);
		return;
	}
	pid = fork();
	if (pid == 0) {
		child_setup();
		serve_connection(fd);
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
	fprintf(f,
	        "usage: tls_stub_server --listen ADDR:PORT [--listen ...] "
	        "[--starttls imap|pop3]\n"
	        "       --version 0x0300|0x0301|0x0302|0x0303|sslv2 "
	        "--suites HEX,HEX,...\n"
	        "       [--prefer-server] [--compression deflate] "
	        "[--no-reneg-info] [--no-ems]\n"
	        "       [--etm] [--heartbeat] [--truncated-hmac] [--dh-bits N] "
	        "[--curve HEX]\n"
	        "       [--daemon] [--pidfile F] [--log F]\n");
}

/* Hex number (optional 0x) no larger than max; false otherwise. */
static bool
parse_hex(const char *s, size_t len, unsigned long max, unsigned long *v)
{
	char buf[16], *end;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtoul(buf, &end, 16);
	return errno == 0 && *end == '\0' && buf[0] != '-' && buf[0] != '+' &&
	       *v <= max;
}

static bool
parse_suites(const char *arg, unsigned long max)
{
	const char *p = arg, *comma;
	unsigned long v;

	cfg.nsuites = 0;
	for (;;) {
		comma = strchr(p, ',');
		if (cfg.nsuites == MAX_SUITES ||
		    !parse_hex(p, comma ? (size_t)(comma - p) : strlen(p), max,
		               &v))
			return false;
		cfg.suites[cfg.nsuites++] = (uint32_t)v;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

static void
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"starttls", required_argument, NULL, 's'},
	    {"version", required_argument, NULL, 'v'},
	    {"suites", required_argument, NULL, 'c'},
	    {"prefer-server", no_argument, NULL, 'S'},
	    {"compression", required_argument, NULL, 'z'},
	    {"no-reneg-info", no_argument, NULL, 'R'},
	    {"no-ems", no_argument, NULL, 'E'},
	    {"etm", no_argument, NULL, 'e'},
	    {"heartbeat", no_argument, NULL, 'b'},
	    {"truncated-hmac", no_argument, NULL, 'T'},
	    {"dh-bits", required_argument, NULL, 'D'},
	    {"curve", required_argument, NULL, 'C'},
	    {"pidfile", required_argument, NULL, 'P'},
	    {"log", required_argument, NULL, 'L'},
	    {"daemon", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *suites = NULL;
	unsigned long v;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			if (cfg.nlisten == MAX_LISTEN)
				goto bad;
			cfg.listen[cfg.nlisten++] = optarg;
			break;
		case 's':
			if (!strcmp(optarg, "imap"))
				cfg.starttls = STARTTLS_IMAP;
			else if (!strcmp(optarg, "pop3"))
				cfg.starttls = STARTTLS_POP3;
			else
				goto bad;
			break;
		case 'v':
			if (!strcmp(optarg, "sslv2")) {
				cfg.sslv2 = true;
				cfg.version = TLS_VERSION_SSL2;
			} else if (parse_hex(optarg, strlen(optarg),
			                     TLS_VERSION_1_2, &v) &&
			           v >= TLS_VERSION_SSL3) {
				cfg.version = (uint16_t)v;
			} else {
				goto bad;
			}
			break;
		case 'c':
			suites = optarg;
			break;
		case 'S':
			cfg.prefer_server = true;
			break;
		case 'z':
			if (!strcmp(optarg, "deflate"))
				cfg.deflate = true;
			else if (strcmp(optarg, "null") != 0)
				goto bad;
			break;
		case 'R':
			cfg.no_reneg_info = true;
			break;
		case 'E':
			cfg.no_ems = true;
			break;
		case 'e':
			cfg.etm = true;
			break;
		case 'b':
			cfg.heartbeat = true;
			break;
		case 'T':
			cfg.truncated_hmac = true;
			break;
		case 'D':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || v < 64 ||
			    v > 8192)
				goto bad;
			cfg.dh_bits = (unsigned)v;
			break;
		case 'C':
			if (!parse_hex(optarg, strlen(optarg), 0xffff, &v))
				goto bad;
			cfg.curve = (uint16_t)v;
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
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind != argc || cfg.nlisten == 0 || cfg.version == 0)
		goto bad;
	if (suites) {
		if (!parse_suites(suites, cfg.sslv2 ? 0xffffff : 0xffff)) {
			fprintf(stderr, "bad --suites '%s'\n", suites);
			goto bad;
		}
	} else if (cfg.sslv2) {
		static const uint32_t all[] = {0x010080, 0x020080, 0x030080,
		                               0x040080, 0x050080, 0x060040,
		                               0x0700c0};

		memcpy(cfg.suites, all, sizeof(all));
		cfg.nsuites = ARRAY_LEN(all);
	} else {
		goto bad;
	}
	return;
bad:
	usage(stderr);
	exit(2);
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
	for (i = 0; i < ARRAY_LEN(sigs); i++) {
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
	for (i = 0; i < cfg.nlisten; i++) {
		listen_fds[i] = open_listener(cfg.listen[i]);
		if (listen_fds[i] < 0) {
			while (i-- > 0)
				close(listen_fds[i]);
			return 1;
		}
	}
	setup_signals();
	if (cfg.daemon)
		daemonize(cfg.pidfile);
	else if (cfg.pidfile && write_pidfile(cfg.pidfile, getpid()) < 0)
		goto close;
	redirect_stdio(cfg.logfile, cfg.daemon);
	server_pid = getpid();
	logmsg("%s server%s%s, %zu suite(s), %d listener(s)",
	       tls_version_name(cfg.version),
	       cfg.starttls == STARTTLS_IMAP   ? ", STARTTLS imap"
	       : cfg.starttls == STARTTLS_POP3 ? ", STARTTLS pop3"
	                                       : "",
	       cfg.prefer_server ? ", server order" : "", cfg.nsuites,
	       cfg.nlisten);
	serve_forever();
	kill_children();
	if (cfg.pidfile)
		unlink(cfg.pidfile);
	logmsg("stopped");
	status = 0;
close:
	for (i = 0; i < cfg.nlisten; i++)
		close(listen_fds[i]);
	return status;
}
