/*
 * `mailaudit diff`: what changed between two saved scans. The diff model
 * and its renderers are reports/diff.c.
 */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "reports/diff.h"
#include "scanner/cli/cmd.h"
#include "scanner/core/outfile.h"

static const char diff_usage[] =
    "usage: mailaudit diff [options] OLD.json NEW.json\n"
    "\n"
    "Compares two saved JSON scans finding by finding (key: host, "
    "address,\n"
    "port, service, check): new, resolved, unchanged, and unverified (the\n"
    "endpoint was not assessed or not scanned in NEW).\n"
    "\n"
    "options:\n"
    "  --fail-on SEVERITY  exit 1 if a finding is new at or above it\n"
    "                      (default high)\n"
    "  --format FMT        text (default) or json\n"
    "  -o FILE             write to FILE (replaced atomically; a symlink\n"
    "                      is followed, a device or FIFO written in\n"
    "                      place); default or -: stdout\n"
    "\n"
    "exit codes: 0 nothing new at or above --fail-on, 1 something is,\n"
    "2 usage or input error.\n";

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
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(diff_usage, stdout);
			return 0;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (nfiles == 2)
				return usage_error(
				    "diff", "more than two reports ('%s')", a);
			files[nfiles++] = a;
			continue;
		}
		if (strcmp(a, "--fail-on") != 0 && strcmp(a, "--format") != 0 &&
		    strcmp(a, "-o") != 0)
			return usage_error("diff", "unknown option '%s'", a);
		if (!(v = value_of("diff", argc, argv, &i)))
			return 2;
		if (strcmp(a, "--fail-on") == 0) {
			fail_on = severity_parse(v);
			if (fail_on < 0)
				return usage_error("diff",
				                   "bad --fail-on '%s': use "
				                   "info, low, medium, high or "
				                   "critical",
				                   v);
		} else if (strcmp(a, "--format") == 0) {
			if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
				return usage_error("diff",
				                   "unknown --format '%s': use "
				                   "text or json",
				                   v);
			json = strcmp(v, "json") == 0;
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
