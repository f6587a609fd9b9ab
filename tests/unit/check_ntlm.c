/*
 * NTLM: the NEGOTIATE message byte for byte; a realistic CHALLENGE
 * (Windows Server 2019 member MAIL01 of CORP, built here byte by byte)
 * decoded exactly; the MS-NLMP NTLMv2 example CHALLENGE; and hostile
 * challenges: security buffers outside the message or in its header,
 * empty and odd-length strings, truncation at every length, broken
 * AV_PAIR lists, and random mutations. Every parse reads from a heap
 * copy of exactly the message length, so ASan sees any overread.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/base64.h"
#include "probes/ntlm.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *ntlm_suite(void);

#define FLAGS_W2019 0xE2898215u
/* 2024-05-06 07:08:09 UTC plus 0.1234567 s, as FILETIME */
#define TS_FILETIME 133594528891234567ULL
#define TS_UNIX     1714979289

static const uint8_t server_challenge[8] = {0x11, 0x22, 0x33, 0x44,
                                            0x55, 0x66, 0x77, 0x88};

struct msg {
	uint8_t b[4096];
	size_t n;
};

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Appends ASCII s as UTF-16LE. */
static void
add_utf16(struct msg *m, const char *s)
{
	for (; *s; s++) {
		m->b[m->n++] = (uint8_t)*s;
		m->b[m->n++] = 0;
	}
}

static void
add_av(struct msg *m, unsigned id, const char *value)
{
	put16(m->b + m->n, id);
	put16(m->b + m->n + 2, (unsigned)(2 * strlen(value)));
	m->n += 4;
	add_utf16(m, value);
}

static void
add_av_raw(struct msg *m, unsigned id, const void *v, size_t n)
{
	put16(m->b + m->n, id);
	put16(m->b + m->n + 2, (unsigned)n);
	if (n > 0)
		memcpy(m->b + m->n + 4, v, n);
	m->n += 4 + n;
}

/* Header fields of the realistic challenge; layout: 56-byte header,
 * TargetName "CORP" at 56, TargetInfo at 64. */
#define TN_OFF        56
#define TI_OFF        64
#define REALISTIC_LEN 230

static void
header(struct msg *m, uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "NTLMSSP", 8); /* with its NUL */
	put32(m->b + 8, 2);
	put32(m->b + 20, flags);
	memcpy(m->b + 24, server_challenge, 8);
	/* Version 10.0.17763, NTLMSSP_REVISION_W2K3 */
	m->b[48] = 10;
	m->b[49] = 0;
	put16(m->b + 50, 17763);
	m->b[55] = 15;
	m->n = 56;
}

static void
set_target_name(struct msg *m, unsigned len, uint32_t off)
{
	put16(m->b + 12, len);
	put16(m->b + 14, len);
	put32(m->b + 16, off);
}

static void
set_target_info(struct msg *m, unsigned len, uint32_t off)
{
	put16(m->b + 40, len);
	put16(m->b + 42, len);
	put32(m->b + 44, off);
}

static void
realistic(struct msg *m)
{
	uint8_t ts[8];
	size_t ti;

	header(m, FLAGS_W2019);
	add_utf16(m, "CORP");
	set_target_name(m, 8, TN_OFF);
	ti = m->n;
	add_av(m, 2, "CORP");
	add_av(m, 1, "MAIL01");
	add_av(m, 4, "corp.example.com");
	add_av(m, 3, "mail01.corp.example.com");
	add_av(m, 5, "corp.example.com");
	put64(ts, TS_FILETIME);
	add_av_raw(m, 7, ts, 8);
	add_av_raw(m, 0, NULL, 0);
	set_target_info(m, (unsigned)(m->n - ti), (uint32_t)ti);
}

/* Starts a challenge with only a TargetInfo list (no TargetName); the
 * caller appends AV_PAIRs and calls finish_info. */
static size_t
info_only(struct msg *m, uint32_t flags)
{
	header(m, flags);
	return m->n;
}

static void
finish_info(struct msg *m, size_t ti)
{
	set_target_info(m, (unsigned)(m->n - ti), (uint32_t)ti);
}

/* Parses from a heap buffer of exactly n bytes. */
static int
parse_exact(const uint8_t *p, size_t n, struct ntlm_challenge *c)
{
	uint8_t *copy = malloc(n ? n : 1);
	int r;

	ck_assert_ptr_nonnull(copy);
	if (n)
		memcpy(copy, p, n);
	r = ntlm_parse_challenge(copy, n, c);
	free(copy);
	return r;
}

static bool
printable(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static void
assert_sane(const struct ntlm_challenge *c)
{
	const struct ntlm_str *s[] = {
	    &c->target,     &c->nb_computer, &c->nb_domain, &c->dns_computer,
	    &c->dns_domain, &c->dns_tree,    &c->av_target};
	char d[2048];

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		ck_assert(printable(s[i]->text, NTLM_STR_MAX));
		ck_assert(s[i]->present || s[i]->text[0] == '\0');
	}
	ck_assert(printable(c->notes, NTLM_NOTES_MAX - 1));
	ck_assert(c->nnotes > 0 || c->notes[0] == '\0');
	ck_assert_uint_le(c->av_pairs, NTLM_MAX_AV_PAIRS);
	ck_assert_uint_lt(ntlm_describe(c, d, sizeof(d)), sizeof(d));
	ck_assert(printable(d, sizeof(d) - 1));
}

START_TEST(test_negotiate)
{
	static const uint8_t expect[NTLM_NEGOTIATE_LEN] = {
	    'N', 'T',  'L',  'M',  'S',  'S', 'P', 0, 1, 0, 0,
	    0,   0x07, 0x82, 0x08, 0xA0, 0,   0,   0, 0, 0, 0,
	    0,   0,    0,    0,    0,    0,   0,   0, 0, 0};
	uint8_t out[64];
	char b64[64];

	memset(out, 0xAA, sizeof(out));
	ck_assert_uint_eq(ntlm_negotiate(out, sizeof(out)), NTLM_NEGOTIATE_LEN);
	ck_assert_mem_eq(out, expect, NTLM_NEGOTIATE_LEN);
	ck_assert_uint_eq(out[NTLM_NEGOTIATE_LEN], 0xAA);
	ck_assert_uint_eq(NTLM_NEGOTIATE_FLAGS,
	                  NTLM_FLAG_UNICODE | NTLM_FLAG_OEM |
	                      NTLM_FLAG_REQUEST_TARGET | NTLM_FLAG_NTLM |
	                      NTLM_FLAG_ALWAYS_SIGN |
	                      NTLM_FLAG_EXTENDED_SESSIONSECURITY |
	                      NTLM_FLAG_128 | NTLM_FLAG_56);

	memset(out, 0xAA, sizeof(out));
	ck_assert_uint_eq(ntlm_negotiate(out, NTLM_NEGOTIATE_LEN - 1), 0);
	ck_assert_uint_eq(out[0], 0xAA);
	ck_assert_uint_eq(ntlm_negotiate(NULL, 64), 0);

	/* the literal matches the message, and what the fake server and
	 * nmap's scripts key on */
	ntlm_negotiate(out, sizeof(out));
	ck_assert_int_eq(
	    base64_encode(out, NTLM_NEGOTIATE_LEN, b64, sizeof(b64)), 44);
	ck_assert_str_eq(ntlm_negotiate_base64(), b64);
	ck_assert_str_eq(ntlm_negotiate_base64(),
	                 "TlRMTVNTUAABAAAAB4IIoAAAAAAAAAAAAAAAAAAAAAA=");
	ck_assert(strncmp(ntlm_negotiate_base64(), "TlRMTVNTUAAB", 12) == 0);
}
END_TEST

START_TEST(test_realistic)
{
	struct msg m;
	struct ntlm_challenge c;
	char d[512];

	realistic(&m);
	ck_assert_uint_eq(m.n, REALISTIC_LEN);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_uint_eq(c.flags, FLAGS_W2019);
	ck_assert_mem_eq(c.server_challenge, server_challenge, 8);
	ck_assert(c.target.present);
	ck_assert_str_eq(c.target.text, "CORP");
	ck_assert_str_eq(c.nb_domain.text, "CORP");
	ck_assert_str_eq(c.nb_computer.text, "MAIL01");
	ck_assert_str_eq(c.dns_domain.text, "corp.example.com");
	ck_assert_str_eq(c.dns_computer.text, "mail01.corp.example.com");
	ck_assert_str_eq(c.dns_tree.text, "corp.example.com");
	ck_assert(c.nb_domain.present && c.nb_computer.present &&
	          c.dns_domain.present && c.dns_computer.present &&
	          c.dns_tree.present);
	ck_assert(!c.av_target.present);
	ck_assert(c.has_timestamp);
	ck_assert_uint_eq(c.filetime, TS_FILETIME);
	ck_assert_int_eq((long long)c.timestamp, TS_UNIX);
	ck_assert(!c.has_av_flags && !c.has_single_host &&
	          !c.has_channel_bindings);
	ck_assert(c.has_target_info && c.av_eol);
	ck_assert_uint_eq(c.av_pairs, 6);
	ck_assert(c.has_version);
	ck_assert_uint_eq(c.ver_major, 10);
	ck_assert_uint_eq(c.ver_minor, 0);
	ck_assert_uint_eq(c.ver_build, 17763);
	ck_assert_uint_eq(c.ntlm_revision, 15);
	ck_assert_uint_eq(c.nnotes, 0);
	ck_assert_str_eq(c.notes, "");
	ck_assert(ntlm_discloses(&c));
	ck_assert_uint_eq(ntlm_describe(&c, d, sizeof(d)), strlen(d));
	ck_assert_str_eq(d, "target CORP; NetBIOS computer MAIL01; NetBIOS "
	                    "domain CORP; DNS computer "
	                    "mail01.corp.example.com; DNS domain "
	                    "corp.example.com; DNS tree corp.example.com; OS "
	                    "version 10.0 build 17763");
}
END_TEST

/* The same message through base64, as it arrives after "+ ". */
START_TEST(test_realistic_base64)
{
	struct msg m;
	struct ntlm_challenge c;
	char text[BASE64_ENCODED_LEN(REALISTIC_LEN) + 1];
	uint8_t raw[REALISTIC_LEN + 8];
	ssize_t k, r;

	realistic(&m);
	k = base64_encode(m.b, m.n, text, sizeof(text));
	ck_assert_int_gt(k, 0);
	r = base64_decode(text, (size_t)k, raw, sizeof(raw));
	ck_assert_int_eq(r, REALISTIC_LEN);
	ck_assert_int_eq(parse_exact(raw, (size_t)r, &c), 0);
	ck_assert_str_eq(c.dns_computer.text, "mail01.corp.example.com");
}
END_TEST

/* MS-NLMP §4.2.4.3 (NTLMv2 example) CHALLENGE_MESSAGE, as remembered
 * from the specification (section number unverified; the bytes are
 * self-consistent: every length and offset adds up). Not a wire
 * capture: none was available offline. */
START_TEST(test_msnlmp_example)
{
	static const uint8_t ex[] = {
	    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82,
	    0x8a, 0xe2, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00,
	    0x44, 0x00, 0x00, 0x00, 0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00,
	    0x0f, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00,
	    0x72, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00, 0x6d,
	    0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00,
	    0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72,
	    0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t chal[8] = {0x01, 0x23, 0x45, 0x67,
	                                0x89, 0xab, 0xcd, 0xef};
	struct ntlm_challenge c;
	char d[256];

	ck_assert_uint_eq(sizeof(ex), 104);
	ck_assert_int_eq(parse_exact(ex, sizeof(ex), &c), 0);
	ck_assert_uint_eq(c.flags, 0xe28a8233u);
	ck_assert_mem_eq(c.server_challenge, chal, 8);
	ck_assert_str_eq(c.target.text, "Server");
	ck_assert_str_eq(c.nb_domain.text, "Domain");
	ck_assert_str_eq(c.nb_computer.text, "Server");
	ck_assert(!c.dns_computer.present && !c.dns_domain.present &&
	          !c.dns_tree.present && !c.has_timestamp);
	ck_assert(c.av_eol);
	ck_assert_uint_eq(c.av_pairs, 2);
	ck_assert(c.has_version);
	ck_assert_uint_eq(c.ver_major, 6);
	ck_assert_uint_eq(c.ver_minor, 0);
	ck_assert_uint_eq(c.ver_build, 6000);
	ck_assert_uint_eq(c.ntlm_revision, 15);
	ck_assert_uint_eq(c.nnotes, 0);
	ck_assert(ntlm_discloses(&c));
	ntlm_describe(&c, d, sizeof(d));
	ck_assert_str_eq(d, "target Server; NetBIOS computer Server; NetBIOS "
	                    "domain Domain; OS version 6.0 build 6000");
}
END_TEST

/* Dovecot's lib-ntlm challenge: TargetName and DnsComputerName only, no
 * Version field. */
START_TEST(test_dovecot_like)
{
	struct msg m;
	struct ntlm_challenge c;
	char d[256];
	size_t ti;

	header(&m, 0x00810201u); /* Unicode|NTLM|TargetTypeServer|TargetInfo */
	memset(m.b + 48, 0, 8);
	add_utf16(&m, "VM");
	set_target_name(&m, 4, TN_OFF);
	ti = m.n;
	add_av(&m, 3, "vm.lab.example");
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.has_version);
	ck_assert(ntlm_discloses(&c));
	ntlm_describe(&c, d, sizeof(d));
	ck_assert_str_eq(d, "target VM; DNS computer vm.lab.example");
}
END_TEST

START_TEST(test_no_disclosure)
{
	struct msg m;
	struct ntlm_challenge c;
	uint8_t ts[8] = {0};
	char d[256];
	size_t ti;

	/* Timestamp only; Version bytes present but the flag is not set */
	ti = info_only(&m, FLAGS_W2019 & ~NTLM_FLAG_VERSION);
	add_av_raw(&m, 7, ts, 8);
	add_av(&m, 1, ""); /* present but empty: names nothing */
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.has_version);
	ck_assert(c.nb_computer.present);
	ck_assert_str_eq(c.nb_computer.text, "");
	ck_assert(!ntlm_discloses(&c));
	ck_assert_uint_eq(ntlm_describe(&c, d, sizeof(d)), 0);
	ck_assert_str_eq(d, "");
	/* FILETIME 0 is 1601-01-01 */
	ck_assert_int_eq((long long)c.timestamp, -11644473600LL);

	/* an all-zero Version is no disclosure either */
	ti = info_only(&m, FLAGS_W2019);
	memset(m.b + 48, 0, 8);
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(c.has_version);
	ck_assert(!ntlm_discloses(&c));
	ck_assert_uint_eq(ntlm_describe(&c, d, sizeof(d)), 0);

	/* TargetName alone does not count */
	header(&m, FLAGS_W2019 & ~NTLM_FLAG_VERSION);
	add_utf16(&m, "CORP");
	set_target_name(&m, 8, TN_OFF);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(c.target.present && !c.has_target_info);
	ck_assert(!ntlm_discloses(&c));
	ntlm_describe(&c, d, sizeof(d));
	ck_assert_str_eq(d, "target CORP");
	ck_assert(!ntlm_discloses(NULL));
}
END_TEST

START_TEST(test_other_av_pairs)
{
	struct msg m;
	struct ntlm_challenge c;
	uint8_t flags[4] = {0x02, 0, 0, 0}, sh[48] = {0}, cb[16] = {0};
	size_t ti;

	ti = info_only(&m, FLAGS_W2019);
	add_av_raw(&m, 6, flags, 4);
	add_av_raw(&m, 8, sh, sizeof(sh));
	add_av(&m, 9, "imap/mail01");
	add_av_raw(&m, 10, cb, sizeof(cb));
	add_av(&m, 0x7777, "unknown"); /* skipped */
	add_av(&m, 2, "CORP");
	add_av(&m, 2, "OTHER"); /* duplicate: first wins, noted */
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(c.has_av_flags);
	ck_assert_uint_eq(c.av_flags, 2);
	ck_assert(c.has_single_host && c.has_channel_bindings);
	ck_assert_str_eq(c.av_target.text, "imap/mail01");
	ck_assert_str_eq(c.nb_domain.text, "CORP");
	ck_assert_uint_eq(c.av_pairs, 7);
	ck_assert_uint_eq(c.nnotes, 1);
	ck_assert_str_eq(c.notes, "duplicate NbDomainName ignored");
}
END_TEST

/* Non-ASCII, controls, backslashes, surrogates. */
START_TEST(test_utf16_escaping)
{
	static const uint16_t units[] = {'A',    0x00e9, '\\',   '\r',   '\n',
	                                 '\t',   0x0001, 0x007f, 0xd83d, 0xde00,
	                                 0xdc00, 'Z',    0xd800, 0x4e2d};
	struct msg m;
	struct ntlm_challenge c;
	size_t ti;

	ti = info_only(&m, FLAGS_W2019);
	put16(m.b + m.n, 1);
	put16(m.b + m.n + 2, (unsigned)(2 * (sizeof(units) / 2)));
	m.n += 4;
	for (size_t i = 0; i < sizeof(units) / 2; i++) {
		put16(m.b + m.n, units[i]);
		m.n += 2;
	}
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_str_eq(c.nb_computer.text,
	                 "A\\u00e9\\\\\\r\\n\\t\\u0001\\u007f\\ud83d\\ude00"
	                 "\\udc00Z\\ud800\\u4e2d");
	assert_sane(&c);
}
END_TEST

/* OEM TargetName (Unicode flag clear) goes through escape_bytes. */
START_TEST(test_oem_target)
{
	struct msg m;
	struct ntlm_challenge c;

	header(&m, (FLAGS_W2019 & ~NTLM_FLAG_UNICODE) | NTLM_FLAG_OEM);
	memcpy(m.b + m.n, "CORP\x01\xe9\\", 7);
	m.n += 7;
	set_target_name(&m, 7, TN_OFF); /* odd is fine in OEM */
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_str_eq(c.target.text, "CORP\\x01\\xe9\\\\");
	ck_assert_uint_eq(c.nnotes, 0);
}
END_TEST

/* Long names stop at NTLM_STR_MAX characters with a marker. */
START_TEST(test_long_names)
{
	struct msg m;
	struct ntlm_challenge c;
	char name[1001];
	size_t ti, len;

	memset(name, 'a', 1000);
	name[1000] = '\0';
	ti = info_only(&m, FLAGS_W2019);
	add_av(&m, 3, name);
	/* escapes are 6 characters and never split */
	put16(m.b + m.n, 4);
	put16(m.b + m.n + 2, 400);
	m.n += 4;
	for (int i = 0; i < 200; i++) {
		put16(m.b + m.n, 0x00e9);
		m.n += 2;
	}
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	len = strlen(c.dns_computer.text);
	ck_assert_uint_le(len, NTLM_STR_MAX);
	ck_assert_uint_ge(len, NTLM_STR_MAX - 20);
	ck_assert_ptr_nonnull(strstr(c.dns_computer.text, "...[+"));
	ck_assert(strncmp(c.dns_computer.text, "aaaaaaaa", 8) == 0);
	len = strlen(c.dns_domain.text);
	ck_assert_uint_le(len, NTLM_STR_MAX);
	/* whole escapes only before the marker */
	ck_assert_uint_eq(
	    (size_t)(strstr(c.dns_domain.text, "...[+") - c.dns_domain.text) %
	        6,
	    0);
	ck_assert_uint_eq(c.nnotes, 0);
	assert_sane(&c);
}
END_TEST

START_TEST(test_not_a_challenge)
{
	struct msg m;
	struct ntlm_challenge c;

	realistic(&m);
	memset(&c, 0x55, sizeof(c));
	for (size_t n = 0; n < 32; n++) {
		ck_assert_int_eq(parse_exact(m.b, n, &c), -1);
		ck_assert(!c.target.present && c.av_pairs == 0);
	}
	m.b[7] = 'X'; /* the signature's NUL */
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), -1);
	realistic(&m);
	m.b[0] = 'n';
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), -1);
	realistic(&m);
	put32(m.b + 8, 1); /* a NEGOTIATE */
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), -1);
	put32(m.b + 8, 3);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), -1);
	put32(m.b + 8, 0x102);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), -1);
	ck_assert_int_eq(ntlm_parse_challenge(NULL, 100, &c), -1);
	ck_assert_int_eq(ntlm_parse_challenge(m.b, m.n, NULL), -1);
}
END_TEST

/* Security buffers that point outside the message or into its header:
 * the field is dropped with a note, the rest still parsed. */
static const struct {
	bool info; /* TargetInfo, else TargetName */
	unsigned len;
	uint32_t off;
	const char *note;
} bad_buffers[] = {
    {false, 8, REALISTIC_LEN, "outside"},
    {false, 8, REALISTIC_LEN - 7, "outside"},
    {false, 0xffff, TN_OFF, "outside"},
    {false, 8, 0xffffffffu, "outside"},
    {false, 0xffff, 0xfffffff8u, "outside"},
    {false, 8, 0, "overlaps"},
    {false, 8, 8, "overlaps"},
    {false, 8, 31, "overlaps"},
    {true, 166, REALISTIC_LEN, "outside"},
    {true, 166, TI_OFF + 1, "outside"},
    {true, 0xffff, TI_OFF, "outside"},
    {true, 166, 0xffffffffu, "outside"},
    {true, 166, 0x80000000u, "outside"},
    {true, 166, 0, "overlaps"},
    {true, 166, 24, "overlaps"},
    {true, 166, 40, "overlaps"},
};

START_TEST(test_bad_buffer)
{
	struct msg m;
	struct ntlm_challenge c;

	realistic(&m);
	if (bad_buffers[_i].info)
		set_target_info(&m, bad_buffers[_i].len, bad_buffers[_i].off);
	else
		set_target_name(&m, bad_buffers[_i].len, bad_buffers[_i].off);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_uint_eq(c.nnotes, 1);
	ck_assert_ptr_nonnull(strstr(c.notes, bad_buffers[_i].note));
	ck_assert_ptr_nonnull(strstr(
	    c.notes, bad_buffers[_i].info ? "TargetInfo" : "TargetName"));
	if (bad_buffers[_i].info) {
		ck_assert(!c.has_target_info && !c.nb_computer.present);
		ck_assert_str_eq(c.target.text, "CORP");
	} else {
		ck_assert(!c.target.present);
		ck_assert_str_eq(c.dns_computer.text,
		                 "mail01.corp.example.com");
	}
	/* Version still read: it sits in the fixed header */
	ck_assert(c.has_version);
	assert_sane(&c);
}
END_TEST

START_TEST(test_zero_lengths)
{
	struct msg m;
	struct ntlm_challenge c;

	realistic(&m);
	set_target_name(&m, 0, 0xffffffffu);
	set_target_info(&m, 0, 0);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.target.present && !c.has_target_info);
	ck_assert_uint_eq(c.nnotes, 0);
	ck_assert(
	    c.has_version); /* offset 0 of an empty buffer proves nothing */
	ck_assert(ntlm_discloses(&c));
}
END_TEST

START_TEST(test_odd_utf16)
{
	struct msg m;
	struct ntlm_challenge c;
	size_t ti;

	realistic(&m);
	set_target_name(&m, 7, TN_OFF);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.target.present);
	ck_assert_str_eq(c.notes,
	                 "TargetName has odd UTF-16 length 7; dropped");
	ck_assert_str_eq(c.nb_computer.text, "MAIL01");

	ti = info_only(&m, FLAGS_W2019);
	add_av_raw(&m, 1, "M\0A\0I", 5);
	add_av(&m, 2, "CORP");
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.nb_computer.present);
	ck_assert_str_eq(c.nb_domain.text, "CORP");
	ck_assert_str_eq(c.notes,
	                 "NbComputerName has odd UTF-16 length 5; dropped");
}
END_TEST

START_TEST(test_av_past_end)
{
	struct msg m;
	struct ntlm_challenge c;
	size_t ti;

	ti = info_only(&m, FLAGS_W2019);
	add_av(&m, 2, "CORP");
	add_av(&m, 1, "MAIL01");
	put16(m.b + ti + 12 + 2, 13); /* MAIL01 claims 13 of its 12 bytes */
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_str_eq(c.nb_domain.text, "CORP");
	ck_assert(!c.nb_computer.present && !c.av_eol);
	ck_assert_uint_eq(c.av_pairs, 1);
	ck_assert_str_eq(c.notes, "AV_PAIR 1 of length 13 runs past the end of "
	                          "TargetInfo");
	ck_assert(ntlm_discloses(&c));

	/* the pair's bytes exist in the message, just not in TargetInfo */
	ti = info_only(&m, FLAGS_W2019);
	add_av(&m, 2, "CORP");
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	put16(m.b + 40, 6); /* TargetInfoLen cuts into the first pair */
	m.n += 16;
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.nb_domain.present);
	ck_assert_ptr_nonnull(strstr(c.notes, "runs past"));

	/* a length near 0xffff */
	ti = info_only(&m, FLAGS_W2019);
	add_av_raw(&m, 3, "x\0", 2);
	put16(m.b + ti + 2, 0xffff);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.dns_computer.present);
}
END_TEST

START_TEST(test_no_eol)
{
	struct msg m;
	struct ntlm_challenge c;
	size_t ti;

	ti = info_only(&m, FLAGS_W2019);
	add_av(&m, 2, "CORP");
	add_av(&m, 1, "MAIL01");
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_str_eq(c.nb_computer.text, "MAIL01");
	ck_assert(!c.av_eol);
	ck_assert_str_eq(c.notes, "AV_PAIR list ends without MsvAvEOL");

	/* 1 to 3 stray bytes where the next header would be */
	for (int extra = 1; extra < 4; extra++) {
		ti = info_only(&m, FLAGS_W2019);
		add_av(&m, 2, "CORP");
		m.n += (size_t)extra;
		finish_info(&m, ti);
		ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
		ck_assert_str_eq(c.nb_domain.text, "CORP");
		ck_assert_str_eq(c.notes,
		                 "AV_PAIR header truncated at offset 12");
	}

	/* EOL with a length: accepted, noted; what follows is ignored */
	ti = info_only(&m, FLAGS_W2019);
	add_av_raw(&m, 0, "\1\2", 2);
	add_av(&m, 1, "AFTER");
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(c.av_eol && !c.nb_computer.present);
	ck_assert_str_eq(c.notes, "MsvAvEOL with length 2");
}
END_TEST

START_TEST(test_too_many_pairs)
{
	struct msg m;
	struct ntlm_challenge c;
	size_t ti;

	/* exactly NTLM_MAX_AV_PAIRS and EOL: fine */
	ti = info_only(&m, FLAGS_W2019);
	for (int i = 0; i < NTLM_MAX_AV_PAIRS; i++)
		add_av_raw(&m, 0x100, "zz", 2);
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_uint_eq(c.av_pairs, NTLM_MAX_AV_PAIRS);
	ck_assert(c.av_eol);
	ck_assert_uint_eq(c.nnotes, 0);

	/* one more, then a name that is never reached */
	ti = info_only(&m, FLAGS_W2019);
	for (int i = 0; i <= NTLM_MAX_AV_PAIRS; i++)
		add_av_raw(&m, 0x100, "zz", 2);
	add_av(&m, 1, "LATE");
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_uint_eq(c.av_pairs, NTLM_MAX_AV_PAIRS);
	ck_assert(!c.av_eol && !c.nb_computer.present);
	ck_assert_str_eq(c.notes, "more than 64 AV_PAIRs; rest ignored");

	/* hundreds of empty pairs (4 bytes each) stop just the same */
	ti = info_only(&m, FLAGS_W2019);
	for (int i = 0; i < 900; i++)
		add_av_raw(&m, 0x200, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_uint_eq(c.av_pairs, NTLM_MAX_AV_PAIRS);
}
END_TEST

START_TEST(test_bad_fixed_size_pairs)
{
	struct msg m;
	struct ntlm_challenge c;
	size_t ti;

	ti = info_only(&m, FLAGS_W2019);
	add_av_raw(&m, 7, "1234567", 7);
	add_av_raw(&m, 6, "12345", 5);
	add_av(&m, 3, "host.example");
	add_av_raw(&m, 0, NULL, 0);
	finish_info(&m, ti);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.has_timestamp && !c.has_av_flags);
	ck_assert_str_eq(c.dns_computer.text, "host.example");
	ck_assert_uint_eq(c.nnotes, 2);
	ck_assert_str_eq(c.notes, "Timestamp AV_PAIR of length 7; dropped; "
	                          "Flags AV_PAIR of length 5; dropped");
}
END_TEST

/* The header is 32 bytes when a payload starts at 32..47, 48 when one
 * starts at 48..55: the bytes there are payload, not fields. */
START_TEST(test_short_headers)
{
	struct msg m;
	struct ntlm_challenge c;

	/* 32-byte header, TargetName right after it */
	memset(&m, 0, sizeof(m));
	memcpy(m.b, "NTLMSSP", 8);
	put32(m.b + 8, 2);
	put32(m.b + 20, NTLM_FLAG_UNICODE | NTLM_FLAG_VERSION);
	m.n = 32;
	add_utf16(&m, "OLDDOMAIN1"); /* 20 bytes over 32..51 */
	set_target_name(&m, 20, 32);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_str_eq(c.target.text, "OLDDOMAIN1");
	ck_assert(!c.has_target_info && !c.has_version);
	ck_assert_uint_eq(c.nnotes, 0);

	/* 40-byte header (with the reserved/context field) */
	m.n = 40;
	add_utf16(&m, "OLDDOMAIN2XY");
	set_target_name(&m, 24, 40);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert_str_eq(c.target.text, "OLDDOMAIN2XY");
	ck_assert(!c.has_target_info && !c.has_version);
	ck_assert_uint_eq(c.nnotes, 0);

	/* 48-byte header; VERSION flag set, but TargetInfo starts at 48 */
	memset(&m, 0, sizeof(m));
	memcpy(m.b, "NTLMSSP", 8);
	put32(m.b + 8, 2);
	put32(m.b + 20, FLAGS_W2019);
	m.n = 48;
	add_av(&m, 1, "NOVER");
	add_av_raw(&m, 0, NULL, 0);
	set_target_info(&m, (unsigned)(m.n - 48), 48);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.has_version);
	ck_assert_str_eq(c.nb_computer.text, "NOVER");
	ck_assert_uint_eq(c.nnotes, 0);

	/* hostile: a TargetName offset of 40 in a modern message makes the
	 * layout ambiguous; it is read as the short one, which costs
	 * TargetInfo and Version but reads nothing out of place */
	realistic(&m);
	set_target_name(&m, 8, 40);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(c.target.present && !c.has_target_info && !c.has_version);
	ck_assert_str_eq(c.target.text, "\\u00a6\\u00a6@\\u0000");
	assert_sane(&c);

	/* a 48-byte message with the VERSION flag: no room for Version */
	memset(&m, 0, sizeof(m));
	memcpy(m.b, "NTLMSSP", 8);
	put32(m.b + 8, 2);
	put32(m.b + 20, FLAGS_W2019);
	m.n = 48;
	set_target_info(&m, 0, 0);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	ck_assert(!c.has_version);
}
END_TEST

/* Every prefix of the realistic message: -1 below 32 bytes, otherwise
 * only whole, correct values plus at least one note saying what is
 * missing; all values at the full length. */
START_TEST(test_truncated_everywhere)
{
	struct msg m;
	struct ntlm_challenge c;

	realistic(&m);
	for (size_t n = 0; n <= m.n; n++) {
		int r = parse_exact(m.b, n, &c);

		if (n < 32) {
			ck_assert_int_eq(r, -1);
			continue;
		}
		ck_assert_int_eq(r, 0);
		assert_sane(&c);
		ck_assert(!c.target.present ||
		          strcmp(c.target.text, "CORP") == 0);
		ck_assert(!c.nb_computer.present ||
		          strcmp(c.nb_computer.text, "MAIL01") == 0);
		ck_assert(!c.dns_computer.present ||
		          strcmp(c.dns_computer.text,
		                 "mail01.corp.example.com") == 0);
		ck_assert(!c.has_timestamp || c.filetime == TS_FILETIME);
		ck_assert(!c.has_version || c.ver_build == 17763);
		ck_assert_uint_eq(c.has_version, n >= 56);
		if (n < m.n)
			ck_assert_msg(c.nnotes > 0, "length %zu: no note", n);
		else
			ck_assert(c.nnotes == 0 && c.av_eol &&
			          c.dns_tree.present);
	}
}
END_TEST

/* TargetInfo cut at every length inside an otherwise valid message:
 * the pairs before the cut survive, the cut is noted. */
START_TEST(test_target_info_cut_everywhere)
{
	struct msg m;
	struct ntlm_challenge c;
	const unsigned full = REALISTIC_LEN - TI_OFF;

	realistic(&m);
	for (unsigned k = 0; k <= full; k++) {
		set_target_info(&m, k, TI_OFF);
		ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
		assert_sane(&c);
		ck_assert_str_eq(c.target.text, "CORP");
		ck_assert(!c.nb_domain.present ||
		          strcmp(c.nb_domain.text, "CORP") == 0);
		ck_assert_uint_eq(c.nb_domain.present, k >= 12);
		ck_assert_uint_eq(c.dns_tree.present, k >= 150);
		ck_assert_uint_eq(c.nnotes, k == full || k == 0 ? 0 : 1);
		ck_assert_uint_eq(c.av_eol, k == full);
	}
}
END_TEST

/* Random mutations of the realistic message (header fields, lengths,
 * offsets, AV headers, truncation): never a crash or overread, always
 * printable output. */
START_TEST(test_mutations)
{
	static const size_t hot[] = {8,  12, 13, 16, 17, 18, 19,  20,  23,
	                             40, 41, 44, 45, 46, 47, 64,  66,  67,
	                             76, 78, 79, 96, 98, 99, 146, 148, 210};
	struct msg base, m;
	struct ntlm_challenge c;
	uint32_t x = 0x12345678;

	realistic(&base);
	for (int iter = 0; iter < 20000; iter++) {
		int nmut;

		m = base;
		x = x * 1664525u + 1013904223u;
		nmut = 1 + (int)((x >> 24) % 4);
		for (int k = 0; k < nmut; k++) {
			size_t pos;

			x = x * 1664525u + 1013904223u;
			pos =
			    (x >> 28) < 10
			        ? hot[(x >> 8) % (sizeof(hot) / sizeof(hot[0]))]
			        : (x >> 8) % m.n;
			x = x * 1664525u + 1013904223u;
			m.b[pos] = (x >> 29) < 2   ? (uint8_t)(x >> 8)
			           : (x >> 29) < 4 ? 0xff
			           : (x >> 29) < 6 ? 0
			                           : (uint8_t)(m.b[pos] + 1);
		}
		x = x * 1664525u + 1013904223u;
		if ((x >> 28) < 4)
			m.n = 32 + (x >> 8) % (m.n - 31);
		if (parse_exact(m.b, m.n, &c) == 0)
			assert_sane(&c);
	}
}
END_TEST

START_TEST(test_describe_bounds)
{
	struct msg m;
	struct ntlm_challenge c;
	char full[512], small[512];
	size_t len;

	realistic(&m);
	ck_assert_int_eq(parse_exact(m.b, m.n, &c), 0);
	len = ntlm_describe(&c, full, sizeof(full));
	for (size_t n = 1; n <= len + 1; n++) {
		size_t r;

		memset(small, 'x', sizeof(small));
		r = ntlm_describe(&c, small, n);
		ck_assert_uint_lt(r, n);
		ck_assert_uint_eq(strlen(small), r);
		ck_assert_uint_eq((unsigned char)small[n], 'x');
		if (n == len + 1)
			ck_assert_str_eq(small, full);
		else if (n >= 4)
			ck_assert(r == n - 1 &&
			          strcmp(small + r - 3, "...") == 0 &&
			          strncmp(small, full, r - 3) == 0);
	}
	ck_assert_uint_eq(ntlm_describe(&c, NULL, 10), 0);
	ck_assert_uint_eq(ntlm_describe(NULL, small, sizeof(small)), 0);
	ck_assert_str_eq(small, "");
}
END_TEST

Suite *
ntlm_suite(void)
{
	Suite *s = suite_create("ntlm");
	TCase *tc = tcase_create("messages");

	tcase_add_test(tc, test_negotiate);
	tcase_add_test(tc, test_realistic);
	tcase_add_test(tc, test_realistic_base64);
	tcase_add_test(tc, test_msnlmp_example);
	tcase_add_test(tc, test_dovecot_like);
	tcase_add_test(tc, test_no_disclosure);
	tcase_add_test(tc, test_other_av_pairs);
	tcase_add_test(tc, test_utf16_escaping);
	tcase_add_test(tc, test_oem_target);
	tcase_add_test(tc, test_long_names);
	tcase_add_test(tc, test_short_headers);
	tcase_add_test(tc, test_describe_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_not_a_challenge);
	tcase_add_loop_test(
	    tc, test_bad_buffer, 0,
	    (int)(sizeof(bad_buffers) / sizeof(bad_buffers[0])));
	tcase_add_test(tc, test_zero_lengths);
	tcase_add_test(tc, test_odd_utf16);
	tcase_add_test(tc, test_av_past_end);
	tcase_add_test(tc, test_no_eol);
	tcase_add_test(tc, test_too_many_pairs);
	tcase_add_test(tc, test_bad_fixed_size_pairs);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_target_info_cut_everywhere);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}
