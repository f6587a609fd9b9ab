/*
 * The parse state shared by the json_read*.c files: the first problem
 * ends the parse with one message naming its JSON path, and typed getters
 * that bail out the same way, so each loader reads as a list of fields.
 * Internal to the saved-report reader (reports/json_read.h).
 */
#ifndef MAILAUDIT_REPORTS_JSON_READ_CTX_H
#define MAILAUDIT_REPORTS_JSON_READ_CTX_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cJSON.h>

#include "reports/json_fields.h"
#include "scanner/core/result.h"
#include "scanner/core/strlist.h"

/* The parse state: on the first problem, jr_fail() writes the message and
 * jumps back to report_load_buffer, which frees what was built. */
struct jr_ctx {
	const char *name;
	char *err;
	size_t errlen;
	jmp_buf bail;
};

/* "endpoints[3].tls" style paths for messages; bounded. */
struct jr_path {
	char s[160];
};

/* Writes "NAME: PATH: WHY" and jumps back to report_load_buffer. */
void jr_fail(struct jr_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* "base.key" or "base.key[idx]" (idx >= 0) into p; returns p->s. */
const char *jr_at(struct jr_path *p, const char *base, const char *key,
                  long idx);
/* o's member key; missing is an error. */
const cJSON *jr_member(struct jr_ctx *c, const cJSON *o, const char *base,
                       const char *key);
/* Peer text as printable ASCII (unchanged for what mailaudit wrote);
 * _lines keeps the transcript's LF line ends. */
char *jr_clean(const char *s);
char *jr_clean_lines(const char *s);

/* Getters for a member that must be there: opt_ ones also take null
 * (NULL, 0); _raw strings are the document's own, not escaped. */
char *jr_opt_str(struct jr_ctx *c, const cJSON *o, const char *base,
                 const char *key);
const char *jr_opt_str_raw(struct jr_ctx *c, const cJSON *o, const char *base,
                           const char *key);
char *jr_req_str(struct jr_ctx *c, const cJSON *o, const char *base,
                 const char *key);
double jr_req_num(struct jr_ctx *c, const cJSON *o, const char *base,
                  const char *key, double min, double max);
bool jr_req_bool(struct jr_ctx *c, const cJSON *o, const char *base,
                 const char *key);
const cJSON *jr_req_array(struct jr_ctx *c, const cJSON *o, const char *base,
                          const char *key);
const cJSON *jr_req_object(struct jr_ctx *c, const cJSON *o, const char *base,
                           const char *key);
/* "YYYY-MM-DDTHH:MM:SSZ" or null (0). */
time_t jr_opt_time(struct jr_ctx *c, const cJSON *o, const char *base,
                   const char *key);
/* An object, or NULL when the member is null or absent (a field newer
 * than the report); p is set to its path. */
const cJSON *jr_opt_object(struct jr_ctx *c, const cJSON *o, const char *base,
                           const char *key, struct jr_path *p);
/* An array of strings appended to out, escaped. */
void jr_strlist(struct jr_ctx *c, const cJSON *o, const char *base,
                const char *key, struct strlist *out);

/* Reads a JF_SPECIAL field of s at key of o (whose path is base). */
typedef void (*json_special_read)(struct jr_ctx *c, const cJSON *o,
                                  const char *base, const char *key, void *s);

/* Fills s from o's members in table order, each as its type demands. */
void jr_fields(struct jr_ctx *c, const cJSON *o, const char *base,
               const struct json_field *t, void *s, json_special_read special);

/* The endpoint's "tls" member (json_read_tls.c). */
void jr_load_tls(struct jr_ctx *c, const cJSON *e, const char *base,
                 struct endpoint_result *r);

#endif
