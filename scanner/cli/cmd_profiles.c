/* `mailaudit profiles`: the CI gate profiles and what they implement. */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "scanner/cli/cmd.h"
#include "scanner/cli/options.h"
#include "scanner/gate/profiles.h"

static void
print_profile(FILE *out, const struct profile *p)
{
	size_t missing = 0, gaps = 0;

	fprintf(out, "%s%s\n  %s\n  implements: %s\n", p->name,
	        p == profile_default() ? " (default)" : "", p->title,
	        p->clauses);
	if (p->imap_only)
		fputs("  scope: IMAP endpoints only\n", out);
	if (p->min_severity >= 0)
		fprintf(out,
		        "  fails on: every finding of severity %s or above\n",
		        severity_name((enum severity)p->min_severity));
	if (p->nrules)
		fprintf(out, "  fails on these %zu checks:\n", p->nrules);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct profile_rule *r = &p->rules[i];
		bool impl = r->check->issue != NULL;

		missing += !impl;
		gaps += impl && r->gap;
		fprintf(out, "    %-36s %s", r->check->id,
		        impl ? "checked" : "NOT CHECKED (not implemented yet)");
		if (r->condition)
			fprintf(out, "; profile: %s", r->condition);
		if (r->implicit_tls_only)
			fputs(" [implicit-TLS endpoints only]", out);
		putc('\n', out);
		if (r->gap)
			fprintf(out, "      gap: %s\n", r->gap);
	}
	if (p->nrules)
		fprintf(out,
		        "  gaps: %zu of %zu checks not implemented yet; %zu "
		        "implemented check(s) with a threshold the finding "
		        "cannot express\n",
		        missing, p->nrules, gaps);
	for (size_t i = 0; p->notes && p->notes[i]; i++)
		fprintf(out, "  note: %s\n", p->notes[i]);
	fputs("  fail closed: an endpoint in scope that could not be assessed "
	      "fails the run (exit 3) unless --allow-incomplete\n",
	      out);
}

int
cmd_profiles(int argc, char **argv)
{
	const struct profile *const *all;
	size_t n;
	bool first = true;

	for (int i = 1; i < argc; i++) {
		const struct cli_opt *opt;
		const char *v;

		if (argv[i][0] == '-' && opt_take(cli_profiles_help.opts, argc,
		                                  argv, &i, &opt, &v) != OPT_OK)
			return usage_error("profiles", "unknown option '%s'",
			                   argv[i]);
		if (argv[i][0] == '-') {
			/* --help, the only option */
			opt_help(stdout, &cli_profiles_help);
			return 0;
		}
		if (!profile_by_name(argv[i]))
			return usage_error("profiles", "unknown profile '%s'",
			                   argv[i]);
	}
	all = profile_all(&n);
	if (argc <= 1)
		fputs("Profiles for --profile NAME (repeatable: a finding "
		      "fails the run if any selected profile fails it; "
		      "--fail-on SEVERITY adds every finding at or above "
		      "it). Without --profile and --fail-on, baseline "
		      "applies.\n\n",
		      stdout);
	for (size_t k = 0; k < n; k++) {
		bool wanted = argc <= 1;

		for (int i = 1; i < argc && !wanted; i++)
			wanted = profile_by_name(argv[i]) == all[k];
		if (!wanted)
			continue;
		if (!first)
			putc('\n', stdout);
		print_profile(stdout, all[k]);
		first = false;
	}
	return fflush(stdout) == 0 ? 0 : 2;
}
