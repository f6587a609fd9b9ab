/*
 * DNS record data from whatever server answered (scanner/net/dnsrr.h), then
 * judged (probes/checks/dns_checks.h). The input is a list of chunks: a kind
 * byte (0 TLSA, 1 cleartext SRV, 2 implicit-TLS SRV, 3 --dns-server
 * text, by the kind modulo 4), a length byte and that many bytes of data.
 * Parsed records must be well formed; the judgement of the records, with
 * every lookup outcome, must not break.
 */
#include <ctype.h>
#include <string.h>

#include "probes/checks/dns_checks.h"
#include "probes/service.h"
#include "scanner/net/dnscheck.h"
#include "scanner/net/dnsrr.h"
#include "scanner/core/result.h"
#include "scanner/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

static void
check_tlsa(const uint8_t *p, size_t n, struct dns_tlsa *t)
{
	struct tlsa_rr rr;

	if (dnsrr_tlsa_parse(p, n, &rr) < 0) {
		FUZZ_ASSERT(rr.data_hex == NULL);
		t->q.nmalformed++;
		return;
	}
	FUZZ_ASSERT(n >= 4 && strlen(rr.data_hex) == 2 * (n - 3));
	for (const char *c = rr.data_hex; *c; c++)
		FUZZ_ASSERT(isxdigit((unsigned char)*c) && !isupper(*c));
	/* equal to the leaf's digest for some inputs: both paths run */
	if (rr.mtype == 0)
		rr.data_sha256 = xstrdup(n % 2 ? "1e1f" : "00");
	t->rr = xreallocarray(t->rr, t->n + 1, sizeof(*t->rr));
	t->rr[t->n++] = rr;
}

static void
check_srv(const uint8_t *p, size_t n, struct dns_srv *s)
{
	struct srv_rr rr;

	if (dnsrr_srv_parse(p, n, &rr) < 0) {
		FUZZ_ASSERT(rr.target == NULL);
		return;
	}
	FUZZ_ASSERT(rr.target[0] != '\0' && strlen(rr.target) <= 255 * 4);
	for (const char *c = rr.target; *c; c++)
		FUZZ_ASSERT(isalnum((unsigned char)*c) || strchr("-_.\\", *c));
	s->rr = xreallocarray(s->rr, s->n + 1, sizeof(*s->rr));
	s->rr[s->n++] = rr;
}

static void
check_server(const uint8_t *p, size_t n)
{
	char *text = xstrndup((const char *)p, n), *out = NULL;
	char err[256] = "";

	if (dnscheck_server_parse(text, &out, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(out && strchr(out, '@'));
		free(out);
	} else {
		FUZZ_ASSERT(!out && err[0] != '\0');
	}
	free(text);
}

static void
set_cert(struct cert_facts *c, const char *d)
{
	strlist_init(&c->eku);
	strlist_init(&c->dns_names);
	strlist_init(&c->ip_addresses);
	c->sha256 = xstrdup(d);
	c->spki_sha256 = xstrdup(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct endpoint_result r;
	struct dns_facts *f;
	size_t i = 0;

	endpoint_result_init(&r);
	r.endpoint.host = xstrdup("mail.example.org");
	r.endpoint.address = xstrdup("192.0.2.1");
	r.endpoint.port = 993;
	r.endpoint.service = service_by_name("imaps");
	r.tls.handshake_done = true;
	r.tls.chain.certs = xcalloc(2, sizeof(struct cert_facts));
	r.tls.chain.ncerts = 2;
	r.tls.chain.trusted = size % 2;
	set_cert(&r.tls.chain.certs[0], "1e1f");
	set_cert(&r.tls.chain.certs[1], "ca1f");
	f = r.dns = xcalloc(1, sizeof(*f));
	f->has_tlsa = f->has_srv = true;
	f->tlsa.q.name = xstrdup("_993._tcp.mail.example.org");
	f->srv_clear.q.name = xstrdup("_imap._tcp.mail.example.org");
	f->srv_tls.q.name = xstrdup("_imaps._tcp.mail.example.org");
	/* the first byte picks the outcomes: every branch is reachable */
	if (size > 0) {
		f->tlsa.q.outcome = (enum dns_outcome)(data[0] % 5);
		f->srv_clear.q.outcome = (enum dns_outcome)(data[0] / 5 % 5);
		f->srv_tls.q.outcome = (enum dns_outcome)(data[0] / 25 % 5);
		f->tlsa.q.nxdomain = data[0] & 0x80;
		i = 1;
	}
	while (i + 2 <= size) {
		size_t kind = data[i] % 4, n = data[i + 1];
		const uint8_t *p = data + i + 2;

		if (n > size - i - 2)
			n = size - i - 2;
		if (kind == 0)
			check_tlsa(p, n, &f->tlsa);
		else if (kind == 1)
			check_srv(p, n, &f->srv_clear);
		else if (kind == 2)
			check_srv(p, n, &f->srv_tls);
		else
			check_server(p, n);
		i += 2 + n;
	}
	dns_checks_judge(&r, 1);
	for (size_t k = 0; k < r.nfindings; k++)
		FUZZ_ASSERT(r.findings[k].evidence &&
		            r.findings[k].evidence[0] != '\0');
	endpoint_result_free(&r);
	return 0;
}
