/*
 * TLS wire layer for the protocol/cipher audit (check catalog P12, 2.E):
 * hand-built ClientHellos (SSLv2, SSLv3, TLS 1.0-1.3) and an incremental,
 * bounded parser of the server's first flight, so the scanner learns what
 * a server ACCEPTS rather than what a TLS library is willing to negotiate.
 * No sockets, no GnuTLS, no allocation: every function works on caller
 * buffers. RFC 5246 (TLS 1.2), RFC 8446 (TLS 1.3), RFC 6101 (SSLv3),
 * RFC 6066 (SNI, status_request), RFC 7627 (EMS), RFC 7366 (ETM), RFC 5746
 * (renegotiation_info), RFC 6520 (heartbeat), RFC 7301 (ALPN), RFC 8422 /
 * RFC 7919 (groups), RFC 7507 (fallback SCSV); SSLv2 per the 1995 draft.
 *
 * One file per job: suites.c (the suite table, rows generated into
 * suites.inc from suites.tsv by gen_suites.py), names.c (versions,
 * alerts, groups, extensions), hello.c (builders), flight.c (server-flight
 * parser), wire.h (their private byte reader and writer). The test
 * servers' ClientHello parser is tests/servers/hello_parse.h.
 */
#ifndef MAILAUDIT_SCANNER_TLS_TLSHELLO_H
#define MAILAUDIT_SCANNER_TLS_TLSHELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- protocol numbers ---------------------------------------------- */

#define TLS_VERSION_SSL2 0x0002
#define TLS_VERSION_SSL3 0x0300
#define TLS_VERSION_1_0  0x0301
#define TLS_VERSION_1_1  0x0302
#define TLS_VERSION_1_2  0x0303
#define TLS_VERSION_1_3  0x0304

#define TLS_SUITE_ID_EMPTY_RENEGOTIATION_INFO_SCSV 0x00FF
#define TLS_SUITE_ID_FALLBACK_SCSV                 0x5600

#define TLS_GROUP_SECP256R1 0x0017
#define TLS_GROUP_SECP384R1 0x0018
#define TLS_GROUP_SECP521R1 0x0019
#define TLS_GROUP_X25519    0x001D
#define TLS_GROUP_X448      0x001E
#define TLS_GROUP_FFDHE2048 0x0100
#define TLS_GROUP_FFDHE3072 0x0101

#define TLS_ALERT_WARNING 1
#define TLS_ALERT_FATAL   2

#define TLS_ALERT_CLOSE_NOTIFY            0
#define TLS_ALERT_UNEXPECTED_MESSAGE      10
#define TLS_ALERT_HANDSHAKE_FAILURE       40
#define TLS_ALERT_ILLEGAL_PARAMETER       47
#define TLS_ALERT_DECODE_ERROR            50
#define TLS_ALERT_PROTOCOL_VERSION        70
#define TLS_ALERT_INSUFFICIENT_SECURITY   71
#define TLS_ALERT_INTERNAL_ERROR          80
#define TLS_ALERT_INAPPROPRIATE_FALLBACK  86
#define TLS_ALERT_UNRECOGNIZED_NAME       112
#define TLS_ALERT_NO_APPLICATION_PROTOCOL 120

/* ---- cipher-suite table -------------------------------------------- */

/* Property flags of a suite (several may be set). */
#define TLS_SUITE_NULL        (1u << 0) /* no encryption */
#define TLS_SUITE_ANON        (1u << 1) /* no server authentication */
#define TLS_SUITE_EXPORT      (1u << 2) /* 40/56-bit export grade */
#define TLS_SUITE_RC4         (1u << 3)
#define TLS_SUITE_64BIT_BLOCK (1u << 4) /* 3DES, DES, IDEA, RC2 */
#define TLS_SUITE_DES         (1u << 5) /* single DES or DES40 */
#define TLS_SUITE_NO_FS       (1u << 6) /* static RSA, DH or ECDH kx */
#define TLS_SUITE_CBC         (1u << 7)
#define TLS_SUITE_AEAD        (1u << 8)  /* GCM, CCM, CHACHA20-POLY1305 */
#define TLS_SUITE_DHE         (1u << 9)  /* ephemeral finite-field DH */
#define TLS_SUITE_ECDHE       (1u << 10) /* ephemeral elliptic-curve DH */
#define TLS_SUITE_TLS13       (1u << 11) /* TLS 1.3 only */
#define TLS_SUITE_NOT_NIST    (1u << 12) /* CHACHA20 CAMELLIA ARIA SEED IDEA */
#define TLS_SUITE_SCSV        (1u << 13) /* signalling value, not a suite */

/* Key exchange, which decides the ServerKeyExchange layout. Anonymous
 * (EC)DH counts as DHE/ECDHE (ephemeral) with TLS_SUITE_ANON set. */
enum tls_kx {
	TLS_KX_NONE,  /* SCSV */
	TLS_KX_RSA,   /* RSA key transport (SKE only for RSA_EXPORT) */
	TLS_KX_DH,    /* static DH (certificate) */
	TLS_KX_DHE,   /* ServerDHParams in the SKE */
	TLS_KX_ECDH,  /* static ECDH (certificate) */
	TLS_KX_ECDHE, /* ServerECDHParams in the SKE */
	TLS_KX_TLS13, /* negotiated by key_share */
};

struct tls_suite {
	uint16_t id;
	uint16_t min_version; /* lowest protocol that can negotiate it */
	unsigned flags;       /* TLS_SUITE_* */
	const char *name; /* IANA, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
	enum tls_kx kx;
};

/* The table, sorted by id; *n_r receives its length. SCSVs are included
 * (flag TLS_SUITE_SCSV) so they have names; PSK, SRP, KRB5 and GOST
 * suites are not. 0x0060-0x0066 (the EXPORT1024 draft) and 0xCC13-0xCC15
 * (pre-RFC ChaCha20) are not IANA-registered but were deployed. */
const struct tls_suite *tls_suite_table(size_t *n_r);
/* The entry for id, or NULL if unknown. */
const struct tls_suite *tls_suite_lookup(uint16_t id);
/* IANA name of id; "0xXXXX" for unknown ids (in a per-thread buffer that
 * the next call for an unknown id overwrites: copy it if you keep it). */
const char *tls_suite_name(uint16_t id);
/* The id of a suite by its IANA name (as GnuTLS names it); 0 if none. */
uint16_t tls_suite_by_name(const char *name);
/* Writes the ids of table suites that version can negotiate (min_version
 * <= version, and TLS 1.3 suites only for 0x0304 and TLS 1.3 only those),
 * that have all of require_flags and none of exclude_flags, in table
 * order, to out (at most cap). SCSVs never. Returns how many matched,
 * which may exceed cap (then out holds the first cap). */
size_t tls_suites_select(uint16_t version, unsigned require_flags,
                         unsigned exclude_flags, uint16_t *out, size_t cap);

/* ---- names ---------------------------------------------------------- */

/* "SSL2.0", "SSL3.0", "TLS1.0" .. "TLS1.3", "TLS1.3-draft" (0x7fXX),
 * "unknown". */
const char *tls_version_name(uint16_t version);
/* "handshake_failure" etc., "unknown" for unassigned values. */
const char *tls_alert_name(uint8_t desc);

enum tls_group_kind {
	TLS_GROUP_UNKNOWN,
	TLS_GROUP_EC_PRIME,  /* secpNNNr1/k1, brainpool */
	TLS_GROUP_EC_BINARY, /* sectNNN (deprecated by RFC 8422) */
	TLS_GROUP_ECX,       /* x25519, x448 */
	TLS_GROUP_FFDHE,     /* RFC 7919 */
	TLS_GROUP_HYBRID,    /* post-quantum hybrids (X25519MLKEM768 ...) */
	TLS_GROUP_EXPLICIT,  /* arbitrary_explicit_*_curves */
};

/* "x25519", "secp256r1", "ffdhe2048", "sect163k1", ...; "unknown". */
const char *tls_group_name(uint16_t id);
/* Field size in bits: secp256r1 256, sect163k1 163, x25519 255, x448 448,
 * ffdheN N, hybrids the size of their classical part; 0 if unknown. For
 * a "< 256 bits" rule use the kind too: x25519 (ECX) is not weak, binary
 * curves are weak at any size. */
unsigned tls_group_bits(uint16_t id);
enum tls_group_kind tls_group_kind(uint16_t id);

/* ---- extensions (shared by the builder, the parser and the server) -- */

#define TLSHELLO_EXT_SERVER_NAME            (1u << 0)  /* 0 */
#define TLSHELLO_EXT_MAX_FRAGMENT_LENGTH    (1u << 1)  /* 1 (parser only) */
#define TLSHELLO_EXT_TRUNCATED_HMAC         (1u << 2)  /* 4 */
#define TLSHELLO_EXT_STATUS_REQUEST         (1u << 3)  /* 5 */
#define TLSHELLO_EXT_SUPPORTED_GROUPS       (1u << 4)  /* 10 */
#define TLSHELLO_EXT_EC_POINT_FORMATS       (1u << 5)  /* 11 */
#define TLSHELLO_EXT_SIGNATURE_ALGORITHMS   (1u << 6)  /* 13 */
#define TLSHELLO_EXT_HEARTBEAT              (1u << 7)  /* 15 */
#define TLSHELLO_EXT_ALPN                   (1u << 8)  /* 16 */
#define TLSHELLO_EXT_PADDING                (1u << 9)  /* 21 */
#define TLSHELLO_EXT_ENCRYPT_THEN_MAC       (1u << 10) /* 22 */
#define TLSHELLO_EXT_EXTENDED_MASTER_SECRET (1u << 11) /* 23 */
#define TLSHELLO_EXT_SESSION_TICKET         (1u << 12) /* 35 */
#define TLSHELLO_EXT_SUPPORTED_VERSIONS     (1u << 13) /* 43 */
#define TLSHELLO_EXT_KEY_SHARE              (1u << 14) /* 51 */
#define TLSHELLO_EXT_RENEGOTIATION_INFO     (1u << 15) /* 0xff01 */
#define TLSHELLO_EXT_OTHER                  (1u << 31) /* any other type */

/* The usual extension set of a modern client (no ALPN, no heartbeat, no
 * truncated_hmac, no padding; TLS 1.3 parts off). */
#define TLSHELLO_EXT_DEFAULT                                                   \
	(TLSHELLO_EXT_STATUS_REQUEST | TLSHELLO_EXT_SUPPORTED_GROUPS |         \
	 TLSHELLO_EXT_EC_POINT_FORMATS | TLSHELLO_EXT_SIGNATURE_ALGORITHMS |   \
	 TLSHELLO_EXT_ENCRYPT_THEN_MAC | TLSHELLO_EXT_EXTENDED_MASTER_SECRET | \
	 TLSHELLO_EXT_SESSION_TICKET | TLSHELLO_EXT_RENEGOTIATION_INFO)

/* Extension type number for one TLSHELLO_EXT_* bit; -1 for OTHER or a
 * value that is not a single known bit. */
int tlshello_ext_type(unsigned bit);
/* "extended_master_secret" etc. for one bit; "unknown" otherwise. */
const char *tlshello_ext_name(unsigned bit);

/* ---- ClientHello builder -------------------------------------------- */

#define TLSHELLO_SEED_LEN 64 /* [0,32) client random, [32,64) x25519 share */

struct tlshello_params {
	/* Record-layer version; 0 picks 0x0301 (0x0300 for an SSLv3 hello),
	 * what OpenSSL and GnuTLS send. */
	uint16_t record_version;
	/* ClientHello.client_version, 0x0300..0x0303 (0x0303 for TLS 1.3,
	 * which is announced in supported_versions). */
	uint16_t client_version;
	const uint16_t *suites; /* in preference order */
	size_t nsuites;
	bool scsv_renegotiation;  /* append TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
	bool scsv_fallback;       /* append TLS_FALLBACK_SCSV */
	bool compression_deflate; /* offer {deflate, null} instead of {null} */
	/* server_name; omitted when NULL, empty or an IPv4/IPv6 literal
	 * (RFC 6066 §3). Must be < 256 bytes or the build fails. */
	const char *sni;
	/* Extensions to include (TLSHELLO_EXT_*; SERVER_NAME is ignored,
	 * sni decides; OTHER and MAX_FRAGMENT_LENGTH are ignored). */
	unsigned ext;
	/* supported_groups in order; NULL = x25519, secp256r1, secp384r1,
	 * secp521r1, ffdhe2048, ffdhe3072. Pass a list without FFDHE groups
	 * so a DHE server falls back to its own (possibly weak) prime. */
	const uint16_t *groups;
	size_t ngroups;
	/* ALPN protocol names (required when TLSHELLO_EXT_ALPN is set). */
	const char *const *alpn;
	size_t nalpn;
	/* supported_versions, highest first; NULL = {0x0304, 0x0303}. */
	const uint16_t *versions;
	size_t nversions;
	/* key_share group; 0 = x25519. Only x25519 (32 seed bytes) and
	 * x448/secp* of the right length are produced; the key bytes come
	 * from the seed (a real x25519 key is any 32 bytes). */
	uint16_t key_share_group;
	/* an empty client_shares list instead: the server names its suite
	 * and group in a HelloRetryRequest, without the signature its
	 * ServerHello flight would cost (RFC 8446 §4.2.8) */
	bool key_share_empty;
	/* TLSHELLO_SEED_LEN bytes: random and key share, so output is
	 * deterministic for a given seed. NULL = all zero. */
	const uint8_t *seed;
};

/* Writes one TLSPlaintext record holding a ClientHello to out. Returns
 * the record length, or 0 if it does not fit in cap, the parameters are
 * invalid (no suites, bad version, ALPN flag without names, SNI too
 * long) or the hello would exceed one 16 KiB record. The extensions block
 * is omitted entirely when no extension is selected (SSLv3-style). With
 * TLSHELLO_EXT_PADDING the hello is padded to 512 bytes when it would be
 * 256..511 bytes long (RFC 7685, the F5 workaround). */
size_t tlshello_build(uint8_t *out, size_t cap,
                      const struct tlshello_params *p);

/* The SSLv2 CLIENT-HELLO that was tested (gnutls.md §2.4; 48 bytes):
 * version 0x0002, the 7 SSLv2 cipher kinds, no session id, a 16-byte
 * challenge from seed[0,16) (zeros if seed is NULL). Returns 48, or 0 if
 * cap is too small. */
size_t tlshello_build_sslv2(uint8_t *out, size_t cap, const uint8_t *seed);

/* ---- server-flight parser ------------------------------------------- */

#define TLSHELLO_MAX_INPUT       (256u * 1024)   /* whole flight */
#define TLSHELLO_MAX_RECORD      (16384u + 2048) /* TLSCiphertext bound */
#define TLSHELLO_MAX_CERT_LIST   (128u * 1024)
#define TLSHELLO_MAX_MSG         (128u * 1024 + 3) /* any handshake message */
#define TLSHELLO_BUF             16384u /* message bytes kept for decoding */
#define TLSHELLO_MAX_SSLV2_SPECS 32

enum tlshello_status {
	TLSHELLO_NEED_MORE = 0, /* feed more bytes */
	TLSHELLO_DONE = 1,      /* the result is complete */
	TLSHELLO_ERROR = -1,    /* malformed; see parser.error */
};

enum tlshello_kind {
	TLSHELLO_KIND_NONE,               /* nothing decided yet */
	TLSHELLO_KIND_SERVER_HELLO,       /* TLS/SSLv3 ServerHello (or HRR) */
	TLSHELLO_KIND_ALERT,              /* fatal alert / close instead */
	TLSHELLO_KIND_SSLV2_SERVER_HELLO, /* SSLv2 SERVER-HELLO */
	TLSHELLO_KIND_SSLV2_ERROR,        /* SSLv2 ERROR message */
	TLSHELLO_KIND_NOT_TLS,            /* "* OK", "+OK", "HTTP/" ... */
};

struct tlshello_result {
	enum tlshello_kind kind;
	uint16_t record_version; /* of the first record; 0x0002 for SSLv2 */

	/* Alert. kind ALERT: a fatal alert (or close_notify) came instead of
	 * a ServerHello. has_alert is also set for a warning alert before
	 * the ServerHello (parsing goes on; Apache's unrecognized_name) and
	 * for a fatal one after it (parsing stops, DONE). Last one wins. */
	bool has_alert;
	uint8_t alert_level;
	uint8_t alert_desc;

	/* ServerHello */
	uint16_t legacy_version; /* ServerHello.server_version */
	uint16_t version;        /* supported_versions if sent, else legacy */
	uint8_t server_random[32];
	bool hello_retry; /* TLS 1.3 HelloRetryRequest */
	/* Last 8 random bytes "DOWNGRD\1" (1: TLS1.2) or "DOWNGRD\0" (2:
	 * TLS1.1 or below): a TLS 1.3 server negotiating lower (RFC 8446
	 * 4.1.3). 0 = none. */
	uint8_t downgrade_sentinel;
	uint16_t cipher_suite;
	uint8_t compression; /* 0 null, 1 deflate */
	uint8_t session_id_len;
	unsigned ext_seen;      /* TLSHELLO_EXT_* */
	unsigned n_ext;         /* extensions in the ServerHello */
	uint8_t heartbeat_mode; /* 1 peer_allowed_to_send, 2 not allowed */
	uint16_t key_share_group;
	uint8_t ec_point_formats; /* bit n set: format n listed (n < 8) */
	uint8_t reneg_info_len;   /* renegotiated_connection length (0) */
	char alpn[256];           /* chosen protocol, raw peer bytes + NUL */
	uint8_t alpn_len;

	/* TLS <= 1.2 flight after the ServerHello */
	bool certificate_seen;
	unsigned cert_count;
	uint32_t cert_list_len;
	uint32_t first_cert_len;
	bool cert_status_seen;        /* CertificateStatus (stapled OCSP) */
	uint8_t cert_status_type;     /* 1 ocsp, 2 ocsp_multi */
	uint32_t cert_status_len;     /* OCSPResponse length */
	bool ske_seen;                /* ServerKeyExchange */
	unsigned dh_bits;             /* DHE: bit length of p */
	unsigned dh_g_len, dh_ys_len; /* DHE: byte lengths of g and Ys */
	uint8_t ecdh_curve_type;      /* ECDHE: 3 named, 1/2 explicit */
	uint16_t ecdh_curve;          /* ECDHE: named group id */
	bool ecdh_explicit;           /* ECDHE: explicit (non-named) curve */
	unsigned rsa_export_bits;     /* RSA_EXPORT: temporary modulus bits */
	uint16_t ske_sig_alg;         /* TLS 1.2 SignatureAndHashAlgorithm */
	bool cert_request_seen;       /* CertificateRequest */
	bool server_hello_done;

	/* SSLv2 */
	uint16_t sslv2_version;
	bool sslv2_session_id_hit;
	uint16_t sslv2_cert_len;
	unsigned sslv2_cipher_specs; /* count (specs length / 3) */
	uint32_t sslv2_specs[TLSHELLO_MAX_SSLV2_SPECS]; /* first ones */
	uint16_t sslv2_error;                           /* SSLv2 ERROR code */

	/* First bytes fed (evidence for NOT_TLS). */
	uint8_t prefix[32];
	uint8_t prefix_len;
};

/* About 17 KiB with no pointers to free: embed it in per-connection state
 * or allocate it, and re-init it to reuse it. */
struct tlshello_parser {
	struct tlshello_result r;
	const char *error; /* static text after TLSHELLO_ERROR */
	size_t total;      /* bytes consumed so far */

	/* internal */
	int state;
	int status;
	uint8_t hdr[5];
	size_t hdr_got;
	uint8_t rec_type;
	size_t rec_left;
	unsigned records;
	uint8_t hs_hdr[4];
	size_t hs_hdr_got;
	uint8_t hs_type;
	size_t hs_len, hs_got;
	bool tls13;
	uint8_t alert[2];
	size_t alert_got;
	/* Certificate walk */
	int cert_state;
	uint8_t cert_num[3];
	size_t cert_num_got;
	size_t cert_list_left, cert_left;
	uint8_t msg[TLSHELLO_BUF];
};

void tlshello_parser_init(struct tlshello_parser *p);
/* Consumes up to n bytes. Returns TLSHELLO_NEED_MORE until the result is
 * complete: a ServerHello and, for TLS <= 1.2, the flight up to
 * ServerHelloDone; for TLS 1.3 or a HelloRetryRequest right after the
 * ServerHello; an alert; an SSLv2 reply; NOT_TLS after the first byte(s).
 * Then TLSHELLO_DONE (bytes after the end are not consumed; p->total
 * counts what was). TLSHELLO_ERROR on malformed or oversized input, with
 * p->error set. Both are sticky: later calls return the same and consume
 * nothing. Any split of the input gives the same result. */
int tlshello_parser_feed(struct tlshello_parser *p, const uint8_t *data,
                         size_t n);

#endif
