/*
 * The saved-report reader's parse state and typed getters
 * (reports/json_read_ctx.h).
 */
#include "reports/json_read_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

void
jr_fail(struct jr_ctx *c, const char *path, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: %s: %s", c->name, path, why);
	longjmp(c->bail, 1);
}

const char *
jr_at(struct jr_path *p, const char *base, const char *key, long idx)
{
	int n;

	if (idx >= 0)
		n = snprintf(p->s, sizeof(p->s), "%s%s%s[%ld]", base,
		             *base && key ? "." : "", key ? key : "", idx);
	else
		n = snprintf(p->s, sizeof(p->s), "%s%s%s", base,
		             *base ? "." : "", key);
	/* a path this deep does not occur; keep the message bounded */
	if (n < 0 || (size_t)n >= sizeof(p->s))
		memcpy(p->s + sizeof(p->s) - 4, "...", 4);
	return p->s;
}

const cJSON *
jr_member(struct jr_ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	struct jr_path p;

	if (!v)
		jr_fail(c, jr_at(&p, base, key, -1), "missing");
	return v;
}

/* Peer text as printable ASCII: unchanged for what mailaudit wrote. */
char *
jr_clean(const char *s)
{
	return escape_printable(s, strlen(s) * 4 + 16);
}

/* The transcript: escaped text in lines that end in LF (the engine's
 * line separator); everything else as jr_clean(). */
char *
jr_clean_lines(const char *s)
{
	struct strlist parts;
	char *out;
	size_t len = 0;

	strlist_init(&parts);
	for (;;) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);

		strlist_add(&parts, line);
		free(line);
		if (!s[n])
			break;
		s += n + 1;
	}
	for (size_t i = 0; i < parts.n; i++) {
		char *c = jr_clean(parts.items[i]);

		free(parts.items[i]);
		parts.items[i] = c;
		len += strlen(c) + 1;
	}
	out = xmalloc(len + 1);
	out[0] = '\0';
	len = 0;
	for (size_t i = 0; i < parts.n; i++) {
		size_t n = strlen(parts.items[i]);

		memcpy(out + len, parts.items[i], n);
		len += n;
		if (i + 1 < parts.n)
			out[len++] = '\n';
	}
	out[len] = '\0';
	strlist_free(&parts);
	return out;
}

/* A string or null (NULL); escaped copy. */
char *
jr_opt_str(struct jr_ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring)
		jr_fail(c, jr_at(&p, base, key, -1),
		        "expected a string or null");
	return jr_clean(v->valuestring);
}

/* As opt_str, but the string itself (owned by the document). */
const char *
jr_opt_str_raw(struct jr_ctx *c, const cJSON *o, const char *base,
               const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring)
		jr_fail(c, jr_at(&p, base, key, -1),
		        "expected a string or null");
	return v->valuestring;
}

char *
jr_req_str(struct jr_ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (!cJSON_IsString(v) || !v->valuestring)
		jr_fail(c, jr_at(&p, base, key, -1), "expected a string");
	return jr_clean(v->valuestring);
}

double
jr_req_num(struct jr_ctx *c, const cJSON *o, const char *base, const char *key,
           double min, double max)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= min) ||
	    !(v->valuedouble <= max))
		jr_fail(c, jr_at(&p, base, key, -1),
		        "expected a number from %.0f to %.0f", min, max);
	return v->valuedouble;
}

bool
jr_req_bool(struct jr_ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (!cJSON_IsBool(v))
		jr_fail(c, jr_at(&p, base, key, -1), "expected true or false");
	return cJSON_IsTrue(v);
}

const cJSON *
jr_req_array(struct jr_ctx *c, const cJSON *o, const char *base,
             const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (!cJSON_IsArray(v))
		jr_fail(c, jr_at(&p, base, key, -1), "expected an array");
	return v;
}

const cJSON *
jr_req_object(struct jr_ctx *c, const cJSON *o, const char *base,
              const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	struct jr_path p;

	if (!cJSON_IsObject(v))
		jr_fail(c, jr_at(&p, base, key, -1), "expected an object");
	return v;
}

/* An object, or NULL when the member is null or absent (a field newer
 * than the report); p is set to its path. */
const cJSON *
jr_opt_object(struct jr_ctx *c, const cJSON *o, const char *base,
              const char *key, struct jr_path *p)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	jr_at(p, base, key, -1);
	if (!cJSON_IsObject(v))
		jr_fail(c, p->s, "expected an object or null");
	return v;
}

/* "2024-05-01T12:00:00Z" or null (0). */
time_t
jr_opt_time(struct jr_ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = jr_member(c, o, base, key);
	/* "YYYY-MM-DDTHH:MM:SSZ": digits at these offsets, these
	 * separators elsewhere */
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	const char *s;
	struct tm tm;
	struct jr_path p;
	int f[6] = {0}, k = 0;

	if (cJSON_IsNull(v))
		return 0;
	s = cJSON_IsString(v) ? v->valuestring : NULL;
	for (size_t i = 0; s && i < sizeof(shape); i++) {
		if (shape[i] == 'd' && s[i] >= '0' && s[i] <= '9') {
			f[k] = f[k] * 10 + (s[i] - '0');
			continue;
		}
		if (shape[i] == 'd' || s[i] != shape[i]) {
			s = NULL;
			break;
		}
		k += shape[i] != 'Z' && shape[i] != '\0';
	}
	if (!s || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60)
		jr_fail(c, jr_at(&p, base, key, -1),
		        "expected a time YYYY-MM-DDTHH:MM:SSZ or null");
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	return timegm(&tm);
}

void
jr_strlist(struct jr_ctx *c, const cJSON *o, const char *base, const char *key,
           struct strlist *out)
{
	const cJSON *arr = jr_req_array(c, o, base, key);
	struct jr_path p;
	long i = 0;

	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		char *s;

		if (!cJSON_IsString(e) || !e->valuestring)
			jr_fail(c, jr_at(&p, base, key, i),
			        "expected a string");
		s = jr_clean(e->valuestring);
		strlist_add(out, s);
		free(s);
	}
}

static void
read_field(struct jr_ctx *c, const cJSON *o, const char *base,
           const struct json_field *f, void *s, json_special_read special)
{
	char *p = (char *)s + f->off;
	const cJSON *v;

	if ((f->flags & JF_SINCE) &&
	    !cJSON_GetObjectItemCaseSensitive(o, f->key))
		return;
	switch (f->type) {
	case JF_STR:
		*(char **)(void *)p = jr_opt_str(c, o, base, f->key);
		return;
	case JF_TIME:
	case JF_TIME_OPT:
		*(time_t *)(void *)p = jr_opt_time(c, o, base, f->key);
		return;
	case JF_BOOL:
		if (f->flags & JF_LAX) {
			v = cJSON_GetObjectItemCaseSensitive(o, f->key);
			*(bool *)(void *)p = cJSON_IsTrue(v);
		} else
			*(bool *)(void *)p = jr_req_bool(c, o, base, f->key);
		return;
	case JF_UINT:
		*(unsigned *)(void *)p =
		    (unsigned)jr_req_num(c, o, base, f->key, 0, f->max);
		return;
	case JF_SIZE:
		*(size_t *)(void *)p =
		    (size_t)jr_req_num(c, o, base, f->key, 0, f->max);
		return;
	case JF_STRLIST:
		jr_strlist(c, o, base, f->key, (struct strlist *)(void *)p);
		return;
	case JF_SPECIAL:
		break;
	}
	special(c, o, base, f->key, s);
}

void
jr_fields(struct jr_ctx *c, const cJSON *o, const char *base,
          const struct json_field *t, void *s, json_special_read special)
{
	for (; t->key; t++)
		read_field(c, o, base, t, s, special);
}
