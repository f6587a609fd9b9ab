/*
 * Building cJSON trees for the JSON, SARIF and diff reporters: each helper
 * reports an allocation failure as false/NULL and leaves no orphan item.
 */
#ifndef MAILAUDIT_REPORTS_JSON_BUILD_H
#define MAILAUDIT_REPORTS_JSON_BUILD_H

#include <stdbool.h>
#include <stdio.h>

#include <cJSON.h>

/* Adds v as a string, or null when v is NULL. */
bool jb_add_str(cJSON *o, const char *key, const char *v);

/* Appends v (or null) to an array. */
bool jb_push_str(cJSON *arr, const char *v);

/* Appends a new empty object to an array; NULL on allocation failure. */
cJSON *jb_push_obj(cJSON *arr);

/* Prints the tree to out, indented, with a final newline, and deletes it
 * (root NULL: an allocation failed while building it). Returns 0, or -1
 * with errno set. */
int jb_write(FILE *out, cJSON *root);

#endif
