/*
 * The check catalog: every check id mailaudit can report, with its default
 * severity, title, a one-paragraph description and the references to the
 * standards behind it (../shared/checks.md is the source). The catalog is
 * the schema: probes pass only an id and evidence, reporters take titles,
 * severities and references from here.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_CATALOG_H
#define MAILAUDIT_PROBES_CHECKS_CATALOG_H

#include <stddef.h>

#include "scanner/core/result.h"

#define CHECK_MAX_REFS 8

struct check {
	const char *id;          /* "STARTTLS-MISSING": stable, documented */
	enum severity severity;  /* default severity */
	const char *title;       /* one line, no trailing period */
	const char *description; /* what it means and why it matters */
	const char *refs[CHECK_MAX_REFS + 1]; /* NULL-terminated */
	const char *issue; /* "core", "tls", "mail", "cert"...: which part
	                      of mailaudit implements it; NULL =
	                      catalogued but not yet implemented */
};

/* Looks a check up by id (exact, case-sensitive); NULL if unknown. */
const struct check *catalog_find(const char *id);

/* The whole catalog, in a stable order (the order of checks.md). */
const struct check *catalog_all(size_t *n_r);

#endif
