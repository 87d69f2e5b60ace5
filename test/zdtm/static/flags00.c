/*
 * flags00: the status flags of regular-file fds come back: O_DIRECT,
 * O_APPEND, O_NOATIME, O_SYNC, O_DSYNC, O_NONBLOCK, with each access mode,
 * at fds 50-56, and fd 57 opened plain then given O_APPEND|O_NONBLOCK|
 * O_NOATIME|O_DIRECT by fcntl(F_SETFL).  After the restore F_GETFL of each
 * is what it was, O_APPEND writes append, and the O_DIRECT fd still takes
 * aligned I/O.  (O_DIRECT is left out where the file system refuses it.)
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	int fd, flags;
	const char *name;
	int was;
} fds[] = {
	{ 50, O_RDWR | O_DIRECT, "flags00.direct", 0 },
	{ 51, O_WRONLY | O_APPEND, "flags00.append", 0 },
	{ 52, O_RDONLY | O_NOATIME, "flags00.noatime", 0 },
	{ 53, O_WRONLY | O_SYNC, "flags00.sync", 0 },
	{ 54, O_RDWR | O_DSYNC | O_NONBLOCK, "flags00.dsync", 0 },
	{ 55, O_RDWR | O_APPEND | O_NOATIME | O_SYNC, "flags00.mixed", 0 },
	{ 56, O_RDONLY | O_DIRECT | O_NOATIME, "flags00.direct", 0 },
	{ 57, O_RDWR, "flags00.setfl", 0 },
};
#define N (sizeof(fds) / sizeof(fds[0]))

int main(int argc, char **argv)
{
	bool direct = true;
	struct stat st;
	void *blk;

	test_init(argc, argv);
	CHECK(posix_memalign(&blk, 4096, 4096) == 0, "memalign");
	memset(blk, 'z', 4096);
	for (unsigned i = 0; i < N; i++) {
		int fd = open(fds[i].name, O_RDWR | O_CREAT, 0644);

		CHECK(fd >= 0 && ftruncate(fd, 8192) == 0, "make %s", fds[i].name);
		close(fd);
		fd = open(fds[i].name, fds[i].flags);
		if (fd < 0 && errno == EINVAL && (fds[i].flags & O_DIRECT)) {
			direct = false;
			fds[i].flags &= ~O_DIRECT;
			fd = open(fds[i].name, fds[i].flags);
		}
		CHECK(fd >= 0 && dup2(fd, fds[i].fd) == fds[i].fd, "open %s", fds[i].name);
		close(fd);
	}
	if (fcntl(57, F_SETFL, O_APPEND | O_NONBLOCK | O_NOATIME | (direct ? O_DIRECT : 0)))
		fail("F_SETFL: %s", strerror(errno));
	CHECK(write(51, "x", 1) == 1 && lseek(53, 100, SEEK_SET) == 100, "write, seek");
	for (unsigned i = 0; i < N; i++)
		fds[i].was = fcntl(fds[i].fd, F_GETFL);
	test_daemon();
	test_waitsig();

	for (unsigned i = 0; i < N; i++)
		CHECK(fcntl(fds[i].fd, F_GETFL) == fds[i].was, "fd %d (%s): flags %#o, were %#o",
		      fds[i].fd, fds[i].name, fcntl(fds[i].fd, F_GETFL), fds[i].was);
	CHECK(lseek(53, 0, SEEK_CUR) == 100, "fd 53 is at %ld", (long)lseek(53, 0, SEEK_CUR));
	CHECK(lseek(51, 0, SEEK_SET) == 0 && write(51, "y", 1) == 1 && fstat(51, &st) == 0 &&
	      st.st_size == 8194, "the O_APPEND fd 51 does not append (size %ld)", (long)st.st_size);
	if (direct)
		CHECK(pwrite(50, blk, 4096, 4096) == 4096 && pread(56, blk, 4096, 0) == 4096,
		      "aligned I/O on the O_DIRECT fds: %s", strerror(errno));
	if (!direct)
		test_msg("no O_DIRECT on this file system: not checked\n");
	pass();
}
