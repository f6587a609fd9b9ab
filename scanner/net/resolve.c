/* Name resolution of targets into endpoints. */
#include "scanner/net/resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "scanner/core/xalloc.h"

int
resolve_pin_parse(const char *text, struct resolve_pin *out, char *err,
                  size_t errlen)
{
	const char *colon = strchr(text, ':');
	char *addr;
	unsigned char buf[16];
	size_t alen;

	if (!colon || colon == text) {
		snprintf(err, errlen,
		         "bad --resolve '%s': expected HOST:ADDRESS", text);
		return -1;
	}
	addr = xstrdup(colon + 1);
	alen = strlen(addr);
	if (alen >= 2 && addr[0] == '[' && addr[alen - 1] == ']') {
		memmove(addr, addr + 1, alen - 2);
		addr[alen - 2] = '\0';
	}
	if (inet_pton(AF_INET, addr, buf) != 1 &&
	    inet_pton(AF_INET6, addr, buf) != 1) {
		snprintf(err, errlen,
		         "bad --resolve '%s': '%s' is not an IP address", text,
		         addr);
		free(addr);
		return -1;
	}
	out->host = xstrndup(text, (size_t)(colon - text));
	for (char *p = out->host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	out->address = addr;
	return 0;
}

/* (host, address, port) already added: open addressing on a hash. */
struct seen_set {
	size_t *slots; /* index + 1 into the builder, 0 = empty */
	size_t cap;
};

struct builder {
	struct endpoint_result *r;
	size_t n;
	size_t cap;
	struct seen_set seen;
};

static unsigned long
endpoint_hash(const char *host, const char *address, unsigned port)
{
	unsigned long h = 1469598103934665603UL;

	for (const char *p = host; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211UL;
	h = (h ^ '|') * 1099511628211UL;
	for (const char *p = address; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211UL;
	return (h ^ port) * 1099511628211UL;
}

static bool
same(const struct endpoint_result *r, const char *host, const char *address,
     unsigned port)
{
	return r->endpoint.port == port &&
	       strcmp(r->endpoint.host, host) == 0 &&
	       strcmp(r->endpoint.address, address) == 0;
}

/* Inserts; false if it was there already. */
static bool
seen_add(struct builder *b, const char *host, const char *address,
         unsigned port)
{
	size_t i;

	if ((b->n + 1) * 2 > b->seen.cap) {
		size_t ncap = b->seen.cap ? b->seen.cap * 2 : 64;
		size_t *ns = xcalloc(ncap, sizeof(*ns));

		for (size_t k = 0; k < b->n; k++) {
			const struct endpoint *e = &b->r[k].endpoint;

			i = endpoint_hash(e->host, e->address, e->port) % ncap;
			while (ns[i])
				i = (i + 1) % ncap;
			ns[i] = k + 1;
		}
		free(b->seen.slots);
		b->seen.slots = ns;
		b->seen.cap = ncap;
	}
	i = endpoint_hash(host, address, port) % b->seen.cap;
	while (b->seen.slots[i]) {
		if (same(&b->r[b->seen.slots[i] - 1], host, address, port))
			return false;
		i = (i + 1) % b->seen.cap;
	}
	b->seen.slots[i] = b->n + 1;
	return true;
}

static void
add_endpoint(struct builder *b, const struct target_spec *t, size_t ti,
             const char *address, const struct target_port *tp)
{
	struct endpoint_result *r;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->r = xreallocarray(b->r, b->cap, sizeof(*b->r));
	}
	if (!seen_add(b, t->host, address, tp->port))
		return;
	r = &b->r[b->n++];
	endpoint_result_init(r);
	r->endpoint.host = xstrdup(t->host);
	r->endpoint.address = xstrdup(address);
	r->endpoint.port = tp->port;
	r->endpoint.service = tp->service;
	r->endpoint.host_is_ip = t->host_is_ip;
	r->endpoint.target_index = ti;
}

static const char *
pinned(const struct target_spec *t, const struct resolve_pin *pins,
       size_t npins)
{
	for (size_t i = 0; i < npins; i++)
		if (strcasecmp(pins[i].host, t->host) == 0)
			return pins[i].address;
	return NULL;
}

static void
collect_addresses(const struct addrinfo *ai, int family, struct strlist *out)
{
	for (const struct addrinfo *p = ai; p; p = p->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *a;

		if (p->ai_family != AF_INET && p->ai_family != AF_INET6)
			continue;
		if (family != AF_UNSPEC && p->ai_family != family)
			continue;
		a = p->ai_family == AF_INET
		        ? (const void *)&(
		              (const struct sockaddr_in *)p->ai_addr)
		              ->sin_addr
		        : (const void *)&(
		              (const struct sockaddr_in6 *)p->ai_addr)
		              ->sin6_addr;
		if (inet_ntop(p->ai_family, a, buf, sizeof(buf)) &&
		    !strlist_has_ci(out, buf))
			strlist_add(out, buf);
	}
}

/* Resolves every name that needs DNS, in parallel batches. */
#define LOOKUP_BATCH 256

struct lookup {
	struct strlist addrs;
	const char *error;
};

static void
lookup_all(const struct target_spec *t, size_t nt,
           const struct resolve_pin *pins, size_t npins, int family,
           struct lookup *out)
{
	static const struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	                                      .ai_flags = AI_ADDRCONFIG};
	struct gaicb *reqs = xcalloc(LOOKUP_BATCH, sizeof(*reqs));
	struct gaicb **list = xcalloc(LOOKUP_BATCH, sizeof(*list));
	size_t *which = xcalloc(LOOKUP_BATCH, sizeof(*which));
	size_t i = 0;

	while (i < nt) {
		size_t k = 0;

		for (; i < nt && k < LOOKUP_BATCH; i++) {
			const char *pin = pinned(&t[i], pins, npins);

			strlist_init(&out[i].addrs);
			if (t[i].host_is_ip || pin) {
				strlist_add(&out[i].addrs,
				            pin ? pin : t[i].host);
				continue;
			}
			memset(&reqs[k], 0, sizeof(reqs[k]));
			reqs[k].ar_name = t[i].host;
			reqs[k].ar_request = &hints;
			list[k] = &reqs[k];
			which[k++] = i;
		}
		if (k == 0)
			continue;
		getaddrinfo_a(GAI_WAIT, list, (int)k, NULL);
		for (size_t j = 0; j < k; j++) {
			int rc = gai_error(&reqs[j]);

			if (rc == 0) {
				collect_addresses(reqs[j].ar_result, family,
				                  &out[which[j]].addrs);
				freeaddrinfo(reqs[j].ar_result);
				if (out[which[j]].addrs.n == 0)
					out[which[j]].error =
					    family == AF_INET
					        ? "no IPv4 address"
					        : "no IPv6 address";
			} else {
				out[which[j]].error = gai_strerror(rc);
			}
		}
	}
	free(reqs);
	free(list);
	free(which);
}

static bool
family_ok(const char *address, int family)
{
	bool v6 = strchr(address, ':') != NULL;

	return family == AF_UNSPEC || (family == AF_INET6) == v6;
}

struct endpoint_result *
resolve_targets(const struct target_spec *t, size_t nt,
                const struct resolve_pin *pins, size_t npins, int family,
                size_t *n_r)
{
	struct builder b = {0};
	struct lookup *lk = xcalloc(nt ? nt : 1, sizeof(*lk));

	lookup_all(t, nt, pins, npins, family, lk);
	for (size_t ti = 0; ti < nt; ti++) {
		struct strlist *addrs = &lk[ti].addrs;
		size_t usable = 0;

		for (size_t a = 0; a < addrs->n; a++) {
			if (!family_ok(addrs->items[a], family))
				continue;
			usable++;
			for (size_t p = 0; p < t[ti].nports; p++)
				add_endpoint(&b, &t[ti], ti, addrs->items[a],
				             &t[ti].ports[p]);
		}
		if (usable == 0) {
			for (size_t p = 0; p < t[ti].nports; p++) {
				size_t before = b.n;

				add_endpoint(&b, &t[ti], ti, "",
				             &t[ti].ports[p]);
				if (b.n > before) {
					b.r[b.n - 1].status =
					    EP_STATUS_UNRESOLVED;
					b.r[b.n - 1].status_detail = xasprintf(
					    "cannot resolve %s: %s", t[ti].host,
					    lk[ti].error ? lk[ti].error
					    : addrs->n   ? "no address of "
					                   "the asked family"
					                 : "no address");
				}
			}
		}
		strlist_free(addrs);
	}
	free(lk);
	free(b.seen.slots);
	*n_r = b.n;
	return b.r;
}
