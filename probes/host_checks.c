/* Cross-endpoint judgements. */
#include "probes/host_checks.h"

#include <string.h>

#include "probes/service.h"

static bool
same_address(const struct endpoint *a, const struct endpoint *b)
{
	return strcmp(a->host, b->host) == 0 &&
	       strcmp(a->address, b->address) == 0;
}

void
host_checks_judge(struct endpoint_result *results, size_t n)
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
			    !clear->banner ||
			    clear->status == EP_STATUS_REJECTED)
				continue;
			result_add_findingf(
			    imp, "IMPLICIT-TLS-MISSING",
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
