/* HTTP GET of AIA caIssuers URLs with libcurl: bounded, cached, http://
 * only, redirects followed only on the same host and port. */
#include "scanner/net/aiafetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scanner/core/xalloc.h"

struct aia_entry {
	char *url;
	unsigned char *body; /* NULL: the fetch failed */
	size_t len;
	char *err;
};

struct aiafetch {
	struct aia_entry entries[AIAFETCH_MAX_URLS];
	size_t n;
	long spent_ms; /* fetching so far, for AIAFETCH_BUDGET_MS */
	/* --threads: the engine threads share the cache; one fetches at a
	 * time, and one that wants a URL being fetched waits for it */
	pthread_mutex_t lock;
};

struct body {
	unsigned char *p;
	size_t len;
	int too_big;
};

struct aiafetch *
aiafetch_new(char *err, size_t errlen)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl setup failed: %s",
		         curl_easy_strerror(rc));
		return NULL;
	}
	struct aiafetch *f = xcalloc(1, sizeof(*f));

	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void
aiafetch_free(struct aiafetch *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->entries[i].url);
		free(f->entries[i].body);
		free(f->entries[i].err);
	}
	pthread_mutex_destroy(&f->lock);
	free(f);
	curl_global_cleanup();
}

static size_t
on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (n > AIAFETCH_MAX_BYTES - b->len) {
		b->too_big = 1;
		return 0; /* libcurl aborts with CURLE_WRITE_ERROR */
	}
	b->p = xreallocarray(b->p, b->len + n + 1, 1);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return n;
}

/* host and port of url, for the same-host redirect rule */
static char *
host_port(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *s = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	        CURLUE_OK)
		s = xasprintf("%s:%s", host, port);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return s;
}

int
aiafetch_url_ok(const char *url)
{
	char *hp;

	if (!url || strncasecmp(url, "http://", 7) != 0 || strlen(url) > 1024)
		return 0;
	hp = host_port(url);
	free(hp);
	return hp != NULL;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One GET without following redirects; a 3xx leaves its target in
 * *location. Returns NULL (body in b) or the reason. */
static char *
get_once(const char *url, long timeout_ms, struct body *b, char **location)
{
	CURL *c = curl_easy_init();
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	long code = 0;
	char *loc = NULL;
	char *why = NULL;

	if (!c)
		return xstrdup("libcurl: cannot make a handle");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	                 (curl_off_t)AIAFETCH_MAX_BYTES);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mailaudit");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (b->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		why = xasprintf("larger than %d bytes", AIAFETCH_MAX_BYTES);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		why = xasprintf("no answer within %ld ms", timeout_ms);
	else if (rc != CURLE_OK)
		why = xstrdup(*errbuf ? errbuf : curl_easy_strerror(rc));
	else if (code >= 300 && code < 400 &&
	         curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) ==
	             CURLE_OK &&
	         loc)
		*location = xstrdup(loc);
	else if (code != 200)
		why = xasprintf("HTTP status %ld", code);
	curl_easy_cleanup(c);
	return why;
}

/* The whole fetch of one URL, redirects included. */
static char *
fetch(struct aiafetch *f, const char *url, struct body *b)
{
	char *cur = xstrdup(url), *origin = host_port(url), *why = NULL;

	for (int hop = 0;; hop++) {
		long left = AIAFETCH_BUDGET_MS - f->spent_ms,
		     started = now_ms();
		char *location = NULL, *to;

		if (left <= 0) {
			why = xasprintf("the scan's %d ms of AIA fetching are "
			                "spent",
			                AIAFETCH_BUDGET_MS);
			break;
		}
		free(b->p);
		memset(b, 0, sizeof(*b));
		why = get_once(cur,
		               left < AIAFETCH_TIMEOUT_MS ? left
		                                          : AIAFETCH_TIMEOUT_MS,
		               b, &location);
		f->spent_ms += now_ms() - started;
		if (why || !location)
			break;
		to = host_port(location);
		if (!to || !origin || strcmp(to, origin) != 0 ||
		    strncasecmp(location, "http://", 7) != 0)
			why = xasprintf("redirected off the host to %.200s",
			                location);
		else if (hop >= AIAFETCH_MAX_REDIRECTS)
			why = xasprintf("more than %d redirects",
			                AIAFETCH_MAX_REDIRECTS);
		free(to);
		free(cur);
		cur = location;
		if (why)
			break;
	}
	free(cur);
	free(origin);
	return why;
}

static const unsigned char *
get_locked(struct aiafetch *f, const char *url, size_t *len, const char **err)
{
	struct aia_entry *e;
	struct body b = {NULL, 0, 0};

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->entries[i].url, url) == 0) {
			e = &f->entries[i];
			*len = e->len;
			*err = e->err;
			return e->body;
		}
	if (!aiafetch_url_ok(url)) {
		*err = "not an http:// URL; only those are fetched";
		return NULL;
	}
	if (f->n == AIAFETCH_MAX_URLS) {
		*err = "not fetched: the scan fetched as many URLs as it "
		       "may (AIAFETCH_MAX_URLS)";
		return NULL;
	}
	e = &f->entries[f->n++];
	e->url = xstrdup(url);
	e->err = fetch(f, url, &b);
	if (e->err) {
		free(b.p);
	} else {
		e->body = b.p ? b.p : xcalloc(1, 1);
		e->len = b.len;
	}
	*len = e->len;
	*err = e->err;
	return e->body;
}

const unsigned char *
aiafetch_get(void *ctx, const char *url, size_t *len, const char **err)
{
	struct aiafetch *f = ctx;
	const unsigned char *body;

	pthread_mutex_lock(&f->lock);
	body = get_locked(f, url, len, err);
	pthread_mutex_unlock(&f->lock);
	return body;
}
