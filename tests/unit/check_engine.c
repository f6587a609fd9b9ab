/*
 * The scan engine under load, against servers in this process (loopback):
 * the per-address cap holds, a silent host does not hold back the others,
 * the global cap and the threads split the work without losing an
 * endpoint. No assertion depends on how fast the machine is: they compare
 * counts and completion order, not seconds.
 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probes/service.h"
#include "scanner/core/result.h"
#include "scanner/engine/scan.h"
#include "scanner/tls/tls.h"
#include "scanner/core/xalloc.h"

#define MAX_LISTEN 16
#define MAX_CONN   256

/* A poll-driven server on several ports of one address. "greet" ports
 * answer after delay_ms with a greeting and close; silent ones accept and
 * never speak. It records the most connections open at once. */
struct server {
	int lfd[MAX_LISTEN];
	unsigned short port[MAX_LISTEN];
	size_t nlisten;
	bool silent;
	int delay_ms;
	volatile bool stop;
	pthread_t thread;
	pthread_mutex_t lock;
	int open_now;
	int open_max;
	int accepted;
};

static int
listen_on(const char *addr, unsigned short *port_r)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, addr, &sa.sin_addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 64), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port_r = ntohs(sa.sin_port);
	return fd;
}

static void *
serve(void *arg)
{
	struct server *s = arg;
	int conn[MAX_CONN];
	int age[MAX_CONN]; /* ms since accept */
	size_t nconn = 0;

	while (!s->stop) {
		struct pollfd p[MAX_LISTEN];

		for (size_t i = 0; i < s->nlisten; i++) {
			p[i].fd = s->lfd[i];
			p[i].events = POLLIN;
		}
		poll(p, s->nlisten, 10);
		for (size_t i = 0; i < s->nlisten; i++) {
			int fd;

			if (!(p[i].revents & POLLIN) || nconn == MAX_CONN)
				continue;
			fd = accept(s->lfd[i], NULL, NULL);
			if (fd < 0)
				continue;
			conn[nconn] = fd;
			age[nconn++] = 0;
			pthread_mutex_lock(&s->lock);
			s->accepted++;
			if (++s->open_now > s->open_max)
				s->open_max = s->open_now;
			pthread_mutex_unlock(&s->lock);
		}
		for (size_t i = 0; i < nconn;) {
			age[i] += 10;
			if (s->silent || age[i] < s->delay_ms) {
				i++;
				continue;
			}
			/* a greeting the probe accepts, then an abrupt end */
			if (write(conn[i], "* BYE busy\r\n", 12) < 0) {
				/* the peer may be gone already */
			}
			close(conn[i]);
			pthread_mutex_lock(&s->lock);
			s->open_now--;
			pthread_mutex_unlock(&s->lock);
			conn[i] = conn[--nconn];
			age[i] = age[nconn];
		}
	}
	for (size_t i = 0; i < nconn; i++)
		close(conn[i]);
	return NULL;
}

static void
server_start(struct server *s, const char *addr, size_t nports, bool silent,
             int delay_ms)
{
	memset(s, 0, sizeof(*s));
	s->silent = silent;
	s->delay_ms = delay_ms;
	s->nlisten = nports;
	pthread_mutex_init(&s->lock, NULL);
	for (size_t i = 0; i < nports; i++)
		s->lfd[i] = listen_on(addr, &s->port[i]);
	pthread_create(&s->thread, NULL, serve, s);
}

static void
server_stop(struct server *s)
{
	s->stop = true;
	pthread_join(s->thread, NULL);
	for (size_t i = 0; i < s->nlisten; i++)
		close(s->lfd[i]);
	pthread_mutex_destroy(&s->lock);
}

static void
add_endpoints(struct endpoint_result *r, size_t *n, const char *addr,
              const struct server *s)
{
	for (size_t i = 0; i < s->nlisten; i++) {
		struct endpoint_result *e = &r[(*n)++];

		endpoint_result_init(e);
		e->endpoint.host = xstrdup(addr);
		e->endpoint.address = xstrdup(addr);
		e->endpoint.host_is_ip = true;
		e->endpoint.port = s->port[i];
		e->endpoint.service = service_by_name("imap");
	}
}

/* Completion order, from the endpoint_done callback. */
struct order {
	size_t seq[64];
	size_t n;
};

static void
record_done(struct endpoint_result *r, size_t idx, void *arg)
{
	struct order *o = arg;

	(void)r;
	if (o->n < 64)
		o->seq[o->n++] = idx;
}

static struct scan_options
options(struct tls_config *tls, struct order *o, unsigned threads)
{
	struct scan_options so = {
	    .timeout_s = 2,
	    .endpoint_budget_s = 12,
	    .concurrency = 64,
	    .max_per_host = 2,
	    .retries = 0,
	    .threads = threads,
	    .tls_depth = TLS_DEPTH_OFF,
	    .tls = tls,
	    .endpoint_done = record_done,
	    .done_arg = o,
	};

	so.probe.quiet_wait_s = 0.2;
	return so;
}

START_TEST(test_per_host_cap_holds)
{
	char err[256];
	struct tls_config *tls = tls_config_new(NULL, err, sizeof(err));
	struct server s;
	struct endpoint_result r[16];
	struct order o = {0};
	size_t n = 0;
	struct scan_options so;

	ck_assert_ptr_nonnull(tls);
	/* 10 ports on one address, each connection held 150 ms: without the
	 * cap all 10 would be open at once */
	server_start(&s, "127.0.0.1", 10, false, 150);
	add_endpoints(r, &n, "127.0.0.1", &s);
	so = options(tls, &o, (unsigned)_i + 1);
	scan_run(r, n, &so);
	server_stop(&s);
	ck_assert_int_eq(s.accepted, 10);
	ck_assert_msg(s.open_max <= 2, "%d connections open at once",
	              s.open_max);
	ck_assert_int_ge(s.open_max, 1);
	ck_assert_uint_eq(o.n, n); /* every endpoint reported done once */
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(r[i].status, EP_STATUS_REJECTED);
		endpoint_result_free(&r[i]);
	}
	tls_config_free(tls);
}
END_TEST

START_TEST(test_silent_host_does_not_hold_back_others)
{
	char err[256];
	struct tls_config *tls = tls_config_new(NULL, err, sizeof(err));
	struct server silent, fast;
	struct endpoint_result r[16];
	struct order o = {0};
	size_t n = 0;
	struct scan_options so;

	ck_assert_ptr_nonnull(tls);
	server_start(&silent, "127.0.0.2", 2, true, 0);
	server_start(&fast, "127.0.0.3", 8, false, 0);
	/* the silent host first, so a scheduler that waited on it would
	 * finish it first */
	add_endpoints(r, &n, "127.0.0.2", &silent);
	add_endpoints(r, &n, "127.0.0.3", &fast);
	so = options(tls, &o, (unsigned)_i + 1);
	scan_run(r, n, &so);
	server_stop(&silent);
	server_stop(&fast);
	ck_assert_uint_eq(o.n, n);
	/* every fast endpoint was done before the silent ones timed out */
	for (size_t k = 0; k < 8; k++)
		ck_assert_msg(o.seq[k] >= 2,
		              "endpoint %zu finished before a fast one",
		              o.seq[k]);
	ck_assert_int_eq(r[0].status, EP_STATUS_TIMEOUT);
	ck_assert_int_eq(r[1].status, EP_STATUS_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(r[0].status_detail, "greeting"));
	for (size_t i = 2; i < n; i++)
		ck_assert_int_eq(r[i].status, EP_STATUS_REJECTED);
	for (size_t i = 0; i < n; i++)
		endpoint_result_free(&r[i]);
	tls_config_free(tls);
}
END_TEST

START_TEST(test_refused_and_concurrency_one)
{
	char err[256];
	struct tls_config *tls = tls_config_new(NULL, err, sizeof(err));
	struct server s;
	struct endpoint_result r[16];
	struct order o = {0};
	size_t n = 0;
	struct scan_options so;
	unsigned short closed_port;
	int fd;

	ck_assert_ptr_nonnull(tls);
	/* a port nobody listens on: bind one, then close it */
	fd = listen_on("127.0.0.4", &closed_port);
	close(fd);
	server_start(&s, "127.0.0.5", 4, false, 50);
	add_endpoints(r, &n, "127.0.0.5", &s);
	endpoint_result_init(&r[n]);
	r[n].endpoint.host = xstrdup("127.0.0.4");
	r[n].endpoint.address = xstrdup("127.0.0.4");
	r[n].endpoint.host_is_ip = true;
	r[n].endpoint.port = closed_port;
	r[n].endpoint.service = service_by_name("pop3");
	n++;
	so = options(tls, &o, 1);
	so.concurrency = 1; /* one at a time, strictly */
	scan_run(r, n, &so);
	server_stop(&s);
	ck_assert_int_eq(s.open_max, 1);
	ck_assert_uint_eq(o.n, n);
	ck_assert_int_eq(r[n - 1].status, EP_STATUS_CLOSED);
	ck_assert_int_eq(r[n - 1].connections, 1);
	for (size_t i = 0; i < n; i++)
		endpoint_result_free(&r[i]);
	tls_config_free(tls);
}
END_TEST

Suite *engine_suite(void);

Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("load");

	tcase_set_timeout(tc, 30);
	/* one thread and two threads */
	tcase_add_loop_test(tc, test_per_host_cap_holds, 0, 2);
	tcase_add_loop_test(tc, test_silent_host_does_not_hold_back_others, 0,
	                    2);
	tcase_add_test(tc, test_refused_and_concurrency_one);
	suite_add_tcase(s, tc);
	return s;
}
