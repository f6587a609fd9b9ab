/*
 * mailaudit: audits POP3 and IMAP endpoints for transport security.
 * This file only picks the subcommand; each is scanner/cli/cmd_*.c.
 */
#include <signal.h>
#include <string.h>

#include "scanner/cli/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"report", cmd_report},
    {"diff", cmd_diff},
    {"merge", cmd_merge},
    {"profiles", cmd_profiles},
};

int
main(int argc, char **argv)
{
	/* a reader that went away is a write error (exit 2), not a silent
	 * death */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0;
	     argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	/* "scan" is optional: mailaudit TARGET... scans too */
	return cmd_scan(argc, argv);
}
