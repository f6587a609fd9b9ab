/*
 * --format html: one self-contained page for auditors. No network, no
 * JavaScript: inline CSS and inline SVG only, and a Content-Security-
 * Policy that forbids anything else. Sections: fleet posture (the gate's
 * verdict and counts), charts (findings by severity, findings by check, a
 * host x check compliance matrix, a certificate expiry timeline), expired
 * waivers, every host with its endpoints, findings, evidence and
 * references, and the scan parameters. Every string is HTML-escaped.
 */
#include "reports/report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

extern const struct reporter html_reporter;

#define MATRIX_MAX_HOSTS  150
#define MATRIX_MAX_CHECKS 40
#define TIMELINE_MAX      60
#define DAY               86400.0

/* Colours by severity (info .. critical), also used by the CSS. */
static const char *const sev_color[SEV_COUNT] = {
    [SEV_INFO] = "#9ca3af",     [SEV_LOW] = "#0ea5e9",
    [SEV_MEDIUM] = "#f59e0b",   [SEV_HIGH] = "#dc2626",
    [SEV_CRITICAL] = "#7f1d1d",
};

#define COLOR_WAIVED   "#a78bfa"
#define COLOR_CLEAN    "#dcfce7"
#define COLOR_UNASSESS "#d1d5db"
#define COLOR_NOTHING  "#ffffff"

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

static void
h(FILE *out, const char *s)
{
	report_put_markup(out, s ? s : "");
}

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

struct host_ref {
	const char *host;
	size_t index;
};

struct host_group {
	const char *host;
	size_t *members; /* endpoint indexes, report order */
	size_t n;
	size_t first;
	int worst; /* worst severity, -1 if none */
	bool any_ok;
	bool any_unassessed;
};

static int
cmp_ref(const void *a, const void *b)
{
	const struct host_ref *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct host_group *x = a, *y = b;

	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Groups the endpoints by host: worst first, then first seen. */
static struct host_group *
group_hosts(const struct scan_report *rep, size_t *ngroups_r)
{
	size_t n = rep->nresults, ng = 0;
	struct host_ref *refs = xreallocarray(NULL, n ? n : 1, sizeof(*refs));
	struct host_group *g = xcalloc(n ? n : 1, sizeof(*g));

	for (size_t i = 0; i < n; i++) {
		refs[i].host = rep->results[i].endpoint.host
		                   ? rep->results[i].endpoint.host
		                   : "";
		refs[i].index = i;
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 0; i < n; i++) {
		const struct endpoint_result *r = &rep->results[refs[i].index];
		struct host_group *cur;
		int w = result_worst_severity(r);

		if (i == 0 || strcmp(refs[i - 1].host, refs[i].host) != 0) {
			g[ng].host = refs[i].host;
			g[ng].members = xreallocarray(NULL, n, sizeof(size_t));
			g[ng].first = refs[i].index;
			g[ng].worst = -1;
			ng++;
		}
		cur = &g[ng - 1];
		cur->members[cur->n++] = refs[i].index;
		if (w > cur->worst)
			cur->worst = w;
		cur->any_ok = cur->any_ok || r->status == EP_STATUS_OK;
		cur->any_unassessed = cur->any_unassessed ||
		                      endpoint_status_is_unassessed(r->status);
	}
	free(refs);
	qsort(g, ng, sizeof(*g), cmp_group);
	*ngroups_r = ng;
	return g;
}

static void
free_groups(struct host_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].members);
	free(g);
}

/* ---- counts by check ---------------------------------------------------- */

struct check_count {
	const struct check *check;
	size_t n;
};

static int
cmp_count(const void *a, const void *b)
{
	const struct check_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->check->id, y->check->id);
}

/* Checks with at least one finding, most frequent first. */
static struct check_count *
count_checks(const struct scan_report *rep, size_t *n_r)
{
	const struct check *cat;
	size_t ncat, n = 0;
	struct check_count *all;

	cat = catalog_all(&ncat);
	all = xcalloc(ncat ? ncat : 1, sizeof(*all));
	for (size_t k = 0; k < ncat; k++)
		all[k].check = &cat[k];
	for (size_t i = 0; i < rep->nresults; i++)
		for (size_t j = 0; j < rep->results[i].nfindings; j++)
			for (size_t k = 0; k < ncat; k++)
				if (all[k].check ==
				    rep->results[i].findings[j].check) {
					all[k].n++;
					break;
				}
	qsort(all, ncat, sizeof(*all), cmp_count);
	while (n < ncat && all[n].n)
		n++;
	*n_r = n;
	return all;
}

/* ---- charts --------------------------------------------------------- */

static void
chart_severity(FILE *out, const struct report_summary *s)
{
	const int w = 520, hgt = 230, base = 190, top = 30, bw = 60;
	size_t max = 1;

	for (int i = 0; i < SEV_COUNT; i++)
		if (s->by_severity[i] > max)
			max = s->by_severity[i];
	fprintf(
	    out,
	    "<figure id=\"chart-severity\"><figcaption>Findings by "
	    "severity</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"Findings by severity\">\n",
	    w, hgt, w, hgt);
	fprintf(out,
	        "<line x1=\"20\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	        "stroke=\"#6b7280\"/>\n",
	        base, w - 20, base);
	for (int k = 0; k < SEV_COUNT; k++) {
		int i = SEV_COUNT - 1 - k; /* critical first */
		double bh = (double)(base - top) * (double)s->by_severity[i] /
		            (double)max;
		int x = 40 + k * 95;

		fprintf(out,
		        "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" "
		        "height=\"%.1f\" fill=\"%s\"><title>%s: %zu"
		        "</title></rect>\n",
		        x, base - bh, bw, bh, sev_color[i],
		        severity_name((enum severity)i), s->by_severity[i]);
		fprintf(out,
		        "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" "
		        "font-size=\"13\">%zu</text>\n",
		        x + bw / 2, base - bh - 6, s->by_severity[i]);
		fprintf(out,
		        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		        "font-size=\"13\">%s</text>\n",
		        x + bw / 2, base + 20, severity_name((enum severity)i));
	}
	fputs("</svg></figure>\n", out);
}

static void
chart_checks(FILE *out, const struct check_count *cc, size_t n)
{
	const int label = 300, barw = 360, row = 22;
	int hgt = (int)(n ? n : 1) * row + 20;
	size_t max = n ? cc[0].n : 1;

	fprintf(out,
	        "<figure id=\"chart-checks\"><figcaption>Findings by check "
	        "(endpoints with the finding)</figcaption>\n<svg "
	        "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	        "aria-label=\"Findings by check\">\n",
	        label + barw + 60, hgt, label + barw + 60, hgt);
	if (!n)
		fputs("<text x=\"10\" y=\"20\" font-size=\"13\">No "
		      "findings.</text>\n",
		      out);
	for (size_t i = 0; i < n; i++) {
		double bw = (double)barw * (double)cc[i].n / (double)max;
		int y = 10 + (int)i * row;

		fprintf(out,
		        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		        "font-size=\"12\" font-family=\"monospace\">",
		        label - 8, y + 14);
		h(out, cc[i].check->id);
		fprintf(out,
		        "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
		        "height=\"%d\" fill=\"%s\"><title>",
		        label, y + 2, bw, row - 6,
		        sev_color[cc[i].check->severity]);
		h(out, cc[i].check->title);
		fprintf(out,
		        ": %zu</title></rect>\n<text x=\"%.1f\" y=\"%d\" "
		        "font-size=\"12\">%zu</text>\n",
		        cc[i].n, label + bw + 6, y + 14, cc[i].n);
	}
	fputs("</svg></figure>\n", out);
}

/* State of (host, check) in the matrix. */
enum cell {
	CELL_NOTHING,    /* no endpoint listening */
	CELL_UNASSESSED, /* not assessed, no finding */
	CELL_CLEAN,      /* assessed, no finding */
	CELL_WAIVED,     /* findings, all waived */
	CELL_FINDING,    /* worst severity in *sev */
};

static enum cell
cell_of(const struct scan_report *rep, const struct report_options *opt,
        const struct host_group *g, const struct check *c, int *sev,
        bool *gate_fail)
{
	bool any = false, all_waived = true;

	*sev = -1;
	*gate_fail = false;
	for (size_t i = 0; i < g->n; i++) {
		const struct endpoint_result *r = &rep->results[g->members[i]];

		for (size_t j = 0; j < r->nfindings; j++) {
			const struct finding *f = &r->findings[j];

			if (f->check != c)
				continue;
			any = true;
			all_waived =
			    all_waived && report_finding_waived(opt, f);
			*gate_fail = *gate_fail || report_finding_fails(opt, f);
			if ((int)f->severity > *sev)
				*sev = (int)f->severity;
		}
	}
	if (any)
		return all_waived ? CELL_WAIVED : CELL_FINDING;
	if (g->any_ok)
		return CELL_CLEAN;
	return g->any_unassessed ? CELL_UNASSESSED : CELL_NOTHING;
}

static void
legend_item(FILE *out, int x, int y, const char *color, const char *text)
{
	fprintf(out,
	        "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
	        "fill=\"%s\" stroke=\"#9ca3af\"/><text x=\"%d\" y=\"%d\" "
	        "font-size=\"11\">%s</text>\n",
	        x, y, color, x + 16, y + 10, text);
}

static void
chart_matrix(FILE *out, const struct scan_report *rep,
             const struct report_options *opt, const struct host_group *g,
             size_t ng, const struct check_count *cc, size_t ncc)
{
	const int label = 260, cell = 18;
	size_t rows = ng < MATRIX_MAX_HOSTS ? ng : MATRIX_MAX_HOSTS;
	size_t cols = ncc < MATRIX_MAX_CHECKS ? ncc : MATRIX_MAX_CHECKS;
	size_t longest = 8;
	int head, w, hgt;

	/* Column labels are check ids in 11 px monospace (about 6.7 px a
	 * character) rotated by -60 degrees: a label of n characters rises
	 * n * 6.7 * sin 60 above its column and reaches n * 6.7 * cos 60 to
	 * its right. The header and the right margin are sized for the
	 * longest one, so no label is cut off. */
	for (size_t c = 0; c < cols; c++)
		if (strlen(cc[c].check->id) > longest)
			longest = strlen(cc[c].check->id);
	head = (int)((double)longest * 6.7 * 0.87) + 24;
	w = label + (int)cols * cell + (int)((double)longest * 6.7 * 0.5) + 24;
	/* without a finding there is no column: just the sentence */
	hgt = cols ? head + (int)rows * cell + 60 : 32;
	if (w < 620)
		w = 620;
	fputs("<figure id=\"chart-matrix\"><figcaption>Compliance matrix: "
	      "host x check (worst severity per host)",
	      out);
	if (rows < ng || cols < ncc)
		fprintf(out, "; showing %zu of %zu hosts, %zu of %zu checks",
		        rows, ng, cols, ncc);
	fprintf(out,
	        "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	        "aria-label=\"Host by check compliance matrix\">\n",
	        w, hgt, w, hgt);
	if (!cols) {
		bool any_ok = false;

		for (size_t r = 0; r < ng; r++)
			any_ok = any_ok || g[r].any_ok;
		fprintf(
		    out, "<text x=\"10\" y=\"20\" font-size=\"13\">%s</text>\n",
		    any_ok ? "No findings: every assessed host is clean for "
		             "every check."
		           : "No findings, and no endpoint was assessed.");
	}
	for (size_t c = 0; c < cols; c++) {
		int x = label + (int)c * cell + cell / 2;

		fprintf(out,
		        "<text transform=\"translate(%d,%d) rotate(-60)\" "
		        "font-size=\"11\" font-family=\"monospace\">",
		        x + 4, head - 6);
		h(out, cc[c].check->id);
		fputs("</text>\n", out);
	}
	for (size_t r = 0; r < rows && cols; r++) {
		int y = head + (int)r * cell;

		/* the host name links to its section below */
		fprintf(out,
		        "<a href=\"#host-%zu\"><text x=\"%d\" y=\"%d\" "
		        "text-anchor=\"end\" font-size=\"11\" "
		        "fill=\"#1d4ed8\">",
		        r, label - 6, y + 13);
		h(out, *g[r].host ? g[r].host : "(no host)");
		fputs("</text></a>\n", out);
		for (size_t c = 0; c < cols; c++) {
			int sev;
			bool gf;
			enum cell st =
			    cell_of(rep, opt, &g[r], cc[c].check, &sev, &gf);

			/* a finding always has a severity; never index by -1 */
			if (st == CELL_FINDING && (sev < 0 || sev >= SEV_COUNT))
				sev = SEV_INFO;
			const char *color = st == CELL_FINDING  ? sev_color[sev]
			                    : st == CELL_WAIVED ? COLOR_WAIVED
			                    : st == CELL_CLEAN  ? COLOR_CLEAN
			                    : st == CELL_UNASSESSED
			                        ? COLOR_UNASSESS
			                        : COLOR_NOTHING;
			const char *what =
			    st == CELL_FINDING
			        ? severity_name((enum severity)sev)
			    : st == CELL_WAIVED     ? "waived"
			    : st == CELL_CLEAN      ? "no finding"
			    : st == CELL_UNASSESSED ? "not assessed"
			                            : "nothing listening";

			fprintf(out,
			        "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			        "height=\"%d\" fill=\"%s\" stroke=\"%s\" "
			        "stroke-width=\"%s\"><title>",
			        label + (int)c * cell, y, cell - 2, cell - 2,
			        color, gf ? "#111827" : "#e5e7eb",
			        gf ? "2" : "1");
			h(out, g[r].host);
			fputs(" x ", out);
			h(out, cc[c].check->id);
			fprintf(out, ": %s%s</title></rect>\n", what,
			        gf ? " (fails the gate)" : "");
		}
	}
	if (cols) {
		int y = head + (int)rows * cell + 20, x = 10;

		legend_item(out, x, y, sev_color[SEV_CRITICAL], "critical");
		legend_item(out, x + 80, y, sev_color[SEV_HIGH], "high");
		legend_item(out, x + 140, y, sev_color[SEV_MEDIUM], "medium");
		legend_item(out, x + 215, y, sev_color[SEV_LOW], "low");
		legend_item(out, x + 265, y, sev_color[SEV_INFO], "info");
		legend_item(out, x + 315, y, COLOR_WAIVED, "waived");
		legend_item(out, x + 385, y, COLOR_CLEAN, "no finding");
		legend_item(out, x + 475, y, COLOR_UNASSESS, "not assessed");
		fprintf(out,
		        "<text x=\"%d\" y=\"%d\" font-size=\"11\">dark "
		        "border: fails the gate</text>\n",
		        x, y + 28);
	}
	fputs("</svg></figure>\n", out);
}

struct cert_row {
	const char *host;
	const struct cert_facts *cert;
	unsigned port;
};

static int
cmp_cert_row(const void *a, const void *b)
{
	const struct cert_row *x = a, *y = b;

	if (x->cert->not_after != y->cert->not_after)
		return x->cert->not_after < y->cert->not_after ? -1 : 1;
	return strcmp(x->host, y->host);
}

static void
date_of(time_t t, char *buf, size_t len)
{
	report_time_iso(t, buf, len);
	if (strlen(buf) > 10)
		buf[10] = '\0';
}

/* First day of the month t falls in, plus months (UTC). */
static time_t
month_start(time_t t, int months)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return t;
	tm.tm_mon += months;
	tm.tm_year += tm.tm_mon / 12;
	tm.tm_mon %= 12;
	if (tm.tm_mon < 0) {
		tm.tm_mon += 12;
		tm.tm_year--;
	}
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return timegm(&tm);
}

static const char *
expiry_color(double days)
{
	return days < 0    ? "#dc2626"
	       : days < 14 ? "#f59e0b"
	       : days < 30 ? "#facc15"
	                   : "#16a34a";
}

/* Leaf certificates (one per host and fingerprint), soonest expiry
 * first, on a time axis around the scan date. */
static void
chart_expiry(FILE *out, const struct scan_report *rep)
{
	const int label = 300, axis = 520, row = 20, top = 40;
	struct cert_row *rows =
	    xcalloc(rep->nresults ? rep->nresults : 1, sizeof(*rows));
	size_t n = 0, shown;
	time_t now = rep->started.tv_sec, lo, hi, pad;
	double span;
	int hgt, step, bottom;

	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];
		const struct cert_facts *c;
		bool dup = false;

		if (!r->tls.chain.ncerts)
			continue;
		c = &r->tls.chain.certs[0];
		for (size_t k = 0; k < n && !dup; k++)
			dup = strcmp(rows[k].host, r->endpoint.host
			                               ? r->endpoint.host
			                               : "") == 0 &&
			      rows[k].cert->sha256 && c->sha256 &&
			      strcmp(rows[k].cert->sha256, c->sha256) == 0;
		if (dup)
			continue;
		rows[n].host = r->endpoint.host ? r->endpoint.host : "";
		rows[n].cert = c;
		rows[n].port = r->endpoint.port;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_cert_row);
	shown = n < TIMELINE_MAX ? n : TIMELINE_MAX;
	/* the axis: 30 days before the scan (or the earliest expiry, up to
	 * a year back) to a year after it (or the latest expiry, up to two
	 * years ahead), with a margin on both sides so that no expiry sits
	 * on an edge; dates outside are pinned to the edges and drawn as
	 * arrows pointing off the axis */
	lo = now - 30 * 86400;
	hi = now + 365 * 86400;
	for (size_t i = 0; i < shown; i++) {
		time_t t = rows[i].cert->not_after;

		if (t < lo && t >= now - 365 * 86400)
			lo = t;
		if (t > hi && t <= now + 730 * 86400)
			hi = t;
	}
	pad = (hi - lo) / 20;
	lo -= pad;
	hi += pad;
	span = (double)(hi - lo);
	/* ticks on the first of a month, every 1, 2, 3, 6 or 12 months,
	 * at most 7 of them */
	step = span / DAY <= 7 * 31    ? 1
	       : span / DAY <= 14 * 31 ? 2
	       : span / DAY <= 21 * 31 ? 3
	       : span / DAY <= 42 * 31 ? 6
	                               : 12;
	bottom = top + (int)(shown ? shown : 1) * row;
	hgt = n ? bottom + 62 : 32;
	fputs("<figure id=\"chart-expiry\"><figcaption>Certificate expiry "
	      "timeline (leaf certificates, soonest first",
	      out);
	if (shown < n)
		fprintf(out, "; showing %zu of %zu", shown, n);
	fprintf(out,
	        ")</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	        "aria-label=\"Certificate expiry timeline\">\n",
	        label + axis + 170, hgt, label + axis + 170, hgt);
	if (!n)
		fputs("<text x=\"10\" y=\"20\" font-size=\"13\">No "
		      "certificates were received.</text>\n",
		      out);
	for (time_t at = month_start(lo, 1); n && at < hi;
	     at = month_start(at, 1)) {
		struct tm tm;
		double x = label + axis * (double)(at - lo) / span;

		if (!gmtime_r(&at, &tm) || tm.tm_mon % step)
			continue;
		fprintf(out,
		        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		        "stroke=\"#e5e7eb\"/><text x=\"%.1f\" y=\"%d\" "
		        "text-anchor=\"middle\" font-size=\"11\" "
		        "fill=\"#4b5563\">%04d-%02d</text>\n",
		        x, top - 8, x, bottom, x, top - 14, tm.tm_year + 1900,
		        tm.tm_mon + 1);
	}
	if (n) {
		double x = label + axis * (double)(now - lo) / span;
		char d[32];

		date_of(now, d, sizeof(d));
		fprintf(out,
		        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		        "stroke=\"#111827\" stroke-dasharray=\"4 3\"/>"
		        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
		        "font-size=\"11\">scan %s</text>\n",
		        x, top - 4, x, bottom, x, bottom + 14, d);
	}
	for (size_t i = 0; i < shown; i++) {
		const struct cert_facts *c = rows[i].cert;
		double days = (double)(c->not_after - now) / DAY;
		const char *color = expiry_color(days);
		time_t a = c->not_before < lo ? lo : c->not_before;
		time_t b = c->not_after > hi ? hi : c->not_after;
		double xa, xb;
		int y = top + (int)i * row;
		char d[32];

		if (a > hi)
			a = hi;
		if (b < lo)
			b = lo;
		xa = label + axis * (double)(a - lo) / span;
		xb = label + axis * (double)(b - lo) / span;
		date_of(c->not_after, d, sizeof(d));
		fprintf(out,
		        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		        "font-size=\"11\">",
		        label - 8, y + 13);
		h(out, rows[i].host);
		fprintf(out, ":%u</text>\n", rows[i].port);
		if (xb > xa)
			fprintf(out,
			        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			        "height=\"10\" fill=\"%s\" opacity=\"0.35\"/>",
			        xa, y + 4, xb - xa, color);
		if (c->not_after < lo)
			/* expired before the axis starts: arrow to the left */
			fprintf(out,
			        "<polygon points=\"%.1f,%d %.1f,%d %.1f,%d\" "
			        "fill=\"%s\"><title>",
			        xb - 6, y + 9, xb + 4, y + 3, xb + 4, y + 15,
			        color);
		else if (c->not_after > hi)
			/* expires after the axis ends: arrow to the right */
			fprintf(out,
			        "<polygon points=\"%.1f,%d %.1f,%d %.1f,%d\" "
			        "fill=\"%s\"><title>",
			        xb + 6, y + 9, xb - 4, y + 3, xb - 4, y + 15,
			        color);
		else
			fprintf(out,
			        "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" "
			        "fill=\"%s\"><title>",
			        xb, y + 9, color);
		h(out, c->subject);
		fprintf(out, " expires %s (%.0f days)</title></%s>\n", d, days,
		        c->not_after < lo || c->not_after > hi ? "polygon"
		                                               : "circle");
		if (days < 0)
			fprintf(out,
			        "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
			        "fill=\"#b91c1c\">%s (%.0f d ago)</text>\n",
			        label + axis + 12, y + 13, d, -days);
		else
			fprintf(out,
			        "<text x=\"%d\" y=\"%d\" font-size=\"11\">"
			        "%s (%.0f d)</text>\n",
			        label + axis + 12, y + 13, d, days);
	}
	if (n) {
		int y = bottom + 30, x = 10;

		legend_item(out, x, y, expiry_color(-1), "expired");
		legend_item(out, x + 75, y, expiry_color(1), "&lt; 14 days");
		legend_item(out, x + 165, y, expiry_color(20), "&lt; 30 days");
		legend_item(out, x + 255, y, expiry_color(60),
		            "30 days or more");
		fprintf(
		    out,
		    "<text x=\"%d\" y=\"%d\" font-size=\"11\">bar: validity "
		    "period; arrow: expiry beyond the axis</text>\n",
		    x + 385, y + 10);
	}
	fputs("</svg></figure>\n", out);
	free(rows);
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

static void
put_finding(FILE *out, const struct finding *f,
            const struct report_options *opt)
{
	const struct check *c = f->check;

	fprintf(out,
	        "<div class=\"finding sev-%s\"><p><span class=\"badge\" "
	        "style=\"background:%s\">%s</span> <code>",
	        severity_name(f->severity), sev_color[f->severity],
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
	fputs("</div>\n", out);
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
			free(uri);
			v = xreallocarray(NULL, r->nfindings, sizeof(*v));
			for (size_t j = 0; j < r->nfindings; j++)
				v[j] = &r->findings[j];
			qsort(v, r->nfindings, sizeof(*v), cmp_finding);
			for (size_t j = 0; j < r->nfindings; j++)
				put_finding(out, v[j], opt);
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
	struct check_count *cc;
	size_t ng, ncc;
	char t0[32];

	errno = 0;
	report_summarize_opt(rep, opt, &s);
	groups = group_hosts(rep, &ng);
	cc = count_checks(rep, &ncc);
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
	      "href=\"#charts\">Charts</a><a href=\"#waivers\">Waivers</a>"
	      "<a href=\"#hosts\">Hosts</a><a "
	      "href=\"#parameters\">Parameters</a></nav>\n",
	      out);
	put_summary(out, rep, opt, &s);
	fputs("<section id=\"charts\"><h2>Charts</h2>\n", out);
	chart_severity(out, &s);
	chart_checks(out, cc, ncc);
	chart_matrix(out, rep, opt, groups, ng, cc, ncc);
	chart_expiry(out, rep);
	fputs("</section>\n", out);
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
	free_groups(groups, ng);
	free(cc);
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
