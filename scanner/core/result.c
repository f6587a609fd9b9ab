/* Endpoint results and findings: construction, merging and release. */
#include "scanner/core/result.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

/* Evidence per finding is bounded so a hostile server cannot grow a
 * report without limit. */
#define EVIDENCE_MAX 2048

static const char *const status_names[EP_STATUS_COUNT] = {
    [EP_STATUS_OK] = "ok",
    [EP_STATUS_CLOSED] = "closed",
    [EP_STATUS_FILTERED] = "filtered",
    [EP_STATUS_UNREACHABLE] = "unreachable",
    [EP_STATUS_UNRESOLVED] = "unresolved",
    [EP_STATUS_TIMEOUT] = "timeout",
    [EP_STATUS_PROTOCOL_ERROR] = "protocol-error",
    [EP_STATUS_TLS_ERROR] = "tls-error",
    [EP_STATUS_REJECTED] = "throttled",
    [EP_STATUS_INTERNAL] = "internal-error",
    [EP_STATUS_INTERRUPTED] = "interrupted",
};

static const char *const verdict_names[] = {
    [TLS_VERDICT_MANDATORY] = "mandatory",
    [TLS_VERDICT_OPPORTUNISTIC] = "opportunistic",
    [TLS_VERDICT_ABSENT] = "absent",
    [TLS_VERDICT_UNKNOWN] = "unknown",
};

const char *
tls_verdict_name(enum tls_verdict v)
{
	return v <= TLS_VERDICT_UNKNOWN ? verdict_names[v] : "unknown";
}

const char *
endpoint_status_name(enum endpoint_status s)
{
	return s < EP_STATUS_COUNT ? status_names[s] : "unknown";
}

bool
endpoint_status_is_unassessed(enum endpoint_status s)
{
	switch (s) {
	case EP_STATUS_OK:
	case EP_STATUS_CLOSED:
	case EP_STATUS_FILTERED:
	case EP_STATUS_UNREACHABLE:
		return false;
	default:
		return true;
	}
}

static const char *const severity_names[SEV_COUNT] = {
    [SEV_INFO] = "info", [SEV_LOW] = "low",           [SEV_MEDIUM] = "medium",
    [SEV_HIGH] = "high", [SEV_CRITICAL] = "critical",
};

const char *
severity_name(enum severity s)
{
	return s < SEV_COUNT ? severity_names[s] : "unknown";
}

const char *
key_usage_name(size_t i, unsigned *bit_r)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[KEY_USAGE_COUNT] = {
	    {"digitalSignature", KU_DIGITAL_SIGNATURE},
	    {"nonRepudiation", KU_NON_REPUDIATION},
	    {"keyEncipherment", KU_KEY_ENCIPHERMENT},
	    {"dataEncipherment", KU_DATA_ENCIPHERMENT},
	    {"keyAgreement", KU_KEY_AGREEMENT},
	    {"keyCertSign", KU_KEY_CERT_SIGN},
	    {"cRLSign", KU_CRL_SIGN},
	    {"encipherOnly", KU_ENCIPHER_ONLY},
	    {"decipherOnly", KU_DECIPHER_ONLY},
	};

	if (i >= KEY_USAGE_COUNT)
		return NULL;
	*bit_r = names[i].bit;
	return names[i].name;
}

int
severity_parse(const char *name)
{
	for (int i = 0; i < SEV_COUNT; i++)
		if (strcasecmp(name, severity_names[i]) == 0)
			return i;
	return -1;
}

void
endpoint_result_init(struct endpoint_result *r)
{
	memset(r, 0, sizeof(*r));
	strlist_init(&r->caps_before_tls);
	strlist_init(&r->caps_after_tls);
}

void
endpoint_result_compact(struct endpoint_result *r)
{
	free(r->transcript);
	r->transcript = NULL;
	free(r->banner);
	r->banner = NULL;
	strlist_free(&r->caps_before_tls);
	strlist_free(&r->caps_after_tls);
	chain_facts_free(&r->tls.chain);
	free(r->tls.description);
	r->tls.description = NULL;
	free(r->tls_audit);
	r->tls_audit = NULL;
	free(r->probe_memo);
	r->probe_memo = NULL;
	dns_facts_free(r->dns);
	r->dns = NULL;
}

void
impl_facts_free(struct impl_facts *i)
{
	free(i->product);
	free(i->version);
	free(i->evidence);
	memset(i, 0, sizeof(*i));
}

void
cert_facts_free(struct cert_facts *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->common_name);
	free(c->serial);
	free(c->sha256);
	free(c->sha512);
	free(c->spki_sha256);
	free(c->spki_sha512);
	free(c->key_algorithm);
	free(c->curve);
	free(c->signature_algorithm);
	strlist_free(&c->eku);
	strlist_free(&c->dns_names);
	strlist_free(&c->ip_addresses);
	memset(c, 0, sizeof(*c));
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
cert_facts_copy(struct cert_facts *dst, const struct cert_facts *src)
{
	*dst = *src;
	dst->subject = dup_or_null(src->subject);
	dst->issuer = dup_or_null(src->issuer);
	dst->common_name = dup_or_null(src->common_name);
	dst->serial = dup_or_null(src->serial);
	dst->sha256 = dup_or_null(src->sha256);
	dst->sha512 = dup_or_null(src->sha512);
	dst->spki_sha256 = dup_or_null(src->spki_sha256);
	dst->spki_sha512 = dup_or_null(src->spki_sha512);
	dst->key_algorithm = dup_or_null(src->key_algorithm);
	dst->curve = dup_or_null(src->curve);
	dst->signature_algorithm = dup_or_null(src->signature_algorithm);
	strlist_init(&dst->eku);
	strlist_init(&dst->dns_names);
	strlist_init(&dst->ip_addresses);
	strlist_copy(&dst->eku, &src->eku);
	strlist_copy(&dst->dns_names, &src->dns_names);
	strlist_copy(&dst->ip_addresses, &src->ip_addresses);
}

void
chain_facts_copy(struct chain_facts *dst, const struct chain_facts *src)
{
	*dst = *src;
	dst->certs =
	    src->ncerts ? xcalloc(src->ncerts, sizeof(*dst->certs)) : NULL;
	for (size_t i = 0; i < src->ncerts; i++)
		cert_facts_copy(&dst->certs[i], &src->certs[i]);
	dst->verify_text = dup_or_null(src->verify_text);
	dst->missing_issuer = dup_or_null(src->missing_issuer);
	dst->missing_issuer_key_id = dup_or_null(src->missing_issuer_key_id);
	dst->aia_ca_issuers = dup_or_null(src->aia_ca_issuers);
	dst->aia_fetch = dup_or_null(src->aia_fetch);
}

void
chain_facts_free(struct chain_facts *c)
{
	for (size_t i = 0; i < c->ncerts; i++)
		cert_facts_free(&c->certs[i]);
	free(c->certs);
	free(c->verify_text);
	free(c->missing_issuer);
	free(c->missing_issuer_key_id);
	free(c->aia_ca_issuers);
	free(c->aia_fetch);
	memset(c, 0, sizeof(*c));
}

void
ocsp_facts_free(struct ocsp_facts *o)
{
	free(o->status);
	free(o->reason);
	free(o->error);
	memset(o, 0, sizeof(*o));
}

void
no_sni_facts_free(struct no_sni_facts *n)
{
	free(n->leaf_sha256);
	free(n->leaf_subject);
	free(n->error);
	memset(n, 0, sizeof(*n));
}

void
reneg_facts_free(struct reneg_facts *g)
{
	free(g->detail);
	memset(g, 0, sizeof(*g));
}

void
early_data_facts_free(struct early_data_facts *e)
{
	free(e->error);
	memset(e, 0, sizeof(*e));
}

void
tls_facts_free(struct tls_facts *t)
{
	free(t->version);
	free(t->cipher_suite);
	free(t->kx);
	free(t->description);
	free(t->error);
	ocsp_facts_free(&t->ocsp);
	chain_facts_free(&t->chain);
	memset(t, 0, sizeof(*t));
}

void
endpoint_result_free(struct endpoint_result *r)
{
	free(r->endpoint.host);
	free(r->endpoint.address);
	free(r->status_detail);
	free(r->banner);
	strlist_free(&r->caps_before_tls);
	strlist_free(&r->caps_after_tls);
	tls_facts_free(&r->tls);
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].evidence);
	free(r->findings);
	free(r->transcript);
	free(r->probe_memo);
	free(r->tls_audit);
	no_sni_facts_free(&r->no_sni);
	reneg_facts_free(&r->reneg);
	early_data_facts_free(&r->early);
	dns_facts_free(r->dns);
	impl_facts_free(&r->implementation);
	memset(r, 0, sizeof(*r));
}

void
result_add_finding(struct endpoint_result *r, const struct check *c,
                   const char *evidence)
{
	char *esc;

	esc = escape_printable(evidence, EVIDENCE_MAX);
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = &r->findings[i];
		char *merged;

		if (f->check != c)
			continue;
		if (strstr(f->evidence, esc)) {
			free(esc);
			return;
		}
		merged = xasprintf("%s; %s", f->evidence, esc);
		free(esc);
		free(f->evidence);
		if (strlen(merged) > EVIDENCE_MAX)
			memcpy(merged + EVIDENCE_MAX - 3, "...", 4);
		f->evidence = merged;
		return;
	}
	if (r->nfindings == r->findings_cap) {
		r->findings_cap = r->findings_cap ? r->findings_cap * 2 : 4;
		r->findings = xreallocarray(r->findings, r->findings_cap,
		                            sizeof(*r->findings));
	}
	/* gate_fail, waived and waiver_reason start cleared: the gate
	 * (scanner/gate/gate.c) sets them after the scan */
	memset(&r->findings[r->nfindings], 0, sizeof(*r->findings));
	r->findings[r->nfindings].check = c;
	r->findings[r->nfindings].severity = c->severity;
	r->findings[r->nfindings].evidence = esc;
	r->nfindings++;
}

void
result_add_findingf(struct endpoint_result *r, const struct check *c,
                    const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	result_add_finding(r, c, s);
	free(s);
}

void
result_add_finding_sev(struct endpoint_result *r, const struct check *c,
                       enum severity sev, const char *fmt, ...)
{
	size_t before = r->nfindings;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	result_add_finding(r, c, s);
	free(s);
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = &r->findings[i];

		/* a merged finding keeps the worse of the two */
		if (f->check == c && (i >= before || sev > f->severity))
			f->severity = sev;
	}
}

bool
result_has_check(const struct endpoint_result *r, const struct check *c)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].check == c)
			return true;
	return false;
}

bool
result_has_finding(const struct endpoint_result *r, const char *check_id)
{
	return result_finding_evidence(r, check_id) != NULL;
}

const char *
result_finding_evidence(const struct endpoint_result *r, const char *check_id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].check->id, check_id) == 0)
			return r->findings[i].evidence;
	return NULL;
}

int
result_worst_severity(const struct endpoint_result *r)
{
	int worst = -1;

	for (size_t i = 0; i < r->nfindings; i++)
		if ((int)r->findings[i].severity > worst)
			worst = (int)r->findings[i].severity;
	return worst;
}

struct host_record *
scan_report_add_host(struct scan_report *rep, const char *host)
{
	struct host_record *h;

	rep->hosts =
	    xreallocarray(rep->hosts, rep->nhosts + 1, sizeof(*rep->hosts));
	h = &rep->hosts[rep->nhosts++];
	memset(h, 0, sizeof(*h));
	h->host = xstrdup(host);
	strlist_init(&h->evidence);
	return h;
}

void
scan_report_free_hosts(struct scan_report *rep)
{
	for (size_t i = 0; i < rep->nhosts; i++) {
		free(rep->hosts[i].host);
		strlist_free(&rep->hosts[i].evidence);
	}
	free(rep->hosts);
	rep->hosts = NULL;
	rep->nhosts = 0;
}
