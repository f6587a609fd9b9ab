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
               struct cert_facts *cf)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "key_usage");
	struct jr_path p;
	long i = 0;

	if (!arr || cJSON_IsNull(arr))
		return;
	if (!cJSON_IsArray(arr))
		jr_fail(c, jr_at(&p, base, "key_usage", -1),
		        "expected an array");
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
			jr_fail(c, jr_at(&p, base, "key_usage", i),
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
	strlist_init(&cf->eku);
	strlist_init(&cf->dns_names);
	strlist_init(&cf->ip_addresses);
	cf->subject = jr_opt_str(c, o, base, "subject");
	cf->issuer = jr_opt_str(c, o, base, "issuer");
	cf->common_name = jr_opt_str(c, o, base, "common_name");
	cf->serial = jr_opt_str(c, o, base, "serial");
	cf->sha256 = jr_opt_str(c, o, base, "sha256");
	cf->not_before = jr_opt_time(c, o, base, "not_before");
	cf->not_after = jr_opt_time(c, o, base, "not_after");
	cf->key_algorithm = jr_opt_str(c, o, base, "key_algorithm");
	cf->key_bits = (unsigned)jr_req_num(c, o, base, "key_bits", 0, 1 << 20);
	cf->curve = jr_opt_str(c, o, base, "curve");
	cf->signature_algorithm = jr_opt_str(c, o, base, "signature_algorithm");
	cf->signature_weak = jr_req_bool(c, o, base, "signature_weak");
	cf->self_issued = jr_req_bool(c, o, base, "self_issued");
	cf->self_signed = jr_req_bool(c, o, base, "self_signed");
	cf->is_ca = jr_req_bool(c, o, base, "is_ca");
	load_key_usage(c, o, base, cf);
	if (cJSON_GetObjectItemCaseSensitive(o, "extended_key_usage"))
		jr_strlist(c, o, base, "extended_key_usage", &cf->eku);
	jr_strlist(c, o, base, "dns_names", &cf->dns_names);
	jr_strlist(c, o, base, "ip_addresses", &cf->ip_addresses);
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
	oc->status = jr_opt_str(c, o, p.s, "status");
	oc->matches_leaf = jr_req_bool(c, o, p.s, "matches_leaf");
	oc->signature_valid = jr_req_bool(c, o, p.s, "signature_valid");
	oc->this_update = jr_opt_time(c, o, p.s, "this_update");
	oc->next_update = jr_opt_time(c, o, p.s, "next_update");
	oc->revoked_at = jr_opt_time(c, o, p.s, "revoked_at");
	oc->reason = jr_opt_str(c, o, p.s, "reason");
	oc->error = jr_opt_str(c, o, p.s, "error");
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
	n->leaf_sha256 = jr_opt_str(c, o, p.s, "leaf_sha256");
	n->leaf_subject = jr_opt_str(c, o, p.s, "leaf_subject");
	n->error = jr_opt_str(c, o, p.s, "error");
	n->done = n->leaf_sha256 != NULL;
}

/* tls.renegotiation: null (or absent, in older reports) when none was
 * tried. */
static void
load_reneg(struct jr_ctx *c, const cJSON *t, const char *base,
           struct reneg_facts *g)
{
	const cJSON *o;
	const char *outcome;
	struct jr_path p;

	o = jr_opt_object(c, t, base, "renegotiation", &p);
	if (!o)
		return;
	g->tried = g->decided = true;
	outcome = jr_opt_str_raw(c, o, p.s, "outcome");
	if (outcome && strcmp(outcome, "accepted") == 0)
		g->outcome = RENEG_ACCEPTED;
	else if (outcome && strcmp(outcome, "refused") == 0)
		g->outcome = RENEG_REFUSED;
	else if (outcome && strcmp(outcome, "not_assessed") == 0)
		g->outcome = RENEG_NOT_ASSESSED;
	else
		jr_fail(c, p.s,
		        "outcome: expected accepted, refused or not_assessed");
	g->detail = jr_opt_str(c, o, p.s, "detail");
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
	ed->ticket = jr_req_bool(c, o, p.s, "session_ticket");
	ed->max_early_data =
	    (size_t)jr_req_num(c, o, p.s, "max_early_data", 0, 4294967295.0);
	ed->tried = jr_req_bool(c, o, p.s, "attempted");
	ed->resumed = jr_req_bool(c, o, p.s, "resumed");
	ed->accepted = jr_req_bool(c, o, p.s, "accepted");
	ed->error = jr_opt_str(c, o, p.s, "error");
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
	r->tls.version = jr_opt_str(c, t, p.s, "version");
	r->tls.cipher_suite = jr_opt_str(c, t, p.s, "cipher_suite");
	r->tls.kx = jr_opt_str(c, t, p.s, "kx");
	r->tls.description = jr_opt_str(c, t, p.s, "description");
	r->tls.error = jr_opt_str(c, t, p.s, "error");
	r->tls.ocsp_stapled = jr_req_bool(c, t, p.s, "ocsp_stapled");
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
	r->tls.chain.trusted = jr_req_bool(c, cert, q.s, "trusted");
	r->tls.chain.needed_unsent_intermediates =
	    jr_req_bool(c, cert, q.s, "needed_unsent_intermediates");
	r->tls.chain.leaf_is_anchor =
	    jr_req_bool(c, cert, q.s, "leaf_is_anchor");
	/* absent in reports older than the field */
	r->tls.chain.publicly_trusted = cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(cert, "publicly_trusted"));
	r->tls.chain.order_broken = jr_req_bool(c, cert, q.s, "order_broken");
	r->tls.chain.verify_status = (unsigned)jr_req_num(
	    c, cert, q.s, "verify_status", 0, 4294967295.0);
	r->tls.chain.verify_text = jr_opt_str(c, cert, q.s, "verify_text");
	if (cJSON_GetObjectItemCaseSensitive(cert, "certificates_sent"))
		r->tls.chain.nsent = (size_t)jr_req_num(
		    c, cert, q.s, "certificates_sent", 0, 1e6);
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
	tls_audit_done(a); /* a loaded audit asks nothing */
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
