/* CERT-* findings from certificate facts. */
#include "probes/cert_checks.h"

#include <stdio.h>
#include <string.h>

#include "probes/hostname.h"
#include "scanner/xalloc.h"

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

static void
judge_trust(struct endpoint_result *r, const struct chain_facts *ch)
{
	const struct cert_facts *leaf = &ch->certs[0];

	if (leaf->self_signed && !ch->leaf_is_anchor) {
		result_add_findingf(r, "CERT-SELF-SIGNED",
		                    "self-signed leaf, not in the trust store: "
		                    "%s",
		                    leaf->subject ? leaf->subject : "?");
		return;
	}
	if (!ch->trusted) {
		const struct cert_facts *last = &ch->certs[ch->ncerts - 1];

		if (ch->nsent > ch->ncerts)
			result_add_findingf(
			    r, "CERT-CHAIN-UNTRUSTED",
			    "no path to a trust anchor within the first %zu of "
			    "the %zu certificates sent (%s)",
			    ch->ncerts, ch->nsent,
			    ch->verify_text ? ch->verify_text
			                    : "verification failed");
		else
			result_add_findingf(
			    r, "CERT-CHAIN-UNTRUSTED",
			    "no path to a trust anchor (%s); last certificate "
			    "sent was issued by %s%s",
			    ch->verify_text ? ch->verify_text
			                    : "verification failed",
			    last->issuer ? last->issuer : "?",
			    last->self_issued
			        ? ""
			        : ", which the server did not send and the "
			          "trust store does not know");
	}
	if (ch->needed_unsent_intermediates)
		result_add_findingf(
		    r, "CERT-CHAIN-INCOMPLETE",
		    "the server sent %zu certificate(s); the "
		    "path to the anchor needs the issuer of %s, "
		    "which was found only in --ca-file",
		    ch->ncerts,
		    ch->certs[ch->ncerts - 1].subject
		        ? ch->certs[ch->ncerts - 1].subject
		        : "?");
	if (ch->order_broken)
		result_add_findingf(r, "CERT-CHAIN-INCOMPLETE",
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
		result_add_findingf(r, "CERT-HOSTNAME-MISMATCH",
		                    "scanned name %s; certificate names: %s",
		                    ep->host, *names ? names : "(none)");
	if (leaf->dns_names.n == 0 && leaf->ip_addresses.n == 0)
		result_add_findingf(r, "CERT-NO-SAN",
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
			    r, "CERT-EXPIRED", "%s %s expired %s", position(i),
			    c->subject ? c->subject : "?", when);
		}
		if (c->not_before > now + CERT_CLOCK_SKEW) {
			format_time(c->not_before, when, sizeof(when));
			result_add_findingf(
			    r, "CERT-NOT-YET-VALID",
			    "%s %s is valid only from %s", position(i),
			    c->subject ? c->subject : "?", when);
		}
	}
	if (ch->certs[0].not_after >= now - CERT_CLOCK_SKEW) {
		double days = difftime(ch->certs[0].not_after, now) / 86400.0;

		format_time(ch->certs[0].not_after, when, sizeof(when));
		if (days < CERT_EXPIRY_URGENT_DAYS)
			result_add_finding_sev(
			    r, "CERT-EXPIRING-SOON", SEV_MEDIUM,
			    "leaf expires %s (in %.1f days)", when, days);
		else if (days < CERT_EXPIRY_WARN_DAYS)
			result_add_finding_sev(r, "CERT-EXPIRING-SOON", SEV_LOW,
			                       "leaf expires %s (in %.1f days)",
			                       when, days);
	}
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
			    r, "CERT-KEY-WEAK",
			    "%s %s has a %u-bit %s key (minimum "
			    "%u)",
			    position(i), c->subject ? c->subject : "?",
			    c->key_bits, alg, min);
		if (c->signature_weak)
			result_add_findingf(
			    r, "CERT-SIGNATURE-WEAK", "%s %s is signed with %s",
			    position(i), c->subject ? c->subject : "?",
			    c->signature_algorithm ? c->signature_algorithm
			                           : "?");
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
	judge_validity(r, ch, now);
	judge_crypto(r, ch);
}
