/*
 * Results as data: one endpoint_result per scanned endpoint, holding its
 * status (could it be assessed?), what was observed (banner, capabilities,
 * TLS and certificate facts) and the findings judged from it. Reporters
 * read these records; nothing here depends on a socket or on GnuTLS.
 */
#ifndef MAILAUDIT_SCANNER_CORE_RESULT_H
#define MAILAUDIT_SCANNER_CORE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scanner/core/dnsfacts.h"
#include "scanner/core/strlist.h"

struct service;
struct tls_audit;

/*
 * Why an endpoint could or could not be assessed. Only EP_STATUS_OK means
 * the conversation ran to its end; every other value means "not assessed"
 * and must never read as compliant.
 */
enum endpoint_status {
	EP_STATUS_OK = 0,
	EP_STATUS_CLOSED,         /* connection refused (RST): not listening */
	EP_STATUS_FILTERED,       /* connect timed out: nothing answered */
	EP_STATUS_UNREACHABLE,    /* no route, network down */
	EP_STATUS_UNRESOLVED,     /* the host name did not resolve */
	EP_STATUS_TIMEOUT,        /* connected, then the server went silent */
	EP_STATUS_PROTOCOL_ERROR, /* the server broke the protocol or a cap */
	EP_STATUS_TLS_ERROR,      /* a required TLS handshake failed */
	EP_STATUS_REJECTED,       /* "throttled": the server refused the
	                             session (BYE / -ERR greeting: connection
	                             limits, [IN-USE], [SYS/TEMP]) */
	EP_STATUS_INTERNAL,       /* our fault: allocation, fd limit */
	EP_STATUS_INTERRUPTED,    /* the scan was stopped (SIGINT/SIGTERM)
	                             before this endpoint was finished */
	EP_STATUS_COUNT
};

/* "ok", "closed", ... : stable names used in JSON and text. */
const char *endpoint_status_name(enum endpoint_status s);

/* True when the endpoint was reachable but could not be assessed: the
 * statuses that make a CI gate fail closed (exit code 3). */
bool endpoint_status_is_unassessed(enum endpoint_status s);

enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
	SEV_COUNT
};

const char *severity_name(enum severity s);
/* Parses "info".."critical" (case-insensitive); returns -1 if unknown. */
int severity_parse(const char *name);

#define CHECK_MAX_REFS 8

/* What a check is: the catalog entry a finding points to. The table of
 * every check mailaudit knows is probes/checks/catalog.c. */
struct check {
	const char *id;          /* "STARTTLS-MISSING": stable, documented */
	enum severity severity;  /* default severity */
	const char *title;       /* one line, no trailing period */
	const char *description; /* what it means and why it matters */
	const char *refs[CHECK_MAX_REFS + 1]; /* NULL-terminated */
	const char *issue; /* "core", "tls", "mail", "cert"...: which part
	                      of mailaudit implements it; NULL =
	                      catalogued but not yet implemented */
};

/* The endpoint as requested and resolved. host is what the operator gave
 * (the reference identity for SNI and certificate name checks). */
struct endpoint {
	char *host;
	char *address; /* numeric, "" when unresolved */
	uint16_t port;
	const struct service *service;
	bool host_is_ip;     /* host is an IP literal */
	size_t target_index; /* which command-line/file target produced it */
};

/* keyUsage bits, valued as GnuTLS' GNUTLS_KEY_* (RFC 5280 §4.2.1.3). */
enum key_usage_bit {
	KU_DIGITAL_SIGNATURE = 128,
	KU_NON_REPUDIATION = 64,
	KU_KEY_ENCIPHERMENT = 32,
	KU_DATA_ENCIPHERMENT = 16,
	KU_KEY_AGREEMENT = 8,
	KU_KEY_CERT_SIGN = 4,
	KU_CRL_SIGN = 2,
	KU_ENCIPHER_ONLY = 1,
	KU_DECIPHER_ONLY = 32768,
};
#define KEY_USAGE_COUNT 9

/* RFC 5280's name of the i-th bit (i < KEY_USAGE_COUNT) and its value. */
const char *key_usage_name(size_t i, unsigned *bit_r);

/* id-kp-serverAuth and anyExtendedKeyUsage (RFC 5280 §4.2.1.12) */
#define EKU_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define EKU_ANY         "2.5.29.37.0"

/* Facts about one certificate, extracted by scanner/tls/certinfo.c. */
struct cert_facts {
	char *subject; /* RFC 4514 string */
	char *issuer;
	char *common_name; /* last CN of the subject, or NULL */
	char *serial;      /* hex */
	char *sha256;      /* hex fingerprint of the DER */
	/* for DANE TLSA matching (RFC 6698 §2.1.2, §2.1.3): hex digests of
	 * the DER and of the SubjectPublicKeyInfo */
	char *sha512;
	char *spki_sha256;
	char *spki_sha512;
	time_t not_before;
	time_t not_after;
	char *key_algorithm; /* "RSA", "EC/ECDSA", ... */
	unsigned key_bits;
	char *curve;               /* EC only, e.g. "SECP256R1" */
	char *signature_algorithm; /* "RSA-SHA256" */
	bool signature_weak;       /* MD5 or SHA-1 (or other insecure) */
	bool self_issued;          /* subject == issuer */
	bool self_signed;          /* self-issued and verifies with own key */
	bool is_ca;
	struct strlist eku; /* extendedKeyUsage purpose OIDs; none: absent */
	bool key_usage_present;
	unsigned key_usage;          /* GNUTLS_KEY_* bits */
	struct strlist dns_names;    /* SAN dNSName entries */
	struct strlist ip_addresses; /* SAN iPAddress entries, numeric */
};

/* The chain as the server sent it (leaf first) and what trust said. */
struct chain_facts {
	struct cert_facts *certs;
	size_t ncerts; /* examined: at most 16 */
	size_t nsent;  /* how many the server sent */
	bool trusted;  /* a path to an anchor exists (see below) */
	bool needed_unsent_intermediates; /* path exists only with
	                                     intermediates from --ca-file */
	bool leaf_is_anchor;    /* the leaf itself is in the trust store */
	bool publicly_trusted;  /* trusted by the system store alone, whose
	                           roots follow the CA/B Forum rules */
	bool order_broken;      /* cert i+1 does not issue cert i somewhere */
	unsigned verify_status; /* raw GnuTLS status bits of the trust pass */
	char *verify_text;      /* GnuTLS' human reading of verify_status */
	/* issue #12: the issuer of the top certificate the server sent (after
	 * --ca-file's intermediates) that is known nowhere; all NULL when
	 * nothing is missing or the top certificate is self-issued */
	char *missing_issuer;        /* its name (the top's issuer DN) */
	char *missing_issuer_key_id; /* the top's authorityKeyIdentifier, hex */
	char *aia_ca_issuers;        /* the top's AIA caIssuers URL, or NULL */
	char *aia_fetch; /* --fetch-aia's outcome; NULL: not tried */
	bool missing_issuer_is_root; /* the missing issuer is a root (fetched
	                                and self-signed, or, unfetched, the top
	                                certificate sent is itself a CA): an
	                                unknown anchor, not an unsent
	                                intermediate */
	bool needed_fetched_intermediates; /* the path to an anchor exists only
	                                      with certificates --fetch-aia
	                                      fetched */
};

/* The OCSP response the server stapled (RFC 6960, RFC 6066 §8). */
struct ocsp_facts {
	bool present;         /* a response was stapled */
	char *status;         /* "good", "revoked", "unknown"; NULL unread */
	bool matches_leaf;    /* its certificate ID is the leaf's */
	bool signature_valid; /* signed by the leaf's issuer, directly or
	                         through a delegated responder */
	time_t this_update;   /* 0: absent */
	time_t next_update;   /* 0: absent */
	time_t revoked_at;    /* 0: not revoked */
	char *reason;         /* revocation reason, or NULL */
	char *error;          /* why it could not be read or checked */
};

/* The leaf a handshake without SNI brought (CERT-SNI-DIFFERENT). */
struct no_sni_facts {
	bool tried; /* a connection was made for it */
	bool done;  /* the handshake completed */
	char *leaf_sha256;
	char *leaf_subject;
	char *error; /* why there is no leaf */
};

/* A client-initiated renegotiation on a TLS 1.2 session
 * (TLS-CLIENT-RENEGOTIATION). */
enum reneg_outcome {
	RENEG_NOT_ASSESSED, /* no TLS 1.2 session, no RFC 5746, an error */
	RENEG_REFUSED,      /* an alert, a close, or no answer in time */
	RENEG_ACCEPTED,     /* the server completed the new handshake */
};

struct reneg_facts {
	bool tried;   /* a connection was made for it */
	bool decided; /* outcome and detail are set */
	enum reneg_outcome outcome;
	char *detail; /* what the server did, or why no verdict */
};

/* Early data on a resumed TLS 1.3 handshake (TLS-0RTT-ACCEPTED). */
struct early_data_facts {
	bool checked; /* the main handshake was TLS 1.3 and was
	                 looked at for a ticket */
	bool ticket;  /* it brought a session ticket */
	size_t max_early_data;
	bool tried;    /* a resumption with early data was made */
	bool resumed;  /* ... and the server resumed the session */
	bool accepted; /* ... and took the early data */
	char *error;   /* why the resumption did not complete */
};

struct tls_facts {
	bool handshake_done;
	char *version;      /* "TLS1.3" */
	char *cipher_suite; /* IANA-style name, "TLS_AES_256_GCM_SHA384" */
	char *kx;           /* "ECDHE-SECP256R1" style description part */
	char *description;  /* gnutls_session_get_desc() */
	char *error;        /* handshake error text when it failed */
	bool ocsp_stapled;
	struct ocsp_facts ocsp;
	struct chain_facts chain;
};

struct finding {
	const struct check *check;
	enum severity severity; /* the check's default unless the evidence
	                           warrants another (CERT-EXPIRING-SOON) */
	char *evidence;         /* printable, already escaped */
	/* set by the gate (scanner/gate/gate.c) after the scan: */
	bool gate_fail; /* this finding fails the selected profile(s) */
	bool waived;    /* a waiver covers it; it does not fail */
	const char *waiver_reason; /* owned by the waiver list */
};

/* The mail server software, as recognised from what the server itself
 * said (greeting, capabilities, IMAP ID, POP3 IMPLEMENTATION, NTLM target
 * info). product is a stable lower-case key that remediation advice is
 * keyed by: "dovecot", "exchange", "cyrus", "courier", "mailutils",
 * "nginx", ... ; NULL when unknown. */
struct impl_facts {
	char *product;
	char *version;       /* as the server gave it, escaped, or NULL */
	char *evidence;      /* what gave it away, escaped, or NULL */
	unsigned confidence; /* percent; 0 when product is NULL */
};

struct endpoint_result {
	struct endpoint endpoint;
	enum endpoint_status status;
	char *status_detail; /* why, for any status but ok; escaped */
	char *banner;        /* greeting line, escaped */
	struct strlist caps_before_tls;
	struct strlist caps_after_tls;
	bool tls_reached; /* implicit TLS or a successful upgrade */
	struct tls_facts tls;
	struct finding *findings;
	size_t nfindings;
	size_t findings_cap;
	char *transcript;        /* escaped conversation excerpt, bounded */
	struct timespec started; /* CLOCK_REALTIME */
	double duration_s;
	unsigned connections;        /* TCP connections this endpoint cost */
	struct tls_audit *tls_audit; /* protocol/cipher audit, or NULL */
	struct no_sni_facts no_sni;
	struct reneg_facts reneg;
	struct early_data_facts early;
	bool tls_passes_done;  /* the engine made its last TLS connection
	                          for this endpoint: the TLS-* judgement
	                          (probes/checks/judge.c) applies. False
	                          when a throttled greeting or a stop cut
	                          the endpoint short before that. */
	void *probe_memo;      /* the probe's cross-pass memory */
	struct dns_facts *dns; /* --external lookups, or NULL */
	struct impl_facts implementation;
};

void endpoint_result_init(struct endpoint_result *r);
/* Frees what only the detailed reports need (transcript, capabilities,
 * certificate chain, TLS audit, banner) once they were written, keeping
 * the endpoint, status, findings and TLS outcome for totals and verdicts. */
void endpoint_result_compact(struct endpoint_result *r);
void endpoint_result_free(struct endpoint_result *r);

/* Adds a finding for check_id (which must exist in the catalog; an
 * unknown id is a programming error and aborts). The evidence is copied
 * and escaped. A finding for the same check on the same endpoint is
 * merged: the evidence is appended, so each check appears once. */
void result_add_finding(struct endpoint_result *r, const struct check *c,
                        const char *evidence);
void result_add_findingf(struct endpoint_result *r, const struct check *c,
                         const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As result_add_findingf, with a severity other than the default. */
void result_add_finding_sev(struct endpoint_result *r, const struct check *c,
                            enum severity sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool result_has_check(const struct endpoint_result *r, const struct check *c);
/* By id, for ids that come from outside the code (tests, saved files). */
bool result_has_finding(const struct endpoint_result *r, const char *check_id);
/* The evidence of r's finding for check_id, or NULL if there is none. */
const char *result_finding_evidence(const struct endpoint_result *r,
                                    const char *check_id);

/* Highest severity among the findings, or -1 if there are none. */
int result_worst_severity(const struct endpoint_result *r);

void cert_facts_free(struct cert_facts *c);
void chain_facts_free(struct chain_facts *c);
/* dst (uninitialised) becomes a deep copy of src. */
void chain_facts_copy(struct chain_facts *dst, const struct chain_facts *src);
void ocsp_facts_free(struct ocsp_facts *o);
void no_sni_facts_free(struct no_sni_facts *n);
void reneg_facts_free(struct reneg_facts *g);
void early_data_facts_free(struct early_data_facts *e);
void tls_facts_free(struct tls_facts *t);
void impl_facts_free(struct impl_facts *i);

/* The per-host answer users ask for first: is TLS mandatory on this mail
 * host, merely opportunistic, or absent? */
enum tls_verdict {
	/* implicit TLS works and no port accepts a login without TLS */
	TLS_VERDICT_MANDATORY,
	/* TLS works somewhere, but a login can happen without it, or only
	 * STARTTLS (no implicit TLS) is offered */
	TLS_VERDICT_OPPORTUNISTIC,
	/* no port reached TLS */
	TLS_VERDICT_ABSENT,
	/* no port could be assessed */
	TLS_VERDICT_UNKNOWN,
};

/* "mandatory", "opportunistic", ... : stable names used in JSON and text. */
const char *tls_verdict_name(enum tls_verdict v);

/* One host (every address and port of one endpoint.host), as judged once
 * all its endpoints ended (probes/checks/judge.c). Reporters only read it. */
struct host_record {
	char *host;
	enum tls_verdict verdict;
	bool complete;           /* every answering port was assessed */
	struct strlist evidence; /* one line per endpoint */
};

/* The whole scan, as the reporters see it. */
struct scan_report {
	const char *scanner_version;
	struct timespec started;
	struct timespec finished;
	struct endpoint_result *results;
	size_t nresults;
	const char *fail_on;   /* severity name the gate uses */
	char **argv_summary;   /* the parameters, for the report */
	const char *tls_depth; /* "quick", "full", "off"; NULL unknown */
	bool passive;          /* --passive: no active probes ran */
	bool partial;          /* stopped by a signal: some endpoints
	                          were not (fully) scanned */
	/* one per host, in the order of the hosts' first endpoints in
	 * results; owned here (scan_report_free_hosts) */
	struct host_record *hosts;
	size_t nhosts;
};

/* A new, empty record at the end of rep->hosts. */
struct host_record *scan_report_add_host(struct scan_report *rep,
                                         const char *host);
void scan_report_free_hosts(struct scan_report *rep);

#endif
