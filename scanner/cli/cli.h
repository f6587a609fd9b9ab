/* Command-line parsing of `mailaudit scan`; its options are rows of
 * scanner/cli/option_table.c. */
#ifndef MAILAUDIT_SCANNER_CLI_CLI_H
#define MAILAUDIT_SCANNER_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/gate/gate.h"
#include "scanner/net/resolve.h"
#include "scanner/net/target.h"

enum cli_command {
	CLI_SCAN,
	CLI_LIST_CHECKS,
};

#define CLI_MAX_OUTPUTS 8

struct cli_options {
	enum cli_command command;
	bool list_all;
	bool list_remediation; /* --list-checks --remediation */
	struct target_spec *targets;
	size_t ntargets;
	struct resolve_pin *resolve;
	size_t nresolve;
	const char *ca_file;
	double timeout_s;
	/* --format / -o pairs: each -o belongs to the --format before it
	 * (or names its format by extension); NULL path = stdout */
	struct cli_output {
		const char *format;
		const char *path;
	} outputs[CLI_MAX_OUTPUTS];
	size_t noutputs;
	int fail_on;        /* enum severity */
	bool fail_on_given; /* --fail-on was given (else the gate uses
	                       baseline, or only the profiles) */
	const char *profiles[GATE_MAX_PROFILES]; /* --profile, known names */
	size_t nprofiles;
	const char *waivers;   /* --waivers FILE, or NULL */
	bool allow_incomplete; /* --allow-incomplete */
	size_t concurrency;
	size_t max_per_host;
	bool color;
	bool passive;      /* --passive: no active probes */
	size_t retries;    /* --retries: after a throttled greeting */
	int tls_depth;     /* enum tls_depth */
	size_t threads;    /* --threads: event loops (default: cores) */
	double rate;       /* --rate: new connections/s, 0 = no limit */
	int family;        /* AF_UNSPEC, AF_INET (-4), AF_INET6 (-6) */
	size_t shard_k;    /* --shard K/N: this is shard K of N */
	size_t shard_n;    /* 0 = no sharding */
	bool quiet;        /* --quiet: no progress line */
	size_t tls_budget; /* 0 = the depth's default */
	bool external;     /* --external: DNS checks (TLSA, SRV) */
	bool fetch_aia;    /* --fetch-aia (or --external): AIA caIssuers */
	char *dns_server;  /* --dns-server, as unbound's ADDR@PORT */
	const char *dns_trust_anchor; /* --dns-trust-anchor FILE */
	char **parameters;            /* NULL-terminated, for the report */
};

/* Parses argv. Returns -1 when o holds a command to run, or an exit code
 * (0 after --help/--version, 2 after a one-line error on stderr). */
int cli_parse(int argc, char **argv, struct cli_options *o);
void cli_options_free(struct cli_options *o);

#endif
