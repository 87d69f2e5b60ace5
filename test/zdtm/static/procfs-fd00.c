/*
 * procfs-fd00: fds of files the kernel makes up: our /proc/PID/stat (fd
 * 60), /proc/stat (61), the /proc/PID/fd directory (62) and a sysfs file
 * (63, where there is one).  Their size and mtime mean nothing, and
 * /proc/PID exists only once the restored process does: the restore must
 * not take them for changed or gone files.  After it each fd reads what
 * it should.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SYSFS	"/sys/kernel/mm/transparent_hugepage/enabled"

static int open_at(const char *path, int flags, int at)
{
	int fd = open(path, flags);

	if (fd < 0 || dup2(fd, at) != at)
		return -1;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[256], want[32];
	int sysfs;

	test_init(argc, argv);
	CHECK(open_at("/proc/self/stat", O_RDONLY, 60) == 0, "open /proc/self/stat");
	CHECK(open_at("/proc/stat", O_RDONLY, 61) == 0, "open /proc/stat");
	CHECK(open_at("/proc/self/fd", O_RDONLY | O_DIRECTORY, 62) == 0, "open /proc/self/fd");
	sysfs = open_at(SYSFS, O_RDONLY, 63) == 0;
	test_daemon();
	test_waitsig();

	snprintf(want, sizeof(want), "%d (", getpid());
	memset(buf, 0, sizeof(buf));
	CHECK(pread(60, buf, sizeof(buf) - 1, 0) > 0 && !strncmp(buf, want, strlen(want)),
	      "fd 60 reads '%.40s', not our stat", buf);
	CHECK(pread(61, buf, 4, 0) == 4 && !memcmp(buf, "cpu ", 4), "fd 61 is not /proc/stat");
	CHECK(faccessat(62, "60", F_OK, AT_SYMLINK_NOFOLLOW) == 0, "fd 62 does not list fd 60");
	if (sysfs)
		CHECK(pread(63, buf, sizeof(buf) - 1, 0) > 0 && strchr(buf, '['),
		      "fd 63 is not %s", SYSFS);
	pass();
}
