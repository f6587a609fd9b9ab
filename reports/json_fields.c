/*
 * The fact tables of reports/json_fields.h and the writer that walks
 * them. The row order is the key order of the written document, which
 * same-json and the format tests compare byte for byte.
 */
#include "reports/json_fields.h"

#include "reports/json_build.h"
#include "scanner/core/result.h"

/* The offset of a struct's member, for the rows below. */
#define AT(st, member) offsetof(struct st, member)

const struct json_field json_cert_fields[] = {
    {"subject", JF_STR, AT(cert_facts, subject)},
    {"issuer", JF_STR, AT(cert_facts, issuer)},
    {"common_name", JF_STR, AT(cert_facts, common_name)},
    {"serial", JF_STR, AT(cert_facts, serial)},
    {"sha256", JF_STR, AT(cert_facts, sha256)},
    {"not_before", JF_TIME, AT(cert_facts, not_before)},
    {"not_after", JF_TIME, AT(cert_facts, not_after)},
    {"key_algorithm", JF_STR, AT(cert_facts, key_algorithm)},
    {"key_bits", JF_UINT, AT(cert_facts, key_bits), 1 << 20},
    {"curve", JF_STR, AT(cert_facts, curve)},
    {"signature_algorithm", JF_STR, AT(cert_facts, signature_algorithm)},
    {"signature_weak", JF_BOOL, AT(cert_facts, signature_weak)},
    {"self_issued", JF_BOOL, AT(cert_facts, self_issued)},
    {"self_signed", JF_BOOL, AT(cert_facts, self_signed)},
    {"is_ca", JF_BOOL, AT(cert_facts, is_ca)},
    /* a bit set written as RFC 5280 names, null without the extension */
    {"key_usage", JF_SPECIAL},
    {"extended_key_usage", JF_STRLIST, AT(cert_facts, eku), 0, JF_SINCE},
    {"dns_names", JF_STRLIST, AT(cert_facts, dns_names)},
    {"ip_addresses", JF_STRLIST, AT(cert_facts, ip_addresses)},
    {NULL},
};

/* tls.certificate; its "chain" array follows these fields. */
const struct json_field json_chain_fields[] = {
    {"trusted", JF_BOOL, AT(chain_facts, trusted)},
    {"needed_unsent_intermediates", JF_BOOL,
     AT(chain_facts, needed_unsent_intermediates)},
    {"leaf_is_anchor", JF_BOOL, AT(chain_facts, leaf_is_anchor)},
    {"publicly_trusted", JF_BOOL, AT(chain_facts, publicly_trusted), 0, JF_LAX},
    {"order_broken", JF_BOOL, AT(chain_facts, order_broken)},
    {"verify_status", JF_UINT, AT(chain_facts, verify_status), 4294967295.0},
    {"verify_text", JF_STR, AT(chain_facts, verify_text)},
    {"certificates_sent", JF_SIZE, AT(chain_facts, nsent), 1e6, JF_SINCE},
    /* issue #12: the issuer an incomplete chain lacks */
    {"missing_issuer", JF_STR, AT(chain_facts, missing_issuer), 0, JF_SINCE},
    {"missing_issuer_key_id", JF_STR, AT(chain_facts, missing_issuer_key_id), 0,
     JF_SINCE},
    {"missing_issuer_is_root", JF_BOOL, AT(chain_facts, missing_issuer_is_root),
     0, JF_SINCE},
    {"aia_ca_issuers", JF_STR, AT(chain_facts, aia_ca_issuers), 0, JF_SINCE},
    {"aia_fetch", JF_STR, AT(chain_facts, aia_fetch), 0, JF_SINCE},
    {"needed_fetched_intermediates", JF_BOOL,
     AT(chain_facts, needed_fetched_intermediates), 0, JF_SINCE},
    {NULL},
};

const struct json_field json_ocsp_fields[] = {
    {"status", JF_STR, AT(ocsp_facts, status)},
    {"matches_leaf", JF_BOOL, AT(ocsp_facts, matches_leaf)},
    {"signature_valid", JF_BOOL, AT(ocsp_facts, signature_valid)},
    {"this_update", JF_TIME_OPT, AT(ocsp_facts, this_update)},
    {"next_update", JF_TIME_OPT, AT(ocsp_facts, next_update)},
    {"revoked_at", JF_TIME_OPT, AT(ocsp_facts, revoked_at)},
    {"reason", JF_STR, AT(ocsp_facts, reason)},
    {"error", JF_STR, AT(ocsp_facts, error)},
    {NULL},
};

/* The handshake itself; "ocsp", "certificate" and the extra handshakes
 * follow as objects of their own. */
const struct json_field json_tls_fields[] = {
    {"version", JF_STR, AT(tls_facts, version)},
    {"cipher_suite", JF_STR, AT(tls_facts, cipher_suite)},
    {"kx", JF_STR, AT(tls_facts, kx)},
    {"description", JF_STR, AT(tls_facts, description)},
    {"error", JF_STR, AT(tls_facts, error)},
    {"ocsp_stapled", JF_BOOL, AT(tls_facts, ocsp_stapled)},
    {NULL},
};

const struct json_field json_no_sni_fields[] = {
    {"leaf_sha256", JF_STR, AT(no_sni_facts, leaf_sha256)},
    {"leaf_subject", JF_STR, AT(no_sni_facts, leaf_subject)},
    {"error", JF_STR, AT(no_sni_facts, error)},
    {NULL},
};

const struct json_field json_reneg_fields[] = {
    /* "accepted", "refused", or "not_assessed" also when undecided */
    {"outcome", JF_SPECIAL},
    {"detail", JF_STR, AT(reneg_facts, detail)},
    {NULL},
};

const struct json_field json_early_data_fields[] = {
    {"session_ticket", JF_BOOL, AT(early_data_facts, ticket)},
    {"max_early_data", JF_SIZE, AT(early_data_facts, max_early_data),
     4294967295.0},
    {"attempted", JF_BOOL, AT(early_data_facts, tried)},
    {"resumed", JF_BOOL, AT(early_data_facts, resumed)},
    {"accepted", JF_BOOL, AT(early_data_facts, accepted)},
    {"error", JF_STR, AT(early_data_facts, error)},
    {NULL},
};

/* The recognised server software (issue #12); the object is null when
 * nothing was recognised. */
const struct json_field json_impl_fields[] = {
    {"product", JF_STR, AT(impl_facts, product)},
    {"version", JF_STR, AT(impl_facts, version)},
    {"confidence", JF_UINT, AT(impl_facts, confidence), 100},
    {"evidence", JF_STR, AT(impl_facts, evidence)},
    {NULL},
};

const struct json_field *const json_fact_tables[] = {
    json_cert_fields,       json_chain_fields,  json_ocsp_fields,
    json_tls_fields,        json_no_sni_fields, json_reneg_fields,
    json_early_data_fields, json_impl_fields,   NULL,
};

bool
jf_add_time(cJSON *o, const char *key, time_t t)
{
	struct tm tm;
	char buf[64];

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return jb_add_str(o, key, NULL);
	return jb_add_str(o, key, buf);
}

bool
jf_add_strlist(cJSON *o, const char *key, const struct strlist *l)
{
	cJSON *arr = cJSON_AddArrayToObject(o, key);

	if (!arr)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (!jb_push_str(arr, l->items[i]))
			return false;
	return true;
}

static bool
write_field(cJSON *o, const struct json_field *f, const void *s,
            json_special_write special)
{
	const char *p = (const char *)s + f->off;
	time_t t;

	switch (f->type) {
	case JF_STR:
		return jb_add_str(o, f->key, *(char *const *)(const void *)p);
	case JF_TIME:
		return jf_add_time(o, f->key, *(const time_t *)(const void *)p);
	case JF_TIME_OPT:
		t = *(const time_t *)(const void *)p;
		return t ? jf_add_time(o, f->key, t)
		         : jb_add_str(o, f->key, NULL);
	case JF_BOOL:
		return cJSON_AddBoolToObject(
		           o, f->key, *(const bool *)(const void *)p) != NULL;
	case JF_UINT:
		return cJSON_AddNumberToObject(
		           o, f->key, *(const unsigned *)(const void *)p) !=
		       NULL;
	case JF_SIZE:
		return cJSON_AddNumberToObject(
		           o, f->key,
		           (double)*(const size_t *)(const void *)p) != NULL;
	case JF_STRLIST:
		return jf_add_strlist(o, f->key,
		                      (const struct strlist *)(const void *)p);
	case JF_SPECIAL:
		break;
	}
	return special && special(o, f->key, s);
}

bool
jf_write(cJSON *o, const struct json_field *t, const void *s,
         json_special_write special)
{
	for (; t->key; t++)
		if (!write_field(o, t, s, special))
			return false;
	return true;
}
