/*
 * The "tls" object of a saved report's endpoint: the handshake, its
 * certificate chain, the stapled OCSP response, the extra handshakes (no
 * SNI, renegotiation, early data) and the protocol/cipher audit.
 */
#include "reports/json_read_ctx.h"
#include "scanner/tls/tlsaudit.h"
#include "scanner/tls/tlshello.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* key_usage: null (or absent, in reports older than the field) when the
 * certificate has no keyUsage extension, else the RFC 5280 names. */
static void
load_key_usage(struct jr_ctx *c, const cJSON *o, const char *base,
               const char *key, void *s)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, key);
	struct cert_facts *cf = s;
	struct jr_path p;
	long i = 0;

	if (!arr || cJSON_IsNull(arr))
		return;
	if (!cJSON_IsArray(arr))
		jr_fail(c, jr_at(&p, base, key, -1), "expected an array");
	cf->key_usage_present = true;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		const char *name;
		unsigned bit = 0;
		size_t k = 0;

		while (
		    (name = key_usage_name(k, &bit)) &&
		    !(cJSON_IsString(e) && strcmp(e->valuestring, name) == 0))
			k++;
		if (!name)
			jr_fail(c, jr_at(&p, base, key, i),
			        "expected a keyUsage name");
		cf->key_usage |= bit;
	}
}

static void
load_cert(struct jr_ctx *c, const cJSON *o, const char *base,
          struct cert_facts *cf)
{
	if (!cJSON_IsObject(o))
		jr_fail(c, base, "expected an object");
	/* before any field, so that a failure can free them */
	strlist_init(&cf->eku);
	strlist_init(&cf->dns_names);
	strlist_init(&cf->ip_addresses);
	jr_fields(c, o, base, json_cert_fields, cf, load_key_usage);
}

/* tls.ocsp: null (or absent, in reports older than the field) when
 * nothing was stapled. */
static void
load_ocsp(struct jr_ctx *c, const cJSON *t, const char *base,
          struct ocsp_facts *oc)
{
	const cJSON *o;
	struct jr_path p;

	o = jr_opt_object(c, t, base, "ocsp", &p);
	if (!o)
		return;
	oc->present = true;
	jr_fields(c, o, p.s, json_ocsp_fields, oc, NULL);
}

/* tls.without_sni: null (or absent, in older reports) when no handshake
 * without SNI was made. */
static void
load_no_sni(struct jr_ctx *c, const cJSON *t, const char *base,
            struct no_sni_facts *n)
{
	const cJSON *o;
	struct jr_path p;

	o = jr_opt_object(c, t, base, "without_sni", &p);
	if (!o)
		return;
	n->tried = true;
	jr_fields(c, o, p.s, json_no_sni_fields, n, NULL);
	n->done = n->leaf_sha256 != NULL;
}

static void
load_reneg_outcome(struct jr_ctx *c, const cJSON *o, const char *base,
                   const char *key, void *s)
{
	struct reneg_facts *g = s;
	const char *outcome = jr_opt_str_raw(c, o, base, key);

	if (outcome && strcmp(outcome, "accepted") == 0)
		g->outcome = RENEG_ACCEPTED;
	else if (outcome && strcmp(outcome, "refused") == 0)
		g->outcome = RENEG_REFUSED;
	else if (outcome && strcmp(outcome, "not_assessed") == 0)
		g->outcome = RENEG_NOT_ASSESSED;
	else
		jr_fail(c, base,
		        "%s: expected accepted, refused or not_assessed", key);
}

/* tls.renegotiation: null (or absent, in older reports) when none was
 * tried. */
static void
load_reneg(struct jr_ctx *c, const cJSON *t, const char *base,
           struct reneg_facts *g)
{
	const cJSON *o;
	struct jr_path p;

	o = jr_opt_object(c, t, base, "renegotiation", &p);
	if (!o)
		return;
	g->tried = g->decided = true;
	jr_fields(c, o, p.s, json_reneg_fields, g, load_reneg_outcome);
}

/* tls.early_data: null (or absent, in older reports) when the main
 * handshake was not looked at for a ticket. */
static void
load_early_data(struct jr_ctx *c, const cJSON *t, const char *base,
                struct early_data_facts *ed)
{
	const cJSON *o;
	struct jr_path p;

	o = jr_opt_object(c, t, base, "early_data", &p);
	if (!o)
		return;
	ed->checked = true;
	jr_fields(c, o, p.s, json_early_data_fields, ed, NULL);
}

static void load_audit(struct jr_ctx *c, const cJSON *t, const char *base,
                       struct endpoint_result *r);

void
jr_load_tls(struct jr_ctx *c, const cJSON *e, const char *base,
            struct endpoint_result *r)
{
	const cJSON *t = jr_member(c, e, base, "tls"), *cert, *chain;
	struct jr_path p, q;
	long n, i = 0;

	if (cJSON_IsNull(t))
		return;
	jr_at(&p, base, "tls", -1);
	if (!cJSON_IsObject(t))
		jr_fail(c, p.s, "expected an object or null");
	jr_fields(c, t, p.s, json_tls_fields, &r->tls, NULL);
	load_ocsp(c, t, p.s, &r->tls.ocsp);
	load_no_sni(c, t, p.s, &r->no_sni);
	load_reneg(c, t, p.s, &r->reneg);
	load_early_data(c, t, p.s, &r->early);
	/* json.c writes "tls" when a handshake completed or failed; the
	 * version is there exactly when it completed */
	r->tls.handshake_done = r->tls.version != NULL;
	r->tls_reached = r->tls.handshake_done;
	load_audit(c, t, p.s, r);
	cert = jr_req_object(c, t, p.s, "certificate");
	jr_at(&q, p.s, "certificate", -1);
	jr_fields(c, cert, q.s, json_chain_fields, &r->tls.chain, NULL);
	chain = jr_req_array(c, cert, q.s, "chain");
	n = cJSON_GetArraySize(chain);
	if (n > 64)
		jr_fail(c, q.s, "more than 64 certificates in the chain");
	r->tls.chain.certs =
	    xcalloc(n ? (size_t)n : 1, sizeof(*r->tls.chain.certs));
	for (const cJSON *x = chain->child; x; x = x->next, i++) {
		struct jr_path cp;

		/* counted as loaded before filling, so a failure frees it */
		r->tls.chain.ncerts = (size_t)i + 1;
		load_cert(c, x, jr_at(&cp, q.s, "chain", i),
		          &r->tls.chain.certs[i]);
	}
}

static int
question_by_name(const char *name)
{
	for (int q = 0; q < TLSQ_COUNT; q++)
		if (strcmp(tls_question_name((enum tls_question)q), name) == 0)
			return q;
	return -1;
}

static uint16_t
suite_by_name(const char *name)
{
	size_t n;
	const struct tls_suite *t = tls_suite_table(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].id;
	if (strncmp(name, "0x", 2) == 0)
		return (uint16_t)strtoul(name + 2, NULL, 16);
	return 0;
}

static uint16_t
group_by_name(const char *name)
{
	for (unsigned id = 1; id < 0x2000; id++)
		if (strcmp(tls_group_name((uint16_t)id), name) == 0)
			return (uint16_t)id;
	return 0;
}

static enum tls_answer
answer_by_name(struct jr_ctx *c, const char *path, const char *s)
{
	static const char *const names[] = {
	    [TLSA_UNASKED] = "not-asked",
	    [TLSA_ACCEPTED] = "accepted",
	    [TLSA_REFUSED] = "refused",
	    [TLSA_UNKNOWN] = "unknown",
	};

	for (int a = 0; a <= TLSA_UNKNOWN; a++)
		if (s && strcmp(s, names[a]) == 0)
			return (enum tls_answer)a;
	jr_fail(c, path, "unknown answer");
	return TLSA_UNKNOWN;
}

/* The audit as json.c writes it; what the renderer reads is rebuilt, so
 * a re-rendered report is the same document. */
static void
load_audit(struct jr_ctx *c, const cJSON *t, const char *base,
           struct endpoint_result *r)
{
	const cJSON *o;
	const cJSON *suites, *qs, *x, *ext;
	struct tls_audit *a;
	struct jr_path p;
	char *depth;
	int d;

	o = jr_opt_object(c, t, base, "audit", &p);
	if (!o)
		return;
	depth = jr_req_str(c, o, p.s, "depth");
	d = tls_depth_parse(depth);
	free(depth);
	if (d <= TLS_DEPTH_OFF)
		jr_fail(c, p.s, "unknown depth");
	a = r->tls_audit = xcalloc(1, sizeof(*a));
	tls_audit_init(a, (enum tls_depth)d,
	               (unsigned)jr_req_num(c, o, p.s, "budget", 0, 1e6), 0);
	a->used = (unsigned)jr_req_num(c, o, p.s, "connections", 0, 1e6);
	a->budget_exhausted = jr_req_bool(c, o, p.s, "budget_exhausted");
	a->aborted = jr_req_bool(c, o, p.s, "aborted");
	qs = jr_req_array(c, o, p.s, "questions");
	for (x = qs->child; x; x = x->next) {
		char *name = jr_req_str(c, x, p.s, "question");
		char *ans = jr_req_str(c, x, p.s, "answer");
		char *detail = jr_req_str(c, x, p.s, "detail");
		int q = question_by_name(name);

		if (q < 0)
			jr_fail(c, p.s, "unknown question");
		a->q[q].answer = answer_by_name(c, p.s, ans);
		snprintf(a->q[q].detail, sizeof(a->q[q].detail), "%s", detail);
		free(name);
		free(ans);
		free(detail);
	}
	suites = jr_req_object(c, o, p.s, "suites");
	for (size_t v = 0; v < a->nversions; v++) {
		struct tls_version_suites *vs = &a->by_version[v];
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(
		    suites, tls_version_name(vs->version));

		for (x = arr ? arr->child : NULL;
		     x && vs->n < TLSAUDIT_MAX_SUITES; x = x->next)
			if (cJSON_IsString(x) && x->valuestring)
				vs->suites[vs->n++] =
				    suite_by_name(x->valuestring);
	}
	a->q[TLSQ_DHE].dh_bits =
	    (unsigned)jr_req_num(c, o, p.s, "dh_bits", 0, 1e6);
	x = cJSON_GetObjectItemCaseSensitive(o, "weak_curve_accepted");
	if (cJSON_IsString(x) && x->valuestring)
		a->q[TLSQ_WEAK_CURVES].curve = group_by_name(x->valuestring);
	ext = cJSON_GetObjectItemCaseSensitive(o, "extensions");
	if (cJSON_IsObject(ext)) {
		struct tls_question_result *b = &a->q[TLSQ_TLS12];
		static const struct {
			const char *key;
			unsigned bit;
		} bits[] = {
		    {"renegotiation_info", TLSHELLO_EXT_RENEGOTIATION_INFO},
		    {"extended_master_secret",
		     TLSHELLO_EXT_EXTENDED_MASTER_SECRET},
		    {"encrypt_then_mac", TLSHELLO_EXT_ENCRYPT_THEN_MAC},
		    {"heartbeat", TLSHELLO_EXT_HEARTBEAT},
		};

		b->version = TLS_VERSION_1_2;
		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
			if (jr_req_bool(c, ext, p.s, bits[i].key))
				b->ext_seen |= bits[i].bit;
		b->ocsp_stapled = jr_req_bool(c, ext, p.s, "status_request");
		b->compression =
		    (uint8_t)jr_req_num(c, ext, p.s, "compression", 0, 255);
	}
}
