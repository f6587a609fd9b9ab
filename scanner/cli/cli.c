/*
 * Command-line parsing of `mailaudit scan`: the option table's handlers,
 * targets (CIDR blocks, -iL lists, shards) and the --format/-o pairs.
 * Every bad argument is a one-line error, exit 2.
 */
#include "scanner/cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/cli/options.h"
#include "scanner/gate/profiles.h"
#include "probes/service.h"
#include "reports/report.h"
#include "scanner/net/dnscheck.h"
#include "scanner/core/result.h"
#include "scanner/tls/tlsaudit.h"
#include "scanner/core/xalloc.h"

#ifndef MAILAUDIT_VERSION
#define MAILAUDIT_VERSION "0.0.0"
#endif

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("mailaudit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see mailaudit --help)\n", stderr);
	return 2;
}

static bool
parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!*s || *s == '-')
		return false;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = (size_t)v;
	return true;
}

struct parse_ctx {
	struct cli_options *o;
	const struct service *forced;
	char **raw; /* target texts, parsed once options are known */
	size_t nraw;
	size_t capraw;
};

static void
add_raw(struct parse_ctx *p, const char *t)
{
	if (p->nraw == p->capraw) {
		p->capraw = p->capraw ? p->capraw * 2 : 16;
		p->raw = xreallocarray(p->raw, p->capraw, sizeof(*p->raw));
	}
	p->raw[p->nraw++] = xstrdup(t);
}

/* Expands "ADDRESS/PREFIX" into one raw target per address. Returns 1 if
 * text was a CIDR block, 0 if not, -1 (error printed) if it was a bad
 * one. */
static int
expand_cidr(struct parse_ctx *p, const char *text)
{
	const char *slash = strchr(text, '/');
	char addr[INET6_ADDRSTRLEN + 1], out[INET6_ADDRSTRLEN];
	unsigned char bytes[16];
	unsigned long bits;
	char *end;
	int family;
	size_t len, width, count;

	if (!slash || strstr(text, "://"))
		return 0;
	len = (size_t)(slash - text);
	if (len == 0 || len >= sizeof(addr))
		return 0;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, bytes) == 1) {
		family = AF_INET;
		width = 32;
	} else if (inet_pton(AF_INET6, addr, bytes) == 1) {
		family = AF_INET6;
		width = 128;
	} else {
		return 0;
	}
	errno = 0;
	bits = strtoul(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1 || bits > width ||
	    width - bits > 16) {
		fail("bad CIDR block '%s': prefix /%s must be /%zu to /%zu",
		     text, slash + 1, width - 16, width);
		return -1;
	}
	count = (size_t)1 << (width - bits);
	/* clear the host bits, then count through them */
	for (size_t i = bits; i < width; i++)
		bytes[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	for (size_t n = 0; n < count; n++) {
		unsigned char cur[16];
		size_t carry = n;

		memcpy(cur, bytes, width / 8);
		for (size_t i = width / 8; i-- > 0 && carry;) {
			unsigned v = cur[i] + (unsigned)(carry & 0xff);

			cur[i] = (unsigned char)v;
			carry = (carry >> 8) + (v >> 8);
		}
		inet_ntop(family, cur, out, sizeof(out));
		add_raw(p, out);
	}
	return 1;
}

static int
add_line(const char *line, size_t lineno, void *arg)
{
	int rc = expand_cidr(arg, line);

	(void)lineno;
	if (rc < 0)
		return 2; /* reported already */
	if (rc == 0)
		add_raw(arg, line);
	return 0;
}

static int
read_list(struct parse_ctx *p, const char *path)
{
	char err[256];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int rc;

	if (!f)
		return fail("cannot read target list %s: %s", path,
		            strerror(errno));
	rc = target_read_lines(f, add_line, p, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (rc == 2)
		return 2;
	if (rc != 0)
		return fail("target list %s: %s", path, err);
	return 0;
}

static void
add_parameter(struct cli_options *o, size_t *n, const char *a, const char *b)
{
	o->parameters =
	    xreallocarray(o->parameters, *n + 2, sizeof(*o->parameters));
	o->parameters[(*n)++] = b ? xasprintf("%s %s", a, b) : xstrdup(a);
	o->parameters[*n] = NULL;
}

static void
free_raw(struct parse_ctx *p)
{
	for (size_t i = 0; i < p->nraw; i++)
		free(p->raw[i]);
	free(p->raw);
}

/* Which shard a host belongs to: FNV-1a of its name, so every port of a
 * host lands in the same shard on every machine. */
static size_t
host_shard(const char *host, size_t n)
{
	unsigned long h = 1469598103934665603UL;

	for (; *host; host++)
		h = (h ^ (unsigned char)*host) * 1099511628211UL;
	return (size_t)(h % n);
}

/* Pairs --format and -o in command-line order: a -o fills the latest
 * --format still without a file, or starts an output of its own. */
static int
add_output(struct cli_options *o, const char *format, const char *path)
{
	struct cli_output *last =
	    o->noutputs ? &o->outputs[o->noutputs - 1] : NULL;

	if (last && format && !last->format && last->path) {
		last->format = format;
		return -1;
	}
	if (last && path && !last->path && last->format) {
		last->path = path;
		return -1;
	}
	if (o->noutputs == CLI_MAX_OUTPUTS)
		return fail("at most %d --format/-o outputs", CLI_MAX_OUTPUTS);
	o->outputs[o->noutputs].format = format;
	o->outputs[o->noutputs].path = path;
	o->noutputs++;
	return -1;
}

/* Fills in missing formats, checks that at most one output goes to
 * standard output. Returns -1, or 2 after an error. */
static int
finish_outputs(struct cli_options *o)
{
	size_t to_stdout = 0;

	if (o->noutputs == 0) {
		o->outputs[0].format = isatty(STDOUT_FILENO) ? "text" : "json";
		o->outputs[0].path = NULL;
		o->noutputs = 1;
		return -1;
	}
	for (size_t i = 0; i < o->noutputs; i++) {
		struct cli_output *out = &o->outputs[i];

		if (!out->format)
			out->format = report_format_of_path(out->path)
			                  ? report_format_of_path(out->path)
			                  : "json";
		if (!out->path || strcmp(out->path, "-") == 0) {
			out->path = NULL;
			to_stdout++;
		}
	}
	if (to_stdout > 1)
		return fail("only one output can go to standard output; give "
		            "the others -o FILE");
	return -1;
}

/* --shard K/N. Returns -1, or 2 after an error. */
static int
parse_shard(struct cli_options *o, const char *v)
{
	const char *slash = strchr(v, '/');
	size_t k = 0, n = 0;
	bool ok = slash && slash > v &&
	          strspn(v, "0123456789") == (size_t)(slash - v);
	char kbuf[16];

	if (ok && (size_t)(slash - v) < sizeof(kbuf)) {
		memcpy(kbuf, v, (size_t)(slash - v));
		kbuf[slash - v] = '\0';
		ok = parse_size(kbuf, 0, 99999, &k) &&
		     parse_size(slash + 1, 1, 100000, &n) && k < n;
	} else {
		ok = false;
	}
	if (!ok)
		return fail("bad --shard '%s': K/N with 0 <= K < N "
		            "(K counts from 0, as Kubernetes' "
		            "JOB_COMPLETION_INDEX)",
		            v);
	o->shard_k = k;
	o->shard_n = n;
	return -1;
}

/* One option from scan_opts (scanner/cli/option_table.c). */
static int
parse_option(struct parse_ctx *p, int argc, char **argv, int *i, size_t *np)
{
	struct cli_options *o = p->o;
	const struct cli_opt *opt;
	const char *a = argv[*i], *v;
	char err[512];

	switch (opt_take(cli_scan_help.opts, argc, argv, i, &opt, &v)) {
	case OPT_OK:
		break;
	case OPT_UNKNOWN:
		return fail("unknown option '%s'", a);
	case OPT_NO_VALUE:
		return fail("option %s needs a value%s", a, "");
	}
	if (opt->arg || opt->record)
		add_parameter(o, np, a, opt->arg ? v : NULL);
	switch ((enum opt_id)opt->id) {
	case O_HELP:
		opt_help(stdout, &cli_scan_help);
		return 0;
	case O_VERSION:
		printf("mailaudit %s\n", MAILAUDIT_VERSION);
		return 0;
	case O_LIST_CHECKS:
		o->command = CLI_LIST_CHECKS;
		return -1;
	case O_ALL:
		o->list_all = true;
		return -1;
	case O_REMEDIATION:
		o->list_remediation = true;
		return -1;
	case O_NO_COLOR:
		o->color = false;
		return -1;
	case O_ALLOW_INCOMPLETE:
		o->allow_incomplete = true;
		return -1;
	case O_IPV4:
	case O_IPV6:
		o->family = opt->id == O_IPV4 ? AF_INET : AF_INET6;
		return -1;
	case O_QUIET:
		o->quiet = true;
		return -1;
	case O_EXTERNAL:
		o->external = true;
		o->fetch_aia = true;
		return -1;
	case O_FETCH_AIA:
		o->fetch_aia = true;
		return -1;
	case O_PASSIVE:
		o->passive = true;
		return -1;
	case O_TARGETS_FILE:
		return read_list(p, v) ? 2 : -1;
	case O_SERVICE:
		p->forced = service_by_name(v);
		return p->forced ? -1
		                 : fail("unknown service '%s'%s: use imap, "
		                        "imaps, pop3 or pop3s",
		                        v, "");
	case O_CA_FILE:
		if (access(v, R_OK) != 0)
			return fail("cannot read --ca-file %s: %s", v,
			            strerror(errno));
		o->ca_file = v;
		return -1;
	case O_DNS_TRUST_ANCHOR:
		if (access(v, R_OK) != 0)
			return fail("cannot read --dns-trust-anchor %s: %s", v,
			            strerror(errno));
		o->dns_trust_anchor = v;
		return -1;
	case O_DNS_SERVER:
		free(o->dns_server);
		o->dns_server = NULL;
		if (dnscheck_server_parse(v, &o->dns_server, err, sizeof(err)) <
		    0)
			return fail("%s%s", err, "");
		return -1;
	case O_RESOLVE:
		o->resolve = xreallocarray(o->resolve, o->nresolve + 1,
		                           sizeof(*o->resolve));
		if (resolve_pin_parse(v, &o->resolve[o->nresolve], err,
		                      sizeof(err)) < 0)
			return fail("%s%s", err, "");
		o->nresolve++;
		return -1;
	case O_TIMEOUT: {
		char *end;

		errno = 0;
		o->timeout_s = strtod(v, &end);
		if (errno || *end || !(o->timeout_s >= 0.1) ||
		    o->timeout_s > 3600)
			return fail("bad --timeout '%s': seconds from 0.1 to "
			            "3600%s",
			            v, "");
		return -1;
	}
	case O_CONCURRENCY:
		return parse_size(v, 1, 100000, &o->concurrency)
		           ? -1
		           : fail("bad --concurrency '%s': 1-100000%s", v, "");
	case O_MAX_PER_HOST:
		return parse_size(v, 1, 64, &o->max_per_host)
		           ? -1
		           : fail("bad --max-per-host '%s': 1-64%s", v, "");
	case O_THREADS:
		return parse_size(v, 1, 256, &o->threads)
		           ? -1
		           : fail("bad --threads '%s': 1-256", v);
	case O_RATE: {
		char *end;

		errno = 0;
		o->rate = strtod(v, &end);
		return !errno && !*end && o->rate >= 0.1 && o->rate <= 1e6
		           ? -1
		           : fail("bad --rate '%s': new connections per "
		                  "second, 0.1 to 1000000",
		                  v);
	}
	case O_SHARD:
		return parse_shard(o, v);
	case O_TLS_DEPTH:
		o->tls_depth = tls_depth_parse(v);
		return o->tls_depth >= 0
		           ? -1
		           : fail("bad --tls-depth '%s': quick, full or off",
		                  v);
	case O_TLS_BUDGET:
		return parse_size(v, 1, 1000, &o->tls_budget)
		           ? -1
		           : fail("bad --tls-budget '%s': 1-1000", v);
	case O_RETRIES:
		return parse_size(v, 0, 10, &o->retries)
		           ? -1
		           : fail("bad --retries '%s': 0-10", v);
	case O_FORMAT:
		if (!reporter_by_name(v))
			return fail("unknown --format '%s'%s: use text, json, "
			            "jsonl, sarif, junit or html",
			            v, "");
		return add_output(o, v, NULL);
	case O_PROFILE:
		if (!profile_by_name(v))
			return fail("unknown --profile '%s'%s: see mailaudit "
			            "profiles",
			            v, "");
		for (size_t k = 0; k < o->nprofiles; k++)
			if (profile_by_name(o->profiles[k]) ==
			    profile_by_name(v))
				return -1;
		if (o->nprofiles == GATE_MAX_PROFILES)
			return fail("too many --profile options%s%s", "", "");
		o->profiles[o->nprofiles++] = v;
		return -1;
	case O_WAIVERS:
		if (access(v, R_OK) != 0)
			return fail("cannot read --waivers %s: %s", v,
			            strerror(errno));
		o->waivers = v;
		return -1;
	case O_OUTPUT:
		return add_output(o, NULL, v);
	case O_FAIL_ON:
		o->fail_on_given = true;
		o->fail_on = severity_parse(v);
		return o->fail_on >= 0 ? -1
		                       : fail("bad --fail-on '%s'%s: use info, "
		                              "low, medium, high or critical",
		                              v, "");
	}
	return fail("unknown option '%s'", a);
}

int
cli_parse(int argc, char **argv, struct cli_options *o)
{
	struct parse_ctx p = {.o = o};
	size_t np = 0;
	bool scan = false;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	o->command = CLI_SCAN;
	o->timeout_s = 10;
	o->concurrency = 64;
	/* a mail client keeps about as many (Thunderbird: 5 per server) */
	o->max_per_host = 4;
	o->retries = 2;
	o->tls_depth = TLS_DEPTH_QUICK;
	o->fail_on = SEV_HIGH;
	o->color = isatty(STDOUT_FILENO);
	for (int i = 1; i < argc && rc < 0; i++) {
		if (i == 1 && strcmp(argv[i], "scan") == 0) {
			scan = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = parse_option(&p, argc, argv, &i, &np);
			continue;
		}
		if (argv[i][0] == '-')
			rc = read_list(&p, "-") ? 2 : -1;
		else if ((rc = expand_cidr(&p, argv[i])) == 0)
			add_raw(&p, argv[i]);
		rc = rc < 0 ? 2 : -1;
	}
	if (rc >= 0)
		goto out;
	if (o->command == CLI_LIST_CHECKS)
		goto out;
	if ((o->dns_server || o->dns_trust_anchor) && !o->external) {
		rc = fail("--dns-server and --dns-trust-anchor only apply "
		          "with --external%s",
		          "");
		goto out;
	}
	if (!scan && p.nraw == 0) {
		opt_help(stderr, &cli_scan_help);
		rc = 2;
		goto out;
	}
	if (p.nraw == 0) {
		rc = fail("no targets given%s%s", "", "");
		goto out;
	}
	o->targets = xcalloc(p.nraw, sizeof(*o->targets));
	for (size_t i = 0; i < p.nraw; i++) {
		char err[512];

		if (target_parse(p.raw[i], p.forced, &o->targets[o->ntargets],
		                 err, sizeof(err)) < 0) {
			rc = fail("%s%s", err, "");
			goto out;
		}
		if (o->shard_n && host_shard(o->targets[o->ntargets].host,
		                             o->shard_n) != o->shard_k) {
			target_spec_free(&o->targets[o->ntargets]);
			continue;
		}
		o->ntargets++;
	}
	rc = finish_outputs(o);
out:
	free_raw(&p);
	return rc;
}

void
cli_options_free(struct cli_options *o)
{
	for (size_t i = 0; i < o->ntargets; i++)
		target_spec_free(&o->targets[i]);
	free(o->targets);
	for (size_t i = 0; i < o->nresolve; i++) {
		free(o->resolve[i].host);
		free(o->resolve[i].address);
	}
	free(o->resolve);
	free(o->dns_server);
	for (size_t i = 0; o->parameters && o->parameters[i]; i++)
		free(o->parameters[i]);
	free(o->parameters);
	memset(o, 0, sizeof(*o));
}
