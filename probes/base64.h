/*
 * Base64 (RFC 4648 §4, the standard alphabet) for SASL exchanges and
 * base64 text found in greetings. Decoding is strict about the alphabet
 * (RFC 9051 §6.2.2) but accepts missing padding, as Exchange greetings
 * omit it (checks.md §4 pitfall 17). Pure functions; no allocation.
 */
#ifndef MAILAUDIT_PROBES_BASE64_H
#define MAILAUDIT_PROBES_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Characters base64_encode writes for n bytes, without the NUL. */
#define BASE64_ENCODED_LEN(n) ((((n) + 2) / 3) * 4)

/* Upper bound of the bytes base64_decode produces from n characters. */
#define BASE64_DECODED_MAX(n) ((((n) + 3) / 4) * 3)

/* Decodes the n characters of s into out, writing at most cap bytes.
 * Accepted: characters of A-Z a-z 0-9 + /, optionally followed by the
 * '=' padding that completes the last group of four (exactly; "QQ=" is
 * rejected, "QQ" and "QQ==" are not). Rejected: any other character
 * (whitespace and line ends included: the caller strips those), '='
 * anywhere else, a lone character in the last group, output that does
 * not fit in cap. Unused low bits of the last group are ignored.
 * Returns the number of bytes written, or -1 (out may then hold part of
 * the output). An empty s decodes to 0 bytes. */
ssize_t base64_decode(const char *s, size_t n, uint8_t *out, size_t cap);

/* Encodes n bytes of in with '=' padding and a terminating NUL into out
 * (cap bytes, so BASE64_ENCODED_LEN(n) + 1 are needed). Returns the
 * length without the NUL, or -1 when it does not fit (out is then "" if
 * cap > 0). */
ssize_t base64_encode(const uint8_t *in, size_t n, char *out, size_t cap);

#endif
