/*
 * TLS audit planner: which ClientHello to send next, and what the answers
 * mean. One hello per connection; the order puts the questions whose
 * answers decide later ones first (versions before cipher classes). The
 * questions a compliant server refuses are asked as groups first (see
 * question_groups): a refused group answers all its members in one
 * connection, any other answer splits it into the single questions.
 */
#include "scanner/tls/tlsaudit.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/xalloc.h"
#include "scanner/tls/tlsaudit_offer.h"

static const char *const question_names[TLSQ_COUNT] = {
    [TLSQ_TLS13] = "TLS 1.3",
    [TLSQ_TLS12] = "TLS 1.2",
    [TLSQ_TLS11] = "TLS 1.1",
    [TLSQ_TLS10] = "TLS 1.0",
    [TLSQ_SSL3] = "SSL 3.0",
    [TLSQ_SSL2] = "SSL 2.0",
    [TLSQ_NULL_ANON_EXPORT] = "NULL/anonymous/export suites",
    [TLSQ_RC4] = "RC4 suites",
    [TLSQ_64BIT] = "64-bit block suites",
    [TLSQ_NO_FS] = "suites without forward secrecy",
    [TLSQ_CBC] = "CBC suites",
    [TLSQ_DHE] = "DHE with the server's own prime",
    [TLSQ_WEAK_CURVES] = "ECDHE with curves below 256 bits",
    [TLSQ_WEAK_FIRST] = "legacy suites offered first",
    [TLSQ_ALPN] = "ALPN http/1.1 only",
    [TLSQ_ENUMERATE] = "suite enumeration",
};

static const uint16_t version_of_question[] = {
    [TLSQ_TLS13] = TLS_VERSION_1_3, [TLSQ_TLS12] = TLS_VERSION_1_2,
    [TLSQ_TLS11] = TLS_VERSION_1_1, [TLSQ_TLS10] = TLS_VERSION_1_0,
    [TLSQ_SSL3] = TLS_VERSION_SSL3, [TLSQ_SSL2] = TLS_VERSION_SSL2,
};

static const uint16_t ec_groups[] = {TLS_GROUP_X25519, TLS_GROUP_SECP256R1,
                                     TLS_GROUP_SECP384R1, TLS_GROUP_SECP521R1};
/* sect163k1 .. secp224r1: every named curve below 256 bits */
static const uint16_t weak_curves[] = {1,  2,  3,  4,  5,  6,  7, 8,
                                       15, 16, 17, 18, 19, 20, 21};

/* Group testing (issue #13). A group's hello offers the union of its
 * members' offers under the first member's version cap and extensions,
 * so a server that would take any member's hello takes the group's: a
 * refusal (alert or close) is every member's refusal, recorded with the
 * same detail the member's own hello would have had from a server that
 * refuses alike. A ServerHello, a timeout or anything odd splits the
 * group, and its members are asked one by one exactly as before: every
 * accepted class keeps its own evidence. */
struct question_group {
	enum tls_question first, last; /* the members: first .. last */
	bool ec_groups_only; /* no FFDHE groups: DHE shows its own prime */
};

static const struct question_group question_groups[] = {
    /* capped at TLS 1.1: a server of 1.1, 1.0 or SSL 3.0 answers */
    {TLSQ_TLS11, TLSQ_SSL3, false},
    /* every weak class and DHE, at the best legacy version */
    {TLSQ_NULL_ANON_EXPORT, TLSQ_DHE, true},
};
#define NGROUPS (sizeof(question_groups) / sizeof(question_groups[0]))

const char *
tls_question_name(enum tls_question q)
{
	return q < TLSQ_COUNT ? question_names[q] : "?";
}

const char *
tls_depth_name(enum tls_depth d)
{
	return d == TLS_DEPTH_OFF     ? "off"
	       : d == TLS_DEPTH_QUICK ? "quick"
	                              : "full";
}

int
tls_depth_parse(const char *s)
{
	if (strcasecmp(s, "off") == 0)
		return TLS_DEPTH_OFF;
	if (strcasecmp(s, "quick") == 0)
		return TLS_DEPTH_QUICK;
	if (strcasecmp(s, "full") == 0)
		return TLS_DEPTH_FULL;
	return -1;
}

void
tls_audit_init(struct tls_audit *a, enum tls_depth depth, unsigned budget,
               uint16_t main_version)
{
	static const uint16_t order[] = {TLS_VERSION_1_3, TLS_VERSION_1_2,
	                                 TLS_VERSION_1_1, TLS_VERSION_1_0,
	                                 TLS_VERSION_SSL3};

	memset(a, 0, sizeof(*a));
	a->depth = depth;
	a->budget = budget;
	a->main_version = main_version;
	a->nversions = 5;
	for (size_t i = 0; i < 5; i++)
		a->by_version[i].version = order[i];
	if (main_version == TLS_VERSION_1_3) {
		a->q[TLSQ_TLS13].answer = TLSA_ACCEPTED;
		a->q[TLSQ_TLS13].version = TLS_VERSION_1_3;
		snprintf(a->q[TLSQ_TLS13].detail,
		         sizeof(a->q[TLSQ_TLS13].detail),
		         "negotiated by the main handshake");
	}
}

struct tls_audit_plan *
tls_audit_plan_new(struct tls_audit *a)
{
	struct tls_audit_plan *pl = xcalloc(1, sizeof(*pl));

	pl->a = a;
	pl->enum_version = -1;
	pl->asking = TLSQ_COUNT;
	pl->group = -1;
	pl->resume = -1;
	pl->offered = xcalloc(TLSAUDIT_MAX_OFFER, sizeof(*pl->offered));
	return pl;
}

void
tls_audit_plan_free(struct tls_audit_plan *pl)
{
	if (!pl)
		return;
	free(pl->offered);
	free(pl);
}

enum tls_answer
tls_audit_version(const struct tls_audit *a, uint16_t v)
{
	for (int q = TLSQ_TLS13; q <= TLSQ_SSL2; q++)
		if (version_of_question[q] == v)
			return a->q[q].answer;
	return TLSA_UNASKED;
}

/* The highest version below 1.3 the server accepted: class questions are
 * asked there (cipher suites are a TLS <= 1.2 notion). 0 if none. */
static uint16_t
best_legacy(const struct tls_audit *a)
{
	for (int q = TLSQ_TLS12; q <= TLSQ_SSL3; q++)
		if (a->q[q].answer == TLSA_ACCEPTED)
			return version_of_question[q];
	return 0;
}

/* The ALPACA probe: a web protocol, which no mail server speaks. */
static const char *const alpn_http[] = {"http/1.1"};

/* Sets up the hello for question q; returns false to skip it. */
static bool
prepare(struct tls_audit_plan *pl, enum tls_question q,
        struct tlshello_params *p)
{
	struct tls_audit *a = pl->a;
	uint16_t v = best_legacy(a);

	memset(p, 0, sizeof(*p));
	p->ext = TLSHELLO_EXT_DEFAULT;
	p->scsv_renegotiation = false;
	switch (q) {
	case TLSQ_TLS13:
		if (a->main_version == TLS_VERSION_1_3)
			return false; /* answered by the main handshake */
		v = TLS_VERSION_1_3;
		offer_tls13(pl, p);
		break;
	case TLSQ_TLS12:
	case TLSQ_TLS11:
	case TLSQ_TLS10:
	case TLSQ_SSL3:
		v = version_of_question[q];
		select_suites(pl, v, 0, TLS_SUITE_TLS13);
		order_strong_first(pl);
		p->client_version = v;
		if (q == TLSQ_TLS12) {
			/* the broad question also asks about compression
			 * and the extensions a hardened server echoes */
			p->compression_deflate = true;
			p->ext |= TLSHELLO_EXT_HEARTBEAT |
			          TLSHELLO_EXT_TRUNCATED_HMAC;
		}
		if (q == TLSQ_SSL3)
			p->ext = 0; /* SSLv3 hellos carry no extensions */
		break;
	case TLSQ_SSL2:
		pl->asking_version = TLS_VERSION_SSL2;
		pl->noffered = 0;
		return true;
	case TLSQ_NULL_ANON_EXPORT:
	case TLSQ_RC4:
	case TLSQ_64BIT:
	case TLSQ_NO_FS:
	case TLSQ_CBC: {
		static const unsigned req[] = {
		    [TLSQ_RC4] = TLS_SUITE_RC4,
		    [TLSQ_64BIT] = TLS_SUITE_64BIT_BLOCK,
		    [TLSQ_NO_FS] = TLS_SUITE_NO_FS,
		    [TLSQ_CBC] = TLS_SUITE_CBC,
		};
		static const unsigned excl[] = {
		    [TLSQ_RC4] = 0,
		    [TLSQ_64BIT] =
		        TLS_SUITE_NULL | TLS_SUITE_ANON | TLS_SUITE_EXPORT,
		    [TLSQ_NO_FS] = TLS_SUITE_NULL | TLS_SUITE_ANON |
		                   TLS_SUITE_EXPORT | TLS_SUITE_RC4 |
		                   TLS_SUITE_64BIT_BLOCK,
		    [TLSQ_CBC] =
		        TLS_SUITE_NULL | TLS_SUITE_ANON | TLS_SUITE_EXPORT,
		};

		if (!v)
			return false;
		if (q == TLSQ_NULL_ANON_EXPORT) {
			/* three flags, any of them: select each and join */
			size_t n = 0;
			unsigned flags[] = {TLS_SUITE_NULL, TLS_SUITE_ANON,
			                    TLS_SUITE_EXPORT};

			for (size_t i = 0; i < 3; i++) {
				uint16_t tmp[128];
				size_t k =
				    tls_suites_select(v, flags[i], 0, tmp, 128);

				for (size_t j = 0; j < k && j < 128; j++) {
					bool dup = false;

					for (size_t m = 0; m < n && !dup; m++)
						dup = pl->offered[m] == tmp[j];
					if (!dup && n < 512)
						pl->offered[n++] = tmp[j];
				}
			}
			pl->noffered = n;
		} else {
			select_suites(pl, v, req[q], excl[q]);
		}
		p->client_version = v;
		break;
	}
	case TLSQ_DHE:
		if (!v)
			return false;
		select_suites(pl, v, TLS_SUITE_DHE,
		              TLS_SUITE_ANON | TLS_SUITE_EXPORT);
		p->client_version = v;
		p->groups = ec_groups;
		p->ngroups = sizeof(ec_groups) / sizeof(ec_groups[0]);
		break;
	case TLSQ_WEAK_CURVES:
		if (!v)
			return false;
		select_suites(pl, v, TLS_SUITE_ECDHE, TLS_SUITE_ANON);
		p->client_version = v;
		p->groups = weak_curves;
		p->ngroups = sizeof(weak_curves) / sizeof(weak_curves[0]);
		break;
	case TLSQ_WEAK_FIRST:
		if (!v || !weak_first_offer(pl, v))
			return false;
		p->client_version = v;
		break;
	case TLSQ_ALPN:
		/* the best version the server speaks, so that nothing but
		 * the protocol name can be the reason to refuse */
		if (tls_audit_version(a, TLS_VERSION_1_3) == TLSA_ACCEPTED) {
			v = TLS_VERSION_1_3;
			offer_tls13(pl, p);
		} else if (v) {
			select_suites(pl, v, 0, TLS_SUITE_TLS13);
			order_strong_first(pl);
			p->client_version = v;
		} else {
			return false;
		}
		p->alpn = alpn_http;
		p->nalpn = 1;
		p->ext |= TLSHELLO_EXT_ALPN;
		break;
	case TLSQ_ENUMERATE: /* handled by next_enumeration */
	case TLSQ_COUNT:
		return false;
	}
	if (pl->noffered == 0)
		return false;
	if (v != TLS_VERSION_SSL3)
		p->scsv_renegotiation =
		    !(p->ext & TLSHELLO_EXT_RENEGOTIATION_INFO);
	pl->asking_version = v;
	return true;
}

/* The group whose first member is q, not yet asked; -1 if none. */
static int
group_at(const struct tls_audit_plan *pl, int q)
{
	for (size_t g = 0; g < NGROUPS; g++)
		if ((int)question_groups[g].first == q &&
		    !(pl->groups_asked & (1u << g)))
			return (int)g;
	return -1;
}

/* Sets up group g's hello: the first member's, offering every member's
 * suites. False when fewer than two members would be asked, or when the
 * server took no hello of ours at TLS 1.2 or 1.3: only a server that
 * parses our extensions and speaks a newer version is known to answer a
 * lower one as a member's own hello would be answered (an old server
 * may choke on a version or an extension it does not know, and then
 * every member is asked alone, as before). */
static bool
prepare_group(struct tls_audit_plan *pl, int g, struct tlshello_params *p)
{
	const struct question_group *grp = &question_groups[g];
	struct tls_audit *a = pl->a;
	uint16_t *all;
	struct tlshello_params mp;
	uint16_t version = 0;
	size_t n = 0, members = 0;

	if (a->q[TLSQ_TLS12].answer != TLSA_ACCEPTED &&
	    a->q[TLSQ_TLS13].answer != TLSA_ACCEPTED)
		return false;
	all = xcalloc(TLSAUDIT_MAX_OFFER, sizeof(*all));

	for (int q = grp->first; q <= (int)grp->last; q++) {
		if (!prepare(pl, (enum tls_question)q, &mp))
			continue;
		if (members++ == 0) {
			*p = mp;
			version = pl->asking_version;
		}
		for (size_t i = 0; i < pl->noffered; i++) {
			bool dup = false;

			for (size_t j = 0; j < n && !dup; j++)
				dup = all[j] == pl->offered[i];
			if (!dup && n < TLSAUDIT_MAX_OFFER)
				all[n++] = pl->offered[i];
		}
	}
	memcpy(pl->offered, all, n * sizeof(*all));
	free(all);
	pl->noffered = n;
	pl->asking_version = version;
	if (members < 2)
		return false;
	if (grp->ec_groups_only) {
		p->groups = ec_groups;
		p->ngroups = sizeof(ec_groups) / sizeof(ec_groups[0]);
	}
	return true;
}

void
tls_audit_plan_known(struct tls_audit_plan *pl, uint16_t version,
                     uint16_t suite)
{
	int slot = version_slot(version);

	if (slot >= 0)
		pl->known[slot] = suite;
}

/* Full depth: the next version whose suites are not all known, with the
 * found ones (and the one a library handshake took) left out of the
 * offer. */
static bool
next_enumeration(struct tls_audit_plan *pl, struct tlshello_params *p)
{
	struct tls_audit *a = pl->a;
	for (int i = pl->enum_version < 0 ? 0 : pl->enum_version; i < 5; i++) {
		struct tls_version_suites *vs = &a->by_version[i];
		uint16_t v = vs->version;

		pl->enum_version = i;
		if (vs->complete || tls_audit_version(a, v) != TLSA_ACCEPTED)
			continue;
		memset(p, 0, sizeof(*p));
		p->ext = TLSHELLO_EXT_DEFAULT;
		if (v == TLS_VERSION_1_3) {
			offer_tls13(pl, p);
			/* the HelloRetryRequest names the suite, once the
			 * server showed it answers an empty share so */
			p->key_share_empty = !pl->share_needed;
		} else {
			select_suites(pl, v, 0, TLS_SUITE_TLS13);
			p->client_version = v;
			if (v == TLS_VERSION_SSL3)
				p->ext = 0;
		}
		if (pl->known[i] && offered(pl, pl->known[i]))
			note_suite(a, v, pl->known[i]);
		drop_found(pl, v);
		if (pl->noffered == 0) {
			vs->complete = true;
			continue;
		}
		pl->asking_version = v;
		return true;
	}
	return false;
}

/* Writes the hello p describes, offering the plan's suites. */
static size_t
build_offer(const struct tls_audit_plan *pl, struct tlshello_params *p,
            const char *sni, const uint8_t *seed, uint8_t *out, size_t cap)
{
	p->suites = pl->offered;
	p->nsuites = pl->noffered;
	p->sni = sni;
	p->seed = seed;
	return tlshello_build(out, cap, p);
}

size_t
tls_audit_next(struct tls_audit_plan *pl, const char *sni, const uint8_t *seed,
               uint8_t *out, size_t cap)
{
	struct tls_audit *a = pl->a;
	struct tlshello_params p;
	int start = pl->asking == TLSQ_COUNT ? 0 : (int)pl->asking + 1;

	if (a->aborted || a->depth == TLS_DEPTH_OFF)
		return 0;
	if (pl->asking == TLSQ_ENUMERATE)
		start = TLSQ_ENUMERATE;
	pl->group = -1;
	for (int q = start; q < TLSQ_COUNT; q++) {
		int g = group_at(pl, q);
		bool ask;
		size_t len;

		/* a carried question was asked out of turn */
		if (g < 0 && q != TLSQ_ENUMERATE &&
		    a->q[q].answer != TLSA_UNASKED)
			continue;
		if (g >= 0) {
			pl->groups_asked |= 1u << g;
			ask = prepare_group(pl, g, &p);
			if (ask)
				pl->group = g;
			else
				ask = prepare(pl, (enum tls_question)q, &p);
		} else if (q == TLSQ_ENUMERATE) {
			if (a->depth != TLS_DEPTH_FULL)
				break;
			ask = next_enumeration(pl, &p);
		} else {
			ask = prepare(pl, (enum tls_question)q, &p);
		}
		if (!ask)
			continue;
		if (a->used >= a->budget) {
			a->budget_exhausted = true;
			pl->group = -1;
			return 0;
		}
		pl->asking = (enum tls_question)q;
		len = q == TLSQ_SSL2 ? tlshello_build_sslv2(out, cap, seed)
		                     : build_offer(pl, &p, sni, seed, out, cap);
		if (len == 0 && pl->group >= 0) {
			/* too big for one hello: ask the members alone */
			pl->group = -1;
			q--;
			continue;
		}
		if (len == 0)
			continue;
		a->used++;
		return len;
	}
	pl->asking = TLSQ_COUNT;
	return 0;
}

/* The questions a hello behind an injection test may carry, in order:
 * a server that took the main handshake normally takes their hellos. */
static const enum tls_question carried_questions[] = {TLSQ_TLS12, TLSQ_ALPN};

/* The next question a carried hello may ask, prepared in p; -1 if
 * none. */
static int
next_carried(struct tls_audit_plan *pl, struct tlshello_params *p)
{
	struct tls_audit *a = pl->a;

	if (a->aborted || a->depth == TLS_DEPTH_OFF || pl->resume >= 0 ||
	    a->used >= a->budget)
		return -1;
	for (size_t i = 0;
	     i < sizeof(carried_questions) / sizeof(carried_questions[0]);
	     i++) {
		enum tls_question q = carried_questions[i];

		/* TLS 1.2 is only a safe bet after a main handshake at 1.2
		 * or 1.3 */
		if (q == TLSQ_TLS12 && a->main_version != TLS_VERSION_1_3 &&
		    a->main_version != TLS_VERSION_1_2)
			continue;
		if (a->q[q].answer == TLSA_UNASKED && prepare(pl, q, p))
			return (int)q;
	}
	return -1;
}

bool
tls_audit_has_carrier(struct tls_audit_plan *pl)
{
	struct tlshello_params p;

	return next_carried(pl, &p) >= 0;
}

size_t
tls_audit_next_carrier(struct tls_audit_plan *pl, const char *sni,
                       const uint8_t *seed, uint8_t *out, size_t cap)
{
	struct tlshello_params p;
	int q = next_carried(pl, &p);
	size_t len;

	if (q < 0)
		return 0;
	len = build_offer(pl, &p, sni, seed, out, cap);
	if (len == 0)
		return 0;
	pl->resume = (int)pl->asking;
	pl->asking = (enum tls_question)q;
	pl->group = -1;
	pl->a->used++;
	return len;
}

/* A carried question is over: the cursor goes back where it was. */
static void
resume_cursor(struct tls_audit_plan *pl)
{
	if (pl->resume < 0)
		return;
	pl->asking = (enum tls_question)pl->resume;
	pl->resume = -1;
}

void
tls_audit_unask(struct tls_audit_plan *pl)
{
	struct tls_audit *a = pl->a;

	if (pl->resume < 0 || pl->asking >= TLSQ_COUNT)
		return;
	memset(&a->q[pl->asking], 0, sizeof(a->q[pl->asking]));
	a->used--;
	resume_cursor(pl);
}

/* Is this answer a plain refusal (an alert, or a close)? */
static bool
refusal(const struct tlshello_result *r, const char *why)
{
	if (!r || r->kind == TLSHELLO_KIND_NONE)
		return why && strstr(why, "closed");
	return r->kind == TLSHELLO_KIND_ALERT ||
	       r->kind == TLSHELLO_KIND_SSLV2_ERROR;
}

static void answer_one(struct tls_audit_plan *pl,
                       const struct tlshello_result *r, const char *why);

/* The answer to a group: a refusal is each member's, recorded as its own
 * hello's would be; anything else puts the cursor back before the first
 * member, so that the members are asked one by one. */
static void
group_answer(struct tls_audit_plan *pl, const struct tlshello_result *r,
             const char *why)
{
	const struct question_group *grp = &question_groups[pl->group];

	pl->group = -1;
	if (!refusal(r, why)) {
		pl->asking = (enum tls_question)(grp->first - 1);
		return;
	}
	for (int q = grp->first; q <= (int)grp->last; q++) {
		struct tlshello_params unused;

		/* only the members the group asked: a member whose hello
		 * would not be sent stays unasked */
		if (!prepare(pl, (enum tls_question)q, &unused))
			continue;
		pl->asking = (enum tls_question)q;
		answer_one(pl, r, why);
	}
	pl->asking = grp->last;
}

static void
answer_one(struct tls_audit_plan *pl, const struct tlshello_result *r,
           const char *why)
{
	struct tls_audit *a = pl->a;
	enum tls_question q = pl->asking;
	struct tls_question_result qr;

	memset(&qr, 0, sizeof(qr));
	if (!r || r->kind == TLSHELLO_KIND_NONE ||
	    r->kind == TLSHELLO_KIND_NOT_TLS) {
		/* a plain close to a hello is how many servers refuse */
		qr.answer =
		    why && strstr(why, "closed") ? TLSA_REFUSED : TLSA_UNKNOWN;
		snprintf(qr.detail, sizeof(qr.detail), "%s",
		         r && r->kind == TLSHELLO_KIND_NOT_TLS
		             ? "the answer was not TLS"
		         : why ? why
		               : "no answer");
	} else if (r->kind == TLSHELLO_KIND_ALERT ||
	           r->kind == TLSHELLO_KIND_SSLV2_ERROR) {
		qr.answer = TLSA_REFUSED;
		qr.alert = r->alert_desc;
		snprintf(qr.detail, sizeof(qr.detail), "alert %s",
		         tls_alert_name(r->alert_desc));
	} else if (r->kind == TLSHELLO_KIND_SSLV2_SERVER_HELLO) {
		qr.answer = q == TLSQ_SSL2 ? TLSA_ACCEPTED : TLSA_REFUSED;
		qr.version = TLS_VERSION_SSL2;
		snprintf(qr.detail, sizeof(qr.detail),
		         "SSLv2 SERVER-HELLO with %u cipher kinds",
		         r->sslv2_cipher_specs);
	} else {
		qr.version = r->version;
		qr.suite = r->cipher_suite;
		qr.compression = r->compression;
		qr.ext_seen = r->ext_seen;
		qr.dh_bits = r->dh_bits;
		qr.curve = r->ecdh_curve;
		qr.curve_explicit = r->ecdh_explicit;
		qr.ocsp_stapled = r->cert_status_seen;
		if (q <= TLSQ_SSL2) {
			/* a version question: the server must take it; a
			 * HelloRetryRequest still says yes to TLS 1.3 */
			qr.answer =
			    r->version == pl->asking_version &&
			            (r->hello_retry || q == TLSQ_TLS13 ||
			             offered(pl, r->cipher_suite))
			        ? TLSA_ACCEPTED
			        : TLSA_REFUSED;
		} else {
			qr.answer = offered(pl, r->cipher_suite) ? TLSA_ACCEPTED
			                                         : TLSA_REFUSED;
		}
		snprintf(qr.detail, sizeof(qr.detail), "%s %s",
		         tls_version_name(r->version),
		         r->hello_retry ? "HelloRetryRequest"
		                        : tls_suite_name(r->cipher_suite));
		/* the enumeration's TLS 1.3 hellos ask for a retry */
		if ((!r->hello_retry || q == TLSQ_ENUMERATE) &&
		    offered(pl, r->cipher_suite))
			note_suite(a, r->version, r->cipher_suite);
	}
	if (q == TLSQ_ENUMERATE) {
		int slot = version_slot(pl->asking_version);

		if (pl->asking_version == TLS_VERSION_1_3 &&
		    !pl->share_needed) {
			if (r && r->hello_retry)
				pl->retry_seen = true;
			else if (qr.answer == TLSA_REFUSED && !pl->retry_seen) {
				/* it may refuse the empty share alone: the
				 * same offer again, with a share */
				pl->share_needed = true;
				a->q[q] = qr;
				return;
			}
		}
		if (qr.answer != TLSA_ACCEPTED && slot >= 0)
			a->by_version[slot].complete =
			    qr.answer == TLSA_REFUSED;
		if (qr.answer == TLSA_UNKNOWN && slot >= 0)
			pl->enum_version = slot + 1; /* give up on it */
		a->q[q] = qr;
		return;
	}
	a->q[q] = qr;
}

void
tls_audit_answer(struct tls_audit_plan *pl, const struct tlshello_result *r,
                 const char *why)
{
	if (pl->asking >= TLSQ_COUNT)
		return;
	if (pl->group >= 0)
		group_answer(pl, r, why);
	else
		answer_one(pl, r, why);
	resume_cursor(pl);
}

void
tls_audit_abort(struct tls_audit_plan *pl, const char *why)
{
	struct tls_audit *a = pl->a;

	pl->group = -1;
	if (pl->asking < TLSQ_COUNT) {
		a->q[pl->asking].answer = TLSA_UNKNOWN;
		snprintf(a->q[pl->asking].detail,
		         sizeof(a->q[pl->asking].detail), "%s", why);
	}
	a->aborted = true;
}
