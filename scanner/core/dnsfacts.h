/*
 * What the DNS said about an endpoint (--external): its TLSA RRset and,
 * on the first endpoint of a host and protocol, the RFC 6186 SRV records.
 * Plain data, filled by scanner/net/dnscheck.c and judged by
 * probes/checks/dns_checks.c, so the judgement can be tested without a
 * resolver.
 */
#ifndef MAILAUDIT_SCANNER_CORE_DNSFACTS_H
#define MAILAUDIT_SCANNER_CORE_DNSFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How far an answer can be trusted. Only DNSSEC validation done by
 * libunbound itself counts: an AD bit from a resolver never does. */
enum dns_outcome {
	DNS_NOT_ASKED = 0,
	DNS_SECURE,   /* validated: the records, or their proven absence */
	DNS_INSECURE, /* unsigned zone, or no trust anchor covers it */
	DNS_BOGUS,    /* signed, but the signatures do not validate */
	DNS_FAILED,   /* no usable answer: timeout, SERVFAIL, bad reply */
};

/* "secure", "insecure", ... for evidence text */
const char *dns_outcome_name(enum dns_outcome o);

struct dns_lookup {
	char *name; /* the owner name asked, without the final dot */
	enum dns_outcome outcome;
	bool nxdomain;     /* the name does not exist (else: no data) */
	char *why;         /* bogus reason or failure text; may be NULL */
	size_t nmalformed; /* records that could not be parsed (skipped) */
};

/* RFC 6698 §2.1: certificate usage, selector, matching type, data. */
struct tlsa_rr {
	uint8_t usage;
	uint8_t selector;
	uint8_t mtype;
	char *data_hex;    /* lower-case hex of the association data */
	char *data_sha256; /* hex SHA-256 of the data: how a full (matching
	                      type 0) record is compared with the
	                      certificate's fingerprints */
};

struct dns_tlsa {
	struct dns_lookup q;
	struct tlsa_rr *rr;
	size_t n;
};

/* RFC 2782 */
struct srv_rr {
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
	char *target; /* "." means "service not offered" (RFC 6186 §3) */
};

struct dns_srv {
	struct dns_lookup q;
	struct srv_rr *rr;
	size_t n;
};

struct dns_facts {
	bool has_tlsa; /* a TLSA lookup belongs to this endpoint */
	struct dns_tlsa tlsa;
	bool has_srv;             /* set on the host's first endpoint of the
	                             protocol only: SRV is per domain */
	struct dns_srv srv_clear; /* _imap._tcp or _pop3._tcp */
	struct dns_srv srv_tls;   /* _imaps._tcp or _pop3s._tcp */
	bool judged;              /* the findings were added already */
};

void dns_lookup_free(struct dns_lookup *q);
void dns_tlsa_free(struct dns_tlsa *t);
void dns_srv_free(struct dns_srv *s);
void dns_facts_free(struct dns_facts *f);

#endif
