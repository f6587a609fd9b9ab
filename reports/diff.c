/*
 * The diff of two saved scans (`mailaudit diff`): findings matched by
 * host, address, port, service and check, and the text and JSON renderers
 * of the result. The command itself is scanner/cli/cmd_diff.c.
 */
#include "reports/diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "reports/json_build.h"
#include "reports/report.h"
#include "scanner/core/xalloc.h"

static const char *const diff_names[DIFF_KINDS] = {
    [DIFF_NEW] = "new",
    [DIFF_RESOLVED] = "resolved",
    [DIFF_UNVERIFIED] = "unverified",
    [DIFF_UNCHANGED] = "unchanged",
};

/* A finding of one of the two reports, with its sort key. */
struct ditem {
	const struct endpoint_result *r;
	const struct finding *f;
	char *key; /* host, address, port, service, check; \x1f between */
};

static char *
endpoint_key(const struct endpoint_result *r)
{
	const struct endpoint *e = &r->endpoint;

	return xasprintf("%s\x1f%s\x1f%05u\x1f%s", e->host ? e->host : "",
	                 e->address ? e->address : "", (unsigned)e->port,
	                 e->service ? e->service->name : "");
}

static int
cmp_ditem(const void *a, const void *b)
{
	return strcmp(((const struct ditem *)a)->key,
	              ((const struct ditem *)b)->key);
}

static struct ditem *
collect(const struct scan_report *rep, size_t *n_r)
{
	size_t n = 0;
	struct ditem *v;

	for (size_t i = 0; i < rep->nresults; i++)
		n += rep->results[i].nfindings;
	v = xcalloc(n ? n : 1, sizeof(*v));
	n = 0;
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct endpoint_result *r = &rep->results[i];
		char *ek = endpoint_key(r);

		for (size_t j = 0; j < r->nfindings; j++) {
			v[n].r = r;
			v[n].f = &r->findings[j];
			v[n].key =
			    xasprintf("%s\x1f%s", ek, r->findings[j].check->id);
			n++;
		}
		free(ek);
	}
	qsort(v, n, sizeof(*v), cmp_ditem);
	*n_r = n;
	return v;
}

struct ekey {
	char *key;
	const struct endpoint_result *r;
};

static int
cmp_ekey(const void *a, const void *b)
{
	return strcmp(((const struct ekey *)a)->key,
	              ((const struct ekey *)b)->key);
}

struct hkey {
	const char *host;
	size_t order; /* first appearance, then rank of that */
};

static int
cmp_hkey(const void *a, const void *b)
{
	return strcmp(((const struct hkey *)a)->host,
	              ((const struct hkey *)b)->host);
}

static int
cmp_hkey_first(const void *a, const void *b)
{
	const struct hkey *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_hkey_order(const void *a, const void *b)
{
	const struct hkey *x = *(const struct hkey *const *)a;
	const struct hkey *y = *(const struct hkey *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_dentry(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	int c;

	if (x->host_order != y->host_order)
		return x->host_order < y->host_order ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->r->endpoint.port != y->r->endpoint.port)
		return x->r->endpoint.port < y->r->endpoint.port ? -1 : 1;
	c = strcmp(x->r->endpoint.address ? x->r->endpoint.address : "",
	           y->r->endpoint.address ? y->r->endpoint.address : "");
	if (c)
		return c;
	if (x->f->severity != y->f->severity)
		return x->f->severity > y->f->severity ? -1 : 1;
	return strcmp(x->f->check->id, y->f->check->id);
}

/* Host order: NEW's hosts as they appear, then hosts only OLD has.
 * *sorted_r is sorted by host name, for host_order(). */
static void
order_hosts(const struct scan_report *o, const struct scan_report *n,
            struct diff *d, struct hkey **sorted_r)
{
	size_t cap = o->nresults + n->nresults, nh = 0, seq = 0;
	struct hkey *hk = xcalloc(cap ? cap : 1, sizeof(*hk));
	struct hkey **by_order;
	const struct scan_report *reps[2] = {n, o};

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < reps[k]->nresults; i++) {
			const char *h = reps[k]->results[i].endpoint.host;

			hk[seq].host = h ? h : "";
			hk[seq].order = seq;
			seq++;
		}
	qsort(hk, seq, sizeof(*hk), cmp_hkey_first);
	for (size_t i = 0; i < seq; i++)
		if (nh == 0 || strcmp(hk[nh - 1].host, hk[i].host) != 0)
			hk[nh++] = hk[i];
	by_order = xcalloc(nh ? nh : 1, sizeof(*by_order));
	for (size_t i = 0; i < nh; i++)
		by_order[i] = &hk[i];
	qsort(by_order, nh, sizeof(*by_order), cmp_hkey_order);
	d->hosts = xcalloc(nh ? nh : 1, sizeof(*d->hosts));
	for (size_t i = 0; i < nh; i++) {
		by_order[i]->order = i;
		d->hosts[i] = by_order[i]->host;
	}
	d->nhosts = nh;
	free(by_order);
	*sorted_r = hk;
}

static size_t
host_order(const struct hkey *hk, size_t nh, const char *host)
{
	struct hkey probe = {.host = host ? host : ""};
	const struct hkey *h = bsearch(&probe, hk, nh, sizeof(*hk), cmp_hkey);

	return h ? h->order : 0;
}

static void
add_entry(struct diff *d, struct dentry e)
{
	/* diff_build sized d->e for every finding of both reports */
	d->e[d->n++] = e;
	d->count[e.kind]++;
	d->failing += e.fails;
}

void
diff_build(const struct scan_report *o, const struct scan_report *n,
           int fail_on, struct diff *d)
{
	size_t no, nn, i = 0, j = 0;
	struct ditem *vo = collect(o, &no), *vn = collect(n, &nn);
	struct ekey *ek = xcalloc(n->nresults ? n->nresults : 1, sizeof(*ek));
	struct hkey *hk;

	memset(d, 0, sizeof(*d));
	d->e = xcalloc(no + nn ? no + nn : 1, sizeof(*d->e));
	order_hosts(o, n, d, &hk);
	for (size_t k = 0; k < n->nresults; k++) {
		ek[k].key = endpoint_key(&n->results[k]);
		ek[k].r = &n->results[k];
	}
	qsort(ek, n->nresults, sizeof(*ek), cmp_ekey);
	while (i < no || j < nn) {
		int c = i == no   ? 1
		        : j == nn ? -1
		                  : strcmp(vo[i].key, vn[j].key);
		struct dentry e = {.old_severity = -1};

		if (c > 0) {
			e.kind = DIFF_NEW;
			e.r = vn[j].r;
			e.f = vn[j].f;
			e.fails = (int)e.f->severity >= fail_on;
			j++;
		} else if (c == 0) {
			e.kind = DIFF_UNCHANGED;
			e.r = vn[j].r;
			e.f = vn[j].f;
			e.old_severity = (int)vo[i].f->severity;
			/* rising across the threshold is new at it */
			e.fails = (int)e.f->severity >= fail_on &&
			          e.old_severity < fail_on;
			i++;
			j++;
		} else {
			struct ekey probe = {0}, *hit;

			probe.key = endpoint_key(vo[i].r);
			hit = bsearch(&probe, ek, n->nresults, sizeof(*ek),
			              cmp_ekey);
			free(probe.key);
			e.r = vo[i].r;
			e.f = vo[i].f;
			e.now = hit ? hit->r : NULL;
			e.kind = hit && !endpoint_status_is_unassessed(
			                    hit->r->status)
			             ? DIFF_RESOLVED
			             : DIFF_UNVERIFIED;
			i++;
		}
		e.host_order = host_order(hk, d->nhosts, e.r->endpoint.host);
		add_entry(d, e);
	}
	if (d->n)
		qsort(d->e, d->n, sizeof(*d->e), cmp_dentry);
	for (size_t k = 0; k < no; k++)
		free(vo[k].key);
	for (size_t k = 0; k < nn; k++)
		free(vn[k].key);
	for (size_t k = 0; k < n->nresults; k++)
		free(ek[k].key);
	free(vo);
	free(vn);
	free(ek);
	free(hk);
}

void
diff_free(struct diff *d)
{
	free(d->e);
	free(d->hosts);
	memset(d, 0, sizeof(*d));
}

/* Writes a string for the terminal: printable ASCII only. */
static void
put_safe(FILE *out, const char *s)
{
	for (; s && *s; s++)
		putc(*s >= 0x20 && *s < 0x7f ? *s : '?', out);
}

int
diff_text(FILE *out, const struct diff *d, const struct loaded_report *o,
          const struct loaded_report *n, const char *oname, const char *nname,
          int fail_on, int code)
{
	static const char marks[DIFF_KINDS] = {
	    [DIFF_NEW] = '+',
	    [DIFF_RESOLVED] = '-',
	    [DIFF_UNVERIFIED] = '?',
	    [DIFF_UNCHANGED] = '=',
	};
	char t0[32], t1[32];
	size_t last = (size_t)-1;

	report_time_iso(o->rep.started.tv_sec, t0, sizeof(t0));
	report_time_iso(n->rep.started.tv_sec, t1, sizeof(t1));
	fputs("mailaudit diff ", out);
	put_safe(out, oname);
	fprintf(out, " (%s) -> ", t0);
	put_safe(out, nname);
	fprintf(out, " (%s)\n", t1);
	fputs("  + new  - resolved  = unchanged  ? unverified (not assessed "
	      "or not scanned now)\n",
	      out);
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		const struct endpoint *ep = &e->r->endpoint;

		if (e->host_order != last) {
			fputs("\n", out);
			put_safe(out, d->hosts[e->host_order]);
			fputs("\n", out);
			last = e->host_order;
		}
		fprintf(out, "  %c %-8s ", marks[e->kind],
		        severity_name(e->f->severity));
		put_safe(out, ep->service ? ep->service->name : "?");
		fprintf(out, " %u ", (unsigned)ep->port);
		put_safe(out, ep->address);
		fputs("  ", out);
		put_safe(out, e->f->check->id);
		if (e->kind == DIFF_UNCHANGED &&
		    e->old_severity != (int)e->f->severity)
			fprintf(out, " (was %s)",
			        severity_name((enum severity)e->old_severity));
		if (e->kind == DIFF_UNVERIFIED) {
			fputs(" (endpoint ", out);
			put_safe(out, e->now
			                  ? endpoint_status_name(e->now->status)
			                  : "not scanned");
			fputs(")", out);
		}
		if (e->fails)
			fputs("  [fails]", out);
		putc('\n', out);
	}
	if (!d->n)
		fputs("\nNo findings in either report.\n", out);
	fprintf(out,
	        "\nSummary: %zu new, %zu resolved, %zu unchanged, %zu "
	        "unverified\n",
	        d->count[DIFF_NEW], d->count[DIFF_RESOLVED],
	        d->count[DIFF_UNCHANGED], d->count[DIFF_UNVERIFIED]);
	fprintf(out,
	        "  fail-on %s: %zu finding(s) new (or risen) at or above\n"
	        "  exit code %d\n",
	        severity_name((enum severity)fail_on), d->failing, code);
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}

static cJSON *
diff_item(const struct dentry *e)
{
	const struct endpoint *ep = &e->r->endpoint;
	cJSON *o = cJSON_CreateObject();
	bool ok =
	    o && jb_add_str(o, "address", ep->address) &&
	    cJSON_AddNumberToObject(o, "port", ep->port) &&
	    jb_add_str(o, "service", ep->service ? ep->service->name : NULL) &&
	    jb_add_str(o, "check", e->f->check->id) &&
	    jb_add_str(o, "severity", severity_name(e->f->severity)) &&
	    jb_add_str(o, "title", e->f->check->title) &&
	    jb_add_str(o, "evidence", e->f->evidence) &&
	    cJSON_AddBoolToObject(o, "fails", e->fails);

	if (ok && e->kind == DIFF_UNCHANGED)
		ok = jb_add_str(o, "old_severity",
		                severity_name((enum severity)e->old_severity));
	if (ok && e->kind == DIFF_UNVERIFIED)
		ok = jb_add_str(o, "status_now",
		                e->now ? endpoint_status_name(e->now->status)
		                       : "not-scanned");
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
diff_side(const struct loaded_report *l, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];

	report_time_iso(l->rep.started.tv_sec, t, sizeof(t));
	if (!o || !jb_add_str(o, "file", name) ||
	    !jb_add_str(o, "started", *t ? t : NULL) ||
	    !cJSON_AddNumberToObject(o, "endpoints", (double)l->rep.nresults)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
diff_json(FILE *out, const struct diff *d, const struct loaded_report *o,
          const struct loaded_report *n, const char *oname, const char *nname,
          int fail_on, int code)
{
	cJSON *root = cJSON_CreateObject(), *hosts, *host = NULL, *sum;
	size_t last = (size_t)-1;
	bool ok;

	ok = root && jb_add_str(root, "schema", "mailaudit-diff/1") &&
	     cJSON_AddItemToObject(root, "old", diff_side(o, oname)) &&
	     cJSON_AddItemToObject(root, "new", diff_side(n, nname)) &&
	     jb_add_str(root, "fail_on",
	                severity_name((enum severity)fail_on)) &&
	     cJSON_AddNumberToObject(root, "exit_code", code) &&
	     (hosts = cJSON_AddArrayToObject(root, "hosts"));
	for (size_t i = 0; ok && i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		cJSON *item;

		if (e->host_order != last) {
			host = cJSON_CreateObject();
			ok = host && cJSON_AddItemToArray(hosts, host) &&
			     jb_add_str(host, "host", d->hosts[e->host_order]);
			for (int k = 0; ok && k < DIFF_KINDS; k++)
				ok = cJSON_AddArrayToObject(
				         host, diff_names[k]) != NULL;
			last = e->host_order;
		}
		item = ok ? diff_item(e) : NULL;
		ok = item &&
		     cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(
		                              host, diff_names[e->kind]),
		                          item);
	}
	ok = ok && (sum = cJSON_AddObjectToObject(root, "summary"));
	for (int k = 0; ok && k < DIFF_KINDS; k++)
		ok = cJSON_AddNumberToObject(sum, diff_names[k],
		                             (double)d->count[k]) != NULL;
	ok = ok && cJSON_AddNumberToObject(sum, "failing", (double)d->failing);
	if (!ok) {
		cJSON_Delete(root);
		root = NULL;
	}
	return jb_write(out, root);
}
