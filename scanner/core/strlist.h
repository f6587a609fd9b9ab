/*
 * A growable list of NUL-terminated strings: capabilities, SAN entries.
 * Owns its strings.
 */
#ifndef MAILAUDIT_SCANNER_CORE_STRLIST_H
#define MAILAUDIT_SCANNER_CORE_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
	char **items;
	size_t n;
	size_t cap;
};

void strlist_init(struct strlist *l);
void strlist_free(struct strlist *l);
/* Appends a copy of s (of length len; may contain no NUL). */
void strlist_addn(struct strlist *l, const char *s, size_t len);
void strlist_add(struct strlist *l, const char *s);
/* Case-insensitive membership test. */
bool strlist_has_ci(const struct strlist *l, const char *s);
/* True when some item starts with prefix (case-insensitive). */
bool strlist_has_prefix_ci(const struct strlist *l, const char *prefix);
void strlist_clear(struct strlist *l);
/* dst (initialised, empty) gets a copy of every item of src. */
void strlist_copy(struct strlist *dst, const struct strlist *src);

#endif
