/*
 * mailaudit: audits POP3 and IMAP endpoints for transport security.
 * This file only picks the subcommand (the table is cli_subcommands in
 * scanner/cli/option_table.c); each is scanner/cli/cmd_*.c.
 */
#include <signal.h>
#include <string.h>

#include "scanner/cli/commands.h"

int
main(int argc, char **argv)
{
	/* a reader that went away is a write error (exit 2), not a silent
	 * death */
	signal(SIGPIPE, SIG_IGN);
	for (const struct cli_subcommand *c = cli_subcommands;
	     argc > 1 && c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	/* "scan" is optional: mailaudit TARGET... scans too */
	return cmd_scan(argc, argv);
}
