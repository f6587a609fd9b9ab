/*
 * Report outputs (scanner/core/outfile.c): a new or regular file is replaced
 * atomically with its mode kept, a symlink stays a link and its target
 * gets the report, a FIFO or a Unix socket is written in place and stays
 * what it was, /dev/fd/N is that descriptor, a directory is refused, and a
 * failed or abandoned output leaves no temporary file. Everything happens
 * in a directory of the test's own.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/core/outfile.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *outfile_suite(void);

static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_outfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			char *p = xasprintf("%s/%s", dir, e->d_name);

			unlink(p);
			free(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static char *
in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static char *
slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* Entries in the test directory: a leftover temporary file shows here. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n +=
		    strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void
write_report(const char *path, const char *text)
{
	struct outfile o;

	ck_assert_int_eq(outfile_open(&o, path), 0);
	fputs(text, o.f);
	ck_assert_int_eq(outfile_close(&o, true), 0);
}

START_TEST(test_new_file_gets_umask_mode)
{
	char *p = in_dir("new.json");
	mode_t old = umask(027);
	struct stat st;

	write_report(p, "report\n");
	umask(old);
	ck_assert_str_eq(slurp(p), "report\n");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(entries(), 1);
	free(p);
}
END_TEST

START_TEST(test_regular_file_keeps_mode)
{
	char *p = in_dir("old.json");
	struct stat before, after;

	write_file(p, "old contents that are longer\n", 0604);
	ck_assert_int_eq(stat(p, &before), 0);
	write_report(p, "new\n");
	ck_assert_str_eq(slurp(p), "new\n");
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert_int_eq(after.st_mode & 07777, 0604);
	ck_assert_int_eq(after.st_uid, before.st_uid);
	ck_assert_int_eq(after.st_gid, before.st_gid);
	/* replaced, not rewritten: a reader of the old file keeps it whole */
	ck_assert_int_ne(after.st_ino, before.st_ino);
	ck_assert_int_eq(entries(), 1);
	free(p);
}
END_TEST

START_TEST(test_symlink_stays_a_link)
{
	char *target = in_dir("target.json"), *link = in_dir("link.json");
	struct stat st;

	write_file(target, "old\n", 0640);
	ck_assert_int_eq(symlink("target.json", link), 0);
	write_report(link, "through the link\n");
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_str_eq(slurp(target), "through the link\n");
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(entries(), 2);
	free(target);
	free(link);
}
END_TEST

START_TEST(test_dangling_symlink_creates_target)
{
	char *link = in_dir("link.json"), *chain = in_dir("chain.json"),
	     *target = in_dir("later.json");
	struct stat st;

	ck_assert_int_eq(symlink("later.json", link), 0);
	ck_assert_int_eq(symlink(link, chain), 0); /* absolute, two hops */
	write_report(chain, "created\n");
	ck_assert_int_eq(lstat(chain, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_str_eq(slurp(target), "created\n");
	free(link);
	free(chain);
	free(target);
}
END_TEST

START_TEST(test_symlink_loop_refused)
{
	char *a = in_dir("a"), *b = in_dir("b");
	struct outfile o;

	ck_assert_int_eq(symlink("b", a), 0);
	ck_assert_int_eq(symlink("a", b), 0);
	ck_assert_int_eq(outfile_open(&o, a), -1);
	ck_assert_str_eq(o.err, "Too many levels of symbolic links");
	ck_assert_int_eq(entries(), 2);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_fifo_written_in_place)
{
	char *p = in_dir("fifo");
	struct stat st;
	pid_t pid;
	int status;

	ck_assert_int_eq(mkfifo(p, 0600), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* the reader: exits 0 when it got the whole report */
		_exit(strcmp(slurp(p), "to the reader\n") == 0 ? 0 : 1);
	}
	write_report(p, "to the reader\n");
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(entries(), 1);
	free(p);
}
END_TEST

START_TEST(test_unix_socket_is_connected)
{
	char *p = in_dir("sock");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), cs;
	char buf[64] = {0};
	struct stat st;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	write_report(p, "over the socket\n");
	cs = accept(ls, NULL, NULL);
	ck_assert_int_ge(cs, 0);
	ck_assert_int_eq(read(cs, buf, sizeof(buf) - 1), 16);
	ck_assert_str_eq(buf, "over the socket\n");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	close(cs);
	close(ls);
	free(p);
}
END_TEST

START_TEST(test_dev_fd_is_the_descriptor)
{
	char *p = in_dir("via-fd"), *name;
	int fd = open(p, O_WRONLY | O_CREAT, 0600);
	struct stat before, after;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &before), 0);
	name = xasprintf("/dev/fd/%d", fd);
	write_report(name, "by descriptor\n");
	close(fd);
	ck_assert_str_eq(slurp(p), "by descriptor\n");
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert_int_eq(after.st_ino, before.st_ino);
	ck_assert_int_eq(entries(), 1);
	free(name);
	free(p);
}
END_TEST

START_TEST(test_directory_refused)
{
	struct outfile o;

	ck_assert_int_eq(outfile_open(&o, dir), -1);
	ck_assert_str_eq(o.err, "is a directory");
	ck_assert_int_eq(entries(), 0);
}
END_TEST

START_TEST(test_missing_directory)
{
	char *p = in_dir("no/such/report.json");
	struct outfile o;

	ck_assert_int_eq(outfile_open(&o, p), -1);
	ck_assert_str_eq(o.err, "No such file or directory");
	free(p);
}
END_TEST

START_TEST(test_failed_render_keeps_old_file)
{
	char *p = in_dir("kept.json");
	struct outfile o;

	write_file(p, "previous report\n", 0644);
	ck_assert_int_eq(outfile_open(&o, p), 0);
	fputs("half a rep", o.f);
	errno = ENOMEM;
	ck_assert_int_eq(outfile_close(&o, false), -1);
	ck_assert_str_eq(o.err, "Cannot allocate memory");
	ck_assert_str_eq(slurp(p), "previous report\n");
	ck_assert_int_eq(entries(), 1);
	free(p);
}
END_TEST

START_TEST(test_full_device_is_an_error)
{
	struct outfile o;
	struct stat st;

	if (stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode))
		return; /* no /dev/full in this sandbox: nothing to prove */
	ck_assert_int_eq(outfile_open(&o, "/dev/full"), 0);
	fputs("report\n", o.f);
	ck_assert_int_eq(outfile_close(&o, true), -1);
	ck_assert_str_eq(o.err, "No space left on device");
	ck_assert_int_eq(stat("/dev/full", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
outfile_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outfile");

	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, test_new_file_gets_umask_mode);
	tcase_add_test(tc, test_regular_file_keeps_mode);
	tcase_add_test(tc, test_symlink_stays_a_link);
	tcase_add_test(tc, test_dangling_symlink_creates_target);
	tcase_add_test(tc, test_symlink_loop_refused);
	tcase_add_test(tc, test_fifo_written_in_place);
	tcase_add_test(tc, test_unix_socket_is_connected);
	tcase_add_test(tc, test_dev_fd_is_the_descriptor);
	tcase_add_test(tc, test_directory_refused);
	tcase_add_test(tc, test_missing_directory);
	tcase_add_test(tc, test_failed_render_keeps_old_file);
	tcase_add_test(tc, test_full_device_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
