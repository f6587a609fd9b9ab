/*
 * ClientHello parser for the test servers (contract in
 * tests/servers/hello_parse.h). Like the scanner's server-flight parser,
 * every length from the peer is checked against the bytes that enclose it
 * before it is used: the fuzz harness feeds it arbitrary input.
 */
#include "tests/servers/hello_parse.h"

#include <string.h>

#include "scanner/tls/wire.h"

static int
ch_fail(struct tlshello_client_hello *ch, const char *why)
{
	ch->error = why;
	return TLSHELLO_ERROR;
}

/* A vector of 16-bit values with a length prefix of width 1 or 2 that
 * must fill e exactly; stores up to cap values. */
static bool
u16_vector(struct rd *e, unsigned width, uint16_t *out, size_t cap, size_t *n_r)
{
	size_t l = width == 1 ? rd_u8(e) : rd_u16(e);

	if (e->bad || l != rd_left(e) || l % 2)
		return false;
	*n_r = 0;
	while (rd_left(e)) {
		uint16_t v = (uint16_t)rd_u16(e);

		if (*n_r < cap)
			out[(*n_r)++] = v;
	}
	return true;
}

static bool
client_ext(struct tlshello_client_hello *ch, unsigned type, struct rd *e)
{
	const uint8_t *b;
	size_t l;

	ch->ext_seen |= tlshello_ext_bit((uint16_t)type);
	switch (type) {
	case 0: /* server_name: first host_name entry */
		l = rd_u16(e);
		if (e->bad || l != rd_left(e))
			return false;
		while (rd_left(e)) {
			unsigned t = rd_u8(e);

			l = rd_u16(e);
			b = rd_take(e, l);
			if (!b)
				return false;
			if (t == 0 && !ch->sni[0]) {
				if (l > sizeof(ch->sni) - 1)
					l = sizeof(ch->sni) - 1;
				memcpy(ch->sni, b, l);
				ch->sni[l] = '\0';
			}
		}
		return true;
	case 10:
		return u16_vector(e, 2, ch->groups, TLSHELLO_CH_MAX_LIST,
		                  &ch->ngroups);
	case 13:
		l = rd_u16(e);
		if (e->bad || l != rd_left(e) || l % 2)
			return false;
		ch->nsig_algs = l / 2;
		return true;
	case 15:
		ch->heartbeat_mode = (uint8_t)rd_u8(e);
		return !e->bad;
	case 16: /* ALPN: count, keep the first */
		l = rd_u16(e);
		if (e->bad || l != rd_left(e))
			return false;
		while (rd_left(e)) {
			l = rd_u8(e);
			b = rd_take(e, l);
			if (!b || l == 0)
				return false;
			if (ch->nalpn++ == 0) {
				memcpy(ch->alpn_first, b, l);
				ch->alpn_first[l] = '\0';
			}
		}
		return true;
	case 43:
		return u16_vector(e, 1, ch->versions, TLSHELLO_CH_MAX_LIST,
		                  &ch->nversions);
	case 51:
		l = rd_u16(e);
		if (e->bad || l != rd_left(e))
			return false;
		while (rd_left(e)) {
			uint16_t g = (uint16_t)rd_u16(e);

			l = rd_u16(e);
			if (!rd_take(e, l))
				return false;
			if (ch->nkey_shares < TLSHELLO_CH_MAX_LIST)
				ch->key_share_groups[ch->nkey_shares++] = g;
		}
		return true;
	default:
		return true;
	}
}

static int
parse_client_hello_body(struct tlshello_client_hello *ch, size_t len)
{
	struct rd r = {.p = ch->body + 4, .n = len};
	const uint8_t *b;
	size_t l, i;

	ch->client_version = (uint16_t)rd_u16(&r);
	b = rd_take(&r, 32);
	if (b)
		memcpy(ch->random, b, 32);
	l = rd_u8(&r);
	if (l > 32)
		return ch_fail(ch, "session_id longer than 32 bytes");
	ch->session_id_len = (uint8_t)l;
	rd_take(&r, l);
	l = rd_u16(&r);
	b = rd_take(&r, l);
	if (!b || l < 2 || l % 2)
		return ch_fail(ch, "malformed cipher_suites");
	for (i = 0; i < l / 2; i++) {
		if (ch->nsuites < TLSHELLO_CH_MAX_SUITES)
			ch->suites[ch->nsuites++] =
			    (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
		else
			ch->truncated = true;
	}
	l = rd_u8(&r);
	b = rd_take(&r, l);
	if (!b || l < 1)
		return ch_fail(ch, "malformed compression_methods");
	for (i = 0; i < l; i++) {
		ch->comp_null |= b[i] == 0;
		ch->comp_deflate |= b[i] == 1;
	}
	if (rd_left(&r)) {
		l = rd_u16(&r);
		if (r.bad || l != rd_left(&r))
			return ch_fail(ch, "extensions length does not match "
			                   "the ClientHello");
		while (rd_left(&r)) {
			unsigned type = rd_u16(&r);
			struct rd e;

			l = rd_u16(&r);
			if (r.bad || l > rd_left(&r))
				return ch_fail(ch, "extension length beyond "
				                   "the ClientHello");
			e = rd_sub(&r, l);
			if (!client_ext(ch, type, &e))
				return ch_fail(ch, "malformed extension");
		}
	}
	ch->max_version = ch->client_version;
	if (ch->nversions) {
		ch->max_version = 0;
		for (i = 0; i < ch->nversions; i++)
			if (ch->versions[i] >= TLS_VERSION_SSL3 &&
			    ch->versions[i] <= TLS_VERSION_1_3 &&
			    ch->versions[i] > ch->max_version)
				ch->max_version = ch->versions[i];
		if (ch->max_version == 0)
			ch->max_version = ch->client_version;
	}
	ch->length = len;
	return TLSHELLO_DONE;
}

static int
parse_sslv2_client_hello(const uint8_t *data, size_t n,
                         struct tlshello_client_hello *ch)
{
	struct rd r;
	const uint8_t *specs, *chal;
	size_t len, sl, il, cl, i;

	if (n < 2)
		return TLSHELLO_NEED_MORE;
	len = (size_t)(data[0] & 0x7f) << 8 | data[1];
	if (n - 2 < len)
		return TLSHELLO_NEED_MORE;
	r = (struct rd){.p = data + 2, .n = len};
	if (rd_u8(&r) != 1)
		return ch_fail(ch, "not an SSLv2 CLIENT-HELLO");
	ch->client_version = (uint16_t)rd_u16(&r);
	sl = rd_u16(&r);
	il = rd_u16(&r);
	cl = rd_u16(&r);
	specs = rd_take(&r, sl);
	rd_take(&r, il);
	chal = rd_take(&r, cl);
	if (r.bad || rd_left(&r) || !specs || !chal)
		return ch_fail(ch, "SSLv2 CLIENT-HELLO lengths do not add up");
	if (sl == 0 || sl % 3 || cl < 16 || cl > 32 || (il != 0 && il != 16))
		return ch_fail(ch, "malformed SSLv2 CLIENT-HELLO");
	ch->sslv2 = true;
	ch->record_version = TLS_VERSION_SSL2;
	ch->max_version = ch->client_version;
	ch->session_id_len = (uint8_t)il;
	memcpy(ch->random + 32 - cl, chal, cl);
	for (i = 0; i < sl / 3; i++) {
		uint32_t v = (uint32_t)be24(specs + 3 * i);

		if (v >> 16 == 0) {
			if (ch->nsuites < TLSHELLO_CH_MAX_SUITES)
				ch->suites[ch->nsuites++] = (uint16_t)v;
			else
				ch->truncated = true;
		} else if (ch->nsslv2_specs < TLSHELLO_CH_MAX_LIST) {
			ch->sslv2_specs[ch->nsslv2_specs++] = v;
		}
	}
	ch->comp_null = true;
	ch->length = len;
	ch->consumed = 2 + len;
	return TLSHELLO_DONE;
}

int
tlshello_parse_client_hello(const uint8_t *data, size_t n,
                            struct tlshello_client_hello *ch)
{
	size_t off = 0, have = 0, rl, hl = 0, k;

	memset(ch, 0, sizeof(*ch));
	if (n == 0)
		return TLSHELLO_NEED_MORE;
	if (data[0] & 0x80)
		return parse_sslv2_client_hello(data, n, ch);
	for (;;) {
		if (n - off < 5)
			return TLSHELLO_NEED_MORE;
		if (data[off] != CT_HANDSHAKE)
			return ch_fail(ch, "not a handshake record");
		if (data[off + 1] != 3)
			return ch_fail(ch, "record version is not 3.x");
		if (off == 0)
			ch->record_version = (uint16_t)(data[1] << 8 | data[2]);
		rl = (size_t)data[off + 3] << 8 | data[off + 4];
		if (rl == 0 || rl > 16384)
			return ch_fail(ch, "bad record length");
		if (n - off - 5 < rl)
			return TLSHELLO_NEED_MORE;
		k = rl < sizeof(ch->body) - have ? rl : sizeof(ch->body) - have;
		memcpy(ch->body + have, data + off + 5, k);
		have += k;
		off += 5 + rl;
		if (have < 4)
			continue;
		if (ch->body[0] != 1)
			return ch_fail(ch, "not a ClientHello");
		hl = be24(ch->body + 1);
		if (hl > sizeof(ch->body) - 4)
			return ch_fail(ch, "ClientHello longer than 16 KiB");
		if (have >= 4 + hl)
			break;
	}
	ch->consumed = off;
	return parse_client_hello_body(ch, hl);
}
