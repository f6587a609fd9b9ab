/*
 * The fact tables of reports/json_fields.c against the documents that
 * describe the same keys: every table's keys are the properties of one
 * object in reports/schema/mailaudit-1.schema.json, and each is named in
 * reports/json-fields.md. A key added to a table without the schema and
 * the field docs fails here, not in a consumer's validator. Run from the
 * source tree, as `make unit` does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "reports/json_fields.h"
#include "scanner/core/fileio.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *json_fields_suite(void);

#define SCHEMA "reports/schema/mailaudit-1.schema.json"
#define FIELDS "reports/json-fields.md"

static char *
slurp(const char *path)
{
	char err[512] = "", *buf = NULL;
	size_t len;

	if (read_capped(path, 1u << 24, false, &buf, &len, err, sizeof(err)) <
	    0)
		ck_abort_msg("%s", err);
	return buf;
}

static bool
has_all_keys(const cJSON *props, const struct json_field *t)
{
	for (; t->key; t++)
		if (!cJSON_GetObjectItemCaseSensitive(props, t->key))
			return false;
	return true;
}

/* Some "properties" object under node holds every key of t. */
static bool
schema_has_table(const cJSON *node, const struct json_field *t)
{
	const cJSON *props =
	    cJSON_GetObjectItemCaseSensitive(node, "properties");

	if (cJSON_IsObject(node) && cJSON_IsObject(props) &&
	    has_all_keys(props, t))
		return true;
	for (const cJSON *k = node ? node->child : NULL; k; k = k->next)
		if (schema_has_table(k, t))
			return true;
	return false;
}

START_TEST(test_schema)
{
	char *text = slurp(SCHEMA);
	cJSON *schema = cJSON_Parse(text);

	ck_assert_ptr_nonnull(schema);
	for (size_t i = 0; json_fact_tables[i]; i++)
		ck_assert_msg(schema_has_table(schema, json_fact_tables[i]),
		              "no object in " SCHEMA
		              " has all the keys of the table starting \"%s\"",
		              json_fact_tables[i][0].key);
	cJSON_Delete(schema);
	free(text);
}
END_TEST

START_TEST(test_field_docs)
{
	char *text = slurp(FIELDS);

	for (size_t i = 0; json_fact_tables[i]; i++)
		for (const struct json_field *f = json_fact_tables[i]; f->key;
		     f++) {
			char quoted[128];

			snprintf(quoted, sizeof(quoted), "`%s`", f->key);
			ck_assert_msg(strstr(text, quoted) != NULL,
			              "%s is not in " FIELDS, quoted);
		}
	free(text);
}
END_TEST

/* Keys are unique within a table: a duplicate would be written twice. */
START_TEST(test_unique)
{
	for (size_t i = 0; json_fact_tables[i]; i++)
		for (const struct json_field *f = json_fact_tables[i]; f->key;
		     f++)
			for (const struct json_field *g = f + 1; g->key; g++)
				ck_assert_str_ne(f->key, g->key);
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
json_fields_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("json_fields");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_schema);
	tcase_add_test(tc, test_field_docs);
	tcase_add_test(tc, test_unique);
	suite_add_tcase(s, tc);
	return s;
}
