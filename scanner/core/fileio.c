/*
 * read_capped: a whole file in memory, refused past a size cap before the
 * cap is ever allocated (openssh's sshbuf_load_fd does the same).
 */
#include "scanner/core/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/xalloc.h"

int
read_capped(const char *path, size_t max, bool allow_stdin, char **buf,
            size_t *len, char *err, size_t errlen)
{
	bool is_stdin = allow_stdin && strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0;
	int rc = -1, e;

	*buf = NULL;
	*len = 0;
	if (!f) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		         strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			/* a full buffer cannot tell EOF from more: max itself
			 * is too large */
			if (cap >= max) {
				snprintf(err, errlen,
				         "%s: larger than %zu bytes", path,
				         max);
				goto out;
			}
			cap = cap ? cap * 2 : 4096;
			if (cap > max)
				cap = max;
			b = xreallocarray(b, cap, 1);
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		e = errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
		goto out;
	}
	b = xreallocarray(b, n + 1, 1);
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	if (!is_stdin)
		fclose(f);
	free(b);
	return rc;
}
