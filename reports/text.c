/*
 * --format text: the human report. Endpoints are grouped by host, hosts
 * with the worst findings first; each endpoint gets one status line and
 * its findings worst first; a summary block ends the report. Every string
 * goes through a guard before it reaches the terminal, even though the
 * results are already escaped: a missed escape must not be able to drive
 * the terminal.
 */
#include "reports/report.h"
#include "scanner/core/hosts.h"
#include "scanner/tls/tlsaudit.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "probes/service.h"
#include "scanner/core/xalloc.h"

/* Evidence longer than this is cut, with "...": the JSON has it all. */
#define EVIDENCE_SHOWN 160
/* Width of the severity column ("CRITICAL"). */
#define SEV_WIDTH 8

#define ANSI_RESET "\033[0m"

extern const struct reporter text_reporter;

/*
 * Writes s, replacing control bytes, DEL and non-ASCII with '?'. A UTF-8
 * multi-byte character becomes a single '?' (its continuation bytes are
 * dropped), except the section sign of catalog references, which becomes
 * "sec. ". At most max characters of s are shown; longer text ends in
 * "...".
 */
static void
put_guarded(FILE *out, const char *s, size_t max)
{
	bool in_utf8 = false;
	size_t shown = 0;

	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80 && c < 0xc0 && in_utf8)
			continue;
		in_utf8 = c >= 0xc0;
		if (shown == max) {
			fputs("...", out);
			return;
		}
		if (c == 0xc2 && (unsigned char)s[1] == 0xa7) {
			fputs("sec. ", out);
			s++;
			in_utf8 = false;
		} else {
			putc(c >= 0x20 && c < 0x7f ? c : '?', out);
		}
		shown++;
	}
}

static const char *
severity_color(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "\033[1;31m";
	case SEV_HIGH:
		return "\033[31m";
	case SEV_MEDIUM:
		return "\033[33m";
	case SEV_LOW:
		return "\033[36m";
	default:
		return "\033[2m";
	}
}

/* The severity word in capitals, coloured if asked, padded to width. */
static void
put_severity(FILE *out, bool color, enum severity s, int width)
{
	const char *name = severity_name(s);
	int len = 0;

	if (color)
		fputs(severity_color(s), out);
	for (; name[len]; len++)
		putc(toupper((unsigned char)name[len]), out);
	if (color)
		fputs(ANSI_RESET, out);
	for (; len < width; len++)
		putc(' ', out);
}

/* With a gate, the first column marks what it decided: '!' fails the
 * gate, '~' waived (the marks are only set when a gate ran). */
/* One line of advice per finding (issue #12): the product's own setting
 * when the server software is known and the catalog has a row for it,
 * else the generic advice. The citation is in the JSON and HTML. */
static void
put_fix(FILE *out, const struct check *c, const char *product)
{
	struct remediation rem;

	if (!remediation_for(c, product, &rem))
		return;
	if (rem.product_text) {
		fputs("      fix (", out);
		put_guarded(out, remediation_product_label(product), SIZE_MAX);
		fputs("): ", out);
		put_guarded(out, rem.product_text, SIZE_MAX);
	} else {
		fputs("      fix: ", out);
		put_guarded(out, rem.generic, SIZE_MAX);
	}
	putc('\n', out);
}

static void
put_finding(FILE *out, bool color, bool gate, const struct finding *f,
            const char *product)
{
	const struct check *c = f->check;

	if (gate && f->gate_fail)
		fputs("  ! ", out);
	else if (gate && f->waived)
		fputs("  ~ ", out);
	else
		fputs("    ", out);
	put_severity(out, color, f->severity, SEV_WIDTH);
	fputs("  ", out);
	put_guarded(out, c->id, SIZE_MAX);
	fputs("  ", out);
	put_guarded(out, c->title, SIZE_MAX);
	if (f->evidence && *f->evidence) {
		fputs(": ", out);
		put_guarded(out, f->evidence, EVIDENCE_SHOWN);
	}
	putc('\n', out);
	if (f->severity >= SEV_MEDIUM && c->refs[0]) {
		fputs("      refs: ", out);
		for (size_t k = 0; k < CHECK_MAX_REFS && c->refs[k]; k++) {
			if (k)
				fputs("; ", out);
			put_guarded(out, c->refs[k], SIZE_MAX);
		}
		putc('\n', out);
	}
	put_fix(out, c, product);
	if (gate && f->waived) {
		fputs("      waived: ", out);
		put_guarded(out, f->waiver_reason, EVIDENCE_SHOWN);
		putc('\n', out);
	}
}

/* One line for the TLS audit: which versions were accepted, how many
 * suites were seen, at what cost. */
static void
put_audit(FILE *out, const struct tls_audit *a)
{
	static const enum tls_question vq[] = {TLSQ_TLS13, TLSQ_TLS12,
	                                       TLSQ_TLS11, TLSQ_TLS10,
	                                       TLSQ_SSL3,  TLSQ_SSL2};
	static const char *const vn[] = {"TLS1.3", "TLS1.2", "TLS1.1",
	                                 "TLS1.0", "SSL3.0", "SSL2.0"};
	size_t suites = 0;
	bool any = false;

	if (!a)
		return;
	for (size_t v = 0; v < a->nversions; v++)
		suites += a->by_version[v].n;
	fprintf(out, "    TLS audit (%s, %u connection%s%s): accepts",
	        tls_depth_name(a->depth), a->used, a->used == 1 ? "" : "s",
	        a->budget_exhausted ? ", budget spent"
	        : a->aborted        ? ", stopped early"
	                            : "");
	for (size_t i = 0; i < sizeof(vq) / sizeof(vq[0]); i++)
		if (a->q[vq[i]].answer == TLSA_ACCEPTED) {
			fprintf(out, " %s", vn[i]);
			any = true;
		}
	fprintf(out, "%s; %zu suite%s seen\n", any ? "" : " no version", suites,
	        suites == 1 ? "" : "s");
}

/* "    server: dovecot 2.3.19 (99%: IMAP ID name ...)", when recognised
 * (issue #12). */
static void
put_implementation(FILE *out, const struct impl_facts *i)
{
	if (!i->product)
		return;
	fputs("    server: ", out);
	put_guarded(out, i->product, SIZE_MAX);
	if (i->version) {
		putc(' ', out);
		put_guarded(out, i->version, SIZE_MAX);
	}
	fprintf(out, " (%u%%", i->confidence);
	if (i->evidence) {
		fputs(": ", out);
		put_guarded(out, i->evidence, EVIDENCE_SHOWN);
	}
	fputs(")\n", out);
}

static void
put_endpoint(FILE *out, bool color, bool gate, const struct endpoint_result *r,
             bool show_address)
{
	const struct service *svc = r->endpoint.service;
	const struct tls_facts *t = &r->tls;
	const struct finding **v = NULL;

	fputs("  ", out);
	put_guarded(out, svc ? svc->name : "?", SIZE_MAX);
	fprintf(out, " %u", (unsigned)r->endpoint.port);
	if (show_address) {
		fputs(" (", out);
		put_guarded(out, r->endpoint.address, SIZE_MAX);
		putc(')', out);
	}
	fputs("  ", out);
	put_guarded(out, endpoint_status_name(r->status), SIZE_MAX);
	if (r->status != EP_STATUS_OK && r->status_detail &&
	    *r->status_detail) {
		fputs(" - ", out);
		put_guarded(out, r->status_detail, EVIDENCE_SHOWN);
	}
	if (t->handshake_done) {
		fputs("  ", out);
		put_guarded(out, t->version ? t->version : "TLS", SIZE_MAX);
		if (t->cipher_suite) {
			putc(' ', out);
			put_guarded(out, t->cipher_suite, SIZE_MAX);
		}
	} else if (t->error) {
		fputs("  TLS failed: ", out);
		put_guarded(out, t->error, EVIDENCE_SHOWN);
	}
	putc('\n', out);
	put_implementation(out, &r->implementation);
	put_audit(out, r->tls_audit);

	if (r->nfindings == 0)
		return;
	v = report_sorted_findings(r);
	for (size_t i = 0; i < r->nfindings; i++)
		put_finding(out, color, gate, v[i], r->implementation.product);
	free(v);
}

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

/* Does the address need showing (known and not the host itself)? */
static bool
address_differs(const struct endpoint *e)
{
	return e->address && *e->address &&
	       (!e->host || strcmp(e->address, e->host) != 0);
}

static void
put_host(FILE *out, bool color, bool gate, const struct scan_report *rep,
         const size_t *members, size_t n, const struct host_record *verdicts,
         size_t nverdicts)
{
	const struct endpoint *e0 = &rep->results[members[0]].endpoint;
	bool several = false, listed = false;

	/* An endpoint list rarely has more than a few ports per host. */
	for (size_t i = 1; i < n && !several; i++) {
		const char *a = rep->results[members[i]].endpoint.address;

		several =
		    strcmp(a ? a : "", e0->address ? e0->address : "") != 0;
	}
	put_guarded(out, e0->host && *e0->host ? e0->host : "(no host)",
	            SIZE_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct endpoint *e = &rep->results[members[i]].endpoint;
		bool seen = false;

		if (!address_differs(e))
			continue;
		for (size_t j = 0; j < i && !seen; j++) {
			const char *a =
			    rep->results[members[j]].endpoint.address;

			seen = a && strcmp(a, e->address) == 0;
		}
		if (seen)
			continue;
		fputs(listed ? ", " : " (", out);
		put_guarded(out, e->address, SIZE_MAX);
		listed = true;
	}
	fputs(listed ? ")\n" : "\n", out);
	for (size_t i = 0; i < nverdicts; i++) {
		if (!e0->host || strcmp(verdicts[i].host, e0->host) != 0)
			continue;
		fprintf(out, "  TLS verdict: %s%s\n",
		        tls_verdict_name(verdicts[i].verdict),
		        verdicts[i].complete ? ""
		                             : " (not every port assessed)");
		for (size_t k = 0; k < verdicts[i].evidence.n; k++) {
			fputs("    - ", out);
			put_guarded(out, verdicts[i].evidence.items[k],
			            EVIDENCE_SHOWN);
			putc('\n', out);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct endpoint_result *r = &rep->results[members[i]];

		put_endpoint(out, color, gate, r,
		             several && address_differs(&r->endpoint));
	}
}

static const char *
exit_code_meaning(int code, bool gate)
{
	switch (code) {
	case 0:
		return gate ? "no finding fails the gate"
		            : "no finding at or above the fail-on threshold";
	case 1:
		return gate ? "finding(s) fail the gate"
		            : "finding(s) at or above the fail-on threshold";
	case 2:
		return "usage or configuration error";
	case 3:
		return "an endpoint was reachable but could not be assessed";
	default:
		return "unknown";
	}
}

/* The gate lines of the summary: profiles, waivers, expired waivers (as
 * warnings) and fail-closed endpoints. */
static void
put_gate(FILE *out, bool color, const struct report_summary *s,
         const struct gate_summary *g)
{
	fputs(g->nprofiles == 1 ? "  gate: profile " : "  gate: profiles ",
	      out);
	for (size_t i = 0; i < g->nprofiles; i++) {
		if (i)
			fputs(", ", out);
		put_guarded(out, g->profiles[i], SIZE_MAX);
	}
	if (!g->nprofiles)
		fputs("(none)", out);
	if (g->threshold >= 0 && g->threshold < SEV_COUNT) {
		fputs(", severity >= ", out);
		put_severity(out, color, (enum severity)g->threshold, 0);
	}
	fprintf(out, ": %zu finding(s) fail the gate ('!'), %zu waived ('~')\n",
	        s->gate_failures, s->waived);
	if (g->waivers_file) {
		fputs("  waivers: ", out);
		put_guarded(out, g->waivers_file, SIZE_MAX);
		fprintf(out, ": %zu entr%s, %zu expired\n", g->waivers_total,
		        g->waivers_total == 1 ? "y" : "ies", g->nexpired);
	}
	for (size_t i = 0; i < g->nexpired; i++) {
		const struct gate_expired *x = &g->expired[i];

		fprintf(out, "  warning: waiver [%zu] for ", x->index);
		put_guarded(out, x->check, SIZE_MAX);
		if (x->endpoint) {
			fputs(" on ", out);
			put_guarded(out, x->endpoint, SIZE_MAX);
		}
		fputs(" expired on ", out);
		put_guarded(out, x->expires, SIZE_MAX);
		fprintf(out,
		        " and no longer applies (%zu finding(s) would "
		        "match): ",
		        x->findings);
		put_guarded(out, x->reason, EVIDENCE_SHOWN);
		putc('\n', out);
	}
	if (s->incomplete)
		fprintf(
		    out,
		    "  incomplete: %zu endpoint(s) in scope not assessed%s\n",
		    s->incomplete,
		    g->allow_incomplete ? " (accepted: --allow-incomplete)"
		                        : ": the gate fails closed");
}

/* What the scan cost the servers (issue #13): mail servers count
 * connections per client address, so the politeness is shown. */
static void
put_connections(FILE *out, const struct scan_report *rep)
{
	unsigned long total = 0;

	if (rep->nresults == 0)
		return;
	for (size_t i = 0; i < rep->nresults; i++)
		total += rep->results[i].connections;
	fprintf(out, "  connections: %lu, %.1f per endpoint\n", total,
	        (double)total / (double)rep->nresults);
}

static void
put_summary(FILE *out, bool color, const struct report_summary *s,
            const struct scan_report *rep, const struct report_options *opt)
{
	bool any = false;

	fprintf(out, "Summary\n  endpoints: %zu", s->endpoints);
	for (int i = 0; i < EP_STATUS_COUNT; i++) {
		if (!s->by_status[i])
			continue;
		fprintf(out, "%s%s %zu", any ? ", " : " (",
		        endpoint_status_name((enum endpoint_status)i),
		        s->by_status[i]);
		any = true;
	}
	fprintf(out, "%s\n  hosts: %zu\n", any ? ")" : "", s->hosts);
	put_connections(out, rep);
	fprintf(out, "  findings: %zu (", s->findings);
	for (int i = SEV_COUNT - 1; i >= 0; i--) {
		put_severity(out, color, (enum severity)i, 0);
		fprintf(out, " %zu%s", s->by_severity[i], i ? ", " : ")\n");
	}
	fprintf(out,
	        "  unassessed: %zu endpoint(s) reachable but not assessed\n",
	        s->unassessed);
	if (opt->gate) {
		put_gate(out, color, s, opt->gate);
	} else {
		fputs("  gate: fail-on ", out);
		if (opt->fail_on >= 0 && opt->fail_on < SEV_COUNT)
			put_severity(out, color, (enum severity)opt->fail_on,
			             0);
		else
			fputs("?", out);
		fprintf(out, ": %zu finding(s) at or above\n",
		        s->gate_failures);
	}
	fprintf(out, "  exit code %d: %s\n", opt->exit_code,
	        exit_code_meaning(opt->exit_code, opt->gate != NULL));
}

static int
flushed(FILE *out)
{
	if (fflush(out) == EOF || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* The summary and the per-host TLS verdict tally that end the report. */
static int
put_totals(FILE *out, const struct scan_report *rep,
           const struct report_options *opt, const struct host_record *verdicts,
           size_t nv)
{
	struct report_summary sum;
	size_t tally[TLS_VERDICT_UNKNOWN + 1] = {0};

	report_summarize_opt(rep, opt, &sum);
	put_summary(out, opt->color, &sum, rep, opt);
	for (size_t i = 0; i < nv; i++)
		tally[verdicts[i].verdict]++;
	if (nv)
		fprintf(out,
		        "  TLS per host: mandatory %zu, opportunistic %zu, "
		        "absent %zu, unknown %zu\n",
		        tally[TLS_VERDICT_MANDATORY],
		        tally[TLS_VERDICT_OPPORTUNISTIC],
		        tally[TLS_VERDICT_ABSENT], tally[TLS_VERDICT_UNKNOWN]);
	return flushed(out);
}

static int
text_render(FILE *out, const struct scan_report *rep,
            const struct report_options *opt)
{
	struct host_group *groups = NULL;
	size_t *members = NULL;
	size_t ngroups = 0, nv = rep->nhosts;
	const struct host_record *verdicts = rep->hosts;

	errno = 0;
	if (rep->nresults) {
		ngroups = report_group_hosts(rep, &groups, &members);
		qsort(groups, ngroups, sizeof(*groups), cmp_group);
	} else {
		fputs("No endpoints were scanned.\n", out);
	}
	for (size_t i = 0; i < ngroups; i++) {
		put_host(out, opt->color, opt->gate != NULL, rep,
		         groups[i].members, groups[i].n, verdicts, nv);
		putc('\n', out);
	}
	free(members);
	free(groups);
	return put_totals(out, rep, opt, verdicts, nv);
}

static int
report_text_host(FILE *out, const struct endpoint_result *members, size_t n,
                 const struct host_record *verdict,
                 const struct report_options *opt)
{
	struct scan_report sub = {.results = (struct endpoint_result *)members,
	                          .nresults = n};
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));

	errno = 0;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (n) {
		put_host(out, opt->color, opt->gate != NULL, &sub, idx, n,
		         verdict, 1);
		putc('\n', out);
	}
	free(idx);
	return flushed(out);
}

static int
report_text_finish(FILE *out, const struct scan_report *rep,
                   const struct report_options *opt)
{
	errno = 0;
	if (!rep->nresults)
		fputs("No endpoints were scanned.\n", out);
	return put_totals(out, rep, opt, rep->hosts, rep->nhosts);
}

const struct reporter text_reporter = {
    .name = "text",
    .render = text_render,
    .host = report_text_host,
    .finish = report_text_finish,
};
