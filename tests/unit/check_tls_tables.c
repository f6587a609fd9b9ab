/*
 * TLS wire-layer tables (scanner/tls/suites.c, names.c): the generated
 * cipher-suite table is sorted, consistent with its flag rules and holds
 * the suites the audit asks about; suite selection by version and flags;
 * version, alert, group and extension names.
 */
#include <check.h>
#include <string.h>

#include "scanner/tls/tlshello.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *tls_tables_suite(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- suite table -------------------------------------------------- */

START_TEST(test_suite_table_sane)
{
	size_t n, i, j, kx_classes;
	const struct tls_suite *t = tls_suite_table(&n);

	ck_assert_uint_ge(n, 200);
	for (i = 0; i < n; i++) {
		unsigned f = t[i].flags;

		if (i > 0)
			ck_assert_uint_lt(t[i - 1].id, t[i].id);
		ck_assert_ptr_nonnull(t[i].name);
		ck_assert_int_eq(strncmp(t[i].name, "TLS_", 4), 0);
		ck_assert_ptr_eq(tls_suite_lookup(t[i].id), &t[i]);
		ck_assert_str_eq(tls_suite_name(t[i].id), t[i].name);
		if (f & TLS_SUITE_SCSV) {
			ck_assert_uint_eq(f, TLS_SUITE_SCSV);
			continue;
		}
		/* exactly one key-exchange class */
		kx_classes = !!(f & TLS_SUITE_NO_FS) + !!(f & TLS_SUITE_DHE) +
		             !!(f & TLS_SUITE_ECDHE) + !!(f & TLS_SUITE_TLS13);
		ck_assert_msg(kx_classes == 1, "%s: %zu kx classes", t[i].name,
		              kx_classes);
		ck_assert_msg(!((f & TLS_SUITE_CBC) && (f & TLS_SUITE_AEAD)),
		              "%s: CBC and AEAD", t[i].name);
		if (f & (TLS_SUITE_NULL | TLS_SUITE_RC4))
			ck_assert_uint_eq(f & (TLS_SUITE_CBC | TLS_SUITE_AEAD),
			                  0);
		else
			ck_assert_msg(f & (TLS_SUITE_CBC | TLS_SUITE_AEAD),
			              "%s: no cipher mode", t[i].name);
		if (f & TLS_SUITE_TLS13) {
			ck_assert_uint_eq(t[i].min_version, TLS_VERSION_1_3);
			ck_assert(f & TLS_SUITE_AEAD);
		} else if (f & TLS_SUITE_AEAD) {
			ck_assert_uint_eq(t[i].min_version, TLS_VERSION_1_2);
		} else {
			ck_assert(t[i].min_version == TLS_VERSION_SSL3 ||
			          t[i].min_version == TLS_VERSION_1_2);
		}
		ck_assert_msg((strstr(t[i].name, "_anon_") != NULL) ==
		                  ((f & TLS_SUITE_ANON) != 0),
		              "%s: anon flag", t[i].name);
		ck_assert_msg((strstr(t[i].name, "EXPORT") != NULL) ==
		                  ((f & TLS_SUITE_EXPORT) != 0),
		              "%s: export flag", t[i].name);
		ck_assert_msg((strstr(t[i].name, "CHACHA20") ||
		               strstr(t[i].name, "CAMELLIA") ||
		               strstr(t[i].name, "ARIA") ||
		               strstr(t[i].name, "SEED") ||
		               strstr(t[i].name, "IDEA")) ==
		                  ((f & TLS_SUITE_NOT_NIST) != 0),
		              "%s: not-NIST flag", t[i].name);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(t[i].name, t[j].name);
	}
}
END_TEST

static const struct {
	uint16_t id;
	const char *name;
	unsigned flags;
	enum tls_kx kx;
	uint16_t min_version;
} known_suites[] = {
    {0x0001, "TLS_RSA_WITH_NULL_MD5", TLS_SUITE_NULL | TLS_SUITE_NO_FS,
     TLS_KX_RSA, 0x0300},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
     TLS_SUITE_EXPORT | TLS_SUITE_RC4 | TLS_SUITE_NO_FS, TLS_KX_RSA, 0x0300},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", TLS_SUITE_RC4 | TLS_SUITE_NO_FS,
     TLS_KX_RSA, 0x0300},
    {0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA",
     TLS_SUITE_64BIT_BLOCK | TLS_SUITE_NO_FS | TLS_SUITE_CBC |
         TLS_SUITE_NOT_NIST,
     TLS_KX_RSA, 0x0300},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA",
     TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     TLS_KX_RSA, 0x0300},
    {0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
     TLS_SUITE_64BIT_BLOCK | TLS_SUITE_NO_FS | TLS_SUITE_CBC, TLS_KX_RSA,
     0x0300},
    {0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
     TLS_SUITE_EXPORT | TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_DHE |
         TLS_SUITE_CBC,
     TLS_KX_DHE, 0x0300},
    {0x0018, "TLS_DH_anon_WITH_RC4_128_MD5",
     TLS_SUITE_ANON | TLS_SUITE_RC4 | TLS_SUITE_DHE, TLS_KX_DHE, 0x0300},
    {0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     TLS_KX_DH, 0x0300},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", TLS_SUITE_DHE | TLS_SUITE_CBC,
     TLS_KX_DHE, 0x0300},
    {0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
     TLS_SUITE_EXPORT | TLS_SUITE_RC4 | TLS_SUITE_NO_FS, TLS_KX_RSA, 0x0300},
    {0x0096, "TLS_RSA_WITH_SEED_CBC_SHA",
     TLS_SUITE_NOT_NIST | TLS_SUITE_NO_FS | TLS_SUITE_CBC, TLS_KX_RSA, 0x0300},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
     TLS_SUITE_DHE | TLS_SUITE_AEAD, TLS_KX_DHE, 0x0303},
    {0x1301, "TLS_AES_128_GCM_SHA256", TLS_SUITE_TLS13 | TLS_SUITE_AEAD,
     TLS_KX_TLS13, 0x0304},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256",
     TLS_SUITE_TLS13 | TLS_SUITE_AEAD | TLS_SUITE_NOT_NIST, TLS_KX_TLS13,
     0x0304},
    {0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",
     TLS_SUITE_NO_FS | TLS_SUITE_CBC, TLS_KX_ECDH, 0x0300},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
     TLS_SUITE_ECDHE | TLS_SUITE_CBC, TLS_KX_ECDHE, 0x0300},
    {0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
     TLS_SUITE_ANON | TLS_SUITE_ECDHE | TLS_SUITE_CBC, TLS_KX_ECDHE, 0x0300},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
     TLS_SUITE_ECDHE | TLS_SUITE_AEAD, TLS_KX_ECDHE, 0x0303},
    {0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384",
     TLS_SUITE_NOT_NIST | TLS_SUITE_NO_FS | TLS_SUITE_AEAD, TLS_KX_RSA, 0x0303},
    {0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     TLS_KX_RSA, 0x0303},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     TLS_SUITE_ECDHE | TLS_SUITE_AEAD | TLS_SUITE_NOT_NIST, TLS_KX_ECDHE,
     0x0303},
};

START_TEST(test_suite_known)
{
	const struct tls_suite *s = tls_suite_lookup(known_suites[_i].id);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, known_suites[_i].name);
	ck_assert_msg(s->flags == known_suites[_i].flags,
	              "%s: flags 0x%x, want 0x%x", s->name, s->flags,
	              known_suites[_i].flags);
	ck_assert_int_eq(s->kx, known_suites[_i].kx);
	ck_assert_uint_eq(s->min_version, known_suites[_i].min_version);
}
END_TEST

START_TEST(test_suite_export_ids)
{
	static const uint16_t ids[] = {0x0003, 0x0006, 0x0008, 0x000B, 0x000E,
	                               0x0011, 0x0014, 0x0017, 0x0019, 0x0062,
	                               0x0063, 0x0064, 0x0065};
	size_t i, n, count = 0;
	const struct tls_suite *t = tls_suite_table(&n);

	for (i = 0; i < ARRAY_LEN(ids); i++) {
		const struct tls_suite *s = tls_suite_lookup(ids[i]);

		ck_assert_ptr_nonnull(s);
		ck_assert_msg(s->flags & TLS_SUITE_EXPORT, "%s", s->name);
	}
	for (i = 0; i < n; i++)
		count += (t[i].flags & TLS_SUITE_EXPORT) != 0;
	/* the 13 above plus the two EXPORT1024 RC2/RC4-MD5 ones */
	ck_assert_uint_eq(count, ARRAY_LEN(ids) + 2);
}
END_TEST

START_TEST(test_suite_names_and_lookup)
{
	ck_assert_ptr_null(tls_suite_lookup(0x1234));
	ck_assert_str_eq(tls_suite_name(0x1234), "0x1234");
	ck_assert_str_eq(tls_suite_name(0xABCD), "0xABCD");
	ck_assert_str_eq(tls_suite_name(0x0000), "0x0000");
	ck_assert_str_eq(tls_suite_name(0x00FF),
	                 "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	ck_assert_str_eq(tls_suite_name(0x5600), "TLS_FALLBACK_SCSV");
	ck_assert_str_eq(tls_suite_name(0xC030),
	                 "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
}
END_TEST

START_TEST(test_suites_select)
{
	uint16_t out[400];
	size_t n, i;

	n = tls_suites_select(TLS_VERSION_1_3, 0, 0, out, ARRAY_LEN(out));
	ck_assert_uint_eq(n, 5);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(out[i] >> 8, 0x13);

	n = tls_suites_select(TLS_VERSION_1_0, 0, 0, out, ARRAY_LEN(out));
	ck_assert_uint_gt(n, 50);
	for (i = 0; i < n; i++) {
		const struct tls_suite *s = tls_suite_lookup(out[i]);

		ck_assert_uint_le(s->min_version, TLS_VERSION_1_0);
		ck_assert_uint_eq(s->flags & (TLS_SUITE_SCSV | TLS_SUITE_AEAD),
		                  0);
	}

	n = tls_suites_select(TLS_VERSION_1_2, TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
	                      TLS_SUITE_NOT_NIST | TLS_SUITE_ANON, out,
	                      ARRAY_LEN(out));
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		unsigned f = tls_suite_lookup(out[i])->flags;

		ck_assert(f & TLS_SUITE_ECDHE);
		ck_assert(f & TLS_SUITE_AEAD);
		ck_assert(!(f & (TLS_SUITE_NOT_NIST | TLS_SUITE_ANON)));
	}

	/* the count is the full count even when out is too small */
	ck_assert_uint_eq(tls_suites_select(TLS_VERSION_1_2, 0, 0, out, 3),
	                  tls_suites_select(TLS_VERSION_1_2, 0, 0, NULL, 0));
	n = tls_suites_select(TLS_VERSION_1_2, TLS_SUITE_RC4, 0, out,
	                      ARRAY_LEN(out));
	ck_assert_uint_ge(n, 10);
}
END_TEST

/* ---- names ---------------------------------------------------------- */

START_TEST(test_names)
{
	ck_assert_str_eq(tls_version_name(0x0002), "SSL2.0");
	ck_assert_str_eq(tls_version_name(0x0300), "SSL3.0");
	ck_assert_str_eq(tls_version_name(0x0301), "TLS1.0");
	ck_assert_str_eq(tls_version_name(0x0302), "TLS1.1");
	ck_assert_str_eq(tls_version_name(0x0303), "TLS1.2");
	ck_assert_str_eq(tls_version_name(0x0304), "TLS1.3");
	ck_assert_str_eq(tls_version_name(0x7f1c), "TLS1.3-draft");
	ck_assert_str_eq(tls_version_name(0x0305), "unknown");
	ck_assert_str_eq(tls_version_name(0xfeff), "unknown");

	ck_assert_str_eq(tls_alert_name(0), "close_notify");
	ck_assert_str_eq(tls_alert_name(40), "handshake_failure");
	ck_assert_str_eq(tls_alert_name(70), "protocol_version");
	ck_assert_str_eq(tls_alert_name(86), "inappropriate_fallback");
	ck_assert_str_eq(tls_alert_name(112), "unrecognized_name");
	ck_assert_str_eq(tls_alert_name(120), "no_application_protocol");
	ck_assert_str_eq(tls_alert_name(255), "unknown");

	ck_assert_str_eq(tls_group_name(0x001d), "x25519");
	ck_assert_str_eq(tls_group_name(0x0017), "secp256r1");
	ck_assert_str_eq(tls_group_name(0x0001), "sect163k1");
	ck_assert_str_eq(tls_group_name(0x0100), "ffdhe2048");
	ck_assert_str_eq(tls_group_name(0x11ec), "X25519MLKEM768");
	ck_assert_str_eq(tls_group_name(0x4242), "unknown");
	ck_assert_uint_eq(tls_group_bits(0x001d), 255);
	ck_assert_uint_eq(tls_group_bits(0x0017), 256);
	ck_assert_uint_eq(tls_group_bits(0x0013), 192);
	ck_assert_uint_eq(tls_group_bits(0x0015), 224);
	ck_assert_uint_eq(tls_group_bits(0x0019), 521);
	ck_assert_uint_eq(tls_group_bits(0x0001), 163);
	ck_assert_uint_eq(tls_group_bits(0x000e), 571);
	ck_assert_uint_eq(tls_group_bits(0x0101), 3072);
	ck_assert_uint_eq(tls_group_bits(0x4242), 0);
	ck_assert_int_eq(tls_group_kind(0x0001), TLS_GROUP_EC_BINARY);
	ck_assert_int_eq(tls_group_kind(0x0017), TLS_GROUP_EC_PRIME);
	ck_assert_int_eq(tls_group_kind(0x001e), TLS_GROUP_ECX);
	ck_assert_int_eq(tls_group_kind(0x0102), TLS_GROUP_FFDHE);
	ck_assert_int_eq(tls_group_kind(0xff01), TLS_GROUP_EXPLICIT);
	ck_assert_int_eq(tls_group_kind(0x4242), TLS_GROUP_UNKNOWN);

	ck_assert_int_eq(tlshello_ext_type(TLSHELLO_EXT_RENEGOTIATION_INFO),
	                 0xff01);
	ck_assert_int_eq(tlshello_ext_type(TLSHELLO_EXT_EXTENDED_MASTER_SECRET),
	                 23);
	ck_assert_int_eq(tlshello_ext_type(TLSHELLO_EXT_ENCRYPT_THEN_MAC), 22);
	ck_assert_int_eq(tlshello_ext_type(TLSHELLO_EXT_HEARTBEAT), 15);
	ck_assert_int_eq(tlshello_ext_type(TLSHELLO_EXT_OTHER), -1);
	ck_assert_int_eq(
	    tlshello_ext_type(TLSHELLO_EXT_ALPN | TLSHELLO_EXT_HEARTBEAT), -1);
	ck_assert_str_eq(tlshello_ext_name(TLSHELLO_EXT_KEY_SHARE),
	                 "key_share");
	ck_assert_str_eq(tlshello_ext_name(TLSHELLO_EXT_OTHER), "unknown");
}
END_TEST

Suite *
tls_tables_suite(void)
{
	Suite *s = suite_create("tls_tables");
	TCase *tc;

	tc = tcase_create("tables");
	tcase_add_test(tc, test_suite_table_sane);
	tcase_add_loop_test(tc, test_suite_known, 0,
	                    (int)ARRAY_LEN(known_suites));
	tcase_add_test(tc, test_suite_export_ids);
	tcase_add_test(tc, test_suite_names_and_lookup);
	tcase_add_test(tc, test_suites_select);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
