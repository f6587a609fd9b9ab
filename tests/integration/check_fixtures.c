/*
 * Integration: scans every fixture server (Dovecot fleet and fake servers,
 * started by tests/integration/run.sh) with the real binary and compares
 * the JSON report with fixtures/expected/NAME.expect: the exact status and
 * the exact set of finding ids of every endpoint, and the exit code.
 *
 * .expect format, one directive per line ('#' comments):
 *   host HOSTNAME ADDRESS      scanned as HOSTNAME, pinned with --resolve
 *   target TEXT                a target argument (default: HOSTNAME)
 *   ca root|bundle|none        --ca-file: test root, root+intermediate, none
 *   arg TEXT                   an extra argument
 *   endpoint SERVICE PORT STATUS [CHECK-ID[:SEVERITY] ...]
 *   verdict mandatory|opportunistic|absent|unknown   the host's TLS verdict
 *   implementation PRODUCT     every endpoint with status ok recognised
 *                              as PRODUCT (the "implementation" product
 *                              key, issue #12)
 *   max-connections PORT N     the endpoint on PORT cost at most N
 *                              connections (issue #13: politeness is pinned)
 *   exit N
 * Every endpoint in the report must be listed, and nothing else.
 *
 * SCAN_TIMEOUT (default 5) is the scanner's --timeout: far above what the
 * loopback fleet needs, so that a busy shared machine cannot time out a
 * healthy server, yet short enough for the fixtures that stay silent.
 */
#include <check.h>
#include <cJSON.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FIXTURES  128
#define MAX_ENDPOINTS 16
#define MAX_FINDINGS  24

struct expected_endpoint {
	char service[16];
	int port;
	char status[32];
	char findings[MAX_FINDINGS][64]; /* "ID" or "ID:severity" */
	int nfindings;
	bool seen;
};

struct expectation {
	char host[128];
	char address[64];
	char ca[16];
	char targets[512];
	char args[512];
	struct expected_endpoint ep[MAX_ENDPOINTS];
	int nep;
	int exit_code;
	char verdict[32];                      /* empty: not checked */
	char product[32];                      /* empty: not checked */
	int max_connections[MAX_ENDPOINTS][2]; /* port, most */
	int nmax;
};

static char *fixture_files[MAX_FIXTURES];
static int nfixtures;

/* Every scan runs up front, all at once (scans wait on network timeouts,
 * not on the CPU), into these files; the tests only compare. */
static char scan_out[MAX_FIXTURES][256];
static char scan_cmd[MAX_FIXTURES][2048];
static int scan_rc[MAX_FIXTURES];

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
find_fixtures(void)
{
	const char *dir =
	    getenv("EXPECT_DIR") ? getenv("EXPECT_DIR") : "fixtures/expected";
	const char *only = getenv("FIXTURE");
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && nfixtures < MAX_FIXTURES) {
		size_t n = strlen(e->d_name);
		char *path;

		if (n < 8 || strcmp(e->d_name + n - 7, ".expect") != 0)
			continue;
		if (only && strncmp(e->d_name, only, n - 7) != 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			abort();
		fixture_files[nfixtures++] = path;
	}
	closedir(d);
	qsort(fixture_files, (size_t)nfixtures, sizeof(char *), cmp_str);
}

static void
append(char *dst, size_t n, const char *s)
{
	if (*dst)
		strncat(dst, " ", n - strlen(dst) - 1);
	strncat(dst, s, n - strlen(dst) - 1);
}

/* Reads an .expect file; on a problem, returns false with why. Check's
 * assertions cannot be used here: the scans start outside any test. */
static bool
load_expectation(const char *path, struct expectation *x, char *why,
                 size_t whylen)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	memset(x, 0, sizeof(*x));
	if (!f) {
		snprintf(why, whylen, "cannot open %s", path);
		return false;
	}
	strcpy(x->ca, "bundle");
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *w = strtok_r(line, " \t\r\n", &save);

		if (!w || w[0] == '#')
			continue;
		if (strcmp(w, "host") == 0) {
			snprintf(x->host, sizeof(x->host), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
			snprintf(x->address, sizeof(x->address), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "target") == 0) {
			append(x->targets, sizeof(x->targets),
			       strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "ca") == 0) {
			snprintf(x->ca, sizeof(x->ca), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "arg") == 0) {
			append(x->args, sizeof(x->args),
			       strtok_r(NULL, "\r\n", &save));
		} else if (strcmp(w, "verdict") == 0) {
			snprintf(x->verdict, sizeof(x->verdict), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "implementation") == 0) {
			snprintf(x->product, sizeof(x->product), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "max-connections") == 0 &&
		           x->nmax < MAX_ENDPOINTS) {
			x->max_connections[x->nmax][0] =
			    atoi(strtok_r(NULL, " \t\r\n", &save));
			x->max_connections[x->nmax++][1] =
			    atoi(strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "exit") == 0) {
			x->exit_code = atoi(strtok_r(NULL, " \t\r\n", &save));
		} else if (strcmp(w, "endpoint") == 0) {
			struct expected_endpoint *e;
			char *t;

			if (x->nep == MAX_ENDPOINTS) {
				snprintf(why, whylen, "%s: too many endpoints",
				         path);
				fclose(f);
				return false;
			}
			e = &x->ep[x->nep++];
			snprintf(e->service, sizeof(e->service), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
			e->port = atoi(strtok_r(NULL, " \t\r\n", &save));
			snprintf(e->status, sizeof(e->status), "%s",
			         strtok_r(NULL, " \t\r\n", &save));
			while ((t = strtok_r(NULL, " \t\r\n", &save)) &&
			       e->nfindings < MAX_FINDINGS)
				snprintf(e->findings[e->nfindings++], 64, "%s",
				         t);
		} else {
			snprintf(why, whylen, "%s: unknown directive %s", path,
			         w);
			fclose(f);
			return false;
		}
	}
	fclose(f);
	if (!x->targets[0])
		snprintf(x->targets, sizeof(x->targets), "%s", x->host);
	return true;
}

/* The scanner command line for an expectation. */
static void
scanner_command(const struct expectation *x, char *cmd, size_t cmdlen)
{
	const char *bin = getenv("MAILAUDIT") ? getenv("MAILAUDIT")
	                                      : "build/release/mailaudit";
	const char *certs =
	    getenv("FLEET_CERTS") ? getenv("FLEET_CERTS") : "build/fleet/certs";
	const char *timeout =
	    getenv("SCAN_TIMEOUT") ? getenv("SCAN_TIMEOUT") : "5";
	char ca[512] = "";

	if (strcmp(x->ca, "root") == 0)
		snprintf(ca, sizeof(ca), "--ca-file %s/ca.pem", certs);
	else if (strcmp(x->ca, "bundle") == 0)
		snprintf(ca, sizeof(ca), "--ca-file %s/ca-bundle.pem", certs);
	snprintf(cmd, cmdlen,
	         "%s scan --format json --timeout %s --resolve %s:%s %s %s %s",
	         bin, timeout, x->host, x->address, ca, x->args, x->targets);
}

/* Starts every fixture's scan in the background and waits for all. */
static void
run_all_scans(void)
{
	const char *dir = getenv("SCAN_DIR") ? getenv("SCAN_DIR") : "/tmp";
	pid_t pids[MAX_FIXTURES];

	for (int i = 0; i < nfixtures; i++) {
		struct expectation x;
		char why[512];
		char *redirect;

		if (!load_expectation(fixture_files[i], &x, why, sizeof(why))) {
			pids[i] = -1;
			continue;
		}
		scanner_command(&x, scan_cmd[i], sizeof(scan_cmd[i]));
		snprintf(scan_out[i], sizeof(scan_out[i]), "%s/scan-%d.json",
		         dir, i);
		if (asprintf(&redirect, "%s > %s", scan_cmd[i], scan_out[i]) <
		    0)
			abort();
		pids[i] = fork();
		if (pids[i] == 0) {
			execl("/bin/sh", "sh", "-c", redirect, (char *)NULL);
			_exit(127);
		}
		free(redirect);
	}
	for (int i = 0; i < nfixtures; i++) {
		int st = 0;

		if (pids[i] > 0 && waitpid(pids[i], &st, 0) == pids[i])
			scan_rc[i] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		else
			scan_rc[i] = -1;
	}
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 65536;
	char *out = malloc(cap);
	size_t n;

	if (!f) {
		out[0] = '\0';
		return out;
	}
	while ((n = fread(out + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 >= cap)
			out = realloc(out, cap *= 2);
	}
	fclose(f);
	out[len] = '\0';
	return out;
}

static bool
listed(const struct expected_endpoint *e, const char *id, const char *sev)
{
	char both[96];

	snprintf(both, sizeof(both), "%s:%s", id, sev);
	for (int i = 0; i < e->nfindings; i++)
		if (strcmp(e->findings[i], id) == 0 ||
		    strcmp(e->findings[i], both) == 0)
			return true;
	return false;
}

static void
compare_endpoint(const char *fx, struct expected_endpoint *e, const cJSON *ep)
{
	const cJSON *findings = cJSON_GetObjectItem(ep, "findings"), *f;
	const char *status =
	    cJSON_GetStringValue(cJSON_GetObjectItem(ep, "status"));
	int n = 0;

	e->seen = true;
	ck_assert_msg(
	    status && strcmp(status, e->status) == 0,
	    "%s %s/%d: status %s, expected %s (detail: %s)", fx, e->service,
	    e->port, status ? status : "(none)", e->status,
	    cJSON_GetStringValue(cJSON_GetObjectItem(ep, "status_detail")));
	cJSON_ArrayForEach(f, findings)
	{
		const char *id =
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "check"));
		const char *sev =
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "severity"));

		ck_assert_msg(
		    id && sev && listed(e, id, sev),
		    "%s %s/%d: unexpected finding %s (%s): %s", fx, e->service,
		    e->port, id, sev,
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "evidence")));
		n++;
	}
	ck_assert_msg(n == e->nfindings,
	              "%s %s/%d: %d findings, expected %d (first expected: "
	              "%s)",
	              fx, e->service, e->port, n, e->nfindings,
	              e->nfindings ? e->findings[0] : "-");
}

START_TEST(test_fixture)
{
	struct expectation x;
	const char *cmd = scan_cmd[_i];
	int code = scan_rc[_i];
	char *out;
	cJSON *doc, *ep;
	const char *fx = fixture_files[_i];
	char why[512];

	ck_assert_msg(load_expectation(fx, &x, why, sizeof(why)), "%s", why);
	out = read_file(scan_out[_i]);
	doc = cJSON_Parse(out);
	ck_assert_msg(doc != NULL, "%s: no JSON from: %s", fx, cmd);
	cJSON_ArrayForEach(ep, cJSON_GetObjectItem(doc, "endpoints"))
	{
		const char *svc =
		    cJSON_GetStringValue(cJSON_GetObjectItem(ep, "service"));
		int port =
		    (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ep, "port"));
		int i;

		for (i = 0; i < x.nep; i++)
			if (strcmp(x.ep[i].service, svc) == 0 &&
			    x.ep[i].port == port)
				break;
		ck_assert_msg(i < x.nep, "%s: endpoint %s/%d not expected", fx,
		              svc, port);
		compare_endpoint(fx, &x.ep[i], ep);
		if (x.product[0] &&
		    strcmp(
		        cJSON_GetStringValue(cJSON_GetObjectItem(ep, "status")),
		        "ok") == 0) {
			const char *p =
			    cJSON_GetStringValue(cJSON_GetObjectItem(
			        cJSON_GetObjectItem(ep, "implementation"),
			        "product"));

			ck_assert_msg(
			    p && strcmp(p, x.product) == 0,
			    "%s %s/%d: implementation %s, expected %s", fx, svc,
			    port, p ? p : "(none)", x.product);
		}
		for (int k = 0; k < x.nmax; k++) {
			int n = (int)cJSON_GetNumberValue(
			    cJSON_GetObjectItem(ep, "connections"));

			if (x.max_connections[k][0] != port)
				continue;
			ck_assert_msg(n > 0 && n <= x.max_connections[k][1],
			              "%s %s/%d: %d connections, at most %d "
			              "expected",
			              fx, svc, port, n,
			              x.max_connections[k][1]);
		}
	}
	for (int i = 0; i < x.nep; i++)
		ck_assert_msg(x.ep[i].seen, "%s: endpoint %s/%d missing", fx,
		              x.ep[i].service, x.ep[i].port);
	ck_assert_msg(code == x.exit_code, "%s: exit %d, expected %d (%s)", fx,
	              code, x.exit_code, cmd);
	if (x.verdict[0]) {
		const cJSON *h =
		    cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "hosts"), 0);
		const char *v =
		    cJSON_GetStringValue(cJSON_GetObjectItem(h, "tls_verdict"));

		ck_assert_msg(v && strcmp(v, x.verdict) == 0,
		              "%s: TLS verdict %s, expected %s", fx,
		              v ? v : "(none)", x.verdict);
	}
	cJSON_Delete(doc);
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fixtures");
	TCase *tc = tcase_create("scan");
	SRunner *sr;
	int failed;

	find_fixtures();
	if (nfixtures == 0) {
		fprintf(stderr, "no fixtures/expected/*.expect found\n");
		return EXIT_FAILURE;
	}
	run_all_scans();
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_fixture, 0, nfixtures);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < nfixtures; i++)
		free(fixture_files[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
