/*
 * Per-host TLS verdict. "Mandatory" follows RFC 8314 §3 and BSI TR-03108
 * §4.1.1 (TR-03108-01-M): implicit TLS offered, and no login possible
 * without it on any port.
 */
#include "probes/checks/catalog.h"
#include "probes/checks/host_verdict.h"

#include <string.h>

#include "probes/service.h"
#include "scanner/core/xalloc.h"

/* Can a client log in on this endpoint without TLS? */
static bool
cleartext_login(const struct endpoint_result *r)
{
	return result_has_check(r, CHECK(AUTH_PLAINTEXT_BEFORE_TLS)) ||
	       result_has_check(r, CHECK(CLEARTEXT_AUTH_ALLOWED)) ||
	       result_has_check(r, CHECK(IMAP_PREAUTH_CLEARTEXT));
}

static char *
describe(const struct endpoint_result *r)
{
	const struct endpoint *ep = &r->endpoint;
	bool implicit = ep->service->tls == TLS_MODE_IMPLICIT;
	const char *tls;

	if (r->status != EP_STATUS_OK)
		return xasprintf("%s %u (%s): %s", ep->service->name, ep->port,
		                 ep->address[0] ? ep->address : "-",
		                 endpoint_status_name(r->status));
	if (implicit)
		tls = r->tls_reached ? "implicit TLS" : "no TLS";
	else if (r->tls_reached)
		tls = "STARTTLS works";
	else
		tls = "no working STARTTLS";
	return xasprintf("%s %u (%s): %s, %s", ep->service->name, ep->port,
	                 ep->address, tls,
	                 cleartext_login(r) ? "login possible without TLS"
	                                    : "no login without TLS");
}

void
host_verdict_judge(struct host_record *v, const struct endpoint_result *r,
                   size_t n)
{
	bool any_assessed = false, any_tls = false, implicit_ok = false;
	bool exposure = false;

	v->complete = true;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(r[i].endpoint.host, v->host) != 0)
			continue;
		strlist_add(&v->evidence, "");
		free(v->evidence.items[v->evidence.n - 1]);
		v->evidence.items[v->evidence.n - 1] = describe(&r[i]);
		if (endpoint_status_is_unassessed(r[i].status))
			v->complete = false;
		if (r[i].status != EP_STATUS_OK)
			continue;
		any_assessed = true;
		any_tls = any_tls || r[i].tls_reached;
		if (r[i].endpoint.service->tls == TLS_MODE_IMPLICIT &&
		    r[i].tls_reached)
			implicit_ok = true;
		exposure = exposure || cleartext_login(&r[i]);
	}
	if (!any_assessed)
		v->verdict = TLS_VERDICT_UNKNOWN;
	else if (!any_tls)
		v->verdict = TLS_VERDICT_ABSENT;
	else if (implicit_ok && !exposure)
		v->verdict = TLS_VERDICT_MANDATORY;
	else
		v->verdict = TLS_VERDICT_OPPORTUNISTIC;
}
