/*
 * Waiver files: what is accepted, every malformed entry rejected with
 * one line naming the file, the entry index and the problem, glob
 * matching on the endpoint forms, and expiry by calendar date.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/result.h"
#include "scanner/gate/waivers.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *waivers_suite(void);

static int
parse(const char *json, struct waiver_list *wl, char *err, size_t errlen)
{
	return waivers_parse(json, strlen(json), "w.json", wl, err, errlen);
}

START_TEST(test_valid)
{
	struct waiver_list wl;
	char err[512];

	ck_assert_int_eq(
	    parse("[{\"check\":\"CERT-SELF-SIGNED\",\"endpoint\":"
	          "\"mail.example.org:*\",\"reason\":\"internal CA\","
	          "\"expires\":\"2025-06-30\"},"
	          "{\"check\":\"STARTTLS-MISSING\",\"reason\":\"r\","
	          "\"expires\":\"2024-02-29\"}]",
	          &wl, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(wl.n, 2);
	ck_assert_str_eq(wl.file, "w.json");
	ck_assert_ptr_eq(wl.items[0].check, catalog_find("CERT-SELF-SIGNED"));
	ck_assert_str_eq(wl.items[0].endpoint, "mail.example.org:*");
	ck_assert_str_eq(wl.items[0].reason, "internal CA");
	ck_assert_str_eq(wl.items[0].expires, "2025-06-30");
	ck_assert_int_eq(wl.items[0].expires_ymd, 20250630);
	ck_assert_uint_eq(wl.items[1].index, 1);
	ck_assert_ptr_null(wl.items[1].endpoint);
	waivers_free(&wl);

	/* the object form, and an empty list */
	ck_assert_int_eq(parse("{\"waivers\":[]}", &wl, err, sizeof(err)), 0);
	ck_assert_uint_eq(wl.n, 0);
	waivers_free(&wl);
}
END_TEST

/* A reason with control bytes is kept printable. */
START_TEST(test_reason_escaped)
{
	struct waiver_list wl;
	char err[512];

	ck_assert_int_eq(parse("[{\"check\":\"CERT-EXPIRED\",\"reason\":"
	                       "\"a\\u001b[2Jb\",\"expires\":\"2030-01-01\"}]",
	                       &wl, err, sizeof(err)),
	                 0);
	ck_assert_str_eq(wl.items[0].reason, "a\\x1b[2Jb");
	waivers_free(&wl);
}
END_TEST

struct bad_case {
	const char *json;
	const char *message; /* the whole line */
};

static const struct bad_case bad[] = {
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":\"r\",\"expires\":"
     "\"2030-01-01\"},{\"check\":\"NO-SUCH-CHECK\",\"reason\":\"r\","
     "\"expires\":\"2030-01-01\"}]",
     "w.json: entry [1]: unknown check id \"NO-SUCH-CHECK\" (see "
     "mailaudit --list-checks --all)"},
    {"[{\"check\":\"CERT-EXPIRED\",\"expires\":\"2030-01-01\"}]",
     "w.json: entry [0]: \"reason\" is missing"},
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":\"  \",\"expires\":"
     "\"2030-01-01\"}]",
     "w.json: entry [0]: \"reason\" is empty"},
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":7,\"expires\":"
     "\"2030-01-01\"}]",
     "w.json: entry [0]: \"reason\" must be a string"},
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":\"r\"}]",
     "w.json: entry [0]: \"expires\" is missing"},
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":\"r\",\"expires\":"
     "\"2025-02-29\"}]",
     "w.json: entry [0]: \"expires\" \"2025-02-29\" is not a date "
     "YYYY-MM-DD"},
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":\"r\",\"expires\":"
     "\"30.6.2025\"}]",
     "w.json: entry [0]: \"expires\" \"30.6.2025\" is not a date "
     "YYYY-MM-DD"},
    {"[{\"reason\":\"r\",\"expires\":\"2030-01-01\"}]",
     "w.json: entry [0]: \"check\" is missing"},
    {"[{\"check\":\"CERT-EXPIRED\",\"reason\":\"r\",\"expiry\":"
     "\"2030-01-01\"}]",
     "w.json: entry [0]: unknown key \"expiry\" (use check, endpoint, "
     "reason, expires)"},
    {"[{\"check\":\"CERT-EXPIRED\",\"check\":\"CERT-EXPIRED\","
     "\"reason\":\"r\",\"expires\":\"2030-01-01\"}]",
     "w.json: entry [0]: \"check\" appears twice"},
    {"[{\"check\":\"CERT-EXPIRED\",\"endpoint\":\"mail.example.org\","
     "\"reason\":\"r\",\"expires\":\"2030-01-01\"}]",
     "w.json: entry [0]: \"endpoint\" \"mail.example.org\" names no port "
     "and can match no endpoint: write \"mail.example.org:*\" for all its "
     "ports"},
    {"[\"CERT-EXPIRED\"]", "w.json: entry [0]: not an object"},
    {"{\"waiver\":[]}",
     "w.json: unknown top-level key \"waiver\" (expected \"waivers\")"},
    {"42", "w.json: expected an array of waivers or {\"waivers\": [...]}"},
    {"[{\"check\":", "w.json: not valid JSON (near byte 9)"},
    {"", "w.json: not valid JSON (near byte 0)"},
};

START_TEST(test_malformed)
{
	struct waiver_list wl;
	char err[512];

	ck_assert_int_eq(parse(bad[_i].json, &wl, err, sizeof(err)), -1);
	ck_assert_str_eq(err, bad[_i].message);
	ck_assert_uint_eq(wl.n, 0);
	ck_assert_ptr_null(wl.items);
	waivers_free(&wl);
}
END_TEST

START_TEST(test_dates)
{
	ck_assert_int_eq(waiver_date_parse("2024-02-29"), 20240229);
	ck_assert_int_eq(waiver_date_parse("2000-02-29"), 20000229);
	ck_assert_int_eq(waiver_date_parse("1900-02-28"), -1); /* < 1970 */
	ck_assert_int_eq(waiver_date_parse("2100-02-29"), -1);
	ck_assert_int_eq(waiver_date_parse("2025-04-31"), -1);
	ck_assert_int_eq(waiver_date_parse("2025-12-31"), 20251231);
	ck_assert_int_eq(waiver_date_parse("2025-13-01"), -1);
	ck_assert_int_eq(waiver_date_parse("2025-00-10"), -1);
	ck_assert_int_eq(waiver_date_parse("2025-01-1"), -1);
	ck_assert_int_eq(waiver_date_parse("2025-01-01 "), -1);
	ck_assert_int_eq(waiver_date_parse("2025/01/01"), -1);
	ck_assert_int_eq(waiver_date_parse(NULL), -1);
}
END_TEST

START_TEST(test_expiry)
{
	struct waiver w = {.expires_ymd = 20250630};

	ck_assert(!waiver_is_expired(&w, 20250101));
	ck_assert(!waiver_is_expired(&w, 20250630)); /* through that day */
	ck_assert(waiver_is_expired(&w, 20250701));
}
END_TEST

static struct endpoint
ep(char *host, char *addr, const char *svc)
{
	struct endpoint e = {.host = host, .address = addr};

	e.service = service_by_name(svc);
	e.port = e.service->default_port;
	return e;
}

static bool
matches(const char *pattern, const char *check, const struct endpoint *e)
{
	struct waiver w = {.check = catalog_find("CERT-EXPIRED")};

	w.endpoint = (char *)(uintptr_t)pattern;
	return waiver_matches(&w, catalog_find(check), e);
}

START_TEST(test_glob)
{
	ck_assert(waiver_glob("*", ""));
	ck_assert(waiver_glob("*", "a:1"));
	ck_assert(waiver_glob("a*b*c", "aXXbYYc"));
	ck_assert(waiver_glob("a*b*c", "abcabc"));
	ck_assert(!waiver_glob("a*b*c", "abcab"));
	ck_assert(waiver_glob("?:1", "a:1"));
	ck_assert(!waiver_glob("?:1", ":1"));
	ck_assert(waiver_glob("[::1]:*", "[::1]:993"));
	ck_assert(!waiver_glob("[::1]:*", "1:993"));
	ck_assert(waiver_glob("**x", "x"));
	ck_assert(!waiver_glob("x", "xy"));
	ck_assert(!waiver_glob("xy", "x"));
}
END_TEST

START_TEST(test_matching)
{
	char host[] = "mail.example.org", addr[] = "192.0.2.7";
	char v6[] = "2001:db8::7", empty[] = "";
	struct endpoint e = ep(host, addr, "imaps");
	struct endpoint e6 = ep(v6, v6, "pop3");
	struct endpoint unres = ep(host, empty, "imap");

	/* no endpoint: every endpoint, but only its own check */
	ck_assert(matches(NULL, "CERT-EXPIRED", &e));
	ck_assert(!matches(NULL, "CERT-SELF-SIGNED", &e));
	ck_assert(!matches("mail.example.org:993", "CERT-SELF-SIGNED", &e));
	/* host:port and address:port */
	ck_assert(matches("mail.example.org:993", "CERT-EXPIRED", &e));
	ck_assert(matches("MAIL.Example.ORG:993", "CERT-EXPIRED", &e));
	ck_assert(matches("*.example.org:*", "CERT-EXPIRED", &e));
	ck_assert(matches("192.0.2.7:993", "CERT-EXPIRED", &e));
	ck_assert(matches("192.0.2.*:99?", "CERT-EXPIRED", &e));
	ck_assert(!matches("mail.example.org:995", "CERT-EXPIRED", &e));
	ck_assert(!matches("other.example.org:*", "CERT-EXPIRED", &e));
	ck_assert(!matches("mail.example.org:99", "CERT-EXPIRED", &e));
	/* service://host:port */
	ck_assert(matches("imaps://mail.example.org:993", "CERT-EXPIRED", &e));
	ck_assert(matches("imap*://*:*", "CERT-EXPIRED", &e));
	ck_assert(matches("imaps://192.0.2.7:*", "CERT-EXPIRED", &e));
	ck_assert(!matches("pop3s://mail.example.org:*", "CERT-EXPIRED", &e));
	/* a URL pattern is not matched against host:port */
	ck_assert(!matches("*://mail.example.org", "CERT-EXPIRED", &e));
	/* IPv6 literals in brackets */
	ck_assert(matches("[2001:db8::7]:110", "CERT-EXPIRED", &e6));
	ck_assert(matches("pop3://[2001:db8::*]:110", "CERT-EXPIRED", &e6));
	ck_assert(!matches("2001:db8::7:110", "CERT-EXPIRED", &e6));
	/* an unresolved endpoint has no address form */
	ck_assert(!matches(":143", "CERT-EXPIRED", &unres));
	ck_assert(matches("mail.example.org:143", "CERT-EXPIRED", &unres));
}
END_TEST

START_TEST(test_load_file)
{
	char path[] = "/tmp/mailaudit-waivers-XXXXXX", err[512];
	struct waiver_list wl;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[{\"check\": \"CERT-EXPIRED\", \"reason\": \"r\",\n"
	      "  \"expires\": \"2030-01-01\"}]\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(waivers_load(path, &wl, err, sizeof(err)), 0);
	ck_assert_uint_eq(wl.n, 1);
	ck_assert_str_eq(wl.file, path);
	waivers_free(&wl);
	unlink(path);
	ck_assert_int_eq(waivers_load(path, &wl, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read"));
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
waivers_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("waivers");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_reason_escaped);
	tcase_add_loop_test(tc, test_malformed, 0,
	                    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_load_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_glob);
	tcase_add_test(tc, test_matching);
	suite_add_tcase(s, tc);
	return s;
}
