/*
 * The CI gate (../shared/checks.md section 3): profiles, --fail-on,
 * waivers and fail-closed handling of endpoints that could not be
 * assessed. Runs once after the scan, before any report is written.
 */
#include "scanner/gate/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probes/checks/catalog.h"
#include "scanner/gate/profiles.h"
#include "probes/service.h"
#include "scanner/gate/waivers.h"
#include "scanner/core/xalloc.h"

void
gate_config_init(struct gate_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->fail_on = -1;
	cfg->today = gate_today();
}

int
gate_config_add_profile(struct gate_config *cfg, const char *name, char *err,
                        size_t errlen)
{
	const struct profile *p = profile_by_name(name);

	if (!p) {
		const struct profile *const *all;
		size_t n, o;

		all = profile_all(&n);
		o = (size_t)snprintf(err, errlen,
		                     "unknown profile '%.64s': use", name);
		for (size_t i = 0; i < n && o < errlen; i++)
			o += (size_t)snprintf(err + o, errlen - o, "%s %s",
			                      i ? "," : "", all[i]->name);
		return -1;
	}
	for (size_t i = 0; i < cfg->nprofiles; i++)
		if (cfg->profiles[i] == p)
			return 0;
	if (cfg->nprofiles == GATE_MAX_PROFILES) {
		snprintf(err, errlen, "too many profiles (at most %d)",
		         GATE_MAX_PROFILES);
		return -1;
	}
	cfg->profiles[cfg->nprofiles++] = p;
	return 0;
}

int
gate_today(void)
{
	const char *env = getenv("MAILAUDIT_TODAY");
	time_t now = time(NULL);
	struct tm tm;
	int d;

	if (env && (d = waiver_date_parse(env)) > 0)
		return d;
	if (!gmtime_r(&now, &tm))
		return 19700101;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* The profiles in force: the selected ones, or baseline when neither a
 * profile nor --fail-on was given. */
static size_t
effective_profiles(const struct gate_config *cfg, const struct profile **out)
{
	if (cfg->nprofiles == 0 && cfg->fail_on < 0) {
		out[0] = profile_default();
		return 1;
	}
	memcpy(out, cfg->profiles, cfg->nprofiles * sizeof(*out));
	return cfg->nprofiles;
}

static bool
in_gate(const struct profile *const *ps, size_t np, int fail_on,
        const struct finding *f, const struct service *svc)
{
	if (fail_on >= 0 && (int)f->severity >= fail_on)
		return true;
	for (size_t i = 0; i < np; i++)
		if (profile_fails(ps[i], f->check, f->severity, svc))
			return true;
	return false;
}

static bool
covers(const struct profile *const *ps, size_t np, int fail_on,
       const struct service *svc)
{
	if (fail_on >= 0)
		return true;
	for (size_t i = 0; i < np; i++)
		if (profile_covers_service(ps[i], svc))
			return true;
	return false;
}

/* The first waiver in force that covers f, or NULL. */
static const struct waiver *
active_waiver(const struct gate_config *cfg, const struct finding *f,
              const struct endpoint *e)
{
	if (!cfg->waivers)
		return NULL;
	for (size_t i = 0; i < cfg->waivers->n; i++) {
		const struct waiver *w = &cfg->waivers->items[i];

		if (!waiver_is_expired(w, cfg->today) &&
		    waiver_matches(w, f->check, e))
			return w;
	}
	return NULL;
}

int
gate_apply(struct scan_report *rep, const struct gate_config *cfg)
{
	const struct profile *ps[GATE_MAX_PROFILES];
	size_t np = effective_profiles(cfg, ps);
	bool failed = false, incomplete = false;

	for (size_t i = 0; i < rep->nresults; i++) {
		struct endpoint_result *r = &rep->results[i];
		const struct service *svc = r->endpoint.service;

		for (size_t j = 0; j < r->nfindings; j++) {
			struct finding *f = &r->findings[j];
			const struct waiver *w =
			    active_waiver(cfg, f, &r->endpoint);

			f->waived = w != NULL;
			f->waiver_reason = w ? w->reason : NULL;
			f->gate_fail =
			    !w && in_gate(ps, np, cfg->fail_on, f, svc);
			failed = failed || f->gate_fail;
		}
		if (endpoint_status_is_unassessed(r->status) &&
		    covers(ps, np, cfg->fail_on, svc))
			incomplete = true;
	}
	if (failed)
		return 1;
	if (incomplete && !cfg->allow_incomplete)
		return 3;
	return 0;
}

/* Findings an expired waiver would have covered. */
static size_t
count_matches(const struct scan_report *rep, const struct waiver *w)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];

		for (size_t j = 0; j < r->nfindings; j++)
			n += waiver_matches(w, r->findings[j].check,
			                    &r->endpoint);
	}
	return n;
}

void
gate_summarize(const struct scan_report *rep, const struct gate_config *cfg,
               int exit_code, struct gate_summary *out)
{
	const struct profile *ps[GATE_MAX_PROFILES];
	size_t np = effective_profiles(cfg, ps);

	memset(out, 0, sizeof(*out));
	out->threshold = cfg->fail_on;
	out->nprofiles = np;
	out->profiles = xcalloc(np + 1, sizeof(*out->profiles));
	for (size_t i = 0; i < np; i++) {
		out->profiles[i] = xstrdup(ps[i]->name);
		if (ps[i]->min_severity >= 0 &&
		    (out->threshold < 0 ||
		     ps[i]->min_severity < out->threshold))
			out->threshold = ps[i]->min_severity;
	}
	out->allow_incomplete = cfg->allow_incomplete;
	out->exit_code = exit_code;
	if (!cfg->waivers)
		return;
	out->waivers_file =
	    xstrdup(cfg->waivers->file ? cfg->waivers->file : "");
	out->waivers_total = cfg->waivers->n;
	for (size_t i = 0; i < cfg->waivers->n; i++) {
		const struct waiver *w = &cfg->waivers->items[i];
		struct gate_expired *x;

		if (!waiver_is_expired(w, cfg->today))
			continue;
		out->expired = xreallocarray(out->expired, out->nexpired + 1,
		                             sizeof(*out->expired));
		x = &out->expired[out->nexpired++];
		x->index = w->index;
		x->check = xstrdup(w->check->id);
		x->endpoint = w->endpoint ? xstrdup(w->endpoint) : NULL;
		x->reason = xstrdup(w->reason);
		x->expires = xstrdup(w->expires);
		x->findings = count_matches(rep, w);
	}
}

void
gate_summary_free(struct gate_summary *g)
{
	for (size_t i = 0; i < g->nprofiles; i++)
		free(g->profiles[i]);
	free(g->profiles);
	free(g->waivers_file);
	for (size_t i = 0; i < g->nexpired; i++) {
		free(g->expired[i].check);
		free(g->expired[i].endpoint);
		free(g->expired[i].reason);
		free(g->expired[i].expires);
	}
	free(g->expired);
	memset(g, 0, sizeof(*g));
}

bool
gate_summary_covers(const struct gate_summary *g, const struct service *svc)
{
	if (g->threshold >= 0)
		return true;
	for (size_t i = 0; i < g->nprofiles; i++) {
		const struct profile *p = profile_by_name(g->profiles[i]);

		if (p && profile_covers_service(p, svc))
			return true;
	}
	return false;
}

bool
gate_summary_has_check(const struct gate_summary *g, const struct check *c,
                       const struct service *svc)
{
	if (g->threshold >= 0 && (int)c->severity >= g->threshold)
		return true;
	for (size_t i = 0; i < g->nprofiles; i++) {
		const struct profile *p = profile_by_name(g->profiles[i]);

		if (p && profile_has_check(p, c, svc))
			return true;
	}
	return false;
}

int
gate_config_from_summary(const struct gate_summary *g, struct gate_config *cfg,
                         char *err, size_t errlen)
{
	gate_config_init(cfg);
	cfg->fail_on = g->threshold;
	cfg->allow_incomplete = g->allow_incomplete;
	for (size_t i = 0; i < g->nprofiles; i++)
		if (gate_config_add_profile(cfg, g->profiles[i], err, errlen) <
		    0)
			return -1;
	return 0;
}
