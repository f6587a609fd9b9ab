/*
 * Implementation detection (issue #12). Each clue proposes a product with
 * a confidence and the words that matched; impl_detect keeps the best.
 * Names are matched as words (a product name inside a host name such as
 * "courier.example.com" does not count), case-insensitively.
 */
#include "probes/impl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/exchange.h"
#include "scanner/core/xalloc.h"

#define MAX_CANDIDATES 8
#define EVIDENCE_MAX   480
#define VERSION_MAX    48
/* how far after a product name its version may stand ("Microsoft
 * Exchange Server 2003 IMAP4rev1 server version 6.5.7638.1") */
#define VERSION_WINDOW 64

struct name_rule {
	const char *name; /* as it appears in greetings, ID and CAPA */
	const char *key;  /* the product key */
	bool no_version;  /* text after the name is no version (an IP) */
};

/* Longer names first where one contains another. */
static const struct name_rule names[] = {
    {"GNU Mailutils", "mailutils", false},
    {"Mailutils", "mailutils", false},
    {"Microsoft Exchange", "exchange", false},
    {"Dovecot", "dovecot", false},
    {"Cyrus", "cyrus", false},
    {"Courier-IMAP", "courier", false},
    {"Courier Mail Server", "courier", false},
    {"Courier", "courier", false},
    {"Zimbra", "zimbra", false},
    {"perdition", "perdition", false},
    {"UW IMAP", "uw-imap", false},
    {"hMailServer", "hmailserver", false},
    {"Kerio Connect", "kerio", false},
    {"Kerio", "kerio", false},
    {"Qpopper", "qpopper", false},
    {"QPOP", "qpopper", false},
    {"Gimap", "gmail", true},
    {"Gpop", "gmail", true},
    {"MDaemon", "mdaemon", false},
    {"Stalwart", "stalwart", false},
    {"Axigen", "axigen", false},
    {"IceWarp", "icewarp", false},
    {"SmarterMail", "smartermail", false},
    {"Citadel", "citadel", false},
    {"Apache James", "james", false},
    {"CommuniGate", "communigate", false},
    {"popa3d", "popa3d", false},
    {"Archiveopteryx", "archiveopteryx", false},
    {"Kopano", "kopano", false},
    {"Zarafa", "kopano", false},
    {"Lotus Domino", "domino", false},
    {"Domino", "domino", false},
    {"GroupWise", "groupwise", false},
    {"nginx", "nginx", false},
};

struct candidate {
	const char *key;
	unsigned confidence;
	char version[VERSION_MAX + 1];
	char evidence[EVIDENCE_MAX + 1];
};

struct pool {
	struct candidate c[MAX_CANDIDATES];
	size_t n;
};

static struct candidate *
propose(struct pool *p, const char *key, unsigned confidence)
{
	struct candidate *c;

	if (p->n == MAX_CANDIDATES)
		return NULL;
	c = &p->c[p->n++];
	memset(c, 0, sizeof(*c));
	c->key = key;
	c->confidence = confidence;
	return c;
}

/* A word starts here: the text start or a separator before it. */
static bool
word_start(const char *text, const char *at)
{
	return at == text || strchr(" ([\"'<,;:/=", at[-1]) != NULL;
}

/* ... and ends here: not a letter, digit or an inner dot (host names). */
static bool
word_end(const char *at)
{
	if (isalnum((unsigned char)*at) || *at == '_')
		return false;
	if (*at == '.' && isalnum((unsigned char)at[1]))
		return false;
	return true;
}

/* The first occurrence of name in text as a word, or NULL. */
static const char *
find_word(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; *p; p++)
		if (strncasecmp(p, name, n) == 0 && word_start(text, p) &&
		    word_end(p + n))
			return p;
	return NULL;
}

/* The first name rule found in text; *at_r is where it ends. */
static const struct name_rule *
find_name(const char *text, const char **end_r)
{
	const struct name_rule *best = NULL;
	const char *best_at = NULL;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *at = find_word(text, names[i].name);

		if (at && (!best_at || at < best_at)) {
			best = &names[i];
			best_at = at;
		}
	}
	if (best && end_r)
		*end_r = best_at + strlen(best->name);
	return best;
}

static bool
version_char(char c)
{
	return isalnum((unsigned char)c) || strchr(".-+~_", c) != NULL;
}

/* Four dot-separated numbers up to 255: an IPv4 address, not a
 * version (Exchange's 6.5.7638.1 is a version). */
static bool
dotted_quad(const char *s, size_t n)
{
	unsigned dots = 0, part = 0, digits = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (digits == 0)
				return false;
			dots++;
			part = digits = 0;
		} else if (!isdigit((unsigned char)s[i]) || ++digits > 3 ||
		           (part = part * 10 + (unsigned)(s[i] - '0')) > 255) {
			return false;
		}
	}
	return dots == 3 && digits > 0;
}

/* The first version-like run ("2.3.19", "v3.0.8-Debian", "4.0.5") in the
 * VERSION_WINDOW characters of s, before any '<' or '[' (APOP stamps,
 * Exchange's base64). A run starts with a digit after a non-alphanumeric
 * character (or after a 'v' that follows one) and holds a dot between
 * digits. */
static bool
version_in(const char *s, char *out, size_t outlen)
{
	for (size_t i = 0; i < VERSION_WINDOW && s[i]; i++) {
		size_t j, n;
		bool dot = false;

		if (s[i] == '<' || s[i] == '[')
			break;
		if (!isdigit((unsigned char)s[i]))
			continue;
		if (i > 0 && isalnum((unsigned char)s[i - 1]) &&
		    !((s[i - 1] == 'v' || s[i - 1] == 'V') &&
		      (i < 2 || !isalnum((unsigned char)s[i - 2]))))
			continue;
		for (j = i; s[j] && version_char(s[j]); j++)
			if (s[j] == '.' && j > i &&
			    isdigit((unsigned char)s[j - 1]) &&
			    isdigit((unsigned char)s[j + 1]))
				dot = true;
		n = j - i;
		while (n > 0 && strchr(".-+~_", s[i + n - 1]))
			n--;
		if (!dot || dotted_quad(s + i, n)) {
			i = j;
			if (!s[i])
				break;
			continue;
		}
		if (n > outlen - 1)
			n = outlen - 1;
		memcpy(out, s + i, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

/* The greeting's text: after "* OK ", "+OK " and a response code. */
static const char *
greeting_text(const char *g)
{
	const char *p = g;

	if (strncmp(p, "* ", 2) == 0)
		p += 2;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	if (*p == '[') {
		const char *close = strchr(p, ']');

		if (close) {
			p = close + 1;
			while (*p == ' ')
				p++;
		}
	}
	return p;
}

/* Does the text equal word (case-insensitive), trailing spaces and a
 * final period aside? */
static bool
text_is(const char *text, const char *word)
{
	size_t n = strlen(word), len = strlen(text);

	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '.'))
		len--;
	return len == n && strncasecmp(text, word, n) == 0;
}

/* A value cut to fit evidence, with quotes. */
static void
quoted(char *out, size_t n, const char *s)
{
	snprintf(out, n, "\"%.*s%s\"", 120, s, strlen(s) > 120 ? "..." : "");
}

/* --- the clues ------------------------------------------------------- */

static const char *
id_value(const struct imap_id *id, const char *field)
{
	for (size_t i = 0; i < id->npairs; i++)
		if (strcasecmp(id->pairs[i].field, field) == 0)
			return id->pairs[i].value;
	return NULL;
}

static void
from_id(struct pool *p, const struct imap_id *id)
{
	const char *name, *version;
	const struct name_rule *r;
	struct candidate *c;
	char q[160];

	if (!id || id->nil || !(name = id_value(id, "name")) ||
	    !(r = find_name(name, NULL)) ||
	    !(c = propose(p, r->key, IMPL_CONF_ID)))
		return;
	quoted(q, sizeof(q), name);
	version = id_value(id, "version");
	if (version && *version) {
		snprintf(c->version, sizeof(c->version), "%s", version);
		snprintf(c->evidence, sizeof(c->evidence),
		         "IMAP ID name %s, version \"%.*s\"", q, VERSION_MAX,
		         version);
	} else {
		snprintf(c->evidence, sizeof(c->evidence), "IMAP ID name %s",
		         q);
	}
}

static void
from_implementation(struct pool *p, const struct strlist *caps)
{
	for (size_t i = 0; caps && i < caps->n; i++) {
		const char *text = caps->items[i], *end;
		const struct name_rule *r;
		struct candidate *c;
		char q[160];

		if (strncasecmp(text, "IMPLEMENTATION ", 15) != 0)
			continue;
		text += 15;
		if (!(r = find_name(text, &end)) ||
		    !(c = propose(p, r->key, IMPL_CONF_IMPL_CAPA)))
			return;
		if (!r->no_version)
			version_in(end, c->version, sizeof(c->version));
		quoted(q, sizeof(q), text);
		snprintf(c->evidence, sizeof(c->evidence),
		         "POP3 CAPA IMPLEMENTATION %s", q);
		return;
	}
}

static void
from_greeting_name(struct pool *p, const char *greeting)
{
	const char *text = greeting_text(greeting), *end;
	const struct name_rule *r = find_name(text, &end);
	struct candidate *c;
	char fqdn[EXCHANGE_FQDN_MAX + 1];

	if (!r || !(c = propose(p, r->key, IMPL_CONF_GREETING)))
		return;
	if (!r->no_version)
		version_in(end, c->version, sizeof(c->version));
	snprintf(c->evidence, sizeof(c->evidence), "greeting names \"%.*s\"",
	         (int)strlen(r->name), end - strlen(r->name));
	if (strcmp(r->key, "exchange") == 0 &&
	    exchange_backend_fqdn(greeting, fqdn, sizeof(fqdn))) {
		c->confidence = IMPL_CONF_IMPL_CAPA;
		snprintf(c->evidence + strlen(c->evidence),
		         sizeof(c->evidence) - strlen(c->evidence),
		         " and ends with the base64 back-end name %s "
		         "(Exchange Online form)",
		         fqdn);
	}
}

/* "IMAP4rev1 2007f.404 at <date>": UW IMAP's greeting names no product
 * but its version. */
static void
from_uw_version(struct pool *p, const char *greeting)
{
	const char *at = find_word(greeting_text(greeting), "IMAP4rev1");
	const char *v;
	size_t n = 0;
	struct candidate *c;

	if (!at)
		return;
	v = at + 9;
	if (*v++ != ' ')
		return;
	while (isdigit((unsigned char)v[n]))
		n++;
	if (n != 4)
		return;
	if (isalpha((unsigned char)v[n]))
		n++;
	if (v[n] != '.' || !isdigit((unsigned char)v[n + 1]))
		return;
	for (n++; isdigit((unsigned char)v[n]); n++)
		;
	if (strncmp(v + n, " at ", 4) != 0 ||
	    !(c = propose(p, "uw-imap", IMPL_CONF_SHAPE + 10)))
		return;
	snprintf(c->version, sizeof(c->version), "%.*s", (int)n, v);
	snprintf(c->evidence, sizeof(c->evidence),
	         "greeting \"IMAP4rev1 %.*s at ...\" (UW IMAP's version form)",
	         (int)n, v);
}

static bool
caps_start_with(const struct strlist *caps, const char *const *want)
{
	size_t i = 0;

	for (; want[i]; i++)
		if (!caps || i >= caps->n ||
		    strcasecmp(caps->items[i], want[i]) != 0)
			return false;
	return true;
}

static bool
caps_has(const struct impl_clues *k, const char *cap)
{
	return (k->caps && strlist_has_ci(k->caps, cap)) ||
	       (k->caps_tls && strlist_has_ci(k->caps_tls, cap));
}

/* Only these POP3 capabilities (nginx's pop3_capabilities default is
 * "TOP USER UIDL"; it adds STLS and SASL as configured). */
static bool
caps_only(const struct strlist *caps, const char *const *allowed)
{
	if (!caps || caps->n == 0)
		return false;
	for (size_t i = 0; i < caps->n; i++) {
		bool ok = false;

		for (size_t j = 0; allowed[j] && !ok; j++)
			ok = strcasecmp(caps->items[i], allowed[j]) == 0 ||
			     (strcmp(allowed[j], "SASL") == 0 &&
			      strncasecmp(caps->items[i], "SASL ", 5) == 0);
		if (!ok)
			return false;
	}
	return true;
}

static void
shape(struct pool *p, const char *key, unsigned conf, const char *evidence)
{
	struct candidate *c = propose(p, key, conf);

	if (c)
		snprintf(c->evidence, sizeof(c->evidence), "%s", evidence);
}

/* Greetings and capability sets some products are known for. */
static void
from_shapes(struct pool *p, const struct impl_clues *k)
{
	static const char *const nginx_imap[] = {"IMAP4", "IMAP4rev1",
	                                         "UIDPLUS", NULL};
	static const char *const nginx_pop3[] = {"TOP",  "USER", "UIDL",
	                                         "STLS", "SASL", NULL};
	static const char *const mu_imap[] = {"IMAP4rev1", "NAMESPACE", "ID",
	                                      "IDLE",      "LITERAL+",  NULL};
	const char *g = k->greeting;
	const char *text = greeting_text(g);
	bool imap = strncmp(g, "* ", 2) == 0;
	/* the first list the server gave: over implicit TLS, the only one */
	const struct strlist *first =
	    k->caps && k->caps->n > 0 ? k->caps : k->caps_tls;

	if (imap && text_is(text, "IMAP4 ready")) {
		bool caps = caps_start_with(first, nginx_imap);

		shape(p, "nginx", caps ? IMPL_CONF_SHAPE : IMPL_CONF_GENERIC,
		      caps ? "greeting \"IMAP4 ready\" and capabilities "
		             "\"IMAP4 IMAP4rev1 UIDPLUS ...\" (nginx mail "
		             "proxy defaults; the back-end behind it is not "
		             "seen before a login)"
		           : "greeting \"IMAP4 ready\" (nginx mail proxy's; "
		             "the back-end behind it is not seen before a "
		             "login)");
	} else if (!imap && text_is(text, "POP3 ready") &&
	           strncmp(g, "+OK POP3 ready", 14) == 0) {
		bool caps = caps_only(first, nginx_pop3);

		shape(p, "nginx", caps ? IMPL_CONF_SHAPE : IMPL_CONF_GENERIC,
		      caps ? "greeting \"POP3 ready\" and CAPA within \"TOP "
		             "USER UIDL STLS SASL\" (nginx mail proxy "
		             "defaults; the back-end behind it is not seen "
		             "before a login)"
		           : "greeting \"POP3 ready\" (nginx mail proxy's; the "
		             "back-end behind it is not seen before a login)");
	}
	if (caps_has(k, "XTLSREQUIRED"))
		shape(p, "mailutils", IMPL_CONF_SHAPE,
		      "capability XTLSREQUIRED (GNU Mailutils' own)");
	else if (imap && text_is(text, "IMAP4rev1") &&
	         caps_start_with(first, mu_imap))
		shape(
		    p, "mailutils", IMPL_CONF_SHAPE,
		    "greeting \"IMAP4rev1\" and capabilities \"IMAP4rev1 "
		    "NAMESPACE ID IDLE LITERAL+ ...\" (GNU Mailutils imap4d)");
	if (!imap && caps_has(k, "EXPIRENEVER"))
		shape(p, "mailutils", IMPL_CONF_SHAPE,
		      "CAPA EXPIRENEVER (GNU Mailutils pop3d's spelling of "
		      "EXPIRE NEVER)");
	else if (!imap && strncmp(g, "+OK POP3 Ready <", 16) == 0)
		shape(p, "mailutils", IMPL_CONF_GENERIC,
		      "greeting \"POP3 Ready <...>\" (GNU Mailutils pop3d)");
	/* Courier's pop3d greets "+OK Hello there." (not checked against a
	 * running Courier) */
	if (!imap && text_is(text, "Hello there"))
		shape(p, "courier", IMPL_CONF_GENERIC,
		      "greeting \"Hello there.\" (Courier's POP3 server)");
}

static void
from_ntlm(struct pool *p, const struct ntlm_challenge *n)
{
	struct candidate *c;

	if (!n || !n->has_version ||
	    (n->ver_major == 0 && n->ver_minor == 0 && n->ver_build == 0) ||
	    !(c = propose(p, "exchange", IMPL_CONF_NTLM)))
		return;
	snprintf(c->evidence, sizeof(c->evidence),
	         "NTLM challenge from Windows %u.%u build %u",
	         (unsigned)n->ver_major, (unsigned)n->ver_minor,
	         (unsigned)n->ver_build);
}

/* --- the verdict ----------------------------------------------------- */

/* "; EVIDENCE" for an agreeing clue, "; but EVIDENCE suggests KEY" for
 * one that disagrees. */
static void
append(char *buf, size_t n, const struct candidate *c, bool agrees)
{
	size_t len = strlen(buf);

	if (len >= n)
		return;
	if (agrees)
		snprintf(buf + len, n - len, "; %s", c->evidence);
	else
		snprintf(buf + len, n - len, "; but %s suggests %s",
		         c->evidence, c->key);
}

void
impl_detect(const struct impl_clues *k, struct impl_facts *out)
{
	struct pool p = {.n = 0};
	struct candidate *best = NULL;
	char ev[2 * EVIDENCE_MAX];
	unsigned conf;

	impl_facts_free(out);
	from_id(&p, k->id);
	from_implementation(&p, k->caps);
	from_implementation(&p, k->caps_tls);
	if (k->greeting) {
		from_greeting_name(&p, k->greeting);
		from_uw_version(&p, k->greeting);
		from_shapes(&p, k);
	}
	from_ntlm(&p, k->ntlm);
	for (size_t i = 0; i < p.n; i++)
		if (!best || p.c[i].confidence > best->confidence)
			best = &p.c[i];
	if (!best)
		return;

	snprintf(ev, sizeof(ev), "%s", best->evidence);
	conf = best->confidence;
	for (size_t i = 0; i < p.n; i++) {
		struct candidate *c = &p.c[i];

		if (c == best)
			continue;
		if (strcmp(c->key, best->key) == 0) {
			append(ev, sizeof(ev), c, true);
			conf = conf + 5 > 99 ? 99 : conf + 5;
			if (!best->version[0] && c->version[0])
				memcpy(best->version, c->version,
				       sizeof(best->version));
		} else {
			append(ev, sizeof(ev), c, false);
		}
	}
	out->product = xstrdup(best->key);
	out->version = best->version[0] ? xstrdup(best->version) : NULL;
	out->evidence = xstrdup(ev);
	out->confidence = conf;
}
