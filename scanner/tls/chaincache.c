/* Chains already evaluated in this scan: see chaincache.h. */
#include "scanner/tls/chaincache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "scanner/core/xalloc.h"

#define KEY_LEN 32 /* SHA-256 */

struct cached_chain {
	uint8_t key[KEY_LEN];
	struct chain_facts facts;
};

struct chain_cache {
	pthread_mutex_t lock;
	struct cached_chain *v;
	size_t n, max, next; /* next: the slot a new chain replaces */
};

struct chain_cache *
chain_cache_new(size_t max)
{
	struct chain_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	c->max = max ? max : 1;
	c->v = xcalloc(c->max, sizeof(*c->v));
	return c;
}

void
chain_cache_free(struct chain_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		chain_facts_free(&c->v[i].facts);
	free(c->v);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* SHA-256 over each certificate's length and DER, in order: two chains
 * have the same key only if they are the same certificates. */
static bool
chain_key(const gnutls_datum_t *der, size_t n, uint8_t key[KEY_LEN])
{
	gnutls_hash_hd_t h;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t len[4] = {
		    (uint8_t)(der[i].size >> 24), (uint8_t)(der[i].size >> 16),
		    (uint8_t)(der[i].size >> 8), (uint8_t)der[i].size};

		gnutls_hash(h, len, sizeof(len));
		gnutls_hash(h, der[i].data, der[i].size);
	}
	gnutls_hash_deinit(h, key);
	return true;
}

static struct cached_chain *
find(struct chain_cache *c, const uint8_t key[KEY_LEN])
{
	for (size_t i = 0; i < c->n; i++)
		if (memcmp(c->v[i].key, key, KEY_LEN) == 0)
			return &c->v[i];
	return NULL;
}

void
chain_cache_facts(struct chain_cache *c, const struct certinfo_trust *t,
                  const gnutls_datum_t *der, size_t n, struct chain_facts *out)
{
	uint8_t key[KEY_LEN];
	struct cached_chain *e;

	if (!c || n == 0 || !chain_key(der, n, key)) {
		certinfo_chain(t, der, n, out);
		return;
	}
	pthread_mutex_lock(&c->lock);
	e = find(c, key);
	if (e)
		chain_facts_copy(out, &e->facts);
	pthread_mutex_unlock(&c->lock);
	if (e)
		return;
	/* evaluated outside the lock: two threads may both do it once */
	certinfo_chain(t, der, n, out);
	pthread_mutex_lock(&c->lock);
	if (!find(c, key)) {
		if (c->n < c->max) {
			e = &c->v[c->n++];
		} else {
			e = &c->v[c->next];
			chain_facts_free(&e->facts);
			if (++c->next == c->max)
				c->next = 0;
		}
		memcpy(e->key, key, KEY_LEN);
		chain_facts_copy(&e->facts, out);
	}
	pthread_mutex_unlock(&c->lock);
}
