/*
 * Incremental parser of a server's first flight (ServerHello up to
 * ServerHelloDone, an alert, an SSLv2 reply or not TLS at all); contracts
 * in scanner/tls/tlshello.h.
 *
 * Parsing rule: every length read from the peer is checked against the
 * bytes that actually enclose it before it is used; anything that points
 * outside is TLSHELLO_ERROR. The parser never allocates: handshake
 * messages are streamed, only the first TLSHELLO_BUF bytes of each are
 * kept for decoding, and certificates are counted, not stored.
 */
#include "scanner/tls/tlshello.h"

#include <string.h>

#include "scanner/tls/wire.h"

/* Bit length of a big-endian unsigned integer (leading zeros ignored). */
static unsigned
bn_bits(const uint8_t *b, size_t n)
{
	size_t i = 0;
	unsigned bits = 0, top;

	while (i < n && b[i] == 0)
		i++;
	if (i == n)
		return 0;
	for (top = b[i]; top; top >>= 1)
		bits++;
	return (unsigned)((n - i - 1) * 8) + bits;
}

enum {
	HS_HELLO_REQUEST = 0,
	HS_SERVER_HELLO = 2,
	HS_CERTIFICATE = 11,
	HS_SERVER_KEY_EXCHANGE = 12,
	HS_CERTIFICATE_REQUEST = 13,
	HS_SERVER_HELLO_DONE = 14,
	HS_CERTIFICATE_STATUS = 22,
};

enum { ST_REC_HDR, ST_REC_BODY, ST_SSLV2_BODY };
enum { CW_LIST_LEN, CW_CERT_LEN, CW_CERT_BODY };

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3 */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static const uint8_t downgrade_prefix[7] = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};

static void
fail(struct tlshello_parser *p, const char *why)
{
	p->error = why;
	p->status = TLSHELLO_ERROR;
}

static void
done(struct tlshello_parser *p)
{
	p->status = TLSHELLO_DONE;
}

void
tlshello_parser_init(struct tlshello_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = ST_REC_HDR;
	p->status = TLSHELLO_NEED_MORE;
	p->cert_state = CW_LIST_LEN;
}

/* One ServerHello extension, already bounded to its own bytes. */
static bool
server_ext(struct tlshello_parser *p, unsigned type, struct rd *e)
{
	struct tlshello_result *res = &p->r;
	const uint8_t *b;
	size_t l;

	res->ext_seen |= tlshello_ext_bit((uint16_t)type);
	res->n_ext++;
	switch (type) {
	case 11: /* ec_point_formats */
		l = rd_u8(e);
		b = rd_take(e, l);
		if (!b || l == 0 || rd_left(e)) {
			fail(p, "malformed ec_point_formats extension");
			return false;
		}
		while (l--)
			if (b[l] < 8)
				res->ec_point_formats |= (uint8_t)(1u << b[l]);
		break;
	case 15: /* heartbeat */
		res->heartbeat_mode = (uint8_t)rd_u8(e);
		if (e->bad || rd_left(e)) {
			fail(p, "malformed heartbeat extension");
			return false;
		}
		break;
	case 16: /* ALPN: exactly one protocol name */
		l = rd_u16(e);
		if (e->bad || l != rd_left(e)) {
			fail(p, "malformed ALPN extension");
			return false;
		}
		l = rd_u8(e);
		b = rd_take(e, l);
		if (!b || l == 0 || rd_left(e)) {
			fail(p, "malformed ALPN extension");
			return false;
		}
		memcpy(res->alpn, b, l);
		res->alpn[l] = '\0';
		res->alpn_len = (uint8_t)l;
		break;
	case 43: /* supported_versions: the selected version */
		res->version = (uint16_t)rd_u16(e);
		if (e->bad || rd_left(e)) {
			fail(p, "malformed supported_versions extension");
			return false;
		}
		break;
	case 51: /* key_share: group, then the key unless HRR */
		res->key_share_group = (uint16_t)rd_u16(e);
		if (e->bad) {
			fail(p, "malformed key_share extension");
			return false;
		}
		if (rd_left(e)) {
			l = rd_u16(e);
			if (e->bad || l == 0 || l != rd_left(e)) {
				fail(p, "malformed key_share extension");
				return false;
			}
		}
		break;
	case 0xff01: /* renegotiation_info */
		l = rd_u8(e);
		if (e->bad || l != rd_left(e)) {
			fail(p, "malformed renegotiation_info extension");
			return false;
		}
		res->reneg_info_len = (uint8_t)l;
		break;
	default:
		break;
	}
	return true;
}

static void
parse_server_hello(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;
	struct rd r = {.p = p->msg, .n = p->hs_len};
	const uint8_t *rnd;
	size_t sid, total;

	res->legacy_version = (uint16_t)rd_u16(&r);
	rnd = rd_take(&r, 32);
	sid = rd_u8(&r);
	if (sid > 32) {
		fail(p, "ServerHello session_id longer than 32 bytes");
		return;
	}
	rd_take(&r, sid);
	res->cipher_suite = (uint16_t)rd_u16(&r);
	res->compression = (uint8_t)rd_u8(&r);
	if (r.bad || !rnd) {
		fail(p, "ServerHello truncated");
		return;
	}
	if (res->legacy_version >> 8 != 3) {
		fail(p, "ServerHello version is not 3.x");
		return;
	}
	res->session_id_len = (uint8_t)sid;
	memcpy(res->server_random, rnd, 32);
	res->hello_retry = memcmp(rnd, hrr_random, 32) == 0;
	if (memcmp(rnd + 24, downgrade_prefix, 7) == 0 && rnd[31] <= 1)
		res->downgrade_sentinel = rnd[31] == 1 ? 1 : 2;
	if (rd_left(&r)) {
		total = rd_u16(&r);
		if (r.bad || total != rd_left(&r)) {
			fail(p, "ServerHello extensions length does not match "
			        "the message");
			return;
		}
		while (rd_left(&r)) {
			unsigned type = rd_u16(&r);
			size_t len = rd_u16(&r);
			struct rd e;

			if (r.bad || len > rd_left(&r)) {
				fail(p, "extension length beyond the "
				        "ServerHello");
				return;
			}
			e = rd_sub(&r, len);
			if (!server_ext(p, type, &e))
				return;
		}
	}
	if (!(res->ext_seen & TLSHELLO_EXT_SUPPORTED_VERSIONS))
		res->version = res->legacy_version;
	res->kind = TLSHELLO_KIND_SERVER_HELLO;
	p->tls13 = res->hello_retry || res->version >= TLS_VERSION_1_3;
	if (p->tls13)
		done(p);
}

static void
parse_server_key_exchange(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;
	const struct tls_suite *s = tls_suite_lookup(res->cipher_suite);
	struct rd r = {.p = p->msg, .n = p->hs_len};
	const uint8_t *b;
	size_t l;

	res->ske_seen = true;
	if (!s)
		return;
	switch (s->kx) {
	case TLS_KX_DHE:
		l = rd_u16(&r);
		b = rd_take(&r, l);
		if (!b || l == 0) {
			fail(p, "DH p length beyond the ServerKeyExchange");
			return;
		}
		res->dh_bits = bn_bits(b, l);
		res->dh_g_len = rd_u16(&r);
		rd_take(&r, res->dh_g_len);
		res->dh_ys_len = rd_u16(&r);
		rd_take(&r, res->dh_ys_len);
		if (r.bad || res->dh_g_len == 0 || res->dh_ys_len == 0) {
			fail(p, "DH g or Ys length beyond the "
			        "ServerKeyExchange");
			return;
		}
		break;
	case TLS_KX_ECDHE:
		res->ecdh_curve_type = (uint8_t)rd_u8(&r);
		if (res->ecdh_curve_type == 1 || res->ecdh_curve_type == 2) {
			/* explicit curve: nothing further is needed */
			res->ecdh_explicit = true;
			return;
		}
		if (res->ecdh_curve_type != 3) {
			fail(p, r.bad ? "ServerKeyExchange truncated"
			              : "unknown ECCurveType");
			return;
		}
		res->ecdh_curve = (uint16_t)rd_u16(&r);
		l = rd_u8(&r);
		if (!rd_take(&r, l) || l == 0) {
			fail(p, "ECDH point length beyond the "
			        "ServerKeyExchange");
			return;
		}
		break;
	case TLS_KX_RSA: /* RSA_EXPORT: temporary RSA key */
		l = rd_u16(&r);
		b = rd_take(&r, l);
		if (!b || l == 0) {
			fail(p, "RSA modulus length beyond the "
			        "ServerKeyExchange");
			return;
		}
		res->rsa_export_bits = bn_bits(b, l);
		l = rd_u16(&r);
		if (!rd_take(&r, l)) {
			fail(p, "RSA exponent length beyond the "
			        "ServerKeyExchange");
			return;
		}
		break;
	default:
		return;
	}
	if (s->flags & TLS_SUITE_ANON)
		return;
	/* digitally-signed: TLS 1.2 names the algorithm first */
	if (res->version >= TLS_VERSION_1_2)
		res->ske_sig_alg = (uint16_t)rd_u16(&r);
	l = rd_u16(&r);
	if (!rd_take(&r, l))
		fail(p, "signature length beyond the ServerKeyExchange");
}

static void
parse_certificate_status(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;

	/* only the prefix is kept: type and the 24-bit response length */
	if (p->hs_len < 4 || be24(p->msg + 1) != p->hs_len - 4) {
		fail(p, "CertificateStatus length does not match the message");
		return;
	}
	res->cert_status_seen = true;
	res->cert_status_type = p->msg[0];
	res->cert_status_len = (uint32_t)(p->hs_len - 4);
}

static void
hs_message_done(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;

	switch (p->hs_type) {
	case HS_SERVER_HELLO:
		parse_server_hello(p);
		break;
	case HS_CERTIFICATE:
		res->certificate_seen = true;
		break;
	case HS_CERTIFICATE_STATUS:
		parse_certificate_status(p);
		break;
	case HS_SERVER_KEY_EXCHANGE:
		parse_server_key_exchange(p);
		break;
	case HS_CERTIFICATE_REQUEST:
		res->cert_request_seen = true;
		break;
	case HS_SERVER_HELLO_DONE:
		res->server_hello_done = true;
		done(p);
		break;
	default: /* HelloRequest, anything unknown: skipped */
		break;
	}
	p->hs_hdr_got = 0;
	p->hs_got = 0;
}

static void
hs_header_done(struct tlshello_parser *p)
{
	bool have_hello = p->r.kind == TLSHELLO_KIND_SERVER_HELLO;

	p->hs_type = p->hs_hdr[0];
	p->hs_len = be24(p->hs_hdr + 1);
	p->hs_got = 0;
	if (!have_hello && p->hs_type != HS_SERVER_HELLO &&
	    p->hs_type != HS_HELLO_REQUEST) {
		fail(p, "expected a ServerHello");
		return;
	}
	switch (p->hs_type) {
	case HS_HELLO_REQUEST:
		if (p->hs_len != 0)
			fail(p, "HelloRequest is not empty");
		break;
	case HS_SERVER_HELLO:
		if (have_hello)
			fail(p, "second ServerHello");
		else if (p->hs_len < 38)
			fail(p, "ServerHello too short");
		else if (p->hs_len > TLSHELLO_BUF)
			fail(p, "ServerHello longer than 16 KiB");
		break;
	case HS_CERTIFICATE:
		if (p->hs_len < 3)
			fail(p, "Certificate message too short");
		else if (p->hs_len > TLSHELLO_MAX_CERT_LIST + 3)
			fail(p, "Certificate message longer than 128 KiB");
		p->cert_state = CW_LIST_LEN;
		p->cert_num_got = 0;
		break;
	case HS_SERVER_KEY_EXCHANGE:
		if (p->hs_len > TLSHELLO_BUF)
			fail(p, "ServerKeyExchange longer than 16 KiB");
		break;
	case HS_CERTIFICATE_STATUS:
		if (p->hs_len < 4)
			fail(p, "CertificateStatus too short");
		else if (p->hs_len > TLSHELLO_MAX_MSG)
			fail(p, "handshake message too long");
		break;
	case HS_SERVER_HELLO_DONE:
		if (p->hs_len != 0)
			fail(p, "ServerHelloDone is not empty");
		break;
	default:
		if (p->hs_len > TLSHELLO_MAX_MSG)
			fail(p, "handshake message too long");
		break;
	}
	if (p->status == TLSHELLO_NEED_MORE && p->hs_len == 0)
		hs_message_done(p);
}

/* Keeps the first TLSHELLO_BUF bytes of the current message. */
static void
keep_prefix(struct tlshello_parser *p, const uint8_t *d, size_t k)
{
	if (p->hs_got >= TLSHELLO_BUF)
		return;
	if (k > TLSHELLO_BUF - p->hs_got)
		k = TLSHELLO_BUF - p->hs_got;
	memcpy(p->msg + p->hs_got, d, k);
}

/* Counts certificates as the Certificate body streams by, checking every
 * length against the bytes that enclose it. Returns the bytes used: all n,
 * or fewer when a length is wrong, so that the consumed count does not
 * depend on how the input was split. */
static size_t
cert_walk(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	struct tlshello_result *res = &p->r;
	size_t i = 0, k, l;

	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		switch (p->cert_state) {
		case CW_LIST_LEN:
			p->cert_num[p->cert_num_got++] = d[i++];
			if (p->cert_num_got < 3)
				break;
			l = be24(p->cert_num);
			p->cert_num_got = 0;
			if (l > TLSHELLO_MAX_CERT_LIST) {
				fail(p, "certificate_list longer than 128 KiB");
				return i;
			}
			if (l != p->hs_len - 3) {
				fail(p, "certificate_list length does not "
				        "match the message");
				return i;
			}
			res->cert_list_len = (uint32_t)l;
			p->cert_list_left = l;
			p->cert_state = CW_CERT_LEN;
			break;
		case CW_CERT_LEN:
			if (p->cert_num_got == 0 && p->cert_list_left < 3) {
				fail(p, "truncated certificate entry");
				return i;
			}
			p->cert_num[p->cert_num_got++] = d[i++];
			p->cert_list_left--;
			if (p->cert_num_got < 3)
				break;
			l = be24(p->cert_num);
			p->cert_num_got = 0;
			if (l == 0 || l > p->cert_list_left) {
				fail(p, "certificate length beyond the "
				        "certificate_list");
				return i;
			}
			if (res->cert_count++ == 0)
				res->first_cert_len = (uint32_t)l;
			p->cert_left = l;
			p->cert_state = CW_CERT_BODY;
			break;
		default: /* CW_CERT_BODY */
			k = n - i < p->cert_left ? n - i : p->cert_left;
			i += k;
			p->cert_left -= k;
			p->cert_list_left -= k;
			if (p->cert_left == 0)
				p->cert_state = CW_CERT_LEN;
			break;
		}
	}
	return i;
}

/* Handshake-protocol bytes of the current record; messages may span
 * records and a record may hold several messages. */
static size_t
handshake_bytes(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t i = 0, k;

	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		if (p->hs_hdr_got < 4) {
			p->hs_hdr[p->hs_hdr_got++] = d[i++];
			if (p->hs_hdr_got == 4)
				hs_header_done(p);
			continue;
		}
		k = p->hs_len - p->hs_got;
		if (k > n - i)
			k = n - i;
		if (p->hs_type == HS_CERTIFICATE)
			k = cert_walk(p, d + i, k);
		keep_prefix(p, d + i, k);
		p->hs_got += k;
		i += k;
		if (p->status == TLSHELLO_NEED_MORE && p->hs_got == p->hs_len)
			hs_message_done(p);
	}
	return i;
}

static void
alert_done(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;

	if (p->alert[0] != TLS_ALERT_WARNING &&
	    p->alert[0] != TLS_ALERT_FATAL) {
		fail(p, "bad alert level");
		return;
	}
	res->has_alert = true;
	res->alert_level = p->alert[0];
	res->alert_desc = p->alert[1];
	/* a warning (Apache's unrecognized_name) does not end the flight */
	if (p->alert[0] == TLS_ALERT_WARNING &&
	    p->alert[1] != TLS_ALERT_CLOSE_NOTIFY)
		return;
	if (res->kind == TLSHELLO_KIND_NONE)
		res->kind = TLSHELLO_KIND_ALERT;
	done(p);
}

static size_t
alert_bytes(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		p->alert[p->alert_got++] = d[i++];
		if (p->alert_got == 2) {
			p->alert_got = 0;
			alert_done(p);
		}
	}
	return i;
}

static void
not_tls(struct tlshello_parser *p)
{
	p->r.kind = TLSHELLO_KIND_NOT_TLS;
	done(p);
}

static void
sslv2_done(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;
	struct rd r = {.p = p->msg,
	               .n =
	                   p->hs_len < TLSHELLO_BUF ? p->hs_len : TLSHELLO_BUF};
	size_t cert, specs, conn, off, j;

	if (rd_u8(&r) == 0) { /* ERROR */
		res->sslv2_error = (uint16_t)rd_u16(&r);
		if (p->hs_len != 3) {
			fail(p, "malformed SSLv2 ERROR message");
			return;
		}
		res->kind = TLSHELLO_KIND_SSLV2_ERROR;
		done(p);
		return;
	}
	if (p->hs_len < 11) {
		fail(p, "SSLv2 SERVER-HELLO too short");
		return;
	}
	res->sslv2_session_id_hit = rd_u8(&r) != 0;
	rd_u8(&r); /* certificate type */
	res->sslv2_version = (uint16_t)rd_u16(&r);
	cert = rd_u16(&r);
	specs = rd_u16(&r);
	conn = rd_u16(&r);
	if (11 + cert + specs + conn != p->hs_len) {
		fail(p, "SSLv2 SERVER-HELLO lengths do not add up");
		return;
	}
	if (specs % 3) {
		fail(p, "SSLv2 cipher specs length is not a multiple of 3");
		return;
	}
	res->sslv2_cert_len = (uint16_t)cert;
	res->sslv2_cipher_specs = (unsigned)(specs / 3);
	off = 11 + cert;
	for (j = 0; j < specs / 3 && j < TLSHELLO_MAX_SSLV2_SPECS; j++) {
		if (off + 3 * j + 3 > TLSHELLO_BUF)
			break;
		res->sslv2_specs[j] = (uint32_t)be24(p->msg + off + 3 * j);
	}
	res->kind = TLSHELLO_KIND_SSLV2_SERVER_HELLO;
	done(p);
}

/* After 3 bytes with the high bit of the first set: an SSLv2 2-byte
 * record header and the message type. */
static void
sslv2_start(struct tlshello_parser *p)
{
	size_t len = (size_t)(p->hdr[0] & 0x7f) << 8 | p->hdr[1];
	uint8_t type = p->hdr[2];

	if (type != 4 && type != 0) {
		not_tls(p);
		return;
	}
	if (len == 0) {
		fail(p, "empty SSLv2 record");
		return;
	}
	p->records = 1;
	p->r.record_version = TLS_VERSION_SSL2;
	p->hs_type = type;
	p->hs_len = len;
	p->msg[0] = type;
	p->hs_got = 1;
	p->state = ST_SSLV2_BODY;
	if (len == 1)
		sslv2_done(p);
}

static size_t
sslv2_body(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t k = p->hs_len - p->hs_got;

	if (k > n)
		k = n;
	keep_prefix(p, d, k);
	p->hs_got += k;
	if (p->hs_got == p->hs_len)
		sslv2_done(p);
	return k;
}

static void
record_header_done(struct tlshello_parser *p)
{
	size_t len = (size_t)p->hdr[3] << 8 | p->hdr[4];

	p->hdr_got = 0;
	if (p->records++ == 0)
		p->r.record_version = (uint16_t)(p->hdr[1] << 8 | p->hdr[2]);
	p->rec_type = p->hdr[0];
	if (len == 0) {
		fail(p, "empty record");
		return;
	}
	if (len > TLSHELLO_MAX_RECORD) {
		fail(p, "record longer than 16 KiB + 2048");
		return;
	}
	switch (p->rec_type) {
	case CT_HANDSHAKE:
		if (p->alert_got) {
			fail(p, "alert split by a handshake record");
			return;
		}
		break;
	case CT_ALERT:
		break;
	case CT_CCS:
		fail(p, "unexpected ChangeCipherSpec");
		return;
	case CT_APPDATA:
		fail(p, "unexpected application_data record");
		return;
	default:
		fail(p, "unexpected heartbeat record");
		return;
	}
	p->rec_left = len;
	p->state = ST_REC_BODY;
}

static void
record_header_byte(struct tlshello_parser *p, uint8_t b)
{
	bool first = p->records == 0;

	p->hdr[p->hdr_got++] = b;
	if (first && (p->hdr[0] & 0x80)) {
		if (p->hdr_got == 3)
			sslv2_start(p);
		return;
	}
	switch (p->hdr_got) {
	case 1:
		if (b < CT_CCS || b > CT_HEARTBEAT) {
			if (first)
				not_tls(p);
			else
				fail(p, "unknown record type");
		}
		break;
	case 2:
		if (b != 3) {
			if (first)
				not_tls(p);
			else
				fail(p, "record version is not 3.x");
		}
		break;
	case 5:
		record_header_done(p);
		break;
	default:
		break;
	}
}

static size_t
record_body(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t k = n < p->rec_left ? n : p->rec_left, used;

	if (p->rec_type == CT_HANDSHAKE)
		used = handshake_bytes(p, d, k);
	else
		used = alert_bytes(p, d, k);
	p->rec_left -= used;
	if (p->rec_left == 0)
		p->state = ST_REC_HDR;
	return used;
}

int
tlshello_parser_feed(struct tlshello_parser *p, const uint8_t *data, size_t n)
{
	struct tlshello_result *res = &p->r;
	size_t i = 0, avail, used;

	if (p->status != TLSHELLO_NEED_MORE || n == 0)
		return p->status;
	if (res->prefix_len < sizeof(res->prefix)) {
		size_t k = sizeof(res->prefix) - res->prefix_len;

		if (k > n)
			k = n;
		memcpy(res->prefix + res->prefix_len, data, k);
		res->prefix_len = (uint8_t)(res->prefix_len + k);
	}
	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		if (p->total >= TLSHELLO_MAX_INPUT) {
			fail(p, "server flight longer than 256 KiB");
			break;
		}
		avail = n - i;
		if (avail > TLSHELLO_MAX_INPUT - p->total)
			avail = TLSHELLO_MAX_INPUT - p->total;
		switch (p->state) {
		case ST_REC_HDR:
			record_header_byte(p, data[i]);
			used = 1;
			break;
		case ST_REC_BODY:
			used = record_body(p, data + i, avail);
			break;
		default:
			used = sslv2_body(p, data + i, avail);
			break;
		}
		i += used;
		p->total += used;
	}
	return p->status;
}
