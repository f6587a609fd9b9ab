/*
 * Report formats with a gate: json (gate fields), jsonl, SARIF, JUnit,
 * HTML and text are rendered from a fabricated, gated scan_report (with
 * hostile strings) and parsed back or searched; a JSON report loaded back
 * (reports/json_read.c) renders every format byte for byte as the
 * original; `mailaudit report` and `mailaudit diff` run on saved files.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "probes/checks/judge.h"
#include "probes/service.h"
#include "reports/report.h"
#include "scanner/cli/commands.h"
#include "scanner/core/escape.h"
#include "scanner/gate/gate.h"
#include "reports/json_read.h"
#include "scanner/core/result.h"
#include "scanner/gate/waivers.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *report_formats_suite(void);

#define T_STARTED 1736942400 /* 2025-01-15T12:00:00Z */
#define NRES      5
#define DAY       86400

static const char hostile[] = "<script>alert(1)</script> & \"q\" 'a' \x1b[2J";

static const char waivers_json[] =
    "[{\"check\":\"CERT-SELF-SIGNED\",\"endpoint\":\"alpha.example:993\","
    "\"reason\":\"internal <CA> & co\",\"expires\":\"2099-01-01\"},"
    "{\"check\":\"STARTTLS-MISSING\",\"reason\":\"old box\","
    "\"expires\":\"2020-01-01\"}]";

static char p_fail[] = "--profile baseline", p_t1[] = "alpha.example",
            p_t2[] = "beta.example", p_t3[] = "imaps://[2001:db8::99]";
static char *params[] = {p_fail, p_t1, p_t2, p_t3, NULL};

static struct endpoint_result res[NRES];
static struct scan_report rep;
static struct waiver_list wl;
static struct gate_config cfg;
static struct gate_summary gs;
static struct report_options opt;

static void
set(struct endpoint_result *r, const char *host, const char *addr,
    const char *svc, enum endpoint_status st)
{
	endpoint_result_init(r);
	r->endpoint.host = xstrdup(host);
	r->endpoint.address = xstrdup(addr);
	r->endpoint.service = service_by_name(svc);
	r->endpoint.port = r->endpoint.service->default_port;
	r->status = st;
	r->duration_s = 0.25;
}

static void
cert(struct cert_facts *c, const char *cn, bool ca, time_t not_after)
{
	c->subject = xasprintf("CN=%s", cn);
	c->issuer = xstrdup("CN=Alpha CA");
	c->common_name = xstrdup(cn);
	c->serial = xstrdup("7fffffffffffffff01");
	c->sha256 = xstrdup(ca ? "aa" : "bb");
	c->not_before = T_STARTED - 300 * DAY;
	c->not_after = not_after;
	c->key_algorithm = xstrdup("RSA");
	c->key_bits = ca ? 4096 : 2048;
	c->signature_algorithm = xstrdup("RSA-SHA256");
	c->self_issued = ca;
	c->self_signed = ca;
	c->is_ca = ca;
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	if (!ca)
		strlist_add(&c->dns_names, "alpha.example");
}

/*
 * alpha.example 192.0.2.10: pop3 110 ok (hostile banner; high, info,
 * info findings), imaps 993 ok (chain of two; CERT-SELF-SIGNED waived,
 * CERT-EXPIRING-SOON medium); beta.example 2001:db8::7: imap 143 timeout,
 * pop3 110 ok (STARTTLS-MISSING; its waiver expired); 2001:db8::99
 * imaps 993 closed (IMPLICIT-TLS-MISSING). With new_scan: the second scan
 * for the diff (AUTH-PLAINTEXT-BEFORE-TLS resolved, CERT-KEY-WEAK new,
 * beta's pop3 timed out, 2001:db8::99 not scanned).
 */
static void
build(bool new_scan)
{
	struct endpoint_result *r;
	char *banner = escape_bytes(hostile, strlen(hostile), 512);

	r = &res[0];
	set(r, "alpha.example", "192.0.2.10", "pop3", EP_STATUS_OK);
	r->banner = xstrdup(banner);
	strlist_add(&r->caps_before_tls, "USER");
	strlist_add(&r->caps_before_tls, "STLS");
	strlist_add(&r->caps_after_tls, "SASL PLAIN");
	r->tls_reached = r->tls.handshake_done = true;
	r->tls.version = xstrdup("TLS1.2");
	r->tls.cipher_suite = xstrdup("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	/* lines end in LF; peer bytes inside are escaped */
	r->transcript = xstrdup("S: +OK \\x1b\nC: CAPA\nS: +OK\n");
	if (!new_scan)
		result_add_finding(r, CHECK(AUTH_PLAINTEXT_BEFORE_TLS),
		                   "USER <script>x</script> before STLS");
	result_add_finding(r, CHECK(INFO_BANNER_DISCLOSURE), banner);
	result_add_finding(r, CHECK(SVC_CLEARTEXT_PORT_OPEN), "+OK");

	r = &res[1];
	set(r, "alpha.example", "192.0.2.10", "imaps", EP_STATUS_OK);
	r->banner = xstrdup("* OK ready");
	r->tls_reached = r->tls.handshake_done = true;
	r->tls.version = xstrdup("TLS1.3");
	r->tls.cipher_suite = xstrdup("TLS_AES_256_GCM_SHA384");
	r->tls.kx = xstrdup("ECDHE-X25519");
	r->tls.chain.ncerts = 2;
	r->tls.chain.certs = xcalloc(2, sizeof(struct cert_facts));
	cert(&r->tls.chain.certs[0], "alpha.example", false,
	     T_STARTED + 10 * DAY);
	cert(&r->tls.chain.certs[1], "Alpha CA", true, T_STARTED + 900 * DAY);
	r->tls.chain.verify_status = 0x42;
	r->tls.chain.verify_text = xstrdup("not trusted");
	r->reneg.tried = r->reneg.decided = true;
	r->reneg.outcome = RENEG_ACCEPTED;
	r->reneg.detail = xstrdup("the server completed the renegotiation");
	r->early.checked = r->early.ticket = r->early.tried = true;
	r->early.resumed = r->early.accepted = true;
	r->early.max_early_data = 16384;
	result_add_finding(r, CHECK(CERT_SELF_SIGNED), "CN=Alpha CA");
	result_add_finding_sev(r, CHECK(CERT_EXPIRING_SOON), SEV_MEDIUM,
	                       "expires in %d days", 10);
	if (new_scan)
		result_add_finding(r, CHECK(CERT_KEY_WEAK), "RSA 1024");
	r->duration_s = 1.5;

	r = &res[2];
	set(r, "beta.example", "2001:db8::7", "imap", EP_STATUS_TIMEOUT);
	r->status_detail = xstrdup("no greeting within the timeout");

	r = &res[3];
	set(r, "beta.example", "2001:db8::7", "pop3",
	    new_scan ? EP_STATUS_TIMEOUT : EP_STATUS_OK);
	if (!new_scan)
		result_add_finding(r, CHECK(STARTTLS_MISSING), "no STLS");

	r = &res[4];
	set(r, "2001:db8::99", "2001:db8::99", "imaps", EP_STATUS_CLOSED);
	r->status_detail = xstrdup("connection refused");
	result_add_finding(r, CHECK(IMPLICIT_TLS_MISSING), "imap 143 answers");

	memset(&rep, 0, sizeof(rep));
	rep.scanner_version = "0.1.0-test";
	rep.started.tv_sec = T_STARTED;
	rep.finished.tv_sec = T_STARTED + 3;
	rep.results = res;
	rep.nresults = new_scan ? NRES - 1 : NRES;
	rep.fail_on = "high";
	rep.argv_summary = params;
	free(banner);
}

static void
gate(void)
{
	char err[512];

	ck_assert_msg(waivers_parse(waivers_json, strlen(waivers_json),
	                            "waivers.json", &wl, err, sizeof(err)) == 0,
	              "%s", err);
	gate_config_init(&cfg);
	cfg.today = 20250115;
	cfg.waivers = &wl;
	memset(&opt, 0, sizeof(opt));
	opt.exit_code = gate_apply(&rep, &cfg);
	gate_summarize(&rep, &cfg, opt.exit_code, &gs);
	opt.gate = &gs;
	opt.fail_on = SEV_HIGH;
}

static void
setup(void)
{
	build(false);
	gate();
}

static void
teardown(void)
{
	for (size_t i = 0; i < NRES; i++)
		endpoint_result_free(&res[i]);
	gate_summary_free(&gs);
	waivers_free(&wl);
}

static char *
render_rep(const char *name, const struct scan_report *r,
           const struct report_options *o)
{
	const struct reporter *rp = reporter_by_name(name);
	const struct judge_policy saved = {.saved = true};
	struct scan_report judged = *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	/* the host records, as the scan or `mailaudit report` makes them */
	judged.hosts = NULL;
	judged.nhosts = 0;
	judge_hosts(&judged, &saved);
	ck_assert_ptr_nonnull(rp);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(rp->render(f, &judged, o), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	scan_report_free_hosts(&judged);
	return buf;
}

static char *
render(const char *name)
{
	return render_rep(name, &rep, &opt);
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	ck_assert_msg(v != NULL, "missing key %s", key);
	return v;
}

static const char *
get_str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	ck_assert_msg(cJSON_IsString(v), "%s is not a string", key);
	return v->valuestring;
}

static double
get_num(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The finding of check id in a JSON endpoint. */
static const cJSON *
json_finding(const cJSON *ep, const char *id)
{
	for (const cJSON *f = get(ep, "findings")->child; f; f = f->next)
		if (strcmp(get_str(f, "check"), id) == 0)
			return f;
	ck_abort_msg("no finding %s", id);
	return NULL;
}

START_TEST(test_gate_marks)
{
	ck_assert_int_eq(opt.exit_code, 1);
	ck_assert(res[0].findings[0].gate_fail); /* AUTH-PLAINTEXT */
	ck_assert(res[1].findings[0].waived);    /* CERT-SELF-SIGNED */
	ck_assert(!res[1].findings[0].gate_fail);
	ck_assert(!res[3].findings[0].waived); /* expired waiver */
	ck_assert(res[3].findings[0].gate_fail);
	ck_assert_uint_eq(gs.nexpired, 1);
}
END_TEST

START_TEST(test_json_gate)
{
	static const char *const keys[] = {
	    "schema",           "scanner", "started",   "endpoints", "hosts",
	    "finished",         "fail_on", "exit_code", "partial",   "profiles",
	    "allow_incomplete", "waivers", "summary",
	};
	char *text = render("json");
	cJSON *doc = cJSON_Parse(text);
	const cJSON *k, *w, *x, *f, *s, *eps;

	ck_assert_ptr_nonnull(doc);
	k = doc->child;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ck_assert_ptr_nonnull(k);
		ck_assert_str_eq(k->string, keys[i]);
		k = k->next;
	}
	ck_assert_ptr_null(k);
	ck_assert_str_eq(get_str(doc, "fail_on"), "high");
	ck_assert_int_eq((int)get_num(doc, "exit_code"), 1);
	ck_assert_int_eq(cJSON_GetArraySize(get(doc, "profiles")), 1);
	ck_assert_str_eq(get(doc, "profiles")->child->valuestring, "baseline");
	ck_assert(cJSON_IsFalse(get(doc, "allow_incomplete")));
	w = get(doc, "waivers");
	ck_assert_str_eq(get_str(w, "file"), "waivers.json");
	ck_assert_int_eq((int)get_num(w, "entries"), 2);
	ck_assert_int_eq(cJSON_GetArraySize(get(w, "expired")), 1);
	x = get(w, "expired")->child;
	ck_assert_int_eq((int)get_num(x, "index"), 1);
	ck_assert_str_eq(get_str(x, "check"), "STARTTLS-MISSING");
	ck_assert(cJSON_IsNull(get(x, "endpoint")));
	ck_assert_str_eq(get_str(x, "expires"), "2020-01-01");
	ck_assert_str_eq(get_str(x, "reason"), "old box");
	ck_assert_int_eq((int)get_num(x, "findings"), 1);

	eps = get(doc, "endpoints");
	f = json_finding(cJSON_GetArrayItem(eps, 1), "CERT-SELF-SIGNED");
	ck_assert(cJSON_IsFalse(get(f, "gate_fail")));
	ck_assert(cJSON_IsTrue(get(f, "waived")));
	ck_assert_str_eq(get_str(f, "waiver_reason"), "internal <CA> & co");
	f = json_finding(cJSON_GetArrayItem(eps, 0),
	                 "AUTH-PLAINTEXT-BEFORE-TLS");
	ck_assert(cJSON_IsTrue(get(f, "gate_fail")));
	ck_assert(cJSON_IsFalse(get(f, "waived")));
	ck_assert(cJSON_IsNull(get(f, "waiver_reason")));
	f = json_finding(cJSON_GetArrayItem(eps, 1), "CERT-EXPIRING-SOON");
	ck_assert(cJSON_IsFalse(get(f, "gate_fail")));

	s = get(doc, "summary");
	ck_assert_int_eq((int)get_num(s, "gate_failures"), 2);
	ck_assert_int_eq((int)get_num(s, "waived"), 1);
	ck_assert_int_eq((int)get_num(s, "unassessed"), 1);
	ck_assert_int_eq((int)get_num(s, "incomplete"), 1);
	cJSON_Delete(doc);
	free(text);
}
END_TEST

/* No gate: the document as before gates, and the marks are not read. */
START_TEST(test_json_without_gate)
{
	struct report_options o = {.fail_on = SEV_HIGH, .exit_code = 1};
	char *text;
	cJSON *doc;
	const cJSON *f;

	for (size_t i = 0; i < NRES; i++)
		for (size_t j = 0; j < res[i].nfindings; j++) {
			res[i].findings[j].waived = true;
			res[i].findings[j].waiver_reason = NULL;
		}
	text = render_rep("json", &rep, &o);
	doc = cJSON_Parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(doc, "profiles"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(doc, "waivers"));
	f = json_finding(cJSON_GetArrayItem(get(doc, "endpoints"), 1),
	                 "CERT-SELF-SIGNED");
	ck_assert(cJSON_IsTrue(get(f, "gate_fail"))); /* high >= high */
	ck_assert(cJSON_IsFalse(get(f, "waived")));
	ck_assert_int_eq((int)get_num(get(doc, "summary"), "gate_failures"), 3);
	cJSON_Delete(doc);
	free(text);
}
END_TEST

START_TEST(test_jsonl)
{
	char *text = render("jsonl"), *save = NULL, *line;
	size_t n = 0, n_hosts = 0;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		cJSON *rec = cJSON_Parse(line);

		ck_assert_msg(rec != NULL, "line %zu is not JSON", n);
		ck_assert_str_eq(get(rec, "type")->string, "type");
		ck_assert_str_eq(rec->child->string, "type");
		ck_assert_str_eq(get_str(rec, "schema"), "mailaudit-jsonl/1");
		if (n < NRES) {
			ck_assert_str_eq(get_str(rec, "type"), "endpoint");
			ck_assert_str_eq(get_str(rec, "host"),
			                 res[n].endpoint.host);
			ck_assert_int_eq((int)get_num(rec, "port"),
			                 res[n].endpoint.port);
			ck_assert_int_eq(
			    cJSON_GetArraySize(get(rec, "findings")),
			    (int)res[n].nfindings);
		} else if (strcmp(get_str(rec, "type"), "host") == 0) {
			/* one per distinct host, between endpoints and summary
			 */
			ck_assert_ptr_nonnull(get_str(rec, "tls_verdict"));
			n_hosts++;
		} else {
			ck_assert_int_gt(n_hosts, 0);
			ck_assert_str_eq(get_str(rec, "type"), "summary");
			ck_assert_int_eq((int)get_num(rec, "exit_code"), 1);
			ck_assert_str_eq(
			    get(rec, "profiles")->child->valuestring,
			    "baseline");
			ck_assert_int_eq(
			    (int)get_num(get(rec, "summary"), "endpoints"),
			    NRES);
			ck_assert_int_eq(cJSON_GetArraySize(get(
			                     get(rec, "waivers"), "expired")),
			                 1);
		}
		cJSON_Delete(rec);
	}
	ck_assert_uint_eq(n, NRES + n_hosts + 1);
	free(text);
}
END_TEST

static const char *
level_for(const char *sev)
{
	if (!strcmp(sev, "critical") || !strcmp(sev, "high"))
		return "error";
	return !strcmp(sev, "medium") ? "warning" : "note";
}

START_TEST(test_sarif)
{
	char *text = render("sarif");
	cJSON *doc = cJSON_Parse(text);
	const cJSON *run, *driver, *rules, *results, *inv, *notes;
	size_t ncat, nres = 0, waived = 0, expired_notes = 0, unassessed = 0;

	catalog_all(&ncat);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(get_str(doc, "version"), "2.1.0");
	ck_assert_ptr_nonnull(strstr(get_str(doc, "$schema"), "sarif"));
	ck_assert_int_eq(cJSON_GetArraySize(get(doc, "runs")), 1);
	run = get(doc, "runs")->child;
	driver = get(get(run, "tool"), "driver");
	ck_assert_str_eq(get_str(driver, "name"), "mailaudit");
	ck_assert_str_eq(get_str(driver, "version"), "0.1.0-test");
	rules = get(driver, "rules");
	ck_assert_int_eq(cJSON_GetArraySize(rules), (int)ncat);
	for (const cJSON *r = rules->child; r; r = r->next) {
		const struct check *c = catalog_find(get_str(r, "id"));

		ck_assert_ptr_nonnull(c);
		ck_assert_str_eq(get_str(get(r, "shortDescription"), "text"),
		                 c->title);
		ck_assert_str_eq(
		    get_str(get(r, "defaultConfiguration"), "level"),
		    level_for(severity_name(c->severity)));
		if (c->refs[0])
			ck_assert_ptr_nonnull(strstr(
			    get_str(get(r, "help"), "text"), c->refs[0]));
		/* issue #12: the generic fix, then each product's line */
		{
			struct remediation rem;
			const char *help = get_str(get(r, "help"), "text");
			const char *md = get_str(get(r, "help"), "markdown");

			ck_assert(remediation_for(c, NULL, &rem));
			ck_assert_ptr_nonnull(
			    strstr(help, "\n\nRemediation: "));
			ck_assert_ptr_nonnull(strstr(help, rem.generic));
			ck_assert_ptr_nonnull(
			    strstr(md, "\n\n**Remediation**\n"));
			if (remediation_for(c, "dovecot", &rem) &&
			    rem.product_text) {
				char want[512];

				snprintf(want, sizeof(want),
				         "\n- Dovecot: %s (source: %s)",
				         rem.product_text, rem.product_cite);
				ck_assert_msg(strstr(help, want), "%s: no %s",
				              c->id, want);
				ck_assert_ptr_nonnull(
				    strstr(md, "- **Dovecot**: "));
				/* URLs as autolinks, unescaped */
				ck_assert_ptr_nonnull(
				    strstr(md, "<https://doc.dovecot.org/"));
			}
		}
	}
	/* Markdown escapes what would be read as HTML or emphasis */
	{
		const cJSON *r = cJSON_GetArrayItem(
		    rules,
		    (int)(CHECK(CERT_CHAIN_INCOMPLETE) - catalog_checks));
		const char *md = get_str(get(r, "help"), "markdown");

		ck_assert_str_eq(get_str(r, "id"), "CERT-CHAIN-INCOMPLETE");
		ck_assert_ptr_nonnull(strstr(md, "\\</etc/letsencrypt/live/"
		                                 "\\<name\\>/fullchain.pem"));
		ck_assert_ptr_nonnull(strstr(md, "ssl\\_cert"));
	}
	results = get(run, "results");
	for (const cJSON *r = results->child; r; r = r->next, nres++) {
		const cJSON *rule =
		    cJSON_GetArrayItem(rules, (int)get_num(r, "ruleIndex"));
		const cJSON *props = get(r, "properties"), *sup;
		const char *uri = get_str(
		    get(get(get(r, "locations")->child, "physicalLocation"),
		        "artifactLocation"),
		    "uri");

		ck_assert_str_eq(get_str(rule, "id"), get_str(r, "ruleId"));
		ck_assert_str_eq(get_str(r, "level"),
		                 level_for(get_str(props, "severity")));
		const char *logical =
		    get_str(get(r, "locations")->child->child->next->child,
		            "fullyQualifiedName");

		/* a relative path (dashboards take no other scheme), the URI
		 * as the logical location */
		ck_assert_ptr_null(strstr(uri, "://"));
		ck_assert_int_eq(strncmp(uri, "mail/", 5), 0);
		ck_assert_ptr_nonnull(strstr(logical, "://"));
		sup = get(r, "suppressions");
		if (!strcmp(get_str(r, "ruleId"), "CERT-SELF-SIGNED")) {
			ck_assert_str_eq(uri, "mail/imaps/alpha.example/993");
			ck_assert_str_eq(logical, "imaps://alpha.example:993");
			ck_assert_int_eq(cJSON_GetArraySize(sup), 1);
			ck_assert_str_eq(get_str(sup->child, "kind"),
			                 "external");
			ck_assert_str_eq(get_str(sup->child, "status"),
			                 "accepted");
			ck_assert_str_eq(get_str(sup->child, "justification"),
			                 "internal <CA> & co");
			waived++;
		} else {
			ck_assert_int_eq(cJSON_GetArraySize(sup), 0);
		}
		if (!strcmp(get_str(r, "ruleId"), "STARTTLS-MISSING")) {
			ck_assert_str_eq(uri, "mail/pop3/beta.example/110");
			ck_assert_str_eq(logical, "pop3://beta.example:110");
		}
		if (!strcmp(get_str(r, "ruleId"), "IMPLICIT-TLS-MISSING")) {
			/* one path segment for an IPv6 literal */
			ck_assert_str_eq(uri, "mail/imaps/2001-db8--99/993");
			ck_assert_str_eq(logical, "imaps://[2001:db8::99]:993");
		}
	}
	ck_assert_uint_eq(nres, 7);
	ck_assert_uint_eq(waived, 1);
	inv = get(run, "invocations")->child;
	ck_assert_int_eq((int)get_num(inv, "exitCode"), 1);
	ck_assert_str_eq(get_str(inv, "startTimeUtc"), "2025-01-15T12:00:00Z");
	notes = get(inv, "toolExecutionNotifications");
	for (const cJSON *n = notes->child; n; n = n->next) {
		const char *id = get_str(get(n, "descriptor"), "id");

		expired_notes += !strcmp(id, "WAIVER-EXPIRED");
		unassessed += !strcmp(id, "ENDPOINT-NOT-ASSESSED");
	}
	ck_assert_uint_eq(expired_notes, 1);
	ck_assert_uint_eq(unassessed, 1);
	cJSON_Delete(doc);
	free(text);
}
END_TEST

/* The value of attribute name in the first element starting at tag. */
static long
attr(const char *xml, const char *tag, const char *name)
{
	const char *p = strstr(xml, tag), *end;
	char key[64];

	ck_assert_ptr_nonnull(p);
	end = strchr(p, '>');
	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(p, key);
	ck_assert_msg(p && p < end, "no %s in %s", name, tag);
	return strtol(p + strlen(key), NULL, 10);
}

START_TEST(test_junit)
{
	char *xml = render("junit");
	const struct check *cat;
	size_t ncat, in_scope = 0;

	cat = catalog_all(&ncat);
	for (size_t k = 0; k < ncat; k++)
		in_scope += cat[k].severity >= SEV_HIGH;
	ck_assert_int_eq(strncmp(xml, "<?xml version=\"1.0\"", 19), 0);
	/* one suite per host, one case per (endpoint, baseline check) */
	ck_assert_uint_eq(count(xml, "<testsuite "), 3);
	ck_assert_uint_eq(count(xml, "</testsuite>"), 3);
	ck_assert_uint_eq(count(xml, "<testcase "), NRES * in_scope);
	ck_assert_int_eq(attr(xml, "<testsuites", "tests"),
	                 (long)(NRES * in_scope));
	ck_assert_uint_eq(count(xml, "<failure "), 2);
	ck_assert_int_eq(attr(xml, "<testsuites", "failures"), 2);
	ck_assert_int_eq(attr(xml, "<testsuites", "errors"), 0);
	ck_assert_uint_eq(count(xml, "<skipped "),
	                  (size_t)attr(xml, "<testsuites", "skipped"));
	/* the timed-out endpoint is skipped, not passed */
	ck_assert_ptr_nonnull(
	    strstr(xml, "<skipped message=\"endpoint not assessed: "
	                "timeout: no greeting within the timeout\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "name=\"beta.example\""));
	ck_assert_ptr_nonnull(strstr(xml, "classname=\"pop3://beta.example:110 "
	                                  "(2001:db8::7)\""));
	ck_assert_ptr_nonnull(
	    strstr(xml, "classname=\"imaps://[2001:db8::99]:993\""));
	/* the waived finding passes and says why */
	ck_assert_ptr_nonnull(strstr(xml, "waived: internal &lt;CA&gt; &amp; "
	                                  "co</system-out>"));
	/* escaped evidence, nothing raw */
	ck_assert_ptr_nonnull(
	    strstr(xml, "USER &lt;script&gt;x&lt;/script&gt;"));
	ck_assert_ptr_null(strstr(xml, "<script"));
	ck_assert_ptr_null(strchr(xml, '\x1b'));
	ck_assert_str_eq(xml + strlen(xml) - 14, "</testsuites>\n");
	free(xml);
}
END_TEST

START_TEST(test_html)
{
	char *html = render("html");
	static const char *const ids[] = {
	    "id=\"summary\"",        "id=\"charts\"",
	    "id=\"chart-severity\"", "id=\"chart-checks\"",
	    "id=\"chart-matrix\"",   "id=\"chart-expiry\"",
	    "id=\"waivers\"",        "id=\"hosts\"",
	    "id=\"parameters\"",     "id=\"verdict\"",
	};

	ck_assert_int_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		ck_assert_msg(strstr(html, ids[i]) != NULL, "no %s", ids[i]);
	ck_assert_uint_eq(count(html, "<svg "), 4);
	ck_assert_uint_eq(count(html, "</svg>"), 4);
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "src="));
	ck_assert_ptr_null(strstr(html, "href=\"http"));
	ck_assert_ptr_null(strstr(html, "url("));
	ck_assert_ptr_null(strchr(html, '\x1b'));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)"));
	ck_assert_ptr_nonnull(strstr(html, "Gate: FAIL (exit code 1)"));
	ck_assert_ptr_nonnull(
	    strstr(html, "waived: internal &lt;CA&gt; &amp; co"));
	ck_assert_ptr_nonnull(strstr(html, "Warning: waiver [1]"));
	ck_assert_ptr_nonnull(strstr(html, "fails the gate"));
	/* the expiring leaf is on the timeline, 10 days out */
	ck_assert_ptr_nonnull(strstr(html, "2025-01-25 (10 d)"));
	ck_assert_str_eq(html + strlen(html) - 8, "</html>\n");
	free(html);
}
END_TEST

/* issue #12: each finding ends with its fix, product-specific (with the
 * source) when the endpoint's software is known, else generic. */
START_TEST(test_html_remediation)
{
	struct remediation rem;
	char *html, want[1024];

	/* alpha's pop3 is a recognised Dovecot, the others unknown */
	res[0].implementation.product = xstrdup("dovecot");
	html = render("html");
	ck_assert(
	    remediation_for(CHECK(SVC_CLEARTEXT_PORT_OPEN), "dovecot", &rem));
	snprintf(want, sizeof(want),
	         "<p class=\"fix\"><strong>Fix (Dovecot):</strong> %s "
	         "<small>Source: %s</small></p>\n",
	         rem.product_text, rem.product_cite);
	ck_assert_msg(strstr(html, want), "no %s", want);
	/* no Dovecot row for this check: the generic advice, no source */
	ck_assert(remediation_for(CHECK(IMPLICIT_TLS_MISSING), NULL, &rem));
	snprintf(want, sizeof(want),
	         "<p class=\"fix\"><strong>Fix:</strong> %s</p>\n",
	         rem.generic);
	ck_assert_msg(strstr(html, want), "no %s", want);
	/* one per finding */
	{
		size_t n = 0;

		for (size_t i = 0; i < NRES; i++)
			n += res[i].nfindings;
		ck_assert_uint_eq(count(html, "<p class=\"fix\">"), n);
	}
	free(html);
}
END_TEST

START_TEST(test_text_gate)
{
	char *t = render("text");

	ck_assert_ptr_nonnull(
	    strstr(t, "  ! HIGH      AUTH-PLAINTEXT-BEFORE-TLS"));
	ck_assert_ptr_nonnull(strstr(t, "  ~ HIGH      CERT-SELF-SIGNED"));
	ck_assert_ptr_nonnull(strstr(t, "      waived: internal <CA> & co\n"));
	ck_assert_ptr_nonnull(strstr(
	    t, "  gate: profile baseline, severity >= HIGH: 2 finding(s) "
	       "fail the gate ('!'), 1 waived ('~')\n"));
	ck_assert_ptr_nonnull(strstr(t, "  waivers: waivers.json: 2 entries, "
	                                "1 expired\n"));
	ck_assert_ptr_nonnull(
	    strstr(t, "  warning: waiver [1] for STARTTLS-MISSING expired "
	              "on 2020-01-01 and no longer applies (1 finding(s) "
	              "would match): old box\n"));
	ck_assert_ptr_nonnull(strstr(t, "  incomplete: 1 endpoint(s) in scope "
	                                "not assessed: the gate fails "
	                                "closed\n"));
	ck_assert_ptr_nonnull(strstr(t, "exit code 1: finding(s) fail the "
	                                "gate\n"));
	ck_assert_ptr_null(strchr(t, '\x1b'));
	free(t);
}
END_TEST

/* json -> load -> every format renders exactly as from the original. */
START_TEST(test_round_trip)
{
	static const char *const formats[] = {"json",  "jsonl", "sarif",
	                                      "junit", "html",  "text"};
	char *json = render("json"), err[512];
	struct loaded_report l;
	struct report_options o = {0};

	ck_assert_msg(report_load_buffer(json, strlen(json), "in.json", &l, err,
	                                 sizeof(err)) == 0,
	              "%s", err);
	ck_assert(l.has_gate);
	ck_assert_int_eq(l.exit_code, 1);
	ck_assert_int_eq(l.fail_on, SEV_HIGH);
	ck_assert_uint_eq(l.rep.nresults, NRES);
	ck_assert_ptr_eq(l.rep.results[1].endpoint.service,
	                 service_by_name("imaps"));
	ck_assert(l.rep.results[1].tls.handshake_done);
	o.gate = &l.gate;
	o.exit_code = l.exit_code;
	o.fail_on = SEV_HIGH;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char *a = render(formats[i]);
		char *b = render_rep(formats[i], &l.rep, &o);

		ck_assert_msg(strcmp(a, b) == 0, "%s differs after loading",
		              formats[i]);
		free(a);
		free(b);
	}
	report_load_free(&l);
	free(json);
}
END_TEST

/* Replaces the first from in s by to (same length or shorter). */
static char *
replaced(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);

	ck_assert_ptr_nonnull(p);
	return xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

static void
load_fails(const char *text, const char *expect)
{
	struct loaded_report l;
	char err[512];

	ck_assert_int_eq(report_load_buffer(text, strlen(text), "in.json", &l,
	                                    err, sizeof(err)),
	                 -1);
	ck_assert_msg(strstr(err, expect) != NULL, "got \"%s\", want \"%s\"",
	              err, expect);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_uint_eq(l.rep.nresults, 0);
}

START_TEST(test_load_errors)
{
	char *json = render("json"), *bad;

	bad = replaced(json, "\"CERT-SELF-SIGNED\"", "\"CERT-NOT-A-CHECK\"");
	load_fails(bad, "in.json: endpoints[1].findings[0]: unknown check id "
	                "\"CERT-NOT-A-CHECK\"");
	free(bad);
	bad = replaced(json, "\"timeout\"", "\"napping\"");
	load_fails(bad, "in.json: endpoints[2].status: unknown status");
	free(bad);
	bad = replaced(json, "\"imaps\"", "\"smtp\"");
	load_fails(bad, "in.json: endpoints[1].service: unknown service");
	free(bad);
	bad = replaced(json, "\"mailaudit/1\"", "\"mailaudit/2\"");
	load_fails(bad, "in.json: schema: not a mailaudit/1 report");
	free(bad);
	bad = replaced(json, "\"accepted\",", "\"maybe\",");
	load_fails(bad, "in.json: endpoints[1].tls.renegotiation: outcome: "
	                "expected accepted, refused or not_assessed");
	free(bad);
	bad = replaced(json, "\"session_ticket\"", "\"session_tacket\"");
	load_fails(bad, "in.json: endpoints[1].tls.early_data.session_ticket: "
	                "missing");
	free(bad);
	bad = replaced(json, "\"key_bits\"", "\"key_bats\"");
	load_fails(bad, "in.json: endpoints[1].tls.certificate.chain[0]."
	                "key_bits: missing");
	free(bad);
	bad =
	    replaced(json, "\"not_after\":\t\"2025", "\"not_after\":\t\"20x5");
	load_fails(bad, "chain[0].not_after: expected a time");
	free(bad);
	load_fails("{\"schema\": ", "in.json: not valid JSON");
	load_fails("[]", "in.json: (top level): expected an object");
	free(json);
}
END_TEST

static char *
temp_file(const char *content)
{
	char *path = xstrdup("/tmp/mailaudit-fmt-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	if (content)
		fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(f);
	n = getdelim(&buf, &cap, '\0', f);
	ck_assert_int_ge(n, 0);
	fclose(f);
	return buf;
}

static int
run(int (*cmd)(int, char **), const char *const *args)
{
	char *argv[16];
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)(uintptr_t)args[argc];
	argv[argc] = NULL;
	return cmd(argc, argv);
}

START_TEST(test_cmd_report)
{
	char *json = render("json"), *in = temp_file(json),
	     *out = temp_file(NULL);
	char *text;
	cJSON *doc;

	/* the saved gate decides the exit code */
	ck_assert_int_eq(
	    run(cmd_report, (const char *const[]){"report", "--format", "sarif",
	                                          "-o", out, in, NULL}),
	    1);
	text = slurp(out);
	doc = cJSON_Parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(get_str(doc, "version"), "2.1.0");
	cJSON_Delete(doc);
	free(text);
	/* re-gated: --profile replaces the saved baseline; imap4rev2
	 * fails IMPLICIT-TLS-MISSING on the closed imaps endpoint */
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--profile", "imap4rev2", "-o",
	                              out, "--format", "json", in, NULL}),
	    1);
	text = slurp(out);
	doc = cJSON_Parse(text);
	ck_assert_int_eq((int)get_num(doc, "exit_code"), 1);
	ck_assert_str_eq(get(doc, "profiles")->child->valuestring, "imap4rev2");
	ck_assert(cJSON_IsNull(get(doc, "fail_on")));
	ck_assert(cJSON_IsNull(get(get(doc, "waivers"), "file")));
	cJSON_Delete(doc);
	free(text);
	/* --fail-on alone: nothing critical, the timeout fails closed */
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--fail-on", "critical", "-o",
	                              out, "--format", "json", in, NULL}),
	    3);
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--fail-on", "critical",
	                              "--allow-incomplete", "-o", out,
	                              "--format", "junit", in, NULL}),
	    0);
	/* --allow-incomplete alone keeps the saved baseline */
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--allow-incomplete", "-o", out,
	                              "--format", "text", in, NULL}),
	    1);
	/* the format from the output name */
	{
		char *html = xasprintf("%s.html", out);

		ck_assert_int_eq(
		    run(cmd_report,
		        (const char *const[]){"report", "-o", html, in, NULL}),
		    1);
		text = slurp(html);
		ck_assert_int_eq(strncmp(text, "<!DOCTYPE html>", 15), 0);
		free(text);
		unlink(html);
		free(html);
	}
	/* usage and input errors */
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--format", "pdf", in, NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--profile", "pci", in, NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--format", "json", NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_report, (const char *const[]){"report", "--format", "json",
	                                          "/nonexistent/x.json", NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_report,
	        (const char *const[]){"report", "--format", "json", "--waivers",
	                              "/nonexistent/w.json", in, NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_report, (const char *const[]){"report", "--format", NULL}),
	    2);
	unlink(in);
	unlink(out);
	free(in);
	free(out);
	free(json);
}
END_TEST

/* The item of check id in a diff host's list kind. */
static const cJSON *
diff_item(const cJSON *doc, const char *host, const char *kind, const char *id)
{
	for (const cJSON *h = get(doc, "hosts")->child; h; h = h->next) {
		if (strcmp(get_str(h, "host"), host) != 0)
			continue;
		for (const cJSON *i = get(h, kind)->child; i; i = i->next)
			if (strcmp(get_str(i, "check"), id) == 0)
				return i;
	}
	return NULL;
}

START_TEST(test_cmd_diff)
{
	char *old_json = render("json"), *new_json, *old_path, *new_path;
	char *out = temp_file(NULL), *text;
	cJSON *doc;
	const cJSON *s, *item;

	teardown();
	build(true);
	gate();
	new_json = render("json");
	old_path = temp_file(old_json);
	new_path = temp_file(new_json);

	ck_assert_int_eq(
	    run(cmd_diff,
	        (const char *const[]){"diff", "--format", "json", "-o", out,
	                              old_path, new_path, NULL}),
	    1);
	text = slurp(out);
	doc = cJSON_Parse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(get_str(doc, "schema"), "mailaudit-diff/1");
	ck_assert_int_eq((int)get_num(doc, "exit_code"), 1);
	s = get(doc, "summary");
	ck_assert_int_eq((int)get_num(s, "new"), 1);
	ck_assert_int_eq((int)get_num(s, "resolved"), 1);
	ck_assert_int_eq((int)get_num(s, "unchanged"), 4);
	ck_assert_int_eq((int)get_num(s, "unverified"), 2);
	ck_assert_int_eq((int)get_num(s, "failing"), 1);
	item = diff_item(doc, "alpha.example", "new", "CERT-KEY-WEAK");
	ck_assert_ptr_nonnull(item);
	ck_assert(cJSON_IsTrue(get(item, "fails")));
	ck_assert_int_eq((int)get_num(item, "port"), 993);
	ck_assert_ptr_nonnull(diff_item(doc, "alpha.example", "resolved",
	                                "AUTH-PLAINTEXT-BEFORE-TLS"));
	item =
	    diff_item(doc, "alpha.example", "unchanged", "CERT-EXPIRING-SOON");
	ck_assert_str_eq(get_str(item, "old_severity"), "medium");
	/* a finding that vanished because the endpoint timed out, or was
	 * not scanned, is not resolved */
	item = diff_item(doc, "beta.example", "unverified", "STARTTLS-MISSING");
	ck_assert_str_eq(get_str(item, "status_now"), "timeout");
	item = diff_item(doc, "2001:db8::99", "unverified",
	                 "IMPLICIT-TLS-MISSING");
	ck_assert_str_eq(get_str(item, "status_now"), "not-scanned");
	/* host order: the new scan's, then hosts only the old one has */
	ck_assert_str_eq(get_str(get(doc, "hosts")->child, "host"),
	                 "alpha.example");
	ck_assert_str_eq(
	    get_str(cJSON_GetArrayItem(get(doc, "hosts"), 2), "host"),
	    "2001:db8::99");
	cJSON_Delete(doc);
	free(text);

	/* nothing new at or above critical */
	ck_assert_int_eq(
	    run(cmd_diff,
	        (const char *const[]){"diff", "--fail-on", "critical", "-o",
	                              out, old_path, new_path, NULL}),
	    0);
	text = slurp(out);
	ck_assert_ptr_nonnull(strstr(text, "  + high     imaps 993 192.0.2.10  "
	                                   "CERT-KEY-WEAK\n"));
	ck_assert_ptr_nonnull(strstr(text, "  - high     pop3 110 192.0.2.10  "
	                                   "AUTH-PLAINTEXT-BEFORE-TLS\n"));
	ck_assert_ptr_nonnull(strstr(text, "Summary: 1 new, 1 resolved, 4 "
	                                   "unchanged, 2 unverified\n"));
	free(text);
	/* the same scan twice: nothing new */
	ck_assert_int_eq(
	    run(cmd_diff, (const char *const[]){"diff", "-o", out, new_path,
	                                        new_path, NULL}),
	    0);
	/* usage errors */
	ck_assert_int_eq(
	    run(cmd_diff, (const char *const[]){"diff", old_path, NULL}), 2);
	ck_assert_int_eq(
	    run(cmd_diff, (const char *const[]){"diff", "--fail-on", "severe",
	                                        old_path, new_path, NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_diff, (const char *const[]){"diff", "--format", "html",
	                                        old_path, new_path, NULL}),
	    2);
	unlink(old_path);
	unlink(new_path);
	unlink(out);
	free(old_path);
	free(new_path);
	free(out);
	free(old_json);
	free(new_json);
}
END_TEST

START_TEST(test_cmd_profiles_errors)
{
	ck_assert_int_eq(
	    run(cmd_profiles,
	        (const char *const[]){"profiles", "no-such-profile", NULL}),
	    2);
	ck_assert_int_eq(
	    run(cmd_profiles,
	        (const char *const[]){"profiles", "--verbose", NULL}),
	    2);
}
END_TEST

START_TEST(test_report_write_atomic)
{
	char *path = temp_file("old"), *text, err[256];

	ck_assert_int_eq(report_write(reporter_by_name("junit"), &rep, &opt,
	                              path, err, sizeof(err)),
	                 0);
	text = slurp(path);
	ck_assert_int_eq(strncmp(text, "<?xml", 5), 0);
	free(text);
	unlink(path);
	free(path);
	ck_assert_int_eq(report_write(reporter_by_name("json"), &rep, &opt,
	                              "/nonexistent-dir/report.json", err,
	                              sizeof(err)),
	                 -1);
	ck_assert_str_eq(err, "No such file or directory");
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
report_formats_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("report_formats");
	TCase *tc = tcase_create("formats");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_gate_marks);
	tcase_add_test(tc, test_json_gate);
	tcase_add_test(tc, test_json_without_gate);
	tcase_add_test(tc, test_jsonl);
	tcase_add_test(tc, test_sarif);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_html);
	tcase_add_test(tc, test_html_remediation);
	tcase_add_test(tc, test_text_gate);
	tcase_add_test(tc, test_report_write_atomic);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_cmd_report);
	tcase_add_test(tc, test_cmd_diff);
	tcase_add_test(tc, test_cmd_profiles_errors);
	suite_add_tcase(s, tc);
	return s;
}
