/*
 * The scan's cache of evaluated chains (scanner/tls/chaincache.h): a
 * chain sent again gets the same facts as its first evaluation, deep
 * copies that outlive the cache, and a full cache drops its oldest.
 * Certificates are made here with GnuTLS (ECDSA P-256, self-signed).
 */
#include <check.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "scanner/tls/chaincache.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *chaincache_suite(void);

/* A self-signed certificate for name, DER in out (gnutls_free it). */
static void
make_cert(const char *name, gnutls_datum_t *out)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	time_t now = time(NULL);
	unsigned char serial[4] = {1, 2, 3, (unsigned char)name[0]};

	ck_assert_int_ge(gnutls_x509_privkey_init(&key), 0);
	ck_assert_int_ge(gnutls_x509_privkey_generate(
	                     key, GNUTLS_PK_ECDSA,
	                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
	                     0),
	                 0);
	ck_assert_int_ge(gnutls_x509_crt_init(&crt), 0);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
	gnutls_x509_crt_set_activation_time(crt, now - 3600);
	gnutls_x509_crt_set_expiration_time(crt, now + 86400);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, name,
	                              (unsigned)strlen(name));
	gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, name,
	                                     (unsigned)strlen(name),
	                                     GNUTLS_FSAN_SET);
	ck_assert_int_ge(gnutls_x509_crt_set_key(crt, key), 0);
	ck_assert_int_ge(
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), 0);
	ck_assert_int_ge(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, out),
	                 0);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

static void
assert_same(const struct chain_facts *a, const struct chain_facts *b)
{
	ck_assert_uint_eq(a->ncerts, b->ncerts);
	ck_assert_uint_eq(a->nsent, b->nsent);
	ck_assert_int_eq(a->trusted, b->trusted);
	ck_assert_uint_eq(a->verify_status, b->verify_status);
	ck_assert_str_eq(a->verify_text, b->verify_text);
	for (size_t i = 0; i < a->ncerts; i++) {
		const struct cert_facts *x = &a->certs[i], *y = &b->certs[i];

		ck_assert_ptr_ne(x->subject, y->subject); /* a copy */
		ck_assert_str_eq(x->subject, y->subject);
		ck_assert_str_eq(x->sha256, y->sha256);
		ck_assert_str_eq(x->spki_sha512, y->spki_sha512);
		ck_assert_str_eq(x->key_algorithm, y->key_algorithm);
		ck_assert_uint_eq(x->not_after, y->not_after);
		ck_assert_uint_eq(x->dns_names.n, y->dns_names.n);
		for (size_t k = 0; k < x->dns_names.n; k++)
			ck_assert_str_eq(x->dns_names.items[k],
			                 y->dns_names.items[k]);
	}
}

START_TEST(test_same_chain_same_facts)
{
	struct certinfo_trust t;
	struct chain_cache *c = chain_cache_new(1);
	gnutls_datum_t a, b;
	struct chain_facts plain, first, again, other, after;
	char err[256];

	ck_assert_int_eq(certinfo_trust_load(&t, NULL, err, sizeof(err)), 0);
	make_cert("a.example", &a);
	make_cert("b.example", &b);
	certinfo_chain(&t, &a, 1, &plain);
	chain_cache_facts(c, &t, &a, 1, &first);
	chain_cache_facts(c, &t, &a, 1, &again);
	assert_same(&plain, &first);
	assert_same(&first, &again);
	ck_assert_str_eq(again.certs[0].subject, "CN=a.example");
	/* another chain is its own, and pushes the first out (max 1) */
	chain_cache_facts(c, &t, &b, 1, &other);
	ck_assert_str_ne(other.certs[0].sha256, first.certs[0].sha256);
	chain_cache_facts(c, &t, &a, 1, &after);
	assert_same(&plain, &after);
	/* the copies outlive the cache */
	chain_cache_free(c);
	ck_assert_str_eq(again.certs[0].dns_names.items[0], "a.example");
	chain_facts_free(&plain);
	chain_facts_free(&first);
	chain_facts_free(&again);
	chain_facts_free(&other);
	chain_facts_free(&after);
	gnutls_free(a.data);
	gnutls_free(b.data);
	certinfo_trust_free(&t);
}
END_TEST

Suite *
chaincache_suite(void)
{
	Suite *s = suite_create("chaincache");
	TCase *tc = tcase_create("cache");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_same_chain_same_facts);
	suite_add_tcase(s, tc);
	return s;
}
