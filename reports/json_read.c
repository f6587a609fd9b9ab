/*
 * JSON report -> struct scan_report, the inverse of reports/json.c. Every
 * field json.c writes is read back, so rendering a loaded report as JSON
 * gives the same document again (tests/unit/check_report_formats.c).
 * This file reads the document's top level, endpoints and findings; the
 * "tls" object is json_read_tls.c, the typed getters json_read_ctx.c.
 */
#include "reports/json_read.h"
#include "reports/json_read_ctx.h"
#include "scanner/tls/tlsaudit.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/fileio.h"
#include "scanner/core/xalloc.h"

#define REPORT_MAX_BYTES (256u * 1024 * 1024)

static void
load_finding(struct jr_ctx *c, struct loaded_report *l, const cJSON *o,
             const char *base, struct endpoint_result *r)
{
	const struct check *chk;
	char *id, *sev_s, *reason;
	int sev;
	struct finding *f;

	if (!cJSON_IsObject(o))
		jr_fail(c, base, "expected an object");
	id = jr_req_str(c, o, base, "check");
	chk = catalog_find(id);
	if (!chk) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%.64s", id);
		free(id);
		jr_fail(c, base, "unknown check id \"%s\"", msg);
	}
	free(id);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].check == chk)
			jr_fail(c, base,
			        "check %s appears twice on the endpoint",
			        chk->id);
	sev_s = jr_req_str(c, o, base, "severity");
	sev = severity_parse(sev_s);
	free(sev_s);
	if (sev < 0)
		jr_fail(c, base, "unknown severity");
	if (r->nfindings == r->findings_cap) {
		r->findings_cap = r->findings_cap ? r->findings_cap * 2 : 4;
		r->findings = xreallocarray(r->findings, r->findings_cap,
		                            sizeof(*r->findings));
	}
	f = &r->findings[r->nfindings];
	memset(f, 0, sizeof(*f));
	f->check = chk;
	f->severity = (enum severity)sev;
	r->nfindings++;
	f->evidence = jr_opt_str(c, o, base, "evidence");
	/* title and references come from the catalog when rendering */
	(void)jr_req_array(c, o, base, "references");
	/* absent in reports written before gates existed */
	if (!cJSON_GetObjectItemCaseSensitive(o, "gate_fail"))
		return;
	f->gate_fail = jr_req_bool(c, o, base, "gate_fail");
	f->waived = jr_req_bool(c, o, base, "waived");
	reason = jr_opt_str(c, o, base, "waiver_reason");
	if (reason) {
		strlist_add(&l->reasons, reason);
		free(reason);
		f->waiver_reason = l->reasons.items[l->reasons.n - 1];
	}
}

/* "implementation": null (or absent, in reports older than issue #12)
 * when the software was not recognised. */
static void
load_implementation(struct jr_ctx *c, const cJSON *e, const char *base,
                    struct impl_facts *i)
{
	const cJSON *o;
	struct jr_path p;

	o = jr_opt_object(c, e, base, "implementation", &p);
	if (o)
		jr_fields(c, o, p.s, json_impl_fields, i, NULL);
}

static void
load_endpoint(struct jr_ctx *c, struct loaded_report *l, const cJSON *e,
              const char *base, struct endpoint_result *r)
{
	const cJSON *caps, *findings;
	const char *raw;
	char *s;
	struct jr_path p;
	long i = 0;
	int status = -1;

	if (!cJSON_IsObject(e))
		jr_fail(c, base, "expected an object");
	r->endpoint.host = jr_req_str(c, e, base, "host");
	r->endpoint.address = jr_req_str(c, e, base, "address");
	r->endpoint.port = (uint16_t)jr_req_num(c, e, base, "port", 0, 65535);
	r->endpoint.host_is_ip =
	    strchr(r->endpoint.host, ':') ||
	    strspn(r->endpoint.host, "0123456789.") == strlen(r->endpoint.host);
	s = jr_opt_str(c, e, base, "service");
	if (s) {
		r->endpoint.service = service_by_name(s);
		free(s);
		if (!r->endpoint.service)
			jr_fail(
			    c, jr_at(&p, base, "service", -1),
			    "unknown service (use imap, imaps, pop3, pop3s)");
	}
	s = jr_req_str(c, e, base, "status");
	for (int k = 0; k < EP_STATUS_COUNT; k++)
		if (strcmp(s, endpoint_status_name((enum endpoint_status)k)) ==
		    0)
			status = k;
	/* the name of EP_STATUS_REJECTED before it became "throttled" */
	if (status < 0 && strcmp(s, "rejected") == 0)
		status = EP_STATUS_REJECTED;
	free(s);
	if (status < 0)
		jr_fail(c, jr_at(&p, base, "status", -1), "unknown status");
	r->status = (enum endpoint_status)status;
	r->status_detail = jr_opt_str(c, e, base, "status_detail");
	r->banner = jr_opt_str(c, e, base, "banner");
	caps = jr_req_object(c, e, base, "capabilities");
	jr_at(&p, base, "capabilities", -1);
	jr_strlist(c, caps, p.s, "before_tls", &r->caps_before_tls);
	jr_strlist(c, caps, p.s, "after_tls", &r->caps_after_tls);
	load_implementation(c, e, base, &r->implementation);
	jr_load_tls(c, e, base, r);
	/* absent in reports written before these fields existed */
	if (cJSON_GetObjectItemCaseSensitive(e, "tls_reached"))
		r->tls_reached = jr_req_bool(c, e, base, "tls_reached");
	if (cJSON_GetObjectItemCaseSensitive(e, "connections"))
		r->connections =
		    (unsigned)jr_req_num(c, e, base, "connections", 0, 1e9);
	findings = jr_req_array(c, e, base, "findings");
	for (const cJSON *f = findings->child; f; f = f->next, i++)
		load_finding(c, l, f, jr_at(&p, base, "findings", i), r);
	r->duration_s = jr_req_num(c, e, base, "duration_s", 0, 1e9);
	raw = jr_opt_str_raw(c, e, base, "transcript");
	r->transcript = raw ? jr_clean_lines(raw) : NULL;
}

static void
load_gate(struct jr_ctx *c, const cJSON *root, struct loaded_report *l)
{
	const cJSON *profiles =
	    cJSON_GetObjectItemCaseSensitive(root, "profiles");
	const cJSON *w, *expired;
	struct jr_path p;
	long i = 0;

	if (!profiles)
		return;
	l->has_gate = true;
	l->gate.threshold = l->fail_on;
	l->gate.exit_code = l->exit_code;
	if (!cJSON_IsArray(profiles))
		jr_fail(c, "profiles", "expected an array");
	l->gate.profiles = xcalloc((size_t)cJSON_GetArraySize(profiles) + 1,
	                           sizeof(*l->gate.profiles));
	for (const cJSON *x = profiles->child; x; x = x->next, i++) {
		if (!cJSON_IsString(x) || !x->valuestring)
			jr_fail(c, jr_at(&p, "", "profiles", i),
			        "expected a string");
		l->gate.profiles[l->gate.nprofiles++] =
		    jr_clean(x->valuestring);
	}
	l->gate.allow_incomplete = jr_req_bool(c, root, "", "allow_incomplete");
	w = jr_req_object(c, root, "", "waivers");
	l->gate.waivers_file = jr_opt_str(c, w, "waivers", "file");
	l->gate.waivers_total =
	    (size_t)jr_req_num(c, w, "waivers", "entries", 0, 1e9);
	expired = jr_req_array(c, w, "waivers", "expired");
	i = 0;
	for (const cJSON *x = expired->child; x; x = x->next, i++) {
		struct gate_expired *g;

		jr_at(&p, "waivers", "expired", i);
		if (!cJSON_IsObject(x))
			jr_fail(c, p.s, "expected an object");
		l->gate.expired =
		    xreallocarray(l->gate.expired, l->gate.nexpired + 1,
		                  sizeof(*l->gate.expired));
		g = &l->gate.expired[l->gate.nexpired++];
		memset(g, 0, sizeof(*g));
		g->index = (size_t)jr_req_num(c, x, p.s, "index", 0, 1e9);
		g->check = jr_req_str(c, x, p.s, "check");
		g->endpoint = jr_opt_str(c, x, p.s, "endpoint");
		g->reason = jr_req_str(c, x, p.s, "reason");
		g->expires = jr_req_str(c, x, p.s, "expires");
		g->findings =
		    (size_t)jr_req_num(c, x, p.s, "findings", 0, 1e12);
	}
}

static void
load_scanner(struct jr_ctx *c, const cJSON *root, struct loaded_report *l)
{
	const cJSON *sc = jr_req_object(c, root, "", "scanner");
	const cJSON *params = jr_req_array(c, sc, "scanner", "parameters");
	struct jr_path p;
	size_t n = 0;
	long i = 0;

	l->version = jr_opt_str(c, sc, "scanner", "version");
	l->rep.scanner_version = l->version;
	l->parameters = xcalloc((size_t)cJSON_GetArraySize(params) + 1,
	                        sizeof(*l->parameters));
	for (const cJSON *x = params->child; x; x = x->next, i++) {
		if (!cJSON_IsString(x) || !x->valuestring)
			jr_fail(c, jr_at(&p, "scanner", "parameters", i),
			        "expected a string");
		l->parameters[n++] = jr_clean(x->valuestring);
	}
	l->rep.argv_summary = l->parameters;
	{
		const cJSON *d =
		    cJSON_GetObjectItemCaseSensitive(sc, "tls_depth");
		int depth = cJSON_IsString(d) && d->valuestring
		                ? tls_depth_parse(d->valuestring)
		                : -1;

		/* a static name, so the report needs no storage for it */
		l->rep.tls_depth =
		    depth >= 0 ? tls_depth_name((enum tls_depth)depth) : NULL;
		if (cJSON_GetObjectItemCaseSensitive(sc, "passive"))
			l->rep.passive =
			    jr_req_bool(c, sc, "scanner", "passive");
	}
}

static void
load_root(struct jr_ctx *c, const cJSON *root, struct loaded_report *l)
{
	const cJSON *eps;
	char *schema, *fail_on;
	struct jr_path p;
	long n, i = 0;

	if (!cJSON_IsObject(root))
		jr_fail(c, "(top level)", "expected an object");
	schema = jr_req_str(c, root, "", "schema");
	if (strcmp(schema, "mailaudit/1") != 0) {
		free(schema);
		jr_fail(c, "schema", "not a mailaudit/1 report");
	}
	free(schema);
	load_scanner(c, root, l);
	l->rep.started.tv_sec = jr_opt_time(c, root, "", "started");
	l->rep.finished.tv_sec = jr_opt_time(c, root, "", "finished");
	fail_on = jr_opt_str(c, root, "", "fail_on");
	l->fail_on = fail_on ? severity_parse(fail_on) : -1;
	free(fail_on);
	if (l->fail_on >= 0)
		l->rep.fail_on = severity_name((enum severity)l->fail_on);
	else if (cJSON_IsString(
	             cJSON_GetObjectItemCaseSensitive(root, "fail_on")))
		jr_fail(c, "fail_on", "unknown severity");
	l->exit_code = (int)jr_req_num(c, root, "", "exit_code", 0, 255);
	if (cJSON_GetObjectItemCaseSensitive(root, "partial"))
		l->rep.partial = jr_req_bool(c, root, "", "partial");
	load_gate(c, root, l);
	eps = jr_req_array(c, root, "", "endpoints");
	n = cJSON_GetArraySize(eps);
	l->rep.results = xcalloc(n ? (size_t)n : 1, sizeof(*l->rep.results));
	for (const cJSON *e = eps->child; e; e = e->next, i++) {
		endpoint_result_init(&l->rep.results[i]);
		l->rep.nresults = (size_t)i + 1;
		load_endpoint(c, l, e, jr_at(&p, "", "endpoints", i),
		              &l->rep.results[i]);
	}
}

/* A --format jsonl report turned into the document --format json writes:
 * endpoint records become "endpoints", the summary record gives the top
 * level, host records are dropped (they are derived). NULL when text is
 * not JSON Lines (its first line is not a record with a "type"). */
/* not inlined: its locals must not share report_load_buffer's frame,
 * which setjmp/longjmp restore */
static __attribute__((noinline)) cJSON *
jsonl_document(const char *text, size_t len)
{
	const char *p = text, *stop = text + len;
	cJSON *root = NULL, *eps = NULL;

	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(stop - p);
		cJSON *rec = n ? cJSON_ParseWithLength(p, n) : NULL;
		const char *t = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(rec, "type"));
		/* decided before "type" is deleted with its string */
		int type = !t                           ? -1
		           : strcmp(t, "endpoint") == 0 ? 0
		           : strcmp(t, "summary") == 0  ? 1
		                                        : 2;

		p += n + 1;
		if (n == 0)
			continue;
		if (type < 0) {
			cJSON_Delete(rec);
			cJSON_Delete(root);
			return NULL;
		}
		if (!root) {
			root = cJSON_CreateObject();
			eps = cJSON_CreateArray();
		}
		cJSON_DeleteItemFromObjectCaseSensitive(rec, "type");
		if (type == 0) {
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "schema");
			cJSON_AddItemToArray(eps, rec);
		} else if (type == 1) {
			/* its fields, in order, with "endpoints" before
			 * "summary" as in the document */
			for (cJSON *f = rec->child; f;) {
				cJSON *next = f->next;

				cJSON_DetachItemViaPointer(rec, f);
				if (strcmp(f->string, "summary") == 0) {
					cJSON_AddItemToObject(root, "endpoints",
					                      eps);
					eps = NULL;
				}
				cJSON_AddItemToObject(root, f->string, f);
				f = next;
			}
			cJSON_Delete(rec);
			cJSON_ReplaceItemInObjectCaseSensitive(
			    root, "schema", cJSON_CreateString("mailaudit/1"));
		} else {
			cJSON_Delete(rec);
		}
	}
	if (eps) { /* no summary record: not a complete JSON Lines report */
		cJSON_Delete(eps);
		cJSON_Delete(root);
		root = NULL;
	}
	return root;
}

/* A JSON document, or a JSON Lines report turned into one. */
static __attribute__((noinline)) cJSON *
parse_report(const char *text, size_t len, const char **end)
{
	cJSON *root = jsonl_document(text, len);

	return root ? root : cJSON_ParseWithLengthOpts(text, len, end, false);
}

int
report_load_buffer(const char *text, size_t len, const char *name,
                   struct loaded_report *out, char *err, size_t errlen)
{
	struct jr_ctx c = {.name = name, .err = err, .errlen = errlen};
	const char *end = NULL;
	cJSON *const root = parse_report(text, len, &end);

	memset(out, 0, sizeof(*out));
	out->fail_on = -1;
	out->gate.threshold = -1;
	strlist_init(&out->reasons);
	if (!root) {
		snprintf(err, errlen, "%s: not valid JSON (near byte %zu)",
		         name, end && end >= text ? (size_t)(end - text) : 0);
		return -1;
	}
	if (setjmp(c.bail)) {
		cJSON_Delete(root);
		report_load_free(out);
		return -1;
	}
	load_root(&c, root, out);
	cJSON_Delete(root);
	return 0;
}

int
report_load_file(const char *path, struct loaded_report *out, char *err,
                 size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (read_capped(path, REPORT_MAX_BYTES, true, &buf, &len, err, errlen) <
	    0)
		return -1;
	rc = report_load_buffer(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

void
report_load_free(struct loaded_report *l)
{
	for (size_t i = 0; i < l->rep.nresults; i++)
		endpoint_result_free(&l->rep.results[i]);
	free(l->rep.results);
	free(l->version);
	for (size_t i = 0; l->parameters && l->parameters[i]; i++)
		free(l->parameters[i]);
	free(l->parameters);
	strlist_free(&l->reasons);
	gate_summary_free(&l->gate);
	memset(l, 0, sizeof(*l));
	l->fail_on = -1;
	l->gate.threshold = -1;
}
