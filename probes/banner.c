/*
 * INFO-BANNER-DISCLOSURE: greetings that name the product, its version
 * or an internal host name help an attacker pick an exploit.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "probes/checks/catalog.h"
#include "probes/starttls_checks.h"

static const char *const products[] = {
    "Dovecot",     "Cyrus",    "Courier",      "Microsoft Exchange",
    "Exchange",    "Zimbra",   "UW IMAP",      "hMailServer",
    "MDaemon",     "Kerio",    "Apache James", "Citadel",
    "SmarterMail", "Gordano",  "Mercury",      "Qpopper",
    "popa3d",      "Axigen",   "IceWarp",      "Communigate",
    "Lotus",       "Domino",   "GroupWise",    "Zarafa",
    "Kopano",      "Stalwart", "Gmail",        "Outlook",
    "Yahoo",       "Sendmail", "Openwave",
};

/* A dotted version number such as 2.3.19 or v2.0 (digits.digits). */
static bool
has_version(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) && p[-1] != 'v' &&
		              p[-1] != 'V'))
			continue;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.' && isdigit((unsigned char)p[1]))
			return true;
		if (!*p)
			break;
	}
	return false;
}

/* A fully qualified host name inside the greeting: letters-digits
 * labels, at least three of them, last one alphabetic (mail01.corp.lan). */
static bool
has_fqdn(const char *s)
{
	const char *p = s;

	while (*p) {
		int labels = 0;
		bool last_alpha = false;
		const char *q = p;

		while (*q && (isalnum((unsigned char)*q) || *q == '-')) {
			const char *start = q;

			last_alpha = true;
			while (*q &&
			       (isalnum((unsigned char)*q) || *q == '-')) {
				if (!isalpha((unsigned char)*q) && *q != '-')
					last_alpha = false;
				q++;
			}
			if (q > start)
				labels++;
			if (*q != '.' || !isalnum((unsigned char)q[1]))
				break;
			q++;
		}
		if (labels >= 3 && last_alpha)
			return true;
		p = *q ? q + 1 : q;
	}
	return false;
}

const char *
banner_disclosure(const char *greeting)
{
	bool product = false;

	for (size_t i = 0; i < sizeof(products) / sizeof(products[0]); i++) {
		size_t n = strlen(products[i]);

		for (const char *p = greeting; *p; p++)
			if (strncasecmp(p, products[i], n) == 0) {
				product = true;
				break;
			}
		if (product)
			break;
	}
	if (has_version(greeting))
		return product ? "product name and version"
		               : "a version number";
	if (has_fqdn(greeting))
		return product ? "product name and a host name" : "a host name";
	if (product)
		return "the product name";
	return NULL;
}

void
banner_judge(struct endpoint_result *r, const char *greeting)
{
	const char *what;

	if (!greeting)
		return;
	what = banner_disclosure(greeting);
	if (what)
		result_add_findingf(r, CHECK(INFO_BANNER_DISCLOSURE),
		                    "greeting discloses %s: \"%s\"", what,
		                    greeting);
}
