/*
 * Services are what a port speaks (curl's Curl_scheme): name, default port,
 * TLS mode and the probe that holds the conversation. imap and imaps share
 * one probe, as do pop3 and pop3s.
 */
#ifndef MAILAUDIT_PROBES_SERVICE_H
#define MAILAUDIT_PROBES_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls_mode {
	TLS_MODE_STARTTLS, /* cleartext first, upgrade with STARTTLS/STLS */
	TLS_MODE_IMPLICIT, /* TLS handshake right after connect */
};

enum protocol {
	PROTO_IMAP,
	PROTO_POP3,
};

struct probe_module;

struct service {
	const char *name;      /* "imaps"; also the URL scheme */
	uint16_t default_port; /* 993 */
	enum tls_mode tls;
	enum protocol protocol;
	const struct probe_module *probe;
	const char *srv; /* the SRV owner label ("_imaps._tcp", RFC 6186) */
};

/* The four standard services in the order they are scanned for a bare
 * host: pop3 110, imap 143, imaps 993, pop3s 995. */
const struct service *const *service_all(size_t *n_r);
/* By name ("imap", "IMAPS" ...); NULL if unknown. */
const struct service *service_by_name(const char *name);
/* By standard port; NULL if the port is not one of the four. */
const struct service *service_by_port(uint16_t port);
/* The other service of the same protocol (imap <-> imaps). */
const struct service *service_counterpart(const struct service *s);

#endif
