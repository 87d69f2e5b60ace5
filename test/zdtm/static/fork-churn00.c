/*
 * fork-churn00: children that live for a moment, all the time, as a shell
 * loop's `sleep` or `date` do.  The parent forks a child that exits at once
 * with a status of its own, waits for it and checks the status, over and
 * over, also while it is frozen and dumped.  A child caught exiting while the
 * tree is seized is a zombie then (the kernel refuses to attach to it): the
 * dump must take it as one, with its status, and not fail.  After the
 * restore the parent must still find every child it forked, with the status
 * it exited with, and go on forking.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void fork_and_reap(unsigned long n)
{
	int status;
	pid_t kid = fork(), r;

	CHECK(kid >= 0, "fork: %s", strerror(errno));
	if (kid == 0)
		_exit((int)(n % 127) + 1);
	do
		r = waitpid(kid, &status, 0);
	while (r < 0 && errno == EINTR);
	CHECK(r == kid, "child %d (number %lu) is not ours to reap: %s", kid, n,
	      strerror(errno));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == (int)(n % 127) + 1,
	      "child %d (number %lu): status %#x, was exit %d", kid, n, status,
	      (int)(n % 127) + 1);
}

int main(int argc, char **argv)
{
	unsigned long n = 0;

	sigset_t term;

	test_init(argc, argv);
	/* the library blocks SIGTERM outside its wait; this test polls for it */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &term, NULL);
	for (; n < 20; n++)
		fork_and_reap(n);
	test_daemon();
	while (!test_sigterm_seen())
		fork_and_reap(n++);
	test_waitsig();		/* returns at once: its checks of pid, mask, fds */
	/* after the restore: the loop goes on */
	for (unsigned long end = n + 200; n < end; n++)
		fork_and_reap(n);
	pass();
}
