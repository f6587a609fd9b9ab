/*
 * Remediation advice (issue #12): every check in the catalog has generic
 * advice an operator can act on, every product row names its source, and
 * the lookup falls back to the generic text for unknown products.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"
#include "reports/catalog_text.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *remediation_suite(void);

/* One or two sentences: long enough to act on, short enough for one
 * report line. */
#define ADVICE_MIN 30
#define ADVICE_MAX 260

static void
assert_sentence(const char *what, const char *id, const char *text)
{
	size_t n;

	ck_assert_msg(text != NULL, "%s: %s has none", id, what);
	n = strlen(text);
	ck_assert_msg(n >= ADVICE_MIN && n <= ADVICE_MAX, "%s: %s is %zu bytes",
	              id, what, n);
	ck_assert_msg(text[n - 1] == '.', "%s: %s does not end a sentence", id,
	              what);
	ck_assert_msg(strchr(text, '\n') == NULL, "%s: %s has a newline", id,
	              what);
}

START_TEST(test_every_check_has_generic_advice)
{
	size_t n;
	const struct check *all = catalog_all(&n);

	for (size_t i = 0; i < n; i++) {
		struct remediation r;

		ck_assert_msg(remediation_for(&all[i], NULL, &r),
		              "%s has no advice", all[i].id);
		assert_sentence("generic advice", all[i].id, r.generic);
		ck_assert_ptr_null(r.product_text);
		ck_assert_ptr_null(r.product_cite);
	}
}
END_TEST

START_TEST(test_every_product_row_is_cited)
{
	size_t n, np, rows = 0;
	const struct check *all = catalog_all(&n);
	const char *const *products = remediation_products(&np);

	ck_assert_uint_ge(np, 6);
	for (size_t p = 0; p < np; p++) {
		size_t mine = 0;

		/* every product key has a label of its own */
		ck_assert_str_ne(remediation_product_label(products[p]),
		                 products[p]);
		for (size_t i = 0; i < n; i++) {
			struct remediation r;

			ck_assert(remediation_for(&all[i], products[p], &r));
			ck_assert_str_eq(r.product, products[p]);
			if (r.product_text == NULL) {
				ck_assert_ptr_null(r.product_cite);
				continue;
			}
			assert_sentence(products[p], all[i].id, r.product_text);
			ck_assert_msg(r.product_cite && *r.product_cite,
			              "%s/%s: no citation", products[p],
			              all[i].id);
			/* a vendor page, or the vendor's shipped file */
			ck_assert_msg(
			    strstr(r.product_cite, "://") ||
			        strstr(r.product_cite, "Courier-IMAP") ||
			        strstr(r.product_cite, "(unverified)"),
			    "%s/%s: citation names no source: %s", products[p],
			    all[i].id, r.product_cite);
			mine++;
		}
		/* the rows the issue asks for exist for every product */
		ck_assert_msg(mine >= 8, "%s: only %zu rows", products[p],
		              mine);
		rows += mine;
	}
	ck_assert_uint_ge(rows, 100);
}
END_TEST

/* The settings issue #12 names, each where an operator would look. */
START_TEST(test_named_settings)
{
	static const struct {
		const char *product, *id, *needle;
	} want[] = {
	    {"dovecot", "CLEARTEXT-AUTH-ALLOWED", "ssl = required"},
	    {"dovecot", "AUTH-PLAINTEXT-BEFORE-TLS", "disable_plaintext_auth"},
	    {"dovecot", "AUTH-PLAINTEXT-BEFORE-TLS", "auth_allow_cleartext"},
	    {"dovecot", "TLS-VERSION-LEGACY", "ssl_min_protocol"},
	    {"dovecot", "TLS-CIPHER-RC4", "ssl_cipher_list"},
	    {"dovecot", "CERT-CHAIN-INCOMPLETE", "fullchain"},
	    {"dovecot", "INFO-BANNER-DISCLOSURE", "login_greeting"},
	    {"exchange", "AUTH-PLAINTEXT-BEFORE-TLS", "-LoginType SecureLogin"},
	    {"exchange", "CERT-SELF-SIGNED", "-X509CertificateName"},
	    {"exchange", "CERT-HOSTNAME-MISMATCH",
	     "-ExternalConnectionSettings"},
	    {"exchange", "TLS-VERSION-LEGACY", "Schannel"},
	    {"cyrus", "AUTH-PLAINTEXT-BEFORE-TLS", "allowplaintext: no"},
	    {"cyrus", "TLS-VERSION-LEGACY", "tls_versions"},
	    {"cyrus", "TLS-CIPHER-CBC", "tls_ciphers"},
	    {"courier", "CLEARTEXT-AUTH-ALLOWED", "IMAP_TLS_REQUIRED=1"},
	    {"courier", "CLEARTEXT-AUTH-ALLOWED", "POP3_TLS_REQUIRED=1"},
	    {"courier", "TLS-VERSION-LEGACY", "TLS_PROTOCOL"},
	    {"courier", "TLS-CIPHER-RC4", "TLS_CIPHER_LIST"},
	    {"mailutils", "AUTH-PLAINTEXT-BEFORE-TLS", "tls-mode required"},
	    {"mailutils", "CERT-CHAIN-INCOMPLETE", "ssl-certificate-file"},
	    {"nginx", "AUTH-PLAINTEXT-BEFORE-TLS", "starttls only"},
	    {"nginx", "TLS-VERSION-LEGACY", "ssl_protocols"},
	    {"nginx", "TLS-CIPHER-64BIT-BLOCK", "ssl_ciphers"},
	    {"nginx", "CERT-CHAIN-INCOMPLETE", "ssl_certificate"},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct remediation r;
		const struct check *c = catalog_find(want[i].id);

		ck_assert_ptr_nonnull(c);
		ck_assert(remediation_for(c, want[i].product, &r));
		ck_assert_msg(r.product_text &&
		                  strstr(r.product_text, want[i].needle),
		              "%s/%s lacks \"%s\"", want[i].product, want[i].id,
		              want[i].needle);
	}
}
END_TEST

START_TEST(test_unknown_product_and_check)
{
	struct remediation r;
	struct check stray = {.id = "NOT-IN-CATALOG"};

	ck_assert(remediation_for(CHECK(STARTTLS_MISSING), "perdition", &r));
	ck_assert_ptr_nonnull(r.generic);
	ck_assert_str_eq(r.product, "perdition");
	ck_assert_ptr_null(r.product_text);
	ck_assert_str_eq(remediation_product_label("perdition"), "perdition");
	ck_assert_ptr_null(remediation_product_label(NULL));
	ck_assert_str_eq(remediation_product_label("dovecot"), "Dovecot");

	ck_assert(!remediation_for(&stray, "dovecot", &r));
	ck_assert_ptr_null(r.generic);
	ck_assert_ptr_null(r.product_text);
}
END_TEST

/* mailaudit --list-checks --remediation: each check's block ends with its
 * generic fix and every product's setting with its source, within the
 * 100 columns of the rest of the listing. */
START_TEST(test_list_checks_remediation)
{
	char *text = NULL, *p;
	size_t len = 0, n, fixes = 0;
	FILE *f = open_memstream(&text, &len);
	struct remediation r;
	char want[400];

	(void)catalog_all(&n);
	ck_assert_ptr_nonnull(f);
	catalog_print(f, true, true);
	ck_assert_int_eq(fclose(f), 0);
	for (p = text; (p = strstr(p, "\n    fix: ")) != NULL; p++)
		fixes++;
	ck_assert_uint_eq(fixes, n);
	/* a short advice fits on its line, after the check's references */
	ck_assert(remediation_for(CHECK(TLS_CIPHER_RC4), NULL, &r));
	snprintf(want, sizeof(want), "\n    fix: %s\n", r.generic);
	ck_assert_msg(strstr(text, want), "no line %s", want);
	ck_assert_ptr_nonnull(
	    strstr(text, "\n    Dovecot: Set ssl = required"));
	ck_assert_ptr_nonnull(strstr(text, "\n    Microsoft Exchange: "));
	ck_assert_ptr_nonnull(strstr(text, "\n      source: https://"));
	/* the advice belongs to its own check's block */
	p = strstr(text, "\nCLEARTEXT-AUTH-ALLOWED ");
	ck_assert_ptr_nonnull(p);
	ck_assert(strstr(p, "Dovecot: Set ssl = required") <
	          strstr(p + 1, "\nAUTH-PLAINTEXT-BEFORE-TLS "));
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		size_t cols = 0;

		ck_assert_ptr_nonnull(end);
		for (char *q = line; q < end; q++)
			cols += ((unsigned char)*q & 0xc0) != 0x80;
		/* one unbreakable word (a URL) may overrun */
		ck_assert_msg(cols <= 100 ||
		                  memchr(line + 8, ' ',
		                         (size_t)(end - line - 8)) == NULL ||
		                  strstr(line, "://"),
		              "line over 100 columns: %.*s", (int)(end - line),
		              line);
		line = end + 1;
	}
	free(text);
}
END_TEST

Suite *
remediation_suite(void)
{
	Suite *s = suite_create("remediation");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_every_check_has_generic_advice);
	tcase_add_test(tc, test_every_product_row_is_cited);
	tcase_add_test(tc, test_named_settings);
	tcase_add_test(tc, test_unknown_product_and_check);
	tcase_add_test(tc, test_list_checks_remediation);
	suite_add_tcase(s, tc);
	return s;
}
