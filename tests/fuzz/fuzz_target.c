/*
 * Operator input (scanner/net/target.h): the input up to its first NUL is
 * parsed as one target without --service and with each service forced;
 * then the whole input is read as a target file (fmemopen), each line
 * parsed as the CLI would. An accepted target must be well formed; a
 * rejected one must come with a one-line reason.
 */
#include <string.h>

#include "probes/service.h"
#include "scanner/net/target.h"
#include "tests/fuzz/fuzz.h"

static void
parse_all(const char *text)
{
	size_t nsvc;
	const struct service *const *all = service_all(&nsvc);

	for (size_t i = 0; i <= nsvc; i++) {
		const struct service *forced = i < nsvc ? all[i] : NULL;
		struct target_spec t;
		char err[512] = "";

		if (target_parse(text, forced, &t, err, sizeof(err)) == 0) {
			FUZZ_ASSERT(t.host != NULL && t.host[0] != '\0');
			FUZZ_ASSERT(t.nports >= 1 && t.nports <= 4);
			for (size_t k = 0; k < t.nports; k++)
				FUZZ_ASSERT(t.ports[k].service != NULL &&
				            t.ports[k].port != 0);
			if (forced)
				FUZZ_ASSERT(t.nports == 1 &&
				            t.ports[0].service == forced);
			target_spec_free(&t);
		} else {
			FUZZ_ASSERT(err[0] != '\0' && !strchr(err, '\n'));
		}
	}
}

static int
on_line(const char *line, size_t lineno, void *arg)
{
	size_t n = strlen(line);

	(void)arg;
	FUZZ_ASSERT(lineno > 0 && n > 0 && n <= 4096 && line[0] != '#');
	/* trimmed: no white space at either end */
	FUZZ_ASSERT(!strchr(" \t\r\n\v\f", line[0]) &&
	            !strchr(" \t\r\n\v\f", line[n - 1]));
	parse_all(line);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char err[512] = "";
	FILE *f;

	FUZZ_ASSERT(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	parse_all(buf);
	f = size ? fmemopen(buf, size, "r") : NULL;
	if (f) {
		if (target_read_lines(f, on_line, NULL, err, sizeof(err)) < 0)
			FUZZ_ASSERT(err[0] != '\0' && !strchr(err, '\n'));
		fclose(f);
	}
	free(buf);
	return 0;
}
