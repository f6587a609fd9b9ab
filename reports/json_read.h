/*
 * Loads a saved JSON report (schema "mailaudit/1", reports/json-fields.md)
 * back into a struct scan_report, so that `mailaudit report` can render
 * any format from it and `mailaudit diff` can compare two scans. Findings
 * are mapped back to catalog checks; an unknown check id, service or
 * status is an error, because a report that cannot be rendered faithfully
 * must not be rendered at all. Server-provided strings are escaped again
 * on load (a no-op for reports mailaudit wrote), so a hand-edited file
 * cannot smuggle control bytes into a terminal or a page.
 */
#ifndef MAILAUDIT_REPORTS_JSON_READ_H
#define MAILAUDIT_REPORTS_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/gate/gate.h"
#include "scanner/core/result.h"
#include "scanner/core/strlist.h"

struct loaded_report {
	struct scan_report rep;   /* results owned here */
	int fail_on;              /* "fail_on" (enum severity), or -1 (null) */
	int exit_code;            /* "exit_code" as saved */
	bool has_gate;            /* the document has "profiles" etc. */
	struct gate_summary gate; /* valid when has_gate */
	/* storage behind rep's const pointers */
	char *version;
	char **parameters;      /* NULL-terminated */
	struct strlist reasons; /* waiver reasons the findings point to */
};

/*
 * Parses a JSON report held in memory; name is used in messages. Returns
 * 0, or -1 with one line in err, "NAME: WHERE: PROBLEM" (WHERE a JSON
 * path such as endpoints[3].findings[0].check). On error out is empty.
 */
int report_load_buffer(const char *text, size_t len, const char *name,
                       struct loaded_report *out, char *err, size_t errlen);

/* Reads path ("-": standard input; at most 256 MiB) and parses it. */
int report_load_file(const char *path, struct loaded_report *out, char *err,
                     size_t errlen);

void report_load_free(struct loaded_report *l);

#endif
