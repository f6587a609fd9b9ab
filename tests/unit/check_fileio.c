/*
 * read_capped (scanner/core/fileio.c): the whole file or one line saying
 * why not; "-" is a file name unless the caller allows standard input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/core/fileio.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *fileio_suite(void);

/* A temporary file of n bytes 'x'; the path is written to path. */
static void
make_file(char *path, size_t n)
{
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_ne(putc('x', f), EOF);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_read_whole)
{
	char path[] = "/tmp/mailaudit-fileio-XXXXXX", err[256] = "";
	char *buf;
	size_t len;

	make_file(path, 4095);
	ck_assert_int_eq(
	    read_capped(path, 4096, false, &buf, &len, err, sizeof(err)), 0);
	ck_assert_uint_eq(len, 4095);
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_int_eq(buf[len], '\0');
	free(buf);
	unlink(path);
}
END_TEST

START_TEST(test_empty)
{
	char path[] = "/tmp/mailaudit-fileio-XXXXXX", err[256] = "";
	char *buf;
	size_t len;

	make_file(path, 0);
	ck_assert_int_eq(
	    read_capped(path, 4096, false, &buf, &len, err, sizeof(err)), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(buf, "");
	free(buf);
	unlink(path);
}
END_TEST

/* A file of exactly the cap is refused: a full buffer cannot tell. */
START_TEST(test_cap)
{
	char path[] = "/tmp/mailaudit-fileio-XXXXXX", err[256] = "";
	char want[300];
	char *buf;
	size_t len;

	make_file(path, 8192);
	ck_assert_int_eq(
	    read_capped(path, 8192, false, &buf, &len, err, sizeof(err)), -1);
	ck_assert_ptr_null(buf);
	snprintf(want, sizeof(want), "%s: larger than 8192 bytes", path);
	ck_assert_str_eq(err, want);
	unlink(path);
}
END_TEST

/* A cap that the buffer's doubling does not meet holds all the same. */
START_TEST(test_odd_cap)
{
	char path[] = "/tmp/mailaudit-fileio-XXXXXX", err[256] = "";
	char *buf;
	size_t len;

	make_file(path, 5000);
	ck_assert_int_eq(
	    read_capped(path, 5000, false, &buf, &len, err, sizeof(err)), -1);
	ck_assert_int_eq(
	    read_capped(path, 5001, false, &buf, &len, err, sizeof(err)), 0);
	ck_assert_uint_eq(len, 5000);
	free(buf);
	unlink(path);
}
END_TEST

START_TEST(test_missing)
{
	char err[256] = "";
	char *buf;
	size_t len;

	ck_assert_int_eq(read_capped("/nonexistent/x", 4096, false, &buf, &len,
	                             err, sizeof(err)),
	                 -1);
	ck_assert_str_eq(
	    err, "/nonexistent/x: cannot read: No such file or directory");
	/* "-" names a file when standard input is not allowed */
	ck_assert_int_eq(
	    read_capped("-", 4096, false, &buf, &len, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "-: cannot read: No such file or directory");
}
END_TEST

/* The Makefile collects suites by a definition line of exactly
 * "NAME_suite(void)"; clang-format would join it to the return type. */
/* clang-format off */
Suite *
fileio_suite(void)
/* clang-format on */
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("read_capped");

	tcase_add_test(tc, test_read_whole);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_odd_cap);
	tcase_add_test(tc, test_missing);
	suite_add_tcase(s, tc);
	return s;
}
