/*
 * The gate of a `scan` from its command-line values, and the warning for
 * each expired waiver that every command gating a report prints.
 */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <string.h>

int
commands_gate_setup(struct gate_config *cfg, struct waiver_list *wl,
                    const char *const *profiles, size_t nprofiles, int fail_on,
                    const char *waivers_file, bool allow_incomplete)
{
	char err[512];

	gate_config_init(cfg);
	memset(wl, 0, sizeof(*wl));
	for (size_t i = 0; i < nprofiles; i++)
		if (gate_config_add_profile(cfg, profiles[i], err,
		                            sizeof(err)) < 0) {
			fprintf(stderr, "mailaudit: %s\n", err);
			return 2;
		}
	cfg->fail_on = fail_on;
	cfg->allow_incomplete = allow_incomplete;
	if (waivers_file) {
		if (waivers_load(waivers_file, wl, err, sizeof(err)) < 0) {
			fprintf(stderr, "mailaudit: %s\n", err);
			return 2;
		}
		cfg->waivers = wl;
	}
	return 0;
}

void
commands_warn_expired(const struct gate_summary *g)
{
	for (size_t i = 0; i < g->nexpired; i++) {
		const struct gate_expired *x = &g->expired[i];

		fprintf(stderr,
		        "mailaudit: warning: %s: waiver [%zu] for %s%s%s "
		        "expired on %s and no longer applies (%zu finding(s) "
		        "would match)\n",
		        g->waivers_file ? g->waivers_file : "waivers", x->index,
		        x->check, x->endpoint ? " on " : "",
		        x->endpoint ? x->endpoint : "", x->expires,
		        x->findings);
	}
}
