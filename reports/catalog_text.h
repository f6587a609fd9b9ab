/*
 * The catalog as `mailaudit --list-checks` shows it: one block per check
 * with id, default severity and title, then its references, wrapped to fit
 * 100 columns.
 */
#ifndef MAILAUDIT_REPORTS_CATALOG_TEXT_H
#define MAILAUDIT_REPORTS_CATALOG_TEXT_H

#include <stdbool.h>
#include <stdio.h>

/* Prints the checks mailaudit implements to out, or with all every
 * catalogued check, the not-yet-implemented ones marked as such. */
void catalog_print(FILE *out, bool all, bool remediation);

#endif
