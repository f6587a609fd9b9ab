/*
 * Base64 (RFC 4648 §4): strict alphabet, optional padding, bounded
 * output.
 */
#include "probes/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of one alphabet character, or -1. Not table-driven so that the
 * function has no static state to initialise. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

ssize_t
base64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
	size_t body = n, pad = 0, o = 0, i;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (s == NULL || (out == NULL && cap > 0))
		return -1;
	while (body > 0 && s[body - 1] == '=' && pad < 2) {
		body--;
		pad++;
	}
	/* One character carries 6 bits: a group needs at least two. */
	if (body % 4 == 1)
		return -1;
	/* Padding, when present, completes the last group exactly. */
	if (pad > 0 && (body + pad) % 4 != 0)
		return -1;
	for (i = 0; i < body; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (ssize_t)o;
}

ssize_t
base64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	if (out == NULL || cap == 0)
		return -1;
	out[0] = '\0';
	if (n > ((size_t)-1 / 4 - 1) * 3 || cap < BASE64_ENCODED_LEN(n) + 1 ||
	    (in == NULL && n > 0))
		return -1;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return (ssize_t)o;
}
