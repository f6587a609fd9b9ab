/*
 * Corpus replay without libFuzzer (GnuTLS fuzz/main.c): linked with one
 * harness and built by the ordinary compiler, it runs the harness once
 * over every file in the directories (or the files) named on the command
 * line, so `make fuzz-replay` keeps seeds and crash reproducers passing.
 *
 * Each input is copied into a buffer of exactly its size, so an ASan
 * build catches a read past the end as libFuzzer would. A directory that
 * does not exist counts as empty (a harness may have no reproducers yet);
 * any other error fails the run. A crashing input aborts the process,
 * after its path was printed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			unsigned char *n;

			cap = cap ? cap * 2 : 4096;
			n = realloc(buf, cap);
			if (!n) {
				fclose(f);
				free(buf);
				fprintf(stderr, "replay: out of memory\n");
				return -1;
			}
			buf = n;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	{
		/* exactly len bytes, so over-reads are detectable */
		unsigned char *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			fprintf(stderr, "replay: out of memory\n");
			return -1;
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files of dir in name order; returns how many, or
 * -1 on an error. */
static long
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long done = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	/* cppcheck-suppress readdirCalled ; single-threaded, and glibc
	 * deprecates readdir_r in favour of readdir */
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", editor and VCS files */
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				done = -1;
				break;
			}
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			done = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		if (done >= 0 && len > 0 && (size_t)len < sizeof(path) &&
		    stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (replay_file(path) < 0)
				done = -1;
			else
				done++;
		}
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		long n;

		if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode))
			n = replay_file(argv[i]) < 0 ? -1 : 1;
		else
			n = replay_dir(argv[i]);
		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			        errno ? strerror(errno) : "failed");
			return 1;
		}
		total += n;
	}
	printf("%s: replayed %ld input(s) without a crash\n", argv[0], total);
	return 0;
}
