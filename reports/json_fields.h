/*
 * The flat fact objects of the JSON report as data: one table per struct
 * (certificate, chain, OCSP, TLS, no-SNI, renegotiation, early data,
 * implementation) of
 * {key, type, offset}, like ZMap's fielddef_t. The writer (reports/json.c)
 * and the reader (reports/json_read_tls.c) walk the same table, so a fact
 * is named once and both sides agree on its key, order and type; a unit
 * test checks every key against the schema and json-fields.md.
 */
#ifndef MAILAUDIT_REPORTS_JSON_FIELDS_H
#define MAILAUDIT_REPORTS_JSON_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cJSON.h>

#include "scanner/core/strlist.h"

enum json_field_type {
	JF_STR,      /* char *: a string, or null for NULL */
	JF_TIME,     /* time_t: "YYYY-MM-DDTHH:MM:SSZ" */
	JF_TIME_OPT, /* time_t: as JF_TIME, but 0 (absent) is null */
	JF_BOOL,     /* bool */
	JF_UINT,     /* unsigned: a number from 0 to max */
	JF_SIZE,     /* size_t: a number from 0 to max */
	JF_STRLIST,  /* struct strlist: an array of strings */
	JF_SPECIAL,  /* not a plain value: the caller's hook writes/reads it */
};

/* Reading only: what an older report may lack. */
#define JF_SINCE 0x1 /* may be absent; the field is then left as it is */
#define JF_LAX   0x2 /* JF_BOOL: anything but true (or absence) is false */

struct json_field {
	const char *key;
	enum json_field_type type;
	size_t off; /* offsetof the member; unused for JF_SPECIAL */
	double max; /* JF_UINT, JF_SIZE */
	unsigned flags;
};

/* Each table ends with a {NULL} row. */
extern const struct json_field json_cert_fields[];       /* cert_facts */
extern const struct json_field json_chain_fields[];      /* chain_facts */
extern const struct json_field json_ocsp_fields[];       /* ocsp_facts */
extern const struct json_field json_tls_fields[];        /* tls_facts */
extern const struct json_field json_no_sni_fields[];     /* no_sni_facts */
extern const struct json_field json_reneg_fields[];      /* reneg_facts */
extern const struct json_field json_early_data_fields[]; /* early_data */
extern const struct json_field json_impl_fields[];       /* impl_facts */
/* All of the above, NULL-terminated, for the schema check. */
extern const struct json_field *const json_fact_tables[];

/* Writes a JF_SPECIAL field of s under key; false on allocation failure. */
typedef bool (*json_special_write)(cJSON *o, const char *key, const void *s);

/* Adds s's fields to o in table order; false on allocation failure. */
bool jf_write(cJSON *o, const struct json_field *t, const void *s,
              json_special_write special);

/* "2024-05-01T12:00:00Z", or null if the time cannot be represented. */
bool jf_add_time(cJSON *o, const char *key, time_t t);
bool jf_add_strlist(cJSON *o, const char *key, const struct strlist *l);

#endif
