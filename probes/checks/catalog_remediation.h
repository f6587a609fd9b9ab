/*
 * What to change so that a finding goes away: generic advice for every
 * check, and, where the catalog knows the product (struct impl_facts
 * product keys: "dovecot", "exchange", ...), the product's own setting
 * with the vendor documentation that names it.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_CATALOG_REMEDIATION_H
#define MAILAUDIT_PROBES_CHECKS_CATALOG_REMEDIATION_H

#include <stddef.h>

#include "scanner/core/result.h"

struct remediation {
	const char *generic;      /* NULL only when the catalog has no advice */
	const char *product;      /* the product key the advice below is for */
	const char *product_text; /* NULL when none for this product */
	const char *product_cite; /* the vendor documentation; ends in
	                             "(unverified)" when it was not checked */
};

/* Fills *out for check c and product (NULL: unknown). Returns false when
 * the catalog has no advice at all for c. */
bool remediation_for(const struct check *c, const char *product,
                     struct remediation *out);

/* The product keys that have advice rows, in a stable order (for the
 * reports that list every product's advice: SARIF help, --list-checks
 * --remediation). *n_r gets the count. */
const char *const *remediation_products(size_t *n_r);

/* The reports that list every product's advice walk them with this:
 * starting from *cursor = 0, fills *out with the next product that has a
 * row for check c and returns true; false when none is left. */
bool remediation_next_product(const struct check *c, size_t *cursor,
                              struct remediation *out);

/* How a product key is shown to people ("dovecot" -> "Dovecot"); the key
 * itself when the catalog has no rows for it, NULL for NULL. */
const char *remediation_product_label(const char *product);

#endif
