/*
 * Building cJSON trees for the JSON and SARIF reporters: each helper
 * reports an allocation failure as false/NULL and leaves no orphan item.
 */
#ifndef MAILAUDIT_REPORTS_JSON_BUILD_H
#define MAILAUDIT_REPORTS_JSON_BUILD_H

#include <stdbool.h>

#include <cJSON.h>

/* Adds v as a string, or null when v is NULL. */
bool jb_add_str(cJSON *o, const char *key, const char *v);

/* Appends v (or null) to an array. */
bool jb_push_str(cJSON *arr, const char *v);

/* Appends a new empty object to an array; NULL on allocation failure. */
cJSON *jb_push_obj(cJSON *arr);

#endif
