/*
 * What the fixture servers (fake_mail_server.c, tls_stub_server.c) share:
 * log lines, listeners from --listen, the pid file, standard streams and
 * going into the background. Linked into each server by the Makefile.
 */
#ifndef MAILAUDIT_TESTS_SERVERS_DAEMON_H
#define MAILAUDIT_TESTS_SERVERS_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

/* The program's name in log lines; each server defines it. */
extern const char *const daemon_name;

/* "NAME[pid]: message" on stderr (the log file once redirected). */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void msleep(long ms);

/* ADDR:PORT or [V6ADDR]:PORT -> bound, listening, non-blocking socket;
 * -1 (logged) on failure. */
int open_listener(const char *spec);

/* Writes pid to path; -1 (logged) on failure. */
int write_pidfile(const char *path, pid_t pid);

/* stdin/stdout to /dev/null, stderr to logfile (if given), else to
 * /dev/null when daemonised. */
void redirect_stdio(const char *logfile, bool daemon);

/* Forks into the background; the foreground process writes pidfile (if
 * given) and exits. Returns in the daemon. */
void daemonize(const char *pidfile);

#endif
