/* Escaping of peer bytes for evidence and terminals. */
#include "scanner/escape.h"

#include <stdio.h>
#include <string.h>

#include "scanner/xalloc.h"

char *
escape_bytes(const char *p, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	/* the truncation marker never needs more than this */
	const size_t reserve = sizeof("...[+18446744073709551615 bytes]");
	size_t o = 0, i;
	char *out;

	if (max < 2 * reserve)
		max = 2 * reserve;
	out = xmalloc(max + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		size_t k = (c == '\\' || c == '\r' || c == '\n' || c == '\t')
				   ? 2
			   : (c >= 0x20 && c < 0x7f) ? 1
						     : 4;

		/* the last byte may use the reserve; others must leave it */
		if (o + k > max || (i + 1 < n && o + k > max - reserve))
			break;
		if (k == 1) {
			out[o++] = (char)c;
		} else if (k == 2) {
			out[o++] = '\\';
			out[o++] = c == '\\' ? '\\'
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
	return out;
}

char *
escape_printable(const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	char *out;

	if (max < 8)
		max = 8;
	out = xmalloc(max + 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t k = (c >= 0x20 && c < 0x7f) ? 1 : 4;

		if (o + k > max - 3) {
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
	return out;
}
