/*
 * `mailaudit completion bash`: the bash completion script, written from
 * the same tables that parse the options and print --help (cli_subcommands,
 * the option tables) and from the lists the values are checked against
 * (reporters, profiles, severities, TLS depths, services), so a new
 * option or profile completes without a second list to keep.
 */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "probes/service.h"
#include "reports/report.h"
#include "scanner/cli/cmd.h"
#include "scanner/cli/options.h"
#include "scanner/core/result.h"
#include "scanner/gate/profiles.h"
#include "scanner/tls/tlsaudit.h"

#ifndef MAILAUDIT_VERSION
#define MAILAUDIT_VERSION "0.0.0"
#endif

/* The default command: what runs without a subcommand name. */
#define SCAN_NAME "scan"

static void
put_words(FILE *out, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", words[i]);
}

static void
put_profiles(FILE *out)
{
	size_t n;
	const struct profile *const *all = profile_all(&n);

	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? " " : "", all[i]->name);
}

/* The words an option's value may be, as one "_mailaudit_words '...'"
 * line; false when the value is free text (a number, an address). */
static bool
put_value_words(FILE *out, const struct cli_help *h, const struct cli_opt *o)
{
	size_t n;

	switch (o->id) {
	case O_FORMAT:
		fputs("_mailaudit_words '", out);
		put_words(out, h == &cli_diff_help ? cmd_diff_formats
		                                   : reporter_names());
		break;
	case O_PROFILE:
		fputs("_mailaudit_words '", out);
		put_profiles(out);
		break;
	case O_FAIL_ON:
		fputs("_mailaudit_words '", out);
		for (int s = 0; s < SEV_COUNT; s++)
			fprintf(out, "%s%s", s ? " " : "",
			        severity_name((enum severity)s));
		break;
	case O_TLS_DEPTH:
		fprintf(out, "_mailaudit_words '%s %s %s",
		        tls_depth_name(TLS_DEPTH_OFF),
		        tls_depth_name(TLS_DEPTH_QUICK),
		        tls_depth_name(TLS_DEPTH_FULL));
		break;
	case O_SERVICE: {
		const struct service *const *all = service_all(&n);

		fputs("_mailaudit_words '", out);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s%s", i ? " " : "", all[i]->name);
		break;
	}
	default:
		return false;
	}
	fputs("'", out);
	return true;
}

/* One command's part of the value case: "-o | --waivers) ...;;", then
 * one line per option with listed values or free text. */
static void
put_value_cases(FILE *out, const struct cli_help *h)
{
	bool first = true;

	fputs("\t\tcase $prev in\n", out);
	for (const struct cli_opt *o = h->opts; o->name; o++)
		if (o->arg && strcmp(o->arg, "FILE") == 0) {
			fprintf(out, "%s%s", first ? "\t\t" : " | ", o->name);
			first = false;
		}
	if (!first)
		fputs(") _mailaudit_files ;;\n", out);
	for (const struct cli_opt *o = h->opts; o->name; o++) {
		if (!o->arg || strcmp(o->arg, "FILE") == 0)
			continue;
		fprintf(out, "\t\t%s) ", o->name);
		if (!put_value_words(out, h, o))
			fputs(":", out); /* free text: nothing to offer */
		fputs(" ;;\n", out);
	}
	fputs("\t\t*) false ;;\n\t\tesac && return 0\n", out);
}

static void
put_option_words(FILE *out, const struct cli_help *h)
{
	bool first = true;

	for (const struct cli_opt *o = h->opts; o->name; o++) {
		fprintf(out, "%s%s", first ? "" : " ", o->name);
		if (o->alias)
			fprintf(out, " %s", o->alias);
		first = false;
	}
}

/* The case labels of every command that uses table h ("report | merge"),
 * SCAN_NAME for the scan table. */
static void
put_labels(FILE *out, const struct cli_help *h)
{
	bool first = true;

	if (h == &cli_scan_help) {
		fputs(SCAN_NAME, out);
		return;
	}
	for (const struct cli_subcommand *c = cli_subcommands; c->name; c++)
		if (c->help == h) {
			fprintf(out, "%s%s", first ? "" : " | ", c->name);
			first = false;
		}
}

/* Each table once, scan's first, in the order of cli_subcommands. */
static size_t
distinct_tables(const struct cli_help **tabs, size_t max)
{
	size_t n = 0;

	tabs[n++] = &cli_scan_help;
	for (const struct cli_subcommand *c = cli_subcommands; c->name; c++) {
		bool seen = false;

		for (size_t i = 0; i < n; i++)
			seen = seen || tabs[i] == c->help;
		if (!seen && n < max)
			tabs[n++] = c->help;
	}
	return n;
}

/* What a word that is no option completes to: the saved reports of
 * report, merge and diff are files, profiles takes profile names. */
static void
put_operands(FILE *out)
{
	fputs("\tcase $cmd in\n", out);
	for (const struct cli_subcommand *c = cli_subcommands; c->name; c++) {
		fprintf(out, "\t%s) ", c->name);
		if (c->run == cmd_profiles) {
			fputs("_mailaudit_words '", out);
			put_profiles(out);
			fputs("'", out);
		} else if (c->run == cmd_completion) {
			fputs("_mailaudit_words 'bash'", out);
		} else {
			fputs("_mailaudit_files", out);
		}
		fputs(" ;;\n", out);
	}
	/* scan's targets: host names bash knows (/etc/hosts, HOSTFILE) */
	fputs("\t*) mapfile -t COMPREPLY < <(compgen -A hostname -- "
	      "\"$cur\") ;;\n\tesac\n",
	      out);
}

static void
put_script(FILE *out)
{
	const struct cli_help *tabs[16];
	size_t ntabs = distinct_tables(tabs, sizeof(tabs) / sizeof(tabs[0]));

	fprintf(out,
	        "# bash completion for mailaudit %s -*- shell-script -*-\n"
	        "# Written by `mailaudit completion bash` from its option "
	        "tables; do not edit.\n\n",
	        MAILAUDIT_VERSION);
	fputs("# COMPREPLY: the words of $1 that begin with $cur\n"
	      "_mailaudit_words()\n{\n"
	      "\tmapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$cur\")\n}\n\n"
	      "_mailaudit_files()\n{\n"
	      "\tcompopt -o filenames 2>/dev/null || :\n"
	      "\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n}\n\n",
	      out);
	fputs("_mailaudit()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd=" SCAN_NAME
	      "\n"
	      "\tCOMPREPLY=()\n"
	      "\t[ \"$COMP_CWORD\" -gt 0 ] && "
	      "prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	      "\tif [ \"$COMP_CWORD\" -gt 1 ]; then\n"
	      "\t\tcase ${COMP_WORDS[1]} in\n\t\t" SCAN_NAME,
	      out);
	for (const struct cli_subcommand *c = cli_subcommands; c->name; c++)
		fprintf(out, " | %s", c->name);
	fputs(") cmd=${COMP_WORDS[1]} ;;\n\t\tesac\n\tfi\n", out);

	fputs("\t# the value of the option before the cursor\n"
	      "\tcase $cmd in\n",
	      out);
	for (size_t t = 0; t < ntabs; t++) {
		fputs("\t", out);
		put_labels(out, tabs[t]);
		fputs(")\n", out);
		put_value_cases(out, tabs[t]);
		fputs("\t\t;;\n", out);
	}
	fputs("\tesac\n", out);

	fputs("\tif [[ $cur == -* ]]; then\n\t\tcase $cmd in\n", out);
	for (size_t t = 0; t < ntabs; t++) {
		fputs("\t\t", out);
		put_labels(out, tabs[t]);
		fputs(") _mailaudit_words '", out);
		put_option_words(out, tabs[t]);
		fputs("' ;;\n", out);
	}
	fputs("\t\tesac\n\t\treturn 0\n\tfi\n", out);

	fputs("\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\t_mailaudit_words '" SCAN_NAME,
	      out);
	for (const struct cli_subcommand *c = cli_subcommands; c->name; c++)
		fprintf(out, " %s", c->name);
	fputs("'\n\t\treturn 0\n\tfi\n", out);
	put_operands(out);
	fputs("}\n\ncomplete -F _mailaudit mailaudit\n", out);
}

int
cmd_completion(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const struct cli_opt *opt;
		const char *v;

		if (argv[i][0] != '-')
			continue;
		if (opt_take(cli_completion_help.opts, argc, argv, &i, &opt,
		             &v) != OPT_OK)
			return usage_error("completion", "unknown option '%s'",
			                   argv[i]);
		opt_help(stdout, &cli_completion_help); /* --help */
		return 0;
	}
	if (argc < 2)
		return usage_error("completion", "which shell? 'bash' is the "
		                                 "one known");
	if (argc > 2)
		return usage_error("completion", "one shell name, not '%s'",
		                   argv[2]);
	if (strcmp(argv[1], "bash") != 0)
		return usage_error("completion",
		                   "unknown shell '%s' (only bash)", argv[1]);
	put_script(stdout);
	return fflush(stdout) == 0 ? 0 : 2;
}
