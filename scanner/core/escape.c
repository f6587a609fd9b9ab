/* Escaping of peer bytes for evidence and terminals. */
#include "scanner/core/escape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "scanner/core/xalloc.h"

/* Output characters for byte c. */
static size_t
escaped_len(unsigned char c)
{
	if (c == '\\' || c == '\r' || c == '\n' || c == '\t')
		return 2;
	return (c >= 0x20 && c < 0x7f) ? 1 : 4;
}

char *
escape_bytes(const char *p, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	/* the truncation marker never needs more than this */
	const size_t reserve = sizeof("...[+18446744073709551615 bytes]");
	size_t o = 0, i, need = 0;
	bool fits;
	char *out;

	if (max < 2 * reserve)
		max = 2 * reserve;
	/* truncate only what does not fit whole */
	for (i = 0; i < n && need <= max; i++)
		need += escaped_len((unsigned char)p[i]);
	fits = need <= max;
	out = xmalloc(max + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		size_t k = escaped_len(c);

		/* cut short: leave room for the marker */
		if (!fits && o + k > max - reserve)
			break;
		if (k == 1) {
			out[o++] = (char)c;
		} else if (k == 2) {
			out[o++] = '\\';
			out[o++] = c == '\\'   ? '\\'
			           : c == '\r' ? 'r'
			           : c == '\n' ? 'n'
			                       : 't';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < n)
		o += (size_t)snprintf(out + o, max + 1 - o, "...[+%zu bytes]",
		                      n - i);
	out[o] = '\0';
	/* sized for the worst case; most strings are short */
	return xreallocarray(out, o + 1, 1);
}

char *
escape_printable(const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, need = 0;
	bool fits;
	char *out;

	if (max < 8)
		max = 8;
	for (const char *q = s; *q && need <= max; q++)
		need += ((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7f)
		            ? 1
		            : 4;
	fits = need <= max;
	out = xmalloc(max + 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t k = (c >= 0x20 && c < 0x7f) ? 1 : 4;

		if (!fits && o + k > max - 3) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 1) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	/* sized for the worst case; most strings are short */
	return xreallocarray(out, o + 1, 1);
}
