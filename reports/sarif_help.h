/*
 * The help of a SARIF rule (reportingDescriptor.help): the check's
 * description and references, then its remediation (issue #12): the
 * generic fix and each product's own setting with its source. As plain
 * text and as Markdown, for dashboards that render either.
 */
#ifndef MAILAUDIT_REPORTS_SARIF_HELP_H
#define MAILAUDIT_REPORTS_SARIF_HELP_H

#include "scanner/core/result.h"

/* Both allocated (caller frees); NULL only when out of memory. */
char *sarif_help_text(const struct check *c);
char *sarif_help_markdown(const struct check *c);

#endif
