/*
 * `mailaudit report`, `mailaudit diff` and `mailaudit profiles`: the
 * commands that work on saved JSON reports and on the profile table.
 * Option parsing is local to each command and fails with one line.
 */
#include "scanner/cli/commands.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/checks/judge.h"
#include "scanner/gate/profiles.h"
#include "probes/service.h"
#include "reports/report.h"
#include "scanner/core/outfile.h"
#include "reports/json_read.h"
#include "scanner/core/xalloc.h"

static const char report_usage[] =
    "usage: mailaudit report [options] IN.json\n"
    "\n"
    "Renders a saved JSON scan (mailaudit scan --format json) in any "
    "format.\n"
    "Without gate options the saved gate decisions are kept; with any of\n"
    "them the gate is applied again to the saved findings.\n"
    "\n"
    "options:\n"
    "  --format FMT        text, json, jsonl, sarif, junit or html\n"
    "                      (default: from the -o name: .html, .sarif,\n"
    "                      .xml (junit), .jsonl, .json, .txt; else text\n"
    "                      on a terminal, json otherwise)\n"
    "  -o FILE             write to FILE (replaced atomically; a symlink\n"
    "                      is followed, a device or FIFO written in\n"
    "                      place); default or -: stdout\n"
    "  --profile NAME      gate on profile NAME (repeatable; union)\n"
    "  --fail-on SEVERITY  also fail on every finding at or above it\n"
    "  --waivers FILE      waiver file (JSON)\n"
    "  --allow-incomplete  unassessed endpoints do not fail the gate\n"
    "  --no-color          no ANSI colours in the text report\n"
    "\n"
    "exit codes: the gate's (0 pass, 1 a finding fails, 3 not assessed),\n"
    "2 usage or input error.\n";

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

static const char profiles_usage[] =
    "usage: mailaudit profiles [NAME...]\n"
    "\n"
    "Lists the CI gate profiles (--profile NAME): the clauses each one\n"
    "implements, the checks that fail it, and what mailaudit cannot check\n"
    "for it yet.\n";

static int usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
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

/* The value of option argv[*i]; NULL after an error. */
static const char *
value_of(const char *cmd, int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		usage_error(cmd, "option %s needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

/* ---- gate set-up ------------------------------------------------------ */

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

/* ---- report ----------------------------------------------------------- */

struct report_args {
	const char *format;
	const char *output;
	const char *input;
	const char *profiles[GATE_MAX_PROFILES];
	size_t nprofiles;
	int fail_on;
	const char *waivers;
	bool allow_incomplete;
	bool color;
	bool regate; /* a gate option was given */
};

/* -1: go on; else the exit code (0 after --help). */
static int
report_option(struct report_args *a, int argc, char **argv, int *i)
{
	const char *o = argv[*i], *v;

	if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
		fputs(report_usage, stdout);
		return 0;
	}
	if (strcmp(o, "--allow-incomplete") == 0) {
		a->allow_incomplete = a->regate = true;
		return -1;
	}
	if (strcmp(o, "--no-color") == 0) {
		a->color = false;
		return -1;
	}
	if (strcmp(o, "--format") != 0 && strcmp(o, "-o") != 0 &&
	    strcmp(o, "--profile") != 0 && strcmp(o, "--fail-on") != 0 &&
	    strcmp(o, "--waivers") != 0)
		return usage_error("report", "unknown option '%s'", o);
	if (!(v = value_of("report", argc, argv, i)))
		return 2;
	if (strcmp(o, "--format") == 0) {
		if (!reporter_by_name(v))
			return usage_error("report",
			                   "unknown --format '%s': use text, "
			                   "json, jsonl, sarif, junit or html",
			                   v);
		a->format = v;
	} else if (strcmp(o, "-o") == 0) {
		a->output = v;
	} else if (strcmp(o, "--profile") == 0) {
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
	} else if (strcmp(o, "--fail-on") == 0) {
		a->fail_on = severity_parse(v);
		if (a->fail_on < 0)
			return usage_error("report",
			                   "bad --fail-on '%s': use info, low, "
			                   "medium, high or critical",
			                   v);
		a->regate = true;
	} else {
		a->waivers = v;
		a->regate = true;
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

/* Builds the new gate from the saved one and the options. */
static int
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

/* The default format: from the -o name's extension, else text on a
 * terminal and json otherwise. */
static const char *
format_for(const char *output)
{
	static const struct {
		const char *ext;
		const char *format;
	} by_ext[] = {
	    {".sarif.json", "sarif"}, {".sarif", "sarif"}, {".html", "html"},
	    {".htm", "html"},         {".xml", "junit"},   {".jsonl", "jsonl"},
	    {".ndjson", "jsonl"},     {".json", "json"},   {".txt", "text"},
	};
	size_t n = output ? strlen(output) : 0;

	for (size_t i = 0; i < sizeof(by_ext) / sizeof(by_ext[0]); i++) {
		size_t k = strlen(by_ext[i].ext);

		if (n > k && strcasecmp(output + n - k, by_ext[i].ext) == 0)
			return by_ext[i].format;
	}
	return (!output && isatty(STDOUT_FILENO)) ? "text" : "json";
}

/* Renders a loaded (and gated) report as a asks; returns the gate's exit
 * code, or 2 when the report cannot be written. */
static int
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

/* ---- merge ------------------------------------------------------------ */

/* Moves b's endpoints (and the waiver reasons they point to) into a,
 * skipping endpoints a already has: shards are disjoint, but a host
 * given twice must not be counted twice. */
static void
merge_into(struct loaded_report *a, struct loaded_report *b)
{
	struct scan_report *ra = &a->rep, *rb = &b->rep;

	ra->results = xreallocarray(ra->results, ra->nresults + rb->nresults,
	                            sizeof(*ra->results));
	for (size_t i = 0; i < rb->nresults; i++) {
		const struct endpoint *e = &rb->results[i].endpoint;
		bool dup = false;

		for (size_t k = 0; k < ra->nresults && !dup; k++) {
			const struct endpoint *x = &ra->results[k].endpoint;

			dup = x->port == e->port &&
			      strcmp(x->host, e->host) == 0 &&
			      strcmp(x->address, e->address) == 0;
		}
		if (dup)
			endpoint_result_free(&rb->results[i]);
		else
			ra->results[ra->nresults++] = rb->results[i];
	}
	rb->nresults = 0;
	for (size_t i = 0; i < b->reasons.n; i++) {
		/* the pointers move: findings keep pointing at them */
		if (a->reasons.n == a->reasons.cap) {
			a->reasons.cap =
			    a->reasons.cap ? a->reasons.cap * 2 : 8;
			a->reasons.items =
			    xreallocarray(a->reasons.items, a->reasons.cap,
			                  sizeof(*a->reasons.items));
		}
		a->reasons.items[a->reasons.n++] = b->reasons.items[i];
	}
	b->reasons.n = 0;
	if (rb->started.tv_sec &&
	    (!ra->started.tv_sec || rb->started.tv_sec < ra->started.tv_sec))
		ra->started = rb->started;
	if (rb->finished.tv_sec > ra->finished.tv_sec)
		ra->finished = rb->finished;
	ra->partial = ra->partial || rb->partial;
}

int
cmd_merge(int argc, char **argv)
{
	struct report_args a = {.fail_on = -1, .color = true};
	struct loaded_report in = {0}, next;
	struct gate_config cfg;
	struct waiver_list wl = {0};
	size_t ninputs = 0;
	char err[512];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = report_option(&a, argc, argv, &i);
			if (rc >= 0)
				return rc;
			continue;
		}
		if (report_load_file(argv[i], ninputs ? &next : &in, err,
		                     sizeof(err)) < 0) {
			fprintf(stderr, "mailaudit merge: %s\n", err);
			if (ninputs)
				report_load_free(&in);
			return 2;
		}
		if (ninputs++) {
			merge_into(&in, &next);
			report_load_free(&next);
		} else {
			a.input = argv[i];
		}
	}
	if (ninputs == 0)
		return usage_error("merge", "no reports to merge");
	if (!a.format)
		a.format = format_for(a.output);
	/* the totals and the exit code are those of the whole fleet */
	a.regate = true;
	rc = report_regate(&in, &a, &cfg, &wl);
	if (rc == 0)
		rc = write_loaded("merge", &in, &a);
	report_load_free(&in);
	waivers_free(&wl);
	return rc;
}

/* ---- diff ------------------------------------------------------------- */

enum diff_kind {
	DIFF_NEW,
	DIFF_RESOLVED,
	DIFF_UNVERIFIED,
	DIFF_UNCHANGED,
	DIFF_KINDS
};

static const char *const diff_names[DIFF_KINDS] = {
    [DIFF_NEW] = "new",
    [DIFF_RESOLVED] = "resolved",
    [DIFF_UNVERIFIED] = "unverified",
    [DIFF_UNCHANGED] = "unchanged",
};

/* A finding of one of the two reports, with its sort key. */
struct ditem {
	const struct endpoint_result *r;
	const struct finding *f;
	char *key; /* host, address, port, service, check; \x1f between */
};

/* One line of the diff. */
struct dentry {
	enum diff_kind kind;
	const struct endpoint_result *r;   /* NEW's, or OLD's if gone */
	const struct finding *f;           /* NEW's, or OLD's if gone */
	int old_severity;                  /* unchanged: OLD's severity */
	const struct endpoint_result *now; /* unverified: NEW's endpoint,
	                                      NULL when not scanned */
	size_t host_order;
	bool fails; /* counts for the exit code */
};

static char *
endpoint_key(const struct endpoint_result *r)
{
	const struct endpoint *e = &r->endpoint;

	return xasprintf("%s\x1f%s\x1f%05u\x1f%s", e->host ? e->host : "",
	                 e->address ? e->address : "", (unsigned)e->port,
	                 e->service ? e->service->name : "");
}

static int
cmp_ditem(const void *a, const void *b)
{
	return strcmp(((const struct ditem *)a)->key,
	              ((const struct ditem *)b)->key);
}

static struct ditem *
collect(const struct scan_report *rep, size_t *n_r)
{
	size_t n = 0;
	struct ditem *v;

	for (size_t i = 0; i < rep->nresults; i++)
		n += rep->results[i].nfindings;
	v = xcalloc(n ? n : 1, sizeof(*v));
	n = 0;
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];
		char *ek = endpoint_key(r);

		for (size_t j = 0; j < r->nfindings; j++) {
			v[n].r = r;
			v[n].f = &r->findings[j];
			v[n].key =
			    xasprintf("%s\x1f%s", ek, r->findings[j].check->id);
			n++;
		}
		free(ek);
	}
	qsort(v, n, sizeof(*v), cmp_ditem);
	*n_r = n;
	return v;
}

struct ekey {
	char *key;
	const struct endpoint_result *r;
};

static int
cmp_ekey(const void *a, const void *b)
{
	return strcmp(((const struct ekey *)a)->key,
	              ((const struct ekey *)b)->key);
}

struct hkey {
	const char *host;
	size_t order; /* first appearance, then rank of that */
};

static int
cmp_hkey(const void *a, const void *b)
{
	return strcmp(((const struct hkey *)a)->host,
	              ((const struct hkey *)b)->host);
}

static int
cmp_hkey_first(const void *a, const void *b)
{
	const struct hkey *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_hkey_order(const void *a, const void *b)
{
	const struct hkey *x = *(const struct hkey *const *)a;
	const struct hkey *y = *(const struct hkey *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

struct diff {
	struct dentry *e;
	size_t n;
	size_t count[DIFF_KINDS];
	size_t failing;
	const char **hosts; /* by host_order */
	size_t nhosts;
};

static int
cmp_dentry(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	int c;

	if (x->host_order != y->host_order)
		return x->host_order < y->host_order ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->r->endpoint.port != y->r->endpoint.port)
		return x->r->endpoint.port < y->r->endpoint.port ? -1 : 1;
	c = strcmp(x->r->endpoint.address ? x->r->endpoint.address : "",
	           y->r->endpoint.address ? y->r->endpoint.address : "");
	if (c)
		return c;
	if (x->f->severity != y->f->severity)
		return x->f->severity > y->f->severity ? -1 : 1;
	return strcmp(x->f->check->id, y->f->check->id);
}

/* Host order: NEW's hosts as they appear, then hosts only OLD has.
 * *sorted_r is sorted by host name, for host_order(). */
static void
order_hosts(const struct scan_report *o, const struct scan_report *n,
            struct diff *d, struct hkey **sorted_r)
{
	size_t cap = o->nresults + n->nresults, nh = 0, seq = 0;
	struct hkey *hk = xcalloc(cap ? cap : 1, sizeof(*hk));
	struct hkey **by_order;
	const struct scan_report *reps[2] = {n, o};

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < reps[k]->nresults; i++) {
			const char *h = reps[k]->results[i].endpoint.host;

			hk[seq].host = h ? h : "";
			hk[seq].order = seq;
			seq++;
		}
	qsort(hk, seq, sizeof(*hk), cmp_hkey_first);
	for (size_t i = 0; i < seq; i++)
		if (nh == 0 || strcmp(hk[nh - 1].host, hk[i].host) != 0)
			hk[nh++] = hk[i];
	by_order = xcalloc(nh ? nh : 1, sizeof(*by_order));
	for (size_t i = 0; i < nh; i++)
		by_order[i] = &hk[i];
	qsort(by_order, nh, sizeof(*by_order), cmp_hkey_order);
	d->hosts = xcalloc(nh ? nh : 1, sizeof(*d->hosts));
	for (size_t i = 0; i < nh; i++) {
		by_order[i]->order = i;
		d->hosts[i] = by_order[i]->host;
	}
	d->nhosts = nh;
	free(by_order);
	*sorted_r = hk;
}

static size_t
host_order(const struct hkey *hk, size_t nh, const char *host)
{
	struct hkey probe = {.host = host ? host : ""};
	const struct hkey *h = bsearch(&probe, hk, nh, sizeof(*hk), cmp_hkey);

	return h ? h->order : 0;
}

static void
add_entry(struct diff *d, struct dentry e)
{
	/* diff_build sized d->e for every finding of both reports */
	d->e[d->n++] = e;
	d->count[e.kind]++;
	d->failing += e.fails;
}

static void
diff_build(const struct scan_report *o, const struct scan_report *n,
           int fail_on, struct diff *d)
{
	size_t no, nn, i = 0, j = 0;
	struct ditem *vo = collect(o, &no), *vn = collect(n, &nn);
	struct ekey *ek = xcalloc(n->nresults ? n->nresults : 1, sizeof(*ek));
	struct hkey *hk;

	memset(d, 0, sizeof(*d));
	d->e = xcalloc(no + nn ? no + nn : 1, sizeof(*d->e));
	order_hosts(o, n, d, &hk);
	for (size_t k = 0; k < n->nresults; k++) {
		ek[k].key = endpoint_key(&n->results[k]);
		ek[k].r = &n->results[k];
	}
	qsort(ek, n->nresults, sizeof(*ek), cmp_ekey);
	while (i < no || j < nn) {
		int c = i == no   ? 1
		        : j == nn ? -1
		                  : strcmp(vo[i].key, vn[j].key);
		struct dentry e = {.old_severity = -1};

		if (c > 0) {
			e.kind = DIFF_NEW;
			e.r = vn[j].r;
			e.f = vn[j].f;
			e.fails = (int)e.f->severity >= fail_on;
			j++;
		} else if (c == 0) {
			e.kind = DIFF_UNCHANGED;
			e.r = vn[j].r;
			e.f = vn[j].f;
			e.old_severity = (int)vo[i].f->severity;
			/* rising across the threshold is new at it */
			e.fails = (int)e.f->severity >= fail_on &&
			          e.old_severity < fail_on;
			i++;
			j++;
		} else {
			struct ekey probe = {0}, *hit;

			probe.key = endpoint_key(vo[i].r);
			hit = bsearch(&probe, ek, n->nresults, sizeof(*ek),
			              cmp_ekey);
			free(probe.key);
			e.r = vo[i].r;
			e.f = vo[i].f;
			e.now = hit ? hit->r : NULL;
			e.kind = hit && !endpoint_status_is_unassessed(
			                    hit->r->status)
			             ? DIFF_RESOLVED
			             : DIFF_UNVERIFIED;
			i++;
		}
		e.host_order = host_order(hk, d->nhosts, e.r->endpoint.host);
		add_entry(d, e);
	}
	if (d->n)
		qsort(d->e, d->n, sizeof(*d->e), cmp_dentry);
	for (size_t k = 0; k < no; k++)
		free(vo[k].key);
	for (size_t k = 0; k < nn; k++)
		free(vn[k].key);
	for (size_t k = 0; k < n->nresults; k++)
		free(ek[k].key);
	free(vo);
	free(vn);
	free(ek);
	free(hk);
}

static void
diff_free(struct diff *d)
{
	free(d->e);
	free(d->hosts);
	memset(d, 0, sizeof(*d));
}

/* Writes a string for the terminal: printable ASCII only. */
static void
put_safe(FILE *out, const char *s)
{
	for (; s && *s; s++)
		putc(*s >= 0x20 && *s < 0x7f ? *s : '?', out);
}

static int
diff_text(FILE *out, const struct diff *d, const struct loaded_report *o,
          const struct loaded_report *n, const char *oname, const char *nname,
          int fail_on, int code)
{
	static const char marks[DIFF_KINDS] = {
	    [DIFF_NEW] = '+',
	    [DIFF_RESOLVED] = '-',
	    [DIFF_UNVERIFIED] = '?',
	    [DIFF_UNCHANGED] = '=',
	};
	char t0[32], t1[32];
	size_t last = (size_t)-1;

	report_time_iso(o->rep.started.tv_sec, t0, sizeof(t0));
	report_time_iso(n->rep.started.tv_sec, t1, sizeof(t1));
	fputs("mailaudit diff ", out);
	put_safe(out, oname);
	fprintf(out, " (%s) -> ", t0);
	put_safe(out, nname);
	fprintf(out, " (%s)\n", t1);
	fputs("  + new  - resolved  = unchanged  ? unverified (not assessed "
	      "or not scanned now)\n",
	      out);
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		const struct endpoint *ep = &e->r->endpoint;

		if (e->host_order != last) {
			fputs("\n", out);
			put_safe(out, d->hosts[e->host_order]);
			fputs("\n", out);
			last = e->host_order;
		}
		fprintf(out, "  %c %-8s ", marks[e->kind],
		        severity_name(e->f->severity));
		put_safe(out, ep->service ? ep->service->name : "?");
		fprintf(out, " %u ", (unsigned)ep->port);
		put_safe(out, ep->address);
		fputs("  ", out);
		put_safe(out, e->f->check->id);
		if (e->kind == DIFF_UNCHANGED &&
		    e->old_severity != (int)e->f->severity)
			fprintf(out, " (was %s)",
			        severity_name((enum severity)e->old_severity));
		if (e->kind == DIFF_UNVERIFIED) {
			fputs(" (endpoint ", out);
			put_safe(out, e->now
			                  ? endpoint_status_name(e->now->status)
			                  : "not scanned");
			fputs(")", out);
		}
		if (e->fails)
			fputs("  [fails]", out);
		putc('\n', out);
	}
	if (!d->n)
		fputs("\nNo findings in either report.\n", out);
	fprintf(out,
	        "\nSummary: %zu new, %zu resolved, %zu unchanged, %zu "
	        "unverified\n",
	        d->count[DIFF_NEW], d->count[DIFF_RESOLVED],
	        d->count[DIFF_UNCHANGED], d->count[DIFF_UNVERIFIED]);
	fprintf(out,
	        "  fail-on %s: %zu finding(s) new (or risen) at or above\n"
	        "  exit code %d\n",
	        severity_name((enum severity)fail_on), d->failing, code);
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}

static bool
jstr(cJSON *o, const char *k, const char *v)
{
	return v ? cJSON_AddStringToObject(o, k, v) != NULL
	         : cJSON_AddNullToObject(o, k) != NULL;
}

static cJSON *
diff_item(const struct dentry *e)
{
	const struct endpoint *ep = &e->r->endpoint;
	cJSON *o = cJSON_CreateObject();
	bool ok = o && jstr(o, "address", ep->address) &&
	          cJSON_AddNumberToObject(o, "port", ep->port) &&
	          jstr(o, "service", ep->service ? ep->service->name : NULL) &&
	          jstr(o, "check", e->f->check->id) &&
	          jstr(o, "severity", severity_name(e->f->severity)) &&
	          jstr(o, "title", e->f->check->title) &&
	          jstr(o, "evidence", e->f->evidence) &&
	          cJSON_AddBoolToObject(o, "fails", e->fails);

	if (ok && e->kind == DIFF_UNCHANGED)
		ok = jstr(o, "old_severity",
		          severity_name((enum severity)e->old_severity));
	if (ok && e->kind == DIFF_UNVERIFIED)
		ok = jstr(o, "status_now",
		          e->now ? endpoint_status_name(e->now->status)
		                 : "not-scanned");
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
diff_side(const struct loaded_report *l, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];

	report_time_iso(l->rep.started.tv_sec, t, sizeof(t));
	if (!o || !jstr(o, "file", name) ||
	    !jstr(o, "started", *t ? t : NULL) ||
	    !cJSON_AddNumberToObject(o, "endpoints", (double)l->rep.nresults)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
diff_json(FILE *out, const struct diff *d, const struct loaded_report *o,
          const struct loaded_report *n, const char *oname, const char *nname,
          int fail_on, int code)
{
	cJSON *root = cJSON_CreateObject(), *hosts, *host = NULL, *sum;
	size_t last = (size_t)-1;
	char *text;
	bool ok;
	int rc = 0;

	ok = root && jstr(root, "schema", "mailaudit-diff/1") &&
	     cJSON_AddItemToObject(root, "old", diff_side(o, oname)) &&
	     cJSON_AddItemToObject(root, "new", diff_side(n, nname)) &&
	     jstr(root, "fail_on", severity_name((enum severity)fail_on)) &&
	     cJSON_AddNumberToObject(root, "exit_code", code) &&
	     (hosts = cJSON_AddArrayToObject(root, "hosts"));
	for (size_t i = 0; ok && i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		cJSON *item;

		if (e->host_order != last) {
			host = cJSON_CreateObject();
			ok = host && cJSON_AddItemToArray(hosts, host) &&
			     jstr(host, "host", d->hosts[e->host_order]);
			for (int k = 0; ok && k < DIFF_KINDS; k++)
				ok = cJSON_AddArrayToObject(
				         host, diff_names[k]) != NULL;
			last = e->host_order;
		}
		item = ok ? diff_item(e) : NULL;
		ok = item &&
		     cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(
		                              host, diff_names[e->kind]),
		                          item);
	}
	ok = ok && (sum = cJSON_AddObjectToObject(root, "summary"));
	for (int k = 0; ok && k < DIFF_KINDS; k++)
		ok = cJSON_AddNumberToObject(sum, diff_names[k],
		                             (double)d->count[k]) != NULL;
	ok = ok && cJSON_AddNumberToObject(sum, "failing", (double)d->failing);
	text = ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	if (fputs(text, out) == EOF || putc('\n', out) == EOF ||
	    fflush(out) == EOF)
		rc = -1;
	cJSON_free(text);
	return rc;
}

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

/* ---- profiles --------------------------------------------------------- */

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
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(profiles_usage, stdout);
			return 0;
		}
		if (argv[i][0] == '-')
			return usage_error("profiles", "unknown option '%s'",
			                   argv[i]);
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
