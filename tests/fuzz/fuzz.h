/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c) and
 * replay_main.c, which runs a harness over saved inputs without libFuzzer.
 */
#ifndef MAILAUDIT_TESTS_FUZZ_FUZZ_H
#define MAILAUDIT_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Called once per input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
			        __FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Text bound for a report: printable ASCII only (NULL is fine). */
static inline bool
fuzz_printable(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

#endif
