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

#include "probes/catalog_print.h"
#include "probes/host_checks.h"
#include "probes/service.h"
#include "reports/report.h"
#include "scanner/cli.h"
#include "scanner/commands.h"
#include "scanner/gate.h"
#include "scanner/resolve.h"
#include "scanner/scan.h"
#include "scanner/tls.h"
#include "scanner/waivers.h"
#include "scanner/xalloc.h"

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

static void
on_endpoint_done(struct endpoint_result *r, size_t idx, void *arg)
{
	struct progress *p = arg;

	(void)idx;
	p->done++;
	for (size_t i = 0; i < r->nfindings; i++)
		p->by_severity[r->findings[i].severity]++;
	if (p->enabled)
		progress_print(p, false);
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

	tls = tls_config_new(o->ca_file, err, sizeof(err));
	if (!tls) {
		fprintf(stderr, "mailaudit: %s\n", err);
		waivers_free(&wl);
		return 2;
	}
	results = resolve_targets(o->targets, o->ntargets, o->resolve,
	                          o->nresolve, o->family, &n);
	so.tls = tls;
	so.concurrency = fit_fd_limit(so.concurrency);
	prog.total = n;
	prog.enabled = !o->quiet && isatty(STDERR_FILENO);
	prog.started = now_s();
	so.endpoint_done = on_endpoint_done;
	so.done_arg = &prog;
	clock_gettime(CLOCK_REALTIME, &rep.started);
	catch_stop_signals();
	scan_run(results, n, &so);
	rep.partial = scan_was_interrupted();
	if (rep.partial)
		fputs("mailaudit: interrupted; writing a partial report\n",
		      stderr);
	if (prog.enabled)
		progress_print(&prog, true);
	clock_gettime(CLOCK_REALTIME, &rep.finished);
	host_checks_judge(results, n);
	tls_config_free(tls);

	rep.results = results;
	rep.nresults = n;
	rep.fail_on = severity_name((enum severity)o->fail_on);
	rep.argv_summary = o->parameters;
	rep.tls_depth = tls_depth_name((enum tls_depth)o->tls_depth);
	rep.passive = o->passive;
	code = gate_apply(&rep, &gc);
	gate_summarize(&rep, &gc, code, &gs);
	commands_warn_expired(&gs);
	ro.exit_code = code;
	ro.gate = &gs;
	for (size_t i = 0; i < o->noutputs; i++) {
		const struct cli_output *out = &o->outputs[i];

		ro.color =
		    !out->path && o->color && strcmp(out->format, "text") == 0;
		if (report_write(reporter_by_name(out->format), &rep, &ro,
		                 out->path) < 0) {
			fprintf(stderr,
			        "mailaudit: cannot write the %s report%s%s: "
			        "%s\n",
			        out->format, out->path ? " to " : "",
			        out->path ? out->path : "", strerror(errno));
			code = 2;
		}
	}
	for (size_t i = 0; i < n; i++)
		endpoint_result_free(&results[i]);
	free(results);
	gate_summary_free(&gs);
	waivers_free(&wl);
	return code;
}

int
main(int argc, char **argv)
{
	struct cli_options o;
	int rc;

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
