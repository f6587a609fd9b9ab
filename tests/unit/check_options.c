/*
 * The option tables (scanner/cli/option_table.c): the parser finds names
 * and aliases and takes values, --help lists the table, and the tables
 * agree with README.md and mailaudit.1 (the drift check: an option added
 * to a table must be documented, and a documented option must exist).
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "scanner/cli/options.h"
#include "scanner/core/xalloc.h"

Suite *options_suite(void);

static const struct cli_help *const helps[] = {
    &cli_scan_help,     &cli_report_help,     &cli_diff_help,
    &cli_profiles_help, &cli_completion_help,
};

#define NHELPS (sizeof(helps) / sizeof(helps[0]))

START_TEST(test_take_name_alias_value)
{
	char a0[] = "mailaudit", a1[] = "-q", a2[] = "--timeout", a3[] = "5",
	     a4[] = "--timeout", a5[] = "--bogus", w[] = "--waivers";
	char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
	const struct cli_opt *o;
	const char *v;
	int i = 1;

	ck_assert_int_eq(opt_take(cli_scan_help.opts, 6, argv, &i, &o, &v),
	                 OPT_OK);
	ck_assert_int_eq(o->id, O_QUIET);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(i, 1);
	i = 2;
	ck_assert_int_eq(opt_take(cli_scan_help.opts, 6, argv, &i, &o, &v),
	                 OPT_OK);
	ck_assert_int_eq(o->id, O_TIMEOUT);
	ck_assert_str_eq(v, "5");
	ck_assert_int_eq(i, 3);
	i = 5;
	ck_assert_int_eq(opt_take(cli_scan_help.opts, 6, argv, &i, &o, &v),
	                 OPT_UNKNOWN);
	i = 4;
	ck_assert_int_eq(opt_take(cli_scan_help.opts, 5, argv, &i, &o, &v),
	                 OPT_NO_VALUE);
	ck_assert_int_eq(i, 4);
	/* diff has no --waivers */
	i = 1;
	argv[1] = w;
	ck_assert_int_eq(opt_take(cli_diff_help.opts, 6, argv, &i, &o, &v),
	                 OPT_UNKNOWN);
}
END_TEST

START_TEST(test_help_lists_the_table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	opt_help(f, &cli_scan_help);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "usage: mailaudit scan"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\n  --resolve HOST:ADDR connect to ADDR"));
	/* a long label gets a line of its own */
	ck_assert_ptr_nonnull(strstr(text, "\n  --dns-server ADDR[:PORT]\n"
	                                   "                      send"));
	ck_assert_ptr_nonnull(strstr(text, "\n  -4, -6              only"));
	ck_assert_ptr_nonnull(strstr(text, "\n  --version, --help\n"));
	/* unlisted rows (-6, --all, --help) have no line of their own */
	ck_assert_ptr_null(strstr(text, "\n  -6"));
	ck_assert_ptr_null(strstr(text, "\n  --all "));
	free(text);
}
END_TEST

/* scan -o and report -o agree: longest suffix first, any case */
START_TEST(test_format_of_path)
{
	ck_assert_str_eq(report_format_of_path("out.sarif.json"), "sarif");
	ck_assert_str_eq(report_format_of_path("OUT.SARIF.JSON"), "sarif");
	ck_assert_str_eq(report_format_of_path("out.json"), "json");
	ck_assert_str_eq(report_format_of_path("out.JSONL"), "jsonl");
	ck_assert_str_eq(report_format_of_path("out.ndjson"), "jsonl");
	ck_assert_str_eq(report_format_of_path("out.Html"), "html");
	ck_assert_str_eq(report_format_of_path("out.htm"), "html");
	ck_assert_str_eq(report_format_of_path("out.xml"), "junit");
	ck_assert_str_eq(report_format_of_path("out.txt"), "text");
	ck_assert_ptr_null(report_format_of_path("out.pdf"));
	ck_assert_ptr_null(report_format_of_path(".json"));
	ck_assert_ptr_null(report_format_of_path(NULL));
}
END_TEST

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot read %s (run from the tree's top)",
	              path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool
name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/* Does text hold token (an option name) not followed by more of a
 * name? In the man page every '-' is written "\-". */
static bool
mentions(const char *text, const char *name, bool man)
{
	char tok[64];
	size_t k = 0;

	for (const char *s = name; *s && k + 2 < sizeof(tok); s++) {
		if (man && *s == '-')
			tok[k++] = '\\';
		tok[k++] = *s;
	}
	tok[k] = '\0';
	for (const char *p = strstr(text, tok); p; p = strstr(p + 1, tok)) {
		char next = p[k];

		if (p > text && (name_char(p[-1]) || p[-1] == '\\'))
			continue;
		if (!name_char(next) &&
		    !(man && next == '\\' && p[k + 1] == '-'))
			return true;
	}
	return false;
}

static bool
in_tables(const char *name)
{
	for (size_t h = 0; h < NHELPS; h++)
		for (const struct cli_opt *o = helps[h]->opts; o->name; o++)
			if (strcmp(o->name, name) == 0 ||
			    (o->alias && strcmp(o->alias, name) == 0))
				return true;
	return false;
}

/* Every option name in [from, to): "-x" or "--xyz" after a space, a
 * backquote, "[" or (man) a "\-" run. */
static void
each_documented(const char *from, const char *to, bool man,
                void (*fn)(const char *name))
{
	for (const char *p = from; p < to; p++) {
		char name[64];
		size_t k = 0;
		const char *q = p;

		if (!(p == from || strchr(" `[\n", p[-1])))
			continue;
		while (q < to && k + 1 < sizeof(name)) {
			if (man && q[0] == '\\' && q[1] == '-') {
				name[k++] = '-';
				q += 2;
			} else if (!man && *q == '-') {
				name[k++] = *q++;
			} else {
				break;
			}
		}
		if (k == 0 || k > 2)
			continue;
		while (q < to && k + 1 < sizeof(name) &&
		       (isalnum((unsigned char)*q) || (*q == '-' && !man) ||
		        (man && q[0] == '\\' && q[1] == '-'))) {
			if (*q == '\\') {
				name[k++] = '-';
				q += 2;
			} else {
				name[k++] = *q++;
			}
		}
		name[k] = '\0';
		if (k > 1 && isalnum((unsigned char)name[k - 1]))
			fn(name);
		p = q - 1;
	}
}

static void
must_exist(const char *name)
{
	ck_assert_msg(in_tables(name),
	              "%s is documented but in no option table "
	              "(scanner/cli/option_table.c)",
	              name);
}

START_TEST(test_tables_match_the_documents)
{
	char *readme = slurp("README.md"), *man = slurp("mailaudit.1");
	const char *from, *to;

	for (size_t h = 0; h < NHELPS; h++)
		for (const struct cli_opt *o = helps[h]->opts; o->name; o++) {
			const char *names[] = {o->name, o->alias};

			for (size_t k = 0; k < 2 && names[k]; k++) {
				ck_assert_msg(mentions(readme, names[k], false),
				              "%s is not in README.md",
				              names[k]);
				ck_assert_msg(mentions(man, names[k], true),
				              "%s is not in mailaudit.1",
				              names[k]);
			}
		}
	/* README's options table: its first column */
	from = strstr(readme, "\n| option | meaning |\n");
	ck_assert_ptr_nonnull(from);
	to = strstr(from + 1, "\n\n");
	ck_assert_ptr_nonnull(to);
	for (const char *row = strstr(from + 1, "\n| `"); row && row < to;
	     row = strstr(row + 1, "\n| `")) {
		const char *end = strstr(row + 3, " | ");

		each_documented(row + 3, end, false, must_exist);
	}
	/* the man page's OPTIONS: each .TP item's heading line */
	from = strstr(man, "\n.SH OPTIONS\n");
	ck_assert_ptr_nonnull(from);
	to = strstr(from + 1, "\n.SH ");
	ck_assert_ptr_nonnull(to);
	for (const char *tp = strstr(from, "\n.TP\n"); tp && tp < to;
	     tp = strstr(tp + 1, "\n.TP\n")) {
		const char *line = tp + 5, *end = strchr(line, '\n');

		each_documented(line, end, true, must_exist);
	}
	free(readme);
	free(man);
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
options_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_take_name_alias_value);
	tcase_add_test(tc, test_help_lists_the_table);
	tcase_add_test(tc, test_tables_match_the_documents);
	tcase_add_test(tc, test_format_of_path);
	suite_add_tcase(s, tc);
	return s;
}
