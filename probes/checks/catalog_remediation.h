/*
 * What to change so that a finding goes away: generic advice for every
 * check, and, where the catalog knows the product (struct impl_facts
 * product keys: "dovecot", "exchange", ...), the product's own setting
 * with the vendor documentation that names it.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_CATALOG_REMEDIATION_H
#define MAILAUDIT_PROBES_CHECKS_CATALOG_REMEDIATION_H

#include "scanner/core/result.h"

struct remediation {
	const char *generic; /* NULL only when the catalog has no advice */
	const char *product; /* the product key the advice below is for */
	const char *product_text; /* NULL when none for this product */
	const char *product_cite; /* the vendor documentation; ends in
	                             "(unverified)" when it was not checked */
};

/* Fills *out for check c and product (NULL: unknown). Returns false when
 * the catalog has no advice at all for c. */
bool remediation_for(const struct check *c, const char *product,
                     struct remediation *out);

#endif
