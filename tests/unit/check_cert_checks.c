/*
 * Certificate judgement from fabricated chain facts: exactly which CERT-*
 * findings each chain yields, with their severity. Covers trust
 * (self-signed, untrusted, incomplete), identity (probes/checks/hostname.c:
 * SAN, CN fallback, IP targets), validity (expired, not yet valid,
 * expiring soon with its two severities, clock skew), key sizes and
 * signature algorithms, and that a root sent along is ignored.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/cert_checks.h"
#include "probes/service.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *cert_checks_suite(void);

#define NOW  ((time_t)1750000000) /* 2025-06-15T15:06:40Z */
#define DAY  ((time_t)86400)
#define HOST "mail.example.org"

/* --- fabricated facts --- */

static struct cert_facts *
push_cert(struct endpoint_result *r, const char *subject, const char *issuer)
{
	struct chain_facts *ch = &r->tls.chain;
	struct cert_facts *c;

	ch->certs = xreallocarray(ch->certs, ch->ncerts + 1, sizeof(*c));
	c = &ch->certs[ch->ncerts++];
	memset(c, 0, sizeof(*c));
	strlist_init(&c->eku);
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	c->subject = xstrdup(subject);
	c->issuer = xstrdup(issuer);
	c->serial = xstrdup("01");
	c->sha256 = xstrdup("00");
	c->not_before = NOW - 30 * DAY;
	c->not_after = NOW + 90 * DAY;
	c->key_algorithm = xstrdup("RSA");
	c->key_bits = 2048;
	c->signature_algorithm = xstrdup("RSA-SHA256");
	c->self_issued = strcmp(subject, issuer) == 0;
	return c;
}

static struct cert_facts *
leaf(struct endpoint_result *r)
{
	return &r->tls.chain.certs[0];
}

static void
set_key(struct cert_facts *c, const char *alg, unsigned bits)
{
	free(c->key_algorithm);
	c->key_algorithm = xstrdup(alg);
	c->key_bits = bits;
}

static void
set_cn(struct cert_facts *c, const char *cn)
{
	free(c->common_name);
	c->common_name = cn ? xstrdup(cn) : NULL;
}

static void
set_host(struct endpoint_result *r, const char *host, bool is_ip)
{
	free(r->endpoint.host);
	r->endpoint.host = xstrdup(host);
	r->endpoint.host_is_ip = is_ip;
}

/* A trusted leaf for HOST issued by an intermediate; the intermediate's
 * issuer (the root) is not sent. */
static void
good_chain(struct endpoint_result *r)
{
	struct cert_facts *c;

	c = push_cert(r, "CN=" HOST, "CN=Example Issuing CA,O=Example");
	c->common_name = xstrdup(HOST);
	strlist_add(&c->dns_names, HOST);
	c = push_cert(r, "CN=Example Issuing CA,O=Example",
	              "CN=Example Root CA,O=Example");
	c->is_ca = true;
	c->not_after = NOW + 5 * 365 * DAY;
	set_key(c, "RSA", 4096);
	r->tls.chain.trusted = true;
}

static struct cert_facts *
send_root(struct endpoint_result *r)
{
	struct cert_facts *c = push_cert(r, "CN=Example Root CA,O=Example",
	                                 "CN=Example Root CA,O=Example");

	c->is_ca = true;
	c->self_signed = true;
	c->not_before = NOW - 10 * 365 * DAY;
	c->not_after = NOW + 10 * 365 * DAY;
	return c;
}

/* --- the cases: each builds on the good chain --- */

static void
m_none(struct endpoint_result *r)
{
	(void)r;
}

static void
m_with_root(struct endpoint_result *r)
{
	send_root(r);
}

static void
m_leaf_only(struct endpoint_result *r)
{
	struct chain_facts *ch = &r->tls.chain;

	cert_facts_free(&ch->certs[1]);
	ch->ncerts = 1;
}

static void
make_self_signed_leaf(struct endpoint_result *r)
{
	struct cert_facts *c;

	m_leaf_only(r);
	c = leaf(r);
	free(c->issuer);
	c->issuer = xstrdup(c->subject);
	c->self_issued = true;
	c->self_signed = true;
}

static void
m_self_signed(struct endpoint_result *r)
{
	make_self_signed_leaf(r);
	r->tls.chain.trusted = false;
	r->tls.chain.verify_text =
	    xstrdup("The certificate issuer is unknown.");
}

static void
m_self_signed_anchor(struct endpoint_result *r)
{
	make_self_signed_leaf(r);
	r->tls.chain.trusted = true;
	r->tls.chain.leaf_is_anchor = true;
}

static void
m_untrusted(struct endpoint_result *r)
{
	r->tls.chain.trusted = false;
	r->tls.chain.verify_text =
	    xstrdup("The certificate issuer is unknown.");
}

static void
m_untrusted_with_root(struct endpoint_result *r)
{
	send_root(r);
	r->tls.chain.trusted = false;
}

static void
m_incomplete(struct endpoint_result *r)
{
	m_leaf_only(r);
	r->tls.chain.needed_unsent_intermediates = true;
}

/* issue #12: the leaf alone, its issuer known nowhere */
static void
missing_intermediate(struct endpoint_result *r, bool aia)
{
	m_leaf_only(r);
	r->tls.chain.trusted = false;
	r->tls.chain.missing_issuer = xstrdup("CN=Example Intermediate CA");
	r->tls.chain.missing_issuer_key_id = xstrdup("0a1b2c");
	if (aia)
		r->tls.chain.aia_ca_issuers =
		    xstrdup("http://ca.example.net/int.der");
}

static void
m_missing_unfetched(struct endpoint_result *r)
{
	missing_intermediate(r, true);
}

static void
m_missing_no_aia(struct endpoint_result *r)
{
	missing_intermediate(r, false);
}

static void
m_missing_fetched_trusted(struct endpoint_result *r)
{
	missing_intermediate(r, true);
	r->tls.chain.trusted = true;
	r->tls.chain.needed_fetched_intermediates = true;
	r->tls.chain.aia_fetch =
	    xstrdup("http://ca.example.net/int.der: fetched an intermediate");
}

static void
m_missing_fetch_failed(struct endpoint_result *r)
{
	missing_intermediate(r, true);
	r->tls.chain.aia_fetch =
	    xstrdup("http://ca.example.net/int.der: HTTP status 404");
}

static void
m_missing_root(struct endpoint_result *r)
{
	missing_intermediate(r, true);
	r->tls.chain.missing_issuer_is_root = true;
}

static void
m_order_broken(struct endpoint_result *r)
{
	r->tls.chain.order_broken = true;
}

static void
m_mismatch(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	strlist_add(&leaf(r)->dns_names, "other.example.net");
	set_cn(leaf(r), "other.example.net");
}

static void
m_no_san_cn_match(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
}

static void
m_no_san_cn_mismatch(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	set_cn(leaf(r), "other.example.net");
}

static void
m_no_san_no_cn(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	set_cn(leaf(r), NULL);
}

static void
m_san_other_cn_match(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	strlist_add(&leaf(r)->dns_names, "imap.example.org");
}

static void
m_wildcard(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	strlist_add(&leaf(r)->dns_names, "imap.example.net");
	strlist_add(&leaf(r)->dns_names, "*.EXAMPLE.org");
}

static void
m_wildcard_too_deep(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	strlist_add(&leaf(r)->dns_names, "*.org");
	set_host(r, "a.mail.example.org", false);
}

static void
m_ip_san(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->ip_addresses, "192.0.2.10");
	set_host(r, "192.0.2.10", true);
}

static void
m_ip_only_dns(struct endpoint_result *r)
{
	set_host(r, "192.0.2.10", true);
}

static void
m_ip_only_ip_san(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	set_cn(leaf(r), NULL);
	strlist_add(&leaf(r)->ip_addresses, "2001:db8::10");
	set_host(r, "2001:DB8:0::10", true);
}

static void
m_ip_cn_only(struct endpoint_result *r)
{
	strlist_clear(&leaf(r)->dns_names);
	set_cn(leaf(r), "192.0.2.10");
	set_host(r, "192.0.2.10", true);
}

static void
m_expired(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW - 2 * DAY;
}

static void
m_expired_in_skew(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW - CERT_CLOCK_SKEW + 10;
}

static void
m_expired_past_skew(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW - CERT_CLOCK_SKEW - 10;
}

static void
m_expired_intermediate(struct endpoint_result *r)
{
	r->tls.chain.certs[1].not_after = NOW - 3 * DAY;
}

static void
m_expired_root(struct endpoint_result *r)
{
	send_root(r)->not_after = NOW - 300 * DAY;
}

static void
m_not_yet_valid(struct endpoint_result *r)
{
	leaf(r)->not_before = NOW + 2 * DAY;
}

static void
m_not_yet_valid_in_skew(struct endpoint_result *r)
{
	leaf(r)->not_before = NOW + CERT_CLOCK_SKEW - 10;
}

static void
m_not_yet_valid_intermediate(struct endpoint_result *r)
{
	r->tls.chain.certs[1].not_before = NOW + 7 * DAY;
}

static void
m_expiring_10(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW + 10 * DAY;
}

static void
m_expiring_14(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW + 14 * DAY;
}

static void
m_expiring_20(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW + 20 * DAY;
}

static void
m_expiring_30(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW + 30 * DAY;
}

static void
m_expiring_40(struct endpoint_result *r)
{
	leaf(r)->not_after = NOW + 40 * DAY;
}

static void
m_expiring_intermediate(struct endpoint_result *r)
{
	/* only the leaf's expiry is an early warning */
	r->tls.chain.certs[1].not_after = NOW + 5 * DAY;
}

static void
m_rsa_1024(struct endpoint_result *r)
{
	set_key(leaf(r), "RSA", 1024);
}

static void
m_rsa_2047(struct endpoint_result *r)
{
	set_key(leaf(r), "RSA", 2047);
}

static void
m_rsa_1024_intermediate(struct endpoint_result *r)
{
	set_key(&r->tls.chain.certs[1], "RSA", 1024);
}

static void
m_rsa_1024_root(struct endpoint_result *r)
{
	set_key(send_root(r), "RSA", 1024);
}

static void
m_dsa_1024(struct endpoint_result *r)
{
	set_key(leaf(r), "DSA", 1024);
}

static void
m_ec_224(struct endpoint_result *r)
{
	set_key(leaf(r), "EC/ECDSA", 224);
	leaf(r)->curve = xstrdup("SECP224R1");
}

static void
m_ec_256(struct endpoint_result *r)
{
	set_key(leaf(r), "EC/ECDSA", 256);
	leaf(r)->curve = xstrdup("SECP256R1");
}

static void
m_ec_384(struct endpoint_result *r)
{
	set_key(leaf(r), "EC/ECDSA", 384);
}

static void
m_ed25519(struct endpoint_result *r)
{
	set_key(leaf(r), "EdDSA (Ed25519)", 256);
}

static void
m_key_unknown(struct endpoint_result *r)
{
	set_key(leaf(r), "unknown", 0);
}

static void
m_sig_weak_leaf(struct endpoint_result *r)
{
	leaf(r)->signature_weak = true;
	free(leaf(r)->signature_algorithm);
	leaf(r)->signature_algorithm = xstrdup("RSA-SHA1");
}

static void
m_sig_weak_intermediate(struct endpoint_result *r)
{
	r->tls.chain.certs[1].signature_weak = true;
}

static void
m_sig_weak_root(struct endpoint_result *r)
{
	struct cert_facts *root = send_root(r);

	root->signature_weak = true;
	free(root->signature_algorithm);
	root->signature_algorithm = xstrdup("RSA-MD5");
}

static void
m_self_signed_everything_wrong(struct endpoint_result *r)
{
	m_self_signed(r);
	m_mismatch(r);
	m_expired(r);
	m_rsa_1024(r);
	m_sig_weak_leaf(r);
}

static void
m_empty_chain(struct endpoint_result *r)
{
	struct chain_facts *ch = &r->tls.chain;

	chain_facts_free(ch);
}

static void
set_suite(struct endpoint_result *r, const char *suite)
{
	free(r->tls.cipher_suite);
	r->tls.cipher_suite = xstrdup(suite);
}

static void
m_eku_client_only(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->eku, "1.3.6.1.5.5.7.3.2");
}

static void
m_eku_server_and_client(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->eku, EKU_SERVER_AUTH);
	strlist_add(&leaf(r)->eku, "1.3.6.1.5.5.7.3.2");
}

static void
m_eku_any(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->eku, "1.3.6.1.5.5.7.3.4");
	strlist_add(&leaf(r)->eku, EKU_ANY);
}

static void
m_eku_unknown_oid(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->eku, "1.2.3.4.5");
}

static void
m_ku_encipher_only_ecdhe(struct endpoint_result *r)
{
	leaf(r)->key_usage_present = true;
	leaf(r)->key_usage = KU_KEY_ENCIPHERMENT;
	set_suite(r, "TLS_ECDHE_RSA_AES_128_GCM_SHA256");
}

static void
m_ku_signature_only_rsa_kx(struct endpoint_result *r)
{
	leaf(r)->key_usage_present = true;
	leaf(r)->key_usage = KU_DIGITAL_SIGNATURE;
	set_suite(r, "TLS_RSA_AES_128_GCM_SHA256");
}

static void
m_ku_signature_tls13(struct endpoint_result *r)
{
	leaf(r)->key_usage_present = true;
	leaf(r)->key_usage = KU_DIGITAL_SIGNATURE;
	set_suite(r, "TLS_AES_128_GCM_SHA256");
}

static void
m_ku_absent(struct endpoint_result *r)
{
	set_suite(r, "TLS_RSA_AES_128_GCM_SHA256");
}

static void
m_leaf_is_ca(struct endpoint_result *r)
{
	leaf(r)->is_ca = true;
}

static void
m_self_signed_ca_leaf(struct endpoint_result *r)
{
	m_self_signed(r);
	leaf(r)->is_ca = true;
}

static void
m_internal_suffix(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->dns_names, "mail01.corp.local");
}

static void
m_internal_single_label(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->dns_names, "mail");
}

static void
m_internal_trailing_dot(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->dns_names, "imap.Example.LocalDomain.");
}

static void
m_internal_wildcard(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->dns_names, "*.internal");
}

static void
m_internal_rfc1918(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->ip_addresses, "172.20.0.5");
}

static void
m_internal_ula(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->ip_addresses, "fd12:3456::1");
}

static void
m_internal_cn(struct endpoint_result *r)
{
	set_cn(leaf(r), "mailhost");
}

static void
m_public_names(struct endpoint_result *r)
{
	strlist_add(&leaf(r)->dns_names, "corp.example.com");
	strlist_add(&leaf(r)->dns_names, "mail.local-example.org");
	strlist_add(&leaf(r)->ip_addresses, "172.32.0.1");
	strlist_add(&leaf(r)->ip_addresses, "192.0.2.7");
	strlist_add(&leaf(r)->ip_addresses, "fc::1");
	set_cn(leaf(r), "Example Mail Service");
}

static void
staple(struct endpoint_result *r, const char *status, bool matches,
       bool signed_ok)
{
	struct ocsp_facts *oc = &r->tls.ocsp;

	oc->present = true;
	oc->status = xstrdup(status);
	oc->matches_leaf = matches;
	oc->signature_valid = signed_ok;
	if (strcmp(status, "revoked") == 0) {
		oc->revoked_at = NOW - 2 * DAY;
		oc->reason = xstrdup("keyCompromise");
	}
}

static void
m_ocsp_revoked(struct endpoint_result *r)
{
	staple(r, "revoked", true, true);
}

static void
m_ocsp_revoked_unsigned(struct endpoint_result *r)
{
	staple(r, "revoked", true, false);
}

static void
m_ocsp_revoked_other_cert(struct endpoint_result *r)
{
	staple(r, "revoked", false, true);
}

static void
m_ocsp_good(struct endpoint_result *r)
{
	staple(r, "good", true, true);
}

/* A publicly-trusted leaf issued at from, valid for days (+ extra s). */
static void
lifetime(struct endpoint_result *r, time_t from, long days, long extra)
{
	r->tls.chain.publicly_trusted = true;
	leaf(r)->not_before = from;
	leaf(r)->not_after = from + days * DAY + extra;
}

#define Y2025_05_16 ((time_t)1747353600)
#define Y2026_04_01 ((time_t)1775001600)
#define Y2029_04_01 ((time_t)1869696000)
#define Y2019_06_01 ((time_t)1559347200)

static void
m_life_399(struct endpoint_result *r)
{
	lifetime(r, Y2025_05_16, 399, 0);
}

static void
m_life_398(struct endpoint_result *r)
{
	lifetime(r, Y2025_05_16, 398, -1);
}

static void
m_life_private(struct endpoint_result *r)
{
	lifetime(r, Y2025_05_16, 5 * 365, 0);
	r->tls.chain.publicly_trusted = false;
}

static void
m_life_sc081_200(struct endpoint_result *r)
{
	lifetime(r, Y2026_04_01, 200, -1);
}

static void
m_life_sc081_201(struct endpoint_result *r)
{
	lifetime(r, Y2026_04_01, 201, 0);
}

static void
m_life_sc081_47(struct endpoint_result *r)
{
	lifetime(r, Y2029_04_01, 48, 0);
}

static void
m_life_old_825(struct endpoint_result *r)
{
	lifetime(r, Y2019_06_01, 800, 0);
}

#define MAXF 6

static const struct {
	const char *name;
	void (*mutate)(struct endpoint_result *r);
	struct {
		const char *id;
		enum severity sev;
	} want[MAXF];
	const char *evidence; /* substring of some finding's evidence */
} cases[] = {
    {"trusted good chain", m_none, {{NULL}}, NULL},
    {"trusted chain with its root sent", m_with_root, {{NULL}}, NULL},
    {"trusted leaf alone", m_leaf_only, {{NULL}}, NULL},
    {"self-signed leaf, not an anchor",
     m_self_signed,
     {{"CERT-SELF-SIGNED", SEV_HIGH}},
     "CN=" HOST},
    {"self-signed leaf in the trust store",
     m_self_signed_anchor,
     {{NULL}},
     NULL},
    {"untrusted chain",
     m_untrusted,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH}},
     "did not send"},
    {"untrusted chain with a root sent",
     m_untrusted_with_root,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH}},
     "CN=Example Root CA"},
    {"path needs an unsent intermediate",
     m_incomplete,
     {{"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "--ca-file"},
    {"missing intermediate, not fetched",
     m_missing_unfetched,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH},
      {"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "--fetch-aia would fetch"},
    {"missing intermediate named with its key id",
     m_missing_unfetched,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH},
      {"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "CN=Example Intermediate CA (key id 0a1b2c)"},
    {"missing intermediate without AIA",
     m_missing_no_aia,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH},
      {"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "no AIA caIssuers URL"},
    {"missing intermediate fetched: trusted but incomplete",
     m_missing_fetched_trusted,
     {{"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "the path reaches a trust anchor"},
    {"missing intermediate, fetch failed",
     m_missing_fetch_failed,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH},
      {"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "HTTP status 404"},
    {"leaf issued by an unknown root",
     m_missing_root,
     {{"CERT-CHAIN-UNTRUSTED", SEV_HIGH}},
     "did not send"},
    {"chain out of order",
     m_order_broken,
     {{"CERT-CHAIN-INCOMPLETE", SEV_MEDIUM}},
     "order"},
    {"hostname mismatch",
     m_mismatch,
     {{"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     "DNS:other.example.net"},
    {"no SAN, CN matches",
     m_no_san_cn_match,
     {{"CERT-NO-SAN", SEV_MEDIUM}},
     "CN=" HOST},
    {"no SAN, CN differs",
     m_no_san_cn_mismatch,
     {{"CERT-NO-SAN", SEV_MEDIUM}, {"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     "CN=other.example.net"},
    {"no SAN, no CN",
     m_no_san_no_cn,
     {{"CERT-NO-SAN", SEV_MEDIUM}, {"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     "(none)"},
    {"SAN rules out a matching CN",
     m_san_other_cn_match,
     {{"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     "DNS:imap.example.org"},
    {"wildcard SAN", m_wildcard, {{NULL}}, NULL},
    {"wildcard one label only",
     m_wildcard_too_deep,
     {{"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     "a.mail.example.org"},
    {"IP target, IP SAN", m_ip_san, {{NULL}}, NULL},
    {"IP target, DNS SAN only",
     m_ip_only_dns,
     {{"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     "192.0.2.10"},
    {"IPv6 target, IP SAN only", m_ip_only_ip_san, {{NULL}}, NULL},
    {"IP target, IP in the CN only",
     m_ip_cn_only,
     {{"CERT-NO-SAN", SEV_MEDIUM}, {"CERT-HOSTNAME-MISMATCH", SEV_HIGH}},
     NULL},
    {"expired leaf", m_expired, {{"CERT-EXPIRED", SEV_HIGH}}, "leaf"},
    {"expired within the clock skew",
     m_expired_in_skew,
     {{"CERT-EXPIRING-SOON", SEV_MEDIUM}},
     NULL},
    {"expired just past the clock skew",
     m_expired_past_skew,
     {{"CERT-EXPIRED", SEV_HIGH}},
     NULL},
    {"expired intermediate",
     m_expired_intermediate,
     {{"CERT-EXPIRED", SEV_HIGH}},
     "chain certificate CN=Example Issuing CA"},
    {"expired root sent along", m_expired_root, {{NULL}}, NULL},
    {"not yet valid leaf",
     m_not_yet_valid,
     {{"CERT-NOT-YET-VALID", SEV_HIGH}},
     "leaf"},
    {"not yet valid within the clock skew",
     m_not_yet_valid_in_skew,
     {{NULL}},
     NULL},
    {"not yet valid intermediate",
     m_not_yet_valid_intermediate,
     {{"CERT-NOT-YET-VALID", SEV_HIGH}},
     "chain certificate"},
    {"expiring in 10 days",
     m_expiring_10,
     {{"CERT-EXPIRING-SOON", SEV_MEDIUM}},
     "in 10.0 days"},
    {"expiring in 14 days",
     m_expiring_14,
     {{"CERT-EXPIRING-SOON", SEV_LOW}},
     NULL},
    {"expiring in 20 days",
     m_expiring_20,
     {{"CERT-EXPIRING-SOON", SEV_LOW}},
     "in 20.0 days"},
    {"expiring in 30 days", m_expiring_30, {{NULL}}, NULL},
    {"expiring in 40 days", m_expiring_40, {{NULL}}, NULL},
    {"intermediate expiring soon", m_expiring_intermediate, {{NULL}}, NULL},
    {"RSA 1024 leaf", m_rsa_1024, {{"CERT-KEY-WEAK", SEV_HIGH}}, "1024-bit"},
    {"RSA 2047 leaf", m_rsa_2047, {{"CERT-KEY-WEAK", SEV_HIGH}}, NULL},
    {"RSA 1024 intermediate",
     m_rsa_1024_intermediate,
     {{"CERT-KEY-WEAK", SEV_HIGH}},
     "chain certificate"},
    {"RSA 1024 root sent along", m_rsa_1024_root, {{NULL}}, NULL},
    {"DSA 1024 leaf", m_dsa_1024, {{"CERT-KEY-WEAK", SEV_HIGH}}, NULL},
    {"EC 224 leaf", m_ec_224, {{"CERT-KEY-WEAK", SEV_HIGH}}, "224-bit"},
    {"EC 256 leaf", m_ec_256, {{NULL}}, NULL},
    {"EC 384 leaf", m_ec_384, {{NULL}}, NULL},
    {"Ed25519 leaf", m_ed25519, {{NULL}}, NULL},
    {"unknown key size", m_key_unknown, {{NULL}}, NULL},
    {"SHA-1 signature on the leaf",
     m_sig_weak_leaf,
     {{"CERT-SIGNATURE-WEAK", SEV_HIGH}},
     "RSA-SHA1"},
    {"weak signature on the intermediate",
     m_sig_weak_intermediate,
     {{"CERT-SIGNATURE-WEAK", SEV_HIGH}},
     "chain certificate"},
    {"MD5 signature on a root sent along", m_sig_weak_root, {{NULL}}, NULL},
    {"self-signed, wrong name, expired, weak",
     m_self_signed_everything_wrong,
     {{"CERT-SELF-SIGNED", SEV_HIGH},
      {"CERT-HOSTNAME-MISMATCH", SEV_HIGH},
      {"CERT-EXPIRED", SEV_HIGH},
      {"CERT-KEY-WEAK", SEV_HIGH},
      {"CERT-SIGNATURE-WEAK", SEV_HIGH}},
     NULL},
    {"no certificate", m_empty_chain, {{NULL}}, NULL},
    {"EKU clientAuth only",
     m_eku_client_only,
     {{"CERT-EKU-INVALID", SEV_MEDIUM}},
     "clientAuth, without serverAuth"},
    {"EKU serverAuth and clientAuth", m_eku_server_and_client, {{NULL}}, NULL},
    {"EKU anyExtendedKeyUsage", m_eku_any, {{NULL}}, NULL},
    {"EKU unknown purpose",
     m_eku_unknown_oid,
     {{"CERT-EKU-INVALID", SEV_MEDIUM}},
     "1.2.3.4.5"},
    {"keyUsage without digitalSignature under ECDHE",
     m_ku_encipher_only_ecdhe,
     {{"CERT-EKU-INVALID", SEV_MEDIUM}},
     "lacks digitalSignature"},
    {"keyUsage without keyEncipherment under RSA key transport",
     m_ku_signature_only_rsa_kx,
     {{"CERT-EKU-INVALID", SEV_MEDIUM}},
     "lacks keyEncipherment"},
    {"keyUsage digitalSignature under TLS 1.3",
     m_ku_signature_tls13,
     {{NULL}},
     NULL},
    {"no keyUsage extension", m_ku_absent, {{NULL}}, NULL},
    {"leaf marked CA",
     m_leaf_is_ca,
     {{"CERT-EKU-INVALID", SEV_MEDIUM}},
     "CA:TRUE"},
    {"self-signed CA leaf",
     m_self_signed_ca_leaf,
     {{"CERT-SELF-SIGNED", SEV_HIGH}},
     NULL},
    {".local name",
     m_internal_suffix,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "DNS:mail01.corp.local"},
    {"single-label name",
     m_internal_single_label,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "DNS:mail"},
    {"internal name with a trailing dot",
     m_internal_trailing_dot,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "LocalDomain"},
    {"wildcard under .internal",
     m_internal_wildcard,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "*.internal"},
    {"RFC 1918 address",
     m_internal_rfc1918,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "IP:172.20.0.5"},
    {"unique-local IPv6 address",
     m_internal_ula,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "IP:fd12:3456::1"},
    {"single-label CN",
     m_internal_cn,
     {{"CERT-INTERNAL-NAME", SEV_LOW}},
     "CN=mailhost"},
    {"public names and addresses", m_public_names, {{NULL}}, NULL},
    {"stapled OCSP: revoked",
     m_ocsp_revoked,
     {{"CERT-REVOKED", SEV_HIGH}},
     "revoked at 2025-06-13T15:06:40Z, reason keyCompromise"},
    {"stapled OCSP: revoked, signature not verified",
     m_ocsp_revoked_unsigned,
     {{NULL}},
     NULL},
    {"stapled OCSP: revoked, another certificate",
     m_ocsp_revoked_other_cert,
     {{NULL}},
     NULL},
    {"stapled OCSP: good", m_ocsp_good, {{NULL}}, NULL},
    {"public leaf valid 399 days",
     m_life_399,
     {{"CERT-VALIDITY-TOO-LONG", SEV_LOW}},
     "valid for 399 days (2025-05-16T00:00:00Z to "},
    {"public leaf valid 398 days", m_life_398, {{NULL}}, NULL},
    {"private leaf valid five years", m_life_private, {{NULL}}, NULL},
    {"public leaf from 2026-04 valid 200 days",
     m_life_sc081_200,
     {{"CERT-NOT-YET-VALID", SEV_HIGH}},
     NULL},
    {"public leaf from 2026-04 valid 201 days",
     m_life_sc081_201,
     {{"CERT-VALIDITY-TOO-LONG", SEV_LOW}, {"CERT-NOT-YET-VALID", SEV_HIGH}},
     "200 days at most"},
    {"public leaf from 2029-04 valid 48 days",
     m_life_sc081_47,
     {{"CERT-VALIDITY-TOO-LONG", SEV_LOW}, {"CERT-NOT-YET-VALID", SEV_HIGH}},
     "47 days at most"},
    {"public leaf from 2019 valid 800 days",
     m_life_old_825,
     {{"CERT-EXPIRED", SEV_HIGH}},
     NULL},
};

static void
init_result(struct endpoint_result *r)
{
	endpoint_result_init(r);
	r->endpoint.host = xstrdup(HOST);
	r->endpoint.address = xstrdup("192.0.2.10");
	r->endpoint.port = 993;
	r->endpoint.service = service_by_name("imaps");
	ck_assert_ptr_nonnull(r->endpoint.service);
	r->tls.handshake_done = true;
}

START_TEST(test_judge)
{
	struct endpoint_result r;
	size_t nwant = 0;
	char got[512] = "";
	bool evidence_found;

	init_result(&r);
	good_chain(&r);
	cases[_i].mutate(&r);
	cert_checks_judge(&r, NOW);

	for (size_t i = 0; i < r.nfindings; i++) {
		size_t o = strlen(got);

		snprintf(got + o, sizeof(got) - o, " %s(%s)",
		         r.findings[i].check->id,
		         severity_name(r.findings[i].severity));
	}
	while (nwant < MAXF && cases[_i].want[nwant].id)
		nwant++;
	ck_assert_msg(r.nfindings == nwant, "%s: got%s, want %zu finding(s)",
	              cases[_i].name, got, nwant);
	for (size_t k = 0; k < nwant; k++) {
		bool found = false;

		for (size_t i = 0; i < r.nfindings; i++) {
			if (strcmp(r.findings[i].check->id,
			           cases[_i].want[k].id) != 0)
				continue;
			found = true;
			ck_assert_msg(r.findings[i].severity ==
			                  cases[_i].want[k].sev,
			              "%s: %s has severity %s, want %s",
			              cases[_i].name, cases[_i].want[k].id,
			              severity_name(r.findings[i].severity),
			              severity_name(cases[_i].want[k].sev));
			ck_assert_ptr_nonnull(r.findings[i].evidence);
			ck_assert(r.findings[i].evidence[0] != '\0');
		}
		ck_assert_msg(found, "%s: no %s (got%s)", cases[_i].name,
		              cases[_i].want[k].id, got);
		ck_assert(result_has_finding(&r, cases[_i].want[k].id));
	}
	evidence_found = cases[_i].evidence == NULL;
	for (size_t i = 0; i < r.nfindings && !evidence_found; i++)
		evidence_found =
		    strstr(r.findings[i].evidence, cases[_i].evidence) != NULL;
	ck_assert_msg(evidence_found, "%s: no evidence mentions '%s'",
	              cases[_i].name, cases[_i].evidence);
	endpoint_result_free(&r);
}
END_TEST

/* Judging twice (STARTTLS after an implicit pass, say) does not
 * duplicate findings: one finding per check, evidence merged. */
START_TEST(test_judge_twice)
{
	struct endpoint_result r;

	init_result(&r);
	good_chain(&r);
	m_mismatch(&r);
	m_expiring_10(&r);
	cert_checks_judge(&r, NOW);
	cert_checks_judge(&r, NOW);
	ck_assert_uint_eq(r.nfindings, 2);
	/* a later, calmer judgement keeps the worse severity */
	cert_checks_judge(&r, NOW - 10 * DAY);
	ck_assert_uint_eq(r.nfindings, 2);
	for (size_t i = 0; i < r.nfindings; i++)
		if (strcmp(r.findings[i].check->id, "CERT-EXPIRING-SOON") == 0)
			ck_assert_int_eq(r.findings[i].severity, SEV_MEDIUM);
	endpoint_result_free(&r);
}
END_TEST

/* A selected profile's 3000-bit floor: medium for RSA/DSA from 2048 to
 * 2999 bits, nothing for EC keys, a root sent along or a 0 floor. */
START_TEST(test_strict_key_bits)
{
	struct endpoint_result r;

	init_result(&r);
	good_chain(&r); /* RSA-2048 leaf, RSA-4096 intermediate */
	cert_checks_judge_strict(&r, 0);
	ck_assert_uint_eq(r.nfindings, 0);
	cert_checks_judge_strict(&r, 3000);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_str_eq(r.findings[0].check->id, "CERT-KEY-WEAK");
	ck_assert_int_eq(r.findings[0].severity, SEV_MEDIUM);
	ck_assert_ptr_nonnull(strstr(r.findings[0].evidence,
	                             "leaf CN=" HOST " has a 2048-bit RSA key, "
	                             "below the 3000 bits"));
	endpoint_result_free(&r);

	init_result(&r);
	good_chain(&r);
	set_key(leaf(&r), "EC/ECDSA", 256);
	send_root(&r); /* RSA-2048 root: an anchor, not judged */
	cert_checks_judge_strict(&r, 3000);
	ck_assert_uint_eq(r.nfindings, 0);
	endpoint_result_free(&r);

	/* below 2048 is the catalog's high finding, not the profile's */
	init_result(&r);
	good_chain(&r);
	set_key(leaf(&r), "RSA", 1024);
	cert_checks_judge(&r, NOW);
	cert_checks_judge_strict(&r, 3000);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_int_eq(r.findings[0].severity, SEV_HIGH);
	endpoint_result_free(&r);
}
END_TEST

/* The expiry thresholds are the catalog's and the header's. */
START_TEST(test_thresholds)
{
	const struct check *c = catalog_find("CERT-EXPIRING-SOON");

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->severity, SEV_MEDIUM);
	ck_assert_int_eq(CERT_EXPIRY_URGENT_DAYS, 14);
	ck_assert_int_eq(CERT_EXPIRY_WARN_DAYS, 30);
	ck_assert_int_eq(CERT_MIN_RSA_BITS, 2048);
	ck_assert_int_eq(CERT_MIN_EC_BITS, 256);
}
END_TEST

Suite *
cert_checks_suite(void)
{
	Suite *s = suite_create("cert_checks");
	TCase *tc = tcase_create("judge");

	tcase_add_loop_test(tc, test_judge, 0,
	                    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_judge_twice);
	tcase_add_test(tc, test_thresholds);
	tcase_add_test(tc, test_strict_key_bits);
	suite_add_tcase(s, tc);
	return s;
}
