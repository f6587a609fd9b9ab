/*
 * The TLS audit planner (scanner/tls/tlsaudit.h) against simulated
 * servers: the planner's own hellos are decoded (tests/servers/
 * hello_parse.h) and answered by a model of a server's choice (version,
 * suites, curves). Pins the connections a compliant server costs (issue
 * #13: grouped questions) and that a positive group is split so that
 * every accepted class keeps its own evidence.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/tls/tlsaudit.h"
#include "tests/servers/hello_parse.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *tlsaudit_suite(void);

/* What a simulated server takes. */
struct model {
	uint16_t min_version, max_version; /* max 0x0304: TLS 1.3 too */
	const uint16_t *suites;            /* in the server's list */
	size_t nsuites;
	unsigned hellos; /* how many it was sent */
	/* refuses a TLS 1.3 hello without a key share instead of asking
	 * for one (RFC 8446 §4.2.8 says it must ask) */
	bool refuses_empty_share;
};

static bool
takes_suite(const struct model *m, uint16_t s)
{
	for (size_t i = 0; i < m->nsuites; i++)
		if (m->suites[i] == s)
			return true;
	return false;
}

static bool
strong_curve(const struct tlshello_client_hello *ch)
{
	for (size_t i = 0; i < ch->ngroups; i++)
		if (ch->groups[i] == TLS_GROUP_X25519 ||
		    ch->groups[i] == TLS_GROUP_SECP256R1)
			return true;
	return false;
}

/* The server's answer to one hello: a ServerHello with the first
 * offered suite it takes, or a close. */
static void
answer(struct tls_audit_plan *pl, struct model *m, const uint8_t *hello,
       size_t len)
{
	static struct tlshello_client_hello ch; /* ~19 KiB */
	struct tlshello_result r;
	uint16_t v;

	m->hellos++;
	ck_assert_int_eq(tlshello_parse_client_hello(hello, len, &ch),
	                 TLSHELLO_DONE);
	memset(&r, 0, sizeof(r));
	v = ch.max_version < m->max_version ? ch.max_version : m->max_version;
	if (ch.sslv2 || v < m->min_version) {
		tls_audit_answer(pl, NULL, "connection closed");
		return;
	}
	for (size_t i = 0; i < ch.nsuites; i++) {
		const struct tls_suite *s = tls_suite_lookup(ch.suites[i]);

		if (!s || !takes_suite(m, ch.suites[i]) ||
		    ((s->flags & TLS_SUITE_TLS13) != 0) !=
		        (v == TLS_VERSION_1_3) ||
		    ((s->flags & TLS_SUITE_ECDHE) && !strong_curve(&ch)))
			continue;
		if (v == TLS_VERSION_1_3 && ch.nkey_shares == 0 &&
		    m->refuses_empty_share)
			break;
		r.kind = TLSHELLO_KIND_SERVER_HELLO;
		r.version = v;
		r.cipher_suite = ch.suites[i];
		/* no share to use: it names its suite and asks for one */
		r.hello_retry = v == TLS_VERSION_1_3 && ch.nkey_shares == 0;
		r.ext_seen = TLSHELLO_EXT_RENEGOTIATION_INFO |
		             TLSHELLO_EXT_EXTENDED_MASTER_SECRET;
		tls_audit_answer(pl, &r, NULL);
		return;
	}
	tls_audit_answer(pl, NULL, "connection closed");
}

/* Runs a whole audit against m (the main handshake negotiated main):
 * first ncarried hellos carried by injection tests (issue #13), the
 * first of them without a TLS answer when unask_first. */
static void
run_carried(struct tls_audit *a, struct model *m, enum tls_depth depth,
            uint16_t main, unsigned ncarried, bool unask_first)
{
	struct tls_audit_plan *pl;
	uint8_t seed[TLSHELLO_SEED_LEN] = {1};
	uint8_t out[2048];
	size_t len;

	tls_audit_init(a, depth, 80, main);
	pl = tls_audit_plan_new(a);
	if (unask_first) {
		ck_assert(tls_audit_has_carrier(pl));
		ck_assert_uint_gt(tls_audit_next_carrier(pl, "mail.example",
		                                         seed, out,
		                                         sizeof(out)),
		                  0);
		tls_audit_unask(pl);
		ck_assert_uint_eq(a->used, 0);
	}
	for (unsigned i = 0; i < ncarried; i++) {
		len = tls_audit_next_carrier(pl, "mail.example", seed, out,
		                             sizeof(out));
		ck_assert_uint_gt(len, 0);
		answer(pl, m, out, len);
	}
	/* only TLS 1.2 and ALPN may be carried */
	ck_assert(!tls_audit_has_carrier(pl) || ncarried < 2);
	while ((len = tls_audit_next(pl, "mail.example", seed, out,
	                             sizeof(out))) > 0)
		answer(pl, m, out, len);
	tls_audit_plan_free(pl);
	ck_assert_uint_eq(a->used, m->hellos);
}

static void
run_audit(struct tls_audit *a, struct model *m, enum tls_depth depth,
          uint16_t main)
{
	run_carried(a, m, depth, main, 0, false);
}

static const uint16_t modern[] = {0x1301, 0x1302, 0xC02F, 0xC030};
static const uint16_t with_rc4[] = {0x1301, 0xC02F, 0xC011};
static const uint16_t tls10_cbc[] = {0xC013, 0x002F};

static enum tls_answer
ans(const struct tls_audit *a, enum tls_question q)
{
	return a->q[q].answer;
}

START_TEST(test_compliant_costs_six)
{
	struct model m = {TLS_VERSION_1_2, TLS_VERSION_1_3, modern, 4, 0};
	struct tls_audit a;

	run_audit(&a, &m, TLS_DEPTH_QUICK, TLS_VERSION_1_3);
	/* TLS 1.2, {1.1 1.0 SSL3}, SSLv2, {weak classes, DHE}, weak curves,
	 * ALPN: it was 12 with one question per hello */
	ck_assert_uint_eq(a.used, 6);
	ck_assert_int_eq(ans(&a, TLSQ_TLS12), TLSA_ACCEPTED);
	for (int q = TLSQ_TLS11; q <= TLSQ_WEAK_CURVES; q++) {
		ck_assert_int_eq(ans(&a, q), TLSA_REFUSED);
		ck_assert_str_eq(a.q[q].detail, "connection closed");
	}
	ck_assert_int_eq(ans(&a, TLSQ_WEAK_FIRST), TLSA_UNASKED);
	ck_assert_int_eq(ans(&a, TLSQ_ALPN), TLSA_ACCEPTED);
	ck_assert_str_eq(a.q[TLSQ_ALPN].detail,
	                 "TLS1.3 TLS_AES_128_GCM_SHA256");
}
END_TEST

START_TEST(test_positive_group_is_split)
{
	struct model m = {TLS_VERSION_1_2, TLS_VERSION_1_3, with_rc4, 3, 0};
	struct tls_audit a;

	run_audit(&a, &m, TLS_DEPTH_QUICK, TLS_VERSION_1_3);
	/* the weak group answered with RC4: each class asked alone, so the
	 * RC4 question has its own evidence and the others their refusal */
	ck_assert_int_eq(ans(&a, TLSQ_RC4), TLSA_ACCEPTED);
	ck_assert_str_eq(a.q[TLSQ_RC4].detail,
	                 "TLS1.2 TLS_ECDHE_RSA_WITH_RC4_128_SHA");
	ck_assert_int_eq(ans(&a, TLSQ_NULL_ANON_EXPORT), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_64BIT), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_CBC), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_DHE), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_WEAK_FIRST), TLSA_ACCEPTED);
	/* 6, plus the six members alone and "weak first" */
	ck_assert_uint_eq(a.used, 13);
}
END_TEST

static const uint16_t tls10_to_12[] = {0xC02F, 0xC013, 0x002F};

START_TEST(test_legacy_group_split)
{
	struct model m = {TLS_VERSION_1_0, TLS_VERSION_1_2, tls10_to_12, 3, 0};
	struct tls_audit a;

	run_audit(&a, &m, TLS_DEPTH_QUICK, TLS_VERSION_1_2);
	/* the hello capped at 1.1 was answered: each version asked alone */
	ck_assert_int_eq(ans(&a, TLSQ_TLS11), TLSA_ACCEPTED);
	ck_assert_str_eq(a.q[TLSQ_TLS11].detail,
	                 "TLS1.1 TLS_RSA_WITH_AES_128_CBC_SHA");
	ck_assert_int_eq(ans(&a, TLSQ_TLS10), TLSA_ACCEPTED);
	ck_assert_int_eq(ans(&a, TLSQ_SSL3), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_CBC), TLSA_ACCEPTED);
}
END_TEST

/* A server that takes no TLS 1.2 hello of ours may choke on what a
 * group adds (a newer version, extensions): no groups then. */
START_TEST(test_legacy_versions_split)
{
	struct model m = {TLS_VERSION_1_0, TLS_VERSION_1_0, tls10_cbc, 2, 0};
	struct tls_audit a;

	run_audit(&a, &m, TLS_DEPTH_QUICK, 0);
	ck_assert_int_eq(ans(&a, TLSQ_TLS13), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_TLS12), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_TLS11), TLSA_REFUSED);
	/* a 1.1 hello answered at 1.0: refused, as before the groups */
	ck_assert_str_eq(a.q[TLSQ_TLS11].detail,
	                 "TLS1.0 TLS_RSA_WITH_AES_128_CBC_SHA");
	ck_assert_int_eq(ans(&a, TLSQ_TLS10), TLSA_ACCEPTED);
	ck_assert_int_eq(ans(&a, TLSQ_SSL3), TLSA_REFUSED);
	ck_assert_int_eq(ans(&a, TLSQ_CBC), TLSA_ACCEPTED);
	ck_assert_int_eq(ans(&a, TLSQ_NO_FS), TLSA_ACCEPTED);
	ck_assert_str_eq(a.q[TLSQ_NO_FS].detail,
	                 "TLS1.0 TLS_RSA_WITH_AES_128_CBC_SHA");
	/* one hello per question, as before the groups: 1.3, 1.2, 1.1,
	 * 1.0, SSL 3, SSLv2, five classes, DHE, curves, ALPN (no "weak
	 * first": TLS 1.0 has no strong suite to put after) */
	ck_assert_uint_eq(a.used, 14);
}
END_TEST

START_TEST(test_full_depth_enumerates)
{
	struct model m = {TLS_VERSION_1_2, TLS_VERSION_1_3, modern, 4, 0};
	struct tls_audit a;

	run_audit(&a, &m, TLS_DEPTH_FULL, TLS_VERSION_1_3);
	ck_assert_uint_eq(a.by_version[0].n, 2); /* TLS 1.3 */
	ck_assert_uint_eq(a.by_version[1].n, 2); /* TLS 1.2 */
	ck_assert(a.by_version[0].complete && a.by_version[1].complete);
	/* 6 questions; one more suite and a refusal per version */
	ck_assert_uint_eq(a.used, 10);
}
END_TEST

/* A TLS 1.3 enumeration hello without a key share that is refused
 * proves nothing until the server has answered one with a retry: the
 * same offer goes again with a share, and no suite is missed. */
START_TEST(test_empty_share_refused)
{
	struct model m = {TLS_VERSION_1_2, TLS_VERSION_1_3, modern, 4, 0, true};
	struct tls_audit a, b;
	struct model m2 = {
	    TLS_VERSION_1_2, TLS_VERSION_1_3, modern, 4, 0, false};

	run_audit(&a, &m, TLS_DEPTH_FULL, TLS_VERSION_1_3);
	run_audit(&b, &m2, TLS_DEPTH_FULL, TLS_VERSION_1_3);
	ck_assert_uint_eq(a.by_version[0].n, b.by_version[0].n);
	ck_assert(a.by_version[0].complete);
	/* one more hello: the offer that was refused without a share */
	ck_assert_uint_eq(a.used, b.used + 1);
}
END_TEST

static void
assert_same_answers(const struct tls_audit *x, const struct tls_audit *y)
{
	ck_assert_uint_eq(x->used, y->used);
	for (int q = 0; q < TLSQ_COUNT; q++) {
		ck_assert_int_eq(x->q[q].answer, y->q[q].answer);
		ck_assert_str_eq(x->q[q].detail, y->q[q].detail);
		ck_assert_uint_eq(x->q[q].suite, y->q[q].suite);
	}
	for (int v = 0; v < 5; v++)
		ck_assert_uint_eq(x->by_version[v].n, y->by_version[v].n);
}

/* Questions carried out of turn get the answers asked in turn would. */
START_TEST(test_carried_questions_same_answers)
{
	struct model m0 = {TLS_VERSION_1_2, TLS_VERSION_1_3, modern, 4, 0};
	struct model m1 = m0, m2 = m0;
	struct tls_audit plain, carried, unasked;

	run_audit(&plain, &m0, TLS_DEPTH_QUICK, TLS_VERSION_1_3);
	run_carried(&carried, &m1, TLS_DEPTH_QUICK, TLS_VERSION_1_3, 2, false);
	assert_same_answers(&plain, &carried);
	ck_assert_str_eq(carried.q[TLSQ_ALPN].detail,
	                 "TLS1.3 TLS_AES_128_GCM_SHA256");
	/* a carrier without a TLS answer leaves no trace */
	run_carried(&unasked, &m2, TLS_DEPTH_QUICK, TLS_VERSION_1_3, 1, true);
	assert_same_answers(&plain, &unasked);
}
END_TEST

/* After a main handshake below TLS 1.2 no hello is a safe bet. */
START_TEST(test_no_carrier_for_legacy_main)
{
	struct tls_audit a;
	struct tls_audit_plan *pl;

	tls_audit_init(&a, TLS_DEPTH_QUICK, 80, 0);
	pl = tls_audit_plan_new(&a);
	ck_assert(!tls_audit_has_carrier(pl));
	tls_audit_plan_free(pl);
}
END_TEST

Suite *
tlsaudit_suite(void)
{
	Suite *s = suite_create("tlsaudit");
	TCase *tc = tcase_create("planner");

	tcase_add_test(tc, test_compliant_costs_six);
	tcase_add_test(tc, test_positive_group_is_split);
	tcase_add_test(tc, test_legacy_group_split);
	tcase_add_test(tc, test_legacy_versions_split);
	tcase_add_test(tc, test_full_depth_enumerates);
	tcase_add_test(tc, test_empty_share_refused);
	tcase_add_test(tc, test_carried_questions_same_answers);
	tcase_add_test(tc, test_no_carrier_for_legacy_main);
	suite_add_tcase(s, tc);
	return s;
}
