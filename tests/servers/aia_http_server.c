/*
 * aia_http_server: the HTTP side of an AIA caIssuers fetch (issue #12),
 * for tests/integration/aia.sh. One request per connection (a forked
 * child, 30 s at most), HTTP/1.0, and these paths:
 *
 *   /files/NAME      the file DIR/NAME (the intermediate as DER, PEM, ...);
 *                    404 if there is none (NAME may not contain '/' or "..")
 *   /big             200 with 1 MiB of zeros (above the 64 KiB bound)
 *   /slow            200, then one byte every 500 ms for 20 s
 *   /redirect-same/NAME   302 to /files/NAME on this host and port
 *   /redirect-loop   302 to itself
 *   /redirect-off/NAME    302 to http://OTHER/files/NAME (--other ADDR:PORT)
 *   anything else    404
 *
 * aia_http_server --listen ADDR:PORT --dir DIR [--other ADDR:PORT]
 *     [--daemon] [--pidfile F] [--log F]
 *
 * Every request is logged ("GET /path"), so a test can tell whether a
 * redirect off the host was followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/servers/daemon.h"

const char *const daemon_name = "aia_http_server";

static const char *g_dir, *g_other, *g_listen;

static void
put(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return;
		}
		c += w;
		n -= (size_t)w;
	}
}

static void
head(int fd, const char *status, const char *extra, long len)
{
	char buf[1024];
	int n;

	if (len >= 0)
		n = snprintf(buf, sizeof(buf),
		             "HTTP/1.0 %s\r\n%sContent-Length: %ld\r\n"
		             "Connection: close\r\n\r\n",
		             status, extra, len);
	else
		n = snprintf(buf, sizeof(buf),
		             "HTTP/1.0 %s\r\n%sConnection: close\r\n\r\n",
		             status, extra);
	put(fd, buf, (size_t)n);
}

static void
not_found(int fd)
{
	head(fd, "404 Not Found", "", 10);
	put(fd, "not found\n", 10);
}

static void
send_file(int fd, const char *name)
{
	char path[4096], buf[8192];
	struct stat st;
	int in;
	ssize_t r;

	if (!*name || strchr(name, '/') || strstr(name, "..")) {
		not_found(fd);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", g_dir, name);
	in = open(path, O_RDONLY);
	if (in < 0 || fstat(in, &st) < 0) {
		if (in >= 0)
			close(in);
		not_found(fd);
		return;
	}
	head(fd, "200 OK", "Content-Type: application/pkix-cert\r\n",
	     (long)st.st_size);
	while ((r = read(in, buf, sizeof(buf))) > 0)
		put(fd, buf, (size_t)r);
	close(in);
}

static void
redirect(int fd, const char *to)
{
	char loc[1200];

	snprintf(loc, sizeof(loc), "Location: %s\r\n", to);
	head(fd, "302 Found", loc, 0);
}

static void
serve(int fd)
{
	char req[2048], path[1024], to[1200];
	size_t got = 0;

	while (got < sizeof(req) - 1) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			return;
		r = read(fd, req + got, sizeof(req) - 1 - got);
		if (r <= 0)
			return;
		got += (size_t)r;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	if (sscanf(req, "GET %1023s", path) != 1) {
		head(fd, "400 Bad Request", "", 0);
		return;
	}
	logmsg("GET %s", path);
	if (strncmp(path, "/files/", 7) == 0) {
		send_file(fd, path + 7);
	} else if (strcmp(path, "/big") == 0) {
		static char zeros[65536];

		head(fd, "200 OK", "", 1L << 20);
		for (int i = 0; i < 16; i++)
			put(fd, zeros, sizeof(zeros));
	} else if (strcmp(path, "/slow") == 0) {
		head(fd, "200 OK", "", 40);
		for (int i = 0; i < 40; i++) {
			put(fd, "0", 1);
			msleep(500);
		}
	} else if (strncmp(path, "/redirect-same/", 15) == 0) {
		snprintf(to, sizeof(to), "/files/%s", path + 15);
		redirect(fd, to);
	} else if (strcmp(path, "/redirect-loop") == 0) {
		redirect(fd, "/redirect-loop");
	} else if (strncmp(path, "/redirect-off/", 14) == 0 && g_other) {
		snprintf(to, sizeof(to), "http://%s/files/%s", g_other,
		         path + 14);
		redirect(fd, to);
	} else {
		not_found(fd);
	}
}

static volatile sig_atomic_t g_stop;

static void
on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void
usage(void)
{
	fputs("usage: aia_http_server --listen ADDR:PORT --dir DIR "
	      "[--other ADDR:PORT] [--daemon] [--pidfile F] [--log F]\n",
	      stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"dir", required_argument, NULL, 'd'},
	    {"other", required_argument, NULL, 'o'},
	    {"daemon", no_argument, NULL, 'D'},
	    {"pidfile", required_argument, NULL, 'p'},
	    {"log", required_argument, NULL, 'L'},
	    {NULL, 0, NULL, 0},
	};
	const char *pidfile = NULL, *logfile = NULL;
	bool daemon = false;
	struct sigaction sa;
	int o, lfd;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			g_listen = optarg;
			break;
		case 'd':
			g_dir = optarg;
			break;
		case 'o':
			g_other = optarg;
			break;
		case 'D':
			daemon = true;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'L':
			logfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (!g_listen || !g_dir || optind != argc)
		usage();
	if ((lfd = open_listener(g_listen)) < 0)
		return 1;
	if (daemon)
		daemonize(pidfile);
	else if (pidfile && write_pidfile(pidfile, getpid()) < 0)
		return 1;
	redirect_stdio(logfile, daemon);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGCHLD, SIG_IGN); /* children reap themselves */
	signal(SIGPIPE, SIG_IGN);
	while (!g_stop) {
		struct pollfd p = {lfd, POLLIN, 0};
		int fd;
		pid_t pid;

		if (poll(&p, 1, 500) <= 0)
			continue;
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pid = fork();
		if (pid == 0) {
			close(lfd);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			alarm(30);
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			serve(fd);
			shutdown(fd, SHUT_WR);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
	close(lfd);
	return 0;
}
