/* Report outputs that never replace what they are written to. */
#include "scanner/core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "scanner/core/xalloc.h"

/* as the kernel's limit on symlinks followed in one lookup */
#define MAX_LINK_HOPS 40

static int seterr(struct outfile *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
seterr(struct outfile *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->err, sizeof(o->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* "/dev/stdout" resolves to "/proc/self/fd/1", whose own target may be
 * "pipe:[1234]": a descriptor, not a path, so it is written through. */
static int
fd_path(const char *p)
{
	static const char *const prefixes[] = {"/proc/self/fd/", "/dev/fd/"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t k = strlen(prefixes[i]);
		char *end;
		long fd;

		if (strncmp(p, prefixes[i], k) != 0 || !p[k])
			continue;
		errno = 0;
		fd = strtol(p + k, &end, 10);
		if (*end == '\0' && errno == 0 && fd >= 0 && fd <= 65535)
			return (int)fd;
	}
	return -1;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Follows path's symlinks (a dangling one included: its target is where a
 * new report goes). Returns the final path, or NULL with errno; *fd is set
 * instead when the chain ends in a descriptor. */
static char *
resolve_links(const char *path, int *fd)
{
	char *cur = xstrdup(path);

	*fd = -1;
	for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
		struct stat st;
		char buf[4096], *dir;
		ssize_t n;

		if ((*fd = fd_path(cur)) >= 0) {
			free(cur);
			return NULL;
		}
		if (lstat(cur, &st) != 0) {
			if (errno == ENOENT)
				return cur;
			goto fail;
		}
		if (!S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0)
			goto fail;
		if (n == (ssize_t)sizeof(buf) - 1) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		buf[n] = '\0';
		dir = dir_of(cur);
		free(cur);
		cur =
		    buf[0] == '/' ? xstrdup(buf) : xasprintf("%s/%s", dir, buf);
		free(dir);
	}
	errno = ELOOP;
fail:
	free(cur);
	return NULL;
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Streams to fd: a device, FIFO, socket or descriptor written in place,
 * or the temporary file of a replacement. */
static int
open_in_place(struct outfile *o, int fd)
{
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int saved = errno;

		close(fd);
		return seterr(o, "%s", strerror(saved));
	}
	return 0;
}

static mode_t
new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* A regular file or a new one: a temporary file in the same directory,
 * so that the rename is atomic. */
static int
open_replacement(struct outfile *o, char *target, const struct stat *old)
{
	int fd;

	o->target = target;
	o->tmp = xasprintf("%s.tmp.XXXXXX", target);
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		seterr(o, "%s", strerror(errno));
		goto fail;
	}
	if (old) {
		o->mode = old->st_mode & 07777;
		o->uid = old->st_uid;
		o->gid = old->st_gid;
		o->keep_owner = true;
	} else {
		o->mode = new_file_mode();
	}
	if (open_in_place(o, fd) == 0)
		return 0;
	unlink(o->tmp);
fail:
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
	return -1;
}

int
outfile_open(struct outfile *o, const char *path)
{
	struct stat st;
	char *target;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->name = "standard output";
		o->f = stdout;
		return 0;
	}
	o->name = path;
	target = resolve_links(path, &fd);
	if (fd >= 0) {
		int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (dup < 0)
			return seterr(o, "descriptor %d: %s", fd,
			              strerror(errno));
		return open_in_place(o, dup);
	}
	if (!target)
		return seterr(o, "%s", strerror(errno));
	if (stat(target, &st) != 0) {
		if (errno == ENOENT)
			return open_replacement(o, target, NULL);
		free(target);
		return seterr(o, "%s", strerror(errno));
	}
	if (S_ISREG(st.st_mode))
		return open_replacement(o, target, &st);
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
		/* a FIFO blocks here until a reader opens it, as with `>` */
		fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	} else if (S_ISSOCK(st.st_mode)) {
		fd = connect_unix(target);
	} else {
		free(target);
		return seterr(o, "%s",
		              S_ISDIR(st.st_mode)
		                  ? "is a directory"
		                  : "is a block device or other special file "
		                    "(reports go to files, character devices, "
		                    "FIFOs and sockets)");
	}
	free(target);
	if (fd < 0)
		return seterr(o, "%s", strerror(errno));
	return open_in_place(o, fd);
}

/* The temporary file gets the replaced file's mode and owner, is made
 * durable, then renamed over the target. */
static int
put_in_place(struct outfile *o)
{
	int fd = fileno(o->f);

	if (o->keep_owner && fchown(fd, o->uid, o->gid) != 0 && errno != EPERM)
		return -1;
	if (fchmod(fd, o->mode) != 0 || fsync(fd) != 0)
		return -1;
	return 0;
}

int
outfile_close(struct outfile *o, bool ok)
{
	int saved = ok ? 0 : (errno ? errno : EIO);

	if (saved == 0 && (fflush(o->f) != 0 || ferror(o->f)))
		saved = errno ? errno : EIO;
	if (saved == 0 && o->tmp && put_in_place(o) != 0)
		saved = errno;
	if (o->f == stdout) {
		/* standard output stays open for exit's own flush */
		clearerr(stdout);
	} else if (fclose(o->f) != 0 && saved == 0) {
		saved = errno;
	}
	o->f = NULL;
	if (saved == 0 && o->tmp && rename(o->tmp, o->target) != 0)
		saved = errno;
	if (saved != 0 && o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
	if (saved != 0)
		return seterr(o, "%s", strerror(saved));
	return 0;
}
