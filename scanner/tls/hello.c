/*
 * ClientHello builders of the TLS wire layer: a TLS/SSLv3 ClientHello from
 * struct tlshello_params and the fixed SSLv2 CLIENT-HELLO (contracts in
 * scanner/tls/tlshello.h). Output depends only on the parameters and the
 * seed, so a hello can be replayed byte for byte.
 */
#include "scanner/tls/tlshello.h"

#include <string.h>

#include "scanner/tls/wire.h"

/* Starts an extension: type and a reserved length; returns the length
 * position for wr_patch(w, pos, 2). */
static size_t
ext_begin(struct wr *w, uint16_t type)
{
	size_t pos;

	wr_u16(w, type);
	pos = w->len;
	wr_u16(w, 0);
	return pos;
}

static const uint16_t default_groups[] = {
    TLS_GROUP_X25519,    TLS_GROUP_SECP256R1, TLS_GROUP_SECP384R1,
    TLS_GROUP_SECP521R1, TLS_GROUP_FFDHE2048, TLS_GROUP_FFDHE3072,
};

static const uint16_t default_versions[] = {TLS_VERSION_1_3, TLS_VERSION_1_2};

/* Broad on purpose, SHA-1 and DSA included, so that a server is never
 * refused for lack of a signature scheme it could use. */
static const uint16_t sig_algs[] = {
    0x0403, /* ecdsa_secp256r1_sha256 */
    0x0503, /* ecdsa_secp384r1_sha384 */
    0x0603, /* ecdsa_secp521r1_sha512 */
    0x0807, /* ed25519 */
    0x0808, /* ed448 */
    0x0804, /* rsa_pss_rsae_sha256 */
    0x0805, /* rsa_pss_rsae_sha384 */
    0x0806, /* rsa_pss_rsae_sha512 */
    0x0809, /* rsa_pss_pss_sha256 */
    0x080a, /* rsa_pss_pss_sha384 */
    0x080b, /* rsa_pss_pss_sha512 */
    0x081a, /* ecdsa_brainpoolP256r1tls13_sha256 */
    0x081b, /* ecdsa_brainpoolP384r1tls13_sha384 */
    0x081c, /* ecdsa_brainpoolP512r1tls13_sha512 */
    0x0401, /* rsa_pkcs1_sha256 */
    0x0501, /* rsa_pkcs1_sha384 */
    0x0601, /* rsa_pkcs1_sha512 */
    0x0303, /* ecdsa_sha224 */
    0x0301, /* rsa_sha224 */
    0x0302, /* dsa_sha224 */
    0x0402, /* dsa_sha256 */
    0x0502, /* dsa_sha384 */
    0x0602, /* dsa_sha512 */
    0x0203, /* ecdsa_sha1 */
    0x0201, /* rsa_pkcs1_sha1 */
    0x0202, /* dsa_sha1 */
};

/* RFC 6066 §3: no IP literals in server_name. Anything with a colon is
 * IPv6; digits and dots only is IPv4 (or not a host name either). */
static bool
is_ip_literal(const char *s)
{
	const char *c;

	if (strchr(s, ':'))
		return true;
	for (c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.'))
			return false;
	return true;
}

/* Public-key length for a key_share entry of group; 0 if unsupported. */
static size_t
key_share_len(uint16_t group)
{
	switch (group) {
	case TLS_GROUP_X25519:
		return 32;
	case TLS_GROUP_X448:
		return 56;
	case TLS_GROUP_SECP256R1:
		return 65;
	case TLS_GROUP_SECP384R1:
		return 97;
	case TLS_GROUP_SECP521R1:
		return 133;
	default:
		return 0;
	}
}

static void
put_sni(struct wr *w, const char *host, size_t len)
{
	size_t ext = ext_begin(w, 0), list;

	list = w->len;
	wr_u16(w, 0);
	wr_u8(w, 0); /* host_name */
	wr_u16(w, (unsigned)len);
	wr_bytes(w, host, len);
	wr_patch(w, list, 2);
	wr_patch(w, ext, 2);
}

static void
put_u16_list_ext(struct wr *w, uint16_t type, const uint16_t *v, size_t n,
                 unsigned len_width)
{
	size_t ext = ext_begin(w, type), list, i;

	list = w->len;
	if (len_width == 1)
		wr_u8(w, 0);
	else
		wr_u16(w, 0);
	for (i = 0; i < n; i++)
		wr_u16(w, v[i]);
	wr_patch(w, list, len_width);
	wr_patch(w, ext, 2);
}

static void
put_key_share(struct wr *w, uint16_t group, const uint8_t *seed)
{
	size_t ext = ext_begin(w, 51), list, klen = key_share_len(group), i;

	list = w->len;
	wr_u16(w, 0);
	wr_u16(w, group);
	wr_u16(w, (unsigned)klen);
	for (i = 0; i < klen; i++) {
		uint8_t b = seed ? seed[32 + i % 32] : 0;

		/* secp* shares: uncompressed point marker, then seed bytes
		 * (not a valid point: good enough to provoke an HRR) */
		if (group != TLS_GROUP_X25519 && group != TLS_GROUP_X448 &&
		    i == 0)
			b = 4;
		else if (i >= 32)
			b ^= (uint8_t)(i / 32);
		wr_u8(w, b);
	}
	wr_patch(w, list, 2);
	wr_patch(w, ext, 2);
}

static bool
params_valid(const struct tlshello_params *p)
{
	size_t i;

	if (p->client_version < TLS_VERSION_SSL3 ||
	    p->client_version > TLS_VERSION_1_2)
		return false;
	if (!p->suites || p->nsuites == 0 || p->nsuites > 16000)
		return false;
	if ((p->ext & TLSHELLO_EXT_ALPN) && (!p->alpn || p->nalpn == 0))
		return false;
	for (i = 0; (p->ext & TLSHELLO_EXT_ALPN) && i < p->nalpn; i++) {
		size_t l = p->alpn[i] ? strlen(p->alpn[i]) : 0;

		if (l == 0 || l > 255)
			return false;
	}
	if ((p->ext & TLSHELLO_EXT_KEY_SHARE) &&
	    key_share_len(p->key_share_group ? p->key_share_group
	                                     : TLS_GROUP_X25519) == 0)
		return false;
	return true;
}

size_t
tlshello_build(uint8_t *out, size_t cap, const struct tlshello_params *p)
{
	static const uint8_t zero_seed[TLSHELLO_SEED_LEN];
	const uint8_t *seed = p->seed ? p->seed : zero_seed;
	struct wr w = {.p = out, .cap = cap};
	size_t rec, hs, exts_pos, i, sni_len = 0;
	uint16_t rv = p->record_version;
	bool any_ext;

	if (!params_valid(p))
		return 0;
	if (p->sni && p->sni[0] && !is_ip_literal(p->sni)) {
		sni_len = strlen(p->sni);
		if (p->sni[sni_len - 1] ==
		    '.') /* no trailing dot on the wire */
			sni_len--;
		if (sni_len == 0 || sni_len > 255)
			return 0;
	}
	if (rv == 0)
		rv = p->client_version == TLS_VERSION_SSL3 ? TLS_VERSION_SSL3
		                                           : TLS_VERSION_1_0;

	wr_u8(&w, 22);
	wr_u16(&w, rv);
	rec = w.len;
	wr_u16(&w, 0);
	wr_u8(&w, 1);
	hs = w.len;
	wr_u24(&w, 0);
	wr_u16(&w, p->client_version);
	wr_bytes(&w, seed, 32);
	wr_u8(&w, 0); /* no session id */
	wr_u16(&w, (unsigned)(2 * (p->nsuites + p->scsv_renegotiation +
	                           p->scsv_fallback)));
	for (i = 0; i < p->nsuites; i++)
		wr_u16(&w, p->suites[i]);
	if (p->scsv_renegotiation)
		wr_u16(&w, TLS_SUITE_ID_EMPTY_RENEGOTIATION_INFO_SCSV);
	if (p->scsv_fallback)
		wr_u16(&w, TLS_SUITE_ID_FALLBACK_SCSV);
	if (p->compression_deflate) {
		wr_u8(&w, 2);
		wr_u8(&w, 1);
		wr_u8(&w, 0);
	} else {
		wr_u8(&w, 1);
		wr_u8(&w, 0);
	}

	any_ext = sni_len > 0 ||
	          (p->ext & ~(TLSHELLO_EXT_SERVER_NAME | TLSHELLO_EXT_OTHER |
	                      TLSHELLO_EXT_MAX_FRAGMENT_LENGTH)) != 0;
	if (any_ext) {
		exts_pos = w.len;
		wr_u16(&w, 0);
		if (sni_len)
			put_sni(&w, p->sni, sni_len);
		if (p->ext & TLSHELLO_EXT_STATUS_REQUEST) {
			size_t e = ext_begin(&w, 5);

			wr_u8(&w, 1);  /* ocsp */
			wr_u16(&w, 0); /* responder_id_list */
			wr_u16(&w, 0); /* request_extensions */
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_SUPPORTED_GROUPS) {
			if (p->groups)
				put_u16_list_ext(&w, 10, p->groups, p->ngroups,
				                 2);
			else
				put_u16_list_ext(&w, 10, default_groups,
				                 ARRAY_LEN(default_groups), 2);
		}
		if (p->ext & TLSHELLO_EXT_EC_POINT_FORMATS) {
			size_t e = ext_begin(&w, 11);

			wr_u8(&w, 3);
			wr_u8(&w, 0); /* uncompressed */
			wr_u8(&w, 1); /* ansiX962_compressed_prime */
			wr_u8(&w, 2); /* ansiX962_compressed_char2 */
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_SIGNATURE_ALGORITHMS)
			put_u16_list_ext(&w, 13, sig_algs, ARRAY_LEN(sig_algs),
			                 2);
		if (p->ext & TLSHELLO_EXT_HEARTBEAT) {
			size_t e = ext_begin(&w, 15);

			wr_u8(&w, 1); /* peer_allowed_to_send */
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_ALPN) {
			size_t e = ext_begin(&w, 16), list = w.len;

			wr_u16(&w, 0);
			for (i = 0; i < p->nalpn; i++) {
				size_t l = strlen(p->alpn[i]);

				wr_u8(&w, (unsigned)l);
				wr_bytes(&w, p->alpn[i], l);
			}
			wr_patch(&w, list, 2);
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_TRUNCATED_HMAC)
			wr_patch(&w, ext_begin(&w, 4), 2);
		if (p->ext & TLSHELLO_EXT_ENCRYPT_THEN_MAC)
			wr_patch(&w, ext_begin(&w, 22), 2);
		if (p->ext & TLSHELLO_EXT_EXTENDED_MASTER_SECRET)
			wr_patch(&w, ext_begin(&w, 23), 2);
		if (p->ext & TLSHELLO_EXT_SESSION_TICKET)
			wr_patch(&w, ext_begin(&w, 35), 2);
		if (p->ext & TLSHELLO_EXT_SUPPORTED_VERSIONS) {
			if (p->versions)
				put_u16_list_ext(&w, 43, p->versions,
				                 p->nversions, 1);
			else
				put_u16_list_ext(&w, 43, default_versions,
				                 ARRAY_LEN(default_versions),
				                 1);
		}
		if ((p->ext & TLSHELLO_EXT_KEY_SHARE) && p->key_share_empty) {
			size_t e = ext_begin(&w, 51);

			wr_u16(&w, 0);
			wr_patch(&w, e, 2);
		} else if (p->ext & TLSHELLO_EXT_KEY_SHARE)
			put_key_share(&w,
			              p->key_share_group ? p->key_share_group
			                                 : TLS_GROUP_X25519,
			              seed);
		/* last, and never empty: some servers choke on an empty
		 * final extension */
		if (p->ext & TLSHELLO_EXT_RENEGOTIATION_INFO) {
			size_t e = ext_begin(&w, 0xff01);

			wr_u8(&w, 0);
			wr_patch(&w, e, 2);
		}
		if ((p->ext & TLSHELLO_EXT_PADDING) && !w.bad) {
			/* handshake message length, header included */
			size_t hlen = w.len - hs + 1;

			if (hlen >= 256 && hlen < 512) {
				size_t pad = 512 - hlen, e;

				pad = pad >= 5 ? pad - 4 : 1;
				e = ext_begin(&w, 21);
				for (i = 0; i < pad; i++)
					wr_u8(&w, 0);
				wr_patch(&w, e, 2);
			}
		}
		wr_patch(&w, exts_pos, 2);
	}
	wr_patch(&w, hs, 3);
	wr_patch(&w, rec, 2);
	if (w.bad || w.len - 5 > 16384)
		return 0;
	return w.len;
}

size_t
tlshello_build_sslv2(uint8_t *out, size_t cap, const uint8_t *seed)
{
	static const uint8_t head[] = {
	    0x80, 0x2e,       /* 2-byte header, 46 bytes follow */
	    0x01,             /* CLIENT-HELLO */
	    0x00, 0x02,       /* version SSL 2.0 */
	    0x00, 0x15,       /* cipher specs length: 7 x 3 */
	    0x00, 0x00,       /* session id length */
	    0x00, 0x10,       /* challenge length */
	    0x01, 0x00, 0x80, /* SSL_CK_RC4_128_WITH_MD5 */
	    0x02, 0x00, 0x80, /* SSL_CK_RC4_128_EXPORT40_WITH_MD5 */
	    0x03, 0x00, 0x80, /* SSL_CK_RC2_128_CBC_WITH_MD5 */
	    0x04, 0x00, 0x80, /* SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5 */
	    0x05, 0x00, 0x80, /* SSL_CK_IDEA_128_CBC_WITH_MD5 */
	    0x06, 0x00, 0x40, /* SSL_CK_DES_64_CBC_WITH_MD5 */
	    0x07, 0x00, 0xc0, /* SSL_CK_DES_192_EDE3_CBC_WITH_MD5 */
	};

	if (cap < sizeof(head) + 16)
		return 0;
	memcpy(out, head, sizeof(head));
	if (seed)
		memcpy(out + sizeof(head), seed, 16);
	else
		memset(out + sizeof(head), 0, 16);
	return sizeof(head) + 16;
}
