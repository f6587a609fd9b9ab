/* Cross-endpoint judgements. */
#include "probes/checks/catalog.h"
#include "probes/checks/host_checks.h"

#include <string.h>

#include "probes/checks/dns_checks.h"
#include "probes/service.h"

static bool
same_address(const struct endpoint *a, const struct endpoint *b)
{
	return strcmp(a->host, b->host) == 0 &&
	       strcmp(a->address, b->address) == 0;
}

static const struct cert_facts *
leaf_of(const struct endpoint_result *r)
{
	const struct chain_facts *ch = &r->tls.chain;

	return ch->ncerts > 0 && ch->certs[0].sha256 ? &ch->certs[0] : NULL;
}

/* Two listeners that should present one certificate: the STARTTLS and
 * implicit-TLS ports of a protocol on one address, or one port on the
 * host name's different addresses (A and AAAA, say). */
static bool
should_match(const struct endpoint *a, const struct endpoint *b)
{
	if (strcmp(a->host, b->host) != 0)
		return false;
	if (strcmp(a->address, b->address) == 0)
		return a->service->protocol == b->service->protocol &&
		       a->port != b->port;
	return a->port == b->port && a->service == b->service;
}

static void
judge_cert_consistency(struct endpoint_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct endpoint_result *a = &results[i];
		const struct cert_facts *la = leaf_of(a);

		for (size_t j = 0; la && j < i; j++) {
			const struct endpoint_result *b = &results[j];
			const struct cert_facts *lb = leaf_of(b);

			if (!lb || !should_match(&a->endpoint, &b->endpoint) ||
			    strcmp(la->sha256, lb->sha256) == 0)
				continue;
			result_add_findingf(
			    a, CHECK(CERT_INCONSISTENT_ACROSS_ENDPOINTS),
			    "%s/%u on %s serves leaf SHA-256 %.16s... (%s, "
			    "%s %u bits), but %s/%u on %s serves SHA-256 "
			    "%.16s... (%s, %s %u bits)",
			    a->endpoint.service->name, a->endpoint.port,
			    a->endpoint.address, la->sha256,
			    la->subject ? la->subject : "?",
			    la->key_algorithm ? la->key_algorithm : "?",
			    la->key_bits, b->endpoint.service->name,
			    b->endpoint.port, b->endpoint.address, lb->sha256,
			    lb->subject ? lb->subject : "?",
			    lb->key_algorithm ? lb->key_algorithm : "?",
			    lb->key_bits);
			break;
		}
	}
}

static void
judge_implicit_missing(struct endpoint_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct endpoint_result *imp = &results[i];
		const struct service *svc = imp->endpoint.service;

		if (svc->tls != TLS_MODE_IMPLICIT ||
		    (imp->status != EP_STATUS_CLOSED &&
		     imp->status != EP_STATUS_FILTERED &&
		     !(imp->status == EP_STATUS_TLS_ERROR &&
		       !imp->tls.handshake_done)))
			continue;
		for (size_t j = 0; j < n; j++) {
			const struct endpoint_result *clear = &results[j];

			if (clear->endpoint.service->tls != TLS_MODE_STARTTLS ||
			    clear->endpoint.service->protocol !=
			        svc->protocol ||
			    !same_address(&clear->endpoint, &imp->endpoint) ||
			    clear->status != EP_STATUS_OK)
				continue;
			result_add_findingf(
			    imp, CHECK(IMPLICIT_TLS_MISSING),
			    "%s port %u answers, but implicit TLS on port "
			    "%u is %s%s%s",
			    clear->endpoint.service->name, clear->endpoint.port,
			    imp->endpoint.port,
			    endpoint_status_name(imp->status),
			    imp->status_detail ? ": " : "",
			    imp->status_detail ? imp->status_detail : "");
			break;
		}
	}
}

void
host_checks_judge(struct endpoint_result *results, size_t n)
{
	judge_cert_consistency(results, n);
	judge_implicit_missing(results, n);
	dns_checks_judge(results, n);
}
