/* What an audit hello offers: see tlsaudit_offer.h. */
#include "scanner/tls/tlsaudit_offer.h"

#include <string.h>

/* Everything a legacy suite can be, for "weak first". */
#define WEAK_FLAGS                                                             \
	(TLS_SUITE_NULL | TLS_SUITE_ANON | TLS_SUITE_EXPORT | TLS_SUITE_RC4 |  \
	 TLS_SUITE_64BIT_BLOCK | TLS_SUITE_NO_FS)

static const uint16_t tls13_only[] = {TLS_VERSION_1_3};

int
version_slot(uint16_t v)
{
	switch (v) {
	case TLS_VERSION_1_3:
		return 0;
	case TLS_VERSION_1_2:
		return 1;
	case TLS_VERSION_1_1:
		return 2;
	case TLS_VERSION_1_0:
		return 3;
	case TLS_VERSION_SSL3:
		return 4;
	default:
		return -1;
	}
}

void
note_suite(struct tls_audit *a, uint16_t version, uint16_t suite)
{
	int slot = version_slot(version);
	struct tls_version_suites *vs;

	if (slot < 0)
		return;
	vs = &a->by_version[slot];
	for (size_t i = 0; i < vs->n; i++)
		if (vs->suites[i] == suite)
			return;
	if (vs->n < TLSAUDIT_MAX_SUITES)
		vs->suites[vs->n++] = suite;
}

size_t
select_suites(struct tls_audit_plan *pl, uint16_t version, unsigned require,
              unsigned exclude)
{
	size_t n = tls_suites_select(version, require, exclude, pl->offered,
	                             TLSAUDIT_MAX_OFFER);

	if (n > TLSAUDIT_MAX_OFFER)
		n = TLSAUDIT_MAX_OFFER;
	pl->noffered = n;
	return n;
}

/* Strong first: what a modern client prefers, so the broad TLS 1.2
 * question sees what such a client gets. */
void
order_strong_first(struct tls_audit_plan *pl)
{
	uint16_t tmp[TLSAUDIT_MAX_OFFER] = {0};
	size_t k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < pl->noffered; i++) {
			const struct tls_suite *s =
			    tls_suite_lookup(pl->offered[i]);
			bool strong =
			    s && (s->flags & TLS_SUITE_AEAD) &&
			    (s->flags & (TLS_SUITE_ECDHE | TLS_SUITE_DHE)) &&
			    !(s->flags & TLS_SUITE_ANON);

			if (strong == (pass == 0))
				tmp[k++] = pl->offered[i];
		}
	memcpy(pl->offered, tmp, k * sizeof(tmp[0]));
}

bool
offered(const struct tls_audit_plan *pl, uint16_t suite)
{
	for (size_t i = 0; i < pl->noffered; i++)
		if (pl->offered[i] == suite)
			return true;
	return false;
}

void
drop_found(struct tls_audit_plan *pl, uint16_t version)
{
	struct tls_audit *a = pl->a;
	const struct tls_version_suites *vs =
	    &a->by_version[version_slot(version)];
	size_t k = 0;

	for (size_t i = 0; i < pl->noffered; i++) {
		bool found = false;

		for (size_t j = 0; j < vs->n && !found; j++)
			found = vs->suites[j] == pl->offered[i];
		if (!found)
			pl->offered[k++] = pl->offered[i];
	}
	pl->noffered = k;
}

/* "Weak first": the weak suites the class questions found, then every
 * strong suite of the version. */
size_t
weak_first_offer(struct tls_audit_plan *pl, uint16_t version)
{
	struct tls_audit *a = pl->a;
	uint16_t strong[256];
	size_t ns, n = 0;

	for (int q = TLSQ_NULL_ANON_EXPORT; q <= TLSQ_NO_FS; q++)
		if (a->q[q].answer == TLSA_ACCEPTED)
			pl->offered[n++] = a->q[q].suite;
	if (n == 0)
		return 0;
	ns = tls_suites_select(version, TLS_SUITE_AEAD, WEAK_FLAGS, strong,
	                       sizeof(strong) / sizeof(strong[0]));
	if (ns > sizeof(strong) / sizeof(strong[0]))
		ns = sizeof(strong) / sizeof(strong[0]);
	if (ns == 0)
		return 0;
	memcpy(pl->offered + n, strong, ns * sizeof(strong[0]));
	pl->noffered = n + ns;
	return pl->noffered;
}

/* A TLS 1.3-only offer of the TLS 1.3 suites not yet found. */
void
offer_tls13(struct tls_audit_plan *pl, struct tlshello_params *p)
{
	select_suites(pl, TLS_VERSION_1_3, TLS_SUITE_TLS13, 0);
	p->client_version = TLS_VERSION_1_2;
	p->versions = tls13_only;
	p->nversions = 1;
	p->ext |= TLSHELLO_EXT_SUPPORTED_VERSIONS | TLSHELLO_EXT_KEY_SHARE;
}
