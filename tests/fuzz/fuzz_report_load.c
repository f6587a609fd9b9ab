/*
 * Saved JSON reports read back by `mailaudit report` and `diff`
 * (reports/json_read.h): a report may be hand-edited or come from
 * another machine. A rejected document must come with a one-line reason;
 * an accepted one must render in every format (to /dev/null) the way
 * `mailaudit report` renders it, with or without its saved gate.
 */
#include <string.h>

#include "probes/checks/judge.h"
#include "reports/report.h"
#include "reports/json_read.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	const char *const *names = reporter_names();
	struct loaded_report in;
	struct report_options ro = {0};
	const struct judge_policy saved = {.saved = true};
	char err[512] = "";

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	FUZZ_ASSERT(devnull != NULL);
	if (report_load_buffer((const char *)data, size, "fuzz", &in, err,
	                       sizeof(err)) != 0) {
		FUZZ_ASSERT(err[0] != '\0' && !strchr(err, '\n'));
		return 0;
	}
	ro.gate = in.has_gate ? &in.gate : NULL;
	ro.exit_code = in.exit_code;
	ro.fail_on = in.has_gate && in.gate.threshold >= 0 ? in.gate.threshold
	             : in.fail_on >= 0                     ? in.fail_on
	                                                   : SEV_HIGH;
	judge_hosts(&in.rep, &saved);
	for (size_t i = 0; names[i]; i++) {
		const struct reporter *rp = reporter_by_name(names[i]);

		FUZZ_ASSERT(rp != NULL);
		(void)rp->render(devnull, &in.rep, &ro);
	}
	scan_report_free_hosts(&in.rep);
	report_load_free(&in);
	return 0;
}
