/*
 * `mailaudit scan` (and `--list-checks`): resolve the targets, scan them,
 * judge each host, gate, and write the reports, streamed through
 * reports/sink.c when one report can be.
 */
#include "scanner/cli/commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "probes/checks/judge.h"
#include "reports/catalog_text.h"
#include "reports/report.h"
#include "reports/sink.h"
#include "scanner/cli/cli.h"
#include "scanner/cli/progress.h"
#include "scanner/engine/scan.h"
#include "scanner/gate/gate.h"
#include "scanner/gate/profiles.h"
#include "scanner/gate/waivers.h"
#include "scanner/net/aiafetch.h"
#include "scanner/net/dnscheck.h"
#include "scanner/net/resolve.h"
#include "scanner/tls/tls.h"

#ifndef MAILAUDIT_VERSION
#define MAILAUDIT_VERSION "0.0.0"
#endif

struct done_ctx {
	struct progress *prog;
	struct report_sink *stream;
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
	if (d->stream->on && sink_host_ready(d->stream, idx)) {
		/* text on the terminal: the progress line makes way */
		if (p->enabled && sink_hosts_to_stdout(d->stream))
			fputs("\r\033[K", stderr);
		sink_write_host(d->stream, idx);
	}
	if (p->enabled)
		progress_print(p, false);
}

/* A streamed host's endpoints, judged as a whole once all are done. */
static void
judge_streamed_host(struct endpoint_result *tmp, size_t k,
                    struct host_record *h, void *policy)
{
	judge_host(tmp, k, policy, h);
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
	struct aiafetch *aia = NULL;
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
	struct report_sink stream;
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
	if (tls && o->fetch_aia && !(aia = aiafetch_new(err, sizeof(err)))) {
		tls_config_free(tls);
		aiafetch_free(aia);
		tls = NULL;
	}
	if (!tls) {
		fprintf(stderr, "mailaudit: %s\n", err);
		waivers_free(&wl);
		return 2;
	}
	if (aia)
		tls_config_set_fetch(tls, aiafetch_get, aia);
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
	prog.started = progress_now();
	rep.fail_on = severity_name((enum severity)o->fail_on);
	rep.argv_summary = o->parameters;
	rep.tls_depth = tls_depth_name((enum tls_depth)o->tls_depth);
	rep.passive = o->passive;
	clock_gettime(CLOCK_REALTIME, &rep.started);
	/* JSON, JSON Lines or text as the only report is streamed */
	if (o->noutputs == 1)
		sink_open(&stream, o->outputs[0].format, o->outputs[0].path,
		          o->color && strcmp(o->outputs[0].format, "text") == 0,
		          o->fail_on, results, n, &gc, &rep,
		          judge_streamed_host, &policy);
	else
		memset(&stream, 0, sizeof(stream));
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
	aiafetch_free(aia);

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
	if (stream.on && sink_close(&stream, &rep, &ro) < 0) {
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
	sink_free(&stream);
	gate_summary_free(&gs);
	waivers_free(&wl);
	return code;
}

int
cmd_scan(int argc, char **argv)
{
	struct cli_options o;
	int rc;

	rc = cli_parse(argc, argv, &o);
	if (rc >= 0) {
		cli_options_free(&o);
		return rc;
	}
	switch (o.command) {
	case CLI_LIST_CHECKS:
		catalog_print(stdout, o.list_all, o.list_remediation);
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
