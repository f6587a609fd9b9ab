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

/* CHK_SVC_CLEARTEXT_PORT_OPEN, ...: one per line of catalog.def */
enum check_id {
#define CHECK_ID(name, id) CHK_##name,
#include "probes/checks/catalog.def"
#undef CHECK_ID
	CHECK_COUNT
};

/* The catalog, indexed by enum check_id. */
extern const struct check catalog_checks[CHECK_COUNT];

/* The check NAME (CHECK(STARTTLS_MISSING)): a misspelt name does not
 * compile. Also a constant for static tables. */
#define CHECK(name) (&catalog_checks[CHK_##name])

/* Looks a check up by id (exact, case-sensitive); NULL if unknown. For
 * ids read from files (saved reports, waivers). */
const struct check *catalog_find(const char *id);

/* The whole catalog, in a stable order (the order of checks.md). */
const struct check *catalog_all(size_t *n_r);

#endif
