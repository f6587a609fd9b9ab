/*
 * Waiver files: strict parsing (a typo must not silently waive nothing or
 * everything), glob matching on endpoints and expiry by calendar date.
 */
#include "scanner/gate/waivers.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/fileio.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"

#define WAIVERS_MAX_BYTES (16u * 1024 * 1024)
#define REASON_MAX        1024
#define PATTERN_MAX       512

/* Messages quote the operator's file (and its name), which may hold any
 * byte: keep the one-line error a terminal and a CI log can show safely. */
static int
one_line(char *err)
{
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
			*c = '?';
	return -1;
}

static int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return one_line(err);
}

int
waiver_date_parse(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y = 0, m, d, dim;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12)
		return -1;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim)
		return -1;
	return y * 10000 + m * 100 + d;
}

/* A required, non-empty string member; NULL with a message otherwise. */
static const char *
get_string(const cJSON *o, const char *key, bool required, char *why,
           size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v)) {
		if (required)
			snprintf(why, whylen, "\"%s\" is missing", key);
		return NULL;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		snprintf(why, whylen, "\"%s\" must be a string", key);
		return NULL;
	}
	if (v->valuestring[strspn(v->valuestring, " \t")] == '\0') {
		snprintf(why, whylen, "\"%s\" is empty", key);
		return NULL;
	}
	return v->valuestring;
}

static void
waiver_free(struct waiver *w)
{
	free(w->endpoint);
	free(w->reason);
	free(w->expires);
	memset(w, 0, sizeof(*w));
}

/* One entry; 0 or -1 with the problem (without the prefix) in why. */
static int
parse_entry(const cJSON *o, struct waiver *w, char *why, size_t whylen)
{
	static const char *const keys[] = {"check", "endpoint", "reason",
	                                   "expires"};
	const char *id, *pattern = NULL, *reason, *expires;

	why[0] = '\0';
	if (!cJSON_IsObject(o))
		return errf(why, whylen, "not an object");
	for (const cJSON *k = o->child; k; k = k->next) {
		bool known = false;

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			known = known || strcmp(k->string, keys[i]) == 0;
		for (const cJSON *j = o->child; known && j != k; j = j->next)
			if (strcmp(j->string, k->string) == 0)
				return errf(why, whylen, "\"%s\" appears twice",
				            k->string);
		if (!known)
			return errf(why, whylen,
			            "unknown key \"%.64s\" (use check, "
			            "endpoint, reason, expires)",
			            k->string);
	}
	if (!(id = get_string(o, "check", true, why, whylen)))
		return -1;
	w->check = catalog_find(id);
	if (!w->check)
		return errf(why, whylen,
		            "unknown check id \"%.64s\" (see mailaudit "
		            "--list-checks --all)",
		            id);
	if (cJSON_GetObjectItemCaseSensitive(o, "endpoint") &&
	    !(pattern = get_string(o, "endpoint", false, why, whylen)))
		return -1;
	if (pattern) {
		if (strlen(pattern) > PATTERN_MAX)
			return errf(why, whylen,
			            "\"endpoint\" is longer than %d bytes",
			            PATTERN_MAX);
		if (!strchr(pattern, ':') && !strchr(pattern, '*'))
			return errf(why, whylen,
			            "\"endpoint\" \"%.64s\" names no port and "
			            "can match no endpoint: write "
			            "\"%.64s:*\" for all its ports",
			            pattern, pattern);
	}
	if (!(reason = get_string(o, "reason", true, why, whylen)))
		return -1;
	if (!(expires = get_string(o, "expires", true, why, whylen)))
		return -1;
	w->expires_ymd = waiver_date_parse(expires);
	if (w->expires_ymd < 0)
		return errf(why, whylen,
		            "\"expires\" \"%.32s\" is not a date "
		            "YYYY-MM-DD",
		            expires);
	w->endpoint = pattern ? xstrdup(pattern) : NULL;
	/* a reason ends up in every report format: keep it printable */
	w->reason = escape_printable(reason, REASON_MAX);
	w->expires = xstrdup(expires);
	return 0;
}

int
waivers_parse(const char *text, size_t len, const char *name,
              struct waiver_list *out, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *doc;
	const cJSON *arr;
	char why[256];
	size_t i = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!doc)
		return errf(err, errlen, "%s: not valid JSON (near byte %zu)",
		            name,
		            end && end >= text ? (size_t)(end - text) : 0);
	arr = doc;
	if (cJSON_IsObject(doc)) {
		for (const cJSON *k = doc->child; k; k = k->next)
			if (strcmp(k->string, "waivers") != 0) {
				errf(err, errlen,
				     "%s: unknown top-level key \"%.64s\" "
				     "(expected \"waivers\")",
				     name, k->string);
				goto out;
			}
		arr = cJSON_GetObjectItemCaseSensitive(doc, "waivers");
	}
	if (!cJSON_IsArray(arr)) {
		errf(err, errlen,
		     "%s: expected an array of waivers or {\"waivers\": [...]}",
		     name);
		goto out;
	}
	out->file = xstrdup(name);
	out->n = (size_t)cJSON_GetArraySize(arr);
	out->items = xcalloc(out->n ? out->n : 1, sizeof(*out->items));
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		if (parse_entry(e, &out->items[i], why, sizeof(why)) < 0) {
			errf(err, errlen, "%s: entry [%zu]: %s", name, i, why);
			goto out;
		}
		out->items[i].index = i;
	}
	rc = 0;
out:
	cJSON_Delete(doc);
	if (rc < 0)
		waivers_free(out);
	return rc;
}

int
waivers_load(const char *path, struct waiver_list *out, char *err,
             size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (read_capped(path, WAIVERS_MAX_BYTES, false, &buf, &len, err,
	                errlen) < 0)
		return one_line(err);
	rc = waivers_parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

void
waivers_free(struct waiver_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		waiver_free(&l->items[i]);
	free(l->items);
	free(l->file);
	memset(l, 0, sizeof(*l));
}

char *
waiver_endpoint_string(const struct endpoint *e, bool url, bool use_address)
{
	const char *h = use_address ? e->address : e->host;
	bool v6;

	if (!h)
		h = "";
	v6 = strchr(h, ':') != NULL;
	if (url)
		return xasprintf(
		    "%s://%s%s%s:%u", e->service ? e->service->name : "unknown",
		    v6 ? "[" : "", h, v6 ? "]" : "", (unsigned)e->port);
	return xasprintf("%s%s%s:%u", v6 ? "[" : "", h, v6 ? "]" : "",
	                 (unsigned)e->port);
}

/* '*' matches any run of characters, '?' one; everything else,
 * brackets included (IPv6 literals), is literal; case-insensitive. */
bool
waiver_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' ||
		           (*p && tolower((unsigned char)*p) ==
		                      tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static bool
glob_matches(const char *pattern, const struct endpoint *e, bool url,
             bool use_address)
{
	char *s = waiver_endpoint_string(e, url, use_address);
	bool m = waiver_glob(pattern, s);

	free(s);
	return m;
}

bool
waiver_matches(const struct waiver *w, const struct check *c,
               const struct endpoint *e)
{
	bool url;

	if (w->check != c)
		return false;
	if (!w->endpoint)
		return true;
	url = strstr(w->endpoint, "://") != NULL;
	return glob_matches(w->endpoint, e, url, false) ||
	       (e->address && *e->address &&
	        glob_matches(w->endpoint, e, url, true));
}

bool
waiver_is_expired(const struct waiver *w, int today)
{
	return today > w->expires_ymd;
}
