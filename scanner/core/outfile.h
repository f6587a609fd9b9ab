/*
 * Where a report is written, without ever destroying it: -o must leave
 * devices, FIFOs, sockets and symlinks what they were.
 *
 *   "-" or NULL             standard output
 *   a regular file, or      a temporary file beside the target, renamed
 *   nothing yet             over it once complete (mode and owner of the
 *                           old file kept; umask for a new one)
 *   a symlink               resolved first; its target is treated as above
 *                           and the link stays
 *   /dev/stdout, /dev/fd/N  that descriptor, written in place
 *   a character device or   written in place (opened, never created or
 *   FIFO; a Unix socket     renamed over; a socket is connected to)
 *   a directory or block    refused
 *   device
 *
 * Every write, flush and close is checked; a failed output leaves no
 * temporary file behind.
 */
#ifndef MAILAUDIT_SCANNER_CORE_OUTFILE_H
#define MAILAUDIT_SCANNER_CORE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct outfile {
	FILE *f;
	const char *name; /* as given, for messages: "standard output" */
	char *target;     /* symlinks resolved; NULL when written in place */
	char *tmp;        /* the file renamed over target on success */
	mode_t mode;      /* what the renamed file gets */
	uid_t uid;
	gid_t gid;
	bool keep_owner; /* the target existed: give the report its owner */
	char err[256];   /* why outfile_open or outfile_close failed */
};

/* Opens path for a report (see above). Returns 0, or -1 with o->err set
 * and nothing left open or created. */
int outfile_open(struct outfile *o, const char *path);

/* Finishes the output: flushes and closes it and, if ok is true and every
 * write succeeded, puts the report in place. Returns 0, or -1 with o->err
 * set ("No space left on device", ...) and any temporary file removed.
 * Pass ok = false when the renderer failed: the report is then discarded
 * (-1, with the renderer's errno in o->err). */
int outfile_close(struct outfile *o, bool ok);

#endif
