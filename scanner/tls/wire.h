/*
 * Private to the TLS wire layer (scanner/tls/suites.c, names.c, hello.c,
 * flight.c) and the test servers' ClientHello parser: bounded big-endian
 * byte writer and reader, record content types and the extension-type
 * lookup. Not an API: the contracts callers rely on are in tlshello.h.
 */
#ifndef MAILAUDIT_SCANNER_TLS_WIRE_H
#define MAILAUDIT_SCANNER_TLS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* TLS record content types */
enum { CT_CCS = 20, CT_ALERT, CT_HANDSHAKE, CT_APPDATA, CT_HEARTBEAT };

/* TLSHELLO_EXT_* bit of an extension type; OTHER if not in the table
 * (names.c). */
unsigned tlshello_ext_bit(uint16_t type);

/* ---- byte writer (builders, test servers) ----------------------------- */

/* Appends stop at cap and set bad, so the builder checks once at the
 * end. Length fields are reserved first and patched with wr_patch*. */
struct wr {
	uint8_t *p;
	size_t cap, len;
	bool bad;
};

static inline void
wr_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->bad || n > w->cap - w->len) {
		w->bad = true;
		return;
	}
	if (n)
		memcpy(w->p + w->len, b, n);
	w->len += n;
}

static inline void
wr_u8(struct wr *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	wr_bytes(w, &b, 1);
}

static inline void
wr_u16(struct wr *w, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	wr_bytes(w, b, 2);
}

static inline void
wr_u24(struct wr *w, size_t v)
{
	uint8_t b[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	wr_bytes(w, b, 3);
}

/* Patches a length field of width bytes at pos with the bytes written
 * since pos + width; fails if it does not fit the field. */
static inline void
wr_patch(struct wr *w, size_t pos, unsigned width)
{
	size_t v, i;

	if (w->bad)
		return;
	v = w->len - pos - width;
	if (width < sizeof(size_t) && v >> (8 * width)) {
		w->bad = true;
		return;
	}
	for (i = 0; i < width; i++)
		w->p[pos + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/* ---- byte reader (parsers) -------------------------------------------- */

/* Reads past the end set bad and yield zeros/NULL, so a parser can read a
 * whole structure and check once. */
struct rd {
	const uint8_t *p;
	size_t n, off;
	bool bad;
};

static inline size_t
rd_left(const struct rd *r)
{
	return r->bad ? 0 : r->n - r->off;
}

static inline const uint8_t *
rd_take(struct rd *r, size_t k)
{
	const uint8_t *b;

	if (r->bad || k > r->n - r->off) {
		r->bad = true;
		return NULL;
	}
	b = r->p + r->off;
	r->off += k;
	return b;
}

static inline unsigned
rd_u8(struct rd *r)
{
	const uint8_t *b = rd_take(r, 1);

	return b ? b[0] : 0;
}

static inline unsigned
rd_u16(struct rd *r)
{
	const uint8_t *b = rd_take(r, 2);

	return b ? (unsigned)b[0] << 8 | b[1] : 0;
}

/* The next k bytes as a reader of their own (bad if they are not all
 * there). */
static inline struct rd
rd_sub(struct rd *r, size_t k)
{
	struct rd s = {.p = rd_take(r, k), .n = k};

	if (!s.p) {
		s.n = 0;
		s.bad = true;
	}
	return s;
}

static inline size_t
be24(const uint8_t *b)
{
	return (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
}

#endif
