/*
 * Waiver files (scanner/gate/waivers.h), written by operators: parsed from the
 * input; an accepted file must hold well-formed waivers, a rejected one
 * must come with a one-line reason. Every waiver is then matched against
 * a few endpoints, and its glob against the input itself.
 */
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/gate/waivers.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct waiver_list wl;
	char err[512] = "";
	size_t ncheck;
	const struct check *all = catalog_all(&ncheck);
	struct endpoint ep = {
	    .host = (char *)"mail.example.test",
	    .address = (char *)"127.0.0.1",
	    .port = 993,
	    .service = service_by_name("imaps"),
	};

	if (waivers_parse((const char *)data, size, "fuzz", &wl, err,
	                  sizeof(err)) != 0) {
		FUZZ_ASSERT(err[0] != '\0' && !strchr(err, '\n'));
		return 0;
	}
	for (size_t i = 0; i < wl.n; i++) {
		const struct waiver *w = &wl.items[i];

		FUZZ_ASSERT(w->check && w->reason && w->reason[0] &&
		            w->expires_ymd >= 19700101 &&
		            w->expires_ymd <= 99991231);
	}
	for (size_t i = 0; i < wl.n; i++)
		for (size_t k = 0; k < ncheck; k++)
			(void)waiver_matches(&wl.items[i], &all[k], &ep);
	waivers_free(&wl);
	return 0;
}
