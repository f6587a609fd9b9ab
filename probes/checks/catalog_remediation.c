/*
 * Remediation advice per check (see catalog_remediation.h). The text is
 * data: generic advice in remediation_generic.inc, one table per product
 * in remediation_<product>.inc. Each product row names the setting and
 * cites the vendor page it was checked against, or says "(unverified)".
 */
#include "probes/checks/catalog_remediation.h"

#include <string.h>

#include "probes/checks/catalog.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const generic_advice[CHECK_COUNT] = {
#include "probes/checks/remediation_generic.inc"
};

struct product_row {
	enum check_id check;
	const char *text;
	const char *cite;
};

/* One row per check a product has its own setting for. */
#define ROW(name, text, cite)                                                  \
	{                                                                      \
		CHK_##name, text, cite                                         \
	}

/* The same cipher-list advice answers every cipher check. */
#define CIPHER_ROWS(text, cite)                                                \
	ROW(TLS_CIPHER_NULL_ANON_EXPORT, text, cite),                          \
	    ROW(TLS_CIPHER_RC4, text, cite),                                   \
	    ROW(TLS_CIPHER_64BIT_BLOCK, text, cite),                           \
	    ROW(TLS_CIPHER_NO_FORWARD_SECRECY, text, cite),                    \
	    ROW(TLS_CIPHER_CBC, text, cite),                                   \
	    ROW(TLS_CIPHER_NOT_NIST_APPROVED, text, cite)

#include "probes/checks/remediation_courier.inc"
#include "probes/checks/remediation_cyrus.inc"
#include "probes/checks/remediation_dovecot.inc"
#include "probes/checks/remediation_exchange.inc"
#include "probes/checks/remediation_mailutils.inc"
#include "probes/checks/remediation_nginx.inc"

struct product_table {
	const char *key;   /* struct impl_facts product key */
	const char *label; /* for people */
	const struct product_row *rows;
	size_t nrows;
};

#define PRODUCT(key, label, rows)                                              \
	{                                                                      \
		key, label, rows, ARRAY_LEN(rows)                              \
	}

static const struct product_table products[] = {
    PRODUCT("dovecot", "Dovecot", dovecot_rows),
    PRODUCT("exchange", "Microsoft Exchange", exchange_rows),
    PRODUCT("cyrus", "Cyrus IMAP", cyrus_rows),
    PRODUCT("courier", "Courier-IMAP", courier_rows),
    PRODUCT("mailutils", "GNU Mailutils", mailutils_rows),
    PRODUCT("nginx", "nginx mail proxy", nginx_rows),
};

static const char *const product_keys[] = {
    "dovecot", "exchange", "cyrus", "courier", "mailutils", "nginx",
};

static const struct product_table *
product_find(const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(products); i++)
		if (strcmp(products[i].key, key) == 0)
			return &products[i];
	return NULL;
}

bool
remediation_for(const struct check *c, const char *product,
                struct remediation *out)
{
	const struct product_table *p = product_find(product);
	size_t idx;

	memset(out, 0, sizeof(*out));
	out->product = product;
	if (c < catalog_checks || c >= catalog_checks + CHECK_COUNT)
		return false;
	idx = (size_t)(c - catalog_checks);
	out->generic = generic_advice[idx];
	for (size_t i = 0; p != NULL && i < p->nrows; i++)
		if ((size_t)p->rows[i].check == idx) {
			out->product_text = p->rows[i].text;
			out->product_cite = p->rows[i].cite;
			break;
		}
	return out->generic != NULL;
}

const char *const *
remediation_products(size_t *n_r)
{
	*n_r = ARRAY_LEN(product_keys);
	return product_keys;
}

bool
remediation_next_product(const struct check *c, size_t *cursor,
                         struct remediation *out)
{
	while (*cursor < ARRAY_LEN(product_keys))
		if (remediation_for(c, product_keys[(*cursor)++], out) &&
		    out->product_text)
			return true;
	return false;
}

const char *
remediation_product_label(const char *product)
{
	const struct product_table *p = product_find(product);

	return p ? p->label : product;
}
