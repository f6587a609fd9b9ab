/*
 * Targets as the operator writes them: "host", "host:port", "[v6]",
 * "[v6]:port", a bare IPv6 literal, or a URL of one of the service
 * schemes (RFC 3986 authority syntax, without user info). Everything else
 * is rejected with a message that names the input and what is accepted,
 * because a typo must not silently become a scan of the wrong thing.
 */
#include "scanner/net/target.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "probes/service.h"
#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

#define HOST_NAME_MAX_LEN 253
#define LABEL_MAX_LEN     63
#define LINE_MAX_LEN      4096
/* how much of a bad input an error message repeats */
#define ECHO_MAX 120

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "bad target '<text>': <reason>", with the input made printable so a
 * target file cannot put control bytes on the terminal. Returns -1. */
static int bad_target(char *err, size_t errlen, const char *text,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
bad_target(char *err, size_t errlen, const char *text, const char *fmt, ...)
{
	char reason[256];
	char *echo = escape_printable(text, ECHO_MAX);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	set_err(err, errlen, "bad target '%s': %s", echo, reason);
	free(echo);
	return -1;
}

static bool
is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

static bool
is_ipv6(const char *s)
{
	struct in6_addr a;

	return inet_pton(AF_INET6, s, &a) == 1;
}

static bool
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* 1-65535, decimal digits only (no sign, no space); -1 otherwise. */
static long
parse_port(const char *s, size_t n)
{
	long v = 0;

	if (!all_digits(s, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			return -1;
	}
	return v == 0 ? -1 : v;
}

/* Checks a DNS name; returns NULL or a reason. A single trailing dot
 * (an absolute name) is allowed. */
static const char *
check_host_name(const char *h, char *buf, size_t buflen)
{
	size_t n = strlen(h), label = 0;

	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0)
		return "missing host";
	if (n > HOST_NAME_MAX_LEN)
		return "host name longer than 253 characters";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c == '.') {
			if (label == 0)
				return "empty label in host name";
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			if (c >= 0x20 && c < 0x7f)
				snprintf(buf, buflen, "invalid character '%c'",
				         c);
			else
				snprintf(buf, buflen,
				         "invalid character \\x%02x", c);
			strncat(buf,
			        " in host name (letters, digits, '-', '.' "
			        "and '_' are allowed)",
			        buflen - strlen(buf) - 1);
			return buf;
		}
		if (++label > LABEL_MAX_LEN)
			return "host name label longer than 63 characters";
	}
	if (label == 0)
		return "empty label in host name";
	/* No top-level domain is numeric, so this is a mistyped IPv4
	 * address; passed on, the resolver could read it as inet_aton
	 * shorthand ("10.1" = 10.0.0.1) and scan something else. */
	if (all_digits(h + n - label, label))
		return "neither a valid IPv4 address nor a host name "
		       "(the last label is numeric)";
	return NULL;
}

static void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* "imap://, imaps://, pop3:// or pop3s://" from the registry, so a new
 * service shows up in messages without edits here. */
static void
known_schemes(char *buf, size_t buflen)
{
	size_t n;
	const struct service *const *all = service_all(&n);

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, buflen - used, "%s%s://",
		         i == 0       ? ""
		         : i + 1 == n ? " or "
		                      : ", ",
		         all[i]->name);
	}
}

int
target_parse(const char *text, const struct service *forced,
             struct target_spec *out, char *err, size_t errlen)
{
	const struct service *scheme = NULL;
	const char *auth, *auth_end, *sep, *p, *port_s = NULL;
	size_t port_len = 0;
	char *host = NULL;
	char buf[256];
	const char *why;
	bool is_ip = false;
	long port = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL || text[0] == '\0') {
		set_err(err, errlen,
		        "empty target: give a host name, an IP address or a "
		        "URL such as imaps://host");
		return -1;
	}

	auth = text;
	sep = strstr(text, "://");
	if (sep != NULL) {
		char name[16];
		size_t nlen = (size_t)(sep - text);

		if (nlen < sizeof(name)) {
			memcpy(name, text, nlen);
			name[nlen] = '\0';
			scheme = service_by_name(name);
		}
		if (scheme == NULL) {
			char *given = xstrndup(text, nlen < 32 ? nlen : 32);
			char *echo = escape_printable(given, 40);
			int rc;

			known_schemes(buf, sizeof(buf));
			rc = bad_target(err, errlen, text,
			                "unknown URL scheme '%s' (known: %s)",
			                echo, buf);
			free(echo);
			free(given);
			return rc;
		}
		if (forced != NULL && strcmp(forced->name, scheme->name) != 0)
			return bad_target(err, errlen, text,
			                  "--service %s contradicts the URL "
			                  "scheme %s://",
			                  forced->name, scheme->name);
		auth = sep + 3;
	}

	/* Everything URL-shaped that is not scheme://authority[/] */
	auth_end = auth + strcspn(auth, "/?#");
	if (strpbrk(auth, "?#") != NULL)
		return bad_target(err, errlen, text,
		                  "a query or fragment ('?', '#') is not "
		                  "allowed");
	if (*auth_end == '/' && (scheme == NULL || auth_end[1] != '\0'))
		return bad_target(err, errlen, text,
		                  scheme == NULL ? "'/' is not allowed in a "
		                                   "host name"
		                                 : "a URL path is not allowed "
		                                   "(a trailing '/' is)");
	if (memchr(auth, '@', (size_t)(auth_end - auth)) != NULL)
		return bad_target(err, errlen, text,
		                  "user info ('user@') is not allowed; give "
		                  "only the host");
	if (auth == auth_end)
		return bad_target(err, errlen, text, "missing host");

	if (auth[0] == '[') {
		const char *close =
		    memchr(auth, ']', (size_t)(auth_end - auth));

		if (close == NULL)
			return bad_target(err, errlen, text,
			                  "'[' without ']'; write IPv6 "
			                  "addresses as [2001:db8::1]");
		host = xstrndup(auth + 1, (size_t)(close - auth - 1));
		p = close + 1;
		if (p < auth_end && *p != ':') {
			free(host);
			return bad_target(err, errlen, text,
			                  "unexpected text after ']'; only "
			                  "':port' may follow");
		}
		if (p < auth_end) {
			port_s = p + 1;
			port_len = (size_t)(auth_end - port_s);
		}
		if (strchr(host, '%') != NULL) {
			free(host);
			return bad_target(err, errlen, text,
			                  "IPv6 zone ids ('%%') are not "
			                  "supported");
		}
		if (!is_ipv6(host)) {
			free(host);
			return bad_target(err, errlen, text,
			                  "brackets must hold an IPv6 address");
		}
		is_ip = true;
	} else {
		const char *colon =
		    memchr(auth, ':', (size_t)(auth_end - auth));
		const char *last = colon;

		for (p = auth; p < auth_end; p++)
			if (*p == ':')
				last = p;
		if (colon != NULL && colon != last) {
			/* more than one ':': only a bare IPv6 address */
			host = xstrndup(auth, (size_t)(auth_end - auth));
			if (strchr(host, '%') != NULL) {
				free(host);
				return bad_target(err, errlen, text,
				                  "IPv6 zone ids ('%%') are "
				                  "not supported");
			}
			if (scheme != NULL) {
				free(host);
				return bad_target(err, errlen, text,
				                  "an IPv6 address in a URL "
				                  "needs brackets, as in "
				                  "%s://[2001:db8::1]",
				                  scheme->name);
			}
			if (!is_ipv6(host)) {
				size_t alen = (size_t)(last - auth);
				bool with_port = false;

				if (all_digits(last + 1,
				               (size_t)(auth_end - last - 1))) {
					host[alen] = '\0';
					with_port = is_ipv6(host);
				}
				free(host);
				return bad_target(
				    err, errlen, text, "%s",
				    with_port ? "an IPv6 address with a port "
				                "needs brackets, as in "
				                "[2001:db8::1]:993"
				              : "not a valid IPv6 address");
			}
			is_ip = true;
		} else {
			const char *hend = colon != NULL ? colon : auth_end;

			host = xstrndup(auth, (size_t)(hend - auth));
			if (colon != NULL) {
				port_s = colon + 1;
				port_len = (size_t)(auth_end - port_s);
			}
			if (is_ipv4(host)) {
				is_ip = true;
			} else if ((why = check_host_name(
			                host, buf, sizeof(buf))) != NULL) {
				free(host);
				return bad_target(err, errlen, text, "%s", why);
			}
		}
	}

	if (port_s != NULL && (port = parse_port(port_s, port_len)) < 0) {
		free(host);
		return bad_target(err, errlen, text, "port must be 1-65535");
	}
	if (!is_ip)
		lower_ascii(host);

	out->host = host;
	out->host_is_ip = is_ip;
	if (scheme != NULL) {
		out->ports[0].service = scheme;
		out->ports[0].port =
		    port_s != NULL ? (uint16_t)port : scheme->default_port;
		out->nports = 1;
	} else if (port_s != NULL) {
		const struct service *s =
		    forced != NULL ? forced : service_by_port((uint16_t)port);

		if (s == NULL) {
			char *echo = escape_printable(text, ECHO_MAX);

			set_err(err, errlen,
			        "cannot tell the service of port %ld in '%s': "
			        "use a URL such as imap://%s or --service",
			        port, echo, echo);
			free(echo);
			target_spec_free(out);
			return -1;
		}
		out->ports[0].service = s;
		out->ports[0].port = (uint16_t)port;
		out->nports = 1;
	} else if (forced != NULL) {
		/* --service narrows a bare host to that one service */
		out->ports[0].service = forced;
		out->ports[0].port = forced->default_port;
		out->nports = 1;
	} else {
		size_t n;
		const struct service *const *all = service_all(&n);

		for (size_t i = 0; i < n && i < 4; i++) {
			out->ports[i].service = all[i];
			out->ports[i].port = all[i]->default_port;
		}
		out->nports = n < 4 ? n : 4;
	}
	return 0;
}

void
target_spec_free(struct target_spec *t)
{
	if (t == NULL)
		return;
	free(t->host);
	t->host = NULL;
	t->nports = 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

int
target_read_lines(FILE *f,
                  int (*cb)(const char *line, size_t lineno, void *arg),
                  void *arg, char *err, size_t errlen)
{
	/* room for the longest allowed line, CR, LF and NUL */
	char line[LINE_MAX_LEN + 3];
	size_t lineno = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		char *s = line, *e;
		bool had_lf = n > 0 && line[n - 1] == '\n';
		int rc;

		lineno++;
		if (!had_lf && !feof(f)) {
			/* fgets stopped early: the buffer is full, or a NUL
			 * byte cut strlen short */
			if (n == sizeof(line) - 1) {
				set_err(err, errlen,
				        "line %zu: longer than %d bytes",
				        lineno, LINE_MAX_LEN);
			} else if (ferror(f)) {
				break;
			} else {
				set_err(err, errlen,
				        "line %zu: contains a NUL byte",
				        lineno);
			}
			return -1;
		}
		if (had_lf)
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > LINE_MAX_LEN) {
			set_err(err, errlen, "line %zu: longer than %d bytes",
			        lineno, LINE_MAX_LEN);
			return -1;
		}
		/* a UTF-8 byte order mark some editors put first */
		if (lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;

		while (is_blank(*s))
			s++;
		if (*s == '#')
			continue;
		for (e = s; *e != '\0'; e++)
			if (is_blank(*e) && e[1] == '#') {
				*e = '\0';
				break;
			}
		e = s + strlen(s);
		while (e > s && is_blank(e[-1]))
			*--e = '\0';
		if (*s == '\0')
			continue;

		rc = cb(s, lineno, arg);
		if (rc != 0)
			return rc;
	}
	if (ferror(f)) {
		set_err(err, errlen, "read error after line %zu: %s", lineno,
		        strerror(errno));
		return -1;
	}
	return 0;
}
