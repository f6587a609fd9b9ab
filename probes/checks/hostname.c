/*
 * Server identity checks (RFC 6125/RFC 9525 as RFC 7817 applies them to
 * IMAP and POP3). Names are compared as ASCII, case-insensitively; no IDNA
 * conversion is done, so internationalised names must be given as
 * A-labels on both sides.
 */
#include "probes/checks/hostname.h"

#include <arpa/inet.h>
#include <string.h>

/* Length without one trailing dot: "example.com." is "example.com". */
static size_t
name_len(const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	return n;
}

static char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Locale-independent: strncasecmp could fold non-ASCII bytes. */
static bool
ascii_eq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

/* No empty label (leading dot, ".."): such a name matches nothing. */
static bool
labels_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return s[n - 1] != '.';
}

static bool
is_ipv4_literal(const char *s, size_t n)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET, buf, &a) == 1;
}

bool
hostname_pattern_matches(const char *pattern, const char *host)
{
	size_t plen, hlen;
	const char *rest, *hdot;
	size_t rlen, hrest;

	if (pattern == NULL || host == NULL)
		return false;
	plen = name_len(pattern);
	hlen = name_len(host);
	if (!labels_ok(pattern, plen) || !labels_ok(host, hlen) ||
	    memchr(host, '*', hlen) != NULL)
		return false;

	if (memchr(pattern, '*', plen) == NULL)
		return plen == hlen && ascii_eq_n(pattern, host, plen);

	/* '*' is only allowed as the whole left-most label, and only one */
	if (plen < 2 || pattern[0] != '*' || pattern[1] != '.')
		return false;
	rest = pattern + 2;
	rlen = plen - 2;
	if (memchr(rest, '*', rlen) != NULL)
		return false; /* "*.*.example.com" */
	if (memchr(rest, '.', rlen) == NULL)
		return false; /* "*.com": fewer than two labels after '*' */
	/* a wildcard never stands for part of an IP address */
	if (memchr(host, ':', hlen) != NULL || is_ipv4_literal(host, hlen))
		return false;

	hdot = memchr(host, '.', hlen);
	if (hdot == NULL)
		return false;
	hrest = hlen - (size_t)(hdot + 1 - host);
	return hrest == rlen && ascii_eq_n(hdot + 1, rest, rlen);
}

/* Parses an IPv4 or IPv6 literal (brackets tolerated) into 4 or 16 bytes
 * of network order; returns the length, 0 if it is no IP literal. */
static size_t
ip_parse(const char *s, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, out) == 1)
		return 16;
	return 0;
}

enum hostname_verdict
hostname_check(const struct cert_facts *leaf, const char *host, bool host_is_ip)
{
	if (leaf == NULL || host == NULL)
		return HOSTNAME_MISMATCH;

	if (host_is_ip) {
		unsigned char want[16], got[16];
		size_t wlen = ip_parse(host, want);

		/*
		 * An IP-ID is compared octet for octet, so an IPv4 address
		 * never matches an IPv6 SAN, not even its IPv4-mapped form:
		 * the certificate must name the address as clients use it.
		 */
		if (wlen == 0)
			return HOSTNAME_MISMATCH;
		for (size_t i = 0; i < leaf->ip_addresses.n; i++) {
			size_t glen =
			    ip_parse(leaf->ip_addresses.items[i], got);

			if (glen == wlen && memcmp(got, want, wlen) == 0)
				return HOSTNAME_OK_SAN;
		}
		return HOSTNAME_MISMATCH;
	}

	for (size_t i = 0; i < leaf->dns_names.n; i++)
		if (hostname_pattern_matches(leaf->dns_names.items[i], host))
			return HOSTNAME_OK_SAN;
	/* Any dNSName SAN makes the CN irrelevant, matching or not. */
	if (leaf->dns_names.n == 0 && leaf->common_name != NULL &&
	    hostname_pattern_matches(leaf->common_name, host))
		return HOSTNAME_OK_CN;
	return HOSTNAME_MISMATCH;
}
