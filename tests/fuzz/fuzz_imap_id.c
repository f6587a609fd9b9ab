/*
 * Server-identity parsers of the IMAP probe: the ID response
 * (probes/imap_id.h, RFC 2971) read from a reply the pingpong engine
 * assembled (imap_end_tagged, tag "A001"), and the back-end host
 * name hidden in Exchange greetings (probes/exchange.h) read from each
 * line. Evidence must be bounded, NUL-terminated and printable.
 */
#include <string.h>

#include "probes/exchange.h"
#include "probes/imap_id.h"
#include "probes/imap_reply.h"
#include "tests/fuzz/fuzz.h"

static void
one_reply(const struct pp_reply *r)
{
	struct imap_id id;
	char ev[300], fqdn[EXCHANGE_FQDN_MAX + 1];

	if (imap_id_parse(r, &id) == IMAP_ID_PARSED) {
		for (size_t i = 0; i < id.npairs; i++)
			FUZZ_ASSERT(fuzz_printable(id.pairs[i].field) &&
			            fuzz_printable(id.pairs[i].value));
		if (imap_id_discloses(&id, ev, sizeof(ev)))
			FUZZ_ASSERT(strlen(ev) < sizeof(ev) &&
			            fuzz_printable(ev));
		(void)imap_id_discloses(&id, ev, 4);
		(void)imap_id_discloses(&id, NULL, 0);
		imap_id_free(&id);
	}
	for (size_t i = 0; i < r->nlines; i++)
		if (exchange_backend_fqdn(r->lines[i].text, fqdn, sizeof(fqdn)))
			FUZZ_ASSERT(strlen(fqdn) <= EXCHANGE_FQDN_MAX &&
			            strchr(fqdn, '.') && fuzz_printable(fqdn));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pingpong pp;
	const struct pp_reply *r;

	pp_init(&pp, NULL);
	pp_expect(&pp, imap_end_tagged, "A001");
	if (size > 0 && pp_feed(&pp, (const char *)data, size) == 0) {
		while (pp_next(&pp, &r) == 1) {
			one_reply(r);
			pp_expect(&pp, imap_end_tagged, "A001");
		}
		/* what was left, as the probe sees an unfinished reply */
		if (pp_partial(&pp)->nlines > 0)
			one_reply(pp_partial(&pp));
	}
	pp_free(&pp);
	return 0;
}
