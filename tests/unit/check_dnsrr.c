/*
 * TLSA and SRV record data as the network sends it (scanner/net/dnsrr.c), and
 * the --dns-server address parser (scanner/net/dnscheck.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/net/dnscheck.h"
#include "scanner/net/dnsrr.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *dnsrr_suite(void);

START_TEST(test_tlsa_sha256)
{
	unsigned char p[3 + 32];
	struct tlsa_rr rr;

	p[0] = 3;
	p[1] = 1;
	p[2] = 1;
	for (size_t i = 0; i < 32; i++)
		p[3 + i] = (unsigned char)(0xa0 + i);
	ck_assert_int_eq(dnsrr_tlsa_parse(p, sizeof(p), &rr), 0);
	ck_assert_uint_eq(rr.usage, 3);
	ck_assert_uint_eq(rr.selector, 1);
	ck_assert_uint_eq(rr.mtype, 1);
	ck_assert_uint_eq(strlen(rr.data_hex), 64);
	ck_assert(strncmp(rr.data_hex, "a0a1a2", 6) == 0);
	ck_assert_str_eq(rr.data_hex + 62, "bf");
	ck_assert_ptr_null(rr.data_sha256);
	free(rr.data_hex);
}
END_TEST

/* Digest lengths are fixed; full data and unknown types are not. */
START_TEST(test_tlsa_lengths)
{
	unsigned char p[3 + 64] = {2, 0, 2};
	struct tlsa_rr rr;

	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3 + 64, &rr), 0);
	free(rr.data_hex);
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3 + 32, &rr), -1);
	ck_assert_ptr_null(rr.data_hex);
	p[2] = 1;
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3 + 31, &rr), -1);
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3 + 33, &rr), -1);
	p[2] = 0;
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3 + 1, &rr), 0);
	ck_assert_str_eq(rr.data_hex, "00");
	free(rr.data_hex);
	p[0] = 255;
	p[2] = 200; /* unusable, but well-formed */
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3 + 5, &rr), 0);
	ck_assert_uint_eq(rr.usage, 255);
	free(rr.data_hex);
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 3, &rr), -1);
	ck_assert_int_eq(dnsrr_tlsa_parse(p, 0, &rr), -1);
}
END_TEST

START_TEST(test_srv)
{
	static const unsigned char p[] = "\x00\x0a\x00\x05\x03\xe1"
	                                 "\x04mail\x07"
	                                 "example\x03org";
	struct srv_rr rr;

	/* sizeof includes the final NUL: the root label */
	ck_assert_int_eq(dnsrr_srv_parse(p, sizeof(p), &rr), 0);
	ck_assert_uint_eq(rr.priority, 10);
	ck_assert_uint_eq(rr.weight, 5);
	ck_assert_uint_eq(rr.port, 993);
	ck_assert_str_eq(rr.target, "mail.example.org");
	free(rr.target);
}
END_TEST

START_TEST(test_srv_root_and_escapes)
{
	static const unsigned char root[] = {0, 0, 0, 0, 0, 0, 0};
	static const unsigned char odd[] = {0, 0,   0,   0,   0, 0,
	                                    3, 'a', '.', ' ', 0};
	struct srv_rr rr;

	ck_assert_int_eq(dnsrr_srv_parse(root, sizeof(root), &rr), 0);
	ck_assert_str_eq(rr.target, ".");
	free(rr.target);
	ck_assert_int_eq(dnsrr_srv_parse(odd, sizeof(odd), &rr), 0);
	ck_assert_str_eq(rr.target, "a\\046\\032");
	free(rr.target);
}
END_TEST

START_TEST(test_srv_malformed)
{
	static const unsigned char pointer[] = {0, 0, 0, 0, 0, 0, 0xc0, 0x0c};
	static const unsigned char overrun[] = {0, 0, 0, 0, 0, 0, 5, 'a', 0};
	static const unsigned char no_root[] = {0, 0, 0, 0, 0, 0, 1, 'a'};
	static const unsigned char trailing[] = {0, 0, 0, 0, 0, 0, 0, 7};
	unsigned char big[6 + 300];
	struct srv_rr rr;

	ck_assert_int_eq(dnsrr_srv_parse(pointer, sizeof(pointer), &rr), -1);
	ck_assert_int_eq(dnsrr_srv_parse(overrun, sizeof(overrun), &rr), -1);
	ck_assert_int_eq(dnsrr_srv_parse(no_root, sizeof(no_root), &rr), -1);
	ck_assert_int_eq(dnsrr_srv_parse(trailing, sizeof(trailing), &rr), -1);
	ck_assert_int_eq(dnsrr_srv_parse(pointer, 6, &rr), -1);
	ck_assert_ptr_null(rr.target);
	/* longer than a name can be (255 bytes) */
	memset(big, 0, sizeof(big));
	for (size_t i = 6; i + 64 < sizeof(big); i += 64)
		big[i] = 63;
	ck_assert_int_eq(dnsrr_srv_parse(big, sizeof(big), &rr), -1);
}
END_TEST

START_TEST(test_server_parse)
{
	static const char *const ok[][2] = {
	    {"127.0.0.201", "127.0.0.201@53"},
	    {"127.0.0.201:5301", "127.0.0.201@5301"},
	    {"::1", "::1@53"},
	    {"[::1]:54", "::1@54"},
	    {"[2001:db8::1]", "2001:db8::1@53"},
	};
	static const char *const bad[] = {
	    "",           "dns.example.org",
	    "1.2.3.4:0",  "1.2.3.4:65536",
	    "1.2.3.4:",   "[::1",
	    "[::1]x",     "999.1.1.1",
	    "[::1]:",     "1.2.3.4:53x",
	    "[1.2.3.4:5", "1.2.3.4:-1",
	};
	char err[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *out = NULL;

		ck_assert_msg(dnscheck_server_parse(ok[i][0], &out, err,
		                                    sizeof(err)) == 0,
		              "%s: %s", ok[i][0], err);
		ck_assert_str_eq(out, ok[i][1]);
		free(out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = NULL;

		ck_assert_msg(
		    dnscheck_server_parse(bad[i], &out, err, sizeof(err)) == -1,
		    "%s accepted", bad[i]);
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(strstr(err, "bad --dns-server"));
	}
}
END_TEST

Suite *
dnsrr_suite(void)
{
	Suite *s = suite_create("dnsrr");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_tlsa_sha256);
	tcase_add_test(tc, test_tlsa_lengths);
	tcase_add_test(tc, test_srv);
	tcase_add_test(tc, test_srv_root_and_escapes);
	tcase_add_test(tc, test_srv_malformed);
	tcase_add_test(tc, test_server_parse);
	suite_add_tcase(s, tc);
	return s;
}
