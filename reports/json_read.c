/*
 * JSON report -> struct scan_report, the inverse of reports/json.c. Every
 * field json.c writes is read back, so rendering a loaded report as JSON
 * gives the same document again (tests/unit/check_report_formats.c).
 */
#include "reports/json_read.h"
#include "scanner/tls/tlsaudit.h"
#include "scanner/tls/tlshello.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "probes/checks/catalog.h"
#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

#define REPORT_MAX_BYTES (256u * 1024 * 1024)

/* The parse state: on the first problem, fail() writes the message and
 * jumps back to report_load_buffer, which frees what was built. */
struct ctx {
	const char *name;
	char *err;
	size_t errlen;
	jmp_buf bail;
};

static void fail(struct ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

static void
fail(struct ctx *c, const char *path, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: %s: %s", c->name, path, why);
	longjmp(c->bail, 1);
}

/* "endpoints[3].tls" style paths for messages; bounded. */
struct path {
	char s[160];
};

static const char *
at(struct path *p, const char *base, const char *key, long idx)
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

static const cJSON *
member(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	struct path p;

	if (!v)
		fail(c, at(&p, base, key, -1), "missing");
	return v;
}

/* Peer text as printable ASCII: unchanged for what mailaudit wrote. */
static char *
clean(const char *s)
{
	return escape_printable(s, strlen(s) * 4 + 16);
}

/* The transcript: escaped text in lines that end in LF (the engine's
 * line separator); everything else as clean(). */
static char *
clean_lines(const char *s)
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
		char *c = clean(parts.items[i]);

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
static char *
opt_str(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring)
		fail(c, at(&p, base, key, -1), "expected a string or null");
	return clean(v->valuestring);
}

/* As opt_str, but the string itself (owned by the document). */
static const char *
opt_str_raw(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring)
		fail(c, at(&p, base, key, -1), "expected a string or null");
	return v->valuestring;
}

static char *
req_str(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (!cJSON_IsString(v) || !v->valuestring)
		fail(c, at(&p, base, key, -1), "expected a string");
	return clean(v->valuestring);
}

static double
req_num(struct ctx *c, const cJSON *o, const char *base, const char *key,
        double min, double max)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= min) ||
	    !(v->valuedouble <= max))
		fail(c, at(&p, base, key, -1),
		     "expected a number from %.0f to %.0f", min, max);
	return v->valuedouble;
}

static bool
req_bool(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (!cJSON_IsBool(v))
		fail(c, at(&p, base, key, -1), "expected true or false");
	return cJSON_IsTrue(v);
}

static const cJSON *
req_array(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (!cJSON_IsArray(v))
		fail(c, at(&p, base, key, -1), "expected an array");
	return v;
}

static const cJSON *
req_object(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	struct path p;

	if (!cJSON_IsObject(v))
		fail(c, at(&p, base, key, -1), "expected an object");
	return v;
}

/* An object, or NULL when the member is null or absent (a field newer
 * than the report); p is set to its path. */
static const cJSON *
opt_object(struct ctx *c, const cJSON *o, const char *base, const char *key,
           struct path *p)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	at(p, base, key, -1);
	if (!cJSON_IsObject(v))
		fail(c, p->s, "expected an object or null");
	return v;
}

/* "2024-05-01T12:00:00Z" or null (0). */
static time_t
opt_time(struct ctx *c, const cJSON *o, const char *base, const char *key)
{
	const cJSON *v = member(c, o, base, key);
	/* "YYYY-MM-DDTHH:MM:SSZ": digits at these offsets, these
	 * separators elsewhere */
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	const char *s;
	struct tm tm;
	struct path p;
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
		fail(c, at(&p, base, key, -1),
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

static void
load_strlist(struct ctx *c, const cJSON *o, const char *base, const char *key,
             struct strlist *out)
{
	const cJSON *arr = req_array(c, o, base, key);
	struct path p;
	long i = 0;

	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		char *s;

		if (!cJSON_IsString(e) || !e->valuestring)
			fail(c, at(&p, base, key, i), "expected a string");
		s = clean(e->valuestring);
		strlist_add(out, s);
		free(s);
	}
}

/* key_usage: null (or absent, in reports older than the field) when the
 * certificate has no keyUsage extension, else the RFC 5280 names. */
static void
load_key_usage(struct ctx *c, const cJSON *o, const char *base,
               struct cert_facts *cf)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "key_usage");
	struct path p;
	long i = 0;

	if (!arr || cJSON_IsNull(arr))
		return;
	if (!cJSON_IsArray(arr))
		fail(c, at(&p, base, "key_usage", -1), "expected an array");
	cf->key_usage_present = true;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		const char *name;
		unsigned bit = 0;
		size_t k = 0;

		while (
		    (name = key_usage_name(k, &bit)) &&
		    !(cJSON_IsString(e) && strcmp(e->valuestring, name) == 0))
			k++;
		if (!name)
			fail(c, at(&p, base, "key_usage", i),
			     "expected a keyUsage name");
		cf->key_usage |= bit;
	}
}

static void
load_cert(struct ctx *c, const cJSON *o, const char *base,
          struct cert_facts *cf)
{
	if (!cJSON_IsObject(o))
		fail(c, base, "expected an object");
	strlist_init(&cf->eku);
	strlist_init(&cf->dns_names);
	strlist_init(&cf->ip_addresses);
	cf->subject = opt_str(c, o, base, "subject");
	cf->issuer = opt_str(c, o, base, "issuer");
	cf->common_name = opt_str(c, o, base, "common_name");
	cf->serial = opt_str(c, o, base, "serial");
	cf->sha256 = opt_str(c, o, base, "sha256");
	cf->not_before = opt_time(c, o, base, "not_before");
	cf->not_after = opt_time(c, o, base, "not_after");
	cf->key_algorithm = opt_str(c, o, base, "key_algorithm");
	cf->key_bits = (unsigned)req_num(c, o, base, "key_bits", 0, 1 << 20);
	cf->curve = opt_str(c, o, base, "curve");
	cf->signature_algorithm = opt_str(c, o, base, "signature_algorithm");
	cf->signature_weak = req_bool(c, o, base, "signature_weak");
	cf->self_issued = req_bool(c, o, base, "self_issued");
	cf->self_signed = req_bool(c, o, base, "self_signed");
	cf->is_ca = req_bool(c, o, base, "is_ca");
	load_key_usage(c, o, base, cf);
	if (cJSON_GetObjectItemCaseSensitive(o, "extended_key_usage"))
		load_strlist(c, o, base, "extended_key_usage", &cf->eku);
	load_strlist(c, o, base, "dns_names", &cf->dns_names);
	load_strlist(c, o, base, "ip_addresses", &cf->ip_addresses);
}

/* tls.ocsp: null (or absent, in reports older than the field) when
 * nothing was stapled. */
static void
load_ocsp(struct ctx *c, const cJSON *t, const char *base,
          struct ocsp_facts *oc)
{
	const cJSON *o;
	struct path p;

	o = opt_object(c, t, base, "ocsp", &p);
	if (!o)
		return;
	oc->present = true;
	oc->status = opt_str(c, o, p.s, "status");
	oc->matches_leaf = req_bool(c, o, p.s, "matches_leaf");
	oc->signature_valid = req_bool(c, o, p.s, "signature_valid");
	oc->this_update = opt_time(c, o, p.s, "this_update");
	oc->next_update = opt_time(c, o, p.s, "next_update");
	oc->revoked_at = opt_time(c, o, p.s, "revoked_at");
	oc->reason = opt_str(c, o, p.s, "reason");
	oc->error = opt_str(c, o, p.s, "error");
}

/* tls.without_sni: null (or absent, in older reports) when no handshake
 * without SNI was made. */
static void
load_no_sni(struct ctx *c, const cJSON *t, const char *base,
            struct no_sni_facts *n)
{
	const cJSON *o;
	struct path p;

	o = opt_object(c, t, base, "without_sni", &p);
	if (!o)
		return;
	n->tried = true;
	n->leaf_sha256 = opt_str(c, o, p.s, "leaf_sha256");
	n->leaf_subject = opt_str(c, o, p.s, "leaf_subject");
	n->error = opt_str(c, o, p.s, "error");
	n->done = n->leaf_sha256 != NULL;
}

/* tls.renegotiation: null (or absent, in older reports) when none was
 * tried. */
static void
load_reneg(struct ctx *c, const cJSON *t, const char *base,
           struct reneg_facts *g)
{
	const cJSON *o;
	const char *outcome;
	struct path p;

	o = opt_object(c, t, base, "renegotiation", &p);
	if (!o)
		return;
	g->tried = g->decided = true;
	outcome = opt_str_raw(c, o, p.s, "outcome");
	if (outcome && strcmp(outcome, "accepted") == 0)
		g->outcome = RENEG_ACCEPTED;
	else if (outcome && strcmp(outcome, "refused") == 0)
		g->outcome = RENEG_REFUSED;
	else if (outcome && strcmp(outcome, "not_assessed") == 0)
		g->outcome = RENEG_NOT_ASSESSED;
	else
		fail(c, p.s,
		     "outcome: expected accepted, refused or not_assessed");
	g->detail = opt_str(c, o, p.s, "detail");
}

/* tls.early_data: null (or absent, in older reports) when the main
 * handshake was not looked at for a ticket. */
static void
load_early_data(struct ctx *c, const cJSON *t, const char *base,
                struct early_data_facts *ed)
{
	const cJSON *o;
	struct path p;

	o = opt_object(c, t, base, "early_data", &p);
	if (!o)
		return;
	ed->checked = true;
	ed->ticket = req_bool(c, o, p.s, "session_ticket");
	ed->max_early_data =
	    (size_t)req_num(c, o, p.s, "max_early_data", 0, 4294967295.0);
	ed->tried = req_bool(c, o, p.s, "attempted");
	ed->resumed = req_bool(c, o, p.s, "resumed");
	ed->accepted = req_bool(c, o, p.s, "accepted");
	ed->error = opt_str(c, o, p.s, "error");
}

static void load_audit(struct ctx *c, const cJSON *t, const char *base,
                       struct endpoint_result *r);

static void
load_tls(struct ctx *c, const cJSON *e, const char *base,
         struct endpoint_result *r)
{
	const cJSON *t = member(c, e, base, "tls"), *cert, *chain;
	struct path p, q;
	long n, i = 0;

	if (cJSON_IsNull(t))
		return;
	at(&p, base, "tls", -1);
	if (!cJSON_IsObject(t))
		fail(c, p.s, "expected an object or null");
	r->tls.version = opt_str(c, t, p.s, "version");
	r->tls.cipher_suite = opt_str(c, t, p.s, "cipher_suite");
	r->tls.kx = opt_str(c, t, p.s, "kx");
	r->tls.description = opt_str(c, t, p.s, "description");
	r->tls.error = opt_str(c, t, p.s, "error");
	r->tls.ocsp_stapled = req_bool(c, t, p.s, "ocsp_stapled");
	load_ocsp(c, t, p.s, &r->tls.ocsp);
	load_no_sni(c, t, p.s, &r->no_sni);
	load_reneg(c, t, p.s, &r->reneg);
	load_early_data(c, t, p.s, &r->early);
	/* json.c writes "tls" when a handshake completed or failed; the
	 * version is there exactly when it completed */
	r->tls.handshake_done = r->tls.version != NULL;
	r->tls_reached = r->tls.handshake_done;
	load_audit(c, t, p.s, r);
	cert = req_object(c, t, p.s, "certificate");
	at(&q, p.s, "certificate", -1);
	r->tls.chain.trusted = req_bool(c, cert, q.s, "trusted");
	r->tls.chain.needed_unsent_intermediates =
	    req_bool(c, cert, q.s, "needed_unsent_intermediates");
	r->tls.chain.leaf_is_anchor = req_bool(c, cert, q.s, "leaf_is_anchor");
	/* absent in reports older than the field */
	r->tls.chain.publicly_trusted = cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(cert, "publicly_trusted"));
	r->tls.chain.order_broken = req_bool(c, cert, q.s, "order_broken");
	r->tls.chain.verify_status =
	    (unsigned)req_num(c, cert, q.s, "verify_status", 0, 4294967295.0);
	r->tls.chain.verify_text = opt_str(c, cert, q.s, "verify_text");
	if (cJSON_GetObjectItemCaseSensitive(cert, "certificates_sent"))
		r->tls.chain.nsent =
		    (size_t)req_num(c, cert, q.s, "certificates_sent", 0, 1e6);
	chain = req_array(c, cert, q.s, "chain");
	n = cJSON_GetArraySize(chain);
	if (n > 64)
		fail(c, q.s, "more than 64 certificates in the chain");
	r->tls.chain.certs =
	    xcalloc(n ? (size_t)n : 1, sizeof(*r->tls.chain.certs));
	for (const cJSON *x = chain->child; x; x = x->next, i++) {
		struct path cp;

		/* counted as loaded before filling, so a failure frees it */
		r->tls.chain.ncerts = (size_t)i + 1;
		load_cert(c, x, at(&cp, q.s, "chain", i),
		          &r->tls.chain.certs[i]);
	}
}

static int
question_by_name(const char *name)
{
	for (int q = 0; q < TLSQ_COUNT; q++)
		if (strcmp(tls_question_name((enum tls_question)q), name) == 0)
			return q;
	return -1;
}

static uint16_t
suite_by_name(const char *name)
{
	size_t n;
	const struct tls_suite *t = tls_suite_table(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].id;
	if (strncmp(name, "0x", 2) == 0)
		return (uint16_t)strtoul(name + 2, NULL, 16);
	return 0;
}

static uint16_t
group_by_name(const char *name)
{
	for (unsigned id = 1; id < 0x2000; id++)
		if (strcmp(tls_group_name((uint16_t)id), name) == 0)
			return (uint16_t)id;
	return 0;
}

static enum tls_answer
answer_by_name(struct ctx *c, const char *path, const char *s)
{
	static const char *const names[] = {
	    [TLSA_UNASKED] = "not-asked",
	    [TLSA_ACCEPTED] = "accepted",
	    [TLSA_REFUSED] = "refused",
	    [TLSA_UNKNOWN] = "unknown",
	};

	for (int a = 0; a <= TLSA_UNKNOWN; a++)
		if (s && strcmp(s, names[a]) == 0)
			return (enum tls_answer)a;
	fail(c, path, "unknown answer");
	return TLSA_UNKNOWN;
}

/* The audit as json.c writes it; what the renderer reads is rebuilt, so
 * a re-rendered report is the same document. */
static void
load_audit(struct ctx *c, const cJSON *t, const char *base,
           struct endpoint_result *r)
{
	const cJSON *o;
	const cJSON *suites, *qs, *x, *ext;
	struct tls_audit *a;
	struct path p;
	char *depth;
	int d;

	o = opt_object(c, t, base, "audit", &p);
	if (!o)
		return;
	depth = req_str(c, o, p.s, "depth");
	d = tls_depth_parse(depth);
	free(depth);
	if (d <= TLS_DEPTH_OFF)
		fail(c, p.s, "unknown depth");
	a = r->tls_audit = xcalloc(1, sizeof(*a));
	tls_audit_init(a, (enum tls_depth)d,
	               (unsigned)req_num(c, o, p.s, "budget", 0, 1e6), 0);
	a->used = (unsigned)req_num(c, o, p.s, "connections", 0, 1e6);
	a->budget_exhausted = req_bool(c, o, p.s, "budget_exhausted");
	a->aborted = req_bool(c, o, p.s, "aborted");
	qs = req_array(c, o, p.s, "questions");
	for (x = qs->child; x; x = x->next) {
		char *name = req_str(c, x, p.s, "question");
		char *ans = req_str(c, x, p.s, "answer");
		char *detail = req_str(c, x, p.s, "detail");
		int q = question_by_name(name);

		if (q < 0)
			fail(c, p.s, "unknown question");
		a->q[q].answer = answer_by_name(c, p.s, ans);
		snprintf(a->q[q].detail, sizeof(a->q[q].detail), "%s", detail);
		free(name);
		free(ans);
		free(detail);
	}
	suites = req_object(c, o, p.s, "suites");
	for (size_t v = 0; v < a->nversions; v++) {
		struct tls_version_suites *vs = &a->by_version[v];
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(
		    suites, tls_version_name(vs->version));

		for (x = arr ? arr->child : NULL;
		     x && vs->n < TLSAUDIT_MAX_SUITES; x = x->next)
			if (cJSON_IsString(x) && x->valuestring)
				vs->suites[vs->n++] =
				    suite_by_name(x->valuestring);
	}
	a->q[TLSQ_DHE].dh_bits =
	    (unsigned)req_num(c, o, p.s, "dh_bits", 0, 1e6);
	x = cJSON_GetObjectItemCaseSensitive(o, "weak_curve_accepted");
	if (cJSON_IsString(x) && x->valuestring)
		a->q[TLSQ_WEAK_CURVES].curve = group_by_name(x->valuestring);
	ext = cJSON_GetObjectItemCaseSensitive(o, "extensions");
	if (cJSON_IsObject(ext)) {
		struct tls_question_result *b = &a->q[TLSQ_TLS12];
		static const struct {
			const char *key;
			unsigned bit;
		} bits[] = {
		    {"renegotiation_info", TLSHELLO_EXT_RENEGOTIATION_INFO},
		    {"extended_master_secret",
		     TLSHELLO_EXT_EXTENDED_MASTER_SECRET},
		    {"encrypt_then_mac", TLSHELLO_EXT_ENCRYPT_THEN_MAC},
		    {"heartbeat", TLSHELLO_EXT_HEARTBEAT},
		};

		b->version = TLS_VERSION_1_2;
		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
			if (req_bool(c, ext, p.s, bits[i].key))
				b->ext_seen |= bits[i].bit;
		b->ocsp_stapled = req_bool(c, ext, p.s, "status_request");
		b->compression =
		    (uint8_t)req_num(c, ext, p.s, "compression", 0, 255);
	}
}

static void
load_finding(struct ctx *c, struct loaded_report *l, const cJSON *o,
             const char *base, struct endpoint_result *r)
{
	const struct check *chk;
	char *id, *sev_s, *reason;
	int sev;
	struct finding *f;

	if (!cJSON_IsObject(o))
		fail(c, base, "expected an object");
	id = req_str(c, o, base, "check");
	chk = catalog_find(id);
	if (!chk) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%.64s", id);
		free(id);
		fail(c, base, "unknown check id \"%s\"", msg);
	}
	free(id);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].check == chk)
			fail(c, base, "check %s appears twice on the endpoint",
			     chk->id);
	sev_s = req_str(c, o, base, "severity");
	sev = severity_parse(sev_s);
	free(sev_s);
	if (sev < 0)
		fail(c, base, "unknown severity");
	if (r->nfindings == r->findings_cap) {
		r->findings_cap = r->findings_cap ? r->findings_cap * 2 : 4;
		r->findings = xreallocarray(r->findings, r->findings_cap,
		                            sizeof(*r->findings));
	}
	f = &r->findings[r->nfindings];
	memset(f, 0, sizeof(*f));
	f->check = chk;
	f->severity = (enum severity)sev;
	r->nfindings++;
	f->evidence = opt_str(c, o, base, "evidence");
	/* title and references come from the catalog when rendering */
	(void)req_array(c, o, base, "references");
	/* absent in reports written before gates existed */
	if (!cJSON_GetObjectItemCaseSensitive(o, "gate_fail"))
		return;
	f->gate_fail = req_bool(c, o, base, "gate_fail");
	f->waived = req_bool(c, o, base, "waived");
	reason = opt_str(c, o, base, "waiver_reason");
	if (reason) {
		strlist_add(&l->reasons, reason);
		free(reason);
		f->waiver_reason = l->reasons.items[l->reasons.n - 1];
	}
}

static void
load_endpoint(struct ctx *c, struct loaded_report *l, const cJSON *e,
              const char *base, struct endpoint_result *r)
{
	const cJSON *caps, *findings;
	const char *raw;
	char *s;
	struct path p;
	long i = 0;
	int status = -1;

	if (!cJSON_IsObject(e))
		fail(c, base, "expected an object");
	r->endpoint.host = req_str(c, e, base, "host");
	r->endpoint.address = req_str(c, e, base, "address");
	r->endpoint.port = (uint16_t)req_num(c, e, base, "port", 0, 65535);
	r->endpoint.host_is_ip =
	    strchr(r->endpoint.host, ':') ||
	    strspn(r->endpoint.host, "0123456789.") == strlen(r->endpoint.host);
	s = opt_str(c, e, base, "service");
	if (s) {
		r->endpoint.service = service_by_name(s);
		free(s);
		if (!r->endpoint.service)
			fail(c, at(&p, base, "service", -1),
			     "unknown service (use imap, imaps, pop3, pop3s)");
	}
	s = req_str(c, e, base, "status");
	for (int k = 0; k < EP_STATUS_COUNT; k++)
		if (strcmp(s, endpoint_status_name((enum endpoint_status)k)) ==
		    0)
			status = k;
	/* the name of EP_STATUS_REJECTED before it became "throttled" */
	if (status < 0 && strcmp(s, "rejected") == 0)
		status = EP_STATUS_REJECTED;
	free(s);
	if (status < 0)
		fail(c, at(&p, base, "status", -1), "unknown status");
	r->status = (enum endpoint_status)status;
	r->status_detail = opt_str(c, e, base, "status_detail");
	r->banner = opt_str(c, e, base, "banner");
	caps = req_object(c, e, base, "capabilities");
	at(&p, base, "capabilities", -1);
	load_strlist(c, caps, p.s, "before_tls", &r->caps_before_tls);
	load_strlist(c, caps, p.s, "after_tls", &r->caps_after_tls);
	load_tls(c, e, base, r);
	/* absent in reports written before these fields existed */
	if (cJSON_GetObjectItemCaseSensitive(e, "tls_reached"))
		r->tls_reached = req_bool(c, e, base, "tls_reached");
	if (cJSON_GetObjectItemCaseSensitive(e, "connections"))
		r->connections =
		    (unsigned)req_num(c, e, base, "connections", 0, 1e9);
	findings = req_array(c, e, base, "findings");
	for (const cJSON *f = findings->child; f; f = f->next, i++)
		load_finding(c, l, f, at(&p, base, "findings", i), r);
	r->duration_s = req_num(c, e, base, "duration_s", 0, 1e9);
	raw = opt_str_raw(c, e, base, "transcript");
	r->transcript = raw ? clean_lines(raw) : NULL;
}

static void
load_gate(struct ctx *c, const cJSON *root, struct loaded_report *l)
{
	const cJSON *profiles =
	    cJSON_GetObjectItemCaseSensitive(root, "profiles");
	const cJSON *w, *expired;
	struct path p;
	long i = 0;

	if (!profiles)
		return;
	l->has_gate = true;
	l->gate.threshold = l->fail_on;
	l->gate.exit_code = l->exit_code;
	if (!cJSON_IsArray(profiles))
		fail(c, "profiles", "expected an array");
	l->gate.profiles = xcalloc((size_t)cJSON_GetArraySize(profiles) + 1,
	                           sizeof(*l->gate.profiles));
	for (const cJSON *x = profiles->child; x; x = x->next, i++) {
		if (!cJSON_IsString(x) || !x->valuestring)
			fail(c, at(&p, "", "profiles", i), "expected a string");
		l->gate.profiles[l->gate.nprofiles++] = clean(x->valuestring);
	}
	l->gate.allow_incomplete = req_bool(c, root, "", "allow_incomplete");
	w = req_object(c, root, "", "waivers");
	l->gate.waivers_file = opt_str(c, w, "waivers", "file");
	l->gate.waivers_total =
	    (size_t)req_num(c, w, "waivers", "entries", 0, 1e9);
	expired = req_array(c, w, "waivers", "expired");
	i = 0;
	for (const cJSON *x = expired->child; x; x = x->next, i++) {
		struct gate_expired *g;

		at(&p, "waivers", "expired", i);
		if (!cJSON_IsObject(x))
			fail(c, p.s, "expected an object");
		l->gate.expired =
		    xreallocarray(l->gate.expired, l->gate.nexpired + 1,
		                  sizeof(*l->gate.expired));
		g = &l->gate.expired[l->gate.nexpired++];
		memset(g, 0, sizeof(*g));
		g->index = (size_t)req_num(c, x, p.s, "index", 0, 1e9);
		g->check = req_str(c, x, p.s, "check");
		g->endpoint = opt_str(c, x, p.s, "endpoint");
		g->reason = req_str(c, x, p.s, "reason");
		g->expires = req_str(c, x, p.s, "expires");
		g->findings = (size_t)req_num(c, x, p.s, "findings", 0, 1e12);
	}
}

static void
load_scanner(struct ctx *c, const cJSON *root, struct loaded_report *l)
{
	const cJSON *sc = req_object(c, root, "", "scanner");
	const cJSON *params = req_array(c, sc, "scanner", "parameters");
	struct path p;
	size_t n = 0;
	long i = 0;

	l->version = opt_str(c, sc, "scanner", "version");
	l->rep.scanner_version = l->version;
	l->parameters = xcalloc((size_t)cJSON_GetArraySize(params) + 1,
	                        sizeof(*l->parameters));
	for (const cJSON *x = params->child; x; x = x->next, i++) {
		if (!cJSON_IsString(x) || !x->valuestring)
			fail(c, at(&p, "scanner", "parameters", i),
			     "expected a string");
		l->parameters[n++] = clean(x->valuestring);
	}
	l->rep.argv_summary = l->parameters;
	{
		const cJSON *d =
		    cJSON_GetObjectItemCaseSensitive(sc, "tls_depth");
		int depth = cJSON_IsString(d) && d->valuestring
		                ? tls_depth_parse(d->valuestring)
		                : -1;

		/* a static name, so the report needs no storage for it */
		l->rep.tls_depth =
		    depth >= 0 ? tls_depth_name((enum tls_depth)depth) : NULL;
		if (cJSON_GetObjectItemCaseSensitive(sc, "passive"))
			l->rep.passive = req_bool(c, sc, "scanner", "passive");
	}
}

static void
load_root(struct ctx *c, const cJSON *root, struct loaded_report *l)
{
	const cJSON *eps;
	char *schema, *fail_on;
	struct path p;
	long n, i = 0;

	if (!cJSON_IsObject(root))
		fail(c, "(top level)", "expected an object");
	schema = req_str(c, root, "", "schema");
	if (strcmp(schema, "mailaudit/1") != 0) {
		free(schema);
		fail(c, "schema", "not a mailaudit/1 report");
	}
	free(schema);
	load_scanner(c, root, l);
	l->rep.started.tv_sec = opt_time(c, root, "", "started");
	l->rep.finished.tv_sec = opt_time(c, root, "", "finished");
	fail_on = opt_str(c, root, "", "fail_on");
	l->fail_on = fail_on ? severity_parse(fail_on) : -1;
	free(fail_on);
	if (l->fail_on >= 0)
		l->rep.fail_on = severity_name((enum severity)l->fail_on);
	else if (cJSON_IsString(
	             cJSON_GetObjectItemCaseSensitive(root, "fail_on")))
		fail(c, "fail_on", "unknown severity");
	l->exit_code = (int)req_num(c, root, "", "exit_code", 0, 255);
	if (cJSON_GetObjectItemCaseSensitive(root, "partial"))
		l->rep.partial = req_bool(c, root, "", "partial");
	load_gate(c, root, l);
	eps = req_array(c, root, "", "endpoints");
	n = cJSON_GetArraySize(eps);
	l->rep.results = xcalloc(n ? (size_t)n : 1, sizeof(*l->rep.results));
	for (const cJSON *e = eps->child; e; e = e->next, i++) {
		endpoint_result_init(&l->rep.results[i]);
		l->rep.nresults = (size_t)i + 1;
		load_endpoint(c, l, e, at(&p, "", "endpoints", i),
		              &l->rep.results[i]);
	}
}

/* A --format jsonl report turned into the document --format json writes:
 * endpoint records become "endpoints", the summary record gives the top
 * level, host records are dropped (they are derived). NULL when text is
 * not JSON Lines (its first line is not a record with a "type"). */
/* not inlined: its locals must not share report_load_buffer's frame,
 * which setjmp/longjmp restore */
static __attribute__((noinline)) cJSON *
jsonl_document(const char *text, size_t len)
{
	const char *p = text, *stop = text + len;
	cJSON *root = NULL, *eps = NULL;

	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(stop - p);
		cJSON *rec = n ? cJSON_ParseWithLength(p, n) : NULL;
		const char *t = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(rec, "type"));
		/* decided before "type" is deleted with its string */
		int type = !t                           ? -1
		           : strcmp(t, "endpoint") == 0 ? 0
		           : strcmp(t, "summary") == 0  ? 1
		                                        : 2;

		p += n + 1;
		if (n == 0)
			continue;
		if (type < 0) {
			cJSON_Delete(rec);
			cJSON_Delete(root);
			return NULL;
		}
		if (!root) {
			root = cJSON_CreateObject();
			eps = cJSON_CreateArray();
		}
		cJSON_DeleteItemFromObjectCaseSensitive(rec, "type");
		if (type == 0) {
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "schema");
			cJSON_AddItemToArray(eps, rec);
		} else if (type == 1) {
			/* its fields, in order, with "endpoints" before
			 * "summary" as in the document */
			for (cJSON *f = rec->child; f;) {
				cJSON *next = f->next;

				cJSON_DetachItemViaPointer(rec, f);
				if (strcmp(f->string, "summary") == 0) {
					cJSON_AddItemToObject(root, "endpoints",
					                      eps);
					eps = NULL;
				}
				cJSON_AddItemToObject(root, f->string, f);
				f = next;
			}
			cJSON_Delete(rec);
			cJSON_ReplaceItemInObjectCaseSensitive(
			    root, "schema", cJSON_CreateString("mailaudit/1"));
		} else {
			cJSON_Delete(rec);
		}
	}
	if (eps) { /* no summary record: not a complete JSON Lines report */
		cJSON_Delete(eps);
		cJSON_Delete(root);
		root = NULL;
	}
	return root;
}

/* A JSON document, or a JSON Lines report turned into one. */
static __attribute__((noinline)) cJSON *
parse_report(const char *text, size_t len, const char **end)
{
	cJSON *root = jsonl_document(text, len);

	return root ? root : cJSON_ParseWithLengthOpts(text, len, end, false);
}

int
report_load_buffer(const char *text, size_t len, const char *name,
                   struct loaded_report *out, char *err, size_t errlen)
{
	struct ctx c = {.name = name, .err = err, .errlen = errlen};
	const char *end = NULL;
	cJSON *const root = parse_report(text, len, &end);

	memset(out, 0, sizeof(*out));
	out->fail_on = -1;
	out->gate.threshold = -1;
	strlist_init(&out->reasons);
	if (!root) {
		snprintf(err, errlen, "%s: not valid JSON (near byte %zu)",
		         name, end && end >= text ? (size_t)(end - text) : 0);
		return -1;
	}
	if (setjmp(c.bail)) {
		cJSON_Delete(root);
		report_load_free(out);
		return -1;
	}
	load_root(&c, root, out);
	cJSON_Delete(root);
	return 0;
}

int
report_load_file(const char *path, struct loaded_report *out, char *err,
                 size_t errlen)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		         strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			if (cap >= REPORT_MAX_BYTES) {
				snprintf(err, errlen,
				         "%s: larger than %u bytes", path,
				         REPORT_MAX_BYTES);
				if (!is_stdin)
					fclose(f);
				free(buf);
				return -1;
			}
			cap = cap ? cap * 2 : 65536;
			buf = xreallocarray(buf, cap, 1);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		         strerror(errno));
		if (!is_stdin)
			fclose(f);
		free(buf);
		return -1;
	}
	if (!is_stdin)
		fclose(f);
	rc = report_load_buffer(buf ? buf : "", len, path, out, err, errlen);
	free(buf);
	return rc;
}

void
report_load_free(struct loaded_report *l)
{
	for (size_t i = 0; i < l->rep.nresults; i++)
		endpoint_result_free(&l->rep.results[i]);
	free(l->rep.results);
	free(l->version);
	for (size_t i = 0; l->parameters && l->parameters[i]; i++)
		free(l->parameters[i]);
	free(l->parameters);
	strlist_free(&l->reasons);
	gate_summary_free(&l->gate);
	memset(l, 0, sizeof(*l));
	l->fail_on = -1;
	l->gate.threshold = -1;
}
