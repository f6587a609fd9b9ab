/*
 * Allocation that never returns NULL: a CLI scanner gains nothing from
 * limping on without memory, so failure aborts with a message.
 */
#ifndef MAILAUDIT_SCANNER_CORE_XALLOC_H
#define MAILAUDIT_SCANNER_CORE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

#endif
