/*
 * The SVG charts of --format html (reports/html.c): findings by severity,
 * findings by check (worst first, informational apart), a host x check
 * compliance matrix and a certificate expiry timeline. Inline SVG only,
 * sized from the data, every string HTML-escaped; long matrices and
 * timelines are cut and say so.
 */
#include "reports/html.h"

#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "scanner/core/xalloc.h"

#define MATRIX_MAX_HOSTS  150
#define MATRIX_MAX_CHECKS 40
#define TIMELINE_MAX      60
#define DAY               86400.0

#define COLOR_WAIVED   "#a78bfa"
#define COLOR_CLEAN    "#dcfce7"
#define COLOR_UNASSESS "#d1d5db"
#define COLOR_NOTHING  "#ffffff"

/* ---- counts by check ---------------------------------------------------- */

struct check_count {
	const struct check *check;
	size_t n;
	enum severity worst; /* of its findings (a profile may change it) */
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
					enum severity sev = rep->results[i]
					                        .findings[j]
					                        .severity;

					if (!all[k].n || sev > all[k].worst)
						all[k].worst = sev;
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
		        x, base - bh, bw, bh, html_sev_color[i],
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

/* Worst first, then the most frequent, then the id. */
static int
cmp_severity(const void *a, const void *b)
{
	const struct check_count *x = a, *y = b;

	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	return cmp_count(a, b);
}

/* One group of bars from row *row on, scaled to the group's largest
 * count, under a heading. */
static void
chart_checks_group(FILE *out, const struct check_count *cc, size_t n,
                   const char *heading, int *row)
{
	const int label = 300, barw = 360, rowh = 22;
	size_t max = 1;

	for (size_t i = 0; i < n; i++)
		if (cc[i].n > max)
			max = cc[i].n;
	fprintf(out,
	        "<text x=\"10\" y=\"%d\" font-size=\"13\" "
	        "font-weight=\"bold\">%s</text>\n",
	        10 + *row * rowh + 14, heading);
	(*row)++;
	for (size_t i = 0; i < n; i++, (*row)++) {
		double bw = (double)barw * (double)cc[i].n / (double)max;
		int y = 10 + *row * rowh;

		fprintf(out,
		        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		        "font-size=\"12\" font-family=\"monospace\">",
		        label - 8, y + 14);
		h(out, cc[i].check->id);
		fprintf(out,
		        "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
		        "height=\"%d\" fill=\"%s\"><title>",
		        label, y + 2, bw, rowh - 6,
		        html_sev_color[cc[i].worst]);
		h(out, cc[i].check->title);
		fprintf(out,
		        " (%s): %zu</title></rect>\n<text x=\"%.1f\" "
		        "y=\"%d\" font-size=\"12\">%zu</text>\n",
		        severity_name(cc[i].worst), cc[i].n, label + bw + 6,
		        y + 14, cc[i].n);
	}
}

/* Problems (critical to low) worst first, then the informational
 * checks as a group of their own with their own scale: a banner
 * disclosed on every port would otherwise dwarf the real problems. */
static void
chart_checks(FILE *out, const struct check_count *counts, size_t n)
{
	const int width = 720, rowh = 22;
	struct check_count *cc = xcalloc(n ? n : 1, sizeof(*cc));
	size_t problems = 0;
	int rows, hgt, row = 0;

	if (n)
		memcpy(cc, counts, n * sizeof(*cc));
	qsort(cc, n, sizeof(*cc), cmp_severity);
	while (problems < n && cc[problems].worst != SEV_INFO)
		problems++;
	rows = (int)n + (problems > 0) + (problems < n);
	hgt = (rows ? rows : 1) * rowh + 20;
	fprintf(out,
	        "<figure id=\"chart-checks\"><figcaption>Findings by check "
	        "(endpoints with the finding), worst first; informational "
	        "apart, on their own scale</figcaption>\n<svg "
	        "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	        "aria-label=\"Findings by check\">\n",
	        width, hgt, width, hgt);
	if (!n)
		fputs("<text x=\"10\" y=\"20\" font-size=\"13\">No "
		      "findings.</text>\n",
		      out);
	if (problems)
		chart_checks_group(out, cc, problems,
		                   "Problems (critical to low)", &row);
	if (problems < n)
		chart_checks_group(out, cc + problems, n - problems,
		                   "Informational", &row);
	fputs("</svg></figure>\n", out);
	free(cc);
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
			const char *color =
			    st == CELL_FINDING      ? html_sev_color[sev]
			    : st == CELL_WAIVED     ? COLOR_WAIVED
			    : st == CELL_CLEAN      ? COLOR_CLEAN
			    : st == CELL_UNASSESSED ? COLOR_UNASSESS
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

		legend_item(out, x, y, html_sev_color[SEV_CRITICAL],
		            "critical");
		legend_item(out, x + 80, y, html_sev_color[SEV_HIGH], "high");
		legend_item(out, x + 140, y, html_sev_color[SEV_MEDIUM],
		            "medium");
		legend_item(out, x + 215, y, html_sev_color[SEV_LOW], "low");
		legend_item(out, x + 265, y, html_sev_color[SEV_INFO], "info");
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

void
html_put_charts(FILE *out, const struct scan_report *rep,
                const struct report_options *opt,
                const struct report_summary *s, const struct host_group *g,
                size_t ng)
{
	struct check_count *cc;
	size_t ncc;

	cc = count_checks(rep, &ncc);
	chart_severity(out, s);
	chart_checks(out, cc, ncc);
	chart_matrix(out, rep, opt, g, ng, cc, ncc);
	chart_expiry(out, rep);
	free(cc);
}
