/*
 * Whole files read into memory, for the documents mailaudit loads (saved
 * reports, waiver files): one size cap and one wording of the errors, so
 * an operator's typo or a runaway pipe fails the same way everywhere.
 */
#ifndef MAILAUDIT_SCANNER_CORE_FILEIO_H
#define MAILAUDIT_SCANNER_CORE_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads all of path ("-" is standard input when allow_stdin) into *buf, a
 * NUL-terminated copy the caller frees, and its length into *len. A file
 * of max bytes or more is refused. Returns 0, or -1 with one line in err,
 * "PATH: cannot read: REASON" or "PATH: larger than MAX bytes"; *buf is
 * then NULL.
 */
int read_capped(const char *path, size_t max, bool allow_stdin, char **buf,
                size_t *len, char *err, size_t errlen);

#endif
