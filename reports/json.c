/*
 * --format json: the whole scan as one pretty-printed JSON document
 * (schema "mailaudit/1", documented field by field in json-fields.md).
 * --format jsonl: the same endpoints, one compact JSON object per line
 * ("type": "endpoint"), then one "type": "summary" record with the run's
 * metadata and counts (schema "mailaudit-jsonl/1").
 * Rendering only: every value comes from scan_report or the catalog.
 * 64-bit quantities (serials, fingerprints) are strings, because cJSON
 * numbers are doubles; times are ISO-8601 UTC strings.
 */
#include "reports/report.h"
#include "reports/json_build.h"
#include "reports/json_fields.h"
#include "scanner/tls/tlsaudit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

#define JSON_SCHEMA  "mailaudit/1"
#define JSONL_SCHEMA "mailaudit-jsonl/1"

extern const struct reporter json_reporter;
extern const struct reporter jsonl_reporter;

static bool
add_num(cJSON *o, const char *key, double v)
{
	return cJSON_AddNumberToObject(o, key, v) != NULL;
}

static bool
add_bool(cJSON *o, const char *key, bool v)
{
	return cJSON_AddBoolToObject(o, key, v) != NULL;
}

/* The fact tables' string-list writer, for the lists outside them
 * (capabilities, host evidence). */
static bool
add_strlist(cJSON *o, const char *key, const struct strlist *l)
{
	return jf_add_strlist(o, key, l);
}

/* What to change (issue #12): the product's own advice when the server
 * software is known and the catalog has a row for it, else the generic
 * advice; generic is always there too. Derived from the catalog, so the
 * reader does not need it back. */
static bool
add_remediation(cJSON *f, const struct check *c, const char *product)
{
	struct remediation rem;
	cJSON *o;
	bool specific;

	if (!remediation_for(c, product, &rem))
		return cJSON_AddNullToObject(f, "remediation") != NULL;
	specific = rem.product_text != NULL;
	o = cJSON_AddObjectToObject(f, "remediation");
	return o &&
	       jb_add_str(o, "text",
	                  specific ? rem.product_text : rem.generic) &&
	       jb_add_str(o, "product", specific ? rem.product : NULL) &&
	       jb_add_str(o, "cite", rem.product_cite) &&
	       jb_add_str(o, "generic", rem.generic);
}

static bool
add_findings(cJSON *e, const struct endpoint_result *r,
             const struct report_options *opt)
{
	cJSON *arr = cJSON_AddArrayToObject(e, "findings");
	const struct finding **v;
	bool ok = true;

	if (!arr)
		return false;
	v = report_sorted_findings(r);
	for (size_t i = 0; ok && i < r->nfindings; i++) {
		const struct check *c = v[i]->check;
		cJSON *f = jb_push_obj(arr), *refs = NULL;

		ok = f && jb_add_str(f, "check", c->id) &&
		     jb_add_str(f, "severity", severity_name(v[i]->severity)) &&
		     jb_add_str(f, "title", c->title) &&
		     jb_add_str(f, "evidence", v[i]->evidence) &&
		     (refs = cJSON_AddArrayToObject(f, "references")) != NULL;
		for (size_t k = 0; ok && k < CHECK_MAX_REFS && c->refs[k]; k++)
			ok = jb_push_str(refs, c->refs[k]);
		ok =
		    ok &&
		    add_bool(f, "gate_fail", report_finding_fails(opt, v[i])) &&
		    add_bool(f, "waived", report_finding_waived(opt, v[i])) &&
		    jb_add_str(f, "waiver_reason",
		               report_finding_waived(opt, v[i])
		                   ? v[i]->waiver_reason
		                   : NULL) &&
		    add_remediation(f, c, r->implementation.product);
	}
	free(v);
	return ok;
}

/* keyUsage names, or null when the extension is absent */
static bool
add_key_usage(cJSON *o, const char *key, const void *s)
{
	const struct cert_facts *c = s;
	cJSON *arr;
	unsigned bit;
	const char *name;

	if (!c->key_usage_present)
		return cJSON_AddNullToObject(o, key) != NULL;
	arr = cJSON_AddArrayToObject(o, key);
	if (!arr)
		return false;
	for (size_t i = 0; (name = key_usage_name(i, &bit)); i++)
		if ((c->key_usage & bit) && !jb_push_str(arr, name))
			return false;
	return true;
}

static bool
add_cert(cJSON *arr, const struct cert_facts *c)
{
	cJSON *o = jb_push_obj(arr);

	return o && jf_write(o, json_cert_fields, c, add_key_usage);
}

/* The stapled OCSP response, or null when none was stapled. */
static bool
add_ocsp(cJSON *tls, const struct ocsp_facts *oc)
{
	cJSON *o;

	if (!oc->present)
		return cJSON_AddNullToObject(tls, "ocsp") != NULL;
	o = cJSON_AddObjectToObject(tls, "ocsp");
	return o && jf_write(o, json_ocsp_fields, oc, NULL);
}

/* The handshake without SNI, or null when none was made. */
static bool
add_no_sni(cJSON *tls, const struct no_sni_facts *n)
{
	cJSON *o;

	if (!n->tried)
		return cJSON_AddNullToObject(tls, "without_sni") != NULL;
	o = cJSON_AddObjectToObject(tls, "without_sni");
	return o && jf_write(o, json_no_sni_fields, n, NULL);
}

static const char *
reneg_outcome_name(enum reneg_outcome o)
{
	switch (o) {
	case RENEG_ACCEPTED:
		return "accepted";
	case RENEG_REFUSED:
		return "refused";
	case RENEG_NOT_ASSESSED:
		break;
	}
	return "not_assessed";
}

static bool
add_reneg_outcome(cJSON *o, const char *key, const void *s)
{
	const struct reneg_facts *g = s;

	return jb_add_str(o, key,
	                  g->decided ? reneg_outcome_name(g->outcome)
	                             : "not_assessed");
}

/* The client-initiated renegotiation, or null when none was tried. */
static bool
add_reneg(cJSON *tls, const struct reneg_facts *g)
{
	cJSON *o;

	if (!g->tried)
		return cJSON_AddNullToObject(tls, "renegotiation") != NULL;
	o = cJSON_AddObjectToObject(tls, "renegotiation");
	return o && jf_write(o, json_reneg_fields, g, add_reneg_outcome);
}

/* The main session's ticket and the resumption with early data, or null
 * when the main handshake was not looked at (not TLS 1.3, --tls-depth
 * off). */
static bool
add_early_data(cJSON *tls, const struct early_data_facts *ed)
{
	cJSON *o;

	if (!ed->checked)
		return cJSON_AddNullToObject(tls, "early_data") != NULL;
	o = cJSON_AddObjectToObject(tls, "early_data");
	return o && jf_write(o, json_early_data_fields, ed, NULL);
}

static bool
add_certificate(cJSON *tls, const struct chain_facts *ch)
{
	cJSON *o = cJSON_AddObjectToObject(tls, "certificate");
	cJSON *chain;

	if (!o || !jf_write(o, json_chain_fields, ch, NULL))
		return false;
	chain = cJSON_AddArrayToObject(o, "chain");
	if (!chain)
		return false;
	for (size_t i = 0; i < ch->ncerts; i++)
		if (!add_cert(chain, &ch->certs[i]))
			return false;
	return true;
}

static const char *
answer_name(enum tls_answer a)
{
	switch (a) {
	case TLSA_ACCEPTED:
		return "accepted";
	case TLSA_REFUSED:
		return "refused";
	case TLSA_UNKNOWN:
		return "unknown";
	default:
		return "not-asked";
	}
}

/* Which extensions the broad TLS 1.2 question saw echoed. */
static bool
add_extensions(cJSON *o, const struct tls_question_result *q)
{
	cJSON *x;

	if (q->answer != TLSA_ACCEPTED || q->version > TLS_VERSION_1_2)
		return cJSON_AddNullToObject(o, "extensions") != NULL;
	x = cJSON_AddObjectToObject(o, "extensions");
	return x &&
	       add_bool(x, "renegotiation_info",
	                q->ext_seen & TLSHELLO_EXT_RENEGOTIATION_INFO) &&
	       add_bool(x, "extended_master_secret",
	                q->ext_seen & TLSHELLO_EXT_EXTENDED_MASTER_SECRET) &&
	       add_bool(x, "encrypt_then_mac",
	                q->ext_seen & TLSHELLO_EXT_ENCRYPT_THEN_MAC) &&
	       add_bool(x, "heartbeat", q->ext_seen & TLSHELLO_EXT_HEARTBEAT) &&
	       add_bool(x, "status_request", q->ocsp_stapled) &&
	       add_num(x, "compression", q->compression);
}

/* The TLS protocol/cipher audit: versions, suites per version, key
 * exchange and every question with its answer. */
static bool
add_audit(cJSON *tls, const struct tls_audit *a)
{
	cJSON *o, *versions, *suites, *qs;
	const struct tls_question_result *dhe, *ec;

	if (!a)
		return cJSON_AddNullToObject(tls, "audit") != NULL;
	dhe = &a->q[TLSQ_DHE];
	ec = &a->q[TLSQ_WEAK_CURVES];
	o = cJSON_AddObjectToObject(tls, "audit");
	if (!o || !jb_add_str(o, "depth", tls_depth_name(a->depth)) ||
	    !add_num(o, "connections", a->used) ||
	    !add_num(o, "budget", a->budget) ||
	    !add_bool(o, "budget_exhausted", a->budget_exhausted) ||
	    !add_bool(o, "aborted", a->aborted))
		return false;
	versions = cJSON_AddObjectToObject(o, "versions");
	if (!versions)
		return false;
	for (int q = TLSQ_TLS13; q <= TLSQ_SSL2; q++) {
		static const char *const names[] = {
		    [TLSQ_TLS13] = "TLS1.3", [TLSQ_TLS12] = "TLS1.2",
		    [TLSQ_TLS11] = "TLS1.1", [TLSQ_TLS10] = "TLS1.0",
		    [TLSQ_SSL3] = "SSL3.0",  [TLSQ_SSL2] = "SSL2.0",
		};

		if (!jb_add_str(versions, names[q],
		                answer_name(a->q[q].answer)))
			return false;
	}
	suites = cJSON_AddObjectToObject(o, "suites");
	if (!suites)
		return false;
	for (size_t v = 0; v < a->nversions; v++) {
		const struct tls_version_suites *vs = &a->by_version[v];
		cJSON *arr;

		if (vs->n == 0)
			continue;
		arr = cJSON_AddArrayToObject(suites,
		                             tls_version_name(vs->version));
		if (!arr)
			return false;
		for (size_t i = 0; i < vs->n; i++)
			if (!jb_push_str(arr, tls_suite_name(vs->suites[i])))
				return false;
	}
	if (!add_bool(o, "suites_complete",
	              a->depth == TLS_DEPTH_FULL && !a->budget_exhausted) ||
	    !add_num(o, "dh_bits",
	             dhe->answer == TLSA_ACCEPTED ? dhe->dh_bits : 0) ||
	    !jb_add_str(o, "weak_curve_accepted",
	                ec->answer == TLSA_ACCEPTED && ec->curve
	                    ? tls_group_name(ec->curve)
	                    : NULL) ||
	    !add_extensions(o, &a->q[TLSQ_TLS12]))
		return false;
	qs = cJSON_AddArrayToObject(o, "questions");
	if (!qs)
		return false;
	for (int q = 0; q < TLSQ_COUNT; q++) {
		cJSON *e;

		if (a->q[q].answer == TLSA_UNASKED)
			continue;
		e = jb_push_obj(qs);
		if (!e || !jb_add_str(e, "question", tls_question_name(q)) ||
		    !jb_add_str(e, "answer", answer_name(a->q[q].answer)) ||
		    !jb_add_str(e, "detail", a->q[q].detail))
			return false;
	}
	return true;
}

/* The recognised server software, or null (issue #12). */
static bool
add_implementation(cJSON *e, const struct impl_facts *i)
{
	cJSON *o;

	if (!i->product)
		return cJSON_AddNullToObject(e, "implementation") != NULL;
	o = cJSON_AddObjectToObject(e, "implementation");
	return o && jf_write(o, json_impl_fields, i, NULL);
}

/* null when TLS was never attempted (no handshake, no error). */
static bool
add_tls(cJSON *e, const struct endpoint_result *r)
{
	const struct tls_facts *t = &r->tls;
	cJSON *o;

	if (!t->handshake_done && !t->error && !r->tls_audit)
		return cJSON_AddNullToObject(e, "tls") != NULL;
	o = cJSON_AddObjectToObject(e, "tls");
	return o && jf_write(o, json_tls_fields, t, NULL) &&
	       add_ocsp(o, &t->ocsp) && add_certificate(o, &t->chain) &&
	       add_no_sni(o, &r->no_sni) && add_reneg(o, &r->reneg) &&
	       add_early_data(o, &r->early) && add_audit(o, r->tls_audit);
}

static bool
fill_endpoint(cJSON *e, const struct endpoint_result *r,
              const struct report_options *opt)
{
	const struct service *svc = r->endpoint.service;
	const char *mode = NULL;
	cJSON *caps;

	if (svc)
		mode = svc->tls == TLS_MODE_IMPLICIT ? "implicit" : "starttls";
	if (!e || !jb_add_str(e, "host", r->endpoint.host) ||
	    !jb_add_str(e, "address", r->endpoint.address) ||
	    !add_num(e, "port", r->endpoint.port) ||
	    !jb_add_str(e, "service", svc ? svc->name : NULL) ||
	    !jb_add_str(e, "tls_mode", mode) ||
	    !jb_add_str(e, "status", endpoint_status_name(r->status)) ||
	    !jb_add_str(e, "status_detail", r->status_detail) ||
	    !jb_add_str(e, "banner", r->banner))
		return false;
	caps = cJSON_AddObjectToObject(e, "capabilities");
	if (!caps || !add_strlist(caps, "before_tls", &r->caps_before_tls) ||
	    !add_strlist(caps, "after_tls", &r->caps_after_tls) ||
	    !add_implementation(e, &r->implementation))
		return false;
	return add_bool(e, "tls_reached", r->tls_reached) && add_tls(e, r) &&
	       add_findings(e, r, opt) &&
	       add_num(e, "connections", r->connections) &&
	       add_num(e, "duration_s", r->duration_s) &&
	       jb_add_str(e, "transcript", r->transcript);
}

static bool
add_summary(cJSON *root, const struct report_summary *s)
{
	cJSON *o = cJSON_AddObjectToObject(root, "summary");
	cJSON *st, *fi;

	if (!o || !add_num(o, "endpoints", (double)s->endpoints) ||
	    !add_num(o, "hosts", (double)s->hosts))
		return false;
	st = cJSON_AddObjectToObject(o, "status");
	if (!st)
		return false;
	for (int i = 0; i < EP_STATUS_COUNT; i++)
		if (!add_num(st, endpoint_status_name((enum endpoint_status)i),
		             (double)s->by_status[i]))
			return false;
	fi = cJSON_AddObjectToObject(o, "findings");
	if (!fi || !add_num(fi, "total", (double)s->findings))
		return false;
	for (int i = SEV_COUNT - 1; i >= 0; i--)
		if (!add_num(fi, severity_name((enum severity)i),
		             (double)s->by_severity[i]))
			return false;
	return add_num(o, "gate_failures", (double)s->gate_failures) &&
	       add_num(o, "unassessed", (double)s->unassessed) &&
	       add_num(o, "waived", (double)s->waived) &&
	       add_num(o, "incomplete", (double)s->incomplete);
}

/* "profiles", "allow_incomplete" and "waivers": what the gate ran with.
 * Only when a gate ran (opt->gate). */
static bool
add_gate(cJSON *root, const struct gate_summary *g)
{
	cJSON *profiles = cJSON_AddArrayToObject(root, "profiles");
	cJSON *w, *expired;

	if (!profiles)
		return false;
	for (size_t i = 0; i < g->nprofiles; i++)
		if (!jb_push_str(profiles, g->profiles[i]))
			return false;
	if (!add_bool(root, "allow_incomplete", g->allow_incomplete))
		return false;
	w = cJSON_AddObjectToObject(root, "waivers");
	if (!w || !jb_add_str(w, "file", g->waivers_file) ||
	    !add_num(w, "entries", (double)g->waivers_total))
		return false;
	expired = cJSON_AddArrayToObject(w, "expired");
	if (!expired)
		return false;
	for (size_t i = 0; i < g->nexpired; i++) {
		const struct gate_expired *x = &g->expired[i];
		cJSON *o = jb_push_obj(expired);

		if (!o || !add_num(o, "index", (double)x->index) ||
		    !jb_add_str(o, "check", x->check) ||
		    !jb_add_str(o, "endpoint", x->endpoint) ||
		    !jb_add_str(o, "reason", x->reason) ||
		    !jb_add_str(o, "expires", x->expires) ||
		    !add_num(o, "findings", (double)x->findings))
			return false;
	}
	return true;
}

static bool
add_scanner(cJSON *root, const struct scan_report *rep)
{
	cJSON *o = cJSON_AddObjectToObject(root, "scanner");
	cJSON *params;

	if (!o || !jb_add_str(o, "name", "mailaudit") ||
	    !jb_add_str(o, "version", rep->scanner_version) ||
	    !jb_add_str(o, "tls_depth", rep->tls_depth) ||
	    !add_bool(o, "passive", rep->passive))
		return false;
	params = cJSON_AddArrayToObject(o, "parameters");
	if (!params)
		return false;
	for (char **p = rep->argv_summary; p && *p; p++)
		if (!jb_push_str(params, *p))
			return false;
	return true;
}

/* What is known when a scan starts: schema, scanner, started. */
static bool
add_run_start(cJSON *root, const char *schema, const struct scan_report *rep)
{
	return jb_add_str(root, "schema", schema) && add_scanner(root, rep) &&
	       jf_add_time(root, "started", rep->started.tv_sec);
}

/* What is known only when it ends: finished, fail_on, exit_code, partial
 * and, with a gate, profiles, allow_incomplete and waivers. */
static bool
add_run_end(cJSON *root, const struct scan_report *rep,
            const struct report_options *opt)
{
	int threshold = report_threshold(opt);

	/* The gate threshold is the value gate_failures was counted with,
	 * so the document cannot contradict itself. */
	return jf_add_time(root, "finished", rep->finished.tv_sec) &&
	       jb_add_str(root, "fail_on",
	                  threshold >= 0
	                      ? severity_name((enum severity)threshold)
	                      : NULL) &&
	       add_num(root, "exit_code", opt->exit_code) &&
	       add_bool(root, "partial", rep->partial) &&
	       (!opt->gate || add_gate(root, opt->gate));
}

static bool
fill_host(cJSON *h, const struct host_record *v)
{
	return h && jb_add_str(h, "host", v->host) &&
	       jb_add_str(h, "tls_verdict", tls_verdict_name(v->verdict)) &&
	       add_bool(h, "complete", v->complete) &&
	       add_strlist(h, "evidence", &v->evidence);
}

/* One TLS verdict per host: mandatory, opportunistic, absent, unknown. */
static bool
add_hosts(cJSON *root, const struct scan_report *rep)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "hosts");
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < rep->nhosts; i++)
		ok = fill_host(jb_push_obj(arr), &rep->hosts[i]);
	return ok;
}

/* Prints item (pretty, as a member of the top-level object at depth 1)
 * and frees it. */
static int
put_member(FILE *out, cJSON *item)
{
	char *text = item ? cJSON_Print(item) : NULL;
	int rc = 0;

	cJSON_Delete(item);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	/* indent continuation lines one tab, as cJSON_Print of the whole
	 * document would (a line at a time: a fleet's report is large) */
	for (const char *p = text; *p && rc == 0;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (fwrite(p, 1, n, out) != n || (nl && putc('\t', out) == EOF))
			rc = -1;
		p += n;
	}
	cJSON_free(text);
	return rc;
}

/* Prints a built object's text without its first skip and last trim
 * bytes, and frees the object. */
static int
put_slice(FILE *out, cJSON *o, size_t skip, size_t trim)
{
	char *text = o ? cJSON_Print(o) : NULL;
	size_t len;
	int rc = 0;

	cJSON_Delete(o);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	if (len < skip + trim ||
	    fwrite(text + skip, 1, len - skip - trim, out) != len - skip - trim)
		rc = -1;
	cJSON_free(text);
	return rc;
}

/*
 * The document is written piece by piece, so that a scan can stream it:
 * the start of the run, then each endpoint built, printed and freed on its
 * own, then hosts, the end of the run and the summary. Memory stays that
 * of one endpoint's tree, however large the fleet.
 */
static int
report_json_begin(FILE *out, const struct scan_report *rep)
{
	cJSON *head = cJSON_CreateObject();

	if (!head || !add_run_start(head, JSON_SCHEMA, rep)) {
		cJSON_Delete(head);
		errno = ENOMEM;
		return -1;
	}
	/* "{\n\t...\n}" without its closing "\n}" */
	if (put_slice(out, head, 0, 2) < 0 ||
	    fputs(",\n\t\"endpoints\":\t[", out) == EOF)
		return -1;
	return 0;
}

static int
report_json_endpoint(FILE *out, const struct endpoint_result *r,
                     const struct report_options *opt, bool first)
{
	cJSON *e = cJSON_CreateObject();

	if (!e || !fill_endpoint(e, r, opt)) {
		cJSON_Delete(e);
		errno = ENOMEM;
		return -1;
	}
	if (!first && fputs(", ", out) == EOF) {
		cJSON_Delete(e);
		return -1;
	}
	return put_member(out, e);
}

static int
report_json_finish(FILE *out, const struct scan_report *rep,
                   const struct report_options *opt)
{
	struct report_summary sum;
	cJSON *tail = cJSON_CreateObject();

	report_summarize_opt(rep, opt, &sum);
	if (!tail || !add_hosts(tail, rep) || !add_run_end(tail, rep, opt) ||
	    !add_summary(tail, &sum)) {
		cJSON_Delete(tail);
		errno = ENOMEM;
		return -1;
	}
	/* "{\n\t\"hosts\"...\n}" without its "{" continues the document */
	if (fputs("],", out) == EOF || put_slice(out, tail, 1, 0) < 0 ||
	    putc('\n', out) == EOF || fflush(out) == EOF)
		return -1;
	return 0;
}

static int
json_render(FILE *out, const struct scan_report *rep,
            const struct report_options *opt)
{
	if (report_json_begin(out, rep) < 0)
		return -1;
	for (size_t i = 0; i < rep->nresults; i++)
		if (report_json_endpoint(out, &rep->results[i], opt, i == 0) <
		    0)
			return -1;
	return report_json_finish(out, rep, opt);
}

const struct reporter json_reporter = {
    .name = "json",
    .render = json_render,
    .begin = report_json_begin,
    .endpoint = report_json_endpoint,
    .finish = report_json_finish,
};

/* Prints one record on one line and frees it. */
static int
put_line(FILE *out, cJSON *rec)
{
	char *text = rec ? cJSON_PrintUnformatted(rec) : NULL;
	int rc = 0, saved;

	cJSON_Delete(rec);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	if (fputs(text, out) == EOF || putc('\n', out) == EOF)
		rc = -1;
	saved = errno;
	cJSON_free(text);
	errno = saved;
	return rc;
}

static int
report_jsonl_endpoint(FILE *out, const struct endpoint_result *r,
                      const struct report_options *opt)
{
	cJSON *rec = cJSON_CreateObject();

	if (!rec || !jb_add_str(rec, "type", "endpoint") ||
	    !jb_add_str(rec, "schema", JSONL_SCHEMA) ||
	    !fill_endpoint(rec, r, opt)) {
		cJSON_Delete(rec);
		errno = ENOMEM;
		return -1;
	}
	return put_line(out, rec);
}

static int
report_jsonl_finish(FILE *out, const struct scan_report *rep,
                    const struct report_options *opt)
{
	struct report_summary sum;
	cJSON *rec;
	int rc = 0;

	for (size_t i = 0; i < rep->nhosts && rc == 0; i++) {
		rec = cJSON_CreateObject();
		if (!rec || !jb_add_str(rec, "type", "host") ||
		    !jb_add_str(rec, "schema", JSONL_SCHEMA) ||
		    !fill_host(rec, &rep->hosts[i])) {
			cJSON_Delete(rec);
			errno = ENOMEM;
			rc = -1;
			break;
		}
		rc = put_line(out, rec);
	}
	if (rc < 0)
		return -1;
	report_summarize_opt(rep, opt, &sum);
	rec = cJSON_CreateObject();
	if (!rec || !jb_add_str(rec, "type", "summary") ||
	    !add_run_start(rec, JSONL_SCHEMA, rep) ||
	    !add_run_end(rec, rep, opt) || !add_summary(rec, &sum)) {
		cJSON_Delete(rec);
		errno = ENOMEM;
		return -1;
	}
	if (put_line(out, rec) < 0 || fflush(out) == EOF)
		return -1;
	return 0;
}

static int
jsonl_render(FILE *out, const struct scan_report *rep,
             const struct report_options *opt)
{
	for (size_t i = 0; i < rep->nresults; i++)
		if (report_jsonl_endpoint(out, &rep->results[i], opt) < 0)
			return -1;
	return report_jsonl_finish(out, rep, opt);
}

/* A record stands alone: the first one is written as any other. */
static int
jsonl_endpoint(FILE *out, const struct endpoint_result *r,
               const struct report_options *opt, bool first)
{
	(void)first;
	return report_jsonl_endpoint(out, r, opt);
}

const struct reporter jsonl_reporter = {
    .name = "jsonl",
    .render = jsonl_render,
    .endpoint = jsonl_endpoint,
    .finish = report_jsonl_finish,
};
