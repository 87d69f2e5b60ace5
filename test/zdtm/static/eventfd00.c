/*
 * eventfd00: eventfds with their counters: fd 14 holds 41; fd 15 is a
 * non-blocking semaphore holding 3; fd 16 is a dup of fd 14 (one counter);
 * fd 17 is non-blocking and empty.  After the restore each must count as
 * before.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t v = 0, one = 1;

	test_init(argc, argv);
	CHECK(test_fd_at(eventfd(41, 0), 14) == 14, "eventfd");
	CHECK(test_fd_at(eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK), 15) == 15, "semaphore eventfd");
	CHECK(dup2(14, 16) == 16, "dup2");
	CHECK(test_fd_at(eventfd(0, EFD_NONBLOCK), 17) == 17, "empty eventfd");
	test_daemon();
	test_waitsig();

	CHECK(write(16, &one, 8) == 8, "write to the dup: %s", strerror(errno));
	CHECK(read(14, &v, 8) == 8 && v == 42, "fd 14 counts %lu, not 42", (unsigned long)v);
	for (int i = 0; i < 3; i++)
		CHECK(read(15, &v, 8) == 8 && v == 1, "semaphore read %d gave %lu", i,
		      (unsigned long)v);
	CHECK(read(15, &v, 8) == -1 && errno == EAGAIN, "the semaphore is not empty after 3");
	CHECK(read(17, &v, 8) == -1 && errno == EAGAIN, "the empty eventfd is not empty (or blocks)");
	CHECK(fcntl(17, F_GETFL) & O_NONBLOCK, "fd 17 lost O_NONBLOCK");
	pass();
}
