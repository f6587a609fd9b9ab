/*
 * Decoding the back-end server name Exchange appends to its greeting as
 * "[<base64 of UTF-16LE>]" (INFO-EXCHANGE-BACKEND-FQDN).
 */
#include "probes/exchange.h"

#include <stdint.h>
#include <string.h>

#include "probes/base64.h"

/* Base64 characters (with padding) of the longest acceptable name. */
#define B64_MAX BASE64_ENCODED_LEN(2 * EXCHANGE_FQDN_MAX)

static bool
word_is(const char *w, size_t n, const char *s)
{
	size_t k = strlen(s);

	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != s[i])
			return false;
	}
	return true;
}

/* Is the '[' at index open a response code, i.e. preceded by at most a
 * tag (or "*") and a status word and one space? */
static bool
is_response_code(const char *g, size_t open)
{
	static const char *const status[] = {"OK",  "NO",  "BAD", "PREAUTH",
	                                     "BYE", "+OK", "-ERR"};
	size_t end, start, words = 0;
	const char *last = NULL;
	size_t last_len = 0;

	if (open == 0 || g[open - 1] != ' ')
		return false;
	end = open - 1;
	while (end > 0) {
		while (end > 0 && g[end - 1] == ' ')
			end--;
		if (end == 0)
			break;
		start = end;
		while (start > 0 && g[start - 1] != ' ')
			start--;
		if (++words == 1) {
			last = g + start;
			last_len = end - start;
		}
		if (words > 2)
			return false;
		end = start;
	}
	if (last == NULL)
		return false;
	for (size_t i = 0; i < sizeof(status) / sizeof(status[0]); i++)
		if (word_is(last, last_len, status[i]))
			return true;
	return false;
}

static bool
host_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool
exchange_backend_fqdn(const char *greeting, char *out, size_t outlen)
{
	uint8_t raw[2 * EXCHANGE_FQDN_MAX];
	char name[EXCHANGE_FQDN_MAX + 1];
	size_t n, open, blen, nlen, label = 0;
	const char *lb;
	bool dot = false;
	ssize_t r;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (greeting == NULL || out == NULL || outlen == 0)
		return false;
	n = strlen(greeting);
	while (n > 0 && (greeting[n - 1] == ' ' || greeting[n - 1] == '\t' ||
	                 greeting[n - 1] == '\r' || greeting[n - 1] == '\n'))
		n--;
	if (n < 2 || greeting[n - 1] != ']')
		return false;
	lb = memrchr(greeting, '[', n - 1);
	if (lb == NULL)
		return false;
	open = (size_t)(lb - greeting);
	blen = n - 1 - (open + 1);
	if (blen == 0 || blen > B64_MAX || is_response_code(greeting, open))
		return false;
	r = base64_decode(greeting + open + 1, blen, raw, sizeof(raw));
	if (r <= 0 || r % 2 != 0)
		return false;

	nlen = (size_t)r / 2;
	for (size_t i = 0; i < nlen; i++) {
		uint8_t lo = raw[2 * i], hi = raw[2 * i + 1];

		if (hi != 0 || !host_char(lo))
			return false;
		if (lo == '.') {
			if (label == 0)
				return false; /* leading dot or ".." */
			dot = true;
			label = 0;
		} else if (++label > 63) {
			return false;
		}
		name[i] = (char)lo;
	}
	if (!dot || label == 0 || nlen + 1 > outlen)
		return false;
	name[nlen] = '\0';
	memcpy(out, name, nlen + 1);
	return true;
}
