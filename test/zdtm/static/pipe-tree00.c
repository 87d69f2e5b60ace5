/*
 * pipe-tree00: a parent and its child talk over two pipes, each with data in
 * flight at the dump.  After the restore both sides read what the other
 * wrote before the dump, in order, and go on talking; and the anonymous
 * shared memory they have since the fork is still shared: a write by one is
 * seen by the other.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/ioctl.h>

static int ioctl_fionread(int fd, int *n)
{
	return ioctl(fd, FIONREAD, n);
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int down[2], up[2], status;
	volatile uint64_t *shared;
	char buf[64];
	pid_t child;

	test_init(argc, argv);
	shared = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED, "mmap");
	shared[1024] = 0x1234;	/* the second page: present; the third never touched */
	CHECK(pipe(down) == 0 && pipe(up) == 0, "pipe");
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGTERM, on_term);
		close(down[1]);
		close(up[0]);
		if (write(up[1], "from child", 10) != 10)
			_exit(2);
		sigemptyset(&none);
		while (!stop)
			sigsuspend(&none);
		/* what the parent wrote before the dump, then after it */
		if (read(down[0], buf, 11) != 11 || memcmp(buf, "from parent", 11))
			_exit(3);
		if (read(down[0], buf, 5) != 5 || memcmp(buf, "later", 5))
			_exit(4);
		if (shared[0] != 42 || shared[1024] != 0x1234)
			_exit(5);
		shared[1] = 43;
		if (write(up[1], "bye", 3) != 3)
			_exit(6);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	CHECK(write(down[1], "from parent", 11) == 11, "write");
	shared[0] = 42;
	/* the child's message is in the pipe before we say ready */
	for (int i = 0; i < 1000; i++) {
		int n = 0;

		if (ioctl_fionread(up[0], &n) == 0 && n >= 10)
			break;
		test_sleep_ms(5);
	}
	test_daemon();
	test_waitsig();

	CHECK(read(up[0], buf, 10) == 10 && !memcmp(buf, "from child", 10),
	      "the child's message before the dump is lost");
	CHECK(write(down[1], "later", 5) == 5, "write after restore");
	kill(child, SIGTERM);
	CHECK(read(up[0], buf, 3) == 3 && !memcmp(buf, "bye", 3), "no goodbye from the child");
	CHECK(shared[1] == 43, "the child's write to shared memory is not seen (%lu)",
	      (unsigned long)shared[1]);
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	pass();
}
