/* The parser and the --help writer behind the option tables. */
#include "scanner/cli/options.h"

#include <string.h>

/* --help's left column is this wide (after two spaces); a longer label
 * gets a line of its own. */
#define LABEL_WIDTH 20

enum opt_status
opt_take(const struct cli_opt *tab, int argc, char **argv, int *i,
         const struct cli_opt **found, const char **value)
{
	const char *a = argv[*i];

	*found = NULL;
	*value = NULL;
	for (const struct cli_opt *o = tab; o->name; o++)
		if (strcmp(a, o->name) == 0 ||
		    (o->alias && strcmp(a, o->alias) == 0)) {
			*found = o;
			break;
		}
	if (!*found)
		return OPT_UNKNOWN;
	if (!(*found)->arg)
		return OPT_OK;
	if (*i + 1 >= argc)
		return OPT_NO_VALUE;
	*value = argv[++*i];
	return OPT_OK;
}

static void
put_help_line(FILE *out, const struct cli_opt *o)
{
	char label[64];
	const char *h = o->help, *nl;

	if (o->label)
		snprintf(label, sizeof(label), "%s", o->label);
	else
		snprintf(label, sizeof(label), "%s%s%s", o->name,
		         o->arg ? " " : "", o->arg ? o->arg : "");
	if (!*h) {
		fprintf(out, "  %s\n", label);
		return;
	}
	if (strlen(label) < LABEL_WIDTH)
		fprintf(out, "  %-*s", LABEL_WIDTH, label);
	else
		fprintf(out, "  %s\n  %-*s", label, LABEL_WIDTH, "");
	for (; (nl = strchr(h, '\n')); h = nl + 1)
		fprintf(out, "%.*s\n  %-*s", (int)(nl - h), h, LABEL_WIDTH, "");
	fprintf(out, "%s\n", h);
}

void
opt_help(FILE *out, const struct cli_help *h)
{
	fputs(h->head, out);
	for (const struct cli_opt *o = h->opts; o->name; o++)
		if (o->help)
			put_help_line(out, o);
	fputs(h->tail, out);
}
