/*
 * `mailaudit diff`: what changed between two saved scans. The diff model
 * and its renderers are reports/diff.c.
 */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "reports/diff.h"
#include "scanner/cli/cmd.h"
#include "scanner/cli/options.h"
#include "scanner/core/outfile.h"

const char *const cmd_diff_formats[] = {"text", "json", NULL};

/* Writes the diff as scanner/core/outfile.h describes. */
static int
write_diff(const char *path, bool json, const struct diff *d,
           const struct loaded_report *o, const struct loaded_report *n,
           const char *oname, const char *nname, int fail_on, int code,
           char *err, size_t errlen)
{
	struct outfile out;
	int rc;

	if (outfile_open(&out, path) != 0) {
		snprintf(err, errlen, "%s", out.err);
		return -1;
	}
	rc = json ? diff_json(out.f, d, o, n, oname, nname, fail_on, code)
	          : diff_text(out.f, d, o, n, oname, nname, fail_on, code);
	if (outfile_close(&out, rc == 0) != 0) {
		snprintf(err, errlen, "%s", out.err);
		return -1;
	}
	return 0;
}

int
cmd_diff(int argc, char **argv)
{
	const char *files[2] = {NULL, NULL}, *output = NULL, *v;
	struct loaded_report old, cur;
	struct diff d;
	size_t nfiles = 0;
	int fail_on = SEV_HIGH, code;
	bool json = false;
	char err[512];

	for (int i = 1; i < argc; i++) {
		const struct cli_opt *opt;
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0') {
			if (nfiles == 2)
				return usage_error(
				    "diff", "more than two reports ('%s')", a);
			files[nfiles++] = a;
			continue;
		}
		switch (
		    opt_take(cli_diff_help.opts, argc, argv, &i, &opt, &v)) {
		case OPT_OK:
			break;
		case OPT_UNKNOWN:
			return usage_error("diff", "unknown option '%s'", a);
		case OPT_NO_VALUE:
			return usage_error("diff", "option %s needs a value",
			                   a);
		}
		if (opt->id == O_HELP) {
			opt_help(stdout, &cli_diff_help);
			return 0;
		} else if (opt->id == O_FAIL_ON) {
			fail_on = severity_parse(v);
			if (fail_on < 0)
				return usage_error("diff",
				                   "bad --fail-on '%s': use "
				                   "info, low, medium, high or "
				                   "critical",
				                   v);
		} else if (opt->id == O_FORMAT) {
			if (strcmp(v, cmd_diff_formats[0]) != 0 &&
			    strcmp(v, cmd_diff_formats[1]) != 0)
				return usage_error("diff",
				                   "unknown --format '%s': use "
				                   "text or json",
				                   v);
			json = strcmp(v, cmd_diff_formats[1]) == 0;
		} else {
			output = v;
		}
	}
	if (nfiles != 2)
		return usage_error("diff", "needs two reports: OLD.json "
		                           "NEW.json");
	if (report_load_file(files[0], &old, err, sizeof(err)) < 0) {
		fprintf(stderr, "mailaudit diff: %s\n", err);
		return 2;
	}
	if (report_load_file(files[1], &cur, err, sizeof(err)) < 0) {
		fprintf(stderr, "mailaudit diff: %s\n", err);
		report_load_free(&old);
		return 2;
	}
	diff_build(&old.rep, &cur.rep, fail_on, &d);
	code = d.failing ? 1 : 0;
	if (write_diff(output, json, &d, &old, &cur, files[0], files[1],
	               fail_on, code, err, sizeof(err)) < 0) {
		fprintf(stderr, "mailaudit diff: cannot write %s: %s\n",
		        output && strcmp(output, "-") != 0
		            ? output
		            : "the diff to standard output",
		        err);
		code = 2;
	}
	diff_free(&d);
	report_load_free(&old);
	report_load_free(&cur);
	return code;
}
