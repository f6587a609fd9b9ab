/* --external DNS lookups with libunbound's asynchronous API. */
#include "scanner/net/dnscheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unbound.h>
#include <unistd.h>

#include "probes/service.h"
#include "scanner/tls/certinfo.h"
#include "scanner/net/dnsrr.h"
#include "scanner/core/xalloc.h"

#define RR_SRV         33
#define RR_TLSA        52
#define CLASS_IN       1
#define RCODE_NXDOMAIN 3

int
dnscheck_server_parse(const char *text, char **out, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *close;
	unsigned char buf[16];
	size_t alen;
	char *end;
	unsigned long pn = 53;

	if (text[0] == '[') {
		close = strchr(text, ']');
		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		alen = (size_t)(close - text - 1);
		if (close[1] == ':')
			port = close + 2;
		text++;
	} else {
		const char *colon = strchr(text, ':');

		/* a second colon: a bare IPv6 address, no port */
		if (colon && !strchr(colon + 1, ':')) {
			alen = (size_t)(colon - text);
			port = colon + 1;
		} else {
			alen = strlen(text);
		}
	}
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, buf) != 1 &&
	    inet_pton(AF_INET6, addr, buf) != 1)
		goto bad;
	if (port) {
		errno = 0;
		pn = strtoul(port, &end, 10);
		if (errno || !*port || *end || pn == 0 || pn > 65535)
			goto bad;
	}
	*out = xasprintf("%s@%lu", addr, pn);
	return 0;
bad:
	snprintf(err, errlen,
	         "bad --dns-server '%s': expected an IP address, optionally "
	         "with :PORT ([IPV6]:PORT)",
	         text);
	return -1;
}

struct batch;

struct query {
	char *name;
	int rrtype;
	struct batch *b;
	int async_id;
	bool flying;
	bool done;
	double deadline;
	struct ub_result *res; /* NULL: failed, see failure */
	char *failure;
};

struct batch {
	struct ub_ctx *ctx;
	struct query *q;
	size_t nq;
	size_t cap;
	size_t *slots; /* name hash -> index + 1 */
	size_t nslots;
	size_t flying;
	bool anchored; /* a trust anchor is loaded */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long
name_hash(const char *s, int rrtype)
{
	unsigned long h = 1469598103934665603UL ^ (unsigned long)rrtype;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 1099511628211UL;
	}
	return h;
}

static void
rehash(struct batch *b)
{
	size_t ncap = b->nslots ? b->nslots * 2 : 64;
	size_t *ns = xcalloc(ncap, sizeof(*ns));

	for (size_t k = 0; k < b->nq; k++) {
		size_t i = name_hash(b->q[k].name, b->q[k].rrtype) % ncap;

		while (ns[i])
			i = (i + 1) % ncap;
		ns[i] = k + 1;
	}
	free(b->slots);
	b->slots = ns;
	b->nslots = ncap;
}

/* The query for (name, rrtype), added if new (*added tells). Takes name. */
static size_t
query_for(struct batch *b, char *name, int rrtype, bool *added)
{
	size_t i;

	if (b->nq == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->q = xreallocarray(b->q, b->cap, sizeof(*b->q));
	}
	if ((b->nq + 1) * 2 > b->nslots)
		rehash(b);
	i = name_hash(name, rrtype) % b->nslots;
	for (; b->slots[i]; i = (i + 1) % b->nslots) {
		struct query *q = &b->q[b->slots[i] - 1];

		if (q->rrtype == rrtype && strcasecmp(q->name, name) == 0) {
			free(name);
			*added = false;
			return b->slots[i] - 1;
		}
	}
	memset(&b->q[b->nq], 0, sizeof(b->q[b->nq]));
	b->q[b->nq].name = name;
	b->q[b->nq].rrtype = rrtype;
	b->slots[i] = b->nq + 1;
	*added = true;
	return b->nq++;
}

static void
on_answer(void *arg, int err, struct ub_result *res)
{
	struct query *q = arg;

	q->flying = false;
	q->done = true;
	q->b->flying--;
	if (err != 0) {
		q->failure = xstrdup(ub_strerror(err));
		ub_resolve_free(res);
		return;
	}
	q->res = res;
}

static int
submit(struct batch *b, struct query *q, double timeout_s, char *err,
       size_t errlen)
{
	int rc = ub_resolve_async(b->ctx, q->name, q->rrtype, CLASS_IN, q,
	                          on_answer, &q->async_id);

	if (rc == UB_SYNTAX) {
		q->done = true;
		q->failure = xstrdup("not a valid DNS name");
		return 0;
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot start DNS lookups: %s",
		         ub_strerror(rc));
		return -1;
	}
	q->flying = true;
	q->deadline = now_s() + timeout_s;
	b->flying++;
	return 0;
}

/* Every question answered, failed or past its deadline. */
static int
run_all(struct batch *b, double timeout_s, char *err, size_t errlen)
{
	size_t next = 0, fly_from = 0;
	int fd = ub_fd(b->ctx);

	for (;;) {
		double first = 0, t;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		while (b->flying < DNSCHECK_WINDOW && next < b->nq)
			if (submit(b, &b->q[next++], timeout_s, err, errlen) <
			    0)
				return -1;
		while (fly_from < next && b->q[fly_from].done)
			fly_from++;
		if (b->flying == 0 && next == b->nq)
			return 0;
		for (size_t i = fly_from; i < next; i++)
			if (b->q[i].flying &&
			    (first == 0 || b->q[i].deadline < first))
				first = b->q[i].deadline;
		t = first - now_s();
		if (poll(&pfd, 1, t > 0 ? (int)(t * 1000) + 1 : 0) > 0 &&
		    ub_process(b->ctx) != 0) {
			snprintf(err, errlen, "DNS lookups failed: %s",
			         "libunbound could not process answers");
			return -1;
		}
		t = now_s();
		for (size_t i = fly_from; i < next; i++) {
			struct query *q = &b->q[i];

			if (!q->flying || q->deadline > t)
				continue;
			ub_cancel(b->ctx, q->async_id);
			q->flying = false;
			q->done = true;
			q->failure = xasprintf("no answer within %g s "
			                       "(--timeout)",
			                       timeout_s);
			b->flying--;
		}
	}
}

static const char *
rcode_name(int rcode)
{
	static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
	                                    "NXDOMAIN", "NOTIMP",  "REFUSED"};

	return rcode >= 0 && rcode < 6 ? names[rcode] : "unknown rcode";
}

/* Outcome and name of one question, from its answer. */
static void
fill_lookup(const struct batch *b, const struct query *q, struct dns_lookup *l)
{
	const struct ub_result *res = q->res;

	l->name = xstrdup(q->name);
	if (!res) {
		l->outcome = DNS_FAILED;
		l->why = xstrdup(q->failure ? q->failure : "no answer");
	} else if (res->bogus) {
		l->outcome = DNS_BOGUS;
		l->why = xstrdup(res->why_bogus ? res->why_bogus
		                                : "validation failed");
	} else if (res->rcode != 0 && res->rcode != RCODE_NXDOMAIN) {
		l->outcome = DNS_FAILED;
		l->why = xasprintf("the server answered %s (rcode %d)",
		                   rcode_name(res->rcode), res->rcode);
	} else {
		l->outcome = res->secure ? DNS_SECURE : DNS_INSECURE;
		l->nxdomain = res->nxdomain != 0;
		if (!res->secure)
			l->why = xstrdup(
			    b->anchored
			        ? "the zone is not DNSSEC-signed, or no trust "
			          "anchor covers it"
			        : "no DNSSEC trust anchor is configured "
			          "(install dns-root-data or give "
			          "--dns-trust-anchor)");
	}
}

static bool
has_records(const struct query *q)
{
	return q->res && !q->res->bogus && q->res->havedata && q->res->data;
}

static void
fill_tlsa(const struct batch *b, const struct query *q, struct dns_tlsa *t)
{
	fill_lookup(b, q, &t->q);
	if (!has_records(q))
		return;
	for (size_t i = 0; q->res->data[i]; i++) {
		struct tlsa_rr rr;

		if (q->res->len[i] < 0 ||
		    dnsrr_tlsa_parse((const unsigned char *)q->res->data[i],
		                     (size_t)q->res->len[i], &rr) < 0) {
			t->q.nmalformed++;
			continue;
		}
		if (rr.mtype == 0)
			rr.data_sha256 = certinfo_sha256_hex(
			    q->res->data[i] + 3, (size_t)q->res->len[i] - 3);
		t->rr = xreallocarray(t->rr, t->n + 1, sizeof(*t->rr));
		t->rr[t->n++] = rr;
	}
}

static void
fill_srv(const struct batch *b, const struct query *q, struct dns_srv *s)
{
	fill_lookup(b, q, &s->q);
	if (!has_records(q))
		return;
	for (size_t i = 0; q->res->data[i]; i++) {
		struct srv_rr rr;

		if (q->res->len[i] < 0 ||
		    dnsrr_srv_parse((const unsigned char *)q->res->data[i],
		                    (size_t)q->res->len[i], &rr) < 0) {
			s->q.nmalformed++;
			continue;
		}
		s->rr = xreallocarray(s->rr, s->n + 1, sizeof(*s->rr));
		s->rr[s->n++] = rr;
	}
}

static int
setup(struct batch *b, const struct dnscheck_options *o, char *err,
      size_t errlen)
{
	const char *ta = o->trust_anchor;
	int rc;

	b->ctx = ub_ctx_create();
	if (!b->ctx) {
		snprintf(err, errlen, "cannot create a DNS resolver context");
		return -1;
	}
	/* a thread, not the default forked process: the scanner's memory
	 * and descriptors stay out of it */
	rc = ub_ctx_async(b->ctx, 1);
	if (rc == 0 && o->server) {
		rc = ub_ctx_set_fwd(b->ctx, o->server);
		/* a local resolver or test server is a deliberate choice */
		if (rc == 0)
			rc = ub_ctx_set_option(b->ctx,
			                       "do-not-query-localhost:", "no");
	} else if (rc == 0 && ub_ctx_resolvconf(b->ctx, NULL) != 0) {
		fprintf(stderr, "mailaudit: cannot read /etc/resolv.conf; "
		                "DNS checks resolve from the root servers\n");
	}
	if (rc == 0 && !ta && access(DNSCHECK_ROOT_KEY, R_OK) == 0)
		ta = DNSCHECK_ROOT_KEY;
	if (rc == 0 && ta) {
		rc = ub_ctx_add_ta_file(b->ctx, ta);
		b->anchored = rc == 0;
	}
	/* unbound answers the RFC 6761 "test." itself (NXDOMAIN); lab zones
	 * live there, so the chosen server decides. Last: this finalizes
	 * the context. */
	if (rc == 0 && o->server)
		rc = ub_ctx_zone_remove(b->ctx, "test.");
	if (rc != 0) {
		snprintf(err, errlen, "cannot set up DNS resolution%s%s: %s",
		         o->server ? " via " : "", o->server ? o->server : "",
		         ub_strerror(rc));
		return -1;
	}
	return 0;
}

/* "_993._tcp.HOST" and friends, without a final dot */
static char *
owner(const char *prefix, const char *host)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	return xasprintf("%s.%.*s", prefix, (int)n, host);
}

struct wanted {
	size_t tlsa, srv_clear, srv_tls; /* SIZE_MAX: none */
};

static void
plan(struct batch *b, const struct endpoint_result *r, size_t n,
     struct wanted *w)
{
	for (size_t i = 0; i < n; i++) {
		const struct endpoint *e = &r[i].endpoint;
		const struct service *clear = e->service, *tls;
		bool added;
		char port[16];

		w[i].tlsa = w[i].srv_clear = w[i].srv_tls = SIZE_MAX;
		if (e->host_is_ip || !e->host[0])
			continue;
		snprintf(port, sizeof(port), "_%u._tcp", (unsigned)e->port);
		w[i].tlsa = query_for(b, owner(port, e->host), RR_TLSA, &added);
		/* the first endpoint of the host and protocol carries the
		 * domain's SRV records */
		if (clear->tls != TLS_MODE_STARTTLS)
			clear = service_counterpart(clear);
		tls = service_counterpart(clear);
		w[i].srv_clear =
		    query_for(b, owner(clear->srv, e->host), RR_SRV, &added);
		if (!added) {
			w[i].srv_clear = SIZE_MAX;
			continue;
		}
		w[i].srv_tls =
		    query_for(b, owner(tls->srv, e->host), RR_SRV, &added);
	}
}

int
dnscheck_gather(struct endpoint_result *r, size_t n,
                const struct dnscheck_options *o, char *err, size_t errlen)
{
	struct batch b = {0};
	struct wanted *w = xcalloc(n ? n : 1, sizeof(*w));
	int rc = setup(&b, o, err, errlen);

	if (rc == 0) {
		plan(&b, r, n, w);
		for (size_t k = 0; k < b.nq; k++)
			b.q[k].b = &b;
		rc = run_all(&b, o->timeout_s, err, errlen);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (w[i].tlsa == SIZE_MAX)
			continue;
		r[i].dns = xcalloc(1, sizeof(*r[i].dns));
		r[i].dns->has_tlsa = true;
		fill_tlsa(&b, &b.q[w[i].tlsa], &r[i].dns->tlsa);
		if (w[i].srv_clear == SIZE_MAX)
			continue;
		r[i].dns->has_srv = true;
		fill_srv(&b, &b.q[w[i].srv_clear], &r[i].dns->srv_clear);
		fill_srv(&b, &b.q[w[i].srv_tls], &r[i].dns->srv_tls);
	}
	for (size_t k = 0; k < b.nq; k++) {
		if (b.q[k].flying)
			ub_cancel(b.ctx, b.q[k].async_id);
		ub_resolve_free(b.q[k].res);
		free(b.q[k].name);
		free(b.q[k].failure);
	}
	if (b.ctx)
		ub_ctx_delete(b.ctx);
	free(b.q);
	free(b.slots);
	free(w);
	return rc;
}
