/*
 * Peer bytes become evidence only through here: printable ASCII stays,
 * backslash, CR, LF and TAB become \\ \r \n \t, every other byte \xHH. The
 * result can be printed to a terminal or put in JSON without letting a
 * hostile server drive either.
 */
#ifndef MAILAUDIT_SCANNER_CORE_ESCAPE_H
#define MAILAUDIT_SCANNER_CORE_ESCAPE_H

#include <stddef.h>

/* Escapes n bytes of p. At most max output characters are produced
 * (raised to 66 if smaller); a longer result ends in "..." followed by the
 * number of bytes left out, as "...[+123 bytes]". Caller frees. */
char *escape_bytes(const char *p, size_t n, size_t max);

/* For text that is already escaped or made by us: keeps printable ASCII
 * (backslash included, so escaped text is not escaped twice) and turns
 * any other byte into \xHH; truncates to max characters with "...". */
char *escape_printable(const char *s, size_t max);

#endif
