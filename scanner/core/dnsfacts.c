/* DNS facts: names and freeing. */
#include "scanner/core/dnsfacts.h"

#include <stdlib.h>
#include <string.h>

const char *
dns_outcome_name(enum dns_outcome o)
{
	switch (o) {
	case DNS_NOT_ASKED:
		return "not asked";
	case DNS_SECURE:
		return "secure";
	case DNS_INSECURE:
		return "insecure";
	case DNS_BOGUS:
		return "bogus";
	case DNS_FAILED:
		return "failed";
	}
	return "?";
}

void
dns_lookup_free(struct dns_lookup *q)
{
	free(q->name);
	free(q->why);
	memset(q, 0, sizeof(*q));
}

void
dns_tlsa_free(struct dns_tlsa *t)
{
	dns_lookup_free(&t->q);
	for (size_t i = 0; i < t->n; i++) {
		free(t->rr[i].data_hex);
		free(t->rr[i].data_sha256);
	}
	free(t->rr);
	memset(t, 0, sizeof(*t));
}

void
dns_srv_free(struct dns_srv *s)
{
	dns_lookup_free(&s->q);
	for (size_t i = 0; i < s->n; i++)
		free(s->rr[i].target);
	free(s->rr);
	memset(s, 0, sizeof(*s));
}

void
dns_facts_free(struct dns_facts *f)
{
	if (!f)
		return;
	dns_tlsa_free(&f->tlsa);
	dns_srv_free(&f->srv_clear);
	dns_srv_free(&f->srv_tls);
	free(f);
}
