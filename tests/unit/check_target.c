/*
 * Target parsing: every accepted form with the host, ports and services
 * it yields; rejected forms with the reason they give; and target files
 * (comments, blank lines, CRLF, overlong lines, NUL bytes).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/service.h"
#include "scanner/net/target.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *target_suite(void);

static const struct {
	const char *text;
	const char *forced; /* --service, or NULL */
	const char *host;
	bool is_ip;
	size_t nports;
	const char *svc[4];
	uint16_t port[4];
} accepted[] = {
    {"mail.example.org",
     NULL,
     "mail.example.org",
     false,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"Mail.Example.ORG",
     NULL,
     "mail.example.org",
     false,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"mail.example.org.",
     NULL,
     "mail.example.org.",
     false,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"localhost",
     NULL,
     "localhost",
     false,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"_imaps.under_score.example",
     NULL,
     "_imaps.under_score.example",
     false,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"mail.example.org:993",
     NULL,
     "mail.example.org",
     false,
     1,
     {"imaps"},
     {993}},
    {"mail.example.org:110",
     NULL,
     "mail.example.org",
     false,
     1,
     {"pop3"},
     {110}},
    {"MAIL.example.org:995",
     NULL,
     "mail.example.org",
     false,
     1,
     {"pop3s"},
     {995}},
    {"h:1143", "imap", "h", false, 1, {"imap"}, {1143}},
    {"h:993", "imap", "h", false, 1, {"imap"}, {993}},
    {"h:65535", "imaps", "h", false, 1, {"imaps"}, {65535}},
    {"h:1", "pop3", "h", false, 1, {"pop3"}, {1}},
    {"mail.example.org",
     "pop3s",
     "mail.example.org",
     false,
     1,
     {"pop3s"},
     {995}},
    {"192.0.2.1",
     NULL,
     "192.0.2.1",
     true,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"192.0.2.1:143", NULL, "192.0.2.1", true, 1, {"imap"}, {143}},
    {"[2001:db8::1]",
     NULL,
     "2001:db8::1",
     true,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"[2001:db8::1]:995", NULL, "2001:db8::1", true, 1, {"pop3s"}, {995}},
    {"[::1]:1143", "imap", "::1", true, 1, {"imap"}, {1143}},
    {"::1",
     NULL,
     "::1",
     true,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"2001:DB8::1",
     NULL,
     "2001:DB8::1",
     true,
     4,
     {"pop3", "imap", "imaps", "pop3s"},
     {110, 143, 993, 995}},
    {"::ffff:192.0.2.1",
     "imaps",
     "::ffff:192.0.2.1",
     true,
     1,
     {"imaps"},
     {993}},
    {"imap://mail.example.org",
     NULL,
     "mail.example.org",
     false,
     1,
     {"imap"},
     {143}},
    {"imap://mail.example.org/",
     NULL,
     "mail.example.org",
     false,
     1,
     {"imap"},
     {143}},
    {"IMAPS://Mail.Example.org:10993/",
     NULL,
     "mail.example.org",
     false,
     1,
     {"imaps"},
     {10993}},
    {"pop3://192.0.2.1", NULL, "192.0.2.1", true, 1, {"pop3"}, {110}},
    {"pop3s://[::1]:1995", NULL, "::1", true, 1, {"pop3s"}, {1995}},
    {"imaps://h:143", NULL, "h", false, 1, {"imaps"}, {143}},
    {"imap://h", "imap", "h", false, 1, {"imap"}, {143}},
    {"imap://h", "IMAP", "h", false, 1, {"imap"}, {143}},
};

START_TEST(test_accepted)
{
	const struct service *forced = NULL;
	struct target_spec t;
	char err[256] = "";
	int rc;

	if (accepted[_i].forced != NULL) {
		forced = service_by_name(accepted[_i].forced);
		ck_assert_ptr_nonnull(forced);
	}
	rc = target_parse(accepted[_i].text, forced, &t, err, sizeof(err));
	ck_assert_msg(rc == 0, "'%s' rejected: %s", accepted[_i].text, err);
	ck_assert_str_eq(t.host, accepted[_i].host);
	ck_assert_msg(t.host_is_ip == accepted[_i].is_ip, "'%s': host_is_ip",
	              accepted[_i].text);
	ck_assert_uint_eq(t.nports, accepted[_i].nports);
	for (size_t i = 0; i < t.nports; i++) {
		ck_assert_ptr_nonnull(t.ports[i].service);
		ck_assert_str_eq(t.ports[i].service->name, accepted[_i].svc[i]);
		ck_assert_uint_eq(t.ports[i].port, accepted[_i].port[i]);
	}
	target_spec_free(&t);
	ck_assert_ptr_null(t.host);
	target_spec_free(&t); /* twice is harmless */
}
END_TEST

static const struct {
	const char *text;
	const char *forced;
	const char *why; /* substring of the message */
} rejected[] = {
    {"", NULL, "empty target"},
    {"imap://x:99999", NULL,
     "bad target 'imap://x:99999': port must be 1-65535"},
    {"h:0", NULL, "port must be 1-65535"},
    {"h:65536", NULL, "port must be 1-65535"},
    {"h:99999999999999999999", NULL, "port must be 1-65535"},
    {"h:abc", NULL, "port must be 1-65535"},
    {"h:+143", NULL, "port must be 1-65535"},
    {"h: 143", NULL, "port must be 1-65535"},
    {"h:", NULL, "port must be 1-65535"},
    {"[::1]:", NULL, "port must be 1-65535"},
    {"imap://h:0/", NULL, "port must be 1-65535"},
    {"h:1143", NULL,
     "cannot tell the service of port 1143 in 'h:1143': use a URL such "
     "as imap://h:1143 or --service"},
    {"[::1]:2000", NULL, "imap://[::1]:2000 or --service"},
    {":993", NULL, "missing host"},
    {"imap://", NULL, "missing host"},
    {"imap://:993", NULL, "missing host"},
    {"imap:///", NULL, "missing host"},
    {"[2001:db8::1", NULL, "'[' without ']'"},
    {"imap://[::1", NULL, "'[' without ']'"},
    {"[2001:db8::1]x", NULL, "after ']'"},
    {"[2001:db8::1]:993x", NULL, "port must be 1-65535"},
    {"[192.0.2.1]", NULL, "brackets must hold an IPv6 address"},
    {"[mail.example.org]", NULL, "brackets must hold an IPv6 address"},
    {"[]", NULL, "brackets must hold an IPv6 address"},
    {"[fe80::1%eth0]", NULL, "zone"},
    {"fe80::1%eth0", NULL, "zone"},
    {"2001:db8::1:99999", NULL, "needs brackets"},
    {"2001:db8::zz", NULL, "not a valid IPv6 address"},
    {"imap://2001:db8::1", NULL, "needs brackets"},
    {"http://h", NULL,
     "unknown URL scheme 'http' (known: pop3://, imap://, imaps:// or "
     "pop3s://)"},
    {"://h", NULL, "unknown URL scheme ''"},
    {"imap://user@h", NULL, "user info"},
    {"imap://user:pw@h:993", NULL, "user info"},
    {"user@h", NULL, "user info"},
    {"imap://h/INBOX", NULL, "path is not allowed"},
    {"imap://h//", NULL, "path is not allowed"},
    {"imap://h?x=1", NULL, "query or fragment"},
    {"imap://h/?x", NULL, "query or fragment"},
    {"imap://h#top", NULL, "query or fragment"},
    {"imap://h", "pop3", "--service pop3 contradicts the URL scheme"},
    {"h/", NULL, "'/'"},
    {"bad host", NULL, "invalid character ' '"},
    {"mail.exa$mple.org", NULL, "invalid character '$'"},
    {"a..b", NULL, "empty label"},
    {".example.org", NULL, "empty label"},
    {"example.org..", NULL, "empty label"},
    {"192.168.1.300", NULL, "numeric"},
    {"10.1", NULL, "numeric"},
};

START_TEST(test_rejected)
{
	const struct service *forced = NULL;
	struct target_spec t;
	char err[256] = "";
	int rc;

	if (rejected[_i].forced != NULL)
		forced = service_by_name(rejected[_i].forced);
	rc = target_parse(rejected[_i].text, forced, &t, err, sizeof(err));
	ck_assert_msg(rc == -1, "'%s' accepted", rejected[_i].text);
	ck_assert_msg(strstr(err, rejected[_i].why) != NULL,
	              "'%s': message '%s' lacks '%s'", rejected[_i].text, err,
	              rejected[_i].why);
	ck_assert_msg(strchr(err, '\n') == NULL, "message not one line");
	ck_assert_ptr_null(t.host);
	target_spec_free(&t);
}
END_TEST

START_TEST(test_long_names)
{
	char name[300], err[256];
	struct target_spec t;

	/* 63-character labels are fine, 64 are not */
	memset(name, 'a', 63);
	strcpy(name + 63, ".example");
	ck_assert_int_eq(target_parse(name, NULL, &t, err, sizeof(err)), 0);
	target_spec_free(&t);
	memset(name, 'a', 64);
	strcpy(name + 64, ".example");
	ck_assert_int_eq(target_parse(name, NULL, &t, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 63"));

	/* 253 characters are fine (a trailing dot aside), 254 are not */
	for (size_t i = 0; i < 253; i++)
		name[i] = (i % 2) ? '.' : 'a';
	name[253] = '\0';
	ck_assert_int_eq(target_parse(name, NULL, &t, err, sizeof(err)), 0);
	target_spec_free(&t);
	name[253] = '.';
	name[254] = '\0';
	ck_assert_int_eq(target_parse(name, NULL, &t, err, sizeof(err)), 0);
	target_spec_free(&t);
	name[253] = 'a';
	name[254] = '\0';
	ck_assert_int_eq(target_parse(name, NULL, &t, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 253"));
}
END_TEST

/* Control bytes from a target file must not reach the terminal. */
START_TEST(test_error_escapes_input)
{
	char err[256];
	struct target_spec t;

	ck_assert_int_eq(target_parse("h\x1b[31m", NULL, &t, err, sizeof(err)),
	                 -1);
	ck_assert_ptr_null(strchr(err, '\x1b'));
	ck_assert_ptr_nonnull(strstr(err, "\\x1b"));

	/* a small buffer truncates, still NUL-terminated */
	ck_assert_int_eq(target_parse("h:0", NULL, &t, err, 8), -1);
	ck_assert_uint_eq(strlen(err), 7);
}
END_TEST

struct collected {
	char lines[8][64];
	size_t linenos[8];
	size_t n;
	size_t stop_at; /* return 7 on this call (1-based), 0 = never */
};

static int
collect(const char *line, size_t lineno, void *arg)
{
	struct collected *c = arg;

	ck_assert_uint_lt(c->n, 8);
	snprintf(c->lines[c->n], sizeof(c->lines[0]), "%s", line);
	c->linenos[c->n] = lineno;
	c->n++;
	return c->n == c->stop_at ? 7 : 0;
}

static FILE *
file_with(const char *data, size_t len)
{
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	rewind(f);
	return f;
}

START_TEST(test_read_lines)
{
	static const char data[] =
	    "\xef\xbb\xbf# targets for the nightly scan\n"
	    "\n"
	    "   \t \r\n"
	    "mail.example.org\r\n"
	    "  imap://h:993  # the IMAP front end\r\n"
	    "\t# indented comment\n"
	    "host#not-a-comment\n"
	    "[::1]:995\t#tab before the comment\n"
	    "last.example.org";
	struct collected c = {0};
	char err[256] = "";
	FILE *f = file_with(data, sizeof(data) - 1);

	ck_assert_int_eq(target_read_lines(f, collect, &c, err, sizeof(err)),
	                 0);
	fclose(f);
	ck_assert_uint_eq(c.n, 5);
	ck_assert_str_eq(c.lines[0], "mail.example.org");
	ck_assert_uint_eq(c.linenos[0], 4);
	ck_assert_str_eq(c.lines[1], "imap://h:993");
	ck_assert_uint_eq(c.linenos[1], 5);
	ck_assert_str_eq(c.lines[2], "host#not-a-comment");
	ck_assert_uint_eq(c.linenos[2], 7);
	ck_assert_str_eq(c.lines[3], "[::1]:995");
	ck_assert_str_eq(c.lines[4], "last.example.org");
	ck_assert_uint_eq(c.linenos[4], 9);
}
END_TEST

START_TEST(test_read_lines_overlong)
{
	size_t len = 4096;
	char *data = malloc(3 * len + 64);
	struct collected c = {0};
	char err[256] = "";
	size_t o = 0;
	FILE *f;

	/* line 1: exactly 4096 bytes plus CRLF is accepted */
	memset(data, 'a', len);
	o = len;
	memcpy(data + o, "\r\n", 2);
	o += 2;
	/* line 2: 4097 bytes is not */
	memset(data + o, 'b', len + 1);
	o += len + 1;
	memcpy(data + o, "\nafter\n", 7);
	o += 7;
	f = file_with(data, o);
	ck_assert_int_eq(target_read_lines(f, collect, &c, err, sizeof(err)),
	                 -1);
	fclose(f);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_ptr_nonnull(strstr(err, "line 2"));
	ck_assert_ptr_nonnull(strstr(err, "4096"));

	/* a huge line without any newline */
	memset(data, 'c', 3 * len);
	c.n = 0;
	f = file_with(data, 3 * len);
	ck_assert_int_eq(target_read_lines(f, collect, &c, err, sizeof(err)),
	                 -1);
	fclose(f);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_ptr_nonnull(strstr(err, "line 1"));
	free(data);
}
END_TEST

START_TEST(test_read_lines_nul)
{
	static const char data[] = "ok.example\nbad\0.example\nnext.example\n";
	struct collected c = {0};
	char err[256] = "";
	FILE *f = file_with(data, sizeof(data) - 1);

	ck_assert_int_eq(target_read_lines(f, collect, &c, err, sizeof(err)),
	                 -1);
	fclose(f);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_ptr_nonnull(strstr(err, "line 2"));
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
}
END_TEST

START_TEST(test_read_lines_callback_stops)
{
	static const char data[] = "a.example\nb.example\nc.example\n";
	struct collected c = {.stop_at = 2};
	char err[256] = "";
	FILE *f = file_with(data, sizeof(data) - 1);

	ck_assert_int_eq(target_read_lines(f, collect, &c, err, sizeof(err)),
	                 7);
	fclose(f);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.lines[1], "b.example");
}
END_TEST

START_TEST(test_read_lines_empty_file)
{
	struct collected c = {0};
	char err[256] = "";
	FILE *f = file_with("", 0);

	ck_assert_int_eq(target_read_lines(f, collect, &c, err, sizeof(err)),
	                 0);
	fclose(f);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

Suite *
target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_accepted, 0,
	                    (int)(sizeof(accepted) / sizeof(accepted[0])));
	tcase_add_loop_test(tc, test_rejected, 0,
	                    (int)(sizeof(rejected) / sizeof(rejected[0])));
	tcase_add_test(tc, test_long_names);
	tcase_add_test(tc, test_error_escapes_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("read_lines");
	tcase_add_test(tc, test_read_lines);
	tcase_add_test(tc, test_read_lines_overlong);
	tcase_add_test(tc, test_read_lines_nul);
	tcase_add_test(tc, test_read_lines_callback_stops);
	tcase_add_test(tc, test_read_lines_empty_file);
	suite_add_tcase(s, tc);
	return s;
}
