/* Command-line parsing: every bad argument is a one-line error, exit 2. */
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

static const char usage_text[] =
    "usage: mailaudit scan [options] TARGET...\n"
    "       mailaudit report [options] IN.json    (re-render a saved scan)\n"
    "       mailaudit diff [options] OLD.json NEW.json\n"
    "       mailaudit profiles [NAME...]          (the CI gate profiles)\n"
    "       mailaudit --list-checks [--all]\n"
    "       mailaudit --version | --help\n"
    "\n"
    "Audits POP3 and IMAP endpoints: STARTTLS, implicit TLS, plaintext\n"
    "authentication exposure and certificates. Sends no credentials and\n"
    "changes no server state.\n"
    "\n"
    "TARGET is one of:\n"
    "  HOST | ADDRESS | [IPV6]   the four standard services: pop3 110,\n"
    "                            imap 143, imaps 993, pop3s 995\n"
    "  ADDRESS/PREFIX            every address of a CIDR block (IPv4 up\n"
    "                            to /16, IPv6 up to /112), four services\n"
    "  HOST:PORT | [IPV6]:PORT   one port; its service from the port\n"
    "                            number or --service\n"
    "  imap://HOST[:PORT]        also imaps://, pop3://, pop3s://\n"
    "  -                         read targets from standard input\n"
    "\n"
    "options:\n"
    "  -iL FILE            read targets from FILE, one per line ('-' =\n"
    "                      stdin); blank lines and '#' comments skipped\n"
    "  --service NAME      service for HOST:PORT targets (imap, imaps,\n"
    "                      pop3, pop3s)\n"
    "  --ca-file FILE      extra trust anchors (PEM); self-signed ones\n"
    "                      are anchors, others known intermediates.\n"
    "                      The system store is always used\n"
    "  --resolve HOST:ADDR connect to ADDR for HOST (no DNS lookup)\n"
    "  --timeout SECONDS   per step: connect, greeting, each reply,\n"
    "                      handshake (default 10); a whole endpoint gets\n"
    "                      6 times that\n"
    "  --concurrency N     endpoints scanned at once (default 64)\n"
    "  --max-per-host N    connections at once to one address (default 2)\n"
    "  --format FMT        text, json, jsonl, sarif, junit or html\n"
    "                      (default: text on a terminal, json otherwise)\n"
    "  -o FILE             write the report to FILE (- is stdout; a file\n"
    "                      is replaced atomically, a symlink followed, a\n"
    "                      device or FIFO written in place); repeat\n"
    "                      --format FMT -o FILE for several reports of\n"
    "                      one scan (a lone -o takes the format from the\n"
    "                      file name: .json .jsonl .sarif .xml .html)\n"
    "  --profile NAME      gate on profile NAME (repeatable: union); see\n"
    "                      mailaudit profiles. Default: baseline (a\n"
    "                      critical or high finding fails)\n"
    "  --fail-on SEVERITY  exit 1 if a finding is at or above SEVERITY:\n"
    "                      info, low, medium, high, critical (adds to\n"
    "                      the profiles; alone it replaces baseline)\n"
    "  --waivers FILE      accepted risks (JSON): waived findings do not\n"
    "                      fail the gate; expired waivers are reported\n"
    "  --allow-incomplete  endpoints that could not be assessed do not\n"
    "                      fail the gate (no exit code 3)\n"
    "  --passive           no active probes: no AUTHENTICATE/AUTH\n"
    "                      probes, NTLM, ID, injection, client\n"
    "                      renegotiation, early data or extra\n"
    "                      connections; STARTTLS only if advertised\n"
    "  --tls-depth DEPTH   TLS protocol/cipher audit on every TLS\n"
    "                      endpoint: quick (versions, cipher classes,\n"
    "                      key exchange, extensions; default), full\n"
    "                      (also every accepted suite), off\n"
    "  --tls-budget N      audit connections per endpoint at most\n"
    "                      (default 20 quick, 80 full)\n"
    "  --threads N         event loops, one per thread (default: the\n"
    "                      number of cores)\n"
    "  --rate N            new connections per second, all threads\n"
    "                      together (default: no limit)\n"
    "  -4, -6              only IPv4 / only IPv6 addresses of names\n"
    "  --shard K/N         scan only shard K (0..N-1) of N: every host\n"
    "                      lands in exactly one shard, with all its ports\n"
    "  --external          also check what DNS publishes: DANE TLSA\n"
    "                      records (validated with DNSSEC locally) and\n"
    "                      RFC 6186 SRV records of each host name; without\n"
    "                      it no DNS query beyond address lookups is made\n"
    "  --dns-server ADDR[:PORT]\n"
    "                      send the --external queries to this resolver\n"
    "                      or authoritative server (default: the servers\n"
    "                      of /etc/resolv.conf)\n"
    "  --dns-trust-anchor FILE\n"
    "                      DNSSEC trust anchor: DS or DNSKEY records in\n"
    "                      zone-file format (default: the root key of\n"
    "                      dns-root-data, " DNSCHECK_ROOT_KEY ")\n"
    "  -q, --quiet         no progress line on a terminal's stderr\n"
    "  --retries N         new tries, with back-off, after a throttled\n"
    "                      greeting (BYE, -ERR [IN-USE]; default 2)\n"
    "  --no-color          no ANSI colours even on a terminal\n"
    "  --list-checks       print the check catalog (--all: also checks\n"
    "                      not implemented yet)\n"
    "  --version, --help\n"
    "\n"
    "exit codes: 0 the gate passes; 1 a finding fails the gate; 2 usage\n"
    "or configuration error; 3 nothing fails, but an endpoint was\n"
    "reachable and could not be assessed (timeout, protocol or TLS\n"
    "error) and --allow-incomplete was not given.\n";

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

/* The format a file name implies, or NULL. */
static const char *
format_of_path(const char *path)
{
	static const struct {
		const char *ext;
		const char *format;
	} map[] = {
	    {".json", "json"},   {".jsonl", "jsonl"}, {".ndjson", "jsonl"},
	    {".sarif", "sarif"}, {".xml", "junit"},   {".html", "html"},
	    {".htm", "html"},    {".txt", "text"},
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(dot, map[i].ext) == 0)
			return map[i].format;
	return NULL;
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
			out->format = format_of_path(out->path)
			                  ? format_of_path(out->path)
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

static bool
takes_value(const char *a)
{
	static const char *const valued[] = {
	    "-iL",
	    "--service",
	    "--ca-file",
	    "--resolve",
	    "--timeout",
	    "--concurrency",
	    "--max-per-host",
	    "--format",
	    "-o",
	    "--fail-on",
	    "--profile",
	    "--waivers",
	    "--retries",
	    "--tls-depth",
	    "--tls-budget",
	    "--threads",
	    "--rate",
	    "--shard",
	    "--dns-server",
	    "--dns-trust-anchor",
	};

	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
		if (strcmp(a, valued[i]) == 0)
			return true;
	return false;
}

/* The value of an option; NULL (error printed) if there is none. */
static const char *
value_of(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fail("option %s needs a value%s", argv[*i], "");
		return NULL;
	}
	return argv[++*i];
}

static int
parse_option(struct parse_ctx *p, int argc, char **argv, int *i, size_t *np)
{
	struct cli_options *o = p->o;
	const char *a = argv[*i], *v;
	char err[512];

	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(a, "--version") == 0) {
		printf("mailaudit %s\n", MAILAUDIT_VERSION);
		return 0;
	}
	if (strcmp(a, "--list-checks") == 0) {
		o->command = CLI_LIST_CHECKS;
		return -1;
	}
	if (strcmp(a, "--all") == 0) {
		o->list_all = true;
		return -1;
	}
	if (strcmp(a, "--no-color") == 0) {
		o->color = false;
		return -1;
	}
	if (strcmp(a, "--allow-incomplete") == 0) {
		o->allow_incomplete = true;
		add_parameter(o, np, a, NULL);
		return -1;
	}
	if (strcmp(a, "-4") == 0 || strcmp(a, "-6") == 0) {
		o->family = a[1] == '4' ? AF_INET : AF_INET6;
		add_parameter(o, np, a, NULL);
		return -1;
	}
	if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
		o->quiet = true;
		return -1;
	}
	if (strcmp(a, "--external") == 0) {
		o->external = true;
		add_parameter(o, np, a, NULL);
		return -1;
	}
	if (strcmp(a, "--passive") == 0) {
		o->passive = true;
		add_parameter(o, np, a, NULL);
		return -1;
	}
	if (strcmp(a, "-") == 0)
		return read_list(p, "-") ? 2 : -1;
	if (!takes_value(a))
		return fail("unknown option '%s'", a);
	if (!(v = value_of(argc, argv, i)))
		return 2;
	add_parameter(o, np, a, v);
	if (strcmp(a, "-iL") == 0)
		return read_list(p, v) ? 2 : -1;
	if (strcmp(a, "--service") == 0) {
		p->forced = service_by_name(v);
		return p->forced ? -1
		                 : fail("unknown service '%s'%s: use imap, "
		                        "imaps, pop3 or pop3s",
		                        v, "");
	}
	if (strcmp(a, "--ca-file") == 0) {
		if (access(v, R_OK) != 0)
			return fail("cannot read --ca-file %s: %s", v,
			            strerror(errno));
		o->ca_file = v;
		return -1;
	}
	if (strcmp(a, "--dns-trust-anchor") == 0) {
		if (access(v, R_OK) != 0)
			return fail("cannot read --dns-trust-anchor %s: %s", v,
			            strerror(errno));
		o->dns_trust_anchor = v;
		return -1;
	}
	if (strcmp(a, "--dns-server") == 0) {
		free(o->dns_server);
		o->dns_server = NULL;
		if (dnscheck_server_parse(v, &o->dns_server, err, sizeof(err)) <
		    0)
			return fail("%s%s", err, "");
		return -1;
	}
	if (strcmp(a, "--resolve") == 0) {
		o->resolve = xreallocarray(o->resolve, o->nresolve + 1,
		                           sizeof(*o->resolve));
		if (resolve_pin_parse(v, &o->resolve[o->nresolve], err,
		                      sizeof(err)) < 0)
			return fail("%s%s", err, "");
		o->nresolve++;
		return -1;
	}
	if (strcmp(a, "--timeout") == 0) {
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
	if (strcmp(a, "--concurrency") == 0)
		return parse_size(v, 1, 100000, &o->concurrency)
		           ? -1
		           : fail("bad --concurrency '%s': 1-100000%s", v, "");
	if (strcmp(a, "--max-per-host") == 0)
		return parse_size(v, 1, 64, &o->max_per_host)
		           ? -1
		           : fail("bad --max-per-host '%s': 1-64%s", v, "");
	if (strcmp(a, "--threads") == 0)
		return parse_size(v, 1, 256, &o->threads)
		           ? -1
		           : fail("bad --threads '%s': 1-256", v);
	if (strcmp(a, "--rate") == 0) {
		char *end;

		errno = 0;
		o->rate = strtod(v, &end);
		return !errno && !*end && o->rate >= 0.1 && o->rate <= 1e6
		           ? -1
		           : fail("bad --rate '%s': new connections per "
		                  "second, 0.1 to 1000000",
		                  v);
	}
	if (strcmp(a, "--shard") == 0) {
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
	if (strcmp(a, "--tls-depth") == 0) {
		o->tls_depth = tls_depth_parse(v);
		return o->tls_depth >= 0
		           ? -1
		           : fail("bad --tls-depth '%s': quick, full or off",
		                  v);
	}
	if (strcmp(a, "--tls-budget") == 0)
		return parse_size(v, 1, 1000, &o->tls_budget)
		           ? -1
		           : fail("bad --tls-budget '%s': 1-1000", v);
	if (strcmp(a, "--retries") == 0)
		return parse_size(v, 0, 10, &o->retries)
		           ? -1
		           : fail("bad --retries '%s': 0-10", v);
	if (strcmp(a, "--format") == 0) {
		if (!reporter_by_name(v))
			return fail("unknown --format '%s'%s: use text, json, "
			            "jsonl, sarif, junit or html",
			            v, "");
		return add_output(o, v, NULL);
	}
	if (strcmp(a, "--profile") == 0) {
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
	}
	if (strcmp(a, "--waivers") == 0) {
		if (access(v, R_OK) != 0)
			return fail("cannot read --waivers %s: %s", v,
			            strerror(errno));
		o->waivers = v;
		return -1;
	}
	if (strcmp(a, "-o") == 0)
		return add_output(o, NULL, v);
	if (strcmp(a, "--fail-on") == 0) {
		o->fail_on_given = true;
		o->fail_on = severity_parse(v);
		return o->fail_on >= 0 ? -1
		                       : fail("bad --fail-on '%s'%s: use info, "
		                              "low, medium, high or critical",
		                              v, "");
	}
	return fail("unknown option '%s'", argv[*i - 1]);
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
	o->max_per_host = 2;
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
		fputs(usage_text, stderr);
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
