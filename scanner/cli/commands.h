/*
 * The subcommands, one file each under scanner/cli/: `scan` (the default),
 * `report` (re-render a saved JSON scan in any format, optionally
 * re-gated), `merge`, `diff` (what changed between two saved scans) and
 * `profiles` (the CI profiles and what they implement). A bad argument is
 * one line on stderr and exit code 2. argv[0] is the subcommand name
 * (for cmd_scan: the program's, with an optional "scan" after it).
 */
#ifndef MAILAUDIT_SCANNER_CLI_COMMANDS_H
#define MAILAUDIT_SCANNER_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/gate/gate.h"
#include "scanner/gate/waivers.h"

/* mailaudit [scan] [options] TARGET... | --list-checks [--all]
 * Returns the gate's exit code, or 2. */
int cmd_scan(int argc, char **argv);

/* mailaudit report [--format FMT] [-o FILE] [--profile NAME]...
 *   [--fail-on SEV] [--waivers FILE] [--allow-incomplete] [--no-color]
 *   IN.json
 * Returns the gate's exit code (the saved one unless a gate option was
 * given), or 2. */
int cmd_report(int argc, char **argv);

/* mailaudit diff [--fail-on SEV] [--format text|json] [-o FILE] OLD NEW
 * Returns 1 if a finding is new (or rose) at or above --fail-on (default
 * high), else 0; 2 on errors. */
int cmd_diff(int argc, char **argv);

/* mailaudit merge [--format FMT] [-o FILE] [gate options] A.json B.json ...
 * Combines reports (JSON or JSON Lines, e.g. the shards of --shard K/N)
 * into one, each endpoint once, totals and the gate over all of them.
 * Returns the gate's exit code, or 2. */
int cmd_merge(int argc, char **argv);

/* mailaudit profiles [NAME...]: prints the profiles, their clauses,
 * checks and gaps. Returns 0, or 2 for an unknown name. */
int cmd_profiles(int argc, char **argv);

/* mailaudit completion bash: prints the bash completion script, made from
 * the option tables (scanner/cli/completion.c). Returns 0, or 2. */
int cmd_completion(int argc, char **argv);

/* The subcommands that may follow the program name (without one, `scan`
 * runs), with their option tables: main.c dispatches on it, the
 * completion script is made from it. Ends with a NULL name. */
struct cli_help;
struct cli_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const struct cli_help *help;
};
extern const struct cli_subcommand cli_subcommands[];

/* The values diff's --format takes, NULL-terminated. */
extern const char *const cmd_diff_formats[];

/*
 * Sets up a gate for `scan` from its command-line values (cmd_scan.c):
 * profiles by name (union, in order), fail_on (-1: not given),
 * waivers_file (NULL: none; loaded into *wl, which must outlive the
 * report) and allow_incomplete. Prints "mailaudit: ..." and returns 2 on
 * an unknown profile or a bad waiver file, else 0.
 */
int commands_gate_setup(struct gate_config *cfg, struct waiver_list *wl,
                        const char *const *profiles, size_t nprofiles,
                        int fail_on, const char *waivers_file,
                        bool allow_incomplete);

/* Prints one "mailaudit: warning: ..." line on stderr per expired
 * waiver, so a CI log shows it whatever the report format. */
void commands_warn_expired(const struct gate_summary *g);

#endif
