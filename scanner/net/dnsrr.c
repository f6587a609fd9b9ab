/* TLSA and SRV record data parsers. */
#include "scanner/net/dnsrr.h"

#include <stdio.h>
#include <string.h>

#include "scanner/core/xalloc.h"

int
dnsrr_tlsa_parse(const unsigned char *p, size_t n, struct tlsa_rr *out)
{
	size_t dlen;

	memset(out, 0, sizeof(*out));
	if (n < 4)
		return -1;
	dlen = n - 3;
	if ((p[2] == 1 && dlen != 32) || (p[2] == 2 && dlen != 64))
		return -1;
	out->usage = p[0];
	out->selector = p[1];
	out->mtype = p[2];
	out->data_hex = xmalloc(dlen * 2 + 1);
	for (size_t i = 0; i < dlen; i++)
		snprintf(out->data_hex + 2 * i, 3, "%02x", p[3 + i]);
	out->data_hex[dlen * 2] = '\0';
	return 0;
}

static bool
plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* A wire-format name filling p[0..n) exactly, as text. */
static char *
name_text(const unsigned char *p, size_t n)
{
	/* 255 wire bytes at most (RFC 1035 §3.1), each up to 4 as text */
	char buf[255 * 4 + 2];
	size_t i = 0, o = 0;

	if (n == 0 || n > 255)
		return NULL;
	while (i < n) {
		size_t len = p[i++];

		if (len == 0)
			break;
		if (len > 63 || i + len > n)
			return NULL; /* compression pointer or overrun */
		if (o > 0)
			buf[o++] = '.';
		for (size_t k = 0; k < len; k++, i++) {
			if (plain_char(p[i]))
				buf[o++] = (char)p[i];
			else
				o += (size_t)snprintf(buf + o, sizeof(buf) - o,
				                      "\\%03u", p[i]);
		}
	}
	if (i != n || p[n - 1] != 0)
		return NULL; /* no root label, or bytes after it */
	if (o == 0)
		buf[o++] = '.';
	buf[o] = '\0';
	return xstrdup(buf);
}

int
dnsrr_srv_parse(const unsigned char *p, size_t n, struct srv_rr *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 7)
		return -1;
	out->target = name_text(p + 6, n - 6);
	if (!out->target)
		return -1;
	out->priority = (uint16_t)(p[0] << 8 | p[1]);
	out->weight = (uint16_t)(p[2] << 8 | p[3]);
	out->port = (uint16_t)(p[4] << 8 | p[5]);
	return 0;
}
