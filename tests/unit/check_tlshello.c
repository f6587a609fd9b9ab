/*
 * TLS wire layer (scanner/tls/tlshello.h; the tables are in
 * check_tls_tables.c): the ClientHello builders decoded field by field;
 * the test servers' ClientHello parser (tests/servers/hello_parse.h); and
 * the server-flight parser on real captures (gnutls-serv
 * 3.7.9 and openssl s_server 3.0 on 127.0.0.1, answering this builder's
 * hellos) and on hand-built flights. Every parser case is replayed whole,
 * split at every byte, byte by byte and in chunks; shorter prefixes must
 * stay NEED_MORE; hostile lengths must give ERROR; random and mutated
 * input must never crash and must parse the same however it is split.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/tls/tlshello.h"
#include "tests/servers/hello_parse.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *tlshello_suite(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint16_t
be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static size_t
be24(const uint8_t *b)
{
	return (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
}

static void
make_seed(uint8_t seed[TLSHELLO_SEED_LEN])
{
	size_t i;

	for (i = 0; i < TLSHELLO_SEED_LEN; i++)
		seed[i] = (uint8_t)(i * 7 + 1);
}

/* ---- ClientHello builder -------------------------------------------- */

/* A ClientHello record split into its fields by a decoder that shares no
 * code with the library; every length is asserted consistent. */
struct hello_view {
	uint16_t record_version, client_version;
	const uint8_t *random;
	size_t sid_len;
	const uint8_t *suites;
	size_t suites_len;
	const uint8_t *comp;
	size_t ncomp;
	bool has_exts;
	size_t next;
	uint16_t type[64];
	const uint8_t *data[64];
	size_t len[64];
};

static void
decode_hello(const uint8_t *b, size_t n, struct hello_view *v)
{
	size_t off = 9, el;

	memset(v, 0, sizeof(*v));
	ck_assert_uint_ge(n, 9 + 2 + 32 + 1 + 2 + 2 + 2);
	ck_assert_uint_eq(b[0], 22);
	v->record_version = be16(b + 1);
	ck_assert_uint_eq(be16(b + 3), n - 5);
	ck_assert_uint_eq(b[5], 1);
	ck_assert_uint_eq(be24(b + 6), n - 9);
	v->client_version = be16(b + off);
	off += 2;
	v->random = b + off;
	off += 32;
	v->sid_len = b[off++];
	off += v->sid_len;
	v->suites_len = be16(b + off);
	off += 2;
	ck_assert_uint_eq(v->suites_len % 2, 0);
	ck_assert_uint_le(off + v->suites_len + 1, n);
	v->suites = b + off;
	off += v->suites_len;
	v->ncomp = b[off++];
	v->comp = b + off;
	off += v->ncomp;
	ck_assert_uint_le(off, n);
	if (off == n)
		return;
	v->has_exts = true;
	ck_assert_uint_le(off + 2, n);
	el = be16(b + off);
	off += 2;
	ck_assert_uint_eq(el, n - off);
	while (off < n) {
		ck_assert_uint_le(off + 4, n);
		ck_assert_uint_lt(v->next, ARRAY_LEN(v->type));
		v->type[v->next] = be16(b + off);
		v->len[v->next] = be16(b + off + 2);
		v->data[v->next] = b + off + 4;
		off += 4 + v->len[v->next];
		ck_assert_uint_le(off, n);
		v->next++;
	}
}

static int
find_ext(const struct hello_view *v, uint16_t type)
{
	size_t i;

	for (i = 0; i < v->next; i++)
		if (v->type[i] == type)
			return (int)i;
	return -1;
}

static const uint16_t some_suites[] = {0xc02f, 0xc030, 0x009e, 0x002f};

START_TEST(test_build_default)
{
	static const uint16_t want_types[] = {0,  5,  10, 11,    13,
	                                      22, 23, 35, 0xff01};
	static const uint8_t sni[] = {0x00, 0x13, 0x00, 0x00, 0x10, 'm', 'a',
	                              'i',  'l',  '.',  'e',  'x',  'a', 'm',
	                              'p',  'l',  'e',  '.',  'o',  'r', 'g'};
	static const uint8_t groups[] = {0x00, 0x0c, 0x00, 0x1d, 0x00,
	                                 0x17, 0x00, 0x18, 0x00, 0x19,
	                                 0x01, 0x00, 0x01, 0x01};
	static const uint8_t status[] = {1, 0, 0, 0, 0};
	static const uint8_t points[] = {3, 0, 1, 2};
	static const uint8_t suites_wire[] = {0xc0, 0x2f, 0xc0, 0x30,
	                                      0x00, 0x9e, 0x00, 0x2f};
	uint8_t seed[TLSHELLO_SEED_LEN], out[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = some_suites,
	    .nsuites = ARRAY_LEN(some_suites),
	    .sni = "mail.example.org",
	    .ext = TLSHELLO_EXT_DEFAULT,
	    .seed = seed,
	};
	struct hello_view v;
	size_t n, i;
	int e;
	bool sha1 = false, pss = false;

	make_seed(seed);
	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_uint_gt(n, 0);
	decode_hello(out, n, &v);
	ck_assert_uint_eq(v.record_version, 0x0301);
	ck_assert_uint_eq(v.client_version, 0x0303);
	ck_assert_mem_eq(v.random, seed, 32);
	ck_assert_uint_eq(v.sid_len, 0);
	ck_assert_uint_eq(v.suites_len, sizeof(suites_wire));
	ck_assert_mem_eq(v.suites, suites_wire, sizeof(suites_wire));
	ck_assert_uint_eq(v.ncomp, 1);
	ck_assert_uint_eq(v.comp[0], 0);
	ck_assert(v.has_exts);
	ck_assert_uint_eq(v.next, ARRAY_LEN(want_types));
	for (i = 0; i < v.next; i++)
		ck_assert_uint_eq(v.type[i], want_types[i]);

	ck_assert_uint_eq(v.len[0], sizeof(sni));
	ck_assert_mem_eq(v.data[0], sni, sizeof(sni));
	ck_assert_uint_eq(v.len[1], sizeof(status));
	ck_assert_mem_eq(v.data[1], status, sizeof(status));
	ck_assert_uint_eq(v.len[2], sizeof(groups));
	ck_assert_mem_eq(v.data[2], groups, sizeof(groups));
	ck_assert_uint_eq(v.len[3], sizeof(points));
	ck_assert_mem_eq(v.data[3], points, sizeof(points));
	/* signature_algorithms: consistent, broad, SHA-1 included */
	ck_assert_uint_eq(be16(v.data[4]), v.len[4] - 2);
	ck_assert_uint_ge(v.len[4], 2 + 2 * 20);
	for (i = 2; i < v.len[4]; i += 2) {
		sha1 |= be16(v.data[4] + i) == 0x0201;
		pss |= be16(v.data[4] + i) == 0x0804;
	}
	ck_assert(sha1 && pss);
	for (i = 5; i <= 7; i++)
		ck_assert_uint_eq(v.len[i], 0);
	e = find_ext(&v, 0xff01);
	ck_assert_uint_eq(v.len[e], 1);
	ck_assert_uint_eq(v.data[e][0], 0);
}
END_TEST

START_TEST(test_build_sni_rules)
{
	static const struct {
		const char *in, *wire; /* wire NULL: no server_name */
	} cases[] = {
	    {"192.0.2.1", NULL},
	    {"::1", NULL},
	    {"2001:db8::25", NULL},
	    {"[2001:db8::25]", NULL},
	    {"", NULL},
	    {"mail.example.org.", "mail.example.org"},
	    {"imap.example", "imap.example"},
	    {"10.example.org", "10.example.org"},
	};
	uint8_t out[2048];
	struct hello_view v;
	size_t i, n;
	int e;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct tlshello_params p = {
		    .client_version = TLS_VERSION_1_2,
		    .suites = some_suites,
		    .nsuites = 1,
		    .sni = cases[i].in,
		    .ext = TLSHELLO_EXT_EXTENDED_MASTER_SECRET,
		};

		n = tlshello_build(out, sizeof(out), &p);
		ck_assert_uint_gt(n, 0);
		decode_hello(out, n, &v);
		e = find_ext(&v, 0);
		if (!cases[i].wire) {
			ck_assert_msg(e < 0, "SNI sent for %s", cases[i].in);
			continue;
		}
		ck_assert_msg(e >= 0, "no SNI for %s", cases[i].in);
		ck_assert_uint_eq(v.len[e], 5 + strlen(cases[i].wire));
		ck_assert_uint_eq(be16(v.data[e]), v.len[e] - 2);
		ck_assert_uint_eq(v.data[e][2], 0);
		ck_assert_uint_eq(be16(v.data[e] + 3), strlen(cases[i].wire));
		ck_assert_mem_eq(v.data[e] + 5, cases[i].wire,
		                 strlen(cases[i].wire));
	}
	{ /* NULL SNI: the extension block holds EMS only */
		struct tlshello_params p = {
		    .client_version = TLS_VERSION_1_2,
		    .suites = some_suites,
		    .nsuites = 1,
		    .ext = TLSHELLO_EXT_EXTENDED_MASTER_SECRET,
		};

		n = tlshello_build(out, sizeof(out), &p);
		decode_hello(out, n, &v);
		ck_assert_uint_eq(v.next, 1);
		ck_assert_uint_eq(v.type[0], 23);
	}
}
END_TEST

/* gnutls.md 2.4: the SSLv3 hello that was tested, 92 bytes, no
 * extensions, 21 suites + the renegotiation SCSV. */
START_TEST(test_build_sslv3_layout)
{
	static const uint16_t s[] = {
	    0x000a, 0x0005, 0x0004, 0x002f, 0x0035, 0x0033, 0x0039,
	    0x0016, 0x0013, 0x0009, 0x0015, 0x0003, 0x0006, 0x0008,
	    0x0014, 0x0002, 0x0001, 0x0018, 0x0034, 0xc013, 0xc014};
	static const uint8_t head[] = {0x16, 0x03, 0x00, 0x00, 0x57, 0x01,
	                               0x00, 0x00, 0x53, 0x03, 0x00};
	static const uint8_t tail[] = {
	    0x00, 0x2c, 0x00, 0x0a, 0x00, 0x05, 0x00, 0x04, 0x00, 0x2f,
	    0x00, 0x35, 0x00, 0x33, 0x00, 0x39, 0x00, 0x16, 0x00, 0x13,
	    0x00, 0x09, 0x00, 0x15, 0x00, 0x03, 0x00, 0x06, 0x00, 0x08,
	    0x00, 0x14, 0x00, 0x02, 0x00, 0x01, 0x00, 0x18, 0x00, 0x34,
	    0xc0, 0x13, 0xc0, 0x14, 0x00, 0xff, 0x01, 0x00};
	uint8_t seed[TLSHELLO_SEED_LEN], out[512];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_SSL3,
	    .suites = s,
	    .nsuites = ARRAY_LEN(s),
	    .scsv_renegotiation = true,
	    .seed = seed,
	};
	size_t n;

	make_seed(seed);
	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_uint_eq(n, 92);
	ck_assert_mem_eq(out, head, sizeof(head));
	ck_assert_mem_eq(out + 11, seed, 32);
	ck_assert_uint_eq(out[43], 0); /* empty session id */
	ck_assert_mem_eq(out + 44, tail, sizeof(tail));
}
END_TEST

START_TEST(test_build_tls13)
{
	static const uint16_t s13[] = {0x1301, 0x1302, 0x1303};
	static const uint16_t v13[] = {0x0304};
	uint8_t seed[TLSHELLO_SEED_LEN], out[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = s13,
	    .nsuites = ARRAY_LEN(s13),
	    .ext = TLSHELLO_EXT_DEFAULT | TLSHELLO_EXT_SUPPORTED_VERSIONS |
	           TLSHELLO_EXT_KEY_SHARE,
	    .versions = v13,
	    .nversions = 1,
	    .seed = seed,
	};
	struct hello_view v;
	size_t n;
	int e;

	make_seed(seed);
	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_uint_gt(n, 0);
	decode_hello(out, n, &v);
	ck_assert_uint_eq(v.client_version, 0x0303);
	e = find_ext(&v, 43);
	ck_assert_int_ge(e, 0);
	ck_assert_uint_eq(v.len[e], 3);
	ck_assert_uint_eq(v.data[e][0], 2);
	ck_assert_uint_eq(be16(v.data[e] + 1), 0x0304);
	e = find_ext(&v, 51);
	ck_assert_int_ge(e, 0);
	ck_assert_uint_eq(v.len[e], 2 + 2 + 2 + 32);
	ck_assert_uint_eq(be16(v.data[e]), 36);
	ck_assert_uint_eq(be16(v.data[e] + 2), 0x001d);
	ck_assert_uint_eq(be16(v.data[e] + 4), 32);
	ck_assert_mem_eq(v.data[e] + 6, seed + 32, 32);

	/* default versions list: 1.3 then 1.2 */
	p.versions = NULL;
	n = tlshello_build(out, sizeof(out), &p);
	decode_hello(out, n, &v);
	e = find_ext(&v, 43);
	ck_assert_uint_eq(v.len[e], 5);
	ck_assert_uint_eq(be16(v.data[e] + 1), 0x0304);
	ck_assert_uint_eq(be16(v.data[e] + 3), 0x0303);

	/* secp256r1 share: 65 bytes, uncompressed-point marker */
	p.key_share_group = TLS_GROUP_SECP256R1;
	n = tlshello_build(out, sizeof(out), &p);
	decode_hello(out, n, &v);
	e = find_ext(&v, 51);
	ck_assert_uint_eq(be16(v.data[e] + 2), 0x0017);
	ck_assert_uint_eq(be16(v.data[e] + 4), 65);
	ck_assert_uint_eq(v.data[e][6], 4);

	p.key_share_group = 0x0100; /* no share format for FFDHE */
	ck_assert_uint_eq(tlshello_build(out, sizeof(out), &p), 0);
}
END_TEST

/* Each toggle on its own adds exactly its own extension. */
static const struct {
	unsigned bit;
	uint16_t type;
	size_t len; /* SIZE_MAX: not checked */
} toggles[] = {
    {TLSHELLO_EXT_TRUNCATED_HMAC, 4, 0},
    {TLSHELLO_EXT_STATUS_REQUEST, 5, 5},
    {TLSHELLO_EXT_SUPPORTED_GROUPS, 10, 14},
    {TLSHELLO_EXT_EC_POINT_FORMATS, 11, 4},
    {TLSHELLO_EXT_SIGNATURE_ALGORITHMS, 13, SIZE_MAX},
    {TLSHELLO_EXT_HEARTBEAT, 15, 1},
    {TLSHELLO_EXT_ENCRYPT_THEN_MAC, 22, 0},
    {TLSHELLO_EXT_EXTENDED_MASTER_SECRET, 23, 0},
    {TLSHELLO_EXT_SESSION_TICKET, 35, 0},
    {TLSHELLO_EXT_SUPPORTED_VERSIONS, 43, 5},
    {TLSHELLO_EXT_KEY_SHARE, 51, 38},
    {TLSHELLO_EXT_RENEGOTIATION_INFO, 0xff01, 1},
};

START_TEST(test_build_toggle)
{
	uint8_t out[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = some_suites,
	    .nsuites = ARRAY_LEN(some_suites),
	    .ext = toggles[_i].bit,
	};
	struct hello_view v;
	size_t n;

	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_uint_gt(n, 0);
	decode_hello(out, n, &v);
	ck_assert_uint_eq(v.next, 1);
	ck_assert_uint_eq(v.type[0], toggles[_i].type);
	if (toggles[_i].len != SIZE_MAX)
		ck_assert_uint_eq(v.len[0], toggles[_i].len);
	ck_assert_int_eq(tlshello_ext_type(toggles[_i].bit), toggles[_i].type);
	if (toggles[_i].bit == TLSHELLO_EXT_HEARTBEAT)
		ck_assert_uint_eq(v.data[0][0], 1);

	/* and everything but it leaves it out */
	p.ext = (TLSHELLO_EXT_DEFAULT | TLSHELLO_EXT_HEARTBEAT |
	         TLSHELLO_EXT_TRUNCATED_HMAC | TLSHELLO_EXT_SUPPORTED_VERSIONS |
	         TLSHELLO_EXT_KEY_SHARE) &
	        ~toggles[_i].bit;
	n = tlshello_build(out, sizeof(out), &p);
	decode_hello(out, n, &v);
	ck_assert_int_lt(find_ext(&v, toggles[_i].type), 0);
	ck_assert_uint_eq(v.next, 11);
}
END_TEST

START_TEST(test_build_no_extensions)
{
	uint8_t out[512];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_0,
	    .suites = some_suites,
	    .nsuites = 2,
	    .ext = TLSHELLO_EXT_OTHER | TLSHELLO_EXT_MAX_FRAGMENT_LENGTH,
	    .sni = "127.0.0.1",
	};
	struct hello_view v;
	size_t n = tlshello_build(out, sizeof(out), &p);

	decode_hello(out, n, &v);
	ck_assert(!v.has_exts);
	ck_assert_uint_eq(n, 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
	ck_assert_uint_eq(v.record_version, 0x0301);
	ck_assert_uint_eq(v.client_version, 0x0301);
}
END_TEST

START_TEST(test_build_groups_scsv_deflate_alpn)
{
	static const uint16_t ec_only[] = {0x0017, 0x0018};
	static const char *const alpn[] = {"imap", "http/1.1"};
	static const uint8_t alpn_wire[] = {0x00, 0x0e, 4,   'i', 'm', 'a',
	                                    'p',  8,    'h', 't', 't', 'p',
	                                    '/',  '1',  '.', '1'};
	uint8_t out[2048];
	struct tlshello_params p = {
	    .record_version = 0x0303,
	    .client_version = TLS_VERSION_1_1,
	    .suites = some_suites,
	    .nsuites = 1,
	    .scsv_renegotiation = true,
	    .scsv_fallback = true,
	    .compression_deflate = true,
	    .ext = TLSHELLO_EXT_SUPPORTED_GROUPS | TLSHELLO_EXT_ALPN,
	    .groups = ec_only,
	    .ngroups = ARRAY_LEN(ec_only),
	    .alpn = alpn,
	    .nalpn = ARRAY_LEN(alpn),
	};
	struct hello_view v;
	size_t n;
	int e;

	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_uint_gt(n, 0);
	decode_hello(out, n, &v);
	ck_assert_uint_eq(v.record_version, 0x0303);
	ck_assert_uint_eq(v.client_version, 0x0302);
	ck_assert_uint_eq(v.suites_len, 6);
	ck_assert_uint_eq(be16(v.suites + 2), 0x00ff);
	ck_assert_uint_eq(be16(v.suites + 4), 0x5600);
	ck_assert_uint_eq(v.ncomp, 2);
	ck_assert_uint_eq(v.comp[0], 1);
	ck_assert_uint_eq(v.comp[1], 0);
	e = find_ext(&v, 10);
	ck_assert_uint_eq(v.len[e], 6);
	ck_assert_uint_eq(be16(v.data[e] + 2), 0x0017);
	ck_assert_uint_eq(be16(v.data[e] + 4), 0x0018);
	e = find_ext(&v, 16);
	ck_assert_uint_eq(v.len[e], sizeof(alpn_wire));
	ck_assert_mem_eq(v.data[e], alpn_wire, sizeof(alpn_wire));

	p.nalpn = 0; /* the ALPN toggle needs names */
	ck_assert_uint_eq(tlshello_build(out, sizeof(out), &p), 0);
}
END_TEST

START_TEST(test_build_padding)
{
	uint16_t many[200];
	uint8_t out[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = many,
	    .ext = TLSHELLO_EXT_DEFAULT,
	};
	struct hello_view v;
	size_t i, n, plain;
	unsigned in_range = 0;

	for (i = 0; i < ARRAY_LEN(many); i++)
		many[i] = (uint16_t)(0xc000 + i);
	for (p.nsuites = 1; p.nsuites <= ARRAY_LEN(many); p.nsuites++) {
		p.ext = TLSHELLO_EXT_DEFAULT;
		plain = tlshello_build(out, sizeof(out), &p) - 5;
		p.ext |= TLSHELLO_EXT_PADDING;
		n = tlshello_build(out, sizeof(out), &p);
		decode_hello(out, n, &v);
		if (plain >= 256 && plain < 512) {
			in_range++;
			ck_assert_uint_ge(n - 5, 512);
			ck_assert_uint_le(n - 5, 512 + 4);
			ck_assert_uint_eq(v.type[v.next - 1], 21);
		} else {
			ck_assert_uint_eq(n - 5, plain);
			ck_assert_int_lt(find_ext(&v, 21), 0);
		}
	}
	ck_assert_uint_gt(in_range, 100);
}
END_TEST

START_TEST(test_build_invalid)
{
	uint8_t out[2048];
	char longname[300];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = some_suites,
	    .nsuites = ARRAY_LEN(some_suites),
	    .ext = TLSHELLO_EXT_DEFAULT,
	    .sni = "mail.example.org",
	};
	size_t n = tlshello_build(out, sizeof(out), &p);

	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(tlshello_build(out, n - 1, &p), 0);
	ck_assert_uint_eq(tlshello_build(out, n, &p), n);
	ck_assert_uint_eq(tlshello_build(out, 0, &p), 0);
	p.client_version = TLS_VERSION_1_3; /* use supported_versions */
	ck_assert_uint_eq(tlshello_build(out, sizeof(out), &p), 0);
	p.client_version = 0x0200;
	ck_assert_uint_eq(tlshello_build(out, sizeof(out), &p), 0);
	p.client_version = TLS_VERSION_1_2;
	p.nsuites = 0;
	ck_assert_uint_eq(tlshello_build(out, sizeof(out), &p), 0);
	p.nsuites = 1;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	p.sni = longname;
	ck_assert_uint_eq(tlshello_build(out, sizeof(out), &p), 0);
}
END_TEST

/* gnutls.md 2.4: the SSLv2 CLIENT-HELLO that was tested. */
START_TEST(test_build_sslv2)
{
	static const uint8_t want[32] = {
	    0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10,
	    0x01, 0x00, 0x80, 0x02, 0x00, 0x80, 0x03, 0x00, 0x80, 0x04, 0x00,
	    0x80, 0x05, 0x00, 0x80, 0x06, 0x00, 0x40, 0x07, 0x00, 0xc0};
	uint8_t seed[TLSHELLO_SEED_LEN], out[64];
	static struct tlshello_client_hello ch;

	make_seed(seed);
	ck_assert_uint_eq(tlshello_build_sslv2(out, 47, seed), 0);
	ck_assert_uint_eq(tlshello_build_sslv2(out, sizeof(out), seed), 48);
	ck_assert_mem_eq(out, want, sizeof(want));
	ck_assert_mem_eq(out + 32, seed, 16);

	ck_assert_int_eq(tlshello_parse_client_hello(out, 48, &ch),
	                 TLSHELLO_DONE);
	ck_assert(ch.sslv2);
	ck_assert_uint_eq(ch.client_version, 0x0002);
	ck_assert_uint_eq(ch.nsslv2_specs, 7);
	ck_assert_uint_eq(ch.sslv2_specs[0], 0x010080);
	ck_assert_uint_eq(ch.sslv2_specs[6], 0x0700c0);
	ck_assert_uint_eq(ch.nsuites, 0);
	ck_assert_uint_eq(ch.consumed, 48);
	ck_assert_mem_eq(ch.random + 16, seed, 16);
	ck_assert_int_eq(tlshello_parse_client_hello(out, 47, &ch),
	                 TLSHELLO_NEED_MORE);

	ck_assert_uint_eq(tlshello_build_sslv2(out, sizeof(out), NULL), 48);
	ck_assert_uint_eq(out[47], 0);
}
END_TEST

/* ---- ClientHello parser ---------------------------------------------- */

START_TEST(test_client_hello_roundtrip)
{
	static const uint16_t v13[] = {0x0304, 0x0303, 0x0a0a};
	static const char *const alpn[] = {"pop3", "imap"};
	static struct tlshello_client_hello ch;
	static uint8_t recs[4096];
	uint8_t seed[TLSHELLO_SEED_LEN], out[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = some_suites,
	    .nsuites = ARRAY_LEN(some_suites),
	    .scsv_fallback = true,
	    .compression_deflate = true,
	    .sni = "mail.example.org.",
	    .ext = TLSHELLO_EXT_DEFAULT | TLSHELLO_EXT_HEARTBEAT |
	           TLSHELLO_EXT_ALPN | TLSHELLO_EXT_SUPPORTED_VERSIONS |
	           TLSHELLO_EXT_KEY_SHARE | TLSHELLO_EXT_TRUNCATED_HMAC |
	           TLSHELLO_EXT_PADDING,
	    .alpn = alpn,
	    .nalpn = 2,
	    .versions = v13,
	    .nversions = ARRAY_LEN(v13),
	    .seed = seed,
	};
	size_t n, i, off, frag, rn;

	make_seed(seed);
	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(tlshello_parse_client_hello(out, n, &ch),
	                 TLSHELLO_DONE);
	ck_assert(!ch.sslv2);
	ck_assert_uint_eq(ch.consumed, n);
	ck_assert_uint_eq(ch.record_version, 0x0301);
	ck_assert_uint_eq(ch.client_version, 0x0303);
	ck_assert_uint_eq(ch.max_version, 0x0304);
	ck_assert_mem_eq(ch.random, seed, 32);
	ck_assert_uint_eq(ch.nsuites, 5);
	ck_assert_uint_eq(ch.suites[4], 0x5600);
	ck_assert(ch.comp_null && ch.comp_deflate);
	ck_assert_str_eq(ch.sni, "mail.example.org");
	ck_assert_uint_eq(ch.ext_seen, p.ext | TLSHELLO_EXT_SERVER_NAME);
	ck_assert_uint_eq(ch.ngroups, 6);
	ck_assert_uint_eq(ch.groups[4], 0x0100);
	ck_assert_uint_eq(ch.nversions, 3);
	ck_assert_uint_eq(ch.nkey_shares, 1);
	ck_assert_uint_eq(ch.key_share_groups[0], 0x001d);
	ck_assert_uint_gt(ch.nsig_algs, 20);
	ck_assert_uint_eq(ch.heartbeat_mode, 1);
	ck_assert_uint_eq(ch.nalpn, 2);
	ck_assert_str_eq(ch.alpn_first, "pop3");
	ck_assert_uint_eq(ch.length, n - 9);

	/* every prefix: NEED_MORE */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tlshello_parse_client_hello(out, i, &ch),
		                 TLSHELLO_NEED_MORE);

	/* the same hello in fragments of every size across records */
	for (frag = 1; frag <= 64; frag++) {
		rn = 0;
		for (off = 9 - 4; off < n; off += frag) {
			size_t k = n - off < frag ? n - off : frag;

			recs[rn++] = 22;
			recs[rn++] = 3;
			recs[rn++] = 1;
			recs[rn++] = (uint8_t)(k >> 8);
			recs[rn++] = (uint8_t)k;
			memcpy(recs + rn, out + off, k);
			rn += k;
		}
		ck_assert_int_eq(tlshello_parse_client_hello(recs, rn, &ch),
		                 TLSHELLO_DONE);
		ck_assert_uint_eq(ch.consumed, rn);
		ck_assert_str_eq(ch.sni, "mail.example.org");
		ck_assert_uint_eq(ch.max_version, 0x0304);
		ck_assert_int_eq(tlshello_parse_client_hello(recs, rn - 1, &ch),
		                 TLSHELLO_NEED_MORE);
	}

	/* an empty client_shares list asks for a HelloRetryRequest */
	p.key_share_empty = true;
	n = tlshello_build(out, sizeof(out), &p);
	ck_assert_int_eq(tlshello_parse_client_hello(out, n, &ch),
	                 TLSHELLO_DONE);
	ck_assert(ch.ext_seen & TLSHELLO_EXT_KEY_SHARE);
	ck_assert_uint_eq(ch.nkey_shares, 0);
	ck_assert_uint_eq(ch.ngroups, 6);
}
END_TEST

START_TEST(test_client_hello_hostile)
{
	static struct tlshello_client_hello ch;
	uint8_t out[2048], bad[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = some_suites,
	    .nsuites = ARRAY_LEN(some_suites),
	    .ext = TLSHELLO_EXT_DEFAULT,
	    .sni = "x.example",
	};
	size_t n = tlshello_build(out, sizeof(out), &p);

	/* not a handshake record, not a ClientHello */
	memcpy(bad, out, n);
	bad[0] = 23;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	memcpy(bad, out, n);
	bad[5] = 2;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	/* record length 0xffff, 0 */
	memcpy(bad, out, n);
	bad[3] = bad[4] = 0xff;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	bad[3] = bad[4] = 0;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	/* handshake length 16 MiB */
	memcpy(bad, out, n);
	bad[6] = bad[7] = bad[8] = 0xff;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	/* extensions length one too long */
	memcpy(bad, out, n);
	bad[9 + 2 + 32 + 1 + 2 + 8 + 2]++;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	/* SNI list length beyond the extension */
	memcpy(bad, out, n);
	bad[9 + 2 + 32 + 1 + 2 + 8 + 2 + 2 + 4 + 1] = 0xff;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	/* cipher_suites odd length */
	memcpy(bad, out, n);
	bad[9 + 2 + 32 + 1 + 1] = 7;
	ck_assert_int_eq(tlshello_parse_client_hello(bad, n, &ch),
	                 TLSHELLO_ERROR);
	ck_assert_ptr_nonnull(ch.error);
}
END_TEST

/* ---- server-flight parser: real captures ------------------------------ */

/* Captured on 127.0.0.1 with this builder's hellos (seed 1, 8, 15, ...). */
/* gnutls-serv 3.7.9, NORMAL:-VERS-ALL:+VERS-TLS1.2, ECDSA P-256 certificate;
 * one record per message (673 bytes) */
static const uint8_t cap_gnutls_ecdhe12[] = {
    0x16, 0x03, 0x03, 0x00, 0x5f, 0x02, 0x00, 0x00, 0x5b, 0x03, 0x03, 0x59,
    0xa4, 0x7d, 0xdf, 0x8d, 0x90, 0xb6, 0xb3, 0x3b, 0x63, 0xbe, 0x06, 0xef,
    0xd2, 0x7c, 0xa3, 0x44, 0x69, 0x59, 0x44, 0x97, 0x4a, 0x59, 0xd2, 0x33,
    0x18, 0xf3, 0xe1, 0xdc, 0x6a, 0xf9, 0xaa, 0x20, 0x3f, 0x9d, 0x5a, 0x38,
    0x5e, 0x9d, 0xe3, 0x23, 0x4f, 0x5b, 0x0d, 0x4f, 0x59, 0x96, 0x1e, 0x68,
    0x7d, 0x27, 0x78, 0x8f, 0xa4, 0x99, 0xf1, 0x77, 0x2c, 0xb0, 0xf8, 0xf0,
    0x69, 0x8b, 0x3d, 0xfb, 0xc0, 0x2b, 0x00, 0x00, 0x13, 0x00, 0x0b, 0x00,
    0x02, 0x01, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0xff,
    0x01, 0x00, 0x01, 0x00, 0x16, 0x03, 0x03, 0x01, 0x87, 0x0b, 0x00, 0x01,
    0x83, 0x00, 0x01, 0x80, 0x00, 0x01, 0x7d, 0x30, 0x82, 0x01, 0x79, 0x30,
    0x82, 0x01, 0x1f, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x14, 0x65, 0x07,
    0x1a, 0xf4, 0x68, 0x5d, 0xa0, 0xdd, 0xcb, 0x4b, 0x1b, 0xd9, 0x04, 0x3b,
    0x59, 0xde, 0xa5, 0xc2, 0x50, 0x48, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x12, 0x31, 0x10, 0x30, 0x0e,
    0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07, 0x74, 0x6c, 0x73, 0x73, 0x74,
    0x75, 0x62, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x36,
    0x31, 0x39, 0x31, 0x39, 0x33, 0x33, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31,
    0x31, 0x32, 0x33, 0x31, 0x39, 0x31, 0x39, 0x33, 0x33, 0x5a, 0x30, 0x12,
    0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07, 0x74,
    0x6c, 0x73, 0x73, 0x74, 0x75, 0x62, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0x93, 0x6d, 0xc1,
    0x41, 0xd4, 0x51, 0x23, 0x59, 0xbd, 0x95, 0x0c, 0xb3, 0x90, 0x7f, 0xb9,
    0x27, 0xe0, 0x1f, 0xa8, 0x2f, 0xa5, 0xce, 0x95, 0x53, 0xce, 0x26, 0x95,
    0x98, 0xd1, 0x06, 0x88, 0xd0, 0x0c, 0x67, 0x5e, 0x69, 0x4c, 0x12, 0x17,
    0xb9, 0xc6, 0xc4, 0xdf, 0x25, 0x0a, 0x2d, 0x01, 0xe7, 0xff, 0xa5, 0x17,
    0x38, 0x45, 0x69, 0xcc, 0xed, 0xa5, 0x1d, 0xd4, 0xa8, 0x88, 0x0d, 0xa1,
    0xe8, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e,
    0x04, 0x16, 0x04, 0x14, 0x72, 0xcb, 0xe9, 0x30, 0x40, 0xe5, 0x60, 0xda,
    0x3e, 0x9c, 0x0b, 0x38, 0x9a, 0x53, 0x4e, 0x86, 0x5e, 0x47, 0x71, 0xaa,
    0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80,
    0x14, 0x72, 0xcb, 0xe9, 0x30, 0x40, 0xe5, 0x60, 0xda, 0x3e, 0x9c, 0x0b,
    0x38, 0x9a, 0x53, 0x4e, 0x86, 0x5e, 0x47, 0x71, 0xaa, 0x30, 0x0f, 0x06,
    0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01,
    0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
    0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45, 0x02, 0x21, 0x00, 0x82, 0xda,
    0x63, 0xbf, 0x88, 0x85, 0x24, 0xb7, 0x96, 0xaf, 0xc7, 0x00, 0x0c, 0xa6,
    0x0b, 0x22, 0x3d, 0x1e, 0x76, 0x17, 0x8c, 0x8d, 0xed, 0xac, 0x1f, 0x9e,
    0xa8, 0x9a, 0x43, 0x27, 0x48, 0x26, 0x02, 0x20, 0x0a, 0x05, 0x56, 0x2d,
    0xe1, 0x3f, 0xde, 0xea, 0xf9, 0x78, 0x1d, 0x87, 0xa8, 0x62, 0x45, 0x81,
    0xf9, 0x3e, 0xdf, 0xba, 0xf4, 0xeb, 0xad, 0x75, 0x7b, 0x04, 0xea, 0x36,
    0x3c, 0x1f, 0xad, 0xe5, 0x16, 0x03, 0x03, 0x00, 0x73, 0x0c, 0x00, 0x00,
    0x6f, 0x03, 0x00, 0x1d, 0x20, 0x38, 0x1e, 0xce, 0xda, 0xfc, 0x90, 0xc1,
    0x70, 0x70, 0x23, 0xbf, 0xe3, 0xa7, 0x21, 0x5a, 0x12, 0xe8, 0xa7, 0xd7,
    0x0e, 0xbb, 0xd4, 0xc4, 0xdb, 0xdd, 0x19, 0xb2, 0x11, 0xf6, 0x6e, 0xd8,
    0x2c, 0x04, 0x03, 0x00, 0x47, 0x30, 0x45, 0x02, 0x20, 0x50, 0xbf, 0x06,
    0xeb, 0xc4, 0x64, 0x4c, 0x50, 0x88, 0x75, 0x92, 0xcb, 0xce, 0xb6, 0xe1,
    0x4e, 0xd7, 0x74, 0x16, 0x11, 0xa8, 0xe3, 0x24, 0x13, 0x7d, 0x7b, 0x0d,
    0x2e, 0x90, 0x54, 0x44, 0x65, 0x02, 0x21, 0x00, 0xdf, 0x59, 0x20, 0x50,
    0xb5, 0x9e, 0x74, 0x4d, 0xdb, 0x70, 0xcc, 0x23, 0xe7, 0xac, 0x79, 0xce,
    0x71, 0x9b, 0x0e, 0xe9, 0x63, 0x47, 0xfa, 0x5b, 0x4f, 0x17, 0x8c, 0xa4,
    0x04, 0x18, 0x2c, 0x10, 0x16, 0x03, 0x03, 0x00, 0x2b, 0x0d, 0x00, 0x00,
    0x27, 0x02, 0x01, 0x40, 0x00, 0x20, 0x04, 0x01, 0x08, 0x09, 0x08, 0x04,
    0x04, 0x03, 0x08, 0x07, 0x05, 0x01, 0x08, 0x0a, 0x08, 0x05, 0x05, 0x03,
    0x08, 0x08, 0x06, 0x01, 0x08, 0x0b, 0x08, 0x06, 0x06, 0x03, 0x02, 0x01,
    0x02, 0x03, 0x00, 0x00, 0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00,
    0x00,
};

/* gnutls-serv --alpn imap --heartbeat --ocsp-response (670-byte OCSP response),
 * leaf + CA chain; client offered every TLS 1.2 suite, ALPN imap/http/1.1,
 * heartbeat (1671 bytes) */
static const uint8_t cap_gnutls_full12[] = {
    0x16, 0x03, 0x03, 0x00, 0x77, 0x02, 0x00, 0x00, 0x73, 0x03, 0x03, 0xcd,
    0x81, 0xcc, 0xf3, 0x31, 0x05, 0x62, 0x35, 0xce, 0x25, 0x20, 0x5f, 0xbb,
    0x5a, 0x3d, 0x14, 0xd1, 0xae, 0xdd, 0x06, 0x28, 0xa4, 0x66, 0x89, 0xc5,
    0xaa, 0x1f, 0xc8, 0x72, 0x0b, 0xe3, 0xb5, 0x20, 0x12, 0x97, 0x8c, 0x97,
    0x49, 0x2a, 0x76, 0x31, 0x2e, 0x64, 0xc9, 0x67, 0xe5, 0xe4, 0x81, 0xdd,
    0xf3, 0xf4, 0xa6, 0xc9, 0x5b, 0x22, 0x96, 0x8a, 0x9c, 0x84, 0x26, 0x3b,
    0xab, 0xaf, 0x0f, 0x07, 0xc0, 0x09, 0x00, 0x00, 0x2b, 0x00, 0x05, 0x00,
    0x00, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00, 0x0f, 0x00, 0x01, 0x01,
    0x00, 0x10, 0x00, 0x07, 0x00, 0x05, 0x04, 0x69, 0x6d, 0x61, 0x70, 0x00,
    0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0xff,
    0x01, 0x00, 0x01, 0x00, 0x16, 0x03, 0x03, 0x02, 0xaa, 0x0b, 0x00, 0x02,
    0xa6, 0x00, 0x02, 0xa3, 0x00, 0x01, 0x22, 0x30, 0x82, 0x01, 0x1e, 0x30,
    0x81, 0xc6, 0x02, 0x14, 0x0c, 0x04, 0x64, 0x2c, 0xe4, 0x9e, 0x91, 0x90,
    0x45, 0x8d, 0xa0, 0x89, 0x57, 0xd8, 0x73, 0x9b, 0x82, 0x6b, 0x7a, 0xf3,
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
    0x06, 0x73, 0x74, 0x75, 0x62, 0x63, 0x61, 0x30, 0x1e, 0x17, 0x0d, 0x32,
    0x36, 0x31, 0x31, 0x32, 0x36, 0x31, 0x39, 0x31, 0x39, 0x35, 0x34, 0x5a,
    0x17, 0x0d, 0x33, 0x36, 0x31, 0x31, 0x32, 0x33, 0x31, 0x39, 0x31, 0x39,
    0x35, 0x34, 0x5a, 0x30, 0x14, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55,
    0x04, 0x03, 0x0c, 0x09, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73,
    0x74, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
    0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    0x03, 0x42, 0x00, 0x04, 0xf6, 0x34, 0x9d, 0xc6, 0x5a, 0xbf, 0xee, 0x40,
    0x44, 0xf1, 0xa0, 0xa9, 0x5d, 0xe8, 0x21, 0x11, 0x76, 0xdc, 0x2c, 0xe9,
    0x92, 0x49, 0x63, 0x93, 0xab, 0xb1, 0x6f, 0xbf, 0x14, 0x79, 0x8b, 0x2a,
    0x6e, 0x36, 0x83, 0x9b, 0x64, 0x07, 0x98, 0x0d, 0x5f, 0x57, 0x0e, 0x39,
    0x7e, 0x65, 0x72, 0x1e, 0xad, 0xc6, 0x43, 0x17, 0xdc, 0xce, 0xf7, 0xbb,
    0xe4, 0x88, 0xbe, 0x72, 0xcf, 0x60, 0xe2, 0x49, 0x30, 0x0a, 0x06, 0x08,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x47, 0x00, 0x30,
    0x44, 0x02, 0x20, 0x71, 0xfe, 0x3a, 0x55, 0x2e, 0xce, 0x2b, 0x4f, 0xd7,
    0xec, 0xba, 0xec, 0xec, 0x3f, 0x8c, 0x1f, 0xf1, 0x90, 0xe5, 0x4c, 0xc8,
    0xe7, 0x56, 0xa4, 0x45, 0x10, 0x27, 0x61, 0x30, 0x5b, 0xff, 0x1f, 0x02,
    0x20, 0x12, 0x73, 0x04, 0x74, 0x4d, 0x58, 0x83, 0xf0, 0x6f, 0xa5, 0xed,
    0xd2, 0x74, 0x7a, 0xa5, 0x04, 0x1c, 0xbd, 0x0f, 0xe2, 0xfd, 0x63, 0x1d,
    0x42, 0xd1, 0x39, 0xd1, 0x96, 0x55, 0xd5, 0xe5, 0x34, 0x00, 0x01, 0x7b,
    0x30, 0x82, 0x01, 0x77, 0x30, 0x82, 0x01, 0x1d, 0xa0, 0x03, 0x02, 0x01,
    0x02, 0x02, 0x14, 0x7b, 0xf9, 0xaa, 0xe1, 0xee, 0x38, 0x74, 0x9c, 0x72,
    0x04, 0x7c, 0xd2, 0x99, 0x62, 0x96, 0xd7, 0x73, 0x19, 0xdc, 0x78, 0x30,
    0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30,
    0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x06,
    0x73, 0x74, 0x75, 0x62, 0x63, 0x61, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36,
    0x31, 0x31, 0x32, 0x36, 0x31, 0x39, 0x31, 0x39, 0x35, 0x34, 0x5a, 0x17,
    0x0d, 0x33, 0x36, 0x31, 0x31, 0x32, 0x33, 0x31, 0x39, 0x31, 0x39, 0x35,
    0x34, 0x5a, 0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04,
    0x03, 0x0c, 0x06, 0x73, 0x74, 0x75, 0x62, 0x63, 0x61, 0x30, 0x59, 0x30,
    0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    0xef, 0x99, 0xf2, 0xb2, 0x3a, 0x65, 0xe7, 0xb8, 0xcc, 0x89, 0x17, 0x78,
    0x53, 0x53, 0x3b, 0x50, 0x8c, 0xbf, 0xe0, 0xd9, 0x5c, 0x8e, 0x1f, 0x34,
    0x51, 0x9c, 0x79, 0x67, 0xde, 0x8d, 0xb5, 0x50, 0x49, 0x35, 0x1b, 0x1e,
    0xc8, 0xd4, 0xa3, 0x3e, 0xb3, 0x7d, 0x54, 0xba, 0xc2, 0x61, 0xfa, 0x00,
    0xfb, 0x23, 0x25, 0x98, 0x9a, 0x84, 0xf8, 0x7e, 0x28, 0x02, 0x21, 0x59,
    0x1d, 0x6b, 0x2c, 0x0f, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d, 0x06, 0x03,
    0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xec, 0x9a, 0x4e, 0x42, 0x3b,
    0xbb, 0xef, 0x25, 0x4e, 0x60, 0xf2, 0xed, 0xd2, 0x6f, 0xd9, 0x18, 0xf5,
    0x19, 0xc8, 0xc2, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18,
    0x30, 0x16, 0x80, 0x14, 0xec, 0x9a, 0x4e, 0x42, 0x3b, 0xbb, 0xef, 0x25,
    0x4e, 0x60, 0xf2, 0xed, 0xd2, 0x6f, 0xd9, 0x18, 0xf5, 0x19, 0xc8, 0xc2,
    0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05,
    0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45, 0x02, 0x20,
    0x0e, 0x22, 0xbd, 0xd7, 0x8b, 0xa2, 0x0d, 0x3d, 0x6f, 0x9b, 0xe8, 0x16,
    0x86, 0xc1, 0x8a, 0x54, 0xd2, 0x07, 0xe9, 0xea, 0xb4, 0x06, 0x94, 0xf0,
    0x56, 0x00, 0x7a, 0x9c, 0xbb, 0x2e, 0xda, 0x8e, 0x02, 0x21, 0x00, 0xd5,
    0x4e, 0x06, 0xce, 0xf7, 0x04, 0xd7, 0x39, 0xa8, 0x1b, 0x0b, 0xff, 0x34,
    0x22, 0x50, 0x2c, 0x38, 0x3f, 0x05, 0x9c, 0x3d, 0xd6, 0x73, 0xc0, 0xd8,
    0x16, 0xf9, 0x62, 0xc3, 0x0f, 0x3d, 0x38, 0x16, 0x03, 0x03, 0x02, 0xa6,
    0x16, 0x00, 0x02, 0xa2, 0x01, 0x00, 0x02, 0x9e, 0x30, 0x82, 0x02, 0x9a,
    0x0a, 0x01, 0x00, 0xa0, 0x82, 0x02, 0x93, 0x30, 0x82, 0x02, 0x8f, 0x06,
    0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01, 0x04, 0x82,
    0x02, 0x80, 0x30, 0x82, 0x02, 0x7c, 0x30, 0x81, 0x9f, 0xa1, 0x13, 0x30,
    0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x06,
    0x73, 0x74, 0x75, 0x62, 0x63, 0x61, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x36,
    0x31, 0x31, 0x32, 0x36, 0x31, 0x39, 0x31, 0x39, 0x35, 0x34, 0x5a, 0x30,
    0x77, 0x30, 0x75, 0x30, 0x4d, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03,
    0x02, 0x1a, 0x05, 0x00, 0x04, 0x14, 0x7d, 0x1c, 0xf0, 0xb3, 0x55, 0x7f,
    0x3b, 0xd2, 0x01, 0x03, 0xd9, 0x60, 0xa6, 0x4c, 0x80, 0xa3, 0xc9, 0xc4,
    0x2c, 0x6e, 0x04, 0x14, 0xec, 0x9a, 0x4e, 0x42, 0x3b, 0xbb, 0xef, 0x25,
    0x4e, 0x60, 0xf2, 0xed, 0xd2, 0x6f, 0xd9, 0x18, 0xf5, 0x19, 0xc8, 0xc2,
    0x02, 0x14, 0x0c, 0x04, 0x64, 0x2c, 0xe4, 0x9e, 0x91, 0x90, 0x45, 0x8d,
    0xa0, 0x89, 0x57, 0xd8, 0x73, 0x9b, 0x82, 0x6b, 0x7a, 0xf3, 0x80, 0x00,
    0x18, 0x0f, 0x32, 0x30, 0x32, 0x36, 0x31, 0x31, 0x32, 0x36, 0x31, 0x39,
    0x31, 0x39, 0x35, 0x34, 0x5a, 0xa0, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x33,
    0x36, 0x31, 0x31, 0x32, 0x33, 0x31, 0x39, 0x31, 0x39, 0x35, 0x34, 0x5a,
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    0x03, 0x49, 0x00, 0x30, 0x46, 0x02, 0x21, 0x00, 0xfa, 0x1a, 0x62, 0x98,
    0xb3, 0x8e, 0x5c, 0x9c, 0xab, 0x13, 0x7f, 0x20, 0x47, 0xe5, 0x38, 0x7f,
    0xc4, 0x86, 0xa2, 0x80, 0x72, 0x77, 0x36, 0xf2, 0xb4, 0x7a, 0xa6, 0x4b,
    0x58, 0xd1, 0xd0, 0xb4, 0x02, 0x21, 0x00, 0x9f, 0x50, 0xf5, 0x38, 0x27,
    0xf5, 0x9e, 0x2d, 0x04, 0x6d, 0xe6, 0x4c, 0x02, 0x6a, 0xe6, 0xf0, 0x15,
    0xee, 0xe5, 0x4a, 0x69, 0x62, 0x31, 0x07, 0x2f, 0x8b, 0x16, 0x4c, 0xd2,
    0xa8, 0x70, 0x68, 0xa0, 0x82, 0x01, 0x7f, 0x30, 0x82, 0x01, 0x7b, 0x30,
    0x82, 0x01, 0x77, 0x30, 0x82, 0x01, 0x1d, 0xa0, 0x03, 0x02, 0x01, 0x02,
    0x02, 0x14, 0x7b, 0xf9, 0xaa, 0xe1, 0xee, 0x38, 0x74, 0x9c, 0x72, 0x04,
    0x7c, 0xd2, 0x99, 0x62, 0x96, 0xd7, 0x73, 0x19, 0xdc, 0x78, 0x30, 0x0a,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x11,
    0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x06, 0x73,
    0x74, 0x75, 0x62, 0x63, 0x61, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31,
    0x31, 0x32, 0x36, 0x31, 0x39, 0x31, 0x39, 0x35, 0x34, 0x5a, 0x17, 0x0d,
    0x33, 0x36, 0x31, 0x31, 0x32, 0x33, 0x31, 0x39, 0x31, 0x39, 0x35, 0x34,
    0x5a, 0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x0c, 0x06, 0x73, 0x74, 0x75, 0x62, 0x63, 0x61, 0x30, 0x59, 0x30, 0x13,
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xef,
    0x99, 0xf2, 0xb2, 0x3a, 0x65, 0xe7, 0xb8, 0xcc, 0x89, 0x17, 0x78, 0x53,
    0x53, 0x3b, 0x50, 0x8c, 0xbf, 0xe0, 0xd9, 0x5c, 0x8e, 0x1f, 0x34, 0x51,
    0x9c, 0x79, 0x67, 0xde, 0x8d, 0xb5, 0x50, 0x49, 0x35, 0x1b, 0x1e, 0xc8,
    0xd4, 0xa3, 0x3e, 0xb3, 0x7d, 0x54, 0xba, 0xc2, 0x61, 0xfa, 0x00, 0xfb,
    0x23, 0x25, 0x98, 0x9a, 0x84, 0xf8, 0x7e, 0x28, 0x02, 0x21, 0x59, 0x1d,
    0x6b, 0x2c, 0x0f, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d, 0x06, 0x03, 0x55,
    0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xec, 0x9a, 0x4e, 0x42, 0x3b, 0xbb,
    0xef, 0x25, 0x4e, 0x60, 0xf2, 0xed, 0xd2, 0x6f, 0xd9, 0x18, 0xf5, 0x19,
    0xc8, 0xc2, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30,
    0x16, 0x80, 0x14, 0xec, 0x9a, 0x4e, 0x42, 0x3b, 0xbb, 0xef, 0x25, 0x4e,
    0x60, 0xf2, 0xed, 0xd2, 0x6f, 0xd9, 0x18, 0xf5, 0x19, 0xc8, 0xc2, 0x30,
    0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30,
    0x03, 0x01, 0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x04, 0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45, 0x02, 0x20, 0x0e,
    0x22, 0xbd, 0xd7, 0x8b, 0xa2, 0x0d, 0x3d, 0x6f, 0x9b, 0xe8, 0x16, 0x86,
    0xc1, 0x8a, 0x54, 0xd2, 0x07, 0xe9, 0xea, 0xb4, 0x06, 0x94, 0xf0, 0x56,
    0x00, 0x7a, 0x9c, 0xbb, 0x2e, 0xda, 0x8e, 0x02, 0x21, 0x00, 0xd5, 0x4e,
    0x06, 0xce, 0xf7, 0x04, 0xd7, 0x39, 0xa8, 0x1b, 0x0b, 0xff, 0x34, 0x22,
    0x50, 0x2c, 0x38, 0x3f, 0x05, 0x9c, 0x3d, 0xd6, 0x73, 0xc0, 0xd8, 0x16,
    0xf9, 0x62, 0xc3, 0x0f, 0x3d, 0x38, 0x16, 0x03, 0x03, 0x00, 0x73, 0x0c,
    0x00, 0x00, 0x6f, 0x03, 0x00, 0x1d, 0x20, 0xcb, 0xbb, 0x5a, 0xbc, 0xc1,
    0x3d, 0x03, 0x1e, 0x9b, 0xe7, 0x00, 0x64, 0x60, 0x88, 0x9e, 0xaf, 0xbb,
    0x26, 0xdc, 0xef, 0xd2, 0x8d, 0xcb, 0x0a, 0x55, 0x10, 0x12, 0x50, 0x85,
    0x4d, 0xd1, 0x6c, 0x04, 0x03, 0x00, 0x47, 0x30, 0x45, 0x02, 0x20, 0x56,
    0x7e, 0x3d, 0x3f, 0xa4, 0x50, 0x51, 0x6c, 0x15, 0x1d, 0x3e, 0x81, 0x21,
    0xf2, 0x39, 0xac, 0x79, 0x40, 0x04, 0xe8, 0xc2, 0x62, 0xfb, 0xc2, 0x24,
    0xa4, 0x56, 0x2f, 0xfc, 0x1d, 0x56, 0x84, 0x02, 0x21, 0x00, 0x9a, 0xc5,
    0xfb, 0xee, 0x93, 0x57, 0x21, 0x26, 0x52, 0xc5, 0xd1, 0x41, 0x4a, 0xd1,
    0x01, 0x4f, 0x07, 0x6e, 0x73, 0x1d, 0x81, 0xc8, 0x5a, 0x02, 0x11, 0xc0,
    0xd4, 0xfb, 0x46, 0x4c, 0x71, 0xa9, 0x16, 0x03, 0x03, 0x00, 0x2b, 0x0d,
    0x00, 0x00, 0x27, 0x02, 0x01, 0x40, 0x00, 0x20, 0x04, 0x01, 0x08, 0x09,
    0x08, 0x04, 0x04, 0x03, 0x08, 0x07, 0x05, 0x01, 0x08, 0x0a, 0x08, 0x05,
    0x05, 0x03, 0x08, 0x08, 0x06, 0x01, 0x08, 0x0b, 0x08, 0x06, 0x06, 0x03,
    0x02, 0x01, 0x02, 0x03, 0x00, 0x00, 0x16, 0x03, 0x03, 0x00, 0x04, 0x0e,
    0x00, 0x00, 0x00,
};

/* openssl s_server -tls1_2 -dhparam <1024-bit> -cipher
 * DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0, RSA-1024 certificate; client offered
 * no FFDHE group (1006 bytes) */
static const uint8_t cap_openssl_dhe1024[] = {
    0x16, 0x03, 0x03, 0x00, 0x39, 0x02, 0x00, 0x00, 0x35, 0x03, 0x03, 0x28,
    0xfb, 0xbf, 0x3a, 0xa7, 0xfa, 0x83, 0x23, 0x96, 0x6a, 0xb2, 0xc0, 0xc8,
    0x35, 0x8a, 0x8e, 0x76, 0x56, 0xd8, 0x58, 0x52, 0xe8, 0x2e, 0x25, 0xb9,
    0xb9, 0xa0, 0x19, 0xc9, 0xf8, 0x11, 0xf5, 0x00, 0x00, 0x9e, 0x00, 0x00,
    0x0d, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00, 0x17,
    0x00, 0x00, 0x16, 0x03, 0x03, 0x02, 0x0e, 0x0b, 0x00, 0x02, 0x0a, 0x00,
    0x02, 0x07, 0x00, 0x02, 0x04, 0x30, 0x82, 0x02, 0x00, 0x30, 0x82, 0x01,
    0x69, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x14, 0x4b, 0x51, 0x59, 0x85,
    0x97, 0x8d, 0x57, 0x60, 0xb4, 0x0f, 0x64, 0x72, 0xc2, 0xc5, 0x42, 0x90,
    0xcc, 0x95, 0x0c, 0x2a, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
    0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00, 0x30, 0x12, 0x31, 0x10, 0x30,
    0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07, 0x74, 0x6c, 0x73, 0x73,
    0x74, 0x75, 0x62, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32,
    0x36, 0x31, 0x39, 0x31, 0x39, 0x33, 0x34, 0x5a, 0x17, 0x0d, 0x33, 0x36,
    0x31, 0x31, 0x32, 0x33, 0x31, 0x39, 0x31, 0x39, 0x33, 0x34, 0x5a, 0x30,
    0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07,
    0x74, 0x6c, 0x73, 0x73, 0x74, 0x75, 0x62, 0x30, 0x81, 0x9f, 0x30, 0x0d,
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
    0x00, 0x03, 0x81, 0x8d, 0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00,
    0xd7, 0xd4, 0xe5, 0x4a, 0xcd, 0x2c, 0x11, 0x4c, 0xb7, 0x9b, 0x93, 0xf8,
    0x78, 0xa8, 0x55, 0xd3, 0x85, 0x0e, 0xc4, 0x11, 0x85, 0xb7, 0x91, 0x92,
    0xaf, 0x6b, 0xd5, 0x28, 0x61, 0x4f, 0x53, 0x5a, 0xc9, 0xf8, 0x98, 0x5f,
    0xa0, 0xd0, 0x9e, 0x37, 0x1b, 0x23, 0x94, 0x36, 0x72, 0xe8, 0x26, 0x14,
    0x82, 0x23, 0x9a, 0xdd, 0x8c, 0x45, 0x1f, 0xad, 0x98, 0x51, 0x6b, 0x3b,
    0x7c, 0x2a, 0x64, 0x7b, 0x18, 0x40, 0x2d, 0x2e, 0xc2, 0xe5, 0x4a, 0xac,
    0x14, 0x2f, 0xd8, 0x43, 0xd3, 0x27, 0xb9, 0xbe, 0x90, 0xf5, 0x17, 0xcf,
    0x15, 0xd7, 0x72, 0x4f, 0x41, 0xe7, 0x34, 0x07, 0x60, 0x67, 0xd5, 0x4f,
    0x6c, 0x76, 0x32, 0xa3, 0x71, 0xb2, 0x0b, 0x54, 0x6b, 0x82, 0xcb, 0x31,
    0xab, 0x09, 0xb3, 0x9d, 0x3d, 0x9c, 0x61, 0x49, 0x24, 0x5e, 0xd8, 0xc8,
    0x07, 0xf9, 0x53, 0x7c, 0xa1, 0x37, 0x77, 0xe9, 0x02, 0x03, 0x01, 0x00,
    0x01, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e,
    0x04, 0x16, 0x04, 0x14, 0xc4, 0x89, 0xa2, 0x62, 0x97, 0xce, 0xd2, 0x64,
    0x35, 0x1d, 0x8d, 0x6b, 0xcf, 0xb0, 0xe1, 0x2d, 0x3d, 0x90, 0x26, 0xcc,
    0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80,
    0x14, 0xc4, 0x89, 0xa2, 0x62, 0x97, 0xce, 0xd2, 0x64, 0x35, 0x1d, 0x8d,
    0x6b, 0xcf, 0xb0, 0xe1, 0x2d, 0x3d, 0x90, 0x26, 0xcc, 0x30, 0x0f, 0x06,
    0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01,
    0x01, 0xff, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
    0x01, 0x01, 0x0b, 0x05, 0x00, 0x03, 0x81, 0x81, 0x00, 0x5a, 0x79, 0x62,
    0xfd, 0x12, 0xd9, 0xfc, 0x5e, 0xa8, 0x61, 0x19, 0x46, 0x83, 0x2b, 0xb5,
    0x54, 0xd9, 0xb9, 0x6b, 0x69, 0xd7, 0xde, 0x53, 0x2c, 0x6e, 0x5a, 0xdf,
    0xb9, 0x40, 0x9b, 0x04, 0x50, 0x5f, 0x76, 0x5a, 0xcd, 0x65, 0x16, 0x1e,
    0xae, 0x4c, 0xb4, 0x68, 0xc5, 0x0a, 0x81, 0x4e, 0xbd, 0x26, 0x00, 0x5a,
    0x56, 0x8b, 0x6b, 0x2b, 0x34, 0xa3, 0x5b, 0xfe, 0xfc, 0x0a, 0xb2, 0x65,
    0x99, 0x0a, 0x45, 0xea, 0xd3, 0xb9, 0x90, 0x92, 0x87, 0x71, 0xea, 0x51,
    0x21, 0xe9, 0x82, 0x26, 0xd5, 0x87, 0xd5, 0x8f, 0x6c, 0xd3, 0x88, 0x03,
    0xfa, 0x7d, 0x3d, 0x44, 0xa1, 0x60, 0xa6, 0xd0, 0xab, 0x68, 0x29, 0x32,
    0x82, 0xbd, 0x8f, 0xaf, 0x29, 0x23, 0x45, 0xd5, 0x70, 0xc9, 0x11, 0xe7,
    0x7a, 0x1d, 0xd7, 0xd9, 0xef, 0xde, 0x4f, 0xae, 0x57, 0xb5, 0x0e, 0x25,
    0x0e, 0x55, 0xfe, 0xb1, 0x32, 0x16, 0x03, 0x03, 0x01, 0x8f, 0x0c, 0x00,
    0x01, 0x8b, 0x00, 0x80, 0xc3, 0x5a, 0xa4, 0x2a, 0x7c, 0xdf, 0x8e, 0x98,
    0x03, 0xec, 0xb2, 0x84, 0xd1, 0xb7, 0x90, 0x3a, 0x68, 0xe1, 0x3e, 0x8e,
    0x0a, 0x2c, 0x10, 0x8a, 0xbc, 0x5d, 0x27, 0x12, 0x3d, 0x95, 0xf4, 0x87,
    0xea, 0xb3, 0x21, 0x7c, 0xb9, 0x23, 0xbb, 0x90, 0x8a, 0x50, 0xe7, 0x96,
    0x4c, 0x4e, 0xd6, 0x3c, 0x10, 0xef, 0xb5, 0x2b, 0x5e, 0xe5, 0x46, 0x30,
    0x43, 0x96, 0xf2, 0x73, 0xe6, 0x57, 0x97, 0x3a, 0x9c, 0x9b, 0x77, 0x6b,
    0x46, 0x11, 0xfd, 0x52, 0x76, 0x07, 0xc9, 0x46, 0xcd, 0x97, 0x26, 0x53,
    0x3f, 0x8f, 0x49, 0x28, 0xfc, 0xb5, 0x13, 0x09, 0x0f, 0x07, 0x8b, 0xaf,
    0x16, 0xf5, 0x79, 0x8b, 0x6b, 0xd8, 0x37, 0xbb, 0x29, 0xa8, 0x2f, 0xf9,
    0x1a, 0x1f, 0xf3, 0x3c, 0x63, 0x26, 0xbd, 0x81, 0x5a, 0x2d, 0xa8, 0xa0,
    0xf5, 0x0a, 0x2f, 0x12, 0x25, 0xb5, 0x7c, 0x75, 0x63, 0x84, 0xe2, 0xb7,
    0x00, 0x01, 0x02, 0x00, 0x80, 0x5b, 0x13, 0x52, 0x2d, 0x43, 0xd1, 0x11,
    0x9e, 0x15, 0x19, 0x3f, 0x0a, 0x9f, 0xaf, 0x0a, 0xca, 0x97, 0x89, 0x85,
    0xc2, 0x83, 0xf7, 0xec, 0xf1, 0x9b, 0x5a, 0xfc, 0x28, 0x99, 0xb4, 0xc7,
    0x99, 0xaa, 0xe5, 0xd3, 0xc5, 0xe8, 0x80, 0xff, 0x1b, 0x22, 0x88, 0xda,
    0x6a, 0x2a, 0x29, 0xd8, 0x1e, 0xcd, 0x07, 0x22, 0x73, 0x29, 0x02, 0x8a,
    0xdd, 0xf5, 0xc3, 0xfb, 0x22, 0x5a, 0x3e, 0x45, 0x92, 0x25, 0xb4, 0xa0,
    0x49, 0x7c, 0x97, 0x67, 0xd6, 0x8c, 0xd2, 0x47, 0x67, 0xb6, 0xc5, 0x12,
    0x95, 0x55, 0x96, 0x0e, 0x74, 0x57, 0x36, 0x3f, 0x8f, 0xb0, 0x96, 0x85,
    0xff, 0x80, 0xcf, 0x41, 0x91, 0xc2, 0x85, 0x11, 0x79, 0xb7, 0xe5, 0x7e,
    0x2a, 0x9d, 0xcd, 0x23, 0x81, 0xf5, 0x7e, 0x0c, 0x27, 0xfa, 0x72, 0xc4,
    0x9e, 0xa7, 0xce, 0x14, 0x2a, 0xc1, 0xa6, 0x3c, 0xfa, 0x0e, 0x8c, 0x1b,
    0x79, 0x08, 0x04, 0x00, 0x80, 0xca, 0xca, 0x4b, 0x53, 0xcd, 0x59, 0x06,
    0x4c, 0x47, 0x99, 0xd8, 0x56, 0x33, 0xaa, 0xb5, 0xd6, 0x53, 0x95, 0xe9,
    0x52, 0x60, 0xed, 0x62, 0xe9, 0xe5, 0x85, 0x37, 0xca, 0x29, 0xc8, 0x2a,
    0xbe, 0x40, 0xcc, 0xf2, 0x53, 0x76, 0xea, 0x5e, 0x39, 0x30, 0xa5, 0xdb,
    0xbd, 0x5d, 0x1d, 0x10, 0x85, 0x63, 0x3a, 0xf9, 0xe7, 0xd7, 0x2b, 0xb8,
    0x30, 0xbb, 0x92, 0x3d, 0xa0, 0xbb, 0xa8, 0x5e, 0xb1, 0x0e, 0xda, 0xcd,
    0x76, 0xc6, 0xb6, 0x7b, 0x66, 0x98, 0x2d, 0xaa, 0x58, 0x41, 0x73, 0xe2,
    0xb4, 0xf2, 0xd5, 0x32, 0xf4, 0xc5, 0xe7, 0x7e, 0x8d, 0x11, 0x11, 0x37,
    0x70, 0x53, 0x98, 0x9b, 0x43, 0x86, 0xfa, 0x1a, 0x70, 0xe4, 0xeb, 0xbb,
    0xee, 0x7e, 0xba, 0xa6, 0x9c, 0xa5, 0x3a, 0x65, 0x68, 0xd7, 0x70, 0x0b,
    0xbb, 0x6f, 0x64, 0x7d, 0xa9, 0xae, 0xb2, 0x4a, 0x48, 0xdd, 0x57, 0x9c,
    0x11, 0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00,
};

/* openssl s_server -tls1 -cipher ALL:@SECLEVEL=0; client: TLS 1.0,
 * ECDHE-RSA-AES256/128-SHA, AES128-SHA, renegotiation SCSV (809 bytes) */
static const uint8_t cap_openssl_tls10[] = {
    0x16, 0x03, 0x01, 0x00, 0x59, 0x02, 0x00, 0x00, 0x55, 0x03, 0x01, 0xbd,
    0x04, 0xf8, 0x5a, 0xfc, 0xdd, 0xf6, 0xcd, 0xba, 0x72, 0xa3, 0xb0, 0xf5,
    0x02, 0xbb, 0xe9, 0x34, 0xd0, 0x90, 0x3a, 0x32, 0x23, 0xcd, 0x70, 0xce,
    0x78, 0x67, 0x76, 0xa6, 0xf2, 0x54, 0xf9, 0x20, 0x31, 0x44, 0x79, 0xc0,
    0xfa, 0x54, 0x85, 0xe3, 0x60, 0x4d, 0x95, 0x82, 0x02, 0x38, 0x22, 0x60,
    0xbe, 0xb0, 0x77, 0x31, 0xc9, 0x3a, 0x1b, 0xbf, 0xd4, 0xec, 0x82, 0x3b,
    0x6a, 0x0c, 0x0e, 0x6d, 0xc0, 0x14, 0x00, 0x00, 0x0d, 0xff, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x16, 0x03,
    0x01, 0x02, 0x0e, 0x0b, 0x00, 0x02, 0x0a, 0x00, 0x02, 0x07, 0x00, 0x02,
    0x04, 0x30, 0x82, 0x02, 0x00, 0x30, 0x82, 0x01, 0x69, 0xa0, 0x03, 0x02,
    0x01, 0x02, 0x02, 0x14, 0x4b, 0x51, 0x59, 0x85, 0x97, 0x8d, 0x57, 0x60,
    0xb4, 0x0f, 0x64, 0x72, 0xc2, 0xc5, 0x42, 0x90, 0xcc, 0x95, 0x0c, 0x2a,
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
    0x0b, 0x05, 0x00, 0x30, 0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55,
    0x04, 0x03, 0x0c, 0x07, 0x74, 0x6c, 0x73, 0x73, 0x74, 0x75, 0x62, 0x30,
    0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x36, 0x31, 0x39, 0x31,
    0x39, 0x33, 0x34, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31, 0x31, 0x32, 0x33,
    0x31, 0x39, 0x31, 0x39, 0x33, 0x34, 0x5a, 0x30, 0x12, 0x31, 0x10, 0x30,
    0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07, 0x74, 0x6c, 0x73, 0x73,
    0x74, 0x75, 0x62, 0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
    0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x81, 0x8d,
    0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00, 0xd7, 0xd4, 0xe5, 0x4a,
    0xcd, 0x2c, 0x11, 0x4c, 0xb7, 0x9b, 0x93, 0xf8, 0x78, 0xa8, 0x55, 0xd3,
    0x85, 0x0e, 0xc4, 0x11, 0x85, 0xb7, 0x91, 0x92, 0xaf, 0x6b, 0xd5, 0x28,
    0x61, 0x4f, 0x53, 0x5a, 0xc9, 0xf8, 0x98, 0x5f, 0xa0, 0xd0, 0x9e, 0x37,
    0x1b, 0x23, 0x94, 0x36, 0x72, 0xe8, 0x26, 0x14, 0x82, 0x23, 0x9a, 0xdd,
    0x8c, 0x45, 0x1f, 0xad, 0x98, 0x51, 0x6b, 0x3b, 0x7c, 0x2a, 0x64, 0x7b,
    0x18, 0x40, 0x2d, 0x2e, 0xc2, 0xe5, 0x4a, 0xac, 0x14, 0x2f, 0xd8, 0x43,
    0xd3, 0x27, 0xb9, 0xbe, 0x90, 0xf5, 0x17, 0xcf, 0x15, 0xd7, 0x72, 0x4f,
    0x41, 0xe7, 0x34, 0x07, 0x60, 0x67, 0xd5, 0x4f, 0x6c, 0x76, 0x32, 0xa3,
    0x71, 0xb2, 0x0b, 0x54, 0x6b, 0x82, 0xcb, 0x31, 0xab, 0x09, 0xb3, 0x9d,
    0x3d, 0x9c, 0x61, 0x49, 0x24, 0x5e, 0xd8, 0xc8, 0x07, 0xf9, 0x53, 0x7c,
    0xa1, 0x37, 0x77, 0xe9, 0x02, 0x03, 0x01, 0x00, 0x01, 0xa3, 0x53, 0x30,
    0x51, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14,
    0xc4, 0x89, 0xa2, 0x62, 0x97, 0xce, 0xd2, 0x64, 0x35, 0x1d, 0x8d, 0x6b,
    0xcf, 0xb0, 0xe1, 0x2d, 0x3d, 0x90, 0x26, 0xcc, 0x30, 0x1f, 0x06, 0x03,
    0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0xc4, 0x89, 0xa2,
    0x62, 0x97, 0xce, 0xd2, 0x64, 0x35, 0x1d, 0x8d, 0x6b, 0xcf, 0xb0, 0xe1,
    0x2d, 0x3d, 0x90, 0x26, 0xcc, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13,
    0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0d,
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
    0x00, 0x03, 0x81, 0x81, 0x00, 0x5a, 0x79, 0x62, 0xfd, 0x12, 0xd9, 0xfc,
    0x5e, 0xa8, 0x61, 0x19, 0x46, 0x83, 0x2b, 0xb5, 0x54, 0xd9, 0xb9, 0x6b,
    0x69, 0xd7, 0xde, 0x53, 0x2c, 0x6e, 0x5a, 0xdf, 0xb9, 0x40, 0x9b, 0x04,
    0x50, 0x5f, 0x76, 0x5a, 0xcd, 0x65, 0x16, 0x1e, 0xae, 0x4c, 0xb4, 0x68,
    0xc5, 0x0a, 0x81, 0x4e, 0xbd, 0x26, 0x00, 0x5a, 0x56, 0x8b, 0x6b, 0x2b,
    0x34, 0xa3, 0x5b, 0xfe, 0xfc, 0x0a, 0xb2, 0x65, 0x99, 0x0a, 0x45, 0xea,
    0xd3, 0xb9, 0x90, 0x92, 0x87, 0x71, 0xea, 0x51, 0x21, 0xe9, 0x82, 0x26,
    0xd5, 0x87, 0xd5, 0x8f, 0x6c, 0xd3, 0x88, 0x03, 0xfa, 0x7d, 0x3d, 0x44,
    0xa1, 0x60, 0xa6, 0xd0, 0xab, 0x68, 0x29, 0x32, 0x82, 0xbd, 0x8f, 0xaf,
    0x29, 0x23, 0x45, 0xd5, 0x70, 0xc9, 0x11, 0xe7, 0x7a, 0x1d, 0xd7, 0xd9,
    0xef, 0xde, 0x4f, 0xae, 0x57, 0xb5, 0x0e, 0x25, 0x0e, 0x55, 0xfe, 0xb1,
    0x32, 0x16, 0x03, 0x01, 0x00, 0xaa, 0x0c, 0x00, 0x00, 0xa6, 0x03, 0x00,
    0x1d, 0x20, 0x7f, 0x3b, 0x40, 0x92, 0xe6, 0x8c, 0x53, 0xe3, 0xb2, 0xb3,
    0xcb, 0xbd, 0xa3, 0x59, 0x43, 0x62, 0x21, 0xf5, 0x76, 0xbd, 0x5f, 0x6e,
    0x5f, 0xa7, 0x1c, 0xf3, 0x13, 0x9a, 0x9e, 0xee, 0xae, 0x13, 0x00, 0x80,
    0x5a, 0x70, 0x90, 0x05, 0xb8, 0xd7, 0x8e, 0x0a, 0x38, 0xe1, 0x33, 0x78,
    0xf7, 0x87, 0xda, 0x97, 0xbe, 0x53, 0xc1, 0x16, 0xdc, 0x62, 0xce, 0x64,
    0x3c, 0xcf, 0xdf, 0x96, 0x7b, 0x53, 0x27, 0x9b, 0x7a, 0x8b, 0x76, 0x9f,
    0x4c, 0xe9, 0x47, 0xf7, 0xcf, 0x3d, 0x1e, 0x25, 0x16, 0xdc, 0xe7, 0x49,
    0x5c, 0x6a, 0x8a, 0xb4, 0x21, 0xfb, 0x66, 0x2f, 0x60, 0x87, 0x54, 0xdb,
    0xf1, 0x09, 0xff, 0x5a, 0xa7, 0xcb, 0x01, 0x05, 0x0f, 0xde, 0x3e, 0xbb,
    0xbc, 0x93, 0xa0, 0x14, 0xe8, 0xde, 0x77, 0x06, 0x14, 0x5b, 0x7a, 0x73,
    0x80, 0x27, 0x9a, 0x71, 0x00, 0xb0, 0x7a, 0x1d, 0x9d, 0xf4, 0xbc, 0x00,
    0x5a, 0x02, 0x2d, 0xe7, 0x2d, 0xbc, 0xd3, 0x15, 0xb1, 0x58, 0x30, 0x05,
    0xf5, 0xb5, 0x9f, 0x7c, 0x5a, 0xd1, 0x1b, 0x27, 0x3c, 0x52, 0x81, 0x0b,
    0x31, 0x90, 0x43, 0x33, 0x3d, 0xc9, 0xa4, 0x11, 0x16, 0x03, 0x01, 0x00,
    0x04, 0x0e, 0x00, 0x00, 0x00,
};

/* openssl s_server (defaults), TLS 1.3-only hello: ServerHello,
 * ChangeCipherSpec, the start of the encrypted flight (130 bytes) */
static const uint8_t cap_openssl_tls13[] = {
    0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x56, 0x03, 0x03, 0x7d,
    0x65, 0x17, 0x71, 0x52, 0xcd, 0x59, 0xca, 0xb3, 0x68, 0xb2, 0x04, 0x26,
    0xe1, 0xc0, 0xe8, 0xbc, 0x1f, 0x27, 0x0b, 0xc2, 0xe9, 0x36, 0x07, 0x86,
    0x47, 0x09, 0x10, 0x09, 0xe1, 0x1b, 0x55, 0x00, 0x13, 0x01, 0x00, 0x00,
    0x2e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00,
    0x1d, 0x00, 0x20, 0xc7, 0x02, 0x9d, 0x30, 0x74, 0xf4, 0xb0, 0xf3, 0x41,
    0xc9, 0xe7, 0x9a, 0x91, 0xa4, 0x78, 0xab, 0x94, 0x2e, 0x3d, 0x6e, 0x7f,
    0x81, 0x42, 0xa3, 0xe6, 0xad, 0x02, 0x0d, 0x07, 0x21, 0x76, 0x07, 0x14,
    0x03, 0x03, 0x00, 0x01, 0x01, 0x17, 0x03, 0x03, 0x00, 0x17, 0xe0, 0x69,
    0x02, 0x57, 0x41, 0xe2, 0x80, 0x17, 0x6e, 0xc8, 0x85, 0x00, 0xf9, 0xfa,
    0x6f, 0x4d, 0xeb, 0x67, 0x18, 0xfd, 0x1f, 0x99, 0x9f, 0x17,
};

/* openssl s_server -groups P-256, hello with an x25519 key share:
 * HelloRetryRequest + ChangeCipherSpec (67 bytes) */
static const uint8_t cap_openssl_hrr[] = {
    0x16, 0x03, 0x03, 0x00, 0x38, 0x02, 0x00, 0x00, 0x34, 0x03, 0x03, 0xcf,
    0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e,
    0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07,
    0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c, 0x00, 0x13, 0x01, 0x00, 0x00,
    0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00,
    0x17, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
};

/* gnutls-serv TLS 1.2 only, TLS 1.0 hello: fatal protocol_version (7 bytes) */
static const uint8_t cap_gnutls_alert_tls10[] = {
    0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46,
};

/* openssl s_server, the 92-byte SSLv3 hello of gnutls.md 2.4: fatal
 * handshake_failure in an SSL 3.0 record (7 bytes) */
static const uint8_t cap_openssl_alert_ssl3[] = {
    0x15, 0x03, 0x00, 0x00, 0x02, 0x02, 0x28,
};

/* openssl s_server, the SSLv2 CLIENT-HELLO: fatal protocol_version (7 bytes) */
static const uint8_t cap_openssl_alert_sslv2[] = {
    0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46,
};

/* ---- server-flight parser: hand-built flights ------------------------ */

#define FLIGHT_MAX (300u * 1024)

struct flight {
	uint8_t b[FLIGHT_MAX];
	size_t n;
};

static struct flight g_hs; /* handshake stream being built */

static void
f_bytes(struct flight *f, const void *p, size_t n)
{
	ck_assert_uint_le(n, FLIGHT_MAX - f->n);
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
f_fill(struct flight *f, uint8_t v, size_t n)
{
	ck_assert_uint_le(n, FLIGHT_MAX - f->n);
	memset(f->b + f->n, v, n);
	f->n += n;
}

static void
f_u8(struct flight *f, unsigned v)
{
	uint8_t b = (uint8_t)v;

	f_bytes(f, &b, 1);
}

static void
f_u16(struct flight *f, unsigned v)
{
	f_u8(f, v >> 8);
	f_u8(f, v);
}

static void
f_u24(struct flight *f, size_t v)
{
	f_u8(f, (unsigned)(v >> 16));
	f_u16(f, (unsigned)v);
}

/* Wraps f->b[from, f->n) of g_hs into records of type 22 with fragments
 * of at most frag bytes, appended to out. */
static void
wrap(struct flight *out, uint16_t version, const struct flight *hs, size_t frag)
{
	size_t off, k;

	for (off = 0; off < hs->n; off += k) {
		k = hs->n - off < frag ? hs->n - off : frag;
		f_u8(out, 22);
		f_u16(out, version);
		f_u16(out, (unsigned)k);
		f_bytes(out, hs->b + off, k);
	}
}

static void
record(struct flight *out, uint8_t type, uint16_t version, const void *body,
       size_t n)
{
	f_u8(out, type);
	f_u16(out, version);
	f_u16(out, (unsigned)n);
	f_bytes(out, body, n);
}

#define NO_EXT ((size_t)-1)

static void
m_server_hello(struct flight *hs, uint16_t version, const uint8_t *random,
               uint16_t suite, uint8_t comp, const uint8_t *ext, size_t elen)
{
	size_t start;

	f_u8(hs, 2);
	start = hs->n;
	f_u24(hs, 0);
	f_u16(hs, version);
	if (random)
		f_bytes(hs, random, 32);
	else
		f_fill(hs, 0x11, 32);
	f_u8(hs, 32);
	f_fill(hs, 0x22, 32);
	f_u16(hs, suite);
	f_u8(hs, comp);
	if (elen != NO_EXT) {
		f_u16(hs, (unsigned)elen);
		f_bytes(hs, ext, elen);
	}
	hs->b[start] = (uint8_t)((hs->n - start - 3) >> 16);
	hs->b[start + 1] = (uint8_t)((hs->n - start - 3) >> 8);
	hs->b[start + 2] = (uint8_t)(hs->n - start - 3);
}

static void
m_certificate(struct flight *hs, unsigned count, size_t each)
{
	unsigned i;

	f_u8(hs, 11);
	f_u24(hs, 3 + count * (3 + each));
	f_u24(hs, count * (3 + each));
	for (i = 0; i < count; i++) {
		f_u24(hs, each);
		f_fill(hs, 0x30, each);
	}
}

static void
m_cert_status(struct flight *hs, size_t resp)
{
	f_u8(hs, 22);
	f_u24(hs, 4 + resp);
	f_u8(hs, 1);
	f_u24(hs, resp);
	f_fill(hs, 0x30, resp);
}

/* p of exactly pbits bits; signed in the TLS 1.2 form unless anon */
static void
m_ske_dhe(struct flight *hs, unsigned pbits, int sig_alg)
{
	size_t plen = (pbits + 7) / 8;

	f_u8(hs, 12);
	f_u24(hs, 2 + plen + 3 + 2 + plen + (sig_alg ? 2 + 2 + 64 : 0));
	f_u16(hs, (unsigned)plen);
	f_u8(hs, 1u << ((pbits - 1) % 8));
	f_fill(hs, 0xff, plen - 1);
	f_u16(hs, 1);
	f_u8(hs, 2);
	f_u16(hs, (unsigned)plen);
	f_fill(hs, 0x5a, plen);
	if (sig_alg) {
		f_u16(hs, (unsigned)sig_alg);
		f_u16(hs, 64);
		f_fill(hs, 0x77, 64);
	}
}

static void
m_ske_ecdhe(struct flight *hs, uint16_t curve, bool tls12)
{
	f_u8(hs, 12);
	f_u24(hs, 4 + 65 + (tls12 ? 2 : 0) + 2 + 64);
	f_u8(hs, 3);
	f_u16(hs, curve);
	f_u8(hs, 65);
	f_u8(hs, 4);
	f_fill(hs, 0x42, 64);
	if (tls12)
		f_u16(hs, 0x0401);
	f_u16(hs, 64);
	f_fill(hs, 0x77, 64);
}

static void
m_simple(struct flight *hs, uint8_t type, size_t len, uint8_t fill)
{
	f_u8(hs, type);
	f_u24(hs, len);
	f_fill(hs, fill, len);
}

static void
m_done(struct flight *hs)
{
	m_simple(hs, 14, 0, 0);
}

static const uint8_t ext_reneg_ems[] = {0xff, 0x01, 0x00, 0x01, 0x00,
                                        0x00, 0x17, 0x00, 0x00};

static void
hs_reset(void)
{
	g_hs.n = 0;
}

static void
mk_sslv3_deflate(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0300, NULL, 0x000a, 1, NULL, NO_EXT);
	m_certificate(&g_hs, 1, 100);
	m_done(&g_hs);
	wrap(f, 0x0300, &g_hs, 16384);
}

static void
mk_rsa_export(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0301, NULL, 0x0003, 0, NULL, NO_EXT);
	m_certificate(&g_hs, 1, 100);
	f_u8(&g_hs, 12); /* ServerRSAParams: 512-bit modulus, e, signature */
	f_u24(&g_hs, 2 + 64 + 2 + 3 + 2 + 64);
	f_u16(&g_hs, 64);
	f_fill(&g_hs, 0xc3, 64);
	f_u16(&g_hs, 3);
	f_u8(&g_hs, 1);
	f_u16(&g_hs, 1);
	f_u16(&g_hs, 64); /* TLS 1.0: no SignatureAndHashAlgorithm */
	f_fill(&g_hs, 0x77, 64);
	m_done(&g_hs);
	wrap(f, 0x0301, &g_hs, 16384);
}

/* Everything a TLS 1.2 flight can hold, several messages per record. */
static void
full_flight(void)
{
	static const uint8_t ext[] = {0x00, 0x05, 0x00, 0x00, 0xff, 0x01,
	                              0x00, 0x01, 0x00, 0x00, 0x17, 0x00,
	                              0x00, 0x00, 0x16, 0x00, 0x00};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x0033, 0, ext, sizeof(ext));
	m_certificate(&g_hs, 3, 700);
	m_cert_status(&g_hs, 300);
	m_ske_dhe(&g_hs, 2048, 0x0804);
	m_simple(&g_hs, 13, 20, 0x01); /* CertificateRequest */
	m_done(&g_hs);
}

static void
mk_one_record(struct flight *f)
{
	full_flight();
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_fragmented(struct flight *f)
{
	full_flight();
	wrap(f, 0x0303, &g_hs, 7);
}

static void
mk_big_certificate(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0xc02f, 0, ext_reneg_ems,
	               sizeof(ext_reneg_ems));
	m_certificate(&g_hs, 40, 3200); /* 128,120-byte list, 8 records */
	m_ske_ecdhe(&g_hs, 0x0018, true);
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_ecdhe_explicit(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0xc013, 0, NULL, NO_EXT);
	m_certificate(&g_hs, 1, 50);
	m_simple(&g_hs, 12, 40, 0x01); /* curve_type 1: explicit_prime */
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_ecdhe_binary(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0302, NULL, 0xc013, 0, NULL, NO_EXT);
	m_certificate(&g_hs, 1, 50);
	m_ske_ecdhe(&g_hs, 0x0001, false);
	m_done(&g_hs);
	wrap(f, 0x0302, &g_hs, 16384);
}

static void
mk_warning_then_hello(struct flight *f)
{
	static const uint8_t warn[] = {1, 112};

	record(f, 21, 0x0303, warn, sizeof(warn));
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x0034, 0, NULL, NO_EXT);
	m_ske_dhe(&g_hs, 1024, 0); /* anonymous: no signature */
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_fatal_after_hello(struct flight *f)
{
	static const uint8_t fatal[] = {2, 40};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x009c, 0, NULL, NO_EXT);
	wrap(f, 0x0303, &g_hs, 16384);
	record(f, 21, 0x0303, fatal, sizeof(fatal));
}

static void
mk_close_notify(struct flight *f)
{
	static const uint8_t bye[] = {1, 0};

	record(f, 21, 0x0301, bye, sizeof(bye));
}

static void
mk_alert_split(struct flight *f)
{
	static const uint8_t a[] = {2}, b[] = {80};

	record(f, 21, 0x0303, a, 1);
	record(f, 21, 0x0303, b, 1);
}

static void
mk_downgrade(struct flight *f)
{
	uint8_t rnd[32];

	memset(rnd, 0x33, sizeof(rnd));
	memcpy(rnd + 24, "DOWNGRD\001", 8);
	hs_reset();
	f_fill(&g_hs, 0, 4); /* HelloRequest first: skipped */
	m_server_hello(&g_hs, 0x0303, rnd, 0x002f, 0, NULL, NO_EXT);
	m_certificate(&g_hs, 1, 10);
	m_simple(&g_hs, 99, 10, 0x99); /* unknown type: skipped */
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_tls13_draft(struct flight *f)
{
	static const uint8_t ext[] = {0x00, 0x2b, 0x00, 0x02, 0x7f, 0x1c,
	                              0x00, 0x33, 0x00, 0x06, 0x00, 0x1d,
	                              0x00, 0x02, 0xaa, 0xbb};
	static const uint8_t ccs[] = {1};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x1302, 0, ext, sizeof(ext));
	wrap(f, 0x0303, &g_hs, 16384);
	record(f, 20, 0x0303, ccs, 1); /* not consumed */
}

/* the HelloRetryRequest random alone (no supported_versions) is enough */
static void
mk_hrr_random_only(struct flight *f)
{
	static const uint8_t hrr[32] = {
	    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, hrr, 0x1301, 0, NULL, NO_EXT);
	m_done(&g_hs); /* not consumed */
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_misc_extensions(struct flight *f)
{
	static const uint8_t ext[] = {
	    0x00, 0x00, 0x00, 0x00,                   /* server_name ack */
	    0x00, 0x01, 0x00, 0x01, 0x02,             /* max_fragment */
	    0x00, 0x04, 0x00, 0x00,                   /* truncated_hmac */
	    0x00, 0x10, 0x00, 0x07, 0x00, 0x05, 0x04, /* ALPN "pop3" */
	    'p',  'o',  'p',  '3',  0x12, 0x34, 0x00,
	    0x02, 0xab, 0xcd,                   /* unknown 0x1234 */
	    0x00, 0x0f, 0x00, 0x01, 0x02,       /* heartbeat: not allowed */
	    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, /* ec_point_formats */
	    0x00, 0x23, 0x00, 0x00,             /* session_ticket */
	};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0xc030, 0, ext, sizeof(ext));
	m_certificate(&g_hs, 1, 10);
	m_ske_ecdhe(&g_hs, 0x0017, true);
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 100);
}

static void
mk_sslv2_hello(struct flight *f)
{
	static const uint8_t b[] = {
	    0x80, 0x25, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04, 0x00,
	    0x06, 0x00, 0x10, 0x30, 0x02, 0x00, 0x00, 0x01, 0x00, 0x80,
	    0x07, 0x00, 0xc0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

	f_bytes(f, b, sizeof(b));
}

static void
mk_sslv2_error(struct flight *f)
{
	static const uint8_t b[] = {0x80, 0x03, 0x00, 0x00, 0x01};

	f_bytes(f, b, sizeof(b));
}

/* ---- hostile flights (all must end in ERROR) -------------------------- */

static void
mk_record_ffff(struct flight *f)
{
	f_u8(f, 22);
	f_u16(f, 0x0303);
	f_u16(f, 0xffff);
	f_fill(f, 0x02, 64);
}

static void
mk_record_empty(struct flight *f)
{
	record(f, 22, 0x0303, "", 0);
	f_fill(f, 0x02, 10);
}

static void
mk_hs_len_huge(struct flight *f)
{
	static const uint8_t b[] = {0x02, 0xff, 0xff, 0xff, 0x03, 0x03};

	record(f, 22, 0x0303, b, sizeof(b));
}

/* a ServerHello claiming more than its record, then application data */
static void
mk_hs_len_beyond_record(struct flight *f)
{
	uint8_t body[40];

	memset(body, 0x11, sizeof(body));
	body[0] = 2;
	body[1] = 0;
	body[2] = 1;
	body[3] = 0;
	body[4] = 3;
	body[5] = 3;
	record(f, 22, 0x0303, body, sizeof(body));
	record(f, 23, 0x0303, "abc", 3);
}

static void
mk_ext_beyond_message(struct flight *f)
{
	static const uint8_t ext[] = {0x00, 0x17, 0x00, 0x09, 0x00, 0x00};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x002f, 0, ext, sizeof(ext));
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_ext_block_mismatch(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x002f, 0, ext_reneg_ems,
	               sizeof(ext_reneg_ems));
	g_hs.b[4 + 2 + 32 + 1 + 32 + 2 + 1 + 1]++; /* extensions length */
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_sid_33(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x002f, 0, NULL, NO_EXT);
	g_hs.b[4 + 2 + 32] = 33;
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
hello_then(void)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x009e, 0, NULL, NO_EXT);
}

/* Certificate message of 16 MiB + 3 announcing a 16 MiB list */
static void
mk_cert_16mib(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 11);
	f_u24(&g_hs, 0xffffff);
	f_u24(&g_hs, 0xfffffc);
	f_fill(&g_hs, 0x30, 100);
	wrap(f, 0x0303, &g_hs, 16384);
}

/* small Certificate message announcing a 16 MiB list */
static void
mk_cert_list_16mib(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 11);
	f_u24(&g_hs, 103);
	f_u24(&g_hs, 0xffffff);
	f_fill(&g_hs, 0x30, 100);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_cert_list_mismatch(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 11);
	f_u24(&g_hs, 103);
	f_u24(&g_hs, 99);
	f_u24(&g_hs, 97);
	f_fill(&g_hs, 0x30, 97);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_cert_beyond_list(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 11);
	f_u24(&g_hs, 3 + 3 + 50);
	f_u24(&g_hs, 3 + 50);
	f_u24(&g_hs, 51);
	f_fill(&g_hs, 0x30, 50);
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_cert_empty_entry(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 11);
	f_u24(&g_hs, 3 + 3 + 3 + 10);
	f_u24(&g_hs, 3 + 3 + 10);
	f_u24(&g_hs, 0);
	f_u24(&g_hs, 10);
	f_fill(&g_hs, 0x30, 10);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_cert_truncated_entry(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 11);
	f_u24(&g_hs, 3 + 3 + 10 + 2);
	f_u24(&g_hs, 3 + 10 + 2);
	f_u24(&g_hs, 10);
	f_fill(&g_hs, 0x30, 12);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_dh_p_beyond(struct flight *f)
{
	hello_then();
	f_u8(&g_hs, 12);
	f_u24(&g_hs, 10);
	f_u16(&g_hs, 200);
	f_fill(&g_hs, 0xff, 8);
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_ecdh_point_beyond(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0xc02f, 0, NULL, NO_EXT);
	f_u8(&g_hs, 12);
	f_u24(&g_hs, 10);
	f_u8(&g_hs, 3);
	f_u16(&g_hs, 0x0017);
	f_u8(&g_hs, 65);
	f_fill(&g_hs, 0x04, 6);
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_signature_beyond(struct flight *f)
{
	hello_then();
	m_ske_dhe(&g_hs, 1024, 0x0401);
	g_hs.b[g_hs.n - 66] = 0x01; /* signature length 64 -> 320 */
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_status_mismatch(struct flight *f)
{
	hello_then();
	m_cert_status(&g_hs, 30);
	g_hs.b[g_hs.n - 30 - 1] = 31;
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_shd_not_empty(struct flight *f)
{
	hello_then();
	m_simple(&g_hs, 14, 1, 0);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_second_hello(struct flight *f)
{
	hello_then();
	m_server_hello(&g_hs, 0x0303, NULL, 0x009e, 0, NULL, NO_EXT);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_ccs_after_hello(struct flight *f)
{
	hello_then();
	wrap(f, 0x0303, &g_hs, 16384);
	record(f, 20, 0x0303, "\001", 1);
}

static void
mk_appdata_first(struct flight *f)
{
	record(f, 23, 0x0303, "hello", 5);
}

static void
mk_certificate_first(struct flight *f)
{
	hs_reset();
	m_certificate(&g_hs, 1, 10);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_bad_alert_level(struct flight *f)
{
	record(f, 21, 0x0303, "\005\050", 2);
}

static void
mk_hello_too_short(struct flight *f)
{
	static const uint8_t b[] = {0x02, 0x00, 0x00, 0x04,
	                            0x03, 0x03, 0x00, 0x00};

	record(f, 22, 0x0303, b, sizeof(b));
}

static void
mk_hello_not_3x(struct flight *f)
{
	hs_reset();
	m_server_hello(&g_hs, 0xfefd, NULL, 0x002f, 0, NULL, NO_EXT);
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_bad_supported_versions(struct flight *f)
{
	static const uint8_t ext[] = {0x00, 0x2b, 0x00, 0x03, 0x03, 0x04, 0x00};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x1301, 0, ext, sizeof(ext));
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_bad_alpn(struct flight *f)
{
	static const uint8_t ext[] = {0x00, 0x10, 0x00, 0x05, 0x00,
	                              0x03, 0x09, 'i',  'm'};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x002f, 0, ext, sizeof(ext));
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_bad_heartbeat(struct flight *f)
{
	static const uint8_t ext[] = {0x00, 0x0f, 0x00, 0x00};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x002f, 0, ext, sizeof(ext));
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_bad_key_share(struct flight *f)
{
	static const uint8_t ext[] = {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	                              0x00, 0x33, 0x00, 0x06, 0x00, 0x1d,
	                              0x00, 0x20, 0xaa, 0xbb};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x1301, 0, ext, sizeof(ext));
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_bad_reneg_info(struct flight *f)
{
	static const uint8_t ext[] = {0xff, 0x01, 0x00, 0x01, 0x05};

	hs_reset();
	m_server_hello(&g_hs, 0x0303, NULL, 0x002f, 0, ext, sizeof(ext));
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_second_record_not_3x(struct flight *f)
{
	hello_then();
	wrap(f, 0x0303, &g_hs, 16384);
	f_u8(f, 22);
	f_u16(f, 0x0203);
	f_u16(f, 4);
	f_fill(f, 0x0e, 4);
}

static void
mk_alert_split_by_handshake(struct flight *f)
{
	record(f, 21, 0x0303, "\002", 1);
	hello_then();
	wrap(f, 0x0303, &g_hs, 16384);
}

static void
mk_sslv2_bad_lengths(struct flight *f)
{
	static const uint8_t b[] = {0x80, 0x0d, 0x04, 0x00, 0x01,
	                            0x00, 0x02, 0x00, 0x01, 0x00,
	                            0x03, 0x00, 0x01, 0x30, 0x01};

	f_bytes(f, b, sizeof(b));
}

/* more than 256 KiB of well-formed but never-ending flight */
static void
mk_over_256k(struct flight *f)
{
	unsigned i;

	hello_then();
	for (i = 0; i < 17; i++)
		m_simple(&g_hs, 13, 16000, 0x01);
	m_done(&g_hs);
	wrap(f, 0x0303, &g_hs, 16384);
}

/* ---- the case table ---------------------------------------------------- */

struct pcase {
	const char *name;
	const uint8_t *data; /* static input, or */
	size_t len;
	void (*make)(struct flight *f); /* generated input */

	int status;
	const char *error; /* substring of parser.error */
	size_t total;      /* consumed; 0: the whole input */
	enum tlshello_kind kind;
	uint16_t record_version, version, suite;
	uint8_t compression;
	unsigned ext;
	uint8_t session_id_len;
	unsigned certs;
	uint32_t cert_list_len;
	unsigned dh_bits;
	uint16_t curve;
	bool explicit_curve, shd, hrr, cert_request;
	uint32_t ocsp_len; /* 0: no CertificateStatus */
	bool has_alert;
	uint8_t alert_level, alert_desc;
	unsigned rsa_bits;
	const char *alpn;
	uint8_t heartbeat;
	uint16_t key_share, sig_alg;
	uint8_t downgrade, points;
	uint16_t sslv2_version, sslv2_error;
	unsigned sslv2_specs;
	uint32_t sslv2_spec0;
};

#define CAP(a) .data = (a), .len = sizeof(a)
#define EXT_GNUTLS12                                                           \
	(TLSHELLO_EXT_EC_POINT_FORMATS | TLSHELLO_EXT_EXTENDED_MASTER_SECRET | \
	 TLSHELLO_EXT_SESSION_TICKET | TLSHELLO_EXT_RENEGOTIATION_INFO)

static const struct pcase pcases[] = {
    {.name = "gnutls TLS1.2 ECDHE-ECDSA",
     CAP(cap_gnutls_ecdhe12),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0xc02b,
     .ext = EXT_GNUTLS12,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 384,
     .curve = 0x001d,
     .shd = true,
     .cert_request = true,
     .sig_alg = 0x0403,
     .points = 1},
    {.name = "gnutls TLS1.2 OCSP+ALPN+heartbeat, 2 certificates",
     CAP(cap_gnutls_full12),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0xc009,
     .ext = EXT_GNUTLS12 | TLSHELLO_EXT_STATUS_REQUEST |
            TLSHELLO_EXT_HEARTBEAT | TLSHELLO_EXT_ALPN |
            TLSHELLO_EXT_ENCRYPT_THEN_MAC,
     .session_id_len = 32,
     .certs = 2,
     .cert_list_len = 675,
     .curve = 0x001d,
     .shd = true,
     .ocsp_len = 670,
     .alpn = "imap",
     .heartbeat = 1,
     .cert_request = true,
     .sig_alg = 0x0403,
     .points = 1},
    {.name = "openssl TLS1.2 DHE 1024",
     CAP(cap_openssl_dhe1024),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x009e,
     .ext = TLSHELLO_EXT_EXTENDED_MASTER_SECRET | TLSHELLO_EXT_SESSION_TICKET |
            TLSHELLO_EXT_RENEGOTIATION_INFO,
     .certs = 1,
     .cert_list_len = 519,
     .dh_bits = 1024,
     .shd = true,
     .sig_alg = 0x0804},
    {.name = "openssl TLS1.0 ECDHE-RSA",
     CAP(cap_openssl_tls10),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0301,
     .version = 0x0301,
     .suite = 0xc014,
     .ext = TLSHELLO_EXT_EC_POINT_FORMATS | TLSHELLO_EXT_RENEGOTIATION_INFO,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 519,
     .curve = 0x001d,
     .shd = true,
     .points = 7},
    {.name = "openssl TLS1.3",
     CAP(cap_openssl_tls13),
     .status = TLSHELLO_DONE,
     .total = 95,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0304,
     .suite = 0x1301,
     .ext = TLSHELLO_EXT_SUPPORTED_VERSIONS | TLSHELLO_EXT_KEY_SHARE,
     .key_share = 0x001d},
    {.name = "openssl TLS1.3 HelloRetryRequest",
     CAP(cap_openssl_hrr),
     .status = TLSHELLO_DONE,
     .total = 61,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0304,
     .suite = 0x1301,
     .ext = TLSHELLO_EXT_SUPPORTED_VERSIONS | TLSHELLO_EXT_KEY_SHARE,
     .hrr = true,
     .key_share = 0x0017},
    {.name = "gnutls alert protocol_version",
     CAP(cap_gnutls_alert_tls10),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_ALERT,
     .record_version = 0x0303,
     .has_alert = true,
     .alert_level = 2,
     .alert_desc = 70},
    {.name = "openssl SSLv3 hello: alert handshake_failure",
     CAP(cap_openssl_alert_ssl3),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_ALERT,
     .record_version = 0x0300,
     .has_alert = true,
     .alert_level = 2,
     .alert_desc = 40},
    {.name = "openssl SSLv2 hello: alert protocol_version",
     CAP(cap_openssl_alert_sslv2),
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_ALERT,
     .record_version = 0x0303,
     .has_alert = true,
     .alert_level = 2,
     .alert_desc = 70},
    {.name = "SSLv3 deflate, no extensions",
     .make = mk_sslv3_deflate,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0300,
     .version = 0x0300,
     .suite = 0x000a,
     .compression = 1,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 103,
     .shd = true},
    {.name = "RSA_EXPORT 512-bit key",
     .make = mk_rsa_export,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0301,
     .version = 0x0301,
     .suite = 0x0003,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 103,
     .rsa_bits = 512,
     .shd = true},
    {.name = "all messages in one record",
     .make = mk_one_record,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x0033,
     .ext = TLSHELLO_EXT_STATUS_REQUEST | TLSHELLO_EXT_RENEGOTIATION_INFO |
            TLSHELLO_EXT_EXTENDED_MASTER_SECRET | TLSHELLO_EXT_ENCRYPT_THEN_MAC,
     .session_id_len = 32,
     .certs = 3,
     .cert_list_len = 3 * 703,
     .ocsp_len = 300,
     .dh_bits = 2048,
     .sig_alg = 0x0804,
     .cert_request = true,
     .shd = true},
    {.name = "7-byte records, messages spanning records",
     .make = mk_fragmented,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x0033,
     .ext = TLSHELLO_EXT_STATUS_REQUEST | TLSHELLO_EXT_RENEGOTIATION_INFO |
            TLSHELLO_EXT_EXTENDED_MASTER_SECRET | TLSHELLO_EXT_ENCRYPT_THEN_MAC,
     .session_id_len = 32,
     .certs = 3,
     .cert_list_len = 3 * 703,
     .ocsp_len = 300,
     .dh_bits = 2048,
     .sig_alg = 0x0804,
     .cert_request = true,
     .shd = true},
    {.name = "certificate_list near 128 KiB over 8 records",
     .make = mk_big_certificate,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0xc02f,
     .ext =
         TLSHELLO_EXT_RENEGOTIATION_INFO | TLSHELLO_EXT_EXTENDED_MASTER_SECRET,
     .session_id_len = 32,
     .certs = 40,
     .cert_list_len = 40 * 3203,
     .curve = 0x0018,
     .sig_alg = 0x0401,
     .shd = true},
    {.name = "ECDHE explicit curve",
     .make = mk_ecdhe_explicit,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0xc013,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 53,
     .explicit_curve = true,
     .shd = true},
    {.name = "ECDHE sect163k1, TLS1.1",
     .make = mk_ecdhe_binary,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0302,
     .version = 0x0302,
     .suite = 0xc013,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 53,
     .curve = 0x0001,
     .shd = true},
    {.name = "warning unrecognized_name, then anonymous DH",
     .make = mk_warning_then_hello,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x0034,
     .session_id_len = 32,
     .dh_bits = 1024,
     .shd = true,
     .has_alert = true,
     .alert_level = 1,
     .alert_desc = 112},
    {.name = "fatal alert after the ServerHello",
     .make = mk_fatal_after_hello,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x009c,
     .session_id_len = 32,
     .has_alert = true,
     .alert_level = 2,
     .alert_desc = 40},
    {.name = "close_notify",
     .make = mk_close_notify,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_ALERT,
     .record_version = 0x0301,
     .has_alert = true,
     .alert_level = 1,
     .alert_desc = 0},
    {.name = "alert split over two records",
     .make = mk_alert_split,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_ALERT,
     .record_version = 0x0303,
     .has_alert = true,
     .alert_level = 2,
     .alert_desc = 80},
    {.name = "HelloRequest, downgrade sentinel, unknown message",
     .make = mk_downgrade,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x002f,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 13,
     .downgrade = 1,
     .shd = true},
    {.name = "TLS 1.3 draft 28 via supported_versions",
     .make = mk_tls13_draft,
     .status = TLSHELLO_DONE,
     .total = 5 + 4 + 72 + 16,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x7f1c,
     .suite = 0x1302,
     .ext = TLSHELLO_EXT_SUPPORTED_VERSIONS | TLSHELLO_EXT_KEY_SHARE,
     .session_id_len = 32,
     .key_share = 0x001d},
    {.name = "HelloRetryRequest random without supported_versions",
     .make = mk_hrr_random_only,
     .status = TLSHELLO_DONE,
     .total = 5 + 4 + 70,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0x1301,
     .session_id_len = 32,
     .hrr = true},
    {.name = "SNI ack, max_fragment, truncated_hmac, ALPN, unknown",
     .make = mk_misc_extensions,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SERVER_HELLO,
     .record_version = 0x0303,
     .version = 0x0303,
     .suite = 0xc030,
     .ext = TLSHELLO_EXT_SERVER_NAME | TLSHELLO_EXT_MAX_FRAGMENT_LENGTH |
            TLSHELLO_EXT_TRUNCATED_HMAC | TLSHELLO_EXT_ALPN |
            TLSHELLO_EXT_OTHER | TLSHELLO_EXT_HEARTBEAT |
            TLSHELLO_EXT_EC_POINT_FORMATS | TLSHELLO_EXT_SESSION_TICKET,
     .session_id_len = 32,
     .certs = 1,
     .cert_list_len = 13,
     .curve = 0x0017,
     .sig_alg = 0x0401,
     .alpn = "pop3",
     .heartbeat = 2,
     .points = 1,
     .shd = true},
    {.name = "SSLv2 SERVER-HELLO",
     .make = mk_sslv2_hello,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SSLV2_SERVER_HELLO,
     .record_version = 0x0002,
     .sslv2_version = 0x0002,
     .sslv2_specs = 2,
     .sslv2_spec0 = 0x010080},
    {.name = "SSLv2 ERROR",
     .make = mk_sslv2_error,
     .status = TLSHELLO_DONE,
     .kind = TLSHELLO_KIND_SSLV2_ERROR,
     .record_version = 0x0002,
     .sslv2_error = 1},
    {.name = "IMAP greeting",
     .data = (const uint8_t *)"* OK [CAPABILITY IMAP4rev1] ready\r\n",
     .len = 35,
     .status = TLSHELLO_DONE,
     .total = 1,
     .kind = TLSHELLO_KIND_NOT_TLS},
    {.name = "POP3 greeting",
     .data = (const uint8_t *)"+OK POP3 ready\r\n",
     .len = 16,
     .status = TLSHELLO_DONE,
     .total = 1,
     .kind = TLSHELLO_KIND_NOT_TLS},
    {.name = "HTTP",
     .data = (const uint8_t *)"HTTP/1.1 400 Bad Request\r\n",
     .len = 26,
     .status = TLSHELLO_DONE,
     .total = 1,
     .kind = TLSHELLO_KIND_NOT_TLS},
    {.name = "handshake type, major version 2",
     .data = (const uint8_t *)"\026\002\000\000\004",
     .len = 5,
     .status = TLSHELLO_DONE,
     .total = 2,
     .kind = TLSHELLO_KIND_NOT_TLS},
    {.name = "high bit, SSLv2 type 7",
     .data = (const uint8_t *)"\200\020\007abcdefghijklm",
     .len = 16,
     .status = TLSHELLO_DONE,
     .total = 3,
     .kind = TLSHELLO_KIND_NOT_TLS},

    {.name = "record length 0xffff",
     .make = mk_record_ffff,
     .status = TLSHELLO_ERROR,
     .error = "record longer"},
    {.name = "empty record",
     .make = mk_record_empty,
     .status = TLSHELLO_ERROR,
     .error = "empty record"},
    {.name = "ServerHello length 0xffffff",
     .make = mk_hs_len_huge,
     .status = TLSHELLO_ERROR,
     .error = "ServerHello longer"},
    {.name = "ServerHello length beyond its record",
     .make = mk_hs_len_beyond_record,
     .status = TLSHELLO_ERROR,
     .error = "application_data"},
    {.name = "extension length beyond the message",
     .make = mk_ext_beyond_message,
     .status = TLSHELLO_ERROR,
     .error = "extension length beyond"},
    {.name = "extensions block length mismatch",
     .make = mk_ext_block_mismatch,
     .status = TLSHELLO_ERROR,
     .error = "extensions length"},
    {.name = "session_id of 33 bytes",
     .make = mk_sid_33,
     .status = TLSHELLO_ERROR,
     .error = "session_id"},
    {.name = "Certificate of 16 MiB",
     .make = mk_cert_16mib,
     .status = TLSHELLO_ERROR,
     .error = "Certificate message longer"},
    {.name = "certificate_list of 16 MiB",
     .make = mk_cert_list_16mib,
     .status = TLSHELLO_ERROR,
     .error = "certificate_list longer"},
    {.name = "certificate_list length mismatch",
     .make = mk_cert_list_mismatch,
     .status = TLSHELLO_ERROR,
     .error = "does not match"},
    {.name = "certificate beyond the list",
     .make = mk_cert_beyond_list,
     .status = TLSHELLO_ERROR,
     .error = "certificate length beyond"},
    {.name = "empty certificate entry",
     .make = mk_cert_empty_entry,
     .status = TLSHELLO_ERROR,
     .error = "certificate length beyond"},
    {.name = "truncated certificate entry",
     .make = mk_cert_truncated_entry,
     .status = TLSHELLO_ERROR,
     .error = "truncated certificate"},
    {.name = "DH p beyond the ServerKeyExchange",
     .make = mk_dh_p_beyond,
     .status = TLSHELLO_ERROR,
     .error = "DH p length"},
    {.name = "ECDH point beyond the ServerKeyExchange",
     .make = mk_ecdh_point_beyond,
     .status = TLSHELLO_ERROR,
     .error = "ECDH point"},
    {.name = "signature beyond the ServerKeyExchange",
     .make = mk_signature_beyond,
     .status = TLSHELLO_ERROR,
     .error = "signature length"},
    {.name = "CertificateStatus length mismatch",
     .make = mk_status_mismatch,
     .status = TLSHELLO_ERROR,
     .error = "CertificateStatus"},
    {.name = "ServerHelloDone not empty",
     .make = mk_shd_not_empty,
     .status = TLSHELLO_ERROR,
     .error = "ServerHelloDone"},
    {.name = "second ServerHello",
     .make = mk_second_hello,
     .status = TLSHELLO_ERROR,
     .error = "second ServerHello"},
    {.name = "ChangeCipherSpec after a TLS1.2 ServerHello",
     .make = mk_ccs_after_hello,
     .status = TLSHELLO_ERROR,
     .error = "ChangeCipherSpec"},
    {.name = "application data first",
     .make = mk_appdata_first,
     .status = TLSHELLO_ERROR,
     .error = "application_data"},
    {.name = "Certificate before ServerHello",
     .make = mk_certificate_first,
     .status = TLSHELLO_ERROR,
     .error = "expected a ServerHello"},
    {.name = "alert level 5",
     .make = mk_bad_alert_level,
     .status = TLSHELLO_ERROR,
     .error = "alert level"},
    {.name = "ServerHello too short",
     .make = mk_hello_too_short,
     .status = TLSHELLO_ERROR,
     .error = "too short"},
    {.name = "ServerHello version 0xfefd",
     .make = mk_hello_not_3x,
     .status = TLSHELLO_ERROR,
     .error = "not 3.x"},
    {.name = "supported_versions of 3 bytes",
     .make = mk_bad_supported_versions,
     .status = TLSHELLO_ERROR,
     .error = "supported_versions"},
    {.name = "ALPN name beyond the extension",
     .make = mk_bad_alpn,
     .status = TLSHELLO_ERROR,
     .error = "ALPN"},
    {.name = "empty heartbeat extension",
     .make = mk_bad_heartbeat,
     .status = TLSHELLO_ERROR,
     .error = "heartbeat"},
    {.name = "key_share key beyond the extension",
     .make = mk_bad_key_share,
     .status = TLSHELLO_ERROR,
     .error = "key_share"},
    {.name = "renegotiation_info length mismatch",
     .make = mk_bad_reneg_info,
     .status = TLSHELLO_ERROR,
     .error = "renegotiation_info"},
    {.name = "second record version 2.3",
     .make = mk_second_record_not_3x,
     .status = TLSHELLO_ERROR,
     .error = "not 3.x"},
    {.name = "alert split by a handshake record",
     .make = mk_alert_split_by_handshake,
     .status = TLSHELLO_ERROR,
     .error = "alert split"},
    {.name = "SSLv2 lengths do not add up",
     .make = mk_sslv2_bad_lengths,
     .status = TLSHELLO_ERROR,
     .error = "SSLv2"},
    {.name = "flight over 256 KiB",
     .make = mk_over_256k,
     .status = TLSHELLO_ERROR,
     .total = TLSHELLO_MAX_INPUT,
     .error = "256 KiB"},
};

static struct flight g_in;

static void
case_input(const struct pcase *c, const uint8_t **data, size_t *len)
{
	if (c->make) {
		g_in.n = 0;
		c->make(&g_in);
		*data = g_in.b;
		*len = g_in.n;
	} else {
		*data = c->data;
		*len = c->len;
	}
}

static void
check_result(const struct pcase *c, const struct tlshello_parser *p, size_t len,
             int st, const char *how)
{
	const struct tlshello_result *r = &p->r;
	size_t total = c->total ? c->total : len;

	ck_assert_msg(st == c->status, "%s (%s): status %d, want %d (%s)",
	              c->name, how, st, c->status, p->error ? p->error : "-");
	if (c->status == TLSHELLO_ERROR) {
		ck_assert_ptr_nonnull(p->error);
		ck_assert_msg(strstr(p->error, c->error), "%s (%s): error '%s'",
		              c->name, how, p->error);
		if (c->total)
			ck_assert_uint_eq(p->total, c->total);
		return;
	}
	ck_assert_msg(p->total == total, "%s (%s): consumed %zu, want %zu",
	              c->name, how, p->total, total);
	ck_assert_int_eq(r->kind, c->kind);
	ck_assert_uint_eq(r->record_version, c->record_version);
	ck_assert_uint_eq(r->version, c->version);
	ck_assert_uint_eq(r->cipher_suite, c->suite);
	ck_assert_uint_eq(r->compression, c->compression);
	ck_assert_msg(r->ext_seen == c->ext, "%s: extensions 0x%x, want 0x%x",
	              c->name, r->ext_seen, c->ext);
	ck_assert_uint_eq(r->session_id_len, c->session_id_len);
	ck_assert_uint_eq(r->cert_count, c->certs);
	ck_assert_uint_eq(r->certificate_seen, c->certs > 0);
	ck_assert_uint_eq(r->cert_list_len, c->cert_list_len);
	ck_assert_uint_eq(r->dh_bits, c->dh_bits);
	ck_assert_uint_eq(r->ecdh_curve, c->curve);
	ck_assert_uint_eq(r->ecdh_explicit, c->explicit_curve);
	ck_assert_uint_eq(r->server_hello_done, c->shd);
	ck_assert_uint_eq(r->hello_retry, c->hrr);
	ck_assert_uint_eq(r->cert_request_seen, c->cert_request);
	ck_assert_uint_eq(r->cert_status_seen, c->ocsp_len > 0);
	ck_assert_uint_eq(r->cert_status_len, c->ocsp_len);
	if (c->ocsp_len)
		ck_assert_uint_eq(r->cert_status_type, 1);
	ck_assert_uint_eq(r->has_alert, c->has_alert);
	ck_assert_uint_eq(r->alert_level, c->alert_level);
	ck_assert_uint_eq(r->alert_desc, c->alert_desc);
	ck_assert_uint_eq(r->rsa_export_bits, c->rsa_bits);
	ck_assert_str_eq(r->alpn, c->alpn ? c->alpn : "");
	ck_assert_uint_eq(r->alpn_len, c->alpn ? strlen(c->alpn) : 0);
	ck_assert_uint_eq(r->heartbeat_mode, c->heartbeat);
	ck_assert_uint_eq(r->key_share_group, c->key_share);
	ck_assert_uint_eq(r->ske_sig_alg, c->sig_alg);
	ck_assert_uint_eq(r->downgrade_sentinel, c->downgrade);
	ck_assert_uint_eq(r->ec_point_formats, c->points);
	ck_assert_uint_eq(r->sslv2_version, c->sslv2_version);
	ck_assert_uint_eq(r->sslv2_cipher_specs, c->sslv2_specs);
	ck_assert_uint_eq(r->sslv2_specs[0], c->sslv2_spec0);
	ck_assert_uint_eq(r->sslv2_error, c->sslv2_error);
	/* the first bytes fed (at least those consumed), up to 32 */
	ck_assert_uint_le(r->prefix_len, 32);
	ck_assert_uint_ge(r->prefix_len, total < 32 ? total : 32);
	ck_assert_mem_eq(r->prefix, c->make ? g_in.b : c->data, r->prefix_len);
}

/* Feeds data in pieces: [0,a), [a,b), [b,len) (empty pieces included). */
static int
feed3(struct tlshello_parser *p, const uint8_t *d, size_t len, size_t a,
      size_t b)
{
	tlshello_parser_init(p);
	tlshello_parser_feed(p, d, a);
	tlshello_parser_feed(p, d + a, b - a);
	return tlshello_parser_feed(p, d + b, len - b);
}

static struct tlshello_parser g_p;

START_TEST(test_parse_case)
{
	static const size_t chunks[] = {2, 3, 5, 7, 13, 64, 1000, 5000};
	const struct pcase *c = &pcases[_i];
	const uint8_t *d;
	size_t len, k, i, off, step;
	int st = TLSHELLO_NEED_MORE;
	char how[64];

	case_input(c, &d, &len);

	tlshello_parser_init(&g_p);
	check_result(c, &g_p, len, tlshello_parser_feed(&g_p, d, len), "whole");
	/* sticky: nothing more is consumed */
	k = g_p.total;
	ck_assert_int_eq(tlshello_parser_feed(&g_p, d, len), c->status);
	ck_assert_int_eq(tlshello_parser_feed(&g_p, NULL, 0), c->status);
	ck_assert_uint_eq(g_p.total, k);

	/* split at every byte (sampled for the 256 KiB case) */
	step = len > 20000 ? len / 97 : 1;
	for (k = 0; k <= len; k += step) {
		snprintf(how, sizeof(how), "split at %zu", k);
		check_result(c, &g_p, len, feed3(&g_p, d, len, k, k), how);
	}
	/* three pieces */
	for (k = 0; k + 3 <= len && len <= 20000; k += 3) {
		snprintf(how, sizeof(how), "split at %zu and %zu", k / 2, k);
		check_result(c, &g_p, len, feed3(&g_p, d, len, k / 2, k), how);
	}
	/* byte by byte */
	tlshello_parser_init(&g_p);
	for (i = 0; i < len; i++)
		st = tlshello_parser_feed(&g_p, d + i, 1);
	check_result(c, &g_p, len, st, "byte by byte");
	/* fixed chunk sizes */
	for (k = 0; k < ARRAY_LEN(chunks); k++) {
		tlshello_parser_init(&g_p);
		for (off = 0; off < len; off += chunks[k])
			st = tlshello_parser_feed(
			    &g_p, d + off,
			    len - off < chunks[k] ? len - off : chunks[k]);
		snprintf(how, sizeof(how), "chunks of %zu", chunks[k]);
		check_result(c, &g_p, len, st, how);
	}
	/* truncated: NEED_MORE (ERROR cases may fail early, never DONE) */
	for (k = 0; k < (c->total ? c->total : len); k += step) {
		tlshello_parser_init(&g_p);
		st = tlshello_parser_feed(&g_p, d, k);
		if (c->status == TLSHELLO_DONE)
			ck_assert_msg(st == TLSHELLO_NEED_MORE,
			              "%s: prefix %zu gives %d (%s)", c->name,
			              k, st, g_p.error ? g_p.error : "-");
		else
			ck_assert_int_ne(st, TLSHELLO_DONE);
	}
}
END_TEST

/* ---- garbage and mutations -------------------------------------------- */

static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

struct outcome {
	int status;
	size_t total;
	enum tlshello_kind kind;
	uint16_t version, suite;
	unsigned ext, certs, dh_bits;
	const char *error;
};

static struct outcome
outcome_of(const struct tlshello_parser *p, int st)
{
	struct outcome o = {
	    .status = st,
	    .total = p->total,
	    .kind = p->r.kind,
	    .version = p->r.version,
	    .suite = p->r.cipher_suite,
	    .ext = p->r.ext_seen,
	    .certs = p->r.cert_count,
	    .dh_bits = p->r.dh_bits,
	    .error = p->error,
	};

	return o;
}

static void
assert_same(const struct outcome *a, const struct outcome *b, const char *what,
            unsigned iter)
{
	ck_assert_msg(a->status == b->status && a->total == b->total &&
	                  a->kind == b->kind && a->version == b->version &&
	                  a->suite == b->suite && a->ext == b->ext &&
	                  a->certs == b->certs && a->dh_bits == b->dh_bits &&
	                  a->error == b->error,
	              "iteration %u: %s differs (status %d/%d, total "
	              "%zu/%zu, error %s/%s)",
	              iter, what, a->status, b->status, a->total, b->total,
	              a->error ? a->error : "-", b->error ? b->error : "-");
}

/* Whole, byte by byte and at a random split: same outcome, sane values. */
static void
replay_three_ways(const uint8_t *d, size_t len, unsigned iter)
{
	struct outcome whole, bytes, split;
	size_t i, k = len ? rng() % (len + 1) : 0;
	int st = TLSHELLO_NEED_MORE;

	tlshello_parser_init(&g_p);
	whole = outcome_of(&g_p, tlshello_parser_feed(&g_p, d, len));
	ck_assert(whole.status == TLSHELLO_NEED_MORE ||
	          whole.status == TLSHELLO_DONE ||
	          whole.status == TLSHELLO_ERROR);
	ck_assert_uint_le(whole.total, len);
	ck_assert((whole.status == TLSHELLO_ERROR) == (whole.error != NULL));
	if (whole.status == TLSHELLO_NEED_MORE)
		ck_assert_uint_eq(whole.total, len);
	if (whole.status == TLSHELLO_DONE)
		ck_assert_int_ne(whole.kind, TLSHELLO_KIND_NONE);

	tlshello_parser_init(&g_p);
	for (i = 0; i < len; i++)
		st = tlshello_parser_feed(&g_p, d + i, 1);
	bytes = outcome_of(&g_p, len ? st : TLSHELLO_NEED_MORE);
	assert_same(&whole, &bytes, "byte by byte", iter);

	split = outcome_of(&g_p, feed3(&g_p, d, len, k / 2, k));
	assert_same(&whole, &split, "split", iter);
}

START_TEST(test_garbage_table)
{
	static const struct {
		const char *b;
		size_t n;
	} garbage[] = {
	    {"", 0},
	    {"\026", 1},
	    {"\026\003", 2},
	    {"\026\003\003\000", 4},
	    {"\025\003\003\000\001\002", 6},
	    {"\377\377\377\377\377\377", 6},
	    {"\200\000\004", 3},
	    {"\200\001\004", 3},
	    {"\200\002\000\000", 4},
	    {"\000\000\000\000\000\000", 6},
	    {"\026\003\003\000\004\002\000\000\000", 9},
	    {"\026\003\003\000\004\013\000\000\000", 9},
	    {"\026\003\003\000\004\000\000\000\001", 9},
	    {"\030\003\003\000\003abc", 8},
	    {"\024\003\001\000\001\001", 6},
	    {"\026\003\003\100\001", 5},
	    {"\026\003\003\110\001", 5},
	    {"\x16\x03\x03\x00\x2a\x02\x00\x00\x26\x03\x03"
	     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00\x00\x2f\x00",
	     47},
	    {"\x16\x03\x03\x00\x2a\x02\x00\x00\x26\x03\x03"
	     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00\x00\x2f\x00"
	     "\x16\x03\x03\x00\x04\x0e\x00\x00\x00",
	     56},
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(garbage); i++)
		replay_three_ways((const uint8_t *)garbage[i].b, garbage[i].n,
		                  (unsigned)i);
	/* the 16384 + 2048 record bound is inclusive */
	tlshello_parser_init(&g_p);
	ck_assert_int_eq(tlshello_parser_feed(
	                     &g_p, (const uint8_t *)"\025\003\003\110\000", 5),
	                 TLSHELLO_NEED_MORE);
	tlshello_parser_init(&g_p);
	ck_assert_int_eq(tlshello_parser_feed(
	                     &g_p, (const uint8_t *)"\025\003\003\110\001", 5),
	                 TLSHELLO_ERROR);
	/* the minimal flight: ServerHello without extensions, then done */
	tlshello_parser_init(&g_p);
	ck_assert_int_eq(
	    tlshello_parser_feed(&g_p, (const uint8_t *)garbage[18].b, 56),
	    TLSHELLO_DONE);
	ck_assert_uint_eq(g_p.r.cipher_suite, 0x002f);
	ck_assert(g_p.r.server_hello_done);
}
END_TEST

static uint8_t g_buf[8192];

START_TEST(test_random_garbage)
{
	unsigned iter;
	size_t len, i;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (iter = 0; iter < 3000; iter++) {
		len = rng() % 600;
		for (i = 0; i < len; i++)
			g_buf[i] = (uint8_t)rng();
		switch (iter % 4) {
		case 1: /* a plausible record header */
			if (len >= 5) {
				g_buf[0] = (uint8_t)(20 + rng() % 5);
				g_buf[1] = 3;
				g_buf[2] = (uint8_t)(rng() % 5);
				g_buf[3] = (uint8_t)(rng() % 3);
			}
			break;
		case 2: /* ... carrying a plausible handshake header */
			if (len >= 9) {
				static const uint8_t types[] = {0,  2,  11, 12,
				                                13, 14, 22, 99};

				g_buf[0] = 22;
				g_buf[1] = 3;
				g_buf[2] = 3;
				g_buf[3] = (uint8_t)((len - 5) >> 8);
				g_buf[4] = (uint8_t)(len - 5);
				g_buf[5] = types[rng() % ARRAY_LEN(types)];
				g_buf[6] = 0;
				g_buf[7] = (uint8_t)(rng() % 3);
			}
			break;
		case 3: /* SSLv2-looking */
			if (len >= 3) {
				g_buf[0] |= 0x80;
				g_buf[2] = (uint8_t)(rng() % 2 ? 4 : 0);
			}
			break;
		default:
			break;
		}
		replay_three_ways(g_buf, len, iter);
	}
}
END_TEST

/* Every valid case with 1-4 bytes overwritten, or truncated. */
START_TEST(test_mutated_cases)
{
	const struct pcase *c = &pcases[_i];
	const uint8_t *d;
	size_t len, i, m, cut;
	unsigned iter;
	static uint8_t buf[FLIGHT_MAX];

	case_input(c, &d, &len);
	if (len > 20000)
		return; /* the big ones are covered by the split tests */
	rng_state = 0x1234567ull + (uint64_t)_i;
	for (iter = 0; iter < 300; iter++) {
		memcpy(buf, d, len);
		m = 1 + rng() % 4;
		for (i = 0; i < m && len; i++) {
			size_t at = rng() % len;

			switch (rng() % 3) {
			case 0:
				buf[at] = (uint8_t)rng();
				break;
			case 1:
				buf[at] = 0xff;
				break;
			default:
				buf[at] = 0;
				break;
			}
		}
		cut = rng() % 4 ? len : rng() % (len + 1);
		replay_three_ways(buf, cut, iter);
	}
}
END_TEST

START_TEST(test_client_hello_mutated)
{
	static struct tlshello_client_hello ch;
	static const char *const alpn[] = {"imap"};
	uint8_t seed[TLSHELLO_SEED_LEN], out[2048], buf[2048];
	struct tlshello_params p = {
	    .client_version = TLS_VERSION_1_2,
	    .suites = some_suites,
	    .nsuites = ARRAY_LEN(some_suites),
	    .sni = "mail.example.org",
	    .ext = TLSHELLO_EXT_DEFAULT | TLSHELLO_EXT_ALPN |
	           TLSHELLO_EXT_HEARTBEAT | TLSHELLO_EXT_SUPPORTED_VERSIONS |
	           TLSHELLO_EXT_KEY_SHARE,
	    .alpn = alpn,
	    .nalpn = 1,
	    .seed = seed,
	};
	size_t n, i, cut;
	unsigned iter;
	int r;

	make_seed(seed);
	n = tlshello_build(out, sizeof(out), &p);
	rng_state = 0xfeedfaceull;
	for (iter = 0; iter < 5000; iter++) {
		memcpy(buf, out, n);
		for (i = 0; i < 1 + rng() % 4; i++)
			buf[rng() % n] = (uint8_t)rng();
		if (iter % 7 == 0)
			buf[0] |= 0x80; /* as an SSLv2 hello */
		cut = rng() % 3 ? n : rng() % (n + 1);
		r = tlshello_parse_client_hello(buf, cut, &ch);
		ck_assert(r == TLSHELLO_DONE || r == TLSHELLO_NEED_MORE ||
		          r == TLSHELLO_ERROR);
		if (r == TLSHELLO_DONE) {
			ck_assert_uint_le(ch.consumed, cut);
			ck_assert_uint_le(ch.nsuites, TLSHELLO_CH_MAX_SUITES);
			ck_assert_uint_lt(strlen(ch.sni), sizeof(ch.sni));
		}
		if (r == TLSHELLO_ERROR)
			ck_assert_ptr_nonnull(ch.error);
	}
}
END_TEST

START_TEST(test_feed_null_and_init)
{
	tlshello_parser_init(&g_p);
	ck_assert_int_eq(tlshello_parser_feed(&g_p, NULL, 0),
	                 TLSHELLO_NEED_MORE);
	ck_assert_int_eq(g_p.r.kind, TLSHELLO_KIND_NONE);
	ck_assert_ptr_null(g_p.error);
	ck_assert_uint_eq(g_p.total, 0);
	/* a parser can be reused after init */
	ck_assert_int_eq(tlshello_parser_feed(&g_p, (const uint8_t *)"+OK", 3),
	                 TLSHELLO_DONE);
	tlshello_parser_init(&g_p);
	ck_assert_int_eq(tlshello_parser_feed(&g_p, cap_gnutls_alert_tls10,
	                                      sizeof(cap_gnutls_alert_tls10)),
	                 TLSHELLO_DONE);
	ck_assert_str_eq(tls_alert_name(g_p.r.alert_desc), "protocol_version");
}
END_TEST

Suite *
tlshello_suite(void)
{
	Suite *s = suite_create("tlshello");
	TCase *tc;

	tc = tcase_create("builder");
	tcase_add_test(tc, test_build_default);
	tcase_add_test(tc, test_build_sni_rules);
	tcase_add_test(tc, test_build_sslv3_layout);
	tcase_add_test(tc, test_build_tls13);
	tcase_add_loop_test(tc, test_build_toggle, 0, (int)ARRAY_LEN(toggles));
	tcase_add_test(tc, test_build_no_extensions);
	tcase_add_test(tc, test_build_groups_scsv_deflate_alpn);
	tcase_add_test(tc, test_build_padding);
	tcase_add_test(tc, test_build_invalid);
	tcase_add_test(tc, test_build_sslv2);
	tcase_add_test(tc, test_client_hello_roundtrip);
	tcase_add_test(tc, test_client_hello_hostile);
	tcase_add_test(tc, test_client_hello_mutated);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_parse_case, 0, (int)ARRAY_LEN(pcases));
	tcase_add_test(tc, test_garbage_table);
	tcase_add_test(tc, test_random_garbage);
	tcase_add_loop_test(tc, test_mutated_cases, 0, (int)ARRAY_LEN(pcases));
	tcase_add_test(tc, test_feed_null_and_init);
	suite_add_tcase(s, tc);
	return s;
}
