/* CERT-* findings from certificate facts. */
#include "probes/checks/catalog.h"
#include "probes/checks/cert_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probes/checks/hostname.h"
#include "scanner/core/xalloc.h"

static void
format_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "DNS:a, DNS:b, IP:1.2.3.4, CN=x" for evidence. */
static char *
names_of(const struct cert_facts *c)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < c->dns_names.n; i++) {
		char *n = xasprintf("%s%sDNS:%s", s, *s ? ", " : "",
		                    c->dns_names.items[i]);
		free(s);
		s = n;
	}
	for (size_t i = 0; i < c->ip_addresses.n; i++) {
		char *n = xasprintf("%s%sIP:%s", s, *s ? ", " : "",
		                    c->ip_addresses.items[i]);
		free(s);
		s = n;
	}
	if (c->common_name) {
		char *n =
		    xasprintf("%s%sCN=%s", s, *s ? ", " : "", c->common_name);
		free(s);
		s = n;
	}
	return s;
}

/* A self-signed certificate after the leaf is a trust anchor sent along;
 * its own validity and self-signature are not the chain's problem. */
static bool
is_sent_anchor(const struct chain_facts *ch, size_t i)
{
	return i > 0 && ch->certs[i].self_signed;
}

static const char *
position(size_t i)
{
	return i == 0 ? "leaf" : "chain certificate";
}

/* Issue #12: the server left out an intermediate (not a root: that
 * would be an unknown anchor, which CERT-CHAIN-UNTRUSTED says). */
static bool
intermediate_missing(const struct chain_facts *ch)
{
	return ch->missing_issuer && !ch->missing_issuer_is_root;
}

static void
judge_missing_issuer(struct endpoint_result *r, const struct chain_facts *ch)
{
	result_add_findingf(
	    r, CHECK(CERT_CHAIN_INCOMPLETE),
	    "the server sent %zu certificate(s) without the issuer of the "
	    "last one, %s (key id %s), which neither the trust store nor "
	    "--ca-file holds; %s%s%s",
	    ch->ncerts, ch->missing_issuer,
	    ch->missing_issuer_key_id ? ch->missing_issuer_key_id : "unknown",
	    ch->aia_ca_issuers ? "AIA caIssuers " : "no AIA caIssuers URL",
	    ch->aia_ca_issuers ? ch->aia_ca_issuers : "",
	    ch->needed_fetched_intermediates
	        ? "; fetched from there, the path reaches a trust anchor"
	        : "");
}

/* Where an untrusted chain's evidence points when an intermediate is
 * missing: what --fetch-aia found, or that it was not asked to look. */
static const char *
fetch_hint(const struct chain_facts *ch, char *buf, size_t n)
{
	if (!intermediate_missing(ch))
		return "";
	if (ch->aia_fetch)
		snprintf(buf, n, "; --fetch-aia: %s", ch->aia_fetch);
	else if (ch->aia_ca_issuers)
		snprintf(buf, n,
		         "; --fetch-aia would fetch the missing issuer from "
		         "its AIA caIssuers URL");
	else
		snprintf(buf, n,
		         "; it has no AIA caIssuers URL to fetch it "
		         "from");
	return buf;
}

static void
judge_trust(struct endpoint_result *r, const struct chain_facts *ch)
{
	const struct cert_facts *leaf = &ch->certs[0];
	char hint[1200];

	if (leaf->self_signed && !ch->leaf_is_anchor) {
		result_add_findingf(r, CHECK(CERT_SELF_SIGNED),
		                    "self-signed leaf, not in the trust store: "
		                    "%s",
		                    leaf->subject ? leaf->subject : "?");
		return;
	}
	if (!ch->trusted) {
		const struct cert_facts *last = &ch->certs[ch->ncerts - 1];

		if (ch->nsent > ch->ncerts)
			result_add_findingf(
			    r, CHECK(CERT_CHAIN_UNTRUSTED),
			    "no path to a trust anchor within the first %zu of "
			    "the %zu certificates sent (%s)",
			    ch->ncerts, ch->nsent,
			    ch->verify_text ? ch->verify_text
			                    : "verification failed");
		else
			result_add_findingf(
			    r, CHECK(CERT_CHAIN_UNTRUSTED),
			    "no path to a trust anchor (%s); last certificate "
			    "sent was issued by %s%s%s",
			    ch->verify_text ? ch->verify_text
			                    : "verification failed",
			    last->issuer ? last->issuer : "?",
			    last->self_issued
			        ? ""
			        : ", which the server did not send and the "
			          "trust store does not know",
			    fetch_hint(ch, hint, sizeof(hint)));
	}
	if (intermediate_missing(ch))
		judge_missing_issuer(r, ch);
	if (ch->needed_unsent_intermediates)
		result_add_findingf(
		    r, CHECK(CERT_CHAIN_INCOMPLETE),
		    "the server sent %zu certificate(s); the "
		    "path to the anchor needs the issuer of %s, "
		    "which was found only in --ca-file",
		    ch->ncerts,
		    ch->certs[ch->ncerts - 1].subject
		        ? ch->certs[ch->ncerts - 1].subject
		        : "?");
	if (ch->order_broken)
		result_add_findingf(r, CHECK(CERT_CHAIN_INCOMPLETE),
		                    "certificates are not in issuing order");
}

static void
judge_identity(struct endpoint_result *r, const struct cert_facts *leaf)
{
	const struct endpoint *ep = &r->endpoint;
	enum hostname_verdict v =
	    hostname_check(leaf, ep->host, ep->host_is_ip);
	char *names = names_of(leaf);

	if (v == HOSTNAME_MISMATCH)
		result_add_findingf(r, CHECK(CERT_HOSTNAME_MISMATCH),
		                    "scanned name %s; certificate names: %s",
		                    ep->host, *names ? names : "(none)");
	if (leaf->dns_names.n == 0 && leaf->ip_addresses.n == 0)
		result_add_findingf(r, CHECK(CERT_NO_SAN),
		                    "leaf has no subjectAltName; identity only "
		                    "in the subject (%s)",
		                    leaf->subject ? leaf->subject : "empty");
	free(names);
}

static void
judge_validity(struct endpoint_result *r, const struct chain_facts *ch,
               time_t now)
{
	char when[32];

	for (size_t i = 0; i < ch->ncerts; i++) {
		const struct cert_facts *c = &ch->certs[i];

		if (is_sent_anchor(ch, i))
			continue;
		if (c->not_after < now - CERT_CLOCK_SKEW) {
			format_time(c->not_after, when, sizeof(when));
			result_add_findingf(
			    r, CHECK(CERT_EXPIRED), "%s %s expired %s",
			    position(i), c->subject ? c->subject : "?", when);
		}
		if (c->not_before > now + CERT_CLOCK_SKEW) {
			format_time(c->not_before, when, sizeof(when));
			result_add_findingf(
			    r, CHECK(CERT_NOT_YET_VALID),
			    "%s %s is valid only from %s", position(i),
			    c->subject ? c->subject : "?", when);
		}
	}
	if (ch->certs[0].not_after >= now - CERT_CLOCK_SKEW) {
		double days = difftime(ch->certs[0].not_after, now) / 86400.0;

		format_time(ch->certs[0].not_after, when, sizeof(when));
		if (days < CERT_EXPIRY_URGENT_DAYS)
			result_add_finding_sev(
			    r, CHECK(CERT_EXPIRING_SOON), SEV_MEDIUM,
			    "leaf expires %s (in %.1f days)", when, days);
		else if (days < CERT_EXPIRY_WARN_DAYS)
			result_add_finding_sev(
			    r, CHECK(CERT_EXPIRING_SOON), SEV_LOW,
			    "leaf expires %s (in %.1f days)", when, days);
	}
}

/* The longest validity the CA/Browser Forum Baseline Requirements allow a
 * certificate issued at t, in days: 398 from 2020-09-01, then ballot
 * SC-081's steps. Older certificates had 825. */
static unsigned
max_validity_days(time_t issued)
{
	static const struct {
		time_t from;
		unsigned days;
	} steps[] = {
	    {1868227200, 47},  /* 2029-03-15 */
	    {1805068800, 100}, /* 2027-03-15 */
	    {1773532800, 200}, /* 2026-03-15 */
	    {1598918400, 398}, /* 2020-09-01 */
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (issued >= steps[i].from)
			return steps[i].days;
	return 825;
}

/* Only publicly-trusted leaves are bound by the CA/B Forum limits; a
 * private CA may issue what it likes. */
static void
judge_lifetime(struct endpoint_result *r, const struct chain_facts *ch)
{
	const struct cert_facts *leaf = &ch->certs[0];
	unsigned limit = max_validity_days(leaf->not_before);
	/* RFC 5280 §4.1.2.5: the validity period includes both ends */
	double days =
	    (difftime(leaf->not_after, leaf->not_before) + 1) / 86400.0;
	char from[32], until[32];

	if (!ch->publicly_trusted || leaf->not_after <= leaf->not_before ||
	    days <= limit)
		return;
	format_time(leaf->not_before, from, sizeof(from));
	format_time(leaf->not_after, until, sizeof(until));
	result_add_findingf(r, CHECK(CERT_VALIDITY_TOO_LONG),
	                    "leaf valid for %.0f days (%s to %s); a "
	                    "certificate issued then may be valid for %u "
	                    "days at most",
	                    days, from, until, limit);
}

static void
judge_crypto(struct endpoint_result *r, const struct chain_facts *ch)
{
	for (size_t i = 0; i < ch->ncerts; i++) {
		const struct cert_facts *c = &ch->certs[i];
		const char *alg = c->key_algorithm ? c->key_algorithm : "?";
		bool ec = strncmp(alg, "EC", 2) == 0;
		bool edwards = strncmp(alg, "EdDSA", 5) == 0;
		unsigned min = ec ? CERT_MIN_EC_BITS : CERT_MIN_RSA_BITS;

		if (is_sent_anchor(ch, i))
			continue;
		if (!edwards && c->key_bits > 0 && c->key_bits < min)
			result_add_findingf(
			    r, CHECK(CERT_KEY_WEAK),
			    "%s %s has a %u-bit %s key (minimum "
			    "%u)",
			    position(i), c->subject ? c->subject : "?",
			    c->key_bits, alg, min);
		if (c->signature_weak)
			result_add_findingf(
			    r, CHECK(CERT_SIGNATURE_WEAK),
			    "%s %s is signed with %s", position(i),
			    c->subject ? c->subject : "?",
			    c->signature_algorithm ? c->signature_algorithm
			                           : "?");
	}
}

static const char *
purpose_name(const char *oid)
{
	static const char *const names[][2] = {
	    {EKU_SERVER_AUTH, "serverAuth"},
	    {"1.3.6.1.5.5.7.3.2", "clientAuth"},
	    {"1.3.6.1.5.5.7.3.3", "codeSigning"},
	    {"1.3.6.1.5.5.7.3.4", "emailProtection"},
	    {"1.3.6.1.5.5.7.3.8", "timeStamping"},
	    {"1.3.6.1.5.5.7.3.9", "OCSPSigning"},
	    {EKU_ANY, "anyExtendedKeyUsage"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(oid, names[i][0]) == 0)
			return names[i][1];
	return oid;
}

/* RFC 5280 §4.2.1.12: a leaf that restricts its purposes must allow TLS
 * server authentication; §4.2.1.3: its keyUsage must allow what the
 * negotiated key exchange does with the key. */
static void
judge_usage(struct endpoint_result *r, const struct cert_facts *leaf)
{
	const char *suite = r->tls.cipher_suite ? r->tls.cipher_suite : "";
	bool key_transport = strncmp(suite, "TLS_RSA_", 8) == 0;
	unsigned need =
	    key_transport ? KU_KEY_ENCIPHERMENT : KU_DIGITAL_SIGNATURE;
	bool server_auth = leaf->eku.n == 0;
	char *purposes = xstrdup("");

	for (size_t i = 0; i < leaf->eku.n; i++) {
		const char *oid = leaf->eku.items[i];
		char *n = xasprintf("%s%s%s", purposes, *purposes ? ", " : "",
		                    purpose_name(oid));

		free(purposes);
		purposes = n;
		if (strcmp(oid, EKU_SERVER_AUTH) == 0 ||
		    strcmp(oid, EKU_ANY) == 0)
			server_auth = true;
	}
	if (!server_auth)
		result_add_findingf(r, CHECK(CERT_EKU_INVALID),
		                    "leaf extendedKeyUsage is %s, without "
		                    "serverAuth",
		                    purposes);
	free(purposes);
	if (leaf->key_usage_present && r->tls.cipher_suite &&
	    !(leaf->key_usage & need))
		result_add_findingf(r, CHECK(CERT_EKU_INVALID),
		                    "leaf keyUsage lacks %s, which %s needs",
		                    key_transport ? "keyEncipherment"
		                                  : "digitalSignature",
		                    suite);
	/* a self-signed leaf is its own CA; CERT-SELF-SIGNED says it */
	if (leaf->is_ca && !leaf->self_signed)
		result_add_findingf(r, CHECK(CERT_EKU_INVALID),
		                    "leaf has basicConstraints CA:TRUE");
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Names no public CA may certify: single labels and the private-use
 * suffixes (RFC 6762 .local, RFC 8375 .home.arpa, ICANN's .internal and
 * the customary .lan, .corp, .localdomain). */
static bool
internal_dns_name(const char *name)
{
	static const char *const suffixes[] = {
	    ".local", ".internal",    ".lan",
	    ".corp",  ".localdomain", ".home.arpa",
	};
	char buf[256];
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof(buf) || strchr(name, ' '))
		return false;
	memcpy(buf, name, n + 1);
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
	if (!strchr(buf, '.'))
		return true;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(buf, suffixes[i]) ||
		    strcasecmp(buf, suffixes[i] + 1) == 0)
			return true;
	return false;
}

/* RFC 1918 IPv4 and RFC 4193 unique-local IPv6 addresses, in the
 * numeric form certinfo writes. */
static bool
internal_ip(const char *ip)
{
	char *end;
	unsigned long a, b;

	if (strchr(ip, ':'))
		return (strncasecmp(ip, "fc", 2) == 0 ||
		        strncasecmp(ip, "fd", 2) == 0) &&
		       strlen(ip) > 4 && ip[4] == ':';
	a = strtoul(ip, &end, 10);
	if (*end != '.')
		return false;
	b = strtoul(end + 1, &end, 10);
	if (*end != '.')
		return false;
	return a == 10 || (a == 172 && b >= 16 && b <= 31) ||
	       (a == 192 && b == 168);
}

static void
judge_internal_names(struct endpoint_result *r, const struct cert_facts *leaf)
{
	char *found = xstrdup("");

	for (size_t i = 0; i < leaf->dns_names.n; i++)
		if (internal_dns_name(leaf->dns_names.items[i])) {
			char *n =
			    xasprintf("%s%sDNS:%s", found, *found ? ", " : "",
			              leaf->dns_names.items[i]);
			free(found);
			found = n;
		}
	for (size_t i = 0; i < leaf->ip_addresses.n; i++)
		if (internal_ip(leaf->ip_addresses.items[i])) {
			char *n =
			    xasprintf("%s%sIP:%s", found, *found ? ", " : "",
			              leaf->ip_addresses.items[i]);
			free(found);
			found = n;
		}
	if (leaf->common_name && internal_dns_name(leaf->common_name)) {
		char *n = xasprintf("%s%sCN=%s", found, *found ? ", " : "",
		                    leaf->common_name);
		free(found);
		found = n;
	}
	if (*found)
		result_add_findingf(r, CHECK(CERT_INTERNAL_NAME),
		                    "leaf names internal to a network: %s",
		                    found);
	free(found);
}

/* Only a response the issuer signed is believed: anyone on the path
 * could staple a forged "revoked". */
static void
judge_revocation(struct endpoint_result *r, const struct cert_facts *leaf)
{
	const struct ocsp_facts *oc = &r->tls.ocsp;
	char when[32] = "an unstated time";

	if (!oc->present || !oc->status || strcmp(oc->status, "revoked") != 0 ||
	    !oc->matches_leaf || !oc->signature_valid)
		return;
	if (oc->revoked_at)
		format_time(oc->revoked_at, when, sizeof(when));
	result_add_findingf(r, CHECK(CERT_REVOKED),
	                    "the stapled OCSP response, signed for the "
	                    "issuer, says the leaf (serial %s) was revoked "
	                    "at %s%s%s",
	                    leaf->serial ? leaf->serial : "?", when,
	                    oc->reason ? ", reason " : "",
	                    oc->reason ? oc->reason : "");
}

void
cert_checks_judge_strict(struct endpoint_result *r, unsigned min_key_bits)
{
	const struct chain_facts *ch = &r->tls.chain;

	for (size_t i = 0; i < ch->ncerts && min_key_bits > 0; i++) {
		const struct cert_facts *c = &ch->certs[i];
		const char *alg = c->key_algorithm ? c->key_algorithm : "?";

		if (is_sent_anchor(ch, i) ||
		    (strcmp(alg, "RSA") != 0 && strcmp(alg, "DSA") != 0 &&
		     strncmp(alg, "RSA-", 4) != 0) ||
		    c->key_bits < CERT_MIN_RSA_BITS ||
		    c->key_bits >= min_key_bits)
			continue;
		result_add_finding_sev(
		    r, CHECK(CERT_KEY_WEAK), SEV_MEDIUM,
		    "%s %s has a %u-bit %s key, below the %u bits the selected "
		    "profile requires",
		    position(i), c->subject ? c->subject : "?", c->key_bits,
		    alg, min_key_bits);
	}
}

void
cert_checks_judge(struct endpoint_result *r, time_t now)
{
	const struct chain_facts *ch = &r->tls.chain;

	if (ch->ncerts == 0)
		return;
	judge_trust(r, ch);
	judge_identity(r, &ch->certs[0]);
	judge_internal_names(r, &ch->certs[0]);
	judge_usage(r, &ch->certs[0]);
	judge_revocation(r, &ch->certs[0]);
	judge_validity(r, ch, now);
	judge_lifetime(r, ch);
	judge_crypto(r, ch);
}
