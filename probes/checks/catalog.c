/*
 * The check catalog (../shared/checks.md section 2, in its order). Only
 * references checks.md marks as verified keep their section numbers; where
 * only the document is certain it is cited without a section, and claims
 * left unverified there are not cited at all, because whatever is here ends
 * up in reports.
 */
#include "probes/checks/catalog.h"

#include <string.h>

/* References used by several checks, spelled once. */
#define REF_USENIX21 "USENIX Security 2021: Why TLS is better without STARTTLS"
#define REF_PCI_421  "PCI DSS v4.0 Req. 4.2.1"
#define REF_BSI_01M  "BSI TR-03108 §4.1.1 (TR-03108-01-M)"
#define REF_BSI_02R  "BSI TR-03108 §4.1.2 (TR-03108-02-R)"
#define REF_CABF_BR  "CA/Browser Forum Baseline Requirements"
#define REF_NIST     "NIST SP 800-52r2"
#define REF_OPS      "Operational check; no normative source"

/* issue of the checks mailaudit implements today */
#define CORE "core"

const struct check catalog_checks[CHECK_COUNT] = {
/* The rows, one file per part of checks.md section 2, in its order */
#include "probes/checks/catalog_mail.inc"
#include "probes/checks/catalog_cert.inc"
#include "probes/checks/catalog_tls.inc"
};

const struct check *
catalog_find(const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < CHECK_COUNT; i++)
		if (strcmp(catalog_checks[i].id, id) == 0)
			return &catalog_checks[i];
	return NULL;
}

const struct check *
catalog_all(size_t *n_r)
{
	*n_r = CHECK_COUNT;
	return catalog_checks;
}
