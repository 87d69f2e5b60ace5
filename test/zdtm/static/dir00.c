/*
 * dir00: an open directory fd, read half way with getdents64.  After the
 * wait the rest of the listing comes out (no entry twice, none missing), we
 * can fchdir to it and open files relative to it.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NENT 200

static int seen[NENT];
static int n_dot;

struct d64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Read one getdents64 batch (small buffer: a few entries); count names. */
static int read_some(int fd)
{
	char buf[256];
	long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

	CHECK(n >= 0, "getdents64");
	for (long off = 0; off < n;) {
		struct d64 *d = (void *)(buf + off);
		off += d->reclen;
		if (!strcmp(d->name, ".") || !strcmp(d->name, "..")) {
			n_dot++;
			continue;
		}
		int i = atoi(d->name + 2);
		CHECK(!strncmp(d->name, "e-", 2) && i >= 0 && i < NENT, "stray entry %s", d->name);
		CHECK(!seen[i]++, "entry %s listed twice", d->name);
	}
	return n > 0;
}

int main(int argc, char **argv)
{
	char name[64];
	int dfd, batches = 0, fd;
	struct stat st_before, st_now;
	off_t pos;

	test_init(argc, argv);
	CHECK(mkdir("dir00.d", 0755) == 0, "mkdir");
	for (int i = 0; i < NENT; i++) {
		snprintf(name, sizeof(name), "dir00.d/e-%d", i);
		fd = open(name, O_WRONLY | O_CREAT, 0644);
		CHECK(fd >= 0, "create %s", name);
		close(fd);
	}
	dfd = open("dir00.d", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	while (batches < 10 && read_some(dfd))
		batches++;
	pos = lseek(dfd, 0, SEEK_CUR);
	fstat(dfd, &st_before);
	test_daemon();
	test_waitsig();

	CHECK(lseek(dfd, 0, SEEK_CUR) == pos, "directory offset %ld, was %ld", (long)lseek(dfd, 0, SEEK_CUR),
	      (long)pos);
	CHECK(fstat(dfd, &st_now) == 0 && st_now.st_ino == st_before.st_ino, "not the same directory");
	while (read_some(dfd))
		;
	for (int i = 0; i < NENT; i++)
		CHECK(seen[i] == 1, "entry e-%d listed %d times", i, seen[i]);
	CHECK(n_dot == 2, ". and .. seen %d times", n_dot);
	fd = openat(dfd, "e-7", O_RDONLY);
	CHECK(fd >= 0, "openat on the directory fd");
	close(fd);
	CHECK(fchdir(dfd) == 0 && access("e-150", F_OK) == 0, "fchdir to the directory fd");
	pass();
}
