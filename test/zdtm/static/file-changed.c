/*
 * file-changed: fds of files that the runner changes between the dump and
 * the restore (see file-changed.desc, "change"): file-changed.data (read at
 * fd 7, offset 50), which grows by 20 bytes: the restore must refuse it,
 * naming the file, the pid and the fd, until --allow-changed-files; and
 * file-changed.log, open O_APPEND for writing at fd 6 (checked first), which grows too and
 * must not be refused (a log may grow).  After the wait both fds are on
 * their files at their offsets, and the log still appends.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[128];
	struct stat st, st0[2];
	int fd;

	test_init(argc, argv);
	memset(buf, 'd', 100);
	fd = open("file-changed.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, buf, 100) == 100 && dup2(fd, 7) == 7, "make the data file");
	close(fd);
	CHECK(lseek(7, 50, SEEK_SET) == 50, "lseek");
	fd = open("file-changed.log", O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "start\n", 6) == 6 && dup2(fd, 6) == 6, "make the log");
	close(fd);
	CHECK(fstat(7, &st0[0]) == 0 && fstat(6, &st0[1]) == 0, "fstat");
	test_daemon();
	test_waitsig();

	CHECK(fstat(7, &st) == 0 && st.st_ino == st0[0].st_ino, "fd 7 is not file-changed.data");
	CHECK(st.st_size == 100 || st.st_size == 120, "file-changed.data has %ld bytes",
	      (long)st.st_size);
	CHECK(lseek(7, 0, SEEK_CUR) == 50, "fd 7 at offset %ld, not 50", (long)lseek(7, 0, SEEK_CUR));
	CHECK(read(7, buf, 50) == 50 && buf[0] == 'd' && buf[49] == 'd', "fd 7 reads other data");
	CHECK(fstat(6, &st) == 0 && st.st_ino == st0[1].st_ino, "fd 6 is not file-changed.log");
	CHECK(write(6, "end\n", 4) == 4 && fstat(6, &st) == 0 &&
	      lseek(6, 0, SEEK_CUR) == st.st_size, "the log fd does not append");
	pass();
}
