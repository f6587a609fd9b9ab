/*
 * mailaudit: audits POP3 and IMAP endpoints for transport security.
 * This file only parses the command line and wires the parts together.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "reports/catalog_text.h"
#include "probes/checks/judge.h"
#include "scanner/gate/profiles.h"
#include "probes/service.h"
#include "reports/report.h"
#include "scanner/cli/cli.h"
#include "scanner/cli/commands.h"
#include "scanner/net/dnscheck.h"
#include "scanner/gate/gate.h"
#include "scanner/core/outfile.h"
#include "scanner/net/resolve.h"
#include "scanner/engine/scan.h"
#include "scanner/tls/tls.h"
#include "scanner/gate/waivers.h"
#include "scanner/core/xalloc.h"

#ifndef MAILAUDIT_VERSION
#define MAILAUDIT_VERSION "0.0.0"
#endif

/* The progress line on a terminal's stderr (never in files or pipes). */
struct progress {
	bool enabled;
	size_t total;
	size_t done;
	size_t by_severity[SEV_COUNT];
	double started;
	double last_print;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_print(struct progress *p, bool final)
{
	double t = now_s(), el = t - p->started;
	double rate = el > 0 ? (double)p->done / el : 0;

	if (!final && t - p->last_print < 0.2)
		return;
	p->last_print = t;
	fprintf(stderr,
	        "\r\033[K%zu/%zu endpoints  %.0f/s  ETA %.0fs  critical %zu "
	        "high %zu medium %zu low %zu info %zu",
	        p->done, p->total, rate,
	        rate > 0 ? (double)(p->total - p->done) / rate : 0.0,
	        p->by_severity[SEV_CRITICAL], p->by_severity[SEV_HIGH],
	        p->by_severity[SEV_MEDIUM], p->by_severity[SEV_LOW],
	        p->by_severity[SEV_INFO]);
	if (final)
		fputs("\r\033[K", stderr);
}

/*
 * Streaming JSON, JSON Lines or text (when it is the only report): a
 * host's endpoints are written as soon as all of them are finished and
 * judged, then the details only that report needed are freed, so a fleet's
 * memory does not grow with it beyond what the totals and host verdicts
 * need.
 */
enum stream_kind { STREAM_JSONL, STREAM_JSON, STREAM_TEXT };

struct stream {
	bool on;
	enum stream_kind kind;
	bool first; /* no endpoint written yet */
	const char *format;
	FILE *out;
	struct outfile file;
	const char *path; /* NULL: standard output */
	struct endpoint_result *results;
	size_t *members;     /* result indexes, grouped by host */
	size_t *group_start; /* group -> first slot in members */
	size_t *group_of;    /* result index -> group */
	size_t *left;        /* group -> endpoints not yet done */
	size_t ngroups;
	size_t *written; /* result indexes in the order written */
	size_t nwritten;
	const struct gate_config *gc;
	const struct judge_policy *policy;
	struct scan_report *rep;         /* gets the host records */
	struct gate_summary provisional; /* only so records carry marks */
	struct report_options ro;
	int failed; /* errno of the first failed write, 0 if none */
};

/* Keeps the first write error: later calls (the scan goes on) may
 * change errno before the report is closed. */
static void
stream_failed(struct stream *st)
{
	if (!st->failed)
		st->failed = errno ? errno : EIO;
}

/* Groups the endpoints by host (a host's ports are judged together). */
static void
stream_groups(struct stream *st, size_t n)
{
	size_t ngroups = 0;
	size_t *count;

	st->group_of = xcalloc(n ? n : 1, sizeof(*st->group_of));
	for (size_t i = 0; i < n; i++) {
		size_t g = ngroups;

		/* a host's endpoints are mostly adjacent: look back first */
		for (size_t k = i; k-- > 0;)
			if (strcmp(st->results[k].endpoint.host,
			           st->results[i].endpoint.host) == 0) {
				g = st->group_of[k];
				break;
			}
		if (g == ngroups)
			ngroups++;
		st->group_of[i] = g;
	}
	count = xcalloc(ngroups + 1, sizeof(*count));
	st->left = xcalloc(ngroups + 1, sizeof(*st->left));
	st->group_start = xcalloc(ngroups + 1, sizeof(*st->group_start));
	st->members = xcalloc(n ? n : 1, sizeof(*st->members));
	for (size_t i = 0; i < n; i++)
		st->left[st->group_of[i]]++;
	for (size_t g = 1; g <= ngroups; g++)
		st->group_start[g] = st->group_start[g - 1] + st->left[g - 1];
	for (size_t i = 0; i < n; i++) {
		size_t g = st->group_of[i];

		st->members[st->group_start[g] + count[g]++] = i;
	}
	free(count);
	st->ngroups = ngroups;
	st->written = xcalloc(n ? n : 1, sizeof(*st->written));
}

/* All of group g is done: judge it as a whole, write it, slim it down. */
static void
stream_group(struct stream *st, size_t g)
{
	size_t first = st->group_start[g], k = st->group_start[g + 1] - first;
	struct endpoint_result *tmp = xcalloc(k, sizeof(*tmp));
	struct scan_report sub = {.results = tmp, .nresults = k};
	struct host_record *h;

	for (size_t j = 0; j < k; j++)
		tmp[j] = st->results[st->members[first + j]];
	h = scan_report_add_host(st->rep, tmp[0].endpoint.host);
	judge_host(tmp, k, st->policy, h);
	(void)gate_apply(&sub, st->gc);
	if (st->kind == STREAM_TEXT && !st->failed &&
	    report_text_host(st->out, tmp, k, h, &st->ro) < 0)
		stream_failed(st);
	for (size_t j = 0; j < k; j++) {
		struct endpoint_result *r =
		    &st->results[st->members[first + j]];

		*r = tmp[j];
		if (!st->failed && st->kind != STREAM_TEXT &&
		    (st->kind == STREAM_JSON
		         ? report_json_endpoint(st->out, r, &st->ro, st->first)
		         : report_jsonl_endpoint(st->out, r, &st->ro)) < 0)
			stream_failed(st);
		st->first = false;
		st->written[st->nwritten++] = st->members[first + j];
		endpoint_result_compact(r);
	}
	free(tmp);
}

static void
stream_free(struct stream *st)
{
	free(st->members);
	free(st->group_start);
	free(st->group_of);
	free(st->left);
	free(st->written);
}

struct done_ctx {
	struct progress *prog;
	struct stream *stream;
	const struct judge_policy *policy;
};

static void
on_endpoint_done(struct endpoint_result *r, size_t idx, void *arg)
{
	struct done_ctx *d = arg;
	struct progress *p = d->prog;

	judge_endpoint(r, d->policy);
	p->done++;
	for (size_t i = 0; i < r->nfindings; i++)
		p->by_severity[r->findings[i].severity]++;
	if (d->stream->on && --d->stream->left[d->stream->group_of[idx]] == 0) {
		/* text on the terminal: the progress line makes way */
		if (p->enabled && d->stream->kind == STREAM_TEXT &&
		    d->stream->out == stdout)
			fputs("\r\033[K", stderr);
		stream_group(d->stream, d->stream->group_of[idx]);
	}
	if (p->enabled)
		progress_print(p, false);
}

/* Opens the streaming output if JSON, JSON Lines or text is the only
 * report; rep holds what a scan knows before it starts. */
static void
stream_open(struct stream *st, const struct cli_options *o,
            struct endpoint_result *results, size_t n,
            const struct gate_config *gc, struct scan_report *rep)
{
	memset(st, 0, sizeof(*st));
	if (o->noutputs != 1)
		return;
	st->format = o->outputs[0].format;
	if (strcmp(st->format, "json") == 0)
		st->kind = STREAM_JSON;
	else if (strcmp(st->format, "text") == 0)
		st->kind = STREAM_TEXT;
	else if (strcmp(st->format, "jsonl") != 0)
		return;
	st->first = true;
	st->path = o->outputs[0].path;
	if (outfile_open(&st->file, st->path) != 0)
		return; /* the ordinary writer reports the error */
	st->out = st->file.f;
	st->on = true;
	st->results = results;
	st->gc = gc;
	st->rep = rep;
	st->ro.gate = &st->provisional;
	st->ro.fail_on = o->fail_on;
	st->ro.color = st->out == stdout && o->color && st->kind == STREAM_TEXT;
	stream_groups(st, n);
	if (st->kind == STREAM_JSON && report_json_begin(st->out, rep) < 0)
		stream_failed(st);
}

/* Ends a streamed report: hosts and summary, then the file is put in
 * place. Returns -1 with the reason in st->file.err. */
static int
stream_close(struct stream *st, struct scan_report *rep,
             const struct report_options *ro)
{
	struct endpoint_result *sorted;
	int rc;

	/* every endpoint is reported once, even one the engine never handed
	 * back */
	for (size_t g = 0; g < st->ngroups; g++)
		if (st->left[g] > 0) {
			st->left[g] = 0;
			stream_group(st, g);
		}
	/* hosts and totals follow the endpoints as they were written */
	sorted = xcalloc(st->nwritten ? st->nwritten : 1, sizeof(*sorted));
	for (size_t i = 0; i < st->nwritten; i++)
		sorted[i] = rep->results[st->written[i]];
	if (st->nwritten > 0)
		memcpy(rep->results, sorted, st->nwritten * sizeof(*sorted));
	free(sorted);
	errno = st->failed;
	rc = st->failed                ? -1
	     : st->kind == STREAM_JSON ? report_json_finish(st->out, rep, ro)
	     : st->kind == STREAM_TEXT ? report_text_finish(st->out, rep, ro)
	                               : report_jsonl_finish(st->out, rep, ro);

	return outfile_close(&st->file, rc == 0);
}

static void
write_failed(const char *format, const char *where, const char *why)
{
	fprintf(stderr, "mailaudit: cannot write the %s report to %s: %s\n",
	        format, where, why);
}

static void
on_stop_signal(int sig)
{
	(void)sig;
	scan_interrupt();
}

/* SIGINT/SIGTERM stop the scan cleanly (a report marked partial is still
 * written); a second one ends the process at once. */
static void
catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Fits the concurrency to the descriptors we may open: raises the soft
 * limit as far as allowed, and lowers the concurrency if it is still not
 * enough (each connection is one descriptor). */
static size_t
fit_fd_limit(size_t concurrency)
{
	struct rlimit rl;
	/* stdio, the report, epoll per thread, GnuTLS' /dev/urandom ... */
	const size_t reserve = 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return concurrency;
	if (rl.rlim_cur < rl.rlim_max &&
	    rl.rlim_cur < (rlim_t)(concurrency + reserve)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)(concurrency + reserve) > rl.rlim_cur) {
		size_t fit = rl.rlim_cur > reserve + 1
		                 ? (size_t)rl.rlim_cur - reserve
		                 : 1;

		fprintf(stderr,
		        "mailaudit: --concurrency %zu exceeds the open-file "
		        "limit (%llu); using %zu\n",
		        concurrency, (unsigned long long)rl.rlim_cur, fit);
		return fit;
	}
	return concurrency;
}

/* --external: the DNS facts of every endpoint, before the scan starts (a
 * streamed host is judged as soon as its endpoints are done). */
static int
dns_lookups(const struct cli_options *o, struct endpoint_result *results,
            size_t n)
{
	struct dnscheck_options dopt = {.server = o->dns_server,
	                                .trust_anchor = o->dns_trust_anchor,
	                                .timeout_s = o->timeout_s};
	char err[512];

	if (dnscheck_gather(results, n, &dopt, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "mailaudit: %s\n", err);
	return -1;
}

static int
run_scan(struct cli_options *o)
{
	char err[512];
	struct endpoint_result *results;
	size_t n = 0;
	struct tls_config *tls;
	struct scan_options so = {
	    .timeout_s = o->timeout_s,
	    .endpoint_budget_s = o->timeout_s * 6,
	    .concurrency = o->concurrency,
	    .max_per_host = o->max_per_host,
	    .retries = (unsigned)o->retries,
	    .tls_depth = (enum tls_depth)o->tls_depth,
	    .threads = o->threads ? (unsigned)o->threads
	               : sysconf(_SC_NPROCESSORS_ONLN) > 0
	                   ? (unsigned)sysconf(_SC_NPROCESSORS_ONLN)
	                   : 1,
	    .rate = o->rate,
	    .tls_budget = o->tls_budget ? (unsigned)o->tls_budget
	                  : o->tls_depth == TLS_DEPTH_FULL ? 80
	                                                   : 20,
	    .retry_delay_s = 1.0,
	    .probe = {.passive = o->passive,
	              /* long enough for a reply over a slow link, short
	                 enough to keep every STARTTLS port cheap */
	              .quiet_wait_s =
	                  o->timeout_s < 2 ? o->timeout_s / 2 : 1.0},
	};
	struct scan_report rep = {.scanner_version = MAILAUDIT_VERSION};
	struct progress prog = {0};
	struct stream stream;
	struct judge_policy policy = {0};
	struct done_ctx done = {
	    .prog = &prog, .stream = &stream, .policy = &policy};
	struct report_options ro = {.fail_on = o->fail_on};
	struct gate_config gc;
	struct gate_summary gs;
	struct waiver_list wl;
	int code;

	/* a bad profile or waiver file is a configuration error (exit 2),
	 * found before anything is scanned */
	if (commands_gate_setup(&gc, &wl, o->profiles, o->nprofiles,
	                        o->fail_on_given ? o->fail_on : -1, o->waivers,
	                        o->allow_incomplete) != 0)
		return 2;
	profile_strict_bits(gc.profiles, gc.nprofiles, &policy.strict_key_bits,
	                    &policy.strict_dh_bits);

	tls = tls_config_new(o->ca_file, err, sizeof(err));
	if (!tls) {
		fprintf(stderr, "mailaudit: %s\n", err);
		waivers_free(&wl);
		return 2;
	}
	results = resolve_targets(o->targets, o->ntargets, o->resolve,
	                          o->nresolve, o->family, &n);
	if (o->external && dns_lookups(o, results, n) != 0) {
		for (size_t i = 0; i < n; i++)
			endpoint_result_free(&results[i]);
		free(results);
		tls_config_free(tls);
		waivers_free(&wl);
		return 2;
	}
	so.tls = tls;
	so.concurrency = fit_fd_limit(so.concurrency);
	prog.total = n;
	prog.enabled = !o->quiet && isatty(STDERR_FILENO);
	prog.started = now_s();
	rep.fail_on = severity_name((enum severity)o->fail_on);
	rep.argv_summary = o->parameters;
	rep.tls_depth = tls_depth_name((enum tls_depth)o->tls_depth);
	rep.passive = o->passive;
	clock_gettime(CLOCK_REALTIME, &rep.started);
	stream_open(&stream, o, results, n, &gc, &rep);
	stream.policy = &policy;
	so.endpoint_done = on_endpoint_done;
	so.done_arg = &done;
	catch_stop_signals();
	scan_run(results, n, &so);
	rep.partial = scan_was_interrupted();
	if (rep.partial)
		fputs("mailaudit: interrupted; writing a partial report\n",
		      stderr);
	if (prog.enabled)
		progress_print(&prog, true);
	clock_gettime(CLOCK_REALTIME, &rep.finished);
	tls_config_free(tls);

	rep.results = results;
	rep.nresults = n;
	/* a streamed host was judged as soon as its endpoints were done */
	if (!stream.on)
		judge_hosts(&rep, &policy);
	code = gate_apply(&rep, &gc);
	gate_summarize(&rep, &gc, code, &gs);
	commands_warn_expired(&gs);
	ro.exit_code = code;
	ro.gate = &gs;
	ro.color = stream.ro.color;
	if (stream.on && stream_close(&stream, &rep, &ro) < 0) {
		write_failed(stream.format, stream.file.name, stream.file.err);
		code = 2;
	}
	for (size_t i = 0; i < o->noutputs && !stream.on; i++) {
		const struct cli_output *out = &o->outputs[i];
		bool to_stdout = !out->path || strcmp(out->path, "-") == 0;

		ro.color =
		    to_stdout && o->color && strcmp(out->format, "text") == 0;
		if (report_write(reporter_by_name(out->format), &rep, &ro,
		                 out->path, err, sizeof(err)) < 0) {
			write_failed(out->format,
			             to_stdout ? "standard output" : out->path,
			             err);
			code = 2;
		}
	}
	for (size_t i = 0; i < n; i++)
		endpoint_result_free(&results[i]);
	free(results);
	scan_report_free_hosts(&rep);
	stream_free(&stream);
	gate_summary_free(&gs);
	waivers_free(&wl);
	return code;
}

int
main(int argc, char **argv)
{
	struct cli_options o;
	int rc;

	/* a reader that went away is a write error (exit 2), not a silent
	 * death */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "profiles") == 0)
		return cmd_profiles(argc - 1, argv + 1);
	rc = cli_parse(argc, argv, &o);
	if (rc >= 0) {
		cli_options_free(&o);
		return rc;
	}
	switch (o.command) {
	case CLI_LIST_CHECKS:
		catalog_print(stdout, o.list_all);
		rc = 0;
		break;
	case CLI_SCAN:
		srandom((unsigned)time(NULL) ^ (unsigned)getpid());
		rc = run_scan(&o);
		break;
	}
	cli_options_free(&o);
	return rc;
}
