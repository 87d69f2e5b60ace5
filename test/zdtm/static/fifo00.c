/*
 * fifo00: FIFOs (named pipes) with data in them at the dump.
 *   fifo00.a: read end at fd 40 (O_NONBLOCK), write end at fd 41, size
 *             128 KiB, "hello fifo" unread; a child has a write end of its
 *             own at fd 43;
 *   fifo00.b: open read-write at fd 42, full (its 64 KiB of pattern).
 * After the restore: each fd is on the FIFO of its path, with its flags,
 * the sizes and the unread data are back, and the ends are one pipe again:
 * what fd 41 and the child's fd 43 write, fd 40 reads.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG	(128 << 10)

/* the child: its own write end at fd 43, written to after the restore */
static int child_setup(void)
{
	int fd = open("fifo00.a", O_WRONLY);

	if (fd < 0 || dup2(fd, 43) != 43)
		return 2;
	close(fd);
	return 0;
}

static int child_after(void)
{
	return write(43, "child", 5) == 5 ? 0 : 3;
}

static char pat(int i)
{
	return (char)(i * 7 + i / 4096);
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int fd, n = 0, full = 0, fl[3];
	struct stat st, sa, sb;
	pid_t child;

	test_init(argc, argv);
	CHECK(mkfifo("fifo00.a", 0644) == 0 && mkfifo("fifo00.b", 0600) == 0, "mkfifo");
	fd = open("fifo00.a", O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0 && dup2(fd, 40) == 40, "open the read end");
	close(fd);
	fd = open("fifo00.a", O_WRONLY);
	CHECK(fd >= 0 && dup2(fd, 41) == 41, "open the write end");
	close(fd);
	CHECK(fcntl(41, F_SETPIPE_SZ, BIG) >= BIG, "F_SETPIPE_SZ");
	CHECK(write(41, "hello fifo", 10) == 10, "write");
	fd = open("fifo00.b", O_RDWR | O_NONBLOCK);
	CHECK(fd >= 0 && dup2(fd, 42) == 42, "open fifo00.b");
	close(fd);
	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = pat(i);
	while (full < (int)sizeof(buf)) {
		ssize_t w = write(42, buf + full, sizeof(buf) - full);

		if (w <= 0)
			break;
		full += w;
	}
	CHECK(full == fcntl(42, F_GETPIPE_SZ), "fifo00.b holds %d bytes, not full", full);
	CHECK(fcntl(42, F_SETFL, O_RDWR) == 0, "fifo00.b blocking");
	child = test_child(child_setup, child_after);
	fl[0] = fcntl(40, F_GETFL);
	fl[1] = fcntl(41, F_GETFL);
	fl[2] = fcntl(42, F_GETFL);
	test_daemon();
	test_waitsig();

	CHECK(stat("fifo00.a", &sa) == 0 && stat("fifo00.b", &sb) == 0, "the FIFOs are gone");
	CHECK(fstat(40, &st) == 0 && st.st_ino == sa.st_ino && fstat(41, &st) == 0 &&
	      st.st_ino == sa.st_ino, "fds 40, 41 are not fifo00.a");
	CHECK(fstat(42, &st) == 0 && st.st_ino == sb.st_ino, "fd 42 is not fifo00.b");
	CHECK(fcntl(40, F_GETFL) == fl[0] && fcntl(41, F_GETFL) == fl[1] &&
	      fcntl(42, F_GETFL) == fl[2], "flags %#o %#o %#o, were %#o %#o %#o",
	      fcntl(40, F_GETFL), fcntl(41, F_GETFL), fcntl(42, F_GETFL), fl[0], fl[1], fl[2]);
	CHECK(fcntl(41, F_GETPIPE_SZ) == BIG, "fifo00.a has size %d", fcntl(41, F_GETPIPE_SZ));
	CHECK(fcntl(42, F_GETPIPE_SZ) == full, "fifo00.b has size %d", fcntl(42, F_GETPIPE_SZ));
	CHECK(ioctl(40, FIONREAD, &n) == 0 && n == 10, "fifo00.a holds %d bytes, not 10", n);
	CHECK(ioctl(42, FIONREAD, &n) == 0 && n == full, "fifo00.b holds %d bytes, not %d", n, full);
	memset(buf, 0, sizeof(buf));
	CHECK(read(40, buf, sizeof(buf)) == 10 && !memcmp(buf, "hello fifo", 10), "fd 40 reads '%s'",
	      buf);
	CHECK(read(40, buf, 1) < 0 && errno == EAGAIN, "fd 40 is not non-blocking and empty");
	CHECK(read(42, buf, full) == full, "read fifo00.b");
	for (int i = 0; i < full; i++)
		CHECK(buf[i] == pat(i), "fifo00.b: byte %d differs", i);
	CHECK(write(41, "again", 5) == 5 && read(40, buf, 5) == 5 && !memcmp(buf, "again", 5),
	      "fds 41 and 40 are not one pipe");
	test_child_end(child);
	CHECK(read(40, buf, 5) == 5 && !memcmp(buf, "child", 5), "the child's fd 43 is another pipe");
	pass();
}
