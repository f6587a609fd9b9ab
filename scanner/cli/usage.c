/* The one-line usage error every subcommand but `scan` prints. */
#include "scanner/cli/cmd.h"

#include <stdarg.h>
#include <stdio.h>

int
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mailaudit %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see mailaudit %s --help)\n", cmd);
	return 2;
}
