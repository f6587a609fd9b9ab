/*
 * `mailaudit report`: renders a saved JSON scan in any format, gated again
 * when a gate option is given. Its options, the re-gating and the writing
 * are shared with `mailaudit merge` (scanner/cli/cmd_merge.c).
 */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/checks/judge.h"
#include "reports/report.h"
#include "scanner/cli/cmd.h"
#include "scanner/cli/options.h"
#include "scanner/gate/profiles.h"

int
report_option(struct report_args *a, int argc, char **argv, int *i)
{
	const struct cli_opt *opt;
	const char *o = argv[*i], *v;

	switch (opt_take(cli_report_help.opts, argc, argv, i, &opt, &v)) {
	case OPT_OK:
		break;
	case OPT_UNKNOWN:
		return usage_error("report", "unknown option '%s'", o);
	case OPT_NO_VALUE:
		return usage_error("report", "option %s needs a value", o);
	}
	switch ((enum opt_id)opt->id) {
	case O_HELP:
		opt_help(stdout, &cli_report_help);
		return 0;
	case O_ALLOW_INCOMPLETE:
		a->allow_incomplete = a->regate = true;
		break;
	case O_NO_COLOR:
		a->color = false;
		break;
	case O_FORMAT:
		if (!reporter_by_name(v))
			return usage_error("report",
			                   "unknown --format '%s': use text, "
			                   "json, jsonl, sarif, junit or html",
			                   v);
		a->format = v;
		break;
	case O_OUTPUT:
		a->output = v;
		break;
	case O_PROFILE:
		if (!profile_by_name(v))
			return usage_error(
			    "report",
			    "unknown profile '%s' (see mailaudit "
			    "profiles)",
			    v);
		if (a->nprofiles == GATE_MAX_PROFILES)
			return usage_error("report", "too many --profile");
		a->profiles[a->nprofiles++] = v;
		a->regate = true;
		break;
	case O_FAIL_ON:
		a->fail_on = severity_parse(v);
		if (a->fail_on < 0)
			return usage_error("report",
			                   "bad --fail-on '%s': use info, low, "
			                   "medium, high or critical",
			                   v);
		a->regate = true;
		break;
	case O_WAIVERS:
		a->waivers = v;
		a->regate = true;
		break;
	default:
		break; /* not in cli_report_help's table */
	}
	return -1;
}

/* What the selected profiles report beyond the catalog (bsi-tr-03108's
 * 3000-bit floors), judged from the report's facts as the scan would
 * have: key sizes and the DHE prime are in it. */
static void
add_profile_findings(struct scan_report *rep, const struct gate_config *cfg)
{
	struct judge_policy saved = {.saved = true};

	profile_strict_bits(cfg->profiles, cfg->nprofiles,
	                    &saved.strict_key_bits, &saved.strict_dh_bits);
	for (size_t i = 0; i < rep->nresults; i++)
		judge_endpoint(&rep->results[i], &saved);
}

int
report_regate(struct loaded_report *in, const struct report_args *a,
              struct gate_config *cfg, struct waiver_list *wl)
{
	char err[512];
	int rc;

	if (a->nprofiles || a->fail_on >= 0) {
		/* --profile and --fail-on replace the saved selection, as
		 * they would have on the scan's command line */
		gate_config_init(cfg);
		cfg->fail_on = a->fail_on;
		for (size_t i = 0; i < a->nprofiles; i++)
			if (gate_config_add_profile(cfg, a->profiles[i], err,
			                            sizeof(err)) < 0) {
				fprintf(stderr, "mailaudit report: %s\n", err);
				return 2;
			}
	} else if (in->has_gate) {
		if (gate_config_from_summary(&in->gate, cfg, err, sizeof(err)) <
		    0) {
			fprintf(stderr, "mailaudit report: %s: %s\n", a->input,
			        err);
			return 2;
		}
	} else {
		gate_config_init(cfg);
		cfg->fail_on = in->fail_on;
	}
	if (a->allow_incomplete)
		cfg->allow_incomplete = true;
	if (a->waivers) {
		if (waivers_load(a->waivers, wl, err, sizeof(err)) < 0) {
			fprintf(stderr, "mailaudit report: %s\n", err);
			return 2;
		}
		cfg->waivers = wl;
	} else if (in->has_gate && in->gate.waivers_file && a->regate) {
		fprintf(stderr,
		        "mailaudit report: note: the gate is applied again "
		        "without the saved waivers (%s); give --waivers to "
		        "keep them\n",
		        in->gate.waivers_file);
	}
	add_profile_findings(&in->rep, cfg);
	rc = gate_apply(&in->rep, cfg);
	gate_summary_free(&in->gate);
	gate_summarize(&in->rep, cfg, rc, &in->gate);
	in->has_gate = true;
	in->exit_code = rc;
	return 0;
}

const char *
format_for(const char *output)
{
	const char *f = report_format_of_path(output);

	if (f)
		return f;
	return (!output && isatty(STDOUT_FILENO)) ? "text" : "json";
}

int
write_loaded(const char *cmd, struct loaded_report *in,
             const struct report_args *a)
{
	struct report_options ro = {
	    .gate = &in->gate,
	    .exit_code = in->exit_code,
	    .fail_on = in->gate.threshold >= 0 ? in->gate.threshold : SEV_COUNT,
	    .color = a->color && !a->output && isatty(STDOUT_FILENO),
	};

	struct judge_policy saved = {.saved = true};
	char err[256];
	int wrc;

	/* the host records of what was loaded (and merged) */
	judge_hosts(&in->rep, &saved);
	wrc = report_write(reporter_by_name(a->format), &in->rep, &ro,
	                   a->output, err, sizeof(err));
	scan_report_free_hosts(&in->rep);
	if (wrc < 0) {
		fprintf(stderr, "mailaudit %s: cannot write %s: %s\n", cmd,
		        a->output && strcmp(a->output, "-") != 0
		            ? a->output
		            : "the report to standard output",
		        err);
		return 2;
	}
	return in->exit_code;
}

int
cmd_report(int argc, char **argv)
{
	struct report_args a = {.fail_on = -1, .color = true};
	struct loaded_report in;
	struct gate_config cfg;
	struct waiver_list wl = {0};
	char err[512];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = report_option(&a, argc, argv, &i);
			if (rc >= 0)
				return rc;
			continue;
		}
		if (a.input)
			return usage_error("report",
			                   "more than one input report ('%s')",
			                   argv[i]);
		a.input = argv[i];
	}
	if (!a.input)
		return usage_error("report", "no input report given");
	if (!a.format)
		a.format = format_for(a.output);
	if (report_load_file(a.input, &in, err, sizeof(err)) < 0) {
		fprintf(stderr, "mailaudit report: %s\n", err);
		return 2;
	}
	/* a report from before gates existed is gated now, by its own
	 * fail_on, so every format has the gate's marks */
	if (a.regate || !in.has_gate) {
		rc = report_regate(&in, &a, &cfg, &wl);
		if (rc) {
			report_load_free(&in);
			waivers_free(&wl);
			return rc;
		}
	}
	commands_warn_expired(&in.gate);
	rc = write_loaded("report", &in, &a);
	report_load_free(&in);
	waivers_free(&wl);
	return rc;
}
