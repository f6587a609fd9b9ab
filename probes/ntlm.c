/*
 * MS-NLMP NEGOTIATE_MESSAGE (2.2.1.1) and CHALLENGE_MESSAGE (2.2.1.2)
 * with AV_PAIR (2.2.2.1) and VERSION (2.2.2.10) for the NTLM
 * information probe. Every offset and length in a challenge is
 * attacker-controlled: each is checked against the message before use.
 */
#include "probes/ntlm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/escape.h"

/* "NTLMSSP" and its NUL. */
static const uint8_t signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

/* Fixed-header sizes: through ServerChallenge, through TargetInfoFields,
 * through Version. */
#define HDR_MIN         32
#define HDR_TARGET_INFO 48
#define HDR_VERSION     56

/* Seconds from 1601-01-01 (FILETIME epoch) to 1970-01-01. */
#define FILETIME_UNIX_DIFF 11644473600LL

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

size_t
ntlm_negotiate(uint8_t *out, size_t cap)
{
	if (out == NULL || cap < NTLM_NEGOTIATE_LEN)
		return 0;
	memset(out, 0, NTLM_NEGOTIATE_LEN);
	memcpy(out, signature, sizeof(signature));
	put32(out + 8, 1); /* MessageType: NEGOTIATE */
	put32(out + 12, NTLM_NEGOTIATE_FLAGS);
	/* DomainNameFields and WorkstationFields stay zero. */
	return NTLM_NEGOTIATE_LEN;
}

const char *
ntlm_negotiate_base64(void)
{
	/* A literal rather than computed: no static state to initialise
	 * across threads. check_ntlm.c proves it encodes ntlm_negotiate(). */
	return "TlRMTVNTUAABAAAAB4IIoAAAAAAAAAAAAAAAAAAAAAA=";
}

static void note(struct ntlm_challenge *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Notes that do not fit whole are left out; nnotes still counts them. */
static void
note(struct ntlm_challenge *c, const char *fmt, ...)
{
	char tmp[160];
	size_t used = strlen(c->notes), k;
	const char *sep = used ? "; " : "";
	va_list ap;
	int r;

	c->nnotes++;
	va_start(ap, fmt);
	r = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	k = strlen(tmp);
	if (used + strlen(sep) + k < sizeof(c->notes)) {
		memcpy(c->notes + used, sep, strlen(sep));
		memcpy(c->notes + used + strlen(sep), tmp, k + 1);
	}
}

/* UTF-16LE (n even) to escaped printable ASCII, truncated like
 * escape_bytes: the last unit may use the room kept for the marker. */
static void
set_utf16(struct ntlm_str *s, const uint8_t *p, size_t n)
{
	const size_t max = NTLM_STR_MAX;
	const size_t reserve = sizeof("...[+65535 bytes]") - 1;
	size_t o = 0, i;

	for (i = 0; i + 1 < n; i += 2) {
		unsigned u = le16(p + i);
		char tmp[8];
		size_t k;

		if (u == '\\' || u == '\r' || u == '\n' || u == '\t') {
			tmp[0] = '\\';
			tmp[1] = u == '\\'   ? '\\'
			         : u == '\r' ? 'r'
			         : u == '\n' ? 'n'
			                     : 't';
			k = 2;
		} else if (u >= 0x20 && u < 0x7f) {
			tmp[0] = (char)u;
			k = 1;
		} else {
			/* controls, non-ASCII and each surrogate half alike */
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", u);
		}
		if (o + k > max || (i + 2 < n && o + k > max - reserve))
			break;
		memcpy(s->text + o, tmp, k);
		o += k;
	}
	if (i < n)
		o += (size_t)snprintf(s->text + o, sizeof(s->text) - o,
		                      "...[+%zu bytes]", n - i);
	s->text[o] = '\0';
	s->present = true;
}

static void
set_oem(struct ntlm_str *s, const uint8_t *p, size_t n)
{
	char *e = escape_bytes((const char *)p, n, NTLM_STR_MAX);

	snprintf(s->text, sizeof(s->text), "%s", e);
	free(e);
	s->present = true;
}

/* Is the security buffer (length blen at offset off) usable in a
 * message of len bytes whose fixed header is hdr bytes? Empty buffers
 * are simply absent. */
static bool
secbuf_ok(struct ntlm_challenge *c, const char *what, uint16_t blen,
          uint32_t off, size_t hdr, size_t len)
{
	if (blen == 0)
		return false;
	if (off < hdr) {
		note(c, "%s at offset %" PRIu32 " overlaps the %zu-byte header",
		     what, off, hdr);
		return false;
	}
	if (off > len || blen > len - off) {
		note(c,
		     "%s (offset %" PRIu32 ", length %u) outside the %zu-byte "
		     "message",
		     what, off, (unsigned)blen, len);
		return false;
	}
	return true;
}

static void
av_string(struct ntlm_challenge *c, struct ntlm_str *s, const char *what,
          const uint8_t *v, size_t n)
{
	if (s->present) {
		note(c, "duplicate %s ignored", what);
		return;
	}
	if (n % 2) {
		note(c, "%s has odd UTF-16 length %zu; dropped", what, n);
		return;
	}
	set_utf16(s, v, n);
}

static void
av_pair(struct ntlm_challenge *c, unsigned id, const uint8_t *v, size_t n)
{
	switch (id) {
	case NTLM_AV_NB_COMPUTER:
		av_string(c, &c->nb_computer, "NbComputerName", v, n);
		break;
	case NTLM_AV_NB_DOMAIN:
		av_string(c, &c->nb_domain, "NbDomainName", v, n);
		break;
	case NTLM_AV_DNS_COMPUTER:
		av_string(c, &c->dns_computer, "DnsComputerName", v, n);
		break;
	case NTLM_AV_DNS_DOMAIN:
		av_string(c, &c->dns_domain, "DnsDomainName", v, n);
		break;
	case NTLM_AV_DNS_TREE:
		av_string(c, &c->dns_tree, "DnsTreeName", v, n);
		break;
	case NTLM_AV_TARGET_NAME:
		av_string(c, &c->av_target, "AV TargetName", v, n);
		break;
	case NTLM_AV_FLAGS:
		if (n != 4)
			note(c, "Flags AV_PAIR of length %zu; dropped", n);
		else if (!c->has_av_flags) {
			c->has_av_flags = true;
			c->av_flags = le32(v);
		}
		break;
	case NTLM_AV_TIMESTAMP:
		if (n != 8) {
			note(c, "Timestamp AV_PAIR of length %zu; dropped", n);
		} else if (!c->has_timestamp) {
			c->has_timestamp = true;
			c->filetime = le64(v);
			/* at most ~1.8e12 s: fits a 64-bit time_t */
			c->timestamp =
			    (time_t)((int64_t)(c->filetime / 10000000u) -
			             FILETIME_UNIX_DIFF);
		}
		break;
	case NTLM_AV_SINGLE_HOST:
		c->has_single_host = true;
		break;
	case NTLM_AV_CHANNEL_BINDINGS:
		c->has_channel_bindings = true;
		break;
	default:
		break; /* unknown ids are skipped, as MS-NLMP asks */
	}
}

static void
parse_av_list(struct ntlm_challenge *c, const uint8_t *p, size_t n)
{
	size_t pos = 0;

	c->has_target_info = true;
	for (;;) {
		unsigned id;
		size_t alen;

		if (n - pos < 4) {
			if (pos == n)
				note(c, "AV_PAIR list ends without MsvAvEOL");
			else
				note(c,
				     "AV_PAIR header truncated at offset %zu",
				     pos);
			return;
		}
		id = le16(p + pos);
		alen = le16(p + pos + 2);
		if (alen > n - pos - 4) {
			note(c,
			     "AV_PAIR %u of length %zu runs past the end of "
			     "TargetInfo",
			     id, alen);
			return;
		}
		if (id == NTLM_AV_EOL) {
			c->av_eol = true;
			if (alen != 0)
				note(c, "MsvAvEOL with length %zu", alen);
			return;
		}
		if (c->av_pairs == NTLM_MAX_AV_PAIRS) {
			note(c, "more than %d AV_PAIRs; rest ignored",
			     NTLM_MAX_AV_PAIRS);
			return;
		}
		c->av_pairs++;
		av_pair(c, id, p + pos + 4, alen);
		pos += 4 + alen;
	}
}

/* A payload that starts in [lo, hi) shows the header ends before hi:
 * old servers put TargetName right after the 32- or 40-byte header.
 * Offsets below lo overlap the header anyway and prove nothing. */
static bool
payload_in(uint16_t blen, uint32_t off, uint32_t lo, uint32_t hi)
{
	return blen > 0 && off >= lo && off < hi;
}

int
ntlm_parse_challenge(const uint8_t *msg, size_t len, struct ntlm_challenge *out)
{
	uint16_t tn_len, ti_len = 0;
	uint32_t tn_off, ti_off = 0;
	size_t hdr = HDR_MIN;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if (msg == NULL || len < HDR_MIN ||
	    memcmp(msg, signature, sizeof(signature)) != 0 ||
	    le32(msg + 8) != 2)
		return -1;

	tn_len = le16(msg + 12);
	tn_off = le32(msg + 16);
	out->flags = le32(msg + 20);
	memcpy(out->server_challenge, msg + 24, 8);

	if (len >= HDR_TARGET_INFO &&
	    !payload_in(tn_len, tn_off, HDR_MIN, HDR_TARGET_INFO)) {
		hdr = HDR_TARGET_INFO;
		ti_len = le16(msg + 40);
		ti_off = le32(msg + 44);
		if ((out->flags & NTLM_FLAG_VERSION) && len >= HDR_VERSION &&
		    !payload_in(tn_len, tn_off, HDR_TARGET_INFO, HDR_VERSION) &&
		    !payload_in(ti_len, ti_off, HDR_TARGET_INFO, HDR_VERSION)) {
			hdr = HDR_VERSION;
			out->has_version = true;
			out->ver_major = msg[48];
			out->ver_minor = msg[49];
			out->ver_build = le16(msg + 50);
			out->ntlm_revision = msg[55];
		}
	}

	if (secbuf_ok(out, "TargetName", tn_len, tn_off, hdr, len)) {
		if (!(out->flags & NTLM_FLAG_UNICODE))
			set_oem(&out->target, msg + tn_off, tn_len);
		else if (tn_len % 2)
			note(out,
			     "TargetName has odd UTF-16 length %u; dropped",
			     (unsigned)tn_len);
		else
			set_utf16(&out->target, msg + tn_off, tn_len);
	}
	if (secbuf_ok(out, "TargetInfo", ti_len, ti_off, hdr, len))
		parse_av_list(out, msg + ti_off, ti_len);
	return 0;
}

static bool
named(const struct ntlm_str *s)
{
	return s->present && s->text[0] != '\0';
}

bool
ntlm_discloses(const struct ntlm_challenge *c)
{
	if (c == NULL)
		return false;
	return named(&c->nb_computer) || named(&c->nb_domain) ||
	       named(&c->dns_computer) || named(&c->dns_domain) ||
	       named(&c->dns_tree) ||
	       (c->has_version &&
	        (c->ver_major || c->ver_minor || c->ver_build));
}

struct sbuf {
	char *p;
	size_t n; /* capacity, NUL included */
	size_t o;
	bool full;
};

/* Appends s; the first piece that does not fit is cut and the text ends
 * in "..." (when there is room for it at all). */
static void
sbuf_put(struct sbuf *b, const char *s)
{
	size_t k = strlen(s), room;

	if (b->full || b->n == 0)
		return;
	room = b->n - 1 - b->o;
	if (k <= room) {
		memcpy(b->p + b->o, s, k);
		b->o += k;
		b->p[b->o] = '\0';
		return;
	}
	b->full = true;
	memcpy(b->p + b->o, s, room);
	b->o += room;
	if (b->o >= 3)
		memcpy(b->p + b->o - 3, "...", 3);
	b->p[b->o] = '\0';
}

static void
put_name(struct sbuf *b, const char *label, const struct ntlm_str *s)
{
	if (!named(s))
		return;
	if (b->o > 0)
		sbuf_put(b, "; ");
	sbuf_put(b, label);
	sbuf_put(b, " ");
	sbuf_put(b, s->text);
}

size_t
ntlm_describe(const struct ntlm_challenge *c, char *out, size_t n)
{
	struct sbuf b = {.p = out, .n = n};

	if (out == NULL || n == 0)
		return 0;
	out[0] = '\0';
	if (c == NULL)
		return 0;
	put_name(&b, "target", &c->target);
	put_name(&b, "NetBIOS computer", &c->nb_computer);
	put_name(&b, "NetBIOS domain", &c->nb_domain);
	put_name(&b, "DNS computer", &c->dns_computer);
	put_name(&b, "DNS domain", &c->dns_domain);
	put_name(&b, "DNS tree", &c->dns_tree);
	if (c->has_version && (c->ver_major || c->ver_minor || c->ver_build)) {
		char v[48];

		snprintf(v, sizeof(v), "OS version %u.%u build %u",
		         (unsigned)c->ver_major, (unsigned)c->ver_minor,
		         (unsigned)c->ver_build);
		if (b.o > 0)
			sbuf_put(&b, "; ");
		sbuf_put(&b, v);
	}
	return b.o;
}
