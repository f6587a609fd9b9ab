/* epoll loop and deadline heap. */
#include "scanner/engine/loop.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "scanner/core/xalloc.h"

#define MAX_EVENTS 256

struct watch {
	loop_fd_cb *cb;
	void *arg;
	unsigned events; /* what epoll already watches for */
};

struct loop {
	int epfd;
	double now;
	struct loop_timer **heap;
	size_t nheap;
	size_t capheap;
	struct watch *watches; /* indexed by fd */
	size_t nwatches;
};

double
loop_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct loop *
loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->now = loop_clock();
	return l;
}

void
loop_free(struct loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l->heap);
	free(l->watches);
	free(l);
}

double
loop_now(const struct loop *l)
{
	return l->now;
}

static uint32_t
to_epoll(unsigned events)
{
	return ((events & LOOP_READ) ? EPOLLIN : 0) |
	       ((events & LOOP_WRITE) ? EPOLLOUT : 0) | EPOLLRDHUP;
}

static void
set_watch(struct loop *l, int fd, loop_fd_cb *cb, void *arg)
{
	if ((size_t)fd >= l->nwatches) {
		size_t n = l->nwatches ? l->nwatches : 64;

		while (n <= (size_t)fd)
			n *= 2;
		l->watches = xreallocarray(l->watches, n, sizeof(*l->watches));
		memset(l->watches + l->nwatches, 0,
		       (n - l->nwatches) * sizeof(*l->watches));
		l->nwatches = n;
	}
	l->watches[fd].cb = cb;
	l->watches[fd].arg = arg;
}

int
loop_watch(struct loop *l, int fd, unsigned events, loop_fd_cb *cb, void *arg)
{
	struct epoll_event ev = {.events = to_epoll(events), .data.fd = fd};

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	set_watch(l, fd, cb, arg);
	l->watches[fd].events = events;
	return 0;
}

int
loop_modify(struct loop *l, int fd, unsigned events, loop_fd_cb *cb, void *arg)
{
	struct epoll_event ev = {.events = to_epoll(events), .data.fd = fd};

	/* the same mask again is common (every reply re-arms reading) */
	if ((size_t)fd < l->nwatches && l->watches[fd].cb == cb &&
	    l->watches[fd].arg == arg && l->watches[fd].events == events)
		return 0;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -1;
	set_watch(l, fd, cb, arg);
	l->watches[fd].events = events;
	return 0;
}

void
loop_unwatch(struct loop *l, int fd)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	if ((size_t)fd < l->nwatches)
		l->watches[fd].cb = NULL;
}

/* --- timers: a binary min-heap ordered by deadline --- */

static void
heap_swap(struct loop *l, size_t a, size_t b)
{
	struct loop_timer *t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->heap_index = a;
	l->heap[b]->heap_index = b;
}

static void
heap_up(struct loop *l, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (l->heap[p]->deadline <= l->heap[i]->deadline)
			break;
		heap_swap(l, i, p);
		i = p;
	}
}

static void
heap_down(struct loop *l, size_t i)
{
	for (;;) {
		size_t a = 2 * i + 1, b = a + 1, m = i;

		if (a < l->nheap && l->heap[a]->deadline < l->heap[m]->deadline)
			m = a;
		if (b < l->nheap && l->heap[b]->deadline < l->heap[m]->deadline)
			m = b;
		if (m == i)
			return;
		heap_swap(l, i, m);
		i = m;
	}
}

void
loop_timer_init(struct loop_timer *t, void (*cb)(void *), void *arg)
{
	t->deadline = 0;
	t->heap_index = SIZE_MAX;
	t->cb = cb;
	t->arg = arg;
}

bool
loop_timer_armed(const struct loop_timer *t)
{
	return t->heap_index != SIZE_MAX;
}

size_t
loop_timer_count(const struct loop *l)
{
	return l->nheap;
}

void
loop_timer_disarm(struct loop *l, struct loop_timer *t)
{
	size_t i = t->heap_index;

	if (i == SIZE_MAX)
		return;
	heap_swap(l, i, l->nheap - 1);
	l->nheap--;
	t->heap_index = SIZE_MAX;
	if (i < l->nheap) {
		heap_up(l, i);
		heap_down(l, i);
	}
}

void
loop_timer_arm(struct loop *l, struct loop_timer *t, double deadline)
{
	loop_timer_disarm(l, t);
	if (l->nheap == l->capheap) {
		l->capheap = l->capheap ? l->capheap * 2 : 64;
		l->heap = xreallocarray(l->heap, l->capheap, sizeof(*l->heap));
	}
	t->deadline = deadline;
	t->heap_index = l->nheap;
	l->heap[l->nheap++] = t;
	heap_up(l, t->heap_index);
}

void
loop_run_once(struct loop *l, double max_wait)
{
	struct epoll_event evs[MAX_EVENTS];
	double wait = max_wait;
	int n, ms;

	l->now = loop_clock();
	if (l->nheap > 0 && l->heap[0]->deadline - l->now < wait)
		wait = l->heap[0]->deadline - l->now;
	if (wait < 0)
		wait = 0;
	ms = (int)ceil(wait * 1000.0);
	n = epoll_wait(l->epfd, evs, MAX_EVENTS, ms);
	if (n < 0 && errno != EINTR)
		n = 0;
	l->now = loop_clock();
	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;
		unsigned events = 0;

		if ((size_t)fd >= l->nwatches || !l->watches[fd].cb)
			continue;
		if (evs[i].events &
		    (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			events |= LOOP_READ;
		if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			events |= LOOP_WRITE;
		l->watches[fd].cb(l->watches[fd].arg, events);
	}
	while (l->nheap > 0 && l->heap[0]->deadline <= l->now) {
		struct loop_timer *t = l->heap[0];

		loop_timer_disarm(l, t);
		t->cb(t->arg);
	}
}
