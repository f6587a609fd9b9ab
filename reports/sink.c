/*
 * Streams a scan's report through its reporter's hooks as hosts finish
 * (see reports/sink.h): endpoints are grouped by host, because a host's
 * ports are judged together and so can only be written together.
 */
#include "reports/sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/xalloc.h"

/* Keeps the first write error: later calls (the scan goes on) may
 * change errno before the report is closed. */
static void
stream_failed(struct report_sink *st)
{
	if (!st->failed)
		st->failed = errno ? errno : EIO;
}

/* Groups the endpoints by host (a host's ports are judged together),
 * and counts what each group still waits for. */
static void
stream_groups(struct report_sink *st, size_t n)
{
	const struct scan_report all = {.results = st->results, .nresults = n};

	st->ngroups = report_group_hosts(&all, &st->groups, &st->members);
	st->group_of = xcalloc(n ? n : 1, sizeof(*st->group_of));
	st->left = xcalloc(st->ngroups ? st->ngroups : 1, sizeof(*st->left));
	for (size_t g = 0; g < st->ngroups; g++) {
		st->left[g] = st->groups[g].n;
		for (size_t j = 0; j < st->groups[g].n; j++)
			st->group_of[st->groups[g].members[j]] = g;
	}
	st->written = xcalloc(n ? n : 1, sizeof(*st->written));
}

/* All of group g is done: judge it as a whole, write it, slim it down. */
static void
stream_group(struct report_sink *st, size_t g)
{
	const size_t *members = st->groups[g].members, k = st->groups[g].n;
	struct endpoint_result *tmp = xcalloc(k, sizeof(*tmp));
	struct scan_report sub = {.results = tmp, .nresults = k};
	const struct reporter *rp = st->rp;
	struct host_record *h;

	for (size_t j = 0; j < k; j++)
		tmp[j] = st->results[members[j]];
	h = scan_report_add_host(st->rep, tmp[0].endpoint.host);
	st->judge(tmp, k, h, st->judge_arg);
	(void)gate_apply(&sub, st->gc);
	if (rp->host && !st->failed &&
	    rp->host(st->out, tmp, k, h, &st->ro) < 0)
		stream_failed(st);
	for (size_t j = 0; j < k; j++) {
		struct endpoint_result *r = &st->results[members[j]];

		*r = tmp[j];
		if (!st->failed && rp->endpoint &&
		    rp->endpoint(st->out, r, &st->ro, st->first) < 0)
			stream_failed(st);
		st->first = false;
		st->written[st->nwritten++] = members[j];
		endpoint_result_compact(r);
	}
	free(tmp);
}

void
sink_open(struct report_sink *st, const char *format, const char *path,
          bool color, int fail_on, struct endpoint_result *results, size_t n,
          const struct gate_config *gc, struct scan_report *rep,
          sink_judge_fn judge, void *judge_arg)
{
	const struct reporter *rp = reporter_by_name(format);

	memset(st, 0, sizeof(*st));
	/* a format spelled otherwise than its reporter's name (--format
	 * JSON) has always been collected, not streamed */
	if (!rp || !rp->finish || strcmp(rp->name, format) != 0)
		return;
	st->rp = rp;
	st->format = format;
	st->first = true;
	st->path = path;
	if (outfile_open(&st->file, st->path) != 0)
		return; /* the ordinary writer reports the error */
	st->out = st->file.f;
	st->on = true;
	st->results = results;
	st->gc = gc;
	st->rep = rep;
	st->judge = judge;
	st->judge_arg = judge_arg;
	st->ro.gate = &st->provisional;
	st->ro.fail_on = fail_on;
	st->ro.color = st->out == stdout && color;
	stream_groups(st, n);
	if (rp->begin && rp->begin(st->out, rep) < 0)
		stream_failed(st);
}

bool
sink_host_ready(struct report_sink *st, size_t idx)
{
	return --st->left[st->group_of[idx]] == 0;
}

void
sink_write_host(struct report_sink *st, size_t idx)
{
	stream_group(st, st->group_of[idx]);
}

bool
sink_hosts_to_stdout(const struct report_sink *st)
{
	return st->on && st->rp->host && st->out == stdout;
}

int
sink_close(struct report_sink *st, struct scan_report *rep,
           const struct report_options *ro)
{
	struct endpoint_result *sorted;
	int rc;

	/* every endpoint is reported once, even one the engine never handed
	 * back */
	for (size_t g = 0; g < st->ngroups; g++)
		if (st->left[g] > 0) {
			st->left[g] = 0;
			stream_group(st, g);
		}
	/* hosts and totals follow the endpoints as they were written */
	sorted = xcalloc(st->nwritten ? st->nwritten : 1, sizeof(*sorted));
	for (size_t i = 0; i < st->nwritten; i++)
		sorted[i] = rep->results[st->written[i]];
	if (st->nwritten > 0)
		memcpy(rep->results, sorted, st->nwritten * sizeof(*sorted));
	free(sorted);
	errno = st->failed;
	rc = st->failed ? -1 : st->rp->finish(st->out, rep, ro);

	return outfile_close(&st->file, rc == 0);
}

void
sink_free(struct report_sink *st)
{
	free(st->groups);
	free(st->members);
	free(st->group_of);
	free(st->left);
	free(st->written);
}
