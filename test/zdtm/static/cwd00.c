/*
 * cwd00: the working directory (a subdirectory with a space in its name) is
 * the same directory after the wait: same path, same inode, and relative
 * paths still resolve in it.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char before[4096], now[4096], link[4096];
	struct stat st_before, st_now;
	ssize_t n;
	int fd;

	test_init(argc, argv);
	CHECK(mkdir("cwd dir", 0755) == 0 && mkdir("cwd dir/deeper", 0700) == 0, "mkdir");
	CHECK(chdir("cwd dir/deeper") == 0, "chdir");
	fd = open("marker", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0, "create marker");
	close(fd);
	CHECK(getcwd(before, sizeof(before)), "getcwd");
	CHECK(stat(".", &st_before) == 0, "stat .");
	test_daemon();
	test_waitsig();

	CHECK(getcwd(now, sizeof(now)), "getcwd after the wait");
	CHECK(!strcmp(now, before), "cwd is %s, was %s", now, before);
	n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	CHECK(n > 0, "readlink /proc/self/cwd");
	link[n] = '\0';
	CHECK(!strcmp(link, before), "/proc/self/cwd is %s, was %s", link, before);
	CHECK(stat(".", &st_now) == 0 && st_now.st_ino == st_before.st_ino &&
	      st_now.st_dev == st_before.st_dev, "cwd is another directory with the same name");
	CHECK(access("marker", F_OK) == 0, "relative path does not resolve in the cwd");
	pass();
}
