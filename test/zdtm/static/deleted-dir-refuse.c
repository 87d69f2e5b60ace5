/*
 * deleted-dir-refuse: a directory removed while open (fd 15) cannot be made
 * again: the dump refuses, naming our pid, the fd and "deleted directory";
 * we keep running with it.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	int fd;

	test_init(argc, argv);
	CHECK(mkdir("gone.d", 0755) == 0, "mkdir");
	fd = open("gone.d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && dup2(fd, 15) == 15, "open the directory");
	close(fd);
	CHECK(rmdir("gone.d") == 0, "rmdir");
	test_daemon();
	test_waitsig();

	CHECK(fstat(15, &st) == 0 && S_ISDIR(st.st_mode), "fd 15 is gone");
	pass();
}
