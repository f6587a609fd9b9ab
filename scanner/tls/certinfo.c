/* Certificate facts extraction and trust-path evaluation with GnuTLS. */
#include "scanner/tls/certinfo.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"
#include "scanner/tls/aiapath.h"

/* Certificates past this many in one chain are ignored: a hostile server
 * can send hundreds. */
#define CHAIN_MAX 16
#define FIELD_MAX 1024

/* Path-existence checks only: times, weak hashes and key sizes are judged
 * per certificate, so they must not make a path look missing. */
static const unsigned path_flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                   GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                                   GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
                                   GNUTLS_VERIFY_ALLOW_BROKEN;

/* Status bits that mean "no path to an anchor". */
static const unsigned no_path_bits =
    GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
    GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE;

static bool
crt_is_self_signed(gnutls_x509_crt_t c)
{
	unsigned st = 0;

	if (!gnutls_x509_crt_check_issuer(c, c))
		return false;
	if (gnutls_x509_crt_verify(c, &c, 1, path_flags, &st) < 0)
		return false;
	return st == 0;
}

int
certinfo_trust_load(struct certinfo_trust *t, const char *ca_file, char *err,
                    size_t errlen)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = gnutls_x509_trust_list_init(&t->anchors, 0)) < 0) {
		snprintf(err, errlen, "trust store: %s", gnutls_strerror(rc));
		return -1;
	}
	/* a missing system store is not fatal: --ca-file may be all */
	(void)gnutls_x509_trust_list_add_system_trust(t->anchors, 0, 0);
	if (!ca_file)
		return 0;
	/* CA/B Forum rules bind the public roots only: a chain that --ca-file
	 * alone can anchor is the operator's own (a second copy of the
	 * system store would cost megabytes) */
	if (gnutls_x509_trust_list_init(&t->own_anchors, 0) >= 0)
		(void)gnutls_x509_trust_list_add_trust_file(
		    t->own_anchors, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	{
		gnutls_datum_t data = {NULL, 0};

		rc = gnutls_load_file(ca_file, &data);
		if (rc < 0) {
			snprintf(err, errlen, "cannot read --ca-file %s: %s",
			         ca_file, gnutls_strerror(rc));
			return -1;
		}
		rc = gnutls_x509_crt_list_import2(&list, &n, &data,
		                                  GNUTLS_X509_FMT_PEM, 0);
		gnutls_free(data.data);
		if (rc < 0 || n == 0) {
			snprintf(err, errlen,
			         "--ca-file %s holds no PEM certificate%s%s",
			         ca_file, rc < 0 ? ": " : "",
			         rc < 0 ? gnutls_strerror(rc) : "");
			return -1;
		}
	}
	t->pool = xcalloc(n, sizeof(*t->pool));
	for (unsigned i = 0; i < n; i++) {
		if (crt_is_self_signed(list[i])) {
			/* the list takes ownership of the certificate */
			gnutls_x509_trust_list_add_cas(t->anchors, &list[i], 1,
			                               0);
		} else {
			t->pool[t->npool++] = list[i];
		}
	}
	gnutls_free(list);
	return 0;
}

void
certinfo_trust_free(struct certinfo_trust *t)
{
	if (t->anchors)
		gnutls_x509_trust_list_deinit(t->anchors, 1);
	if (t->own_anchors)
		gnutls_x509_trust_list_deinit(t->own_anchors, 1);
	for (size_t i = 0; i < t->npool; i++)
		gnutls_x509_crt_deinit(t->pool[i]);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}

static char *
printable(const char *s, size_t n)
{
	return escape_bytes(s, n, FIELD_MAX);
}

static char *
hex(const unsigned char *p, size_t n)
{
	char *s = xmalloc(n * 2 + 1);

	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[n * 2] = '\0';
	return s;
}

/* hex of a digest of data, or NULL if GnuTLS cannot compute it */
static char *
digest_hex(gnutls_digest_algorithm_t alg, const void *data, size_t n)
{
	unsigned char md[64];

	if (gnutls_hash_get_len(alg) > sizeof(md) ||
	    gnutls_hash_fast(alg, data, n, md) < 0)
		return NULL;
	return hex(md, gnutls_hash_get_len(alg));
}

char *
certinfo_sha256_hex(const void *data, size_t n)
{
	return digest_hex(GNUTLS_DIG_SHA256, data, n);
}

/* The digests DANE TLSA records are made of: the whole certificate
 * (selector 0) and its SubjectPublicKeyInfo (selector 1). */
static void
read_dane_digests(gnutls_x509_crt_t crt, struct cert_facts *out)
{
	gnutls_datum_t der = {NULL, 0};
	gnutls_pubkey_t pub;

	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) >= 0) {
		out->sha512 = digest_hex(GNUTLS_DIG_SHA512, der.data, der.size);
		gnutls_free(der.data);
	}
	if (gnutls_pubkey_init(&pub) < 0)
		return;
	der.data = NULL;
	if (gnutls_pubkey_import_x509(pub, crt, 0) >= 0 &&
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der) >= 0) {
		out->spki_sha256 =
		    digest_hex(GNUTLS_DIG_SHA256, der.data, der.size);
		out->spki_sha512 =
		    digest_hex(GNUTLS_DIG_SHA512, der.data, der.size);
		gnutls_free(der.data);
	}
	gnutls_pubkey_deinit(pub);
}

static void
read_sans(gnutls_x509_crt_t crt, struct cert_facts *out)
{
	for (unsigned seq = 0; seq < 256; seq++) {
		char buf[1024];
		size_t size = sizeof(buf);
		unsigned crit = 0;
		int type = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf,
		                                                &size, &crit);
		char ip[INET6_ADDRSTRLEN];

		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			char *p = printable(buf, size);

			strlist_add(&out->dns_names, p);
			free(p);
		} else if (type == GNUTLS_SAN_IPADDRESS &&
		           (size == 4 || size == 16) &&
		           inet_ntop(size == 4 ? AF_INET : AF_INET6, buf, ip,
		                     sizeof(ip))) {
			strlist_add(&out->ip_addresses, ip);
		}
	}
}

_Static_assert(KU_DIGITAL_SIGNATURE == GNUTLS_KEY_DIGITAL_SIGNATURE &&
                   KU_KEY_ENCIPHERMENT == GNUTLS_KEY_KEY_ENCIPHERMENT &&
                   KU_KEY_AGREEMENT == GNUTLS_KEY_KEY_AGREEMENT &&
                   KU_DECIPHER_ONLY == GNUTLS_KEY_DECIPHER_ONLY,
               "keyUsage bits as GnuTLS has them");

static void
read_usages(gnutls_x509_crt_t crt, struct cert_facts *out)
{
	unsigned ku = 0, crit = 0;

	if (gnutls_x509_crt_get_key_usage(crt, &ku, &crit) >= 0) {
		out->key_usage_present = true;
		out->key_usage = ku;
	}
	for (unsigned i = 0; i < 32; i++) {
		char oid[128];
		size_t size = sizeof(oid);

		if (gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size,
		                                        &crit) < 0)
			break;
		strlist_add(&out->eku, oid);
	}
}

void
certinfo_facts(gnutls_x509_crt_t crt, struct cert_facts *out)
{
	gnutls_datum_t dn = {NULL, 0};
	unsigned char buf[512];
	size_t size;
	unsigned bits = 0, ca = 0;
	int alg, sig;
	const char *name;

	memset(out, 0, sizeof(*out));
	strlist_init(&out->eku);
	strlist_init(&out->dns_names);
	strlist_init(&out->ip_addresses);
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		out->subject = printable((const char *)dn.data, dn.size);
		gnutls_free(dn.data);
	}
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0) {
		out->issuer = printable((const char *)dn.data, dn.size);
		gnutls_free(dn.data);
	}
	/* the most specific (last) CN, as RFC 6125 §6.4.4 clients use it */
	for (unsigned i = 0; i < 16; i++) {
		char cn[256];

		size = sizeof(cn);
		if (gnutls_x509_crt_get_dn_by_oid(
		        crt, GNUTLS_OID_X520_COMMON_NAME, i, 0, cn, &size) < 0)
			break;
		free(out->common_name);
		out->common_name = printable(cn, size);
	}
	size = sizeof(buf);
	if (gnutls_x509_crt_get_serial(crt, buf, &size) >= 0)
		out->serial = hex(buf, size);
	size = sizeof(buf);
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, buf,
	                                    &size) >= 0)
		out->sha256 = hex(buf, size);
	out->not_before = gnutls_x509_crt_get_activation_time(crt);
	out->not_after = gnutls_x509_crt_get_expiration_time(crt);
	alg = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	name = alg >= 0 ? gnutls_pk_algorithm_get_name(alg) : NULL;
	out->key_algorithm = xstrdup(name ? name : "unknown");
	out->key_bits = bits;
	if (alg == GNUTLS_PK_ECDSA) {
		gnutls_ecc_curve_t curve;

		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, NULL, NULL) >=
		    0) {
			name = gnutls_ecc_curve_get_name(curve);
			out->curve = xstrdup(name ? name : "unknown");
		}
	}
	sig = gnutls_x509_crt_get_signature_algorithm(crt);
	name = sig >= 0 ? gnutls_sign_get_name(sig) : NULL;
	out->signature_algorithm = xstrdup(name ? name : "unknown");
	out->signature_weak =
	    sig < 0 ||
	    !gnutls_sign_is_secure2(sig, GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS);
	out->self_issued = gnutls_x509_crt_check_issuer(crt, crt) != 0;
	out->self_signed = out->self_issued && crt_is_self_signed(crt);
	if (gnutls_x509_crt_get_basic_constraints(crt, NULL, &ca, NULL) >= 0)
		out->is_ca = ca != 0;
	read_usages(crt, out);
	read_sans(crt, out);
	read_dane_digests(crt, out);
}

static unsigned
verify_path(gnutls_x509_trust_list_t anchors, gnutls_x509_crt_t *chain,
            size_t n, unsigned flags)
{
	gnutls_typed_vdata_st vd = {
	    .type = GNUTLS_DT_KEY_PURPOSE_OID,
	    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER,
	};
	unsigned st = 0;

	if (gnutls_x509_trust_list_verify_crt2(anchors, chain, (unsigned)n, &vd,
	                                       1, flags, &st, NULL) < 0)
		return GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
	return st;
}

/* Appends issuers from the pool until the chain ends in a self-issued
 * certificate or no issuer is known; returns how many were added. */
static size_t
complete_from_pool(const struct certinfo_trust *t, gnutls_x509_crt_t *chain,
                   size_t n, size_t max)
{
	size_t added = 0;

	while (n < max) {
		gnutls_x509_crt_t last = chain[n - 1];
		size_t i;

		if (gnutls_x509_crt_check_issuer(last, last))
			break;
		for (i = 0; i < t->npool; i++)
			if (gnutls_x509_crt_check_issuer(last, t->pool[i]))
				break;
		if (i == t->npool)
			break;
		chain[n++] = t->pool[i];
		added++;
	}
	return added;
}

/* Certificates fetched for one chain: AIA_HOPS issuers at most. */
#define AIA_HOPS 4

/* What --fetch-aia found, one clause per hop, for aia_fetch. */
static void note_fetch(struct chain_facts *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note_fetch(struct chain_facts *out, const char *fmt, ...)
{
	char buf[FIELD_MAX];
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = out->aia_fetch ? xasprintf("%s; %s", out->aia_fetch, buf)
	                   : xstrdup(buf);
	free(out->aia_fetch);
	out->aia_fetch = s;
}

/* Fetches the issuer of chain[n-1] from its caIssuers URL; returns it
 * (owned by the caller) or NULL, with the outcome noted. */
static gnutls_x509_crt_t
fetch_issuer(const struct certinfo_trust *t, gnutls_x509_crt_t top,
             struct chain_facts *out)
{
	gnutls_x509_crt_t got[AIAPATH_MAX_CERTS], found = NULL;
	char *url = aiapath_ca_issuers(top);
	const unsigned char *body;
	const char *err = "failed";
	size_t len = 0, k;

	if (!url) {
		note_fetch(out, "no AIA caIssuers URL to fetch");
		return NULL;
	}
	body = t->fetch(t->fetch_ctx, url, &len, &err);
	if (!body) {
		/* the reason may quote a server's Location header */
		char *why = escape_printable(err ? err : "failed", 512);

		note_fetch(out, "%s: %s", url, why);
		free(why);
		free(url);
		return NULL;
	}
	k = aiapath_parse(body, len, got, AIAPATH_MAX_CERTS);
	for (size_t i = 0; i < k; i++) {
		if (!found && gnutls_x509_crt_check_issuer(top, got[i]))
			found = got[i];
		else
			gnutls_x509_crt_deinit(got[i]);
	}
	if (!found)
		note_fetch(out, "%s: %s", url,
		           k ? "no certificate there issued the one before"
		             : "no certificate in DER, PEM or PKCS#7");
	else
		note_fetch(out, "%s: fetched %s", url,
		           crt_is_self_signed(found) ? "a self-signed root"
		                                     : "an intermediate");
	free(url);
	return found;
}

/* The top of the chain (sent, then --ca-file's intermediates) is issued
 * by a certificate known nowhere: records which, and with --fetch-aia
 * follows caIssuers up to AIA_HOPS issuers. The fetched certificates are
 * appended to chain and owned by fetched; returns the new length. */
static size_t
complete_from_aia(const struct certinfo_trust *t, gnutls_x509_crt_t *chain,
                  size_t n, size_t max, gnutls_x509_crt_t *fetched,
                  size_t *nfetched, struct chain_facts *out)
{
	gnutls_x509_crt_t top = chain[n - 1];
	gnutls_datum_t dn = {NULL, 0};
	unsigned ca = 0;
	bool top_is_ca;

	if (gnutls_x509_crt_check_issuer(top, top))
		return n;
	if (gnutls_x509_crt_get_issuer_dn3(top, &dn, 0) >= 0) {
		out->missing_issuer = printable((const char *)dn.data, dn.size);
		gnutls_free(dn.data);
	}
	out->missing_issuer_key_id = aiapath_key_id(top);
	out->aia_ca_issuers = aiapath_ca_issuers(top);
	/* Unfetched, a CA certificate on top is presumed to be issued by a
	 * root (an intermediate: the server sent all it should), an
	 * end-entity one by an intermediate (CA/B Forum BR 6.1.7: root keys
	 * sign no subscriber certificates). */
	top_is_ca =
	    gnutls_x509_crt_get_basic_constraints(top, NULL, &ca, NULL) >= 0 &&
	    ca;
	out->missing_issuer_is_root = top_is_ca;
	for (unsigned hop = 0; t->fetch && hop < AIA_HOPS && n < max; hop++) {
		gnutls_x509_crt_t got = fetch_issuer(t, chain[n - 1], out);

		if (!got)
			break;
		fetched[(*nfetched)++] = got;
		chain[n++] = got;
		if (hop == 0)
			out->missing_issuer_is_root = crt_is_self_signed(got);
		if (gnutls_x509_crt_check_issuer(got, got))
			break;
		n += complete_from_pool(t, chain, n, max);
		if ((verify_path(t->anchors, chain, n, path_flags) &
		     no_path_bits) == 0)
			break;
	}
	return n;
}

void
certinfo_chain(const struct certinfo_trust *t, const gnutls_datum_t *der,
               size_t n, struct chain_facts *out)
{
	gnutls_x509_crt_t chain[CHAIN_MAX * 2];
	gnutls_x509_crt_t fetched[AIA_HOPS];
	size_t imported = 0, added = 0, total, nfetched = 0;
	unsigned st;
	gnutls_datum_t txt = {NULL, 0};

	memset(out, 0, sizeof(*out));
	out->nsent = n;
	if (n > CHAIN_MAX)
		n = CHAIN_MAX;
	for (size_t i = 0; i < n; i++) {
		if (gnutls_x509_crt_init(&chain[imported]) < 0)
			break;
		if (gnutls_x509_crt_import(chain[imported], &der[i],
		                           GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(chain[imported]);
			break;
		}
		imported++;
	}
	if (imported == 0)
		return;
	out->certs = xcalloc(imported, sizeof(*out->certs));
	out->ncerts = imported;
	for (size_t i = 0; i < imported; i++)
		certinfo_facts(chain[i], &out->certs[i]);
	for (size_t i = 0; i + 1 < imported; i++)
		if (!gnutls_x509_crt_check_issuer(chain[i], chain[i + 1]))
			out->order_broken = true;

	/* the text an operator expects: GnuTLS' own full verification */
	st = verify_path(t->anchors, chain, imported, 0);
	out->verify_status = st;
	if (gnutls_certificate_verification_status_print(st, GNUTLS_CRT_X509,
	                                                 &txt, 0) >= 0) {
		out->verify_text =
		    escape_printable((const char *)txt.data, FIELD_MAX);
		gnutls_free(txt.data);
	}
	/* a clean full verification already proves the path; only a
	 * failing one needs the path-only pass (this is the hot spot) */
	if (out->verify_status != 0)
		st = verify_path(t->anchors, chain, imported, path_flags);
	out->trusted = (st & no_path_bits) == 0;
	if (!out->trusted && (st & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		added = complete_from_pool(t, chain, imported,
		                           sizeof(chain) / sizeof(chain[0]));
		if (added > 0 && (verify_path(t->anchors, chain,
		                              imported + added, path_flags) &
		                  no_path_bits) == 0) {
			out->trusted = true;
			out->needed_unsent_intermediates = true;
		}
	}
	total = imported + added;
	if (!out->trusted && (st & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		total = complete_from_aia(t, chain, total,
		                          sizeof(chain) / sizeof(chain[0]),
		                          fetched, &nfetched, out);
		if (nfetched > 0 &&
		    (verify_path(t->anchors, chain, total, path_flags) &
		     no_path_bits) == 0) {
			out->trusted = true;
			out->needed_fetched_intermediates = true;
		}
	}
	out->leaf_is_anchor = out->trusted && out->certs[0].self_signed;
	out->publicly_trusted =
	    out->trusted && !out->needed_unsent_intermediates &&
	    (!t->own_anchors ||
	     (verify_path(t->own_anchors, chain, total, path_flags) &
	      no_path_bits) != 0);
	for (size_t i = 0; i < imported; i++)
		gnutls_x509_crt_deinit(chain[i]);
	for (size_t i = 0; i < nfetched; i++)
		gnutls_x509_crt_deinit(fetched[i]);
}
