/*
 * The "Findings by check" section of --format html (reports/html.c): one
 * box per check found, worst first, however many endpoints have it, so
 * that one problem on 40 hosts is one box and not 160. Each box says what
 * the check means (the catalog's description), which endpoints have it
 * (host:port, compact: each host once with its ports, hosts beyond
 * FINDINGS_HOSTS_SHOWN folded into a <details>), the remediation when the
 * catalog has one (remediation_for(), generic and per recognised product)
 * and the references. Informational checks come last, apart: they are
 * facts worth knowing, not problems. The evidence stays in the host
 * sections, which the host names link to.
 */
#include "reports/html.h"

#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "scanner/core/xalloc.h"

/* hosts listed inline in a box; the rest behind "N more hosts" */
#define FINDINGS_HOSTS_SHOWN 12
/* products a box gives their own advice for, at most */
#define FINDINGS_PRODUCTS 8

struct by_check {
	const struct check *check;
	enum severity worst;
	size_t n, cap, hosts, gate_fails, waived;
	size_t *eps;   /* result indexes, in the page's host order */
	size_t *group; /* the host group (the page's host-N) of each */
};

/* Worst first, then the most endpoints, then the id. */
static int
cmp_by_check(const void *a, const void *b)
{
	const struct by_check *x = a, *y = b;

	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->check->id, y->check->id);
}

static size_t
catalog_index(const struct check *cat, size_t ncat, const struct check *c)
{
	if (c >= cat && c < cat + ncat)
		return (size_t)(c - cat);
	for (size_t k = 0; k < ncat; k++)
		if (strcmp(cat[k].id, c->id) == 0)
			return k;
	return ncat;
}

/* The checks found, each with its endpoints in the order of the ng
 * groups g (the page's host order), sorted worst first; *n_r of them. */
static struct by_check *
collect(const struct scan_report *rep, const struct report_options *opt,
        const struct host_group *g, size_t ng, size_t *n_r)
{
	const struct check *cat;
	size_t ncat, n = 0;
	struct by_check *all;
	size_t *last_group;

	cat = catalog_all(&ncat);
	all = xcalloc(ncat ? ncat : 1, sizeof(*all));
	last_group = xcalloc(ncat ? ncat : 1, sizeof(*last_group));
	for (size_t k = 0; k < ncat; k++)
		all[k].check = &cat[k];
	for (size_t gi = 0; gi < ng; gi++)
		for (size_t m = 0; m < g[gi].n; m++) {
			size_t ri = g[gi].members[m];
			const struct endpoint_result *r = &rep->results[ri];

			for (size_t j = 0; j < r->nfindings; j++) {
				const struct finding *f = &r->findings[j];
				size_t k = catalog_index(cat, ncat, f->check);
				struct by_check *b;

				if (k == ncat)
					continue;
				b = &all[k];
				if (!b->n || f->severity > b->worst)
					b->worst = f->severity;
				if (!b->n || last_group[k] != gi)
					b->hosts++;
				last_group[k] = gi;
				if (b->n == b->cap) {
					b->cap = b->cap ? 2 * b->cap : 8;
					b->eps = xreallocarray(b->eps, b->cap,
					                       sizeof(*b->eps));
					b->group =
					    xreallocarray(b->group, b->cap,
					                  sizeof(*b->group));
				}
				b->eps[b->n] = ri;
				b->group[b->n] = gi;
				b->n++;
				b->gate_fails += report_finding_fails(opt, f);
				b->waived += report_finding_waived(opt, f);
			}
		}
	free(last_group);
	qsort(all, ncat, sizeof(*all), cmp_by_check);
	while (n < ncat && all[n].n)
		n++;
	for (size_t k = n; k < ncat; k++) {
		free(all[k].eps);
		free(all[k].group);
	}
	*n_r = n;
	return all;
}

static bool
finding_waived(const struct endpoint_result *r, const struct check *c,
               const struct report_options *opt)
{
	for (size_t j = 0; j < r->nfindings; j++)
		if (r->findings[j].check == c)
			return report_finding_waived(opt, &r->findings[j]);
	return false;
}

/* One host's part of the list, "host:110, 995" (the name linking to the
 * host's section, ports ascending), from endpoint *i on; advances *i past
 * the host. */
static void
put_host_ports(FILE *out, const struct scan_report *rep,
               const struct host_group *g, const struct by_check *b, size_t *i,
               const struct report_options *opt)
{
	size_t gi = b->group[*i], from = *i, n;
	const struct endpoint_result **v;

	while (*i < b->n && b->group[*i] == gi)
		(*i)++;
	n = *i - from;
	v = xreallocarray(NULL, n, sizeof(*v));
	/* a host has a few ports: insertion sort */
	for (size_t k = 0; k < n; k++) {
		const struct endpoint_result *r =
		    &rep->results[b->eps[from + k]];
		size_t at = k;

		for (; at && v[at - 1]->endpoint.port > r->endpoint.port; at--)
			v[at] = v[at - 1];
		v[at] = r;
	}
	fprintf(out, "<span class=\"where\"><a href=\"#host-%zu\">", gi);
	h(out, *g[gi].host ? g[gi].host : "(no host)");
	fputs("</a>:", out);
	for (size_t k = 0; k < n; k++) {
		fprintf(out, "%s%u", k ? ", " : "",
		        (unsigned)v[k]->endpoint.port);
		if (finding_waived(v[k], b->check, opt))
			fputs(" (waived)", out);
	}
	fputs("</span>", out);
	free(v);
}

static void
put_endpoints(FILE *out, const struct scan_report *rep,
              const struct host_group *g, const struct by_check *b,
              const struct report_options *opt)
{
	size_t i = 0, shown = 0;

	fputs("<p class=\"endpoints\">Endpoints: ", out);
	while (i < b->n && shown < FINDINGS_HOSTS_SHOWN) {
		if (shown++)
			fputs("; ", out);
		put_host_ports(out, rep, g, b, &i, opt);
	}
	fputs("</p>\n", out);
	if (i == b->n)
		return;
	fprintf(out,
	        "<details><summary>%zu more host(s)</summary><p "
	        "class=\"endpoints\">",
	        b->hosts - shown);
	for (bool first = true; i < b->n; first = false) {
		if (!first)
			fputs("; ", out);
		put_host_ports(out, rep, g, b, &i, opt);
	}
	fputs("</p></details>\n", out);
}

/* The catalog's advice: the generic text, then each product among the
 * endpoints that has its own. Nothing when the catalog has none. */
static void
put_remediation(FILE *out, const struct scan_report *rep,
                const struct by_check *b)
{
	const char *seen[FINDINGS_PRODUCTS];
	size_t nseen = 0;
	struct remediation rem;

	if (!remediation_for(b->check, NULL, &rem) || !rem.generic)
		return;
	fputs("<div class=\"remediation\"><p><strong>Remediation:</strong> ",
	      out);
	h(out, rem.generic);
	fputs("</p>\n", out);
	for (size_t i = 0; i < b->n && nseen < FINDINGS_PRODUCTS; i++) {
		const char *p = rep->results[b->eps[i]].implementation.product;
		bool dup = false;

		if (!p || !*p)
			continue;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = strcmp(seen[k], p) == 0;
		if (dup)
			continue;
		seen[nseen++] = p;
		if (!remediation_for(b->check, p, &rem) || !rem.product_text)
			continue;
		fputs("<p class=\"product\"><strong>", out);
		h(out, p);
		fputs(":</strong> ", out);
		h(out, rem.product_text);
		if (rem.product_cite) {
			fputs(" <cite>", out);
			h(out, rem.product_cite);
			fputs("</cite>", out);
		}
		fputs("</p>\n", out);
	}
	fputs("</div>\n", out);
}

static void
put_box(FILE *out, const struct scan_report *rep, const struct host_group *g,
        const struct by_check *b, const struct report_options *opt)
{
	const struct check *c = b->check;

	fprintf(out, "<div class=\"finding sev-%s bycheck\" id=\"check-",
	        severity_name(b->worst));
	h(out, c->id);
	fprintf(out,
	        "\"><h4 style=\"margin:6px 0\"><span class=\"badge\" "
	        "style=\"background:%s\">%s"
	        "</span> <code>",
	        html_sev_color[b->worst], severity_name(b->worst));
	h(out, c->id);
	fputs("</code> ", out);
	h(out, c->title);
	fprintf(out, "</h4>\n<p class=\"reach\">%zu endpoint(s) on %zu host(s)",
	        b->n, b->hosts);
	if (b->gate_fails)
		fprintf(out, "; <span class=\"gate\">%zu fail the gate</span>",
		        b->gate_fails);
	if (b->waived)
		fprintf(out, "; <span class=\"waived\">%zu waived</span>",
		        b->waived);
	fputs("</p>\n<p>", out);
	h(out, c->description);
	fputs("</p>\n", out);
	put_endpoints(out, rep, g, b, opt);
	put_remediation(out, rep, b);
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

void
html_put_findings(FILE *out, const struct scan_report *rep,
                  const struct report_options *opt, const struct host_group *g,
                  size_t ng)
{
	size_t n, problems = 0;
	struct by_check *all = collect(rep, opt, g, ng, &n);

	while (problems < n && all[problems].worst != SEV_INFO)
		problems++;
	fputs("<section id=\"findings\"><h2>Findings by check</h2>\n", out);
	if (!n)
		fputs("<p>No findings.</p>\n", out);
	else
		fprintf(out,
		        "<p>%zu check(s) with findings, worst first, each "
		        "once with every endpoint that has it; the evidence "
		        "is in each host's section under <a "
		        "href=\"#hosts\">Hosts</a>.</p>\n",
		        n);
	fputs("<div id=\"findings-problems\">\n", out);
	for (size_t i = 0; i < problems; i++)
		put_box(out, rep, g, &all[i], opt);
	fputs("</div>\n", out);
	if (problems < n) {
		fprintf(out,
		        "<div id=\"findings-info\"><h3>Informational (%zu "
		        "check(s)): facts worth knowing, not problems by "
		        "themselves</h3>\n",
		        n - problems);
		for (size_t i = problems; i < n; i++)
			put_box(out, rep, g, &all[i], opt);
		fputs("</div>\n", out);
	}
	fputs("</section>\n", out);
	for (size_t i = 0; i < n; i++) {
		free(all[i].eps);
		free(all[i].group);
	}
	free(all);
}
