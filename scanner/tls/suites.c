/*
 * The cipher-suite table of the TLS wire layer and its lookups. The rows
 * are generated (scanner/tls/suites.inc, from suites.tsv by
 * gen_suites.py) so that the flags follow one set of rules; see
 * scanner/tls/tlshello.h for the contracts.
 */
#include "scanner/tls/tlshello.h"

#include <stdio.h>

#include "scanner/tls/wire.h"

/* Sorted by id for bsearch (gen_suites.py refuses anything else). */
static const struct tls_suite suite_table[] = {
#include "scanner/tls/suites.inc"
};

const struct tls_suite *
tls_suite_table(size_t *n_r)
{
	*n_r = ARRAY_LEN(suite_table);
	return suite_table;
}

const struct tls_suite *
tls_suite_lookup(uint16_t id)
{
	size_t lo = 0, hi = ARRAY_LEN(suite_table);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (suite_table[mid].id == id)
			return &suite_table[mid];
		if (suite_table[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

uint16_t
tls_suite_by_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(suite_table); i++)
		if (strcmp(suite_table[i].name, name) == 0)
			return suite_table[i].id;
	return 0;
}

const char *
tls_suite_name(uint16_t id)
{
	static _Thread_local char buf[8];
	const struct tls_suite *s = tls_suite_lookup(id);

	if (s)
		return s->name;
	snprintf(buf, sizeof(buf), "0x%04X", (unsigned)id);
	return buf;
}

size_t
tls_suites_select(uint16_t version, unsigned require_flags,
                  unsigned exclude_flags, uint16_t *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_LEN(suite_table); i++) {
		const struct tls_suite *s = &suite_table[i];
		bool is13 = (s->flags & TLS_SUITE_TLS13) != 0;

		if (s->flags & TLS_SUITE_SCSV)
			continue;
		if (is13 != (version >= TLS_VERSION_1_3))
			continue;
		if (s->min_version > version)
			continue;
		if ((s->flags & require_flags) != require_flags ||
		    (s->flags & exclude_flags) != 0)
			continue;
		if (n < cap)
			out[n] = s->id;
		n++;
	}
	return n;
}
