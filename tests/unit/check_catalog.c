/*
 * The check catalog against ../shared/checks.md section 2: every id in
 * order with its default severity, the fields reporters rely on, no
 * unverified reference text, and the --list-checks rendering.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "reports/catalog_text.h"
#include "scanner/core/result.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *catalog_suite(void);

/* checks.md section 2 (2.A-2.G), in order; where it gives two
 * severities the default (first) one. */
static const struct {
	const char *id;
	enum severity sev;
} expected[] = {
    {"SVC-CLEARTEXT-PORT-OPEN", SEV_INFO},
    {"IMPLICIT-TLS-MISSING", SEV_MEDIUM},
    {"IMPLICIT-TLS-PLAINTEXT", SEV_HIGH},
    {"STARTTLS-MISSING", SEV_HIGH},
    {"STARTTLS-NOT-ADVERTISED", SEV_LOW},
    {"STARTTLS-BROKEN", SEV_HIGH},
    {"STARTTLS-COMMAND-INJECTION", SEV_HIGH},
    {"STARTTLS-EXTRA-PLAINTEXT", SEV_LOW},
    {"STARTTLS-CAPABILITY-IN-OK", SEV_INFO},
    {"STARTTLS-STILL-ADVERTISED", SEV_LOW},
    {"STARTTLS-ON-IMPLICIT-PORT", SEV_LOW},
    {"STARTTLS-SESSION-FIXATION", SEV_HIGH},
    {"IMAP-PREAUTH-CLEARTEXT", SEV_HIGH},
    {"CLEARTEXT-AUTH-ALLOWED", SEV_MEDIUM},
    {"AUTH-PLAINTEXT-BEFORE-TLS", SEV_HIGH},
    {"AUTH-LOGINDISABLED-INCONSISTENT", SEV_MEDIUM},
    {"AUTH-ADVERTISED-BUT-REJECTED", SEV_INFO},
    {"AUTH-NO-USABLE-MECHANISM-AFTER-TLS", SEV_LOW},
    {"AUTH-WEAK-MECHANISM", SEV_LOW},
    {"AUTH-APOP-OFFERED", SEV_LOW},
    {"AUTH-NTLM-INFO-DISCLOSURE", SEV_MEDIUM},
    {"AUTH-ANONYMOUS-OFFERED", SEV_LOW},
    {"AUTH-USER-ENUMERATION", SEV_INFO},
    {"CERT-CHAIN-UNTRUSTED", SEV_HIGH},
    {"CERT-SELF-SIGNED", SEV_HIGH},
    {"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM},
    {"CERT-HOSTNAME-MISMATCH", SEV_HIGH},
    {"CERT-NO-SAN", SEV_MEDIUM},
    {"CERT-EXPIRED", SEV_HIGH},
    {"CERT-NOT-YET-VALID", SEV_HIGH},
    {"CERT-EXPIRING-SOON", SEV_MEDIUM},
    {"CERT-VALIDITY-TOO-LONG", SEV_LOW},
    {"CERT-KEY-WEAK", SEV_HIGH},
    {"CERT-SIGNATURE-WEAK", SEV_HIGH},
    {"CERT-REVOKED", SEV_HIGH},
    {"CERT-OCSP-STAPLING-MISSING", SEV_INFO},
    {"CERT-EKU-INVALID", SEV_MEDIUM},
    {"CERT-INTERNAL-NAME", SEV_LOW},
    {"CERT-INCONSISTENT-ACROSS-ENDPOINTS", SEV_INFO},
    {"CERT-SNI-DIFFERENT", SEV_INFO},
    {"TLS-VERSION-SSL", SEV_CRITICAL},
    {"TLS-VERSION-LEGACY", SEV_HIGH},
    {"TLS-NO-MODERN-VERSION", SEV_HIGH},
    {"TLS-1.3-UNSUPPORTED", SEV_INFO},
    {"TLS-CIPHER-NULL-ANON-EXPORT", SEV_CRITICAL},
    {"TLS-CIPHER-RC4", SEV_HIGH},
    {"TLS-CIPHER-64BIT-BLOCK", SEV_MEDIUM},
    {"TLS-CIPHER-NO-FORWARD-SECRECY", SEV_MEDIUM},
    {"TLS-CIPHER-CBC", SEV_LOW},
    {"TLS-ETM-MISSING", SEV_LOW},
    {"TLS-CIPHER-NOT-NIST-APPROVED", SEV_INFO},
    {"TLS-WEAK-CIPHER-PREFERRED", SEV_MEDIUM},
    {"TLS-DH-WEAK", SEV_MEDIUM},
    {"TLS-ECDH-CURVE-WEAK", SEV_MEDIUM},
    {"TLS-COMPRESSION", SEV_MEDIUM},
    {"TLS-RENEGOTIATION-INSECURE", SEV_MEDIUM},
    {"TLS-CLIENT-RENEGOTIATION", SEV_LOW},
    {"TLS-EMS-MISSING", SEV_LOW},
    {"TLS-HEARTBEAT-ENABLED", SEV_INFO},
    {"TLS-TRUNCATED-HMAC", SEV_LOW},
    {"TLS-ALPN-NOT-ENFORCED", SEV_INFO},
    {"TLS-0RTT-ACCEPTED", SEV_INFO},
    {"INFO-BANNER-DISCLOSURE", SEV_INFO},
    {"INFO-EXCHANGE-BACKEND-FQDN", SEV_LOW},
    {"INFO-IMAP-ID-DISCLOSURE", SEV_LOW},
    {"INFO-POP3-IMPLEMENTATION", SEV_INFO},
    {"DANE-TLSA-MISMATCH", SEV_HIGH},
    {"DANE-TLSA-ABSENT", SEV_INFO},
    {"DNS-SRV-IMPLICIT-TLS-MISSING", SEV_INFO},
};
#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

/* The checks mailaudit implements in its core. */
static const char *const core_ids[] = {
    "SVC-CLEARTEXT-PORT-OPEN",
    "IMPLICIT-TLS-MISSING",
    "STARTTLS-MISSING",
    "STARTTLS-NOT-ADVERTISED",
    "STARTTLS-BROKEN",
    "STARTTLS-STILL-ADVERTISED",
    "IMAP-PREAUTH-CLEARTEXT",
    "AUTH-PLAINTEXT-BEFORE-TLS",
    "AUTH-LOGINDISABLED-INCONSISTENT",
    "AUTH-APOP-OFFERED",
    "CERT-CHAIN-UNTRUSTED",
    "CERT-SELF-SIGNED",
    "CERT-CHAIN-INCOMPLETE",
    "CERT-HOSTNAME-MISMATCH",
    "CERT-NO-SAN",
    "CERT-EXPIRED",
    "CERT-NOT-YET-VALID",
    "CERT-EXPIRING-SOON",
    "CERT-KEY-WEAK",
    "CERT-SIGNATURE-WEAK",
    "INFO-BANNER-DISCLOSURE",
};
#define N_CORE (sizeof(core_ids) / sizeof(core_ids[0]))

static size_t
nrefs(const struct check *c)
{
	size_t n = 0;

	while (n < CHECK_MAX_REFS && c->refs[n] != NULL)
		n++;
	return n;
}

START_TEST(test_ids_in_checks_md_order)
{
	size_t n;
	const struct check *all = catalog_all(&n);

	ck_assert_uint_eq(n, N_EXPECTED);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(all[i].id, expected[i].id);
		ck_assert_msg(all[i].severity == expected[i].sev,
		              "%s: severity %s, checks.md says %s", all[i].id,
		              severity_name(all[i].severity),
		              severity_name(expected[i].sev));
	}
}
END_TEST

START_TEST(test_ids_unique_and_well_formed)
{
	size_t n;
	const struct check *all = catalog_all(&n);

	for (size_t i = 0; i < n; i++) {
		const char *id = all[i].id;

		ck_assert_ptr_nonnull(id);
		ck_assert_msg(id[0] != '\0', "check %zu has an empty id", i);
		ck_assert_msg(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                         "0123456789.-") == strlen(id),
		              "id '%s' does not match ^[A-Z0-9.-]+$", id);
		for (size_t j = i + 1; j < n; j++)
			ck_assert_msg(strcmp(id, all[j].id) != 0,
			              "id '%s' appears twice", id);
	}
}
END_TEST

/* Each entry sits at the index catalog.def gives its id: CHECK(NAME)
 * points at the check NAME names. */
START_TEST(test_def_matches_table)
{
	static const char *const def_ids[] = {
#define CHECK_ID(name, id) id,
#include "probes/checks/catalog.def"
#undef CHECK_ID
	};

	ck_assert_uint_eq(sizeof(def_ids) / sizeof(def_ids[0]), CHECK_COUNT);
	for (size_t i = 0; i < CHECK_COUNT; i++)
		ck_assert_str_eq(catalog_checks[i].id, def_ids[i]);
	ck_assert_str_eq(CHECK(STARTTLS_MISSING)->id, "STARTTLS-MISSING");
	ck_assert_str_eq(CHECK(TLS_1_3_UNSUPPORTED)->id, "TLS-1.3-UNSUPPORTED");
}
END_TEST

START_TEST(test_fields_present)
{
	size_t n;
	const struct check *all = catalog_all(&n);

	for (size_t i = 0; i < n; i++) {
		const struct check *c = &all[i];
		size_t tl;

		ck_assert_msg(c->severity >= SEV_INFO &&
		                  c->severity <= SEV_CRITICAL,
		              "%s: severity out of range", c->id);
		ck_assert_msg(c->title != NULL && c->title[0] != '\0',
		              "%s: no title", c->id);
		tl = strlen(c->title);
		ck_assert_msg(
		    c->title[tl - 1] != '.' && strchr(c->title, '\n') == NULL,
		    "%s: title must be one line without a period", c->id);
		ck_assert_msg(c->description != NULL &&
		                  strlen(c->description) >= 20,
		              "%s: no description", c->id);
		ck_assert_msg(nrefs(c) >= 1, "%s: no reference", c->id);
		/* NULL-terminated within the array */
		ck_assert_msg(nrefs(c) < CHECK_MAX_REFS,
		              "%s: refs not NULL-terminated", c->id);
		ck_assert_msg(c->issue == NULL || c->issue[0] != '\0',
		              "%s: empty issue", c->id);
	}
}
END_TEST

START_TEST(test_refs_verified_only)
{
	size_t n;
	const struct check *all = catalog_all(&n);

	for (size_t i = 0; i < n; i++) {
		for (size_t r = 0; r < nrefs(&all[i]); r++) {
			const char *ref = all[i].refs[r];

			ck_assert_msg(ref[0] != '\0', "%s: empty reference",
			              all[i].id);
			ck_assert_msg(strstr(ref, "unverified") == NULL &&
			                  strstr(ref, "Unverified") == NULL &&
			                  strchr(ref, '[') == NULL,
			              "%s: reference '%s' carries an "
			              "unverified mark",
			              all[i].id, ref);
			/* verification marks belong in checks.md only */
			ck_assert_msg(strstr(ref, "\xe2\x9c\x94") == NULL,
			              "%s: reference '%s' contains a check "
			              "mark",
			              all[i].id, ref);
		}
	}
}
END_TEST

START_TEST(test_core_ids)
{
	const char *id = core_ids[_i];
	const struct check *c = catalog_find(id);
	size_t k;

	ck_assert_msg(c != NULL, "core check %s missing", id);
	ck_assert_ptr_nonnull(c->issue);
	ck_assert_str_eq(c->issue, "core");
	for (k = 0; k < N_EXPECTED; k++)
		if (strcmp(expected[k].id, id) == 0)
			break;
	ck_assert_msg(k < N_EXPECTED, "%s not in checks.md table", id);
	ck_assert_int_eq(c->severity, expected[k].sev);
}
END_TEST

/* Nothing outside the core list claims to be implemented by core. */
START_TEST(test_only_listed_ids_are_core)
{
	size_t n, ncore = 0;
	const struct check *all = catalog_all(&n);

	for (size_t i = 0; i < n; i++) {
		bool listed = false;

		for (size_t k = 0; k < N_CORE; k++)
			if (strcmp(all[i].id, core_ids[k]) == 0)
				listed = true;
		if (all[i].issue != NULL && strcmp(all[i].issue, "core") == 0) {
			ck_assert_msg(listed, "%s marked core", all[i].id);
			ncore++;
		}
	}
	ck_assert_uint_eq(ncore, N_CORE);
}
END_TEST

START_TEST(test_explicit_severities)
{
	ck_assert_int_eq(catalog_find("STARTTLS-MISSING")->severity, SEV_HIGH);
	ck_assert_int_eq(catalog_find("CERT-EXPIRING-SOON")->severity,
	                 SEV_MEDIUM);
	ck_assert_int_eq(catalog_find("INFO-BANNER-DISCLOSURE")->severity,
	                 SEV_INFO);
	ck_assert_int_eq(catalog_find("SVC-CLEARTEXT-PORT-OPEN")->severity,
	                 SEV_INFO);
	ck_assert_int_eq(catalog_find("TLS-VERSION-SSL")->severity,
	                 SEV_CRITICAL);
	/* "medium (high <= 1024)": the first one is the default */
	ck_assert_int_eq(catalog_find("TLS-DH-WEAK")->severity, SEV_MEDIUM);
	ck_assert_int_eq(catalog_find("CLEARTEXT-AUTH-ALLOWED")->severity,
	                 SEV_MEDIUM);
}
END_TEST

START_TEST(test_find)
{
	size_t n;
	const struct check *all = catalog_all(&n);

	ck_assert_ptr_eq(catalog_find("SVC-CLEARTEXT-PORT-OPEN"), &all[0]);
	ck_assert_ptr_eq(catalog_find("DNS-SRV-IMPLICIT-TLS-MISSING"),
	                 &all[n - 1]);
	ck_assert_ptr_null(catalog_find("starttls-missing"));
	ck_assert_ptr_null(catalog_find("STARTTLS-MISSING "));
	ck_assert_ptr_null(catalog_find("STARTTLS"));
	ck_assert_ptr_null(catalog_find(""));
	ck_assert_ptr_null(catalog_find(NULL));
}
END_TEST

/* Well-known references keep the section numbers checks.md verified. */
START_TEST(test_some_refs)
{
	const struct check *c = catalog_find("STARTTLS-MISSING");
	bool rfc9051 = false, pci = false;

	for (size_t r = 0; r < nrefs(c); r++) {
		if (strstr(c->refs[r], "RFC 9051 §6.1.1") != NULL)
			rfc9051 = true;
		if (strstr(c->refs[r], "PCI DSS v4.0 Req. 4.2.1") != NULL)
			pci = true;
	}
	ck_assert(rfc9051 && pci);
	/* [section unverified] in checks.md: the document only */
	c = catalog_find("CERT-HOSTNAME-MISMATCH");
	for (size_t r = 0; r < nrefs(c); r++)
		if (strncmp(c->refs[r], "RFC 7817", 8) == 0)
			ck_assert_str_eq(c->refs[r], "RFC 7817");
}
END_TEST

static char *
print_to_string(bool all)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	catalog_print(f, all, false);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* Display columns per line (UTF-8 continuation bytes take none). */
static void
assert_width(const char *text, size_t max)
{
	size_t col = 0, line = 1;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n') {
			col = 0;
			line++;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			ck_assert_msg(++col <= max, "line %zu wider than %zu",
			              line, max);
		}
	}
}

START_TEST(test_print_implemented)
{
	char *out = print_to_string(false);

	ck_assert_ptr_nonnull(strstr(out, "STARTTLS-MISSING "));
	ck_assert_ptr_nonnull(strstr(out, "STARTTLS not offered on"));
	ck_assert_ptr_nonnull(strstr(out, "INFO-BANNER-DISCLOSURE "));
	ck_assert_ptr_nonnull(strstr(out, "TLS-VERSION-SSL "));
	ck_assert_ptr_nonnull(strstr(out, "DANE-TLSA-MISMATCH "));
	ck_assert_ptr_nonnull(strstr(out, "TLS-0RTT-ACCEPTED "));
	ck_assert_ptr_null(strstr(out, "STARTTLS-SESSION-FIXATION"));
	ck_assert_ptr_null(strstr(out, "not implemented"));
	for (size_t k = 0; k < N_CORE; k++) {
		const struct check *c = catalog_find(core_ids[k]);

		ck_assert_msg(strstr(out, c->id) != NULL, "%s missing", c->id);
		ck_assert_msg(strstr(out, c->refs[0]) != NULL,
		              "%s: first reference missing", c->id);
	}
	assert_width(out, 100);
	free(out);
}
END_TEST

START_TEST(test_print_all)
{
	char *out = print_to_string(true);
	const char *p, *q;
	size_t n, blocks = 0;
	const struct check *all = catalog_all(&n);

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strstr(out, all[i].id) != NULL, "%s missing",
		              all[i].id);
	/* the "ID  SEVERITY  Title" line, severity by name */
	p = strstr(out, "TLS-VERSION-SSL ");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "critical"));
	ck_assert(strstr(p, "critical") < strchr(p, '\n'));
	ck_assert_ptr_nonnull(strstr(out, "(not implemented yet)"));
	/* implemented ones carry no mark on their line */
	p = strstr(out, "STARTTLS-MISSING ");
	ck_assert_ptr_nonnull(p);
	q = strstr(p, "(not implemented");
	ck_assert(q == NULL || q > strchr(p, '\n'));
	/* blocks are separated by one empty line */
	for (p = out; (p = strstr(p, "\n\n")) != NULL; p += 2)
		blocks++;
	ck_assert_uint_eq(blocks + 1, n);
	assert_width(out, 100);
	free(out);
}
END_TEST

Suite *
catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_ids_in_checks_md_order);
	tcase_add_test(tc, test_ids_unique_and_well_formed);
	tcase_add_test(tc, test_def_matches_table);
	tcase_add_test(tc, test_fields_present);
	tcase_add_test(tc, test_refs_verified_only);
	tcase_add_loop_test(tc, test_core_ids, 0, (int)N_CORE);
	tcase_add_test(tc, test_only_listed_ids_are_core);
	tcase_add_test(tc, test_explicit_severities);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_some_refs);
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_test(tc, test_print_implemented);
	tcase_add_test(tc, test_print_all);
	suite_add_tcase(s, tc);
	return s;
}
