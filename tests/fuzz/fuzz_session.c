/*
 * Whole probe conversations without a network (curl-fuzzer's TLV idea),
 * driven through scanner/engine/session.h the way scanner/engine/conn.c drives
 * them, including the follow-up passes a probe asks for with next_pass.
 *
 * Input: byte 0 picks the service (bits 0-1 index service_all(): pop3,
 * imap, imaps, pop3s), bit 2 makes every TLS handshake fail, bit 3 sets
 * --passive. Then server chunks: a length byte and that many bytes (a
 * short last chunk is fed as it is). A length byte of 0 is silence: the
 * end of a quiet wait (probe_wait_quiet) if one runs, else a timeout
 * that ends the pass. The end of the input closes every connection left.
 *
 * Checked: client bytes are printable ASCII with CR/LF only; text that
 * reaches a report (status detail, banner, evidence, transcript) is
 * escaped; a probe asks for a bounded number of passes.
 */
#include <string.h>

#include "probes/probe.h"
#include "probes/service.h"
#include "scanner/engine/session.h"
#include "scanner/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

#define MAX_PASSES 32

static bool
printable(const char *s, bool newlines)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 || c > 0x7e) && !(newlines && c == '\n'))
			return false;
	}
	return true;
}

/* Plays the I/O layer: writes everything queued, in two parts. */
static void
drain(struct session *s)
{
	size_t n;
	const char *out;

	while ((out = session_output(s, &n)), n > 0) {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)out[i];

			FUZZ_ASSERT((c >= 0x20 && c < 0x7f) || c == '\r' ||
			            c == '\n');
		}
		session_output_consumed(s, n > 3 ? n - 3 : n);
	}
}

/* Runs one connection; returns the input offset after what it read. */
static size_t
run_pass(struct endpoint_result *res, const struct probe_options *opts,
         int pass, bool tls_fail, const uint8_t *data, size_t size, size_t off)
{
	struct session s;

	session_init(&s, res, 0x5eed, pass, opts);
	if (res->endpoint.service->tls == TLS_MODE_IMPLICIT &&
	    !(pass & PROBE_PASS_NO_TLS))
		session_tls_done(&s, !tls_fail, "fuzz");
	else
		session_start(&s);
	drain(&s);
	while (off < size && !s.finished) {
		size_t len = data[off++];

		if (len == 0 && s.quiet_wait > 0) {
			session_quiet(&s);
		} else if (len == 0) {
			session_timeout(&s);
		} else {
			len = len < size - off ? len : size - off;
			if (len == 0)
				break; /* truncated: the connection closes */
			session_receive(&s, (const char *)data + off, len);
			off += len;
		}
		if (s.want == SESSION_WANT_TLS)
			session_tls_done(&s, !tls_fail, "fuzz");
		drain(&s);
	}
	session_eof(&s);
	FUZZ_ASSERT(s.finished && s.want == SESSION_WANT_CLOSE);
	session_free(&s);
	return off;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nsvc, off = 1;
	const struct service *const *all = service_all(&nsvc);
	const struct service *svc;
	struct probe_options opts = {0};
	struct endpoint_result res;
	int pass = PROBE_PASS_MAIN, npasses = 0;

	if (size < 1)
		return 0;
	svc = all[(data[0] & 3) % nsvc];
	opts.passive = (data[0] & 8) != 0;
	opts.quiet_wait_s = 1;
	endpoint_result_init(&res);
	res.endpoint.host = xstrdup("mail.example.org");
	res.endpoint.address = xstrdup("192.0.2.25");
	res.endpoint.port = svc->default_port;
	res.endpoint.service = svc;
	do {
		FUZZ_ASSERT(++npasses <= MAX_PASSES);
		off = run_pass(&res, &opts, pass, (data[0] & 4) != 0, data,
		               size, off);
		/* plan.c does not go on after a throttled main pass */
		if (pass == PROBE_PASS_MAIN && res.status == EP_STATUS_REJECTED)
			break;
		pass = svc->probe->next_pass
		           ? svc->probe->next_pass(&res, &opts, pass)
		           : -1;
	} while (pass >= 0);
	FUZZ_ASSERT(res.status < EP_STATUS_COUNT);
	FUZZ_ASSERT(res.status == EP_STATUS_OK || res.status_detail != NULL);
	FUZZ_ASSERT(printable(res.status_detail, false));
	FUZZ_ASSERT(printable(res.banner, false));
	FUZZ_ASSERT(printable(res.transcript, true));
	for (size_t i = 0; i < res.nfindings; i++)
		FUZZ_ASSERT(res.findings[i].check != NULL &&
		            printable(res.findings[i].evidence, false));
	endpoint_result_free(&res);
	return 0;
}
