/*
 * The fact tables of reports/json_fields.h and the writer that walks
 * them. The row order is the key order of the written document, which
 * same-json and the format tests compare byte for byte.
 */
#include "reports/json_fields.h"

#include "reports/json_build.h"
#include "scanner/core/result.h"

#define FIELD(st, key, type, member)                                           \
	{                                                                      \
		key, type, offsetof(struct st, member), 0, 0                   \
	}
#define NUMBER(st, key, type, member, max)                                     \
	{                                                                      \
		key, type, offsetof(struct st, member), max, 0                 \
	}
#define FLAGGED(st, key, type, member, max, flags)                             \
	{                                                                      \
		key, type, offsetof(struct st, member), max, flags             \
	}
#define SPECIAL(key)                                                           \
	{                                                                      \
		key, JF_SPECIAL, 0, 0, 0                                       \
	}

const struct json_field json_cert_fields[] = {
    FIELD(cert_facts, "subject", JF_STR, subject),
    FIELD(cert_facts, "issuer", JF_STR, issuer),
    FIELD(cert_facts, "common_name", JF_STR, common_name),
    FIELD(cert_facts, "serial", JF_STR, serial),
    FIELD(cert_facts, "sha256", JF_STR, sha256),
    FIELD(cert_facts, "not_before", JF_TIME, not_before),
    FIELD(cert_facts, "not_after", JF_TIME, not_after),
    FIELD(cert_facts, "key_algorithm", JF_STR, key_algorithm),
    NUMBER(cert_facts, "key_bits", JF_UINT, key_bits, 1 << 20),
    FIELD(cert_facts, "curve", JF_STR, curve),
    FIELD(cert_facts, "signature_algorithm", JF_STR, signature_algorithm),
    FIELD(cert_facts, "signature_weak", JF_BOOL, signature_weak),
    FIELD(cert_facts, "self_issued", JF_BOOL, self_issued),
    FIELD(cert_facts, "self_signed", JF_BOOL, self_signed),
    FIELD(cert_facts, "is_ca", JF_BOOL, is_ca),
    /* names of key_usage bits, or null without the extension */
    SPECIAL("key_usage"),
    FLAGGED(cert_facts, "extended_key_usage", JF_STRLIST, eku, 0, JF_SINCE),
    FIELD(cert_facts, "dns_names", JF_STRLIST, dns_names),
    FIELD(cert_facts, "ip_addresses", JF_STRLIST, ip_addresses),
    {NULL},
};

/* tls.certificate; its "chain" array follows these fields. */
const struct json_field json_chain_fields[] = {
    FIELD(chain_facts, "trusted", JF_BOOL, trusted),
    FIELD(chain_facts, "needed_unsent_intermediates", JF_BOOL,
          needed_unsent_intermediates),
    FIELD(chain_facts, "leaf_is_anchor", JF_BOOL, leaf_is_anchor),
    FLAGGED(chain_facts, "publicly_trusted", JF_BOOL, publicly_trusted, 0,
            JF_LAX),
    FIELD(chain_facts, "order_broken", JF_BOOL, order_broken),
    NUMBER(chain_facts, "verify_status", JF_UINT, verify_status, 4294967295.0),
    FIELD(chain_facts, "verify_text", JF_STR, verify_text),
    FLAGGED(chain_facts, "certificates_sent", JF_SIZE, nsent, 1e6, JF_SINCE),
    {NULL},
};

const struct json_field json_ocsp_fields[] = {
    FIELD(ocsp_facts, "status", JF_STR, status),
    FIELD(ocsp_facts, "matches_leaf", JF_BOOL, matches_leaf),
    FIELD(ocsp_facts, "signature_valid", JF_BOOL, signature_valid),
    FIELD(ocsp_facts, "this_update", JF_TIME_OPT, this_update),
    FIELD(ocsp_facts, "next_update", JF_TIME_OPT, next_update),
    FIELD(ocsp_facts, "revoked_at", JF_TIME_OPT, revoked_at),
    FIELD(ocsp_facts, "reason", JF_STR, reason),
    FIELD(ocsp_facts, "error", JF_STR, error),
    {NULL},
};

/* The handshake itself; "ocsp", "certificate" and the extra handshakes
 * follow as objects of their own. */
const struct json_field json_tls_fields[] = {
    FIELD(tls_facts, "version", JF_STR, version),
    FIELD(tls_facts, "cipher_suite", JF_STR, cipher_suite),
    FIELD(tls_facts, "kx", JF_STR, kx),
    FIELD(tls_facts, "description", JF_STR, description),
    FIELD(tls_facts, "error", JF_STR, error),
    FIELD(tls_facts, "ocsp_stapled", JF_BOOL, ocsp_stapled),
    {NULL},
};

const struct json_field json_no_sni_fields[] = {
    FIELD(no_sni_facts, "leaf_sha256", JF_STR, leaf_sha256),
    FIELD(no_sni_facts, "leaf_subject", JF_STR, leaf_subject),
    FIELD(no_sni_facts, "error", JF_STR, error),
    {NULL},
};

const struct json_field json_reneg_fields[] = {
    /* "accepted", "refused" or "not_assessed" */
    SPECIAL("outcome"),
    FIELD(reneg_facts, "detail", JF_STR, detail),
    {NULL},
};

const struct json_field json_early_data_fields[] = {
    FIELD(early_data_facts, "session_ticket", JF_BOOL, ticket),
    NUMBER(early_data_facts, "max_early_data", JF_SIZE, max_early_data,
           4294967295.0),
    FIELD(early_data_facts, "attempted", JF_BOOL, tried),
    FIELD(early_data_facts, "resumed", JF_BOOL, resumed),
    FIELD(early_data_facts, "accepted", JF_BOOL, accepted),
    FIELD(early_data_facts, "error", JF_STR, error),
    {NULL},
};

const struct json_field *const json_fact_tables[] = {
    json_cert_fields,       json_chain_fields,
    json_ocsp_fields,       json_tls_fields,
    json_no_sni_fields,     json_reneg_fields,
    json_early_data_fields, NULL,
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
