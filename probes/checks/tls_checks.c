/* TLS version, cipher-suite, key-exchange and extension judgement
 * (RFC 8996, RFC 9325, BSI TR-02102-2, NIST SP 800-52r2). */
#include "probes/checks/catalog.h"
#include "probes/checks/tls_checks.h"

#include <stdio.h>
#include <string.h>

static bool
accepted(const struct tls_audit *a, enum tls_question q)
{
	return a->q[q].answer == TLSA_ACCEPTED;
}

static void
judge_versions(struct endpoint_result *r, const struct tls_audit *a)
{
	bool modern = accepted(a, TLSQ_TLS13) || accepted(a, TLSQ_TLS12);
	bool legacy = accepted(a, TLSQ_TLS11) || accepted(a, TLSQ_TLS10);

	if (accepted(a, TLSQ_SSL2))
		result_add_findingf(r, CHECK(TLS_VERSION_SSL),
		                    "an SSLv2 CLIENT-HELLO was answered: %s",
		                    a->q[TLSQ_SSL2].detail);
	if (accepted(a, TLSQ_SSL3))
		result_add_findingf(r, CHECK(TLS_VERSION_SSL),
		                    "an SSL 3.0 ClientHello was answered: %s",
		                    a->q[TLSQ_SSL3].detail);
	if (accepted(a, TLSQ_TLS10))
		result_add_findingf(r, CHECK(TLS_VERSION_LEGACY),
		                    "a TLS 1.0-only hello was accepted: %s",
		                    a->q[TLSQ_TLS10].detail);
	if (accepted(a, TLSQ_TLS11))
		result_add_findingf(r, CHECK(TLS_VERSION_LEGACY),
		                    "a TLS 1.1-only hello was accepted: %s",
		                    a->q[TLSQ_TLS11].detail);
	if (!modern && (legacy || accepted(a, TLSQ_SSL3)) &&
	    a->q[TLSQ_TLS12].answer == TLSA_REFUSED &&
	    a->q[TLSQ_TLS13].answer == TLSA_REFUSED)
		result_add_findingf(
		    r, CHECK(TLS_NO_MODERN_VERSION), "TLS 1.2: %s; TLS 1.3: %s",
		    a->q[TLSQ_TLS12].detail, a->q[TLSQ_TLS13].detail);
	if (a->q[TLSQ_TLS13].answer == TLSA_REFUSED)
		result_add_findingf(r, CHECK(TLS_1_3_UNSUPPORTED),
		                    "a TLS 1.3-only hello was refused: %s",
		                    a->q[TLSQ_TLS13].detail);
}

static void
judge_class(struct endpoint_result *r, const struct tls_audit *a,
            enum tls_question q, const struct check *id, const char *what)
{
	if (accepted(a, q))
		result_add_findingf(r, id, "%s offered alone were accepted: %s",
		                    what, a->q[q].detail);
}

/* Suites the enumeration (full depth) found, by class, as evidence. */
static void
judge_enumerated(struct endpoint_result *r, const struct tls_audit *a)
{
	static const struct {
		unsigned flag;
		const struct check *id;
	} classes[] = {
	    {TLS_SUITE_NULL, CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
	    {TLS_SUITE_ANON, CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
	    {TLS_SUITE_EXPORT, CHECK(TLS_CIPHER_NULL_ANON_EXPORT)},
	    {TLS_SUITE_RC4, CHECK(TLS_CIPHER_RC4)},
	    {TLS_SUITE_64BIT_BLOCK, CHECK(TLS_CIPHER_64BIT_BLOCK)},
	    {TLS_SUITE_NO_FS, CHECK(TLS_CIPHER_NO_FORWARD_SECRECY)},
	    {TLS_SUITE_CBC, CHECK(TLS_CIPHER_CBC)},
	    {TLS_SUITE_NOT_NIST, CHECK(TLS_CIPHER_NOT_NIST_APPROVED)},
	};

	for (size_t v = 0; v < a->nversions; v++) {
		const struct tls_version_suites *vs = &a->by_version[v];

		for (size_t i = 0; i < vs->n; i++) {
			const struct tls_suite *s =
			    tls_suite_lookup(vs->suites[i]);

			if (!s)
				continue;
			for (size_t k = 0;
			     k < sizeof(classes) / sizeof(classes[0]); k++)
				if (s->flags & classes[k].flag)
					result_add_findingf(
					    r, classes[k].id,
					    "%s accepted with %s", s->name,
					    tls_version_name(vs->version));
		}
	}
}

/* Binary curves are deprecated whatever their size (RFC 8422 §5.1.1);
 * x25519/x448 are never weak although x25519 has 255 bits. */
static bool
weak_curve(uint16_t id)
{
	switch (tls_group_kind(id)) {
	case TLS_GROUP_EC_BINARY:
	case TLS_GROUP_EXPLICIT:
		return true;
	case TLS_GROUP_ECX:
	case TLS_GROUP_HYBRID:
		return false;
	default:
		return id && tls_group_bits(id) < TLS_MIN_CURVE_BITS;
	}
}

static void
judge_key_exchange(struct endpoint_result *r, const struct tls_audit *a)
{
	const struct tls_question_result *dhe = &a->q[TLSQ_DHE];
	const struct tls_question_result *ec = &a->q[TLSQ_WEAK_CURVES];

	if (dhe->answer == TLSA_ACCEPTED && dhe->dh_bits > 0 &&
	    dhe->dh_bits < TLS_MIN_DH_BITS) {
		if (dhe->dh_bits <= 1024)
			result_add_finding_sev(r, CHECK(TLS_DH_WEAK), SEV_HIGH,
			                       "DHE with a %u-bit prime (%s)",
			                       dhe->dh_bits, dhe->detail);
		else
			result_add_findingf(r, CHECK(TLS_DH_WEAK),
			                    "DHE with a %u-bit prime (%s)",
			                    dhe->dh_bits, dhe->detail);
	}
	if (ec->answer == TLSA_ACCEPTED &&
	    (ec->curve_explicit || weak_curve(ec->curve)))
		result_add_findingf(r, CHECK(TLS_ECDH_CURVE_WEAK),
		                    "ECDHE on %s (%u bits) when only weak "
		                    "curves were offered",
		                    ec->curve_explicit
		                        ? "explicit parameters"
		                        : tls_group_name(ec->curve),
		                    tls_group_bits(ec->curve));
}

static void
judge_extensions(struct endpoint_result *r, const struct tls_audit *a)
{
	const struct tls_question_result *b = &a->q[TLSQ_TLS12];
	const struct tls_question_result *cbc = &a->q[TLSQ_CBC];

	/* the broad question, answered at TLS 1.2 or below */
	if (b->version && b->version <= TLS_VERSION_1_2 && b->suite != 0 &&
	    b->answer != TLSA_UNKNOWN) {
		if (b->compression != 0)
			result_add_findingf(r, CHECK(TLS_COMPRESSION),
			                    "the server chose compression "
			                    "method %u (deflate) with %s",
			                    b->compression, b->detail);
		if (!(b->ext_seen & TLSHELLO_EXT_RENEGOTIATION_INFO))
			result_add_findingf(r,
			                    CHECK(TLS_RENEGOTIATION_INSECURE),
			                    "no renegotiation_info in the "
			                    "ServerHello (%s)",
			                    b->detail);
		if (b->version == TLS_VERSION_1_2 &&
		    !(b->ext_seen & TLSHELLO_EXT_EXTENDED_MASTER_SECRET))
			result_add_findingf(
			    r, CHECK(TLS_EMS_MISSING),
			    "extended_master_secret offered but "
			    "not echoed (%s)",
			    b->detail);
	}
	for (int q = TLSQ_TLS12; q < TLSQ_COUNT; q++)
		if (a->q[q].answer == TLSA_ACCEPTED &&
		    (a->q[q].ext_seen & TLSHELLO_EXT_HEARTBEAT)) {
			result_add_findingf(r, CHECK(TLS_HEARTBEAT_ENABLED),
			                    "the ServerHello echoed the "
			                    "heartbeat extension (%s)",
			                    a->q[q].detail);
			break;
		}
	for (int q = TLSQ_TLS12; q < TLSQ_COUNT; q++)
		if (a->q[q].answer == TLSA_ACCEPTED &&
		    (a->q[q].ext_seen & TLSHELLO_EXT_TRUNCATED_HMAC)) {
			result_add_findingf(r, CHECK(TLS_TRUNCATED_HMAC),
			                    "the ServerHello accepted "
			                    "truncated_hmac (%s)",
			                    a->q[q].detail);
			break;
		}
	if (a->q[TLSQ_ALPN].answer == TLSA_ACCEPTED)
		result_add_findingf(
		    r, CHECK(TLS_ALPN_NOT_ENFORCED),
		    "a ClientHello offering only ALPN \"http/1.1\" was "
		    "answered with a ServerHello (%s)%s",
		    a->q[TLSQ_ALPN].detail,
		    (a->q[TLSQ_ALPN].ext_seen & TLSHELLO_EXT_ALPN)
		        ? " that selected http/1.1"
		        : ", not the no_application_protocol alert");
	if (cbc->answer == TLSA_ACCEPTED &&
	    !(cbc->ext_seen & TLSHELLO_EXT_ENCRYPT_THEN_MAC))
		result_add_findingf(r, CHECK(TLS_ETM_MISSING),
		                    "CBC suite without encrypt_then_mac (%s)",
		                    cbc->detail);
}

static bool
audit_accepted_any(const struct tls_audit *a)
{
	for (int q = 0; q < TLSQ_COUNT; q++)
		if (a->q[q].answer == TLSA_ACCEPTED)
			return true;
	return false;
}

/* Clients without SNI (old libraries, some appliances) get the default
 * certificate; a different one usually names another service. */
static void
judge_default_certificate(struct endpoint_result *r)
{
	const struct no_sni_facts *n = &r->no_sni;
	const struct chain_facts *ch = &r->tls.chain;

	if (!n->done || !n->leaf_sha256 || ch->ncerts == 0 ||
	    !ch->certs[0].sha256 ||
	    strcmp(n->leaf_sha256, ch->certs[0].sha256) == 0)
		return;
	result_add_findingf(r, CHECK(CERT_SNI_DIFFERENT),
	                    "without SNI the server presents leaf SHA-256 "
	                    "%.16s... (%s); for %s it presents %.16s... (%s)",
	                    n->leaf_sha256,
	                    n->leaf_subject ? n->leaf_subject : "?",
	                    r->endpoint.host, ch->certs[0].sha256,
	                    ch->certs[0].subject ? ch->certs[0].subject : "?");
}

/* Only a completed renegotiation counts: an alert, a close, silence and
 * every case without a verdict (no TLS 1.2, no RFC 5746) are no finding. */
static void
judge_renegotiation(struct endpoint_result *r)
{
	const struct reneg_facts *g = &r->reneg;

	if (g->decided && g->outcome == RENEG_ACCEPTED)
		result_add_findingf(
		    r, CHECK(TLS_CLIENT_RENEGOTIATION),
		    "on a TLS 1.2 session the server answered a "
		    "client's new ClientHello with a full "
		    "handshake (%s)",
		    g->detail ? g->detail : "renegotiated");
}

/* 0-RTT data can be replayed (RFC 8446 §8): the server's acceptance is
 * the fact, its tickets' allowance the context. */
static void
judge_early_data(struct endpoint_result *r)
{
	const struct early_data_facts *ed = &r->early;

	if (ed->tried && ed->resumed && ed->accepted)
		result_add_findingf(r, CHECK(TLS_0RTT_ACCEPTED),
		                    "a resumed TLS 1.3 handshake had its early "
		                    "data accepted (the session ticket allows "
		                    "%zu bytes of it)",
		                    ed->max_early_data);
}

void
tls_checks_judge_strict(struct endpoint_result *r, const struct tls_audit *a,
                        unsigned min_dh_bits)
{
	const struct tls_question_result *dhe;

	if (!a || a->depth == TLS_DEPTH_OFF)
		return;
	dhe = &a->q[TLSQ_DHE];
	if (dhe->answer == TLSA_ACCEPTED && dhe->dh_bits >= TLS_MIN_DH_BITS &&
	    dhe->dh_bits < min_dh_bits)
		result_add_finding_sev(
		    r, CHECK(TLS_DH_WEAK), SEV_MEDIUM,
		    "DHE with a %u-bit prime, below the %u "
		    "bits the selected profile requires (%s)",
		    dhe->dh_bits, min_dh_bits, dhe->detail);
}

void
tls_checks_judge(struct endpoint_result *r, const struct tls_audit *a)
{
	judge_default_certificate(r);
	judge_renegotiation(r);
	judge_early_data(r);
	if (r->tls.handshake_done && !r->tls.ocsp_stapled)
		result_add_findingf(
		    r, CHECK(CERT_OCSP_STAPLING_MISSING),
		    "no stapled OCSP response to status_request "
		    "(%s)",
		    r->tls.version ? r->tls.version : "TLS");
	if (!a || a->depth == TLS_DEPTH_OFF)
		return;
	/* a port that resets or closes on every hello has said nothing
	 * about versions or suites: refusals mean something only from a
	 * server that accepted at least one hello */
	if (!r->tls.handshake_done && !audit_accepted_any(a))
		return;
	judge_versions(r, a);
	judge_class(r, a, TLSQ_NULL_ANON_EXPORT,
	            CHECK(TLS_CIPHER_NULL_ANON_EXPORT),
	            "NULL/anonymous/export suites");
	judge_class(r, a, TLSQ_RC4, CHECK(TLS_CIPHER_RC4), "RC4 suites");
	judge_class(r, a, TLSQ_64BIT, CHECK(TLS_CIPHER_64BIT_BLOCK),
	            "3DES/DES/IDEA suites");
	judge_class(r, a, TLSQ_NO_FS, CHECK(TLS_CIPHER_NO_FORWARD_SECRECY),
	            "static RSA/DH suites");
	judge_class(r, a, TLSQ_CBC, CHECK(TLS_CIPHER_CBC), "CBC suites");
	judge_enumerated(r, a);
	if (accepted(a, TLSQ_WEAK_FIRST)) {
		const struct tls_suite *s =
		    tls_suite_lookup(a->q[TLSQ_WEAK_FIRST].suite);

		if (s && (s->flags & (TLS_SUITE_NULL | TLS_SUITE_ANON |
		                      TLS_SUITE_EXPORT | TLS_SUITE_RC4 |
		                      TLS_SUITE_64BIT_BLOCK | TLS_SUITE_NO_FS)))
			result_add_findingf(r, CHECK(TLS_WEAK_CIPHER_PREFERRED),
			                    "offered legacy suites before "
			                    "strong ones, the server chose %s",
			                    s->name);
	}
	judge_key_exchange(r, a);
	judge_extensions(r, a);
}
