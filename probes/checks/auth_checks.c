/* Authentication exposure judgement (RFC 9051 §6.2.2-§6.2.3, §11.7;
 * RFC 2595 §2.2-§2.3; RFC 5034). */
#include "probes/checks/catalog.h"
#include "probes/checks/auth_checks.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/xalloc.h"

void
auth_probes_free(struct auth_probes *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->p[i].reply);
	free(a->ntlm_evidence);
	memset(a, 0, sizeof(*a));
}

struct mech_probe *
auth_probes_add(struct auth_probes *a, const char *mech, bool before_tls,
                bool advertised)
{
	struct mech_probe *p;

	if (a->n >= AUTH_MAX_PROBES)
		return NULL;
	p = &a->p[a->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->mech, sizeof(p->mech), "%s", mech);
	p->before_tls = before_tls;
	p->advertised = advertised;
	p->outcome = MECH_REFUSED;
	return p;
}

bool
auth_mech_is_plaintext(const char *mech)
{
	return strcasecmp(mech, "PLAIN") == 0 || strcasecmp(mech, "LOGIN") == 0;
}

static bool
is_weak(const char *mech)
{
	return strcasecmp(mech, "CRAM-MD5") == 0 ||
	       strcasecmp(mech, "DIGEST-MD5") == 0 ||
	       strcasecmp(mech, "NTLM") == 0;
}

static bool
is_bearer(const char *mech)
{
	return strcasecmp(mech, "XOAUTH2") == 0 ||
	       strcasecmp(mech, "OAUTHBEARER") == 0;
}

size_t
auth_mechs_to_probe(const struct strlist *advertised, const char **out,
                    size_t max)
{
	size_t n = 0;

	if (max >= 2) {
		out[n++] = "PLAIN";
		out[n++] = "LOGIN";
	}
	for (size_t i = 0; i < advertised->n && n < max; i++) {
		const char *m = advertised->items[i];
		bool dup = false;

		/* only tokens that can be a SASL name (RFC 4422 §3.1);
		 * NTLM has a probe of its own (the NEGOTIATE) */
		if (strcasecmp(m, "NTLM") == 0 || strlen(m) == 0 ||
		    strlen(m) > 20 ||
		    strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		              "vwxyz0123456789-_") != strlen(m))
			continue;
		for (size_t k = 0; k < n; k++)
			dup = dup || strcasecmp(out[k], m) == 0;
		if (!dup)
			out[n++] = m;
	}
	return n;
}

void
auth_judge(struct endpoint_result *r, const struct auth_probes *a,
           const struct auth_context *ctx)
{
	bool any_after = ctx->advertised_after && ctx->advertised_after->n > 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct mech_probe *p = &a->p[i];
		const char *reply = p->reply ? p->reply : "";

		if (p->before_tls && ctx->cleartext_port &&
		    p->outcome == MECH_USABLE) {
			if (auth_mech_is_plaintext(p->mech)) {
				result_add_findingf(
				    r, CHECK(AUTH_PLAINTEXT_BEFORE_TLS),
				    "confirmed: %s before TLS was answered "
				    "\"%s\" (cancelled at once)",
				    p->mech, reply);
				if (ctx->logindisabled_before)
					result_add_findingf(
					    r,
					    CHECK(
					        AUTH_LOGINDISABLED_INCONSISTENT),
					    "LOGINDISABLED advertised, but "
					    "%s before TLS was answered "
					    "\"%s\"",
					    p->mech, reply);
			} else if (strcasecmp(p->mech, "ANONYMOUS") == 0) {
				result_add_findingf(
				    r, CHECK(AUTH_ANONYMOUS_OFFERED),
				    "ANONYMOUS answered \"%s\" "
				    "before TLS",
				    reply);
			} else {
				if (is_bearer(p->mech))
					result_add_finding_sev(
					    r, CHECK(CLEARTEXT_AUTH_ALLOWED),
					    SEV_HIGH,
					    "%s (bearer token) usable "
					    "before TLS: \"%s\"",
					    p->mech, reply);
				else
					result_add_findingf(
					    r, CHECK(CLEARTEXT_AUTH_ALLOWED),
					    "%s usable before TLS: \"%s\"",
					    p->mech, reply);
			}
			if (is_weak(p->mech))
				result_add_finding_sev(
				    r, CHECK(AUTH_WEAK_MECHANISM), SEV_MEDIUM,
				    "%s usable before TLS (offline "
				    "dictionary attack on a capture)",
				    p->mech);
		}
		if (p->before_tls && p->advertised &&
		    p->outcome == MECH_REFUSED)
			result_add_findingf(r,
			                    CHECK(AUTH_ADVERTISED_BUT_REJECTED),
			                    "%s advertised before TLS, but "
			                    "refused: %s",
			                    p->mech, reply);
		if (!p->before_tls && strcasecmp(p->mech, "ANONYMOUS") == 0 &&
		    p->outcome == MECH_USABLE)
			result_add_findingf(r, CHECK(AUTH_ANONYMOUS_OFFERED),
			                    "ANONYMOUS answered \"%s\"", reply);
	}
	for (const struct strlist *l = ctx->advertised_before; l;
	     l = l == ctx->advertised_before ? ctx->advertised_after : NULL) {
		for (size_t i = 0; i < l->n; i++)
			if (is_weak(l->items[i]))
				result_add_findingf(
				    r, CHECK(AUTH_WEAK_MECHANISM),
				    "%s advertised", l->items[i]);
		if (ctx->advertised_before == ctx->advertised_after)
			break;
	}
	if (ctx->tls_capabilities_known && !any_after &&
	    ctx->no_login_after_tls)
		result_add_findingf(r,
		                    CHECK(AUTH_NO_USABLE_MECHANISM_AFTER_TLS),
		                    "the capabilities after TLS offer no "
		                    "authentication mechanism and no "
		                    "password login");
	if (a->ntlm_evidence)
		result_add_findingf(r, CHECK(AUTH_NTLM_INFO_DISCLOSURE),
		                    "NTLM CHALLENGE discloses: %s",
		                    a->ntlm_evidence);
}
