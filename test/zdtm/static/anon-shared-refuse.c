/*
 * anon-shared-refuse: epoll fd 14 of the root is held by its grandchild
 * too, but not by the child between them (it closed it).  Such a shared
 * open file is handed down through the child at restore for most kinds
 * (share00), but an epoll's targets are fds of its maker: the restore
 * would make two epolls, so the dump refuses.
 */
#include "zdtmtst.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_forever(void)
{
	sigset_t none;

	sigemptyset(&none);
	for (;;)
		sigsuspend(&none);
}

int main(int argc, char **argv)
{
	struct epoll_event ev;
	pid_t child;
	int t;

	test_init(argc, argv);
	t = epoll_create1(0);
	CHECK(t >= 0 && dup2(t, 14) == 14 && close(t) == 0, "epoll_create1");
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			wait_forever();
		}
		close(14);
		wait_forever();
	}
	test_sleep_ms(200);	/* the grandchild is there, fd 14 closed in the child */
	test_daemon();
	test_waitsig();

	CHECK(epoll_wait(14, &ev, 1, 0) == 0, "epoll 14 lost");
	kill(child, SIGKILL);
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");
	pass();
}
