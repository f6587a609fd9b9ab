/* A growable list of strings. */
#include "scanner/core/strlist.h"

#include <string.h>
#include <strings.h>

#include "scanner/core/xalloc.h"

void
strlist_init(struct strlist *l)
{
	l->items = NULL;
	l->n = 0;
	l->cap = 0;
}

void
strlist_clear(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	l->n = 0;
}

void
strlist_free(struct strlist *l)
{
	strlist_clear(l);
	free(l->items);
	strlist_init(l);
}

void
strlist_addn(struct strlist *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	l->items[l->n++] = xstrndup(s, len);
}

void
strlist_add(struct strlist *l, const char *s)
{
	strlist_addn(l, s, strlen(s));
}

bool
strlist_has_ci(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->items[i], s) == 0)
			return true;
	return false;
}

bool
strlist_has_prefix_ci(const struct strlist *l, const char *prefix)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < l->n; i++)
		if (strncasecmp(l->items[i], prefix, plen) == 0)
			return true;
	return false;
}

void
strlist_copy(struct strlist *dst, const struct strlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		strlist_add(dst, src->items[i]);
}
