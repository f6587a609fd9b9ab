/*
 * Policy profiles for CI gates (../shared/checks.md section 3): which
 * findings make a run fail. A profile is a list of check ids, each with
 * the threshold or condition the profile states, plus an honest note
 * wherever mailaudit's finding cannot express that threshold yet. Findings
 * outside every selected profile are still reported; they just do not
 * fail the run. Pure data and predicates: no I/O.
 */
#ifndef MAILAUDIT_SCANNER_GATE_PROFILES_H
#define MAILAUDIT_SCANNER_GATE_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/result.h"

struct check;
struct service;

struct profile_rule {
	const struct check *check;
	const char *condition;  /* the profile's threshold as checks.md
	                           states it, or NULL */
	const char *gap;        /* what the finding cannot express yet (the
	                           gate does what the data allows), or
	                           NULL when the finding matches exactly */
	bool implicit_tls_only; /* fails only on implicit-TLS endpoints */
};

struct profile {
	const char *name;    /* "rfc8314": what --profile takes */
	const char *title;   /* one line */
	const char *clauses; /* the clauses it implements */
	int min_severity;    /* every finding at or above fails (enum
	                        severity), or -1 */
	bool imap_only;      /* POP3 endpoints are out of scope */
	const struct profile_rule *rules;
	size_t nrules;
	/* Stricter than the catalog: RSA/DSA keys and DH primes below these
	 * are reported (medium) while this profile is selected; 0 = none. */
	unsigned min_key_bits;
	unsigned min_dh_bits;
	/* Gaps and interpretations not tied to one check; NULL-terminated. */
	const char *const *notes;
};

/* Every profile, baseline first. */
const struct profile *const *profile_all(size_t *n_r);

/* By name (exact, case-insensitive); NULL if unknown. */
const struct profile *profile_by_name(const char *name);

/* The strictest min_key_bits and min_dh_bits of profiles[0..n), for the
 * judging policy (probes/checks/judge.h; 0 where none asks for more than
 * the catalog). */
void profile_strict_bits(const struct profile *const *selected, size_t n,
                         unsigned *key_bits_r, unsigned *dh_bits_r);

/* The default profile ("baseline": critical and high findings fail). */
const struct profile *profile_default(void);

/* True when endpoints of service svc are in p's scope (svc NULL: an
 * unknown service, always in scope). */
bool profile_covers_service(const struct profile *p, const struct service *svc);

/* The rule of p for check c, or NULL (severity-based profiles have none;
 * use profile_has_check). */
const struct profile_rule *profile_rule_for(const struct profile *p,
                                            const struct check *c);

/* True when a finding of check c could fail p on an endpoint of svc: c is
 * in the rule list (and its condition holds for svc), or its default
 * severity reaches p's min_severity. */
bool profile_has_check(const struct profile *p, const struct check *c,
                       const struct service *svc);

/* True when a finding of check c with severity sev on an endpoint of svc
 * fails profile p. */
bool profile_fails(const struct profile *p, const struct check *c,
                   enum severity sev, const struct service *svc);

#endif
