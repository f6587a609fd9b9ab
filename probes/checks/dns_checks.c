/* DANE TLSA and RFC 6186 SRV judgements. */
#include "probes/checks/catalog.h"
#include "probes/checks/dns_checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

/* How many records an evidence text lists before "..." */
#define LIST_MAX 4

static bool
hex_eq(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

bool
dns_tlsa_matches_cert(const struct tlsa_rr *rr, const struct cert_facts *c)
{
	bool spki = rr->selector == 1;

	if (rr->selector > 1)
		return false;
	switch (rr->mtype) {
	case 0: /* the whole DER or SPKI: compared by its SHA-256 */
		return hex_eq(rr->data_sha256,
		              spki ? c->spki_sha256 : c->sha256);
	case 1:
		return hex_eq(rr->data_hex, spki ? c->spki_sha256 : c->sha256);
	case 2:
		return hex_eq(rr->data_hex, spki ? c->spki_sha512 : c->sha512);
	default:
		return false;
	}
}

static bool
tlsa_usable(const struct tlsa_rr *rr)
{
	return rr->usage <= 3 && rr->selector <= 1 && rr->mtype <= 2;
}

/* Usage 0 and 2 name a CA of the chain; 1 and 3 the leaf. The CA must
 * be one the server presented: a trust anchor it leaves out is not seen. */
static bool
matches_chain(const struct tlsa_rr *rr, const struct chain_facts *ch)
{
	size_t from = rr->usage == 0 || rr->usage == 2 ? 1 : 0;
	size_t to = from == 0 ? 1 : ch->ncerts;

	for (size_t i = from; i < to && i < ch->ncerts; i++)
		if (dns_tlsa_matches_cert(rr, &ch->certs[i]))
			return true;
	return false;
}

/* Appends a note to the status detail: the DNS part was not judged. */
static void add_note(struct endpoint_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_note(struct endpoint_result *r, const char *fmt, ...)
{
	va_list ap;
	char *note, *all;

	va_start(ap, fmt);
	note = xvasprintf(fmt, ap);
	va_end(ap);
	all = xasprintf("%s%s%s", r->status_detail ? r->status_detail : "",
	                r->status_detail ? "; " : "", note);
	free(r->status_detail);
	r->status_detail = escape_printable(all, 1024);
	free(note);
	free(all);
}

static const char *
why_or(const struct dns_lookup *q, const char *dflt)
{
	return q->why ? q->why : dflt;
}

/* "3 1 1 ab12cd34ef56..., 2 0 1 ..." */
static char *
list_records(const struct dns_tlsa *t)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < t->n && i <= LIST_MAX; i++) {
		char *next =
		    i == LIST_MAX
		        ? xasprintf("%s, ... (%zu records)", s, t->n)
		        : xasprintf("%s%s%u %u %u %.16s%s", s, i ? ", " : "",
		                    t->rr[i].usage, t->rr[i].selector,
		                    t->rr[i].mtype, t->rr[i].data_hex,
		                    strlen(t->rr[i].data_hex) > 16 ? "..."
		                                                   : "");

		free(s);
		s = next;
	}
	return s;
}

static void
judge_tlsa_records(struct endpoint_result *r, const struct dns_tlsa *t)
{
	const struct chain_facts *ch = &r->tls.chain;
	const struct cert_facts *leaf = &ch->certs[0];
	size_t usable = 0, untrusted = 0;
	char *list;

	for (size_t i = 0; i < t->n; i++) {
		const struct tlsa_rr *rr = &t->rr[i];

		if (!tlsa_usable(rr))
			continue;
		usable++;
		if (!matches_chain(rr, ch))
			continue;
		/* PKIX-TA and PKIX-EE also need the ordinary trust path */
		if (rr->usage >= 2 || ch->trusted)
			return;
		untrusted++;
	}
	/* malformed ones (a digest of the wrong length) are unusable too
	 * (RFC 7671 §4) */
	if (usable == 0) {
		result_add_findingf(r, CHECK(DANE_TLSA_ABSENT),
		                    "the DNSSEC-validated TLSA RRset at %s has "
		                    "%zu record(s), none usable (unknown "
		                    "usage, selector or matching type, or "
		                    "malformed)",
		                    t->q.name, t->n + t->q.nmalformed);
		return;
	}
	list = list_records(t);
	result_add_findingf(
	    r, CHECK(DANE_TLSA_MISMATCH),
	    "no usable record of the DNSSEC-validated TLSA RRset at %s "
	    "matches the presented chain%s; leaf SHA-256 %.16s..., SPKI "
	    "SHA-256 %.16s..., %zu certificate(s) sent; records: %s",
	    t->q.name,
	    untrusted ? " (a PKIX-TA/PKIX-EE record matches, but the chain "
	                "has no trusted path)"
	              : "",
	    leaf->sha256 ? leaf->sha256 : "?",
	    leaf->spki_sha256 ? leaf->spki_sha256 : "?", ch->nsent, list);
	free(list);
}

static void
judge_tlsa(struct endpoint_result *r, const struct dns_tlsa *t)
{
	const struct dns_lookup *q = &t->q;

	/* no chain, nothing to pin: a closed port is no DANE matter */
	if (!r->tls.handshake_done || r->tls.chain.ncerts == 0)
		return;
	switch (q->outcome) {
	case DNS_NOT_ASKED:
		return;
	case DNS_FAILED:
		add_note(r,
		         "DANE not judged: the TLSA lookup for %s failed: %s",
		         q->name, why_or(q, "no answer"));
		return;
	case DNS_BOGUS:
		result_add_findingf(r, CHECK(DANE_TLSA_ABSENT),
		                    "the TLSA answer for %s failed DNSSEC "
		                    "validation (bogus: %s), so it is not "
		                    "trusted",
		                    q->name, why_or(q, "no reason given"));
		return;
	case DNS_INSECURE:
		if (t->n > 0)
			result_add_findingf(
			    r, CHECK(DANE_TLSA_ABSENT),
			    "a TLSA RRset at %s exists (%zu record(s)) but is "
			    "not DNSSEC-validated (insecure: %s), so DANE "
			    "clients ignore it",
			    q->name, t->n, why_or(q, "unsigned"));
		else
			result_add_findingf(
			    r, CHECK(DANE_TLSA_ABSENT),
			    "no TLSA RRset at %s (%s), and the answer is not "
			    "DNSSEC-validated (insecure: %s)",
			    q->name, q->nxdomain ? "NXDOMAIN" : "no data",
			    why_or(q, "unsigned"));
		return;
	case DNS_SECURE:
		break;
	}
	if (t->n == 0 && q->nmalformed == 0) {
		result_add_findingf(r, CHECK(DANE_TLSA_ABSENT),
		                    "no TLSA RRset at %s (DNSSEC-validated %s)",
		                    q->name,
		                    q->nxdomain ? "NXDOMAIN" : "no data");
		return;
	}
	judge_tlsa_records(r, t);
}

/* The records that offer the service: target "." says it is not
 * offered (RFC 6186 §3). Lowest priority among them, or -1. */
static long
best_priority(const struct dns_srv *s, const struct srv_rr **best)
{
	long p = -1;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->rr[i].target, ".") != 0 &&
		    (p < 0 || s->rr[i].priority < p)) {
			p = s->rr[i].priority;
			*best = &s->rr[i];
		}
	return p;
}

/* A lookup that gave no answer to judge from; notes why. */
static bool
srv_unknown(struct endpoint_result *r, const struct dns_srv *s)
{
	if (s->q.outcome != DNS_FAILED && s->q.outcome != DNS_BOGUS)
		return false;
	add_note(r, "SRV not judged: the lookup for %s %s: %s", s->q.name,
	         s->q.outcome == DNS_BOGUS ? "failed DNSSEC validation"
	                                   : "failed",
	         why_or(&s->q, "no answer"));
	return true;
}

static void
judge_srv(struct endpoint_result *r, const struct dns_facts *f)
{
	const struct dns_srv *clear = &f->srv_clear, *tls = &f->srv_tls;
	const struct srv_rr *bc = NULL, *bt = NULL;
	long pc, pt;

	if (srv_unknown(r, clear) || clear->q.outcome == DNS_NOT_ASKED)
		return;
	pc = best_priority(clear, &bc);
	if (pc < 0 || srv_unknown(r, tls) || tls->q.outcome == DNS_NOT_ASKED)
		return;
	pt = best_priority(tls, &bt);
	if (pt < 0)
		result_add_findingf(
		    r, CHECK(DNS_SRV_IMPLICIT_TLS_MISSING),
		    "%s points to %s:%u (priority %ld), but %s has %s",
		    clear->q.name, bc->target, bc->port, pc, tls->q.name,
		    tls->n            ? "only the target \".\" (not offered)"
		    : tls->q.nxdomain ? "no record (NXDOMAIN)"
		                      : "no record");
	else if (pc < pt)
		result_add_findingf(
		    r, CHECK(DNS_SRV_IMPLICIT_TLS_MISSING),
		    "cleartext %s (priority %ld, %s:%u) is preferred to %s "
		    "(priority %ld, %s:%u): lower values are tried first",
		    clear->q.name, pc, bc->target, bc->port, tls->q.name, pt,
		    bt->target, bt->port);
}

void
dns_checks_judge(struct endpoint_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct endpoint_result *r = &results[i];

		if (!r->dns || r->dns->judged)
			continue;
		r->dns->judged = true;
		if (r->dns->has_tlsa)
			judge_tlsa(r, &r->dns->tlsa);
		if (r->dns->has_srv)
			judge_srv(r, r->dns);
	}
}
