/* Process plumbing shared by the fixture servers (see daemon.h). */
#include "tests/servers/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void
logmsg(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s[%ld]: ", daemon_name,
	             (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", buf);
}

void
msleep(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
open_listener(const char *spec)
{
	struct addrinfo hints = {0}, *res, *rp;
	char host[256];
	const char *port, *end;
	int fd = -1, one = 1, r;

	if (spec[0] == '[') {
		end = strchr(spec, ']');
		if (!end || end[1] != ':')
			goto bad;
		port = end + 2;
		spec++;
	} else {
		end = strrchr(spec, ':');
		if (!end)
			goto bad;
		port = end + 1;
	}
	if (end == spec || (size_t)(end - spec) >= sizeof(host) || !*port)
		goto bad;
	memcpy(host, spec, (size_t)(end - spec));
	host[end - spec] = '\0';

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0) {
		logmsg("%s: %s", host, gai_strerror(r));
		return -1;
	}
	for (rp = res; rp; rp = rp->ai_next) {
		fd = socket(rp->ai_family,
		            SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (rp->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			           sizeof(one));
		if (bind(fd, rp->ai_addr, rp->ai_addrlen) == 0 &&
		    listen(fd, 128) == 0)
			break;
		logmsg("listen on [%s]:%s: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
bad:
	logmsg("bad --listen '%s' (want ADDR:PORT or [ADDR]:PORT)", spec);
	return -1;
}

int
write_pidfile(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)pid) < 0 || fclose(f) != 0) {
		logmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
redirect_stdio(const char *logfile, bool daemon)
{
	int null = open("/dev/null", O_RDWR);
	int logfd = -1;

	if (logfile)
		logfd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (daemon && logfd < 0)
			dup2(null, 2);
	}
	if (logfd >= 0)
		dup2(logfd, 2);
	if (null > 2)
		close(null);
	if (logfd > 2)
		close(logfd);
}

void
daemonize(const char *pidfile)
{
	pid_t pid = fork();

	if (pid < 0) {
		logmsg("fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		if (pidfile && write_pidfile(pidfile, pid) < 0) {
			kill(pid, SIGTERM);
			_exit(1);
		}
		_exit(0);
	}
	setsid();
}
