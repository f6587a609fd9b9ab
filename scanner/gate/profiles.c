/*
 * The profile table (../shared/checks.md section 3, in its order). Each
 * rule keeps the profile's own threshold text; where a catalog check fires
 * at another threshold than the profile asks for, the rule's gap says so
 * and the gate fails on the finding as it is ("what the data allows").
 * Checks mailaudit does not implement yet are listed all the same: the
 * catalog says which they are, and `mailaudit profiles` prints them as
 * not checked.
 */
#include "scanner/gate/profiles.h"

#include <strings.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"

#define NRULES(a) (sizeof(a) / sizeof((a)[0]))

/* The certificate trust, host name and validity ids the Mozilla profiles
 * add ("plus all CERT trust/hostname/expiry IDs"). */
/* clang-format off */
#define MOZILLA_CERT_RULES                                                  \
	{.check = CHECK(CERT_CHAIN_UNTRUSTED)},                                  \
	{.check = CHECK(CERT_SELF_SIGNED)},                                      \
	{.check = CHECK(CERT_HOSTNAME_MISMATCH)},                                \
	{.check = CHECK(CERT_EXPIRED)},                                          \
	{.check = CHECK(CERT_NOT_YET_VALID)}

#define GAP_VALIDITY                                                        \
	"CERT-VALIDITY-TOO-LONG fires for publicly-trusted leaves only, "    \
	"against the CA/B Forum limit for their issuance date (398 days, "   \
	"200 from 2026-03-15, 100 from 2027-03-15, 47 from 2029-03-15)"
#define GAP_NOT_KEY_TYPE                                                    \
	"CERT-KEY-WEAK fires for RSA/DSA below 2048 bits and EC below 256 " \
	"bits only; other key types and sizes pass"

/* The rfc8314 list, shared with rfc8314-strict. */
#define RFC8314_RULES                                                       \
	{.check = CHECK(IMPLICIT_TLS_MISSING)},                                  \
	{.check = CHECK(IMPLICIT_TLS_PLAINTEXT)},                                \
	{.check = CHECK(STARTTLS_MISSING),                                       \
	 .condition = "where a cleartext port is open"},                    \
	{.check = CHECK(STARTTLS_BROKEN)},                                       \
	{.check = CHECK(STARTTLS_COMMAND_INJECTION)},                            \
	{.check = CHECK(IMAP_PREAUTH_CLEARTEXT)},                                \
	{.check = CHECK(AUTH_PLAINTEXT_BEFORE_TLS)},                             \
	{.check = CHECK(AUTH_LOGINDISABLED_INCONSISTENT)},                       \
	{.check = CHECK(TLS_VERSION_SSL)},                                       \
	{.check = CHECK(TLS_VERSION_LEGACY),                                     \
	 .condition = "TLS floor 1.2 (RFC 8997 §3)"},                       \
	{.check = CHECK(TLS_NO_MODERN_VERSION)},                                 \
	{.check = CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},                           \
	{.check = CHECK(TLS_CIPHER_RC4)},                                        \
	{.check = CHECK(CERT_CHAIN_UNTRUSTED)},                                  \
	{.check = CHECK(CERT_SELF_SIGNED)},                                      \
	{.check = CHECK(CERT_HOSTNAME_MISMATCH)},                                \
	{.check = CHECK(CERT_EXPIRED)},                                          \
	{.check = CHECK(CERT_NOT_YET_VALID)}
/* clang-format on */

/* baseline ------------------------------------------------------------- */

static const char *const baseline_notes[] = {
    "Severity-based: a finding fails when its severity (the check's "
    "default, or the one the evidence warranted) is high or critical.",
    NULL,
};

static const struct profile baseline = {
    .name = "baseline",
    .title = "Default gate: every critical or high finding fails",
    .clauses = "mailaudit's own severities (the check catalog)",
    .min_severity = SEV_HIGH,
    .notes = baseline_notes,
};

/* rfc8314 -------------------------------------------------------------- */

static const struct profile_rule rfc8314_rules[] = {RFC8314_RULES};

static const char *const rfc8314_notes[] = {
    "STARTTLS-MISSING only ever fires on a cleartext port that answered, "
    "which is the profile's condition.",
    "The RC4/NULL/export items implement RFC 8314's pointer to RFC 7525 "
    "(superseded by RFC 9325); the command-injection and PREAUTH items come "
    "from RFC 9051, which RFC 8314-era IMAP servers must also meet.",
    NULL,
};

static const struct profile rfc8314 = {
    .name = "rfc8314",
    .title = "RFC 8314: TLS for mail access, cleartext only with STARTTLS",
    .clauses = "RFC 8314 (implicit TLS, STARTTLS, certificate checks); "
               "TLS 1.2 floor per RFC 8997 §3; RFC 9051 §11.1 (IMAP servers "
               "comply with RFC 8314)",
    .min_severity = -1,
    .rules = rfc8314_rules,
    .nrules = NRULES(rfc8314_rules),
    .notes = rfc8314_notes,
};

/* rfc8314-strict ------------------------------------------------------- */

static const struct profile_rule rfc8314_strict_rules[] = {
    RFC8314_RULES,
    {.check = CHECK(SVC_CLEARTEXT_PORT_OPEN)},
    {.check = CHECK(CLEARTEXT_AUTH_ALLOWED)},
    {.check = CHECK(CERT_CHAIN_INCOMPLETE)},
};

static const char *const rfc8314_strict_notes[] = {
    "\"Cleartext considered obsolete\" read literally: no cleartext "
    "listener at all. Includes everything in rfc8314.",
    NULL,
};

static const struct profile rfc8314_strict = {
    .name = "rfc8314-strict",
    .title = "RFC 8314 read literally: no cleartext listener at all",
    .clauses = "RFC 8314 (cleartext considered obsolete), plus rfc8314",
    .min_severity = -1,
    .rules = rfc8314_strict_rules,
    .nrules = NRULES(rfc8314_strict_rules),
    .notes = rfc8314_strict_notes,
};

/* imap4rev2 ------------------------------------------------------------ */

static const struct profile_rule imap4rev2_rules[] = {
    {.check = CHECK(STARTTLS_MISSING)},
    {.check = CHECK(STARTTLS_COMMAND_INJECTION)},
    {.check = CHECK(STARTTLS_STILL_ADVERTISED)},
    {.check = CHECK(STARTTLS_ON_IMPLICIT_PORT)},
    {.check = CHECK(IMAP_PREAUTH_CLEARTEXT)},
    {.check = CHECK(AUTH_PLAINTEXT_BEFORE_TLS)},
    {.check = CHECK(AUTH_LOGINDISABLED_INCONSISTENT)},
    {.check = CHECK(AUTH_NO_USABLE_MECHANISM_AFTER_TLS)},
    {.check = CHECK(IMPLICIT_TLS_MISSING)},
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_VERSION_LEGACY)},
    {.check = CHECK(TLS_NO_MODERN_VERSION)},
    {.check = CHECK(CERT_HOSTNAME_MISMATCH)},
};

static const char *const imap4rev2_notes[] = {
    "IMAP endpoints only: findings on POP3 endpoints never fail this "
    "profile, and unassessed POP3 endpoints do not make it fail closed.",
    NULL,
};

static const struct profile imap4rev2 = {
    .name = "imap4rev2",
    .title = "RFC 9051 server-side MUST/SHOULD text (IMAP only)",
    .clauses = "RFC 9051 §6.1.1, §6.2.1, §6.2.3, §7.1.4, §11.1, §11.2, "
               "§11.7",
    .min_severity = -1,
    .imap_only = true,
    .rules = imap4rev2_rules,
    .nrules = NRULES(imap4rev2_rules),
    .notes = imap4rev2_notes,
};

/* bsi-tr-03108 --------------------------------------------------------- */

static const struct profile_rule bsi_rules[] = {
    {.check = CHECK(IMPLICIT_TLS_MISSING)},
    {.check = CHECK(STARTTLS_MISSING)},
    {.check = CHECK(STARTTLS_BROKEN)},
    {.check = CHECK(AUTH_PLAINTEXT_BEFORE_TLS)},
    {.check = CHECK(CLEARTEXT_AUTH_ALLOWED)},
    {.check = CHECK(STARTTLS_COMMAND_INJECTION)},
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_VERSION_LEGACY),
     .condition = "on the implicit-TLS ports 993/995 only (§4.3.2 "
                  "permits legacy versions for opportunistic STARTTLS; "
                  "interpretation)",
     .implicit_tls_only = true},
    {.check = CHECK(TLS_WEAK_CIPHER_PREFERRED),
     .condition = "legacy versions/suites present but preferred"},
    {.check = CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
    {.check = CHECK(TLS_CIPHER_RC4)},
    {.check = CHECK(TLS_CIPHER_64BIT_BLOCK)},
    {.check = CHECK(TLS_CIPHER_NO_FORWARD_SECRECY)},
    {.check = CHECK(TLS_ETM_MISSING)},
    {.check = CHECK(TLS_EMS_MISSING)},
    {.check = CHECK(TLS_COMPRESSION)},
    {.check = CHECK(TLS_RENEGOTIATION_INSECURE)},
    {.check = CHECK(TLS_TRUNCATED_HMAC)},
    {.check = CHECK(TLS_DH_WEAK), .condition = "DH group < 3000 bits"},
    {.check = CHECK(TLS_ECDH_CURVE_WEAK),
     .condition = "curve < 250 bits",
     .gap = "TLS-ECDH-CURVE-WEAK is defined for curves below 256 bits, "
            "slightly stricter than 250"},
    {.check = CHECK(CERT_KEY_WEAK), .condition = "RSA < 3000 bits"},
    {.check = CHECK(CERT_SIGNATURE_WEAK)},
    {.check = CHECK(CERT_CHAIN_UNTRUSTED)},
    {.check = CHECK(CERT_SELF_SIGNED)},
    {.check = CHECK(CERT_HOSTNAME_MISMATCH)},
    {.check = CHECK(CERT_EXPIRED)},
    {.check = CHECK(DNS_SRV_IMPLICIT_TLS_MISSING),
     .condition = "only with external (DNS) checks enabled"},
};

static const char *const bsi_notes[] = {
    "TLS parameters: TR-03108 requires BSI TR-03116-4, which was not "
    "reviewed; TR-02102-2 (2025-01) stands in for the parameter rules "
    "[interpretation; verify against TR-03116-4].",
    "No session-lifetime check: §4.3.1 says the TR-03116-4 48-hour rule "
    "must not be applied (IMAP IDLE).",
    "RSA/DSA keys and DH groups of 2048-2999 bits are reported (CERT-KEY-WEAK "
    "and TLS-DH-WEAK, medium) while this profile is selected, by a scan or "
    "by `mailaudit report --profile bsi-tr-03108` re-gating a saved scan "
    "(the key sizes and the DHE prime are in it).",
    NULL,
};

static const struct profile bsi = {
    .name = "bsi-tr-03108",
    .title = "BSI TR-03108 v2.0 (secure e-mail transport)",
    .clauses = "BSI TR-03108 v2.0 §4.1.1 (TR-03108-01-M), §4.1.2 "
               "(TR-03108-02-R), §4.1.12 (TR-03108-12-R), §4.3.1, §4.3.2; "
               "TLS parameters after BSI TR-02102-2",
    .min_severity = -1,
    .rules = bsi_rules,
    .nrules = NRULES(bsi_rules),
    .min_key_bits = 3000,
    .min_dh_bits = 3000,
    .notes = bsi_notes,
};

/* nist-800-52r2 -------------------------------------------------------- */

static const struct profile_rule nist_rules[] = {
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_VERSION_LEGACY),
     .condition = "TLS 1.0; TLS 1.1 only as a warning",
     .gap = "the finding does not say which legacy version was accepted: "
            "TLS 1.1 alone fails too"},
    {.check = CHECK(TLS_NO_MODERN_VERSION)},
    {.check = CHECK(TLS_1_3_UNSUPPORTED)},
    {.check = CHECK(TLS_CIPHER_NOT_NIST_APPROVED)},
    {.check = CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
    {.check = CHECK(TLS_CIPHER_RC4)},
    {.check = CHECK(TLS_CIPHER_64BIT_BLOCK),
     .condition = "3DES status unverified"},
    {.check = CHECK(TLS_COMPRESSION)},
    {.check = CHECK(TLS_RENEGOTIATION_INSECURE)},
    {.check = CHECK(TLS_EMS_MISSING)},
    {.check = CHECK(TLS_ECDH_CURVE_WEAK)},
    {.check = CHECK(CERT_KEY_WEAK), .condition = "RSA < 2048 bits"},
    {.check = CHECK(CERT_SIGNATURE_WEAK)},
    {.check = CHECK(CERT_CHAIN_UNTRUSTED)},
    {.check = CHECK(CERT_SELF_SIGNED)},
    {.check = CHECK(CERT_HOSTNAME_MISMATCH)},
    {.check = CHECK(CERT_EXPIRED)},
    {.check = CHECK(CERT_REVOKED)},
};

static const char *const nist_notes[] = {
    "Models the government-only server of §3.1; TLS 1.3 support is a "
    "failure because of NIST's 2024-01-01 migration date (exact clause "
    "unverified).",
    "OCSP stapling (CERT-OCSP-STAPLING-MISSING) is a warning, not a gate "
    "failure.",
    NULL,
};

static const struct profile nist = {
    .name = "nist-800-52r2",
    .title = "NIST SP 800-52r2, government-only server",
    .clauses = "NIST SP 800-52r2 §3.1 (protocol versions), §3.3.1 "
               "(NIST-approved suites); extension and certificate clauses "
               "(section numbers unverified)",
    .min_severity = -1,
    .rules = nist_rules,
    .nrules = NRULES(nist_rules),
    .notes = nist_notes,
};

/* mozilla-modern ------------------------------------------------------- */

static const struct profile_rule mozilla_modern_rules[] = {
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_VERSION_LEGACY),
     .condition = "also any TLS 1.2 acceptance (detail below-profile)",
     .gap = "TLS-VERSION-LEGACY covers TLS 1.0/1.1 only: a server that "
            "accepts TLS 1.2 does not fail"},
    {.check = CHECK(TLS_1_3_UNSUPPORTED)},
    {.check = CHECK(CERT_KEY_WEAK),
     .condition = "also any non-ECDSA leaf (detail key-type)",
     .gap = GAP_NOT_KEY_TYPE ": an RSA leaf does not fail"},
    {.check = CHECK(CERT_SIGNATURE_WEAK)},
    {.check = CHECK(CERT_VALIDITY_TOO_LONG),
     .condition = "lifetime > 90 days",
     .gap = GAP_VALIDITY ", not 90 days"},
    MOZILLA_CERT_RULES,
};

static const char *const mozilla_cert_notes_modern[] = {
    "\"All CERT trust/hostname/expiry IDs\" is read as CERT-CHAIN-UNTRUSTED, "
    "CERT-SELF-SIGNED, CERT-HOSTNAME-MISMATCH, CERT-EXPIRED and "
    "CERT-NOT-YET-VALID; CERT-CHAIN-INCOMPLETE and CERT-EXPIRING-SOON do not "
    "fail [interpretation].",
    "Guidelines v5.8 and v6.0: TLS 1.3 only, ECDSA P-256/P-384 "
    "certificates, maximum certificate lifespan 90 days.",
    NULL,
};

static const struct profile mozilla_modern = {
    .name = "mozilla-modern",
    .title = "Mozilla Server Side TLS \"modern\"",
    .clauses = "Mozilla Server Side TLS guidelines v5.8/v6.0, modern "
               "configuration (tls_versions, certificate_types, "
               "maximum_certificate_lifespan)",
    .min_severity = -1,
    .rules = mozilla_modern_rules,
    .nrules = NRULES(mozilla_modern_rules),
    .notes = mozilla_cert_notes_modern,
};

/* mozilla-intermediate ------------------------------------------------- */

static const struct profile_rule mozilla_intermediate_rules[] = {
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_VERSION_LEGACY)},
    {.check = CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
    {.check = CHECK(TLS_CIPHER_RC4)},
    {.check = CHECK(TLS_CIPHER_64BIT_BLOCK)},
    {.check = CHECK(TLS_CIPHER_NO_FORWARD_SECRECY)},
    {.check = CHECK(TLS_CIPHER_CBC)},
    {.check = CHECK(TLS_DH_WEAK), .condition = "DH group < 2048 bits"},
    {.check = CHECK(TLS_ECDH_CURVE_WEAK)},
    {.check = CHECK(CERT_KEY_WEAK), .condition = "RSA < 2048 bits"},
    {.check = CHECK(CERT_SIGNATURE_WEAK)},
    {.check = CHECK(CERT_VALIDITY_TOO_LONG),
     .condition = "lifetime > 366 days",
     .gap = GAP_VALIDITY ", not 366 days"},
    MOZILLA_CERT_RULES,
};

static const char *const mozilla_intermediate_notes[] = {
    "\"All CERT trust/hostname/expiry IDs\" is read as CERT-CHAIN-UNTRUSTED, "
    "CERT-SELF-SIGNED, CERT-HOSTNAME-MISMATCH, CERT-EXPIRED and "
    "CERT-NOT-YET-VALID [interpretation].",
    "CERT-OCSP-STAPLING-MISSING is a warning, not a gate failure.",
    "--mozilla-version (5.8 or 6.0: whether an accepted DHE AEAD suite "
    "fails) is not implemented; mailaudit does not enumerate suites yet.",
    NULL,
};

static const struct profile mozilla_intermediate = {
    .name = "mozilla-intermediate",
    .title = "Mozilla Server Side TLS \"intermediate\"",
    .clauses = "Mozilla Server Side TLS guidelines v5.8/v6.0, intermediate "
               "configuration (TLS 1.2+1.3, (EC)DHE AEAD suites, DH 2048, "
               "RSA 2048)",
    .min_severity = -1,
    .rules = mozilla_intermediate_rules,
    .nrules = NRULES(mozilla_intermediate_rules),
    .notes = mozilla_intermediate_notes,
};

/* mozilla-old ---------------------------------------------------------- */

static const struct profile_rule mozilla_old_rules[] = {
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
    {.check = CHECK(TLS_CIPHER_RC4)},
    {.check = CHECK(TLS_DH_WEAK),
     .condition = "DH group < 1024 bits",
     .gap = "TLS-DH-WEAK is defined for DH primes below 2048 bits: "
            "1024-2047 bit groups fail although this profile allows them"},
    {.check = CHECK(CERT_KEY_WEAK), .condition = "RSA < 2048 bits"},
    {.check = CHECK(CERT_SIGNATURE_WEAK)},
    MOZILLA_CERT_RULES,
};

static const char *const mozilla_old_notes[] = {
    "Guidelines v5.8 \"old\" (TLS 1.0-1.3, DES-CBC3-SHA, DH 1024); the old "
    "configuration no longer exists in v6.0, so keep this profile for "
    "legacy-client estates only.",
    NULL,
};

static const struct profile mozilla_old = {
    .name = "mozilla-old",
    .title = "Mozilla Server Side TLS \"old\" (v5.8)",
    .clauses = "Mozilla Server Side TLS guidelines v5.8, old configuration",
    .min_severity = -1,
    .rules = mozilla_old_rules,
    .nrules = NRULES(mozilla_old_rules),
    .notes = mozilla_old_notes,
};

/* pci-dss-4 ------------------------------------------------------------ */

static const struct profile_rule pci_rules[] = {
    {.check = CHECK(STARTTLS_MISSING)},
    {.check = CHECK(STARTTLS_BROKEN)},
    {.check = CHECK(AUTH_PLAINTEXT_BEFORE_TLS)},
    {.check = CHECK(CLEARTEXT_AUTH_ALLOWED)},
    {.check = CHECK(STARTTLS_COMMAND_INJECTION)},
    {.check = CHECK(TLS_VERSION_SSL)},
    {.check = CHECK(TLS_VERSION_LEGACY)},
    {.check = CHECK(TLS_NO_MODERN_VERSION)},
    {.check = CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
    {.check = CHECK(TLS_CIPHER_RC4)},
    {.check = CHECK(TLS_CIPHER_64BIT_BLOCK)},
    {.check = CHECK(TLS_DH_WEAK), .condition = "DH group < 2048 bits"},
    {.check = CHECK(CERT_KEY_WEAK), .condition = "RSA < 2048 bits"},
    {.check = CHECK(CERT_SIGNATURE_WEAK)},
    {.check = CHECK(CERT_CHAIN_UNTRUSTED)},
    {.check = CHECK(CERT_SELF_SIGNED),
     .condition = "unless its issuer is an operator-declared internal CA "
                  "(--ca-file)"},
    {.check = CHECK(CERT_HOSTNAME_MISMATCH)},
    {.check = CHECK(CERT_EXPIRED)},
    {.check = CHECK(CERT_NOT_YET_VALID)},
    {.check = CHECK(CERT_REVOKED), .condition = "when external checks are on"},
};

static const char *const pci_notes[] = {
    "CERT-SELF-SIGNED never fires for a certificate given with --ca-file "
    "(it is a trust anchor then), which is the profile's exception.",
    "\"Strong cryptography\" thresholds (RSA 2048, no 3DES) follow industry "
    "practice; the PCI glossary text was not reviewed.",
    NULL,
};

static const struct profile pci = {
    .name = "pci-dss-4",
    .title = "PCI DSS v4.0 strong cryptography for mail access",
    .clauses = "PCI DSS v4.0 Req. 4.2.1 (trusted, valid certificates; no "
               "insecure versions, algorithms or key sizes), Req. 8.3.2 "
               "(authentication factors unreadable in transit)",
    .min_severity = -1,
    .rules = pci_rules,
    .nrules = NRULES(pci_rules),
    .notes = pci_notes,
};

static const struct profile *const profiles[] = {
    &baseline, &rfc8314,        &rfc8314_strict,       &imap4rev2,   &bsi,
    &nist,     &mozilla_modern, &mozilla_intermediate, &mozilla_old, &pci,
};

const struct profile *const *
profile_all(size_t *n_r)
{
	*n_r = NRULES(profiles);
	return profiles;
}

const struct profile *
profile_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NRULES(profiles); i++)
		if (strcasecmp(profiles[i]->name, name) == 0)
			return profiles[i];
	return NULL;
}

const struct profile *
profile_default(void)
{
	return &baseline;
}

bool
profile_covers_service(const struct profile *p, const struct service *svc)
{
	return !p->imap_only || !svc || svc->protocol == PROTO_IMAP;
}

const struct profile_rule *
profile_rule_for(const struct profile *p, const struct check *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].check == c)
			return &p->rules[i];
	return NULL;
}

static bool
rule_applies(const struct profile_rule *r, const struct service *svc)
{
	return !r->implicit_tls_only || !svc || svc->tls == TLS_MODE_IMPLICIT;
}

bool
profile_has_check(const struct profile *p, const struct check *c,
                  const struct service *svc)
{
	const struct profile_rule *r;

	if (!c || !profile_covers_service(p, svc))
		return false;
	if (p->min_severity >= 0 && (int)c->severity >= p->min_severity)
		return true;
	r = profile_rule_for(p, c);
	return r && rule_applies(r, svc);
}

bool
profile_fails(const struct profile *p, const struct check *c, enum severity sev,
              const struct service *svc)
{
	const struct profile_rule *r;

	if (!c || !profile_covers_service(p, svc))
		return false;
	if (p->min_severity >= 0 && (int)sev >= p->min_severity)
		return true;
	r = profile_rule_for(p, c);
	return r && rule_applies(r, svc);
}

void
profile_strict_bits(const struct profile *const *selected, size_t n,
                    unsigned *key_bits_r, unsigned *dh_bits_r)
{
	*key_bits_r = *dh_bits_r = 0;
	for (size_t i = 0; i < n; i++) {
		if (selected[i]->min_key_bits > *key_bits_r)
			*key_bits_r = selected[i]->min_key_bits;
		if (selected[i]->min_dh_bits > *dh_bits_r)
			*dh_bits_r = selected[i]->min_dh_bits;
	}
}
