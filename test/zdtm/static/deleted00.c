/*
 * deleted00: files deleted while open.  deleted00.data (0640, 20000 bytes
 * of pattern, then a hole, then "tail" at 1 MiB) is open read-write at fd
 * 10 (offset 1234, dup'ed at 12), read-only at fd 11 (offset 77, an open
 * file of its own), and, in a child, at fd 13 (a third open file, offset
 * 5); deleted00.empty (empty, 0600) is open write-only at fd 14; an
 * O_TMPFILE file at fd 15.  All unlinked before the dump.  After the
 * restore every fd still shows "NAME (deleted)" (test_waitsig checks the
 * targets),
 * has its offset, flags and the file's mode and data, the names are still
 * gone, the hole is still a hole, and fds 10, 11 and the child's 13 are one
 * file: what one writes the others read.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIZE	20000
#define TAIL	(1 << 20)

static char pat(int i)
{
	return (char)('A' + i % 23);
}

/* the child: an open file of its own at fd 13, offset 5 */
static int child_setup(void)
{
	int fd = open("deleted00.data", O_RDWR);

	if (fd < 0 || dup2(fd, 13) != 13 || lseek(13, 5, SEEK_SET) != 5)
		return 2;
	close(fd);
	return 0;
}

/* its own offset, then what the parent wrote after the restore */
static int child_after(void)
{
	char c;

	if (lseek(13, 0, SEEK_CUR) != 5 || read(13, &c, 1) != 1 || c != pat(5))
		return 3;
	if (pread(13, &c, 1, 100) != 1 || c != 'P')
		return 4;
	if (pwrite(13, "C", 1, 200) != 1)
		return 5;
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[SIZE];
	struct stat st, st0;
	int fd;
	pid_t child;

	test_init(argc, argv);
	for (int i = 0; i < SIZE; i++)
		buf[i] = pat(i);
	fd = open("deleted00.data", O_RDWR | O_CREAT | O_TRUNC, 0640);
	CHECK(fd >= 0 && write(fd, buf, SIZE) == SIZE && pwrite(fd, "tail", 4, TAIL) == 4,
	      "make deleted00.data");
	CHECK(fchmod(fd, 0640) == 0 && dup2(fd, 10) == 10 && dup2(10, 12) == 12, "dup2");
	close(fd);
	CHECK(lseek(10, 1234, SEEK_SET) == 1234, "lseek");
	fd = open("deleted00.data", O_RDONLY);
	CHECK(fd >= 0 && dup2(fd, 11) == 11 && lseek(11, 77, SEEK_SET) == 77, "fd 11");
	close(fd);
	fd = open("deleted00.empty", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && dup2(fd, 14) == 14, "deleted00.empty");
	close(fd);
	/* never had a name: it shows as "#INO (deleted)" */
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0 && write(fd, "tmpfile", 7) == 7 && dup2(fd, 15) == 15, "O_TMPFILE");
	close(fd);
	/* the child has its own open file before the names go */
	child = test_child(child_setup, child_after);
	CHECK(unlink("deleted00.data") == 0 && unlink("deleted00.empty") == 0, "unlink");
	CHECK(fstat(10, &st0) == 0 && st0.st_nlink == 0, "fstat");
	test_daemon();
	test_waitsig();

	CHECK(access("deleted00.data", F_OK) < 0 && errno == ENOENT, "deleted00.data is back");
	CHECK(access("deleted00.empty", F_OK) < 0 && errno == ENOENT, "deleted00.empty is back");
	CHECK(fstat(10, &st) == 0 && st.st_nlink == 0, "fd 10 is not a deleted file");
	CHECK(st.st_size == TAIL + 4, "size %ld, not %d", (long)st.st_size, TAIL + 4);
	CHECK((st.st_mode & 07777) == 0640, "mode %o, not 0640", st.st_mode & 07777);
	CHECK(st.st_blocks * 512 < TAIL / 2, "the hole is filled (%ld blocks)", (long)st.st_blocks);
	CHECK(fcntl(10, F_GETFL) & O_RDWR, "fd 10 is not read-write");
	CHECK((fcntl(11, F_GETFL) & O_ACCMODE) == O_RDONLY, "fd 11 is not read-only");
	CHECK((fcntl(14, F_GETFL) & O_ACCMODE) == O_WRONLY, "fd 14 is not write-only");
	CHECK(lseek(10, 0, SEEK_CUR) == 1234, "fd 10 at %ld", (long)lseek(10, 0, SEEK_CUR));
	CHECK(lseek(12, 0, SEEK_CUR) == 1234, "fd 12 is not fd 10's open file");
	CHECK(lseek(11, 0, SEEK_CUR) == 77, "fd 11 at %ld", (long)lseek(11, 0, SEEK_CUR));
	memset(buf, 0, SIZE);
	CHECK(pread(11, buf, SIZE, 0) == SIZE, "read the data");
	for (int i = 0; i < SIZE; i++)
		CHECK(buf[i] == pat(i), "byte %d is %d", i, buf[i]);
	CHECK(pread(11, buf, 8, TAIL - 4) == 8 && !memcmp(buf, "\0\0\0\0tail", 8), "no tail");
	CHECK(fstat(14, &st) == 0 && st.st_nlink == 0 && st.st_size == 0 &&
	      (st.st_mode & 07777) == 0600, "fd 14: deleted00.empty is not as it was");
	CHECK(fstat(15, &st) == 0 && st.st_nlink == 0 && st.st_size == 7 &&
	      pread(15, buf, 7, 0) == 7 && !memcmp(buf, "tmpfile", 7) &&
	      (fcntl(15, F_GETFL) & O_ACCMODE) == O_RDWR, "fd 15: the O_TMPFILE file differs");
	/* one file: fd 10 writes, fd 11 and the child's fd 13 read */
	CHECK(pwrite(10, "P", 1, 100) == 1 && pread(11, buf, 1, 100) == 1 && buf[0] == 'P',
	      "fds 10 and 11 are not one file");
	test_child_end(child);
	CHECK(pread(11, buf, 1, 200) == 1 && buf[0] == 'C', "the child's fd 13 is another file");
	pass();
}
