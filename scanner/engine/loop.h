/*
 * One epoll event loop with a min-heap of deadlines (libuv's timer heap,
 * Redis' ae). Every watched fd has one callback; every connection owns one
 * timer that it re-arms for its current phase. The clock is read once per
 * iteration and handed down (curl's TIME-KEEPING.md).
 */
#ifndef MAILAUDIT_SCANNER_ENGINE_LOOP_H
#define MAILAUDIT_SCANNER_ENGINE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

struct loop_timer {
	double deadline;   /* monotonic seconds */
	size_t heap_index; /* position in the heap, or SIZE_MAX */
	void (*cb)(void *arg);
	void *arg;
};

#define LOOP_READ  1u
#define LOOP_WRITE 2u

typedef void loop_fd_cb(void *arg, unsigned events);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Monotonic time of the current iteration. */
double loop_now(const struct loop *l);
/* Reads the clock now (for use outside loop_run_once). */
double loop_clock(void);

/* Watches fd for events (LOOP_READ/LOOP_WRITE); returns 0 or -1. */
int loop_watch(struct loop *l, int fd, unsigned events, loop_fd_cb *cb,
               void *arg);
int loop_modify(struct loop *l, int fd, unsigned events, loop_fd_cb *cb,
                void *arg);
void loop_unwatch(struct loop *l, int fd);

void loop_timer_init(struct loop_timer *t, void (*cb)(void *), void *arg);
/* Arms (or re-arms) t to fire at deadline. */
void loop_timer_arm(struct loop *l, struct loop_timer *t, double deadline);
void loop_timer_disarm(struct loop *l, struct loop_timer *t);
bool loop_timer_armed(const struct loop_timer *t);
size_t loop_timer_count(const struct loop *l);

/* Waits for events (at most until the next deadline or max_wait seconds),
 * then runs the callbacks of ready fds and expired timers. */
void loop_run_once(struct loop *l, double max_wait);

#endif
