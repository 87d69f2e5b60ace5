/*
 * devnull00: character devices opened by path: /dev/null (read-write),
 * /dev/zero, /dev/urandom, /dev/full.  Same devices and flags after the
 * wait, and they behave as those devices do.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { int fd; const char *path; int flags; } devs[] = {
	{ 20, "/dev/null", O_RDWR },
	{ 21, "/dev/zero", O_RDONLY },
	{ 22, "/dev/urandom", O_RDONLY | O_CLOEXEC },
	{ 23, "/dev/full", O_WRONLY },
};
#define ND (sizeof(devs) / sizeof(devs[0]))

int main(int argc, char **argv)
{
	dev_t rdev[ND];
	int fl[ND];
	struct stat st;
	char buf[64], buf2[64];

	test_init(argc, argv);
	for (unsigned i = 0; i < ND; i++) {
		int fd = open(devs[i].path, devs[i].flags);
		CHECK(fd >= 0 && dup3(fd, devs[i].fd, devs[i].flags & O_CLOEXEC) == devs[i].fd, "open %s",
		      devs[i].path);
		close(fd);
		fstat(devs[i].fd, &st);
		rdev[i] = st.st_rdev;
		fl[i] = fcntl(devs[i].fd, F_GETFL);
	}
	test_daemon();
	test_waitsig();

	for (unsigned i = 0; i < ND; i++) {
		CHECK(fstat(devs[i].fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == rdev[i],
		      "fd %d is not %s any more", devs[i].fd, devs[i].path);
		CHECK(fcntl(devs[i].fd, F_GETFL) == fl[i], "fd %d (%s): flags %#o, were %#o", devs[i].fd,
		      devs[i].path, fcntl(devs[i].fd, F_GETFL), fl[i]);
	}
	CHECK(write(20, "x", 1) == 1 && read(20, buf, 1) == 0, "/dev/null does not behave");
	memset(buf, 1, sizeof(buf));
	CHECK(read(21, buf, sizeof(buf)) == sizeof(buf) && !buf[0] && !buf[63], "/dev/zero does not read zeros");
	CHECK(read(22, buf, sizeof(buf)) == sizeof(buf) && read(22, buf2, sizeof(buf2)) == sizeof(buf2) &&
	      memcmp(buf, buf2, sizeof(buf)), "/dev/urandom is not random");
	CHECK(write(23, "x", 1) < 0 && errno == ENOSPC, "/dev/full is not full");
	pass();
}
