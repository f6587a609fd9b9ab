/*
 * `mailaudit merge`: combines saved reports (e.g. the shards of --shard
 * K/N) into one, each endpoint once, and gates the whole fleet.
 */
#include "scanner/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "scanner/cli/cmd.h"
#include "scanner/core/xalloc.h"

/* Moves b's endpoints (and the waiver reasons they point to) into a,
 * skipping endpoints a already has: shards are disjoint, but a host
 * given twice must not be counted twice. */
static void
merge_into(struct loaded_report *a, struct loaded_report *b)
{
	struct scan_report *ra = &a->rep, *rb = &b->rep;

	ra->results = xreallocarray(ra->results, ra->nresults + rb->nresults,
	                            sizeof(*ra->results));
	for (size_t i = 0; i < rb->nresults; i++) {
		const struct endpoint *e = &rb->results[i].endpoint;
		bool dup = false;

		for (size_t k = 0; k < ra->nresults && !dup; k++) {
			const struct endpoint *x = &ra->results[k].endpoint;

			dup = x->port == e->port &&
			      strcmp(x->host, e->host) == 0 &&
			      strcmp(x->address, e->address) == 0;
		}
		if (dup)
			endpoint_result_free(&rb->results[i]);
		else
			ra->results[ra->nresults++] = rb->results[i];
	}
	rb->nresults = 0;
	for (size_t i = 0; i < b->reasons.n; i++) {
		/* the pointers move: findings keep pointing at them */
		if (a->reasons.n == a->reasons.cap) {
			a->reasons.cap =
			    a->reasons.cap ? a->reasons.cap * 2 : 8;
			a->reasons.items =
			    xreallocarray(a->reasons.items, a->reasons.cap,
			                  sizeof(*a->reasons.items));
		}
		a->reasons.items[a->reasons.n++] = b->reasons.items[i];
	}
	b->reasons.n = 0;
	if (rb->started.tv_sec &&
	    (!ra->started.tv_sec || rb->started.tv_sec < ra->started.tv_sec))
		ra->started = rb->started;
	if (rb->finished.tv_sec > ra->finished.tv_sec)
		ra->finished = rb->finished;
	ra->partial = ra->partial || rb->partial;
}

int
cmd_merge(int argc, char **argv)
{
	struct report_args a = {.fail_on = -1, .color = true};
	struct loaded_report in = {0}, next;
	struct gate_config cfg;
	struct waiver_list wl = {0};
	size_t ninputs = 0;
	char err[512];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = report_option(&a, argc, argv, &i);
			if (rc >= 0)
				return rc;
			continue;
		}
		if (report_load_file(argv[i], ninputs ? &next : &in, err,
		                     sizeof(err)) < 0) {
			fprintf(stderr, "mailaudit merge: %s\n", err);
			if (ninputs)
				report_load_free(&in);
			return 2;
		}
		if (ninputs++) {
			merge_into(&in, &next);
			report_load_free(&next);
		} else {
			a.input = argv[i];
		}
	}
	if (ninputs == 0)
		return usage_error("merge", "no reports to merge");
	if (!a.format)
		a.format = format_for(a.output);
	/* the totals and the exit code are those of the whole fleet */
	a.regate = true;
	rc = report_regate(&in, &a, &cfg, &wl);
	if (rc == 0)
		rc = write_loaded("merge", &in, &a);
	report_load_free(&in);
	waivers_free(&wl);
	return rc;
}
