/*
 * The one judgement stage. The engine gathers facts and the probe's own
 * conversation findings; once an endpoint ended the scan driver calls
 * judge_endpoint, once all of a host's endpoints ended judge_host.
 * Reporters then only render what was decided here.
 */
#ifndef MAILAUDIT_PROBES_CHECKS_JUDGE_H
#define MAILAUDIT_PROBES_CHECKS_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "scanner/core/result.h"

struct judge_policy {
	/* certificate validity is judged at this time; 0: when judged */
	time_t now;
	/* Stricter than the catalog, from the selected profiles (0: none;
	 * scanner/gate/profiles.h profile_strict_bits): RSA/DSA keys and
	 * DH primes below these are reported too. */
	unsigned strict_key_bits;
	unsigned strict_dh_bits;
	/* The results come from a saved report (mailaudit report, merge):
	 * the scan judged them already, so only what the selected profiles
	 * add is judged, and host records get verdicts but no findings. */
	bool saved;
};

/* The certificate (CERT-*) and TLS (TLS-*) findings of one finished
 * endpoint, with the profiles' stricter floors. */
void judge_endpoint(struct endpoint_result *r, const struct judge_policy *p);

/* The findings across the endpoints of one host, members[0..n) in report
 * order (IMPLICIT-TLS-MISSING, CERT-INCONSISTENT-ACROSS-ENDPOINTS, the
 * --external DNS checks), then its verdict into h, whose host is set. */
void judge_host(struct endpoint_result *members, size_t n,
                const struct judge_policy *p, struct host_record *h);

/* judge_host for every host of rep->results, each once, into rep->hosts
 * in the order of the hosts' first endpoints. */
void judge_hosts(struct scan_report *rep, const struct judge_policy *p);

#endif
