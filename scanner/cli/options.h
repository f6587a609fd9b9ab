/*
 * The option tables of the subcommands: each command's table drives both
 * its parser and its --help text, and tests/unit/check_options.c holds
 * them against README.md and mailaudit.1, so an option is written down
 * once (plus its prose in the two documents).
 */
#ifndef MAILAUDIT_SCANNER_CLI_OPTIONS_H
#define MAILAUDIT_SCANNER_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

/* What an option does, for the command's handler: one enum for every
 * command, so a name means the same everywhere. */
enum opt_id {
	O_TARGETS_FILE,
	O_SERVICE,
	O_CA_FILE,
	O_RESOLVE,
	O_TIMEOUT,
	O_CONCURRENCY,
	O_MAX_PER_HOST,
	O_FORMAT,
	O_OUTPUT,
	O_PROFILE,
	O_FAIL_ON,
	O_WAIVERS,
	O_ALLOW_INCOMPLETE,
	O_PASSIVE,
	O_TLS_DEPTH,
	O_TLS_BUDGET,
	O_THREADS,
	O_RATE,
	O_IPV4,
	O_IPV6,
	O_SHARD,
	O_EXTERNAL,
	O_DNS_SERVER,
	O_DNS_TRUST_ANCHOR,
	O_FETCH_AIA,
	O_QUIET,
	O_RETRIES,
	O_NO_COLOR,
	O_LIST_CHECKS,
	O_ALL,
	O_REMEDIATION,
	O_VERSION,
	O_HELP,
};

struct cli_opt {
	int id;            /* enum opt_id */
	const char *name;  /* "--timeout" */
	const char *alias; /* another spelling ("-h"), or NULL */
	const char *arg;   /* the value's name in --help; NULL: a flag */
	/* --help: the left column when it is not "NAME ARG" ("-4, -6") */
	const char *label;
	/* --help text, '\n' between lines; NULL: not listed on its own */
	const char *help;
	bool record; /* a flag kept in the report's parameters (a value
	                always is) */
};

/* A command's help: head, then a line per option, then tail. */
struct cli_help {
	const char *head;
	const struct cli_opt *opts; /* ends with a NULL name */
	const char *tail;
};

enum opt_status { OPT_OK, OPT_UNKNOWN, OPT_NO_VALUE };

/* Looks up option argv[*i] in tab. OPT_OK: *found is its entry and, for
 * an option with a value, *value the next argument (*i moves past it).
 * Otherwise the caller names argv[*i] in its error. */
enum opt_status opt_take(const struct cli_opt *tab, int argc, char **argv,
                         int *i, const struct cli_opt **found,
                         const char **value);

void opt_help(FILE *out, const struct cli_help *h);

/* Every command's table, NULL-terminated (for the drift check). */
extern const struct cli_help cli_scan_help, cli_report_help, cli_diff_help,
    cli_profiles_help, cli_completion_help;

#endif
