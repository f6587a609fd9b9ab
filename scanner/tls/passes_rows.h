/*
 * What the rows of scanner/tls/passes.h share across their files:
 * internal to scanner/tls/.
 */
#ifndef MAILAUDIT_SCANNER_TLS_PASSES_ROWS_H
#define MAILAUDIT_SCANNER_TLS_PASSES_ROWS_H

#include <stdbool.h>

#include "scanner/tls/passes.h"

/* A library session was created (or not) on the fd: its handshake is
 * the stage finish reports on. */
bool tls_pass_opened(struct tls_pass_run *x);
/* Drives a library handshake. True once it is over, with *why NULL on
 * success; false with *io what to wait for. */
bool tls_pass_handshake(struct tls_pass_run *x, enum tls_pass_io *io_r,
                        const char **why);

/* The early-data row (passes_early.c). */
extern const struct tls_pass tls_pass_early;

#endif
