/*
 * clone-files-refuse: a child made with CLONE_FILES shares our fd table, which
 * ckpt cannot carry yet: the dump must refuse, naming both pids and "fd
 * table", and leave both running and sharing it (an fd the child opens is
 * ours too).
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int *child_fd;

static int child(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		if (*child_fd == -2)	/* asked after the wait: open one for the parent */
			*child_fd = open("/dev/null", O_RDONLY);
		test_sleep_ms(5);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char stack[64 << 10];
	int status;
	pid_t pid;

	test_init(argc, argv);
	child_fd = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(child_fd != MAP_FAILED, "mmap");
	*child_fd = -1;
	pid = clone(child, stack + sizeof(stack), CLONE_FILES | SIGCHLD, NULL);
	CHECK(pid > 0, "clone");
	test_daemon();
	test_waitsig();

	*child_fd = -2;
	for (int i = 0; i < 1000 && *child_fd == -2; i++)
		test_sleep_ms(5);
	CHECK(*child_fd >= 0 && fcntl(*child_fd, F_GETFD) >= 0,
	      "the child's new fd %d is not ours: the fd table is no longer shared", *child_fd);
	close(*child_fd);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	pass();
}
