/* The four standard services and their lookup (curl's scheme table). */
#include <strings.h>

#include "probes/probes.h"
#include "probes/service.h"

static const struct service pop3 = {
    .name = "pop3",
    .default_port = 110,
    .tls = TLS_MODE_STARTTLS,
    .protocol = PROTO_POP3,
    .probe = &pop3_probe,
    .srv = "_pop3._tcp",
};
static const struct service imap = {
    .name = "imap",
    .default_port = 143,
    .tls = TLS_MODE_STARTTLS,
    .protocol = PROTO_IMAP,
    .probe = &imap_probe,
    .srv = "_imap._tcp",
};
static const struct service imaps = {
    .name = "imaps",
    .default_port = 993,
    .tls = TLS_MODE_IMPLICIT,
    .protocol = PROTO_IMAP,
    .probe = &imap_probe,
    .srv = "_imaps._tcp",
};
static const struct service pop3s = {
    .name = "pop3s",
    .default_port = 995,
    .tls = TLS_MODE_IMPLICIT,
    .protocol = PROTO_POP3,
    .probe = &pop3_probe,
    .srv = "_pop3s._tcp",
};

static const struct service *const services[] = {&pop3, &imap, &imaps, &pop3s};
#define NSERVICES (sizeof(services) / sizeof(services[0]))

const struct service *const *
service_all(size_t *n_r)
{
	*n_r = NSERVICES;
	return services;
}

const struct service *
service_by_name(const char *name)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (strcasecmp(services[i]->name, name) == 0)
			return services[i];
	return NULL;
}

const struct service *
service_by_port(uint16_t port)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (services[i]->default_port == port)
			return services[i];
	return NULL;
}

const struct service *
service_counterpart(const struct service *s)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (services[i]->protocol == s->protocol && services[i] != s)
			return services[i];
	return NULL;
}
