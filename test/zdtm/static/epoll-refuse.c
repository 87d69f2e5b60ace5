/* epoll-refuse: an (empty) epoll fd at fd 15 makes the dump refuse. */
#include "zdtmtst.h"
#include <sys/epoll.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct epoll_event ev;
	int e;

	test_init(argc, argv);
	e = epoll_create1(0);
	CHECK(e >= 0 && dup2(e, 15) == 15, "epoll_create1");
	close(e);
	test_daemon();
	test_waitsig();

	CHECK(epoll_wait(15, &ev, 1, 0) == 0, "epoll fd 15 is gone");
	pass();
}
