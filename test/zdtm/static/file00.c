/*
 * file00: regular files open at odd fd numbers with different flags and
 * offsets: read-write at 17 (offset 333), write-only O_APPEND at 100 (at 55),
 * read-only at 5 (offset 10), O_CLOEXEC|O_NONBLOCK at 42, O_SYNC at 63, and
 * an O_RDONLY fd on an empty file at 1000.  After the wait each fd has its
 * file (same inode), offset, access mode and flags, and behaves accordingly.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct f {
	int fd;
	const char *name;
	int flags;
	off_t pos;		/* where we leave the offset; -1: append 5 bytes */
	int status, fdflags;	/* F_GETFL, F_GETFD as they were */
	ino_t ino;
};

static struct f files[] = {
	{ .fd = 17, .name = "file00.rw", .flags = O_RDWR | O_CREAT, .pos = 333 },
	{ .fd = 100, .name = "file00.append", .flags = O_WRONLY | O_APPEND | O_CREAT, .pos = -1 },
	{ .fd = 5, .name = "file00.ro", .flags = O_RDONLY, .pos = 10 },
	{ .fd = 42, .name = "file00.cloexec", .flags = O_RDWR | O_CLOEXEC | O_NONBLOCK | O_CREAT, .pos = 7 },
	{ .fd = 63, .name = "file00.sync", .flags = O_WRONLY | O_SYNC | O_CREAT, .pos = 4096 },
	{ .fd = 1000, .name = "file00.empty", .flags = O_RDONLY, .pos = 0 },
};
#define NF (sizeof(files) / sizeof(files[0]))

static char content(int i)
{
	return (char)('a' + i % 26);
}

static void make_file(const char *name, int size)
{
	char buf[8192];
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0, "create %s", name);
	for (int i = 0; i < size; i++)
		buf[i] = content(i);
	CHECK(write(fd, buf, size) == size, "write %s", name);
	close(fd);
}

int main(int argc, char **argv)
{
	char buf[64];
	struct stat st;

	test_init(argc, argv);
	make_file("file00.ro", 100);
	make_file("file00.empty", 0);
	make_file("file00.append", 50);
	make_file("file00.rw", 1000);
	make_file("file00.sync", 8192);
	make_file("file00.cloexec", 20);
	for (unsigned i = 0; i < NF; i++) {
		struct f *f = &files[i];
		int fd = open(f->name, f->flags, 0644);
		CHECK(fd >= 0, "open %s", f->name);
		CHECK(dup3(fd, f->fd, f->flags & O_CLOEXEC) == f->fd, "dup3 to %d", f->fd);
		close(fd);
		if (f->pos >= 0)
			CHECK(lseek(f->fd, f->pos, SEEK_SET) == f->pos, "lseek %s", f->name);
		else
			CHECK(write(f->fd, "12345", 5) == 5 && (f->pos = lseek(f->fd, 0, SEEK_CUR)) == 55,
			      "append to %s", f->name);
		f->status = fcntl(f->fd, F_GETFL);
		f->fdflags = fcntl(f->fd, F_GETFD);
		fstat(f->fd, &st);
		f->ino = st.st_ino;
	}
	CHECK(read(5, buf, 0) == 0, "read");
	test_daemon();
	test_waitsig();

	for (unsigned i = 0; i < NF; i++) {
		struct f *f = &files[i];
		CHECK(fstat(f->fd, &st) == 0, "fd %d (%s) is closed", f->fd, f->name);
		CHECK(st.st_ino == f->ino, "fd %d is not %s any more", f->fd, f->name);
		CHECK(fcntl(f->fd, F_GETFL) == f->status, "fd %d (%s): flags %#o, were %#o", f->fd, f->name,
		      fcntl(f->fd, F_GETFL), f->status);
		CHECK(fcntl(f->fd, F_GETFD) == f->fdflags, "fd %d (%s): fd flags %d, were %d", f->fd,
		      f->name, fcntl(f->fd, F_GETFD), f->fdflags);
		CHECK(lseek(f->fd, 0, SEEK_CUR) == f->pos, "fd %d (%s): offset %ld, was %ld", f->fd, f->name,
		      (long)lseek(f->fd, 0, SEEK_CUR), (long)f->pos);
	}
	/* They behave as before: reads go on from the offset, writes land there. */
	CHECK(read(5, buf, 5) == 5 && !memcmp(buf, "klmno", 5), "read-only fd reads \"%.5s\"", buf);
	CHECK(write(5, "x", 1) < 0 && errno == EBADF, "the O_RDONLY fd became writable");
	CHECK(read(1000, buf, 1) == 0, "empty file read");
	CHECK(write(17, "XY", 2) == 2 && pread(17, buf, 4, 332) == 4 && !memcmp(buf, "uXYx", 4),
	      "write at offset 333 gave \"%.4s\"", buf);
	lseek(100, 0, SEEK_SET);
	CHECK(write(100, "END", 3) == 3 && lseek(100, 0, SEEK_CUR) == 58, "O_APPEND write did not append");
	CHECK(read(100, buf, 1) < 0 && errno == EBADF, "the O_WRONLY fd became readable");
	pass();
}
