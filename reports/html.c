/*
 * --format html: one self-contained page for auditors. No network, no
 * JavaScript: inline CSS and inline SVG only, and a Content-Security-
 * Policy that forbids anything else. Sections: fleet posture (the gate's
 * verdict and counts), charts (findings by severity, findings by check, a
 * host x check compliance matrix, a certificate expiry timeline; drawn by
 * html_charts.c), findings grouped by check (html_findings.c), expired
 * waivers, every host with its endpoints, findings, evidence and
 * references, and the scan parameters. Every string is HTML-escaped. This
 * file writes the page and every section but the charts and the findings
 * by check.
 */
#include "reports/html.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

extern const struct reporter html_reporter;

/* Colours by severity (info .. critical), also used by the CSS. */
const char *const html_sev_color[SEV_COUNT] = {
    [SEV_INFO] = "#9ca3af",     [SEV_LOW] = "#0ea5e9",
    [SEV_MEDIUM] = "#f59e0b",   [SEV_HIGH] = "#dc2626",
    [SEV_CRITICAL] = "#7f1d1d",
};

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe "
    "UI',Roboto,sans-serif;"
    "margin:0;color:#111827;background:#f9fafb}"
    "header,section,footer{max-width:1100px;margin:0 auto;padding:0 24px}"
    "header{padding-top:24px}h1{font-size:24px;margin:0 0 4px}"
    "h2{font-size:19px;border-bottom:2px solid #e5e7eb;padding-bottom:4px;"
    "margin-top:32px}h3{font-size:16px;margin:24px 0 8px}"
    ".meta{color:#4b5563;margin:0}nav{max-width:1100px;margin:8px "
    "auto;padding:0 24px}"
    "nav a{margin-right:14px;color:#1d4ed8}"
    ".verdict{font-size:18px;font-weight:600;padding:12px "
    "16px;border-radius:6px;"
    "margin:12px 0}.pass{background:#dcfce7;color:#14532d}"
    ".fail{background:#fee2e2;color:#7f1d1d}"
    ".incomplete{background:#fef3c7;color:#78350f}"
    "table{border-collapse:collapse;margin:8px 0;background:#fff}"
    "th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;"
    "vertical-align:top}th{background:#f3f4f6}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:16px 0;background:#fff;border:1px solid "
    "#e5e7eb;padding:8px;"
    "overflow-x:auto}figcaption{font-weight:600;margin-bottom:6px}"
    /* a chart wider than the page shrinks (its viewBox keeps the
     * proportions) instead of being cut off behind a scroll bar */
    "figure svg{display:block;max-width:100%;height:auto}"
    ".kv th{white-space:nowrap}"
    /* one command-line parameter per box: lines break between
     * parameters, not inside "--resolve host:addr" */
    "td.argv code{display:inline-block;max-width:100%;"
    "overflow-wrap:anywhere;margin-right:8px}"
    ".host{background:#fff;border:1px solid #e5e7eb;border-radius:6px;"
    "padding:4px 16px 12px;margin:16px 0}"
    ".finding{border-left:5px solid #9ca3af;padding:4px 10px;margin:8px "
    "0;background:#fafafa}"
    ".finding p{margin:2px 0}.badge{display:inline-block;min-width:64px;"
    "font-weight:700;font-size:12px;color:#fff;padding:1px "
    "6px;border-radius:3px;"
    "text-align:center}.gate{font-weight:700;color:#b91c1c}"
    ".waived{font-weight:700;color:#6d28d9}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0;"
    "font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f3f4f6;"
    "padding:4px 6px}code{font:12px ui-monospace,Menlo,Consolas,monospace}"
    ".warn{background:#fef3c7;border:1px solid "
    "#f59e0b;padding:8px;border-radius:6px}"
    "footer{color:#6b7280;padding:32px 24px}"
    ".sev-critical{border-color:#7f1d1d}.sev-high{border-color:#dc2626}"
    ".sev-medium{border-color:#f59e0b}.sev-low{border-color:#0ea5e9}"
    ".sev-info{border-color:#9ca3af}";

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *fa = *(const struct finding *const *)a;
	const struct finding *fb = *(const struct finding *const *)b;

	if (fa->severity != fb->severity)
		return fa->severity > fb->severity ? -1 : 1;
	return strcmp(fa->check->id, fb->check->id);
}

/* ---- hosts ------------------------------------------------------------ */

/* Worst severity first, then first seen. */
static int
cmp_group(const void *a, const void *b)
{
	const struct host_group *x = a, *y = b;

	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	return x->members[0] < y->members[0] ? -1
	                                     : x->members[0] > y->members[0];
}

/* ---- sections --------------------------------------------------------- */

static void
put_verdict(FILE *out, const struct report_options *opt,
            const struct report_summary *s)
{
	const char *cls = opt->exit_code == 0   ? "pass"
	                  : opt->exit_code == 3 ? "incomplete"
	                                        : "fail";
	const char *word = opt->exit_code == 0   ? "PASS"
	                   : opt->exit_code == 3 ? "INCOMPLETE"
	                   : opt->exit_code == 1 ? "FAIL"
	                                         : "ERROR";

	fprintf(out,
	        "<div class=\"verdict %s\" id=\"verdict\">Gate: %s (exit code "
	        "%d): %zu finding(s) fail the gate",
	        cls, word, opt->exit_code, s->gate_failures);
	if (opt->gate)
		fprintf(out, ", %zu waived", s->waived);
	fprintf(out, "; %zu endpoint(s) not assessed</div>\n", s->incomplete);
}

static void
put_summary(FILE *out, const struct scan_report *rep,
            const struct report_options *opt, const struct report_summary *s)
{
	fputs("<section id=\"summary\"><h2>Fleet posture</h2>\n", out);
	put_verdict(out, opt, s);
	fputs("<table class=\"kv\"><tbody>\n", out);
	fprintf(
	    out,
	    "<tr><th>Hosts</th><td class=\"num\">%zu</td></tr>\n"
	    "<tr><th>Endpoints</th><td class=\"num\">%zu</td></tr>\n"
	    "<tr><th>Assessed (ok)</th><td class=\"num\">%zu</td></tr>\n"
	    "<tr><th>Not assessed</th><td class=\"num\">%zu</td></tr>\n"
	    "<tr><th>Nothing listening (closed, filtered, "
	    "unreachable)</th><td class=\"num\">%zu</td></tr>\n"
	    "<tr><th>Findings</th><td class=\"num\">%zu</td></tr>\n"
	    "<tr><th>Findings failing the gate</th><td "
	    "class=\"num\">%zu</td></tr>\n",
	    s->hosts, s->endpoints, s->by_status[EP_STATUS_OK], s->unassessed,
	    s->by_status[EP_STATUS_CLOSED] + s->by_status[EP_STATUS_FILTERED] +
	        s->by_status[EP_STATUS_UNREACHABLE],
	    s->findings, s->gate_failures);
	if (opt->gate)
		fprintf(out,
		        "<tr><th>Findings waived</th><td "
		        "class=\"num\">%zu</td></tr>\n",
		        s->waived);
	fputs("</tbody></table>\n<table class=\"status\"><thead><tr>", out);
	for (int i = 0; i < EP_STATUS_COUNT; i++)
		fprintf(out, "<th>%s</th>",
		        endpoint_status_name((enum endpoint_status)i));
	fputs("</tr></thead><tbody><tr>", out);
	for (int i = 0; i < EP_STATUS_COUNT; i++)
		fprintf(out, "<td class=\"num\">%zu</td>", s->by_status[i]);
	fputs("</tr></tbody></table>\n<table class=\"severity\"><thead><tr>",
	      out);
	for (int i = SEV_COUNT - 1; i >= 0; i--)
		fprintf(out, "<th>%s</th>", severity_name((enum severity)i));
	fputs("</tr></thead><tbody><tr>", out);
	for (int i = SEV_COUNT - 1; i >= 0; i--)
		fprintf(out, "<td class=\"num\">%zu</td>", s->by_severity[i]);
	fputs("</tr></tbody></table>\n", out);
	(void)rep;
	fputs("</section>\n", out);
}

static void
put_waivers(FILE *out, const struct gate_summary *g)
{
	fputs("<section id=\"waivers\"><h2>Waivers</h2>\n", out);
	if (!g || !g->waivers_file) {
		fputs("<p>No waiver file was used.</p></section>\n", out);
		return;
	}
	fputs("<p>Waiver file <code>", out);
	h(out, g->waivers_file);
	fprintf(out, "</code>: %zu entr%s, %zu expired.</p>\n",
	        g->waivers_total, g->waivers_total == 1 ? "y" : "ies",
	        g->nexpired);
	for (size_t i = 0; i < g->nexpired; i++) {
		const struct gate_expired *x = &g->expired[i];

		fprintf(out,
		        "<p class=\"warn\">Warning: waiver [%zu] for "
		        "<code>",
		        x->index);
		h(out, x->check);
		fputs("</code>", out);
		if (x->endpoint) {
			fputs(" on <code>", out);
			h(out, x->endpoint);
			fputs("</code>", out);
		}
		fputs(" expired on ", out);
		h(out, x->expires);
		fprintf(out,
		        " and no longer applies (%zu finding(s) would "
		        "match). Reason given: ",
		        x->findings);
		h(out, x->reason);
		fputs("</p>\n", out);
	}
	fputs("</section>\n", out);
}

static void
put_cert_cell(FILE *out, const struct endpoint_result *r)
{
	const struct cert_facts *c;
	char d[32];

	if (!r->tls.chain.ncerts) {
		fputs("<td>-</td>", out);
		return;
	}
	c = &r->tls.chain.certs[0];
	date_of(c->not_after, d, sizeof(d));
	fputs("<td>", out);
	h(out, c->common_name ? c->common_name : c->subject);
	fputs("<br>expires ", out);
	h(out, d);
	fputs("<br>", out);
	h(out, c->key_algorithm);
	fprintf(out, " %u bits, %s</td>", c->key_bits,
	        r->tls.chain.trusted ? "trusted" : "not trusted");
}

/* What to change (issue #12), one line: the product's own setting with
 * its source when the server software is known, else the generic fix. */
static void
put_fix(FILE *out, const struct check *c, const char *product)
{
	struct remediation rem;

	if (!remediation_for(c, product, &rem))
		return;
	fputs("<p class=\"fix\"><strong>Fix", out);
	if (rem.product_text) {
		fputs(" (", out);
		h(out, remediation_product_label(product));
		fputs(")", out);
	}
	fputs(":</strong> ", out);
	h(out, rem.product_text ? rem.product_text : rem.generic);
	if (rem.product_text) {
		fputs(" <small>Source: ", out);
		h(out, rem.product_cite);
		fputs("</small>", out);
	}
	fputs("</p>\n", out);
}

static void
put_finding(FILE *out, const struct finding *f,
            const struct report_options *opt, const char *product)
{
	const struct check *c = f->check;

	fprintf(out,
	        "<div class=\"finding sev-%s\"><p><span class=\"badge\" "
	        "style=\"background:%s\">%s</span> <code>",
	        severity_name(f->severity), html_sev_color[f->severity],
	        severity_name(f->severity));
	h(out, c->id);
	fputs("</code> ", out);
	h(out, c->title);
	if (report_finding_fails(opt, f))
		fputs(" <span class=\"gate\">fails the gate</span>", out);
	if (report_finding_waived(opt, f)) {
		fputs(" <span class=\"waived\">waived: ", out);
		h(out, f->waiver_reason);
		fputs("</span>", out);
	}
	fputs("</p>\n", out);
	if (f->evidence && *f->evidence) {
		fputs("<p>Evidence:</p><pre>", out);
		h(out, f->evidence);
		fputs("</pre>\n", out);
	}
	fputs("<p>", out);
	h(out, c->description);
	fputs("</p>\n", out);
	if (c->refs[0]) {
		fputs("<p>References: ", out);
		for (size_t k = 0; k < CHECK_MAX_REFS && c->refs[k]; k++) {
			if (k)
				fputs("; ", out);
			h(out, c->refs[k]);
		}
		fputs("</p>\n", out);
	}
	put_fix(out, c, product);
	fputs("</div>\n", out);
}

/* The recognised server software under the endpoint's header (issue
 * #12). */
static void
put_implementation(FILE *out, const struct impl_facts *i)
{
	if (!i->product)
		return;
	fputs("<p class=\"impl\">Server: <b>", out);
	h(out, i->product);
	if (i->version) {
		fputs(" ", out);
		h(out, i->version);
	}
	fprintf(out, "</b> (confidence %u%%", i->confidence);
	if (i->evidence) {
		fputs(": ", out);
		h(out, i->evidence);
	}
	fputs(")</p>\n", out);
}

static void
put_details(FILE *out, const struct endpoint_result *r)
{
	char *uri;

	if (!r->banner && !r->transcript && !r->caps_before_tls.n &&
	    !r->caps_after_tls.n)
		return;
	uri = report_endpoint_uri(&r->endpoint);
	fputs("<details><summary>Conversation of ", out);
	h(out, uri);
	fputs("</summary>\n", out);
	free(uri);
	if (r->banner) {
		fputs("<p>Greeting:</p><pre>", out);
		h(out, r->banner);
		fputs("</pre>\n", out);
	}
	if (r->caps_before_tls.n || r->caps_after_tls.n) {
		fputs("<p>Capabilities before TLS:</p><pre>", out);
		for (size_t i = 0; i < r->caps_before_tls.n; i++) {
			h(out, r->caps_before_tls.items[i]);
			putc('\n', out);
		}
		fputs("</pre><p>Capabilities after TLS:</p><pre>", out);
		for (size_t i = 0; i < r->caps_after_tls.n; i++) {
			h(out, r->caps_after_tls.items[i]);
			putc('\n', out);
		}
		fputs("</pre>\n", out);
	}
	if (r->transcript) {
		fputs("<p>Transcript (escaped):</p><pre>", out);
		h(out, r->transcript);
		fputs("</pre>\n", out);
	}
	fputs("</details>\n", out);
}

static void
put_host(FILE *out, const struct scan_report *rep, const struct host_group *g,
         size_t idx, const struct report_options *opt)
{
	fprintf(out, "<article class=\"host\" id=\"host-%zu\"><h3>", idx);
	h(out, *g->host ? g->host : "(no host)");
	fputs("</h3>\n<table class=\"endpoints\"><thead><tr><th>Service</th>"
	      "<th>Port</th><th>Address</th><th>Status</th><th>TLS</th>"
	      "<th>Certificate</th><th>Findings</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < g->n; i++) {
		const struct endpoint_result *r = &rep->results[g->members[i]];
		const struct service *svc = r->endpoint.service;

		fputs("<tr><td>", out);
		h(out, svc ? svc->name : "?");
		fprintf(out, "</td><td class=\"num\">%u</td><td>",
		        (unsigned)r->endpoint.port);
		h(out, r->endpoint.address);
		fputs("</td><td>", out);
		h(out, endpoint_status_name(r->status));
		if (r->status != EP_STATUS_OK && r->status_detail) {
			fputs(": ", out);
			h(out, r->status_detail);
		}
		fputs("</td><td>", out);
		if (r->tls.handshake_done) {
			h(out, r->tls.version);
			fputs(" ", out);
			h(out, r->tls.cipher_suite);
		} else if (r->tls.error) {
			fputs("failed: ", out);
			h(out, r->tls.error);
		} else {
			fputs("-", out);
		}
		fputs("</td>", out);
		put_cert_cell(out, r);
		fprintf(out, "<td class=\"num\">%zu</td></tr>\n", r->nfindings);
	}
	fputs("</tbody></table>\n", out);
	for (size_t i = 0; i < g->n; i++) {
		const struct endpoint_result *r = &rep->results[g->members[i]];
		const struct finding **v;
		char *uri;

		if (r->nfindings) {
			uri = report_endpoint_uri(&r->endpoint);
			fputs("<h4>", out);
			h(out, uri);
			if (r->endpoint.address && *r->endpoint.address) {
				fputs(" (", out);
				h(out, r->endpoint.address);
				fputs(")", out);
			}
			fputs("</h4>\n", out);
			put_implementation(out, &r->implementation);
			free(uri);
			v = xreallocarray(NULL, r->nfindings, sizeof(*v));
			for (size_t j = 0; j < r->nfindings; j++)
				v[j] = &r->findings[j];
			qsort(v, r->nfindings, sizeof(*v), cmp_finding);
			for (size_t j = 0; j < r->nfindings; j++)
				put_finding(out, v[j], opt,
				            r->implementation.product);
			free(v);
		}
		put_details(out, r);
	}
	fputs("</article>\n", out);
}

static void
put_parameters(FILE *out, const struct scan_report *rep,
               const struct report_options *opt)
{
	const struct gate_summary *g = opt->gate;
	int threshold = report_threshold(opt);
	char t0[32], t1[32];

	report_time_iso(rep->started.tv_sec, t0, sizeof(t0));
	report_time_iso(rep->finished.tv_sec, t1, sizeof(t1));
	fputs("<section id=\"parameters\"><h2>Scan parameters</h2>\n"
	      "<table class=\"kv\"><tbody>\n<tr><th>Scanner</th><td>mailaudit ",
	      out);
	h(out, rep->scanner_version ? rep->scanner_version : "");
	fputs("</td></tr>\n<tr><th>Started</th><td>", out);
	h(out, t0);
	fputs("</td></tr>\n<tr><th>Finished</th><td>", out);
	h(out, t1);
	fputs("</td></tr>\n<tr><th>Profiles</th><td>", out);
	for (size_t i = 0; g && i < g->nprofiles; i++) {
		if (i)
			fputs(", ", out);
		h(out, g->profiles[i]);
	}
	if (!g || !g->nprofiles)
		fputs("(none)", out);
	fputs("</td></tr>\n<tr><th>Fail on severity</th><td>", out);
	h(out,
	  threshold >= 0 ? severity_name((enum severity)threshold) : "(none)");
	fprintf(out,
	        "</td></tr>\n<tr><th>Allow incomplete</th><td>%s</td></tr>\n"
	        "<tr><th>Waivers</th><td>",
	        g && g->allow_incomplete ? "yes" : "no");
	h(out, g && g->waivers_file ? g->waivers_file : "(none)");
	fprintf(out,
	        "</td></tr>\n<tr><th>Exit code</th><td>%d</td></tr>\n"
	        "<tr><th>Command-line parameters</th><td class=\"argv\">",
	        opt->exit_code);
	for (char **p = rep->argv_summary; p && *p; p++) {
		fputs("<code>", out);
		h(out, *p);
		fputs("</code> ", out);
	}
	fputs("</td></tr>\n</tbody></table>\n</section>\n", out);
}

static int
html_render(FILE *out, const struct scan_report *rep,
            const struct report_options *opt)
{
	struct report_summary s;
	struct host_group *groups;
	size_t *members;
	size_t ng;
	char t0[32];

	errno = 0;
	report_summarize_opt(rep, opt, &s);
	ng = report_group_hosts(rep, &groups, &members);
	qsort(groups, ng, sizeof(*groups), cmp_group);
	report_time_iso(rep->started.tv_sec, t0, sizeof(t0));

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<meta name=\"generator\" content=\"mailaudit\">\n<title>",
	      out);
	fprintf(out, "mailaudit report: %zu host(s), ", s.hosts);
	h(out, t0);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	fputs("<header><h1>mailaudit compliance report</h1><p "
	      "class=\"meta\">POP3/IMAP transport security. Scan started ",
	      out);
	h(out, t0);
	fputs(" by mailaudit ", out);
	h(out, rep->scanner_version ? rep->scanner_version : "");
	fputs(".</p></header>\n<nav><a href=\"#summary\">Posture</a><a "
	      "href=\"#charts\">Charts</a><a href=\"#findings\">Findings</a>"
	      "<a href=\"#waivers\">Waivers</a>"
	      "<a href=\"#hosts\">Hosts</a><a "
	      "href=\"#parameters\">Parameters</a></nav>\n",
	      out);
	put_summary(out, rep, opt, &s);
	fputs("<section id=\"charts\"><h2>Charts</h2>\n", out);
	html_put_charts(out, rep, opt, &s, groups, ng);
	fputs("</section>\n", out);
	html_put_findings(out, rep, opt, groups, ng);
	put_waivers(out, opt->gate);
	fputs("<section id=\"hosts\"><h2>Hosts</h2>\n", out);
	if (!ng)
		fputs("<p>No endpoints were scanned.</p>\n", out);
	for (size_t i = 0; i < ng; i++)
		put_host(out, rep, &groups[i], i, opt);
	fputs("</section>\n", out);
	put_parameters(out, rep, opt);
	fputs("<footer>Generated by mailaudit. Every string a server sent is "
	      "shown escaped; this page loads nothing and runs no "
	      "scripts.</footer>\n</body>\n</html>\n",
	      out);
	free(members);
	free(groups);
	if (fflush(out) == EOF || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

const struct reporter html_reporter = {
    .name = "html",
    .render = html_render,
};
