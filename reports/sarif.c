/*
 * --format sarif: SARIF 2.1.0 (OASIS Static Analysis Results Interchange
 * Format) for code-scanning dashboards. One run: tool.driver.rules is the
 * check catalog (help text and references), results are the findings
 * with level mapped from severity (critical/high error, medium warning,
 * low/info note), locations are a relative path per endpoint
 * ("mail/imaps/host/993") with a one-line region as the physical location
 * plus the endpoint URI ("imaps://host:993") as logical location, and a
 * waived finding carries an accepted external suppression with the
 * waiver's reason. Endpoints that could not be assessed and expired
 * waivers become tool execution notifications of the invocation.
 * Microsoft's validator checks it in make formats (README.md, "SARIF
 * validation").
 */
#include "reports/report.h"
#include "reports/json_build.h"
#include "reports/sarif_help.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

#define SARIF_SCHEMA                                                           \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"  \
	"sarif-schema-2.1.0.json"

extern const struct reporter sarif_reporter;

static const char *
level_of(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
	case SEV_HIGH:
		return "error";
	case SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub code scanning reads properties."security-severity" (0.0-10.0,
 * as a string): >= 9 critical, >= 7 high, >= 4 medium, else low. */
static const char *
security_severity(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "9.5";
	case SEV_HIGH:
		return "8.0";
	case SEV_MEDIUM:
		return "5.5";
	case SEV_LOW:
		return "3.0";
	default:
		return "0.0";
	}
}

/* {"text": text} under key. */
static bool
add_message(cJSON *o, const char *key, const char *text)
{
	cJSON *m = cJSON_AddObjectToObject(o, key);

	return m && jb_add_str(m, "text", text ? text : "");
}

/* The rule's friendly name: the check id in Pascal case ("CERT-EXPIRED"
 * -> "CertExpired"). SARIF wants name != id (the validator's SARIF1001);
 * the id stays the readable check id that waivers, profiles and code
 * scanning alerts key on. */
static char *
pascal_name(const char *id)
{
	char *name = xstrdup(id), *w = name;
	bool start = true;

	for (const char *p = id; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			start = true;
			continue;
		}
		*w++ = start ? (char)toupper((unsigned char)*p)
		             : (char)tolower((unsigned char)*p);
		start = false;
	}
	*w = '\0';
	return name;
}

static bool
add_rule(cJSON *rules, const struct check *c)
{
	cJSON *r = jb_push_obj(rules), *cfg, *props, *tags, *refs, *help;
	/* description, references and remediation (issue #12) */
	char *text = sarif_help_text(c), *md = sarif_help_markdown(c);
	char *name = pascal_name(c->id);
	bool ok;

	ok = r && text && md && jb_add_str(r, "id", c->id) &&
	     jb_add_str(r, "name", name) &&
	     add_message(r, "shortDescription", c->title) &&
	     add_message(r, "fullDescription", c->description) &&
	     (help = cJSON_AddObjectToObject(r, "help")) &&
	     jb_add_str(help, "text", text) &&
	     jb_add_str(help, "markdown", md) &&
	     (cfg = cJSON_AddObjectToObject(r, "defaultConfiguration")) &&
	     jb_add_str(cfg, "level", level_of(c->severity)) &&
	     (props = cJSON_AddObjectToObject(r, "properties")) &&
	     (tags = cJSON_AddArrayToObject(props, "tags")) &&
	     jb_push_str(tags, "security") && jb_push_str(tags, "mail") &&
	     jb_add_str(props, "severity", severity_name(c->severity)) &&
	     jb_add_str(props, "security-severity",
	                security_severity(c->severity)) &&
	     cJSON_AddBoolToObject(props, "implemented", c->issue != NULL) &&
	     (refs = cJSON_AddArrayToObject(props, "references"));
	for (size_t k = 0; ok && k < CHECK_MAX_REFS && c->refs[k]; k++)
		ok = jb_push_str(refs, c->refs[k]);
	free(text);
	free(md);
	free(name);
	return ok;
}

/* A relative path for the endpoint, mail/SERVICE/HOST/PORT: code scanning
 * dashboards accept only paths in the repository's file scheme, not
 * imap:// URIs ("URI scheme ... did not match"). IPv6 brackets and
 * colons become dashes so it stays one path segment. */
static char *
endpoint_path(const struct endpoint *e)
{
	char *host = xstrdup(e->host ? e->host : "");
	char *p;

	for (char *q = host; *q; q++)
		if (*q == ':' || *q == '[' || *q == ']' || *q == '/')
			*q = '-';
	p = xasprintf("mail/%s/%s/%u",
	              e->service ? e->service->name : "unknown", host,
	              (unsigned)e->port);
	free(host);
	return p;
}

/* locations: [{physicalLocation.artifactLocation.uri (a relative path),
 * logicalLocations (the endpoint URI)}]. The endpoint is the whole
 * "artifact": region is its one line. Code scanning shows a result only
 * with region.startLine, and the official validator (SARIF2017) wants
 * the end given too. */
static bool
add_location(cJSON *o, const struct endpoint *e)
{
	cJSON *locs = cJSON_AddArrayToObject(o, "locations"), *loc, *phys, *art,
	      *logs, *lg, *reg;
	char *uri = report_endpoint_uri(e);
	char *path = endpoint_path(e);
	char *name =
	    xasprintf("%s:%u", e->host ? e->host : "", (unsigned)e->port);
	bool ok = locs && (loc = jb_push_obj(locs)) &&
	          (phys = cJSON_AddObjectToObject(loc, "physicalLocation")) &&
	          (art = cJSON_AddObjectToObject(phys, "artifactLocation")) &&
	          jb_add_str(art, "uri", path) &&
	          (reg = cJSON_AddObjectToObject(phys, "region")) &&
	          cJSON_AddNumberToObject(reg, "startLine", 1) &&
	          cJSON_AddNumberToObject(reg, "endLine", 1) &&
	          (logs = cJSON_AddArrayToObject(loc, "logicalLocations")) &&
	          (lg = jb_push_obj(logs)) && jb_add_str(lg, "name", name) &&
	          jb_add_str(lg, "fullyQualifiedName", uri) &&
	          jb_add_str(lg, "kind", "resource");

	free(uri);
	free(path);
	free(name);
	return ok;
}

/* Index of c in the catalog (the rules array follows it). */
static size_t
rule_index(const struct check *cat, size_t ncat, const struct check *c)
{
	for (size_t i = 0; i < ncat; i++)
		if (&cat[i] == c || strcmp(cat[i].id, c->id) == 0)
			return i;
	return 0;
}

static bool
add_result(cJSON *results, const struct endpoint_result *r,
           const struct finding *f, size_t rule_index,
           const struct report_options *opt)
{
	const struct endpoint *e = &r->endpoint;
	const struct service *svc = e->service;
	cJSON *o = jb_push_obj(results), *fp, *sup, *props;
	char *msg, *key;
	bool ok;

	msg = f->evidence && *f->evidence
	          ? xasprintf("%s: %s", f->check->title, f->evidence)
	          : xstrdup(f->check->title);
	key = xasprintf("%s|%s|%u|%s|%s", e->host ? e->host : "",
	                e->address ? e->address : "", (unsigned)e->port,
	                svc ? svc->name : "", f->check->id);
	ok = o && jb_add_str(o, "ruleId", f->check->id) &&
	     cJSON_AddNumberToObject(o, "ruleIndex", (double)rule_index) &&
	     jb_add_str(o, "level", level_of(f->severity)) &&
	     jb_add_str(o, "kind", "fail") && add_message(o, "message", msg) &&
	     add_location(o, e) &&
	     (fp = cJSON_AddObjectToObject(o, "partialFingerprints")) &&
	     jb_add_str(fp, "mailauditEndpointCheck/v1", key);
	/* [] says "not suppressed"; only a gate knows that */
	if (ok && opt->gate) {
		sup = cJSON_AddArrayToObject(o, "suppressions");
		ok = sup != NULL;
		if (ok && report_finding_waived(opt, f)) {
			cJSON *s = jb_push_obj(sup);

			ok = s && jb_add_str(s, "kind", "external") &&
			     jb_add_str(s, "status", "accepted") &&
			     jb_add_str(s, "justification",
			                f->waiver_reason ? f->waiver_reason
			                                 : "");
		}
	}
	ok = ok && (props = cJSON_AddObjectToObject(o, "properties")) &&
	     jb_add_str(props, "severity", severity_name(f->severity)) &&
	     cJSON_AddBoolToObject(props, "gateFail",
	                           report_finding_fails(opt, f)) &&
	     cJSON_AddBoolToObject(props, "waived",
	                           report_finding_waived(opt, f)) &&
	     jb_add_str(props, "host", e->host) &&
	     jb_add_str(props, "address", e->address) &&
	     cJSON_AddNumberToObject(props, "port", e->port) &&
	     jb_add_str(props, "service", svc ? svc->name : NULL) &&
	     jb_add_str(props, "endpointStatus",
	                endpoint_status_name(r->status)) &&
	     jb_add_str(props, "evidence", f->evidence);
	free(msg);
	free(key);
	return ok;
}

static bool
add_notification(cJSON *arr, const char *level, const char *id,
                 const char *text, const struct endpoint *e)
{
	cJSON *n = jb_push_obj(arr), *d;

	return n && jb_add_str(n, "level", level) &&
	       add_message(n, "message", text) &&
	       (d = cJSON_AddObjectToObject(n, "descriptor")) &&
	       jb_add_str(d, "id", id) && (!e || add_location(n, e));
}

static bool
add_invocation(cJSON *run, const struct scan_report *rep,
               const struct report_options *opt)
{
	const struct gate_summary *g = opt->gate;
	cJSON *invs = cJSON_AddArrayToObject(run, "invocations"), *inv, *args,
	      *notes;
	char t0[32], t1[32];
	bool ok;

	report_time_iso(rep->started.tv_sec, t0, sizeof(t0));
	report_time_iso(rep->finished.tv_sec, t1, sizeof(t1));
	ok =
	    invs && (inv = jb_push_obj(invs)) &&
	    cJSON_AddBoolToObject(inv, "executionSuccessful",
	                          opt->exit_code != 2) &&
	    cJSON_AddNumberToObject(inv, "exitCode", opt->exit_code) &&
	    (!*t0 || jb_add_str(inv, "startTimeUtc", t0)) &&
	    (!*t1 || jb_add_str(inv, "endTimeUtc", t1)) &&
	    (args = cJSON_AddArrayToObject(inv, "arguments")) &&
	    (notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications"));
	for (char **p = rep->argv_summary; ok && p && *p; p++)
		ok = jb_push_str(args, *p);
	for (size_t i = 0; ok && i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];
		bool fails = g ? gate_summary_covers(g, r->endpoint.service) &&
		                     !g->allow_incomplete
		               : true;
		char *uri, *text;

		if (!endpoint_status_is_unassessed(r->status))
			continue;
		uri = report_endpoint_uri(&r->endpoint);
		text = xasprintf("%s (%s) not assessed: %s%s%s", uri,
		                 r->endpoint.address ? r->endpoint.address : "",
		                 endpoint_status_name(r->status),
		                 r->status_detail ? ": " : "",
		                 r->status_detail ? r->status_detail : "");
		ok = add_notification(notes, fails ? "error" : "warning",
		                      "ENDPOINT-NOT-ASSESSED", text,
		                      &r->endpoint);
		free(uri);
		free(text);
	}
	for (size_t i = 0; ok && g && i < g->nexpired; i++) {
		const struct gate_expired *x = &g->expired[i];
		char *text = xasprintf(
		    "waiver [%zu] for %s%s%s expired on %s and no longer "
		    "applies (%zu finding(s) would match): %s",
		    x->index, x->check, x->endpoint ? " on " : "",
		    x->endpoint ? x->endpoint : "", x->expires, x->findings,
		    x->reason);

		ok = add_notification(notes, "warning", "WAIVER-EXPIRED", text,
		                      NULL);
		free(text);
	}
	return ok;
}

static bool
add_run_properties(cJSON *run, const struct scan_report *rep,
                   const struct report_options *opt)
{
	const struct gate_summary *g = opt->gate;
	int threshold = report_threshold(opt);
	struct report_summary s;
	cJSON *p = cJSON_AddObjectToObject(run, "properties"), *prof;
	bool ok;

	report_summarize_opt(rep, opt, &s);
	ok = p &&
	     jb_add_str(p, "failOn",
	                threshold >= 0 ? severity_name((enum severity)threshold)
	                               : NULL) &&
	     (prof = cJSON_AddArrayToObject(p, "profiles")) &&
	     cJSON_AddBoolToObject(p, "allowIncomplete",
	                           g && g->allow_incomplete) &&
	     jb_add_str(p, "waiversFile", g ? g->waivers_file : NULL) &&
	     cJSON_AddNumberToObject(p, "endpoints", (double)s.endpoints) &&
	     cJSON_AddNumberToObject(p, "hosts", (double)s.hosts) &&
	     cJSON_AddNumberToObject(p, "findings", (double)s.findings) &&
	     cJSON_AddNumberToObject(p, "gateFailures",
	                             (double)s.gate_failures) &&
	     cJSON_AddNumberToObject(p, "waived", (double)s.waived) &&
	     cJSON_AddNumberToObject(p, "unassessed", (double)s.unassessed);
	for (size_t i = 0; ok && g && i < g->nprofiles; i++)
		ok = jb_push_str(prof, g->profiles[i]);
	return ok;
}

static cJSON *
build(const struct scan_report *rep, const struct report_options *opt)
{
	cJSON *root = cJSON_CreateObject(), *runs, *run, *tool, *driver, *rules,
	      *results = NULL;
	const struct check *cat;
	size_t ncat;
	bool ok;

	cat = catalog_all(&ncat);
	ok = root && jb_add_str(root, "$schema", SARIF_SCHEMA) &&
	     jb_add_str(root, "version", "2.1.0") &&
	     (runs = cJSON_AddArrayToObject(root, "runs")) &&
	     (run = jb_push_obj(runs)) &&
	     (tool = cJSON_AddObjectToObject(run, "tool")) &&
	     (driver = cJSON_AddObjectToObject(tool, "driver")) &&
	     jb_add_str(driver, "name", "mailaudit") &&
	     (!rep->scanner_version ||
	      (jb_add_str(driver, "version", rep->scanner_version) &&
	       jb_add_str(driver, "semanticVersion", rep->scanner_version))) &&
	     (rules = cJSON_AddArrayToObject(driver, "rules"));
	for (size_t i = 0; ok && i < ncat; i++)
		ok = add_rule(rules, &cat[i]);
	ok = ok && add_invocation(run, rep, opt) &&
	     (results = cJSON_AddArrayToObject(run, "results"));
	for (size_t i = 0; ok && i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];
		const struct finding **v;

		if (!r->nfindings)
			continue;
		v = report_sorted_findings(r);
		for (size_t j = 0; ok && j < r->nfindings; j++)
			ok =
			    add_result(results, r, v[j],
			               rule_index(cat, ncat, v[j]->check), opt);
		free(v);
	}
	ok = ok && add_run_properties(run, rep, opt);
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static int
sarif_render(FILE *out, const struct scan_report *rep,
             const struct report_options *opt)
{
	return jb_write(out, build(rep, opt));
}

const struct reporter sarif_reporter = {
    .name = "sarif",
    .render = sarif_render,
};
