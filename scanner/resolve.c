/* Name resolution of targets into endpoints. */
#include "scanner/resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "scanner/xalloc.h"

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

struct builder {
	struct endpoint_result *r;
	size_t n;
	size_t cap;
};

static void
add_endpoint(struct builder *b, const struct target_spec *t, size_t ti,
	     const char *address, const struct target_port *tp)
{
	struct endpoint_result *r;

	for (size_t i = 0; i < b->n; i++)
		if (b->r[i].endpoint.port == tp->port &&
		    strcmp(b->r[i].endpoint.host, t->host) == 0 &&
		    strcmp(b->r[i].endpoint.address, address) == 0)
			return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->r = xreallocarray(b->r, b->cap, sizeof(*b->r));
	}
	r = &b->r[b->n++];
	endpoint_result_init(r);
	r->endpoint.host = xstrdup(t->host);
	r->endpoint.address = xstrdup(address);
	r->endpoint.port = tp->port;
	r->endpoint.service = tp->service;
	r->endpoint.host_is_ip = t->host_is_ip;
	r->endpoint.target_index = ti;
}

/* Resolves t->host into addresses (numeric strings). */
static void
lookup(const struct target_spec *t, const struct resolve_pin *pins,
       size_t npins, struct strlist *out, const char **error_r)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_ADDRCONFIG};
	struct addrinfo *ai = NULL;
	int rc;

	if (t->host_is_ip) {
		strlist_add(out, t->host);
		return;
	}
	for (size_t i = 0; i < npins; i++)
		if (strcasecmp(pins[i].host, t->host) == 0) {
			strlist_add(out, pins[i].address);
			return;
		}
	rc = getaddrinfo(t->host, NULL, &hints, &ai);
	if (rc != 0) {
		*error_r = gai_strerror(rc);
		return;
	}
	for (struct addrinfo *p = ai; p; p = p->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *a = p->ai_family == AF_INET
					? (const void *)&((struct sockaddr_in *)
								  p->ai_addr)
						  ->sin_addr
					: (const void *)&((struct sockaddr_in6 *)
								  p->ai_addr)
						  ->sin6_addr;

		if ((p->ai_family == AF_INET || p->ai_family == AF_INET6) &&
		    inet_ntop(p->ai_family, a, buf, sizeof(buf)) &&
		    !strlist_has_ci(out, buf))
			strlist_add(out, buf);
	}
	freeaddrinfo(ai);
}

struct endpoint_result *
resolve_targets(const struct target_spec *t, size_t nt,
		const struct resolve_pin *pins, size_t npins, size_t *n_r)
{
	struct builder b = {0};

	for (size_t ti = 0; ti < nt; ti++) {
		struct strlist addrs;
		const char *error = NULL;

		strlist_init(&addrs);
		lookup(&t[ti], pins, npins, &addrs, &error);
		if (addrs.n == 0) {
			for (size_t p = 0; p < t[ti].nports; p++) {
				size_t before = b.n;

				add_endpoint(&b, &t[ti], ti, "", &t[ti].ports[p]);
				if (b.n > before) {
					b.r[b.n - 1].status = EP_STATUS_UNRESOLVED;
					b.r[b.n - 1].status_detail = xasprintf(
						"cannot resolve %s: %s",
						t[ti].host,
						error ? error : "no address");
				}
			}
		}
		for (size_t a = 0; a < addrs.n; a++)
			for (size_t p = 0; p < t[ti].nports; p++)
				add_endpoint(&b, &t[ti], ti, addrs.items[a],
					     &t[ti].ports[p]);
		strlist_free(&addrs);
	}
	*n_r = b.n;
	return b.r;
}
