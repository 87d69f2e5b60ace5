/*
 * epoll-refuse: epoll fd 15 watches an eventfd that was fd 20, then moved
 * to fd 21 (dup, close): no fd of ours names the target as it was added,
 * so the dump must refuse, naming fd 15 and epoll; we run on, and the
 * epoll still reports the eventfd.
 */
#include "zdtmtst.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 };
	int e;

	test_init(argc, argv);
	e = epoll_create1(0);
	CHECK(e >= 0 && dup2(e, 15) == 15, "epoll_create1");
	close(e);
	e = eventfd(1, 0);
	CHECK(e >= 0 && dup2(e, 20) == 20 && epoll_ctl(15, EPOLL_CTL_ADD, 20, &ev) == 0, "epoll_ctl");
	close(e);
	CHECK(dup2(20, 21) == 21 && close(20) == 0, "dup2");
	test_daemon();
	test_waitsig();

	CHECK(epoll_wait(15, &ev, 1, 0) == 1 && ev.data.u64 == 5, "epoll fd 15 lost its target");
	pass();
}
