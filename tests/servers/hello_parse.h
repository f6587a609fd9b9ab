/*
 * Parser of a client's first flight (TLS ClientHello or SSLv2
 * CLIENT-HELLO) for tls_stub_server, its fuzz harness and the unit tests
 * that decode the scanner's own hellos. The scanner never parses a
 * ClientHello, so this lives with the test servers; it reads with the
 * wire layer's helpers (scanner/tls/wire.h).
 */
#ifndef MAILAUDIT_TESTS_SERVERS_HELLO_PARSE_H
#define MAILAUDIT_TESTS_SERVERS_HELLO_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/tls/tlshello.h"

#define TLSHELLO_CH_MAX_SUITES 512
#define TLSHELLO_CH_MAX_LIST   32

struct tlshello_client_hello {
	bool sslv2; /* SSLv2 (or SSLv2-compatible) CLIENT-HELLO */
	uint16_t record_version;
	uint16_t client_version;
	uint16_t max_version; /* max(supported_versions) or client_version */
	uint8_t random[32];   /* SSLv2: challenge, right-aligned */
	uint8_t session_id_len;
	uint16_t suites[TLSHELLO_CH_MAX_SUITES];
	size_t nsuites; /* stored (more are dropped, see truncated) */
	bool truncated;
	uint32_t sslv2_specs[TLSHELLO_CH_MAX_LIST]; /* SSLv2 kinds (3 bytes) */
	size_t nsslv2_specs;
	bool comp_null, comp_deflate;
	unsigned ext_seen; /* TLSHELLO_EXT_* */
	char sni[256];
	uint16_t groups[TLSHELLO_CH_MAX_LIST];
	size_t ngroups;
	uint16_t versions[TLSHELLO_CH_MAX_LIST];
	size_t nversions;
	uint16_t key_share_groups[TLSHELLO_CH_MAX_LIST];
	size_t nkey_shares;
	size_t nsig_algs;
	uint8_t heartbeat_mode;
	size_t nalpn;
	char alpn_first[256];
	size_t length;   /* handshake body length */
	size_t consumed; /* bytes of the input that held the hello */
	const char *error;
	uint8_t body[TLSHELLO_BUF]; /* reassembled message (internal; the
	                               struct is ~19 KiB: keep it static or
	                               allocate it) */
};

/* Parses a client's first flight in data[0,n): TLS records carrying one
 * ClientHello (which may span several records), or an SSLv2
 * CLIENT-HELLO. Returns TLSHELLO_DONE (ch filled, ch->consumed set),
 * TLSHELLO_NEED_MORE (call again with more data from the start), or
 * TLSHELLO_ERROR (ch->error). A ClientHello body above TLSHELLO_BUF
 * bytes is an error. */
int tlshello_parse_client_hello(const uint8_t *data, size_t n,
                                struct tlshello_client_hello *ch);

#endif
