/*
 * Reporters: the JSON document is parsed back and checked field by field;
 * the text report is checked for host order, finding order, the summary
 * numbers, colour only on request and no raw control bytes, even when a
 * result string slipped through unescaped. Expected severities come from
 * the catalog, so the tests follow the catalog's defaults.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "probes/checks/judge.h"
#include "probes/service.h"
#include "scanner/core/hosts.h"
#include "reports/report.h"
#include "scanner/core/escape.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *reports_suite(void);

/* Local services: the reporters only read name and tls. */
static const struct service svc_pop3 = {
    .name = "pop3",
    .default_port = 110,
    .tls = TLS_MODE_STARTTLS,
    .protocol = PROTO_POP3,
};
static const struct service svc_pop3s = {
    .name = "pop3s",
    .default_port = 995,
    .tls = TLS_MODE_IMPLICIT,
    .protocol = PROTO_POP3,
};
static const struct service svc_imap = {
    .name = "imap",
    .default_port = 143,
    .tls = TLS_MODE_STARTTLS,
    .protocol = PROTO_IMAP,
};
static const struct service svc_imaps = {
    .name = "imaps",
    .default_port = 993,
    .tls = TLS_MODE_IMPLICIT,
    .protocol = PROTO_IMAP,
};

#define T_STARTED  1714564800 /* 2024-05-01T12:00:00Z */
#define T_FINISHED 1714564803
#define NRESULTS   4

/* A hostile greeting, as the engine stores it: escaped. */
static const char hostile_greeting[] = "+OK \x1b[2J\x07 Dovecot ready.";

static char arg_fail_on[] = "--fail-on", arg_high[] = "high",
            arg_alpha[] = "alpha.example", arg_beta[] = "beta.example";
static char *argv_summary[] = {arg_fail_on, arg_high, arg_alpha, arg_beta,
                               NULL};

static struct endpoint_result results[NRESULTS];
static struct scan_report rep;
static char *escaped_banner;

static void
set_endpoint(struct endpoint_result *r, const char *host, const char *addr,
             const struct service *svc, enum endpoint_status st)
{
	endpoint_result_init(r);
	r->endpoint.host = xstrdup(host);
	r->endpoint.address = xstrdup(addr);
	r->endpoint.port = svc->default_port;
	r->endpoint.service = svc;
	r->status = st;
	r->duration_s = 0.25;
}

static void
fill_cert(struct cert_facts *c, const char *cn, const char *issuer_cn, bool ca)
{
	c->subject = xasprintf("CN=%s", cn);
	c->issuer = xasprintf("CN=%s", issuer_cn);
	c->common_name = xstrdup(cn);
	/* longer than a double can hold: must stay a string */
	c->serial = xstrdup("7fffffffffffffff01");
	c->sha256 = xstrdup("00112233445566778899aabbccddeeff"
	                    "00112233445566778899aabbccddeeff");
	c->not_before = T_STARTED - 86400;
	c->not_after = T_STARTED + 86400 * 30;
	c->key_algorithm = xstrdup(ca ? "RSA" : "EC/ECDSA");
	c->key_bits = ca ? 4096 : 256;
	c->curve = ca ? NULL : xstrdup("SECP256R1");
	c->signature_algorithm = xstrdup("RSA-SHA256");
	c->is_ca = ca;
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	if (!ca) {
		strlist_add(&c->dns_names, "beta.example");
		strlist_add(&c->dns_names, "*.beta.example");
		strlist_add(&c->ip_addresses, "198.51.100.7");
	}
}

/*
 * alpha.example (first in the report): pop3 110 ok with a hostile banner
 * and info..medium findings; pop3s 995 closed.
 * beta.example: imaps 993 ok with a two-certificate chain and critical +
 * high findings; imap 143 tls-error (unassessed).
 */
static void
setup(void)
{
	struct endpoint_result *r;
	char longev[301];

	memset(&rep, 0, sizeof(rep));
	escaped_banner =
	    escape_bytes(hostile_greeting, strlen(hostile_greeting), 512);

	r = &results[0];
	set_endpoint(r, "alpha.example", "192.0.2.10", &svc_pop3, EP_STATUS_OK);
	r->banner = xstrdup(escaped_banner);
	strlist_add(&r->caps_before_tls, "USER");
	strlist_add(&r->caps_before_tls, "STLS");
	strlist_add(&r->caps_after_tls, "USER");
	strlist_add(&r->caps_after_tls, "SASL PLAIN");
	r->tls_reached = true;
	r->tls.handshake_done = true;
	r->tls.version = xstrdup("TLS1.2");
	r->tls.cipher_suite = xstrdup("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
	r->transcript = xstrdup("S: +OK\\r\\nC: CAPA\\r\\n");
	result_add_finding(r, CHECK(INFO_BANNER_DISCLOSURE), escaped_banner);
	memset(longev, 'A', sizeof(longev) - 1);
	longev[sizeof(longev) - 1] = '\0';
	result_add_finding(r, CHECK(TLS_CIPHER_CBC), longev);
	result_add_finding(r, CHECK(IMPLICIT_TLS_MISSING), "995 refused");

	r = &results[1];
	set_endpoint(r, "alpha.example", "192.0.2.10", &svc_pop3s,
	             EP_STATUS_CLOSED);
	r->status_detail = xstrdup("connection refused");

	r = &results[2];
	set_endpoint(r, "beta.example", "198.51.100.7", &svc_imaps,
	             EP_STATUS_OK);
	r->banner = xstrdup("* OK IMAP4rev1 ready");
	strlist_add(&r->caps_after_tls, "IMAP4rev1");
	strlist_add(&r->caps_after_tls, "AUTH=PLAIN");
	r->tls_reached = true;
	r->tls.handshake_done = true;
	r->tls.version = xstrdup("TLS1.3");
	r->tls.cipher_suite = xstrdup("TLS_AES_256_GCM_SHA384");
	r->tls.kx = xstrdup("ECDHE-X25519");
	r->tls.description = xstrdup("(TLS1.3)-(ECDHE-X25519)-(AES-256-GCM)");
	r->tls.chain.ncerts = 2;
	r->tls.chain.certs = xcalloc(2, sizeof(struct cert_facts));
	fill_cert(&r->tls.chain.certs[0], "beta.example", "Beta CA", false);
	fill_cert(&r->tls.chain.certs[1], "Beta CA", "Beta CA", true);
	r->tls.chain.certs[1].self_issued = true;
	r->tls.chain.certs[1].self_signed = true;
	r->tls.chain.verify_status = 0x42;
	r->tls.chain.verify_text = xstrdup("The certificate is NOT trusted.");
	/* added out of order on purpose */
	result_add_finding(r, CHECK(CERT_CHAIN_UNTRUSTED), "issuer Beta CA");
	result_add_finding(r, CHECK(TLS_VERSION_SSL), "SSLv3 ServerHello");
	result_add_finding(r, CHECK(AUTH_PLAINTEXT_BEFORE_TLS), "AUTH=PLAIN");
	r->duration_s = 1.5;

	r = &results[3];
	set_endpoint(r, "beta.example", "198.51.100.7", &svc_imap,
	             EP_STATUS_TLS_ERROR);
	r->status_detail = xstrdup("handshake failed after STARTTLS");
	r->banner = xstrdup("* OK ready");
	strlist_add(&r->caps_before_tls, "STARTTLS");
	r->tls.error = xstrdup("A TLS fatal alert has been received.");

	rep.scanner_version = "0.1.0-test";
	rep.started.tv_sec = T_STARTED;
	rep.finished.tv_sec = T_FINISHED;
	rep.results = results;
	rep.nresults = NRESULTS;
	rep.fail_on = "high";
	rep.argv_summary = argv_summary;
}

static void
teardown(void)
{
	for (size_t i = 0; i < NRESULTS; i++)
		endpoint_result_free(&results[i]);
	free(escaped_banner);
	escaped_banner = NULL;
}

static const struct report_options plain_opts = {
    .color = false,
    .fail_on = SEV_HIGH,
    .exit_code = 1,
};

static const struct report_options color_opts = {
    .color = true,
    .fail_on = SEV_HIGH,
    .exit_code = 1,
};

/* Renders rep with the named reporter into a string (caller frees). */
static char *
render(const char *name, const struct report_options *opt)
{
	const struct reporter *r = reporter_by_name(name);
	const struct judge_policy saved = {.saved = true};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	/* the host records of the results as a test left them */
	judge_hosts(&rep, &saved);
	ck_assert_ptr_nonnull(r);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(r->render(f, &rep, opt), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	scan_report_free_hosts(&rep);
	return buf;
}

static size_t
count_sev(enum severity s, int fail_on, size_t *gate)
{
	size_t n = 0;

	*gate = 0;
	for (size_t i = 0; i < rep.nresults; i++)
		for (size_t j = 0; j < results[i].nfindings; j++) {
			int sev = (int)results[i].findings[j].check->severity;

			n += sev == (int)s;
			*gate += sev >= fail_on;
		}
	return n;
}

/* ---- registry and summary ---- */

START_TEST(test_reporter_by_name)
{
	const struct reporter *t = reporter_by_name("text");
	const struct reporter *j = reporter_by_name("json");

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(t->name, "text");
	ck_assert_str_eq(j->name, "json");
	ck_assert_ptr_nonnull(t->render);
	ck_assert_ptr_nonnull(j->render);
	ck_assert_ptr_null(reporter_by_name("xml"));
	ck_assert_ptr_null(reporter_by_name(""));
	ck_assert_ptr_null(reporter_by_name(NULL));
}
END_TEST

START_TEST(test_summarize)
{
	struct report_summary s;
	size_t gate, total = 0;

	report_summarize(&rep, SEV_HIGH, &s);
	ck_assert_uint_eq(s.endpoints, 4);
	ck_assert_uint_eq(s.hosts, 2);
	ck_assert_uint_eq(s.by_status[EP_STATUS_OK], 2);
	ck_assert_uint_eq(s.by_status[EP_STATUS_CLOSED], 1);
	ck_assert_uint_eq(s.by_status[EP_STATUS_TLS_ERROR], 1);
	ck_assert_uint_eq(s.by_status[EP_STATUS_TIMEOUT], 0);
	ck_assert_uint_eq(s.unassessed, 1);
	ck_assert_uint_eq(s.findings, 6);
	for (int i = 0; i < SEV_COUNT; i++) {
		ck_assert_uint_eq(s.by_severity[i],
		                  count_sev((enum severity)i, SEV_HIGH, &gate));
		total += s.by_severity[i];
	}
	ck_assert_uint_eq(total, 6);
	ck_assert_uint_eq(s.gate_failures, gate);

	/* every finding is at or above info */
	report_summarize(&rep, SEV_INFO, &s);
	ck_assert_uint_eq(s.gate_failures, 6);
}
END_TEST

START_TEST(test_summarize_empty)
{
	struct scan_report empty = {.scanner_version = "x"};
	struct report_summary s;

	report_summarize(&empty, SEV_HIGH, &s);
	ck_assert_uint_eq(s.endpoints, 0);
	ck_assert_uint_eq(s.hosts, 0);
	ck_assert_uint_eq(s.findings, 0);
	ck_assert_uint_eq(s.unassessed, 0);
}
END_TEST

/* Endpoints grouped by host: groups in first-seen order, members in
 * result order, a missing host as "", the per-group values over them. */
START_TEST(test_group_hosts)
{
	static char ha[] = "alpha.example", hb[] = "beta.example";
	struct endpoint_result mix[5] = {results[2], results[0], results[1],
	                                 results[3], results[1]};
	struct scan_report r = {.results = mix, .nresults = 5};
	struct host_group *g;
	size_t *members, ng;

	mix[0].endpoint.host = hb;
	mix[1].endpoint.host = ha;
	mix[2].endpoint.host = NULL;
	mix[3].endpoint.host = hb;
	mix[4].endpoint.host = ha;
	ng = report_group_hosts(&r, &g, &members);
	ck_assert_uint_eq(ng, 3);
	ck_assert_str_eq(g[0].host, "beta.example");
	ck_assert_uint_eq(g[0].n, 2);
	ck_assert_uint_eq(g[0].members[0], 0);
	ck_assert_uint_eq(g[0].members[1], 3);
	ck_assert_int_eq(g[0].worst, result_worst_severity(&results[2]));
	ck_assert(g[0].any_ok);
	ck_assert(g[0].any_unassessed);
	ck_assert_str_eq(g[1].host, "alpha.example");
	ck_assert_uint_eq(g[1].n, 2);
	ck_assert_uint_eq(g[1].members[0], 1);
	ck_assert_uint_eq(g[1].members[1], 4);
	ck_assert_int_eq(g[1].worst, result_worst_severity(&results[0]));
	ck_assert(g[1].any_ok);
	ck_assert_str_eq(g[2].host, "");
	ck_assert_uint_eq(g[2].n, 1);
	ck_assert_uint_eq(g[2].members[0], 2);
	ck_assert_int_eq(g[2].worst, result_worst_severity(&results[1]));
	ck_assert(!g[2].any_ok);
	ck_assert(g[2].any_unassessed ==
	          endpoint_status_is_unassessed(results[1].status));
	free(members);
	free(g);

	r.nresults = 0;
	ck_assert_uint_eq(report_group_hosts(&r, &g, &members), 0);
	free(members);
	free(g);
}
END_TEST

/* ---- JSON ---- */

static const cJSON *
get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	ck_assert_msg(v != NULL, "missing key \"%s\"", key);
	return v;
}

static const char *
get_str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	ck_assert_msg(cJSON_IsString(v), "\"%s\" is not a string", key);
	return v->valuestring;
}

static double
get_num(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	ck_assert_msg(cJSON_IsNumber(v), "\"%s\" is not a number", key);
	return v->valuedouble;
}

static bool
get_bool(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	ck_assert_msg(cJSON_IsBool(v), "\"%s\" is not a bool", key);
	return cJSON_IsTrue(v);
}

static void
assert_null(const cJSON *o, const char *key)
{
	ck_assert_msg(cJSON_IsNull(get(o, key)), "\"%s\" is not null", key);
}

static cJSON *
render_json(void)
{
	char *text = render("json", &plain_opts);
	size_t len = strlen(text);
	const char *end = NULL;
	cJSON *doc;

	ck_assert_uint_gt(len, 2);
	ck_assert_msg(text[len - 1] == '\n', "document must end in newline");
	ck_assert_msg(text[len - 2] != '\n', "exactly one newline at the end");
	/* exactly one document: nothing but the newline may follow it */
	doc = cJSON_ParseWithOpts(text, &end, false);
	ck_assert_msg(doc != NULL, "JSON does not parse near: %.40s",
	              cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
	ck_assert_str_eq(end, "\n");
	/* pretty-printed, i.e. not on a single line */
	ck_assert(strchr(text, '\n') < text + len - 1);
	free(text);
	return doc;
}

START_TEST(test_json_top_level)
{
	cJSON *doc = render_json();
	const cJSON *sc, *params, *eps;
	int i = 0;

	ck_assert_str_eq(get_str(doc, "schema"), "mailaudit/1");
	sc = get(doc, "scanner");
	ck_assert_str_eq(get_str(sc, "name"), "mailaudit");
	ck_assert_str_eq(get_str(sc, "version"), "0.1.0-test");
	params = get(sc, "parameters");
	ck_assert(cJSON_IsArray(params));
	ck_assert_int_eq(cJSON_GetArraySize(params), 4);
	for (const cJSON *p = params->child; p; p = p->next, i++)
		ck_assert_str_eq(p->valuestring, argv_summary[i]);
	ck_assert_str_eq(get_str(doc, "started"), "2024-05-01T12:00:00Z");
	ck_assert_str_eq(get_str(doc, "finished"), "2024-05-01T12:00:03Z");
	ck_assert_str_eq(get_str(doc, "fail_on"), "high");
	ck_assert_int_eq((int)get_num(doc, "exit_code"), 1);

	eps = get(doc, "endpoints");
	ck_assert(cJSON_IsArray(eps));
	ck_assert_int_eq(cJSON_GetArraySize(eps), NRESULTS);
	/* endpoints in the order given, not regrouped */
	ck_assert_str_eq(get_str(cJSON_GetArrayItem(eps, 0), "service"),
	                 "pop3");
	ck_assert_str_eq(get_str(cJSON_GetArrayItem(eps, 1), "service"),
	                 "pop3s");
	ck_assert_str_eq(get_str(cJSON_GetArrayItem(eps, 2), "service"),
	                 "imaps");
	ck_assert_str_eq(get_str(cJSON_GetArrayItem(eps, 3), "service"),
	                 "imap");

	/* keys in documented order */
	{
		static const char *const keys[] = {
		    "schema",   "scanner", "started",   "endpoints", "hosts",
		    "finished", "fail_on", "exit_code", "partial",   "summary",
		};
		const cJSON *k = doc->child;

		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]);
		     j++, k = k->next) {
			ck_assert_ptr_nonnull(k);
			ck_assert_str_eq(k->string, keys[j]);
		}
		ck_assert_ptr_null(k);
	}
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_endpoint_ok_hostile_banner)
{
	cJSON *doc = render_json();
	const cJSON *e = cJSON_GetArrayItem(get(doc, "endpoints"), 0);
	const cJSON *caps, *tls, *before;

	ck_assert_str_eq(get_str(e, "host"), "alpha.example");
	ck_assert_str_eq(get_str(e, "address"), "192.0.2.10");
	ck_assert_int_eq((int)get_num(e, "port"), 110);
	ck_assert_str_eq(get_str(e, "tls_mode"), "starttls");
	ck_assert_str_eq(get_str(e, "status"), "ok");
	assert_null(e, "status_detail");
	/* the escaped form survives the round trip unchanged */
	ck_assert_str_eq(get_str(e, "banner"),
	                 "+OK \\x1b[2J\\x07 Dovecot ready.");
	caps = get(e, "capabilities");
	before = get(caps, "before_tls");
	ck_assert_int_eq(cJSON_GetArraySize(before), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(before, 1)->valuestring, "STLS");
	ck_assert_int_eq(cJSON_GetArraySize(get(caps, "after_tls")), 2);
	tls = get(e, "tls");
	ck_assert(cJSON_IsObject(tls));
	ck_assert_str_eq(get_str(tls, "version"), "TLS1.2");
	assert_null(tls, "kx");
	assert_null(tls, "description");
	assert_null(tls, "error");
	ck_assert(!get_bool(tls, "ocsp_stapled"));
	ck_assert_int_eq(
	    cJSON_GetArraySize(get(get(tls, "certificate"), "chain")), 0);
	ck_assert_double_eq_tol(get_num(e, "duration_s"), 0.25, 1e-9);
	ck_assert_str_eq(get_str(e, "transcript"), "S: +OK\\r\\nC: CAPA\\r\\n");
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_endpoint_closed)
{
	cJSON *doc = render_json();
	const cJSON *e = cJSON_GetArrayItem(get(doc, "endpoints"), 1);

	ck_assert_str_eq(get_str(e, "service"), "pop3s");
	ck_assert_str_eq(get_str(e, "tls_mode"), "implicit");
	ck_assert_int_eq((int)get_num(e, "port"), 995);
	ck_assert_str_eq(get_str(e, "status"), "closed");
	ck_assert_str_eq(get_str(e, "status_detail"), "connection refused");
	assert_null(e, "banner");
	assert_null(e, "tls");
	assert_null(e, "transcript");
	ck_assert_int_eq(cJSON_GetArraySize(get(e, "findings")), 0);
	ck_assert_int_eq(
	    cJSON_GetArraySize(get(get(e, "capabilities"), "before_tls")), 0);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_endpoint_tls_error)
{
	cJSON *doc = render_json();
	const cJSON *e = cJSON_GetArrayItem(get(doc, "endpoints"), 3);
	const cJSON *tls = get(e, "tls");

	ck_assert_str_eq(get_str(e, "status"), "tls-error");
	/* not null: the handshake was attempted and failed */
	ck_assert(cJSON_IsObject(tls));
	assert_null(tls, "version");
	assert_null(tls, "cipher_suite");
	ck_assert_str_eq(get_str(tls, "error"),
	                 "A TLS fatal alert has been received.");
	assert_null(get(tls, "certificate"), "verify_text");
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_certificate_chain)
{
	cJSON *doc = render_json();
	const cJSON *e = cJSON_GetArrayItem(get(doc, "endpoints"), 2);
	const cJSON *tls = get(e, "tls"), *cert, *chain, *leaf, *ca, *dns;

	ck_assert_str_eq(get_str(tls, "kx"), "ECDHE-X25519");
	cert = get(tls, "certificate");
	ck_assert(!get_bool(cert, "trusted"));
	ck_assert(!get_bool(cert, "needed_unsent_intermediates"));
	ck_assert(!get_bool(cert, "leaf_is_anchor"));
	ck_assert(!get_bool(cert, "order_broken"));
	ck_assert_int_eq((int)get_num(cert, "verify_status"), 0x42);
	ck_assert_str_eq(get_str(cert, "verify_text"),
	                 "The certificate is NOT trusted.");
	chain = get(cert, "chain");
	ck_assert_int_eq(cJSON_GetArraySize(chain), 2);
	leaf = cJSON_GetArrayItem(chain, 0);
	ca = cJSON_GetArrayItem(chain, 1);
	ck_assert_str_eq(get_str(leaf, "subject"), "CN=beta.example");
	ck_assert_str_eq(get_str(leaf, "issuer"), "CN=Beta CA");
	ck_assert_str_eq(get_str(leaf, "common_name"), "beta.example");
	ck_assert_str_eq(get_str(leaf, "serial"), "7fffffffffffffff01");
	ck_assert_uint_eq(strlen(get_str(leaf, "sha256")), 64);
	ck_assert_str_eq(get_str(leaf, "not_before"), "2024-04-30T12:00:00Z");
	ck_assert_str_eq(get_str(leaf, "not_after"), "2024-05-31T12:00:00Z");
	ck_assert_str_eq(get_str(leaf, "key_algorithm"), "EC/ECDSA");
	ck_assert_int_eq((int)get_num(leaf, "key_bits"), 256);
	ck_assert_str_eq(get_str(leaf, "curve"), "SECP256R1");
	ck_assert_str_eq(get_str(leaf, "signature_algorithm"), "RSA-SHA256");
	ck_assert(!get_bool(leaf, "signature_weak"));
	ck_assert(!get_bool(leaf, "self_issued"));
	ck_assert(!get_bool(leaf, "is_ca"));
	dns = get(leaf, "dns_names");
	ck_assert_int_eq(cJSON_GetArraySize(dns), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(dns, 1)->valuestring,
	                 "*.beta.example");
	ck_assert_str_eq(
	    cJSON_GetArrayItem(get(leaf, "ip_addresses"), 0)->valuestring,
	    "198.51.100.7");
	assert_null(ca, "curve");
	ck_assert_int_eq((int)get_num(ca, "key_bits"), 4096);
	ck_assert(get_bool(ca, "self_issued"));
	ck_assert(get_bool(ca, "self_signed"));
	ck_assert(get_bool(ca, "is_ca"));
	ck_assert_int_eq(cJSON_GetArraySize(get(ca, "dns_names")), 0);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_findings_order)
{
	cJSON *doc = render_json();
	const cJSON *eps = get(doc, "endpoints");
	size_t seen = 0;

	for (int i = 0; i < NRESULTS; i++) {
		const cJSON *fs = get(cJSON_GetArrayItem(eps, i), "findings");
		const cJSON *prev = NULL;

		ck_assert_int_eq(cJSON_GetArraySize(fs),
		                 (int)results[i].nfindings);
		for (const cJSON *f = fs->child; f; f = f->next, seen++) {
			const struct check *c =
			    catalog_find(get_str(f, "check"));
			const cJSON *refs = get(f, "references");
			int k = 0;

			ck_assert_ptr_nonnull(c);
			ck_assert_str_eq(get_str(f, "severity"),
			                 severity_name(c->severity));
			ck_assert_str_eq(get_str(f, "title"), c->title);
			get_str(f, "evidence");
			ck_assert(cJSON_IsArray(refs));
			for (const cJSON *r = refs->child; r; r = r->next, k++)
				ck_assert_str_eq(r->valuestring, c->refs[k]);
			ck_assert(k == CHECK_MAX_REFS || c->refs[k] == NULL);
			if (prev) {
				const struct check *p =
				    catalog_find(get_str(prev, "check"));

				ck_assert_msg(p->severity > c->severity ||
				                  (p->severity == c->severity &&
				                   strcmp(p->id, c->id) < 0),
				              "%s must not precede %s", p->id,
				              c->id);
			}
			prev = f;
		}
	}
	ck_assert_uint_eq(seen, 6);

	/* the worst finding of beta.example's imaps endpoint leads */
	{
		const cJSON *fs = get(cJSON_GetArrayItem(eps, 2), "findings");
		int worst = result_worst_severity(&results[2]);

		ck_assert_str_eq(get_str(fs->child, "severity"),
		                 severity_name((enum severity)worst));
	}
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_summary)
{
	cJSON *doc = render_json();
	const cJSON *s = get(doc, "summary"), *st, *fi;
	size_t gate = 0;

	ck_assert_int_eq((int)get_num(s, "endpoints"), 4);
	ck_assert_int_eq((int)get_num(s, "hosts"), 2);
	st = get(s, "status");
	ck_assert_int_eq(cJSON_GetArraySize(st), EP_STATUS_COUNT);
	for (int i = 0; i < EP_STATUS_COUNT; i++) {
		int want = i == EP_STATUS_OK          ? 2
		           : i == EP_STATUS_CLOSED    ? 1
		           : i == EP_STATUS_TLS_ERROR ? 1
		                                      : 0;

		ck_assert_int_eq((int)get_num(st, endpoint_status_name(
		                                      (enum endpoint_status)i)),
		                 want);
	}
	ck_assert_str_eq(st->child->string, "ok");
	fi = get(s, "findings");
	ck_assert_int_eq((int)get_num(fi, "total"), 6);
	ck_assert_str_eq(fi->child->string, "total");
	ck_assert_str_eq(fi->child->next->string, "critical");
	for (int i = 0; i < SEV_COUNT; i++)
		ck_assert_int_eq(
		    (int)get_num(fi, severity_name((enum severity)i)),
		    (int)count_sev((enum severity)i, SEV_HIGH, &gate));
	ck_assert_int_eq((int)get_num(s, "gate_failures"), (int)gate);
	ck_assert_int_eq((int)get_num(s, "unassessed"), 1);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_json_empty_report)
{
	struct scan_report saved = rep;
	cJSON *doc;

	rep.nresults = 0;
	rep.results = NULL;
	rep.argv_summary = NULL;
	rep.scanner_version = NULL;
	doc = render_json();
	rep = saved;
	ck_assert_int_eq(cJSON_GetArraySize(get(doc, "endpoints")), 0);
	ck_assert_int_eq(
	    cJSON_GetArraySize(get(get(doc, "scanner"), "parameters")), 0);
	assert_null(get(doc, "scanner"), "version");
	ck_assert_int_eq((int)get_num(get(doc, "summary"), "hosts"), 0);
	cJSON_Delete(doc);
}
END_TEST

/* ---- text ---- */

/* Offset of the first line that is exactly `line`, or -1. */
static long
line_at(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && memcmp(p, line, n) == 0)
			return p - text;
		if (!nl)
			break;
		p = nl + 1;
	}
	return -1;
}

static void
assert_no_control_bytes(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p < 0x7f),
		              "byte 0x%02x at offset %ld", *p,
		              (long)((const char *)p - text));
}

START_TEST(test_text_host_order)
{
	char *text = render("text", &plain_opts);
	long alpha = line_at(text, "alpha.example (192.0.2.10)");
	long beta = line_at(text, "beta.example (198.51.100.7)");

	/* the fixture relies on beta having the worse findings */
	ck_assert_int_gt(result_worst_severity(&results[2]),
	                 result_worst_severity(&results[0]));
	ck_assert_int_ge(alpha, 0);
	ck_assert_int_ge(beta, 0);
	ck_assert_int_lt(beta, alpha);
	/* endpoints of a host stay together, in the order given */
	ck_assert_ptr_nonnull(strstr(text, "\n  pop3 110  ok  TLS1.2 "));
	ck_assert_ptr_nonnull(
	    strstr(text, "\n  pop3s 995  closed - connection refused\n"));
	ck_assert(strstr(text, "\n  pop3 110") < strstr(text, "\n  pop3s 995"));
	ck_assert(strstr(text, "\n  imaps 993") < strstr(text, "\n  imap 143"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\n  imaps 993  ok  TLS1.3 TLS_AES_256_GCM_SHA384\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  imap 143  tls-error - "
	                                   "handshake failed after STARTTLS"));
	free(text);
}
END_TEST

/* Equal hosts' worst severities keep first-appearance order. */
START_TEST(test_text_host_order_stable)
{
	char *text;

	/* drop beta's findings: alpha is now worse and first anyway */
	for (size_t i = 0; i < results[2].nfindings; i++)
		free(results[2].findings[i].evidence);
	results[2].nfindings = 0;
	text = render("text", &plain_opts);
	ck_assert_int_lt(line_at(text, "alpha.example (192.0.2.10)"),
	                 line_at(text, "beta.example (198.51.100.7)"));
	free(text);

	/* no findings anywhere: first-appearance order */
	for (size_t i = 0; i < results[0].nfindings; i++)
		free(results[0].findings[i].evidence);
	results[0].nfindings = 0;
	text = render("text", &plain_opts);
	ck_assert_int_lt(line_at(text, "alpha.example (192.0.2.10)"),
	                 line_at(text, "beta.example (198.51.100.7)"));
	free(text);
}
END_TEST

/* The severity word of a finding line "    WORD  ID  ...", or -1. */
static int
finding_line_severity(const char *line)
{
	char word[16];
	size_t n = 0;

	if (strncmp(line, "    ", 4) != 0 || line[4] == ' ')
		return -1;
	for (line += 4; *line && *line != ' ' && n < sizeof(word) - 1;)
		word[n++] = *line++;
	word[n] = '\0';
	return severity_parse(word);
}

START_TEST(test_text_findings)
{
	char *text = render("text", &plain_opts);
	const struct check *cbc = catalog_find("TLS-CIPHER-CBC");
	const char *p, *line;
	char want[200];
	int prev = SEV_COUNT, nlines = 0;

	/* worst first within each endpoint */
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		int sev = finding_line_severity(line);

		if (strncmp(line, "  ", 2) != 0 || line[2] != ' ')
			prev = SEV_COUNT; /* a new endpoint or host */
		if (sev >= 0) {
			ck_assert_int_le(sev, prev);
			prev = sev;
			nlines++;
		}
		if (!strchr(line, '\n'))
			break;
	}
	ck_assert_int_eq(nlines, 6);

	/* the format of one line, with the evidence cut at 160 */
	snprintf(want, sizeof(want), "    %-8s  TLS-CIPHER-CBC  %s: ",
	         cbc->severity == SEV_CRITICAL ? "CRITICAL"
	         : cbc->severity == SEV_HIGH   ? "HIGH"
	         : cbc->severity == SEV_MEDIUM ? "MEDIUM"
	         : cbc->severity == SEV_LOW    ? "LOW"
	                                       : "INFO",
	         cbc->title);
	p = strstr(text, want);
	ck_assert_msg(p != NULL, "no line starting \"%s\"", want);
	p += strlen(want);
	ck_assert_uint_eq(strspn(p, "A"), 160);
	ck_assert(strncmp(p + 160, "...\n", 4) == 0);

	/* refs only for medium and above */
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		int sev = finding_line_severity(line);
		const char *next = strchr(line, '\n') + 1;
		bool has_refs = strncmp(next, "      refs: ", 12) == 0;

		if (sev >= 0 && sev < SEV_MEDIUM)
			ck_assert_msg(!has_refs, "refs below medium");
		if (!strchr(next, '\n'))
			break;
	}
	{
		const struct check *c = catalog_find("TLS-VERSION-SSL");
		char id[64];

		snprintf(id, sizeof(id), "  TLS-VERSION-SSL  ");
		p = strstr(text, id);
		ck_assert_ptr_nonnull(p);
		p = strchr(p, '\n') + 1;
		if (c->severity >= SEV_MEDIUM && c->refs[0])
			ck_assert(strncmp(p, "      refs: ", 12) == 0);
	}
	/* escaped banner evidence is shown as text, not interpreted */
	ck_assert_ptr_nonnull(strstr(text, "+OK \\x1b[2J\\x07 Dovecot ready."));
	free(text);
}
END_TEST

START_TEST(test_text_summary)
{
	char *text;
	char want[128];
	size_t gate;

	/* what the scan cost the servers (issue #13) */
	results[0].connections = 7;
	results[1].connections = 3;
	text = render("text", &plain_opts);
	results[0].connections = results[1].connections = 0;
	ck_assert_int_ge(line_at(text, "  connections: 10, 2.5 per endpoint"),
	                 0);
	ck_assert_int_ge(line_at(text, "Summary"), 0);
	ck_assert_int_ge(
	    line_at(text, "  endpoints: 4 (ok 2, closed 1, tls-error 1)"), 0);
	ck_assert_int_ge(line_at(text, "  hosts: 2"), 0);
	snprintf(want, sizeof(want),
	         "  findings: 6 (CRITICAL %zu, HIGH %zu, MEDIUM %zu, LOW %zu, "
	         "INFO %zu)",
	         count_sev(SEV_CRITICAL, SEV_HIGH, &gate),
	         count_sev(SEV_HIGH, SEV_HIGH, &gate),
	         count_sev(SEV_MEDIUM, SEV_HIGH, &gate),
	         count_sev(SEV_LOW, SEV_HIGH, &gate),
	         count_sev(SEV_INFO, SEV_HIGH, &gate));
	ck_assert_msg(line_at(text, want) >= 0, "missing \"%s\" in:\n%s", want,
	              text);
	snprintf(want, sizeof(want),
	         "  gate: fail-on HIGH: %zu finding(s) at or above", gate);
	ck_assert_msg(line_at(text, want) >= 0, "missing \"%s\"", want);
	ck_assert_int_ge(
	    line_at(text, "  unassessed: 1 endpoint(s) reachable but not "
	                  "assessed"),
	    0);
	ck_assert_int_ge(line_at(text, "  exit code 1: finding(s) at or above "
	                               "the fail-on threshold"),
	                 0);
	free(text);
}
END_TEST

START_TEST(test_text_no_control_bytes)
{
	char *text = render("text", &plain_opts);

	assert_no_control_bytes(text);
	ck_assert_ptr_null(strchr(text, '\033'));
	free(text);
}
END_TEST

/* Defence in depth: raw bytes that escaped escaping never reach the tty. */
START_TEST(test_text_guard_raw_bytes)
{
	char *text;

	free(results[0].findings[0].evidence);
	results[0].findings[0].evidence = xstrdup("raw \x1b[2J\x07\r\x7f\x9b"
	                                          "1m caf\xc3\xa9 end \xc2\xa7"
	                                          "1.2 \xe2\x9c\x94 \xa7");
	free(results[1].status_detail);
	results[1].status_detail = xstrdup("refused\x1b]0;pwned\x07");
	for (size_t i = 2; i < 4; i++) {
		free(results[i].endpoint.host);
		results[i].endpoint.host = xstrdup("beta\x1b[2J.example");
	}
	free(results[2].tls.cipher_suite);
	results[2].tls.cipher_suite = xstrdup("TLS\n\x1b[31mFAKE");

	text = render("text", &plain_opts);
	assert_no_control_bytes(text);
	ck_assert_ptr_nonnull(
	    strstr(text, "raw ?[2J????1m caf? end sec. 1.2 ? ?\n"));
	ck_assert_ptr_nonnull(strstr(text, "refused?]0;pwned?"));
	ck_assert_int_ge(line_at(text, "beta?[2J.example (198.51.100.7)"), 0);
	ck_assert_ptr_nonnull(strstr(text, "TLS??[31mFAKE"));
	free(text);

	text = render("text", &color_opts);
	ck_assert_ptr_nonnull(
	    strstr(text, "raw ?[2J????1m caf? end sec. 1.2 ? ?\n"));
	ck_assert_ptr_null(strstr(text, "\033[2J"));
	ck_assert_ptr_null(strstr(text, "\033]"));
	free(text);
}
END_TEST

/* Checks every ESC starts one of the reporter's SGR sequences. */
static void
assert_only_known_sgr(const char *text)
{
	static const char *const known[] = {
	    "\033[0m",  "\033[1;31m", "\033[31m",
	    "\033[33m", "\033[36m",   "\033[2m",
	};
	size_t nesc = 0;

	for (const char *p = text; *p; p++) {
		bool ok = false;

		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
			continue;
		if (*p == '\n')
			continue;
		ck_assert_msg(*p == '\033', "byte 0x%02x", (unsigned char)*p);
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strncmp(p, known[k], strlen(known[k])) == 0)
				ok = true;
		ck_assert_msg(ok, "unknown escape at: %.10s", p + 1);
		nesc++;
	}
	ck_assert_uint_gt(nesc, 0);
}

START_TEST(test_text_color)
{
	char *plain = render("text", &plain_opts);
	char *color = render("text", &color_opts);
	const char *p;

	ck_assert_ptr_null(strchr(plain, '\033'));
	ck_assert_ptr_nonnull(strstr(color, "\033["));
	assert_only_known_sgr(color);
	/* critical/high in red, the word itself reset afterwards */
	p = strstr(color, "\033[31mHIGH\033[0m");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(color, "\033[2mINFO\033[0m"));
	/* without the colour codes the two renderings are identical */
	{
		char *stripped = xstrdup(color);
		char *w = stripped;

		for (const char *r = color; *r;) {
			if (*r == '\033') {
				r = strchr(r, 'm') + 1;
				continue;
			}
			*w++ = *r++;
		}
		*w = '\0';
		ck_assert_str_eq(stripped, plain);
		free(stripped);
	}
	free(plain);
	free(color);
}
END_TEST

START_TEST(test_text_addresses)
{
	char *text;

	/* a host with two addresses lists both, and each endpoint its own */
	free(results[1].endpoint.address);
	results[1].endpoint.address = xstrdup("2001:db8::10");
	/* an IP-literal host does not repeat itself */
	free(results[2].endpoint.host);
	results[2].endpoint.host = xstrdup("198.51.100.7");
	free(results[3].endpoint.host);
	results[3].endpoint.host = xstrdup("198.51.100.7");
	text = render("text", &plain_opts);
	ck_assert_int_ge(line_at(text, "alpha.example (192.0.2.10, "
	                               "2001:db8::10)"),
	                 0);
	ck_assert_ptr_nonnull(strstr(text, "\n  pop3 110 (192.0.2.10)  ok"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\n  pop3s 995 (2001:db8::10)  closed"));
	ck_assert_int_ge(line_at(text, "198.51.100.7"), 0);
	ck_assert_ptr_nonnull(strstr(text, "\n  imaps 993  ok"));
	free(text);
}
END_TEST

START_TEST(test_text_empty_report)
{
	struct scan_report saved = rep;
	const struct report_options opt = {.fail_on = SEV_HIGH};
	char *text;

	rep.nresults = 0;
	rep.results = NULL;
	text = render("text", &opt);
	rep = saved;
	ck_assert_int_ge(line_at(text, "No endpoints were scanned."), 0);
	ck_assert_int_ge(line_at(text, "  endpoints: 0"), 0);
	ck_assert_int_ge(line_at(text, "  exit code 0: no finding at or above "
	                               "the fail-on threshold"),
	                 0);
	assert_no_control_bytes(text);
	free(text);
}
END_TEST

/* A full disk is reported as -1 with errno set, by both reporters. */
START_TEST(test_write_error)
{
	static const char *const names[] = {"text", "json"};

	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen("/dev/full", "w");

		if (!f)
			return; /* no /dev/full in this sandbox */
		errno = 0;
		ck_assert_int_eq(
		    reporter_by_name(names[i])->render(f, &rep, &plain_opts),
		    -1);
		ck_assert_int_eq(errno, ENOSPC);
		fclose(f);
	}
}
END_TEST

/* ---- remediation (issue #12) ---- */

/* alpha.example's pop3 endpoint is a recognised Dovecot; beta.example's
 * software is unknown. */
static void
mark_alpha_dovecot(void)
{
	results[0].implementation.product = xstrdup("dovecot");
	results[0].implementation.confidence = 90;
}

static const cJSON *
finding_of(const cJSON *doc, int ep, const char *id)
{
	const cJSON *fs =
	    get(cJSON_GetArrayItem(get(doc, "endpoints"), ep), "findings");

	for (const cJSON *f = fs->child; f; f = f->next)
		if (strcmp(get_str(f, "check"), id) == 0)
			return f;
	ck_abort_msg("endpoint %d has no %s", ep, id);
	return NULL;
}

START_TEST(test_json_remediation)
{
	cJSON *doc;
	const cJSON *rem;
	struct remediation want;

	mark_alpha_dovecot();
	doc = render_json();

	/* known product with a row: its own setting, cited */
	rem = get(finding_of(doc, 0, "INFO-BANNER-DISCLOSURE"), "remediation");
	ck_assert(
	    remediation_for(CHECK(INFO_BANNER_DISCLOSURE), "dovecot", &want));
	ck_assert_str_eq(get_str(rem, "text"), want.product_text);
	ck_assert_ptr_nonnull(strstr(get_str(rem, "text"), "login_greeting"));
	ck_assert_str_eq(get_str(rem, "product"), "dovecot");
	ck_assert_ptr_nonnull(strstr(get_str(rem, "cite"), "dovecot.org"));
	ck_assert_str_eq(get_str(rem, "generic"), want.generic);

	/* unknown software: generic text, no product, no citation */
	rem = get(finding_of(doc, 2, "CERT-CHAIN-UNTRUSTED"), "remediation");
	ck_assert(remediation_for(CHECK(CERT_CHAIN_UNTRUSTED), NULL, &want));
	ck_assert_str_eq(get_str(rem, "text"), want.generic);
	ck_assert_str_eq(get_str(rem, "generic"), want.generic);
	assert_null(rem, "product");
	assert_null(rem, "cite");

	/* every finding carries it */
	for (int i = 0; i < NRESULTS; i++) {
		const cJSON *fs = get(
		    cJSON_GetArrayItem(get(doc, "endpoints"), i), "findings");

		for (const cJSON *f = fs->child; f; f = f->next)
			get_str(get(f, "remediation"), "text");
	}
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_text_remediation)
{
	char *text;
	const char *p;
	size_t fixes = 0;
	struct remediation want;
	char line[512];

	mark_alpha_dovecot();
	text = render("text", &plain_opts);

	/* one fix line per finding */
	for (p = text; (p = strstr(p, "\n      fix")) != NULL; p++)
		fixes++;
	ck_assert_uint_eq(fixes, 6);

	ck_assert(
	    remediation_for(CHECK(INFO_BANNER_DISCLOSURE), "dovecot", &want));
	snprintf(line, sizeof(line), "\n      fix (Dovecot): %s\n",
	         want.product_text);
	ck_assert_msg(strstr(text, line), "no line %s", line);

	/* beta.example's software is unknown: the generic advice */
	ck_assert(remediation_for(CHECK(TLS_VERSION_SSL), NULL, &want));
	snprintf(line, sizeof(line), "\n      fix: %s\n", want.generic);
	ck_assert_msg(strstr(text, line), "no line %s", line);
	free(text);
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
reports_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("reports");
	TCase *tc;

	tc = tcase_create("registry");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reporter_by_name);
	tcase_add_test(tc, test_summarize);
	tcase_add_test(tc, test_summarize_empty);
	tcase_add_test(tc, test_group_hosts);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_json_top_level);
	tcase_add_test(tc, test_json_endpoint_ok_hostile_banner);
	tcase_add_test(tc, test_json_endpoint_closed);
	tcase_add_test(tc, test_json_endpoint_tls_error);
	tcase_add_test(tc, test_json_certificate_chain);
	tcase_add_test(tc, test_json_findings_order);
	tcase_add_test(tc, test_json_summary);
	tcase_add_test(tc, test_json_empty_report);
	tcase_add_test(tc, test_json_remediation);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_text_host_order);
	tcase_add_test(tc, test_text_host_order_stable);
	tcase_add_test(tc, test_text_findings);
	tcase_add_test(tc, test_text_summary);
	tcase_add_test(tc, test_text_no_control_bytes);
	tcase_add_test(tc, test_text_guard_raw_bytes);
	tcase_add_test(tc, test_text_color);
	tcase_add_test(tc, test_text_addresses);
	tcase_add_test(tc, test_text_empty_report);
	tcase_add_test(tc, test_text_remediation);
	suite_add_tcase(s, tc);
	return s;
}
