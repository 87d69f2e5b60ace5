/*
 * epoll00: epoll fd 15 watches
 *   16  an eventfd with a count (EPOLLIN, data 0x1122334455667788): ready
 *   17  a pipe's read end, empty (EPOLLIN | EPOLLET, data 7)
 *   18  a unix socket (EPOLLOUT | EPOLLONESHOT, data 9), fired once before
 *       the dump: disarmed
 *   19  another epoll (EPOLLIN, data 10) that watches 16: ready
 * After the restore epoll_wait must report 16 and 19 only, then 17 once
 * the pipe has data, then 18 once re-armed.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

static void add(int ep, int fd, unsigned events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl ADD %d: %s", fd,
	      strerror(errno));
}

/* The set of data values epoll 15 reports now, as bits 1 << (data & 63). */
static uint64_t ready(void)
{
	struct epoll_event ev[8];
	uint64_t bits = 0;
	int n = epoll_wait(15, ev, 8, 0);

	CHECK(n >= 0, "epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		if (ev[i].data.u64 == 0x1122334455667788ULL)
			bits |= 1ULL << 16;
		else
			bits |= 1ULL << (ev[i].data.u64 & 63);
	}
	return bits;
}

int main(int argc, char **argv)
{
	int p[2], sv[2];
	uint64_t one = 1;
	struct epoll_event ev;

	test_init(argc, argv);
	CHECK(test_fd_at(epoll_create1(0), 15) == 15 && fcntl(15, F_SETFD, FD_CLOEXEC) == 0, "epoll_create1");
	CHECK(test_fd_at(eventfd(3, 0), 16) == 16, "eventfd");
	CHECK(pipe(p) == 0 && test_fd_at(p[0], 17) == 17 && test_fd_at(p[1], 22) == 22, "pipe");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && test_fd_at(sv[0], 18) == 18 &&
	      test_fd_at(sv[1], 20) == 20, "socketpair");
	CHECK(test_fd_at(epoll_create1(0), 19) == 19, "epoll_create1");
	add(19, 16, EPOLLIN, 1);
	add(15, 16, EPOLLIN, 0x1122334455667788ULL);
	add(15, 17, EPOLLIN | EPOLLET, 7);
	add(15, 18, EPOLLOUT | EPOLLONESHOT, 9);
	add(15, 19, EPOLLIN, 10);
	CHECK(ready() == ((1ULL << 16) | (1ULL << 9) | (1ULL << 10)), "before: ready %#llx",
	      (unsigned long long)ready());
	/* 18 fired: disarmed now */
	CHECK(ready() == ((1ULL << 16) | (1ULL << 10)), "the one-shot is still armed");

	test_daemon();
	test_waitsig();

	CHECK(ready() == ((1ULL << 16) | (1ULL << 10)), "after: ready %#llx, not 16 and 10",
	      (unsigned long long)ready());
	CHECK(write(22, "x", 1) == 1, "write");
	CHECK(ready() == ((1ULL << 16) | (1ULL << 10) | (1ULL << 7)), "the pipe is not watched");
	/* edge-triggered: reported once */
	CHECK(ready() == ((1ULL << 16) | (1ULL << 10)), "the pipe is not edge-triggered");
	ev.events = EPOLLOUT | EPOLLONESHOT;
	ev.data.u64 = 9;
	CHECK(epoll_ctl(15, EPOLL_CTL_MOD, 18, &ev) == 0, "re-arm 18: %s", strerror(errno));
	CHECK(ready() & (1ULL << 9), "the socket is not watched");
	CHECK(read(16, &one, 8) == 8 && one == 3, "the eventfd lost its count");
	CHECK(ready() == 0, "still ready after the eventfd was read");
	CHECK(fcntl(15, F_GETFD) & FD_CLOEXEC, "epoll fd 15 lost close-on-exec");
	pass();
}
