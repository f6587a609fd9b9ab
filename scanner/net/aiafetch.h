/*
 * --fetch-aia (issue #12): fetching the certificate at an AIA caIssuers
 * URL over plain HTTP with libcurl, the only libcurl user. Every fetch is
 * bounded (AIAFETCH_MAX_BYTES, AIAFETCH_TIMEOUT_MS, same-host redirects
 * only, AIAFETCH_MAX_REDIRECTS), the scan as a whole too
 * (AIAFETCH_MAX_URLS distinct URLs, AIAFETCH_BUDGET_MS of fetching), and
 * each URL is fetched once per scan: its body or its failure is cached.
 * Fetches are synchronous on the event loop (see README, "--fetch-aia").
 */
#ifndef MAILAUDIT_SCANNER_NET_AIAFETCH_H
#define MAILAUDIT_SCANNER_NET_AIAFETCH_H

#include <stddef.h>

#define AIAFETCH_MAX_BYTES     65536
#define AIAFETCH_TIMEOUT_MS    2000
#define AIAFETCH_BUDGET_MS     10000
#define AIAFETCH_MAX_URLS      16
#define AIAFETCH_MAX_REDIRECTS 3

struct aiafetch;

/* NULL with a reason in err if libcurl cannot be set up. Call before any
 * thread is started (curl_global_init). */
struct aiafetch *aiafetch_new(char *err, size_t errlen);
void aiafetch_free(struct aiafetch *f);

/* The body at url, owned by f, or NULL with a printable reason in *err
 * (also owned by f). ctx is the struct aiafetch (the tls_fetch_fn
 * shape). */
const unsigned char *aiafetch_get(void *ctx, const char *url, size_t *len,
                                  const char **err);

/* Whether url is one aiafetch_get tries: http://, with a host. */
int aiafetch_url_ok(const char *url);

#endif
