/*
 * anon-shared-refuse: timerfd fd 14 of the root is held by its grandchild
 * too, but not by the child between them (it closed it): the restore would
 * make two timers, so the dump refuses.
 */
#include "zdtmtst.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
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
	struct itimerspec its = { .it_value = { 3600, 0 } };
	pid_t child;
	int t;

	test_init(argc, argv);
	t = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK(t >= 0 && dup2(t, 14) == 14 && close(t) == 0, "timerfd_create");
	CHECK(timerfd_settime(14, 0, &its, NULL) == 0, "timerfd_settime");
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

	CHECK(timerfd_gettime(14, &its) == 0 && its.it_value.tv_sec > 3000, "timerfd 14 lost");
	kill(child, SIGKILL);
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");
	pass();
}
