/*
 * file-gone: the runner moves file-gone.data (open at fd 7) away between
 * the dump and the restore (file-gone.desc, "change"): the restore must
 * refuse before it makes anything, naming the file, the pid and the fd;
 * with the file back it restores.  The directory fd 8 is left alone.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st, st0;
	int fd;

	test_init(argc, argv);
	fd = open("file-gone.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4 && dup2(fd, 7) == 7, "make file-gone.data");
	close(fd);
	CHECK(mkdir("file-gone.d", 0755) == 0, "mkdir");
	fd = open("file-gone.d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && dup2(fd, 8) == 8, "open file-gone.d");
	close(fd);
	CHECK(fstat(7, &st0) == 0, "fstat");
	test_daemon();
	test_waitsig();

	CHECK(fstat(7, &st) == 0 && st.st_ino == st0.st_ino && st.st_size == 4,
	      "fd 7 is not file-gone.data");
	CHECK(fstat(8, &st) == 0 && S_ISDIR(st.st_mode), "fd 8 is not the directory");
	pass();
}
