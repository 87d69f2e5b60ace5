/*
 * pipe00: pipes with data in flight.  fd 10: the read end of a pipe whose
 * writer is gone (data, then EOF); fds 11/12: both ends of a pipe of 256 KiB
 * holding 100 KiB; fds 13/14: a full 64 KiB pipe, non-blocking.  After the
 * restore every byte is there, in order, with the pipe sizes and flags.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static uint8_t pattern(size_t i, int salt)
{
	return (uint8_t)(i * 131 + salt * 7 + (i >> 9));
}

static int put(int fd, size_t len, int salt)
{
	uint8_t buf[4096];

	for (size_t off = 0; off < len; off += sizeof(buf)) {
		size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(off + i, salt);
		if (write(fd, buf, n) != (ssize_t)n)
			return -1;
	}
	return 0;
}

static void check(int fd, size_t len, int salt, const char *what)
{
	uint8_t buf[4096];

	for (size_t off = 0; off < len; ) {
		ssize_t n = read(fd, buf, len - off < sizeof(buf) ? len - off : sizeof(buf));

		CHECK(n > 0, "%s: read at %zu: %s", what, off, n ? strerror(errno) : "EOF");
		for (ssize_t i = 0; i < n; i++)
			CHECK(buf[i] == pattern(off + i, salt), "%s: byte %zu differs", what,
			      off + (size_t)i);
		off += n;
	}
}

int main(int argc, char **argv)
{
	int p[2];
	char c;

	test_init(argc, argv);
	CHECK(pipe(p) == 0 && put(p[1], 3000, 1) == 0, "pipe 1");
	CHECK(dup2(p[0], 10) == 10, "dup2");
	close(p[0]);
	close(p[1]);

	CHECK(pipe(p) == 0 && dup2(p[0], 11) == 11 && dup2(p[1], 12) == 12, "pipe 2");
	close(p[0]);
	close(p[1]);
	CHECK(fcntl(12, F_SETPIPE_SZ, 256 << 10) >= 256 << 10, "F_SETPIPE_SZ");
	CHECK(put(12, 100 << 10, 2) == 0, "fill pipe 2");

	CHECK(pipe2(p, O_NONBLOCK) == 0 && dup2(p[0], 13) == 13 && dup2(p[1], 14) == 14, "pipe 3");
	close(p[0]);
	close(p[1]);
	size_t full = 0;
	while (write(14, &(char){ (char)pattern(full, 3) }, 1) == 1)
		full++;
	CHECK(errno == EAGAIN && full == 65536, "pipe 3 holds %zu bytes", full);

	test_daemon();
	test_waitsig();

	check(10, 3000, 1, "pipe 1");
	CHECK(read(10, &c, 1) == 0, "pipe 1: no EOF after the data");
	CHECK(fcntl(12, F_GETPIPE_SZ) == 256 << 10, "pipe 2: size %d", fcntl(12, F_GETPIPE_SZ));
	check(11, 100 << 10, 2, "pipe 2");
	CHECK((fcntl(13, F_GETFL) & O_NONBLOCK) && (fcntl(14, F_GETFL) & O_NONBLOCK),
	      "pipe 3: not non-blocking");
	CHECK(write(14, "x", 1) < 0 && errno == EAGAIN, "pipe 3: not full");
	check(13, 65536, 3, "pipe 3");
	CHECK(read(13, &c, 1) < 0 && errno == EAGAIN, "pipe 3: more data than written");
	pass();
}
