/*
 * delay_proxy: a TCP relay on loopback that adds a round-trip time, so
 * that `make bench` can measure what a scan costs across real latency
 * (issue #13) without leaving the machine.
 *
 *   delay_proxy [--rtt-ms MS] FROM_PREFIX TO_PREFIX COUNT PORT...
 *
 * Listens on FROM_PREFIX.0.1 .. (COUNT addresses, 200 per /24, as
 * tests/bench/run.sh numbers them) on every PORT and relays each
 * connection to the same host number and port under TO_PREFIX. Both
 * prefixes must be in 127.0.0.0/8 ("127.3" and "127.1"). Default RTT
 * 100 ms.
 *
 * The model: every byte and every close takes RTT/2 in each direction,
 * and the upstream connection is made 1.5 RTT after the client's connect
 * returned, when a real server would accept (SYN and SYN-ACK take one RTT,
 * the ACK half of one). Bytes the client sends before that wait, as they
 * would in the network: a greeting arrives 2 RTT after connect(), a
 * ClientHello sent right away is answered 2 RTT later, as across a link of
 * that RTT. Bandwidth is not limited. One thread, epoll; runs until
 * SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 8
#define CHUNK     16384

/* One direction of a relayed connection: bytes due for the writer. */
struct half {
	unsigned char *buf;
	size_t len, cap;
	bool eof_due;  /* the reader's close reached this side: shut down */
	bool eof_sent; /* shutdown(SHUT_WR) done */
	bool read_eof; /* no more to read from the reader */
};

struct conn {
	int fd[2]; /* 0 client, 1 upstream (-1 until connected) */
	struct sockaddr_in up;
	struct half to[2]; /* to[i]: bytes for fd[i] */
	unsigned queued;   /* events in the queue that point here */
	bool dead;
};

/* A timed event: bytes (or a close) arriving at side `to`, or the
 * upstream connect (to == -1). Each kind has a fixed delay, so one FIFO
 * per delay is ordered by time. */
struct event {
	double due;
	struct conn *c;
	int to;
	unsigned char *data; /* NULL: a close */
	size_t len;
	struct event *next;
};

struct fifo {
	struct event *head, *tail;
};

/* What an epoll entry is: a listener or one side of a connection. */
struct tag {
	struct conn *c; /* NULL for a listener */
	int side;
	int fd;
	struct sockaddr_in up; /* listener: where its connections go */
};

static volatile sig_atomic_t stop;
static int ep;
static double half_rtt;
static struct fifo data_q, connect_q;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
push(struct fifo *q, struct conn *c, int to, double delay,
     const unsigned char *data, size_t len, bool close_ev)
{
	struct event *e = calloc(1, sizeof(*e));

	if (!e)
		die("calloc");
	e->due = now() + delay;
	e->c = c;
	e->to = to;
	if (!close_ev) {
		e->data = malloc(len);
		if (!e->data)
			die("malloc");
		memcpy(e->data, data, len);
		e->len = len;
	}
	c->queued++;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
}

static struct event *
pop_due(struct fifo *q, double t)
{
	struct event *e = q->head;

	if (!e || e->due > t)
		return NULL;
	q->head = e->next;
	if (!q->head)
		q->tail = NULL;
	return e;
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl");
}

static void
watch(int fd, struct tag *t, unsigned events, bool add)
{
	struct epoll_event ev = {.events = events, .data.ptr = t};

	if (epoll_ctl(ep, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) < 0)
		die("epoll_ctl");
}

static struct tag *
side_tag(struct conn *c, int side)
{
	struct tag *t = calloc(1, sizeof(*t));

	if (!t)
		die("calloc");
	t->c = c;
	t->side = side;
	t->fd = c->fd[side];
	return t;
}

/* Closes both sides; the memory goes once no event points at it. */
static void
kill_conn(struct conn *c)
{
	for (int i = 0; i < 2; i++)
		if (c->fd[i] >= 0) {
			close(c->fd[i]); /* also leaves the epoll set */
			c->fd[i] = -1;
		}
	c->dead = true;
}

static void
maybe_free(struct conn *c)
{
	if (c->dead && c->queued == 0) {
		free(c->to[0].buf);
		free(c->to[1].buf);
		free(c);
	}
}

/* Writes what is due for side i; shuts it down once a close is due and
 * everything before it is out. */
static void
flush(struct conn *c, int i)
{
	struct half *h = &c->to[i];

	if (c->dead || c->fd[i] < 0)
		return;
	while (h->len > 0) {
		ssize_t w = send(c->fd[i], h->buf, h->len, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w <= 0) {
			kill_conn(c);
			return;
		}
		memmove(h->buf, h->buf + w, h->len - (size_t)w);
		h->len -= (size_t)w;
	}
	if (h->eof_due && !h->eof_sent) {
		shutdown(c->fd[i], SHUT_WR);
		h->eof_sent = true;
	}
	if (c->to[0].eof_sent && c->to[1].eof_sent)
		kill_conn(c);
}

static void
deliver(struct event *e)
{
	struct conn *c = e->c;
	struct half *h;

	c->queued--;
	if (c->dead)
		goto done;
	if (e->to < 0) {
		/* the server accepts now */
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

		if (fd < 0)
			die("socket");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&c->up, sizeof(c->up)) < 0) {
			close(fd);
			kill_conn(c);
			goto done;
		}
		set_nonblock(fd);
		c->fd[1] = fd;
		watch(fd, side_tag(c, 1), EPOLLIN | EPOLLOUT | EPOLLET, true);
		flush(c, 1);
		goto done;
	}
	h = &c->to[e->to];
	if (!e->data) {
		h->eof_due = true;
	} else {
		if (h->len + e->len > h->cap) {
			h->cap = (h->len + e->len) * 2;
			h->buf = realloc(h->buf, h->cap);
			if (!h->buf)
				die("realloc");
		}
		memcpy(h->buf + h->len, e->data, e->len);
		h->len += e->len;
	}
	if (e->to == 0 || c->fd[1] >= 0)
		flush(c, e->to);
done:
	maybe_free(c);
	free(e->data);
	free(e);
}

/* Reads what side i sent and queues it for the other side. */
static void
relay(struct conn *c, int i)
{
	unsigned char buf[CHUNK];

	while (!c->dead && !c->to[1 - i].read_eof) {
		ssize_t n = recv(c->fd[i], buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			c->to[1 - i].read_eof = true;
			push(&data_q, c, 1 - i, half_rtt, NULL, 0, true);
			return;
		}
		push(&data_q, c, 1 - i, half_rtt, buf, (size_t)n, false);
	}
}

static void
accept_all(struct tag *l)
{
	for (;;) {
		int fd = accept(l->fd, NULL, NULL), one = 1;
		struct conn *c;

		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (!c)
			die("calloc");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		set_nonblock(fd);
		c->fd[0] = fd;
		c->fd[1] = -1;
		c->up = l->up;
		watch(fd, side_tag(c, 0), EPOLLIN | EPOLLOUT | EPOLLET, true);
		push(&connect_q, c, -1, 3 * half_rtt, NULL, 0, true);
	}
}

/* "127.3" and host number k (0-based) -> 127.3.(k/200).(k%200+1) */
static struct sockaddr_in
host_addr(const char *prefix, int k, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	char text[64];

	snprintf(text, sizeof(text), "%s.%d.%d", prefix, k / 200, k % 200 + 1);
	if (inet_pton(AF_INET, text, &a.sin_addr) != 1 ||
	    (ntohl(a.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "delay_proxy: %s is not a loopback address\n",
		        text);
		exit(2);
	}
	a.sin_port = htons((uint16_t)port);
	return a;
}

static void
listen_on(const char *from, const char *to, int k, int port)
{
	struct tag *t = calloc(1, sizeof(*t));
	struct sockaddr_in a = host_addr(from, k, port);
	int one = 1;

	if (!t)
		die("calloc");
	t->up = host_addr(to, k, port);
	t->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (t->fd < 0)
		die("socket");
	setsockopt(t->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(t->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(t->fd, 1024) < 0) {
		fprintf(stderr, "delay_proxy: %s.%d.%d:%d: %s\n", from, k / 200,
		        k % 200 + 1, port, strerror(errno));
		exit(1);
	}
	set_nonblock(t->fd);
	watch(t->fd, t, EPOLLIN, true);
}

static int
next_timeout_ms(void)
{
	double due = -1, t = now();

	if (data_q.head)
		due = data_q.head->due;
	if (connect_q.head && (due < 0 || connect_q.head->due < due))
		due = connect_q.head->due;
	if (due < 0)
		return 1000;
	return due <= t ? 0 : (int)((due - t) * 1000.0) + 1;
}

int
main(int argc, char **argv)
{
	double rtt_ms = 100;
	int a = 1, count, ports[MAX_PORTS], nports = 0;
	struct sigaction sa = {.sa_handler = on_signal};

	if (argc > 2 && strcmp(argv[1], "--rtt-ms") == 0) {
		rtt_ms = atof(argv[2]);
		a = 3;
	}
	if (argc - a < 4 || rtt_ms < 0 || rtt_ms > 10000) {
		fprintf(stderr, "usage: delay_proxy [--rtt-ms MS] FROM_PREFIX "
		                "TO_PREFIX COUNT PORT...\n");
		return 2;
	}
	count = atoi(argv[a + 2]);
	for (int i = a + 3; i < argc && nports < MAX_PORTS; i++)
		ports[nports++] = atoi(argv[i]);
	if (count < 1 || count > 10000) {
		fprintf(stderr, "delay_proxy: COUNT 1..10000\n");
		return 2;
	}
	half_rtt = rtt_ms / 2000.0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1");
	for (int k = 0; k < count; k++)
		for (int p = 0; p < nports; p++)
			listen_on(argv[a], argv[a + 1], k, ports[p]);
	printf("delay_proxy: %d x %d ports, %s -> %s, RTT %.0f ms\n", count,
	       nports, argv[a], argv[a + 1], rtt_ms);
	fflush(stdout);
	while (!stop) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, next_timeout_ms());
		struct event *e;
		double t;

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct tag *tg = evs[i].data.ptr;

			if (!tg->c) {
				accept_all(tg);
				continue;
			}
			if (tg->c->dead || tg->c->fd[tg->side] != tg->fd)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				relay(tg->c, tg->side);
			if (evs[i].events & EPOLLOUT)
				flush(tg->c, tg->side);
		}
		t = now();
		while ((e = pop_due(&connect_q, t)) ||
		       (e = pop_due(&data_q, t)))
			deliver(e);
	}
	return 0;
}
