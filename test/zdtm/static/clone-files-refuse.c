/*
 * clone-files-refuse: two processes share an fd table that neither shares
 * with its parent (a child made them with CLONE_FILES and exited; they came
 * to us, a child subreaper).  ckpt brings a table back only shared with the
 * parent: the dump must refuse, naming "fd table", and leave them running
 * and sharing it (an fd one opens is the other's too).
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int *word;	/* 0: B's pid, 1: C's pid, 2: ask, 3: C's new fd, 4: B saw it */
static pid_t test_pid;		/* B and C end when they are no longer ours */

static void orphaned_ends(void)
{
	static int ours;	/* (first the middle child's, then ours) */

	if (getppid() == test_pid)
		ours = 1;
	else if (ours)
		_exit(0);
}
static char stack_b[64 << 10] __attribute__((aligned(16)));
static char stack_c[64 << 10] __attribute__((aligned(16)));

static int child_b(void *arg)
{
	(void)arg;
	for (;;) {
		if (word[2] == 2 && !word[4])
			word[4] = fcntl(word[3], F_GETFD) >= 0 ? 1 : 2;
		orphaned_ends();
		test_sleep_ms(5);
	}
	return 0;
}

static int child_c(void *arg)
{
	(void)arg;
	for (;;) {
		if (word[2] == 1 && !word[3])
			word[3] = open("/dev/null", O_RDONLY);
		orphaned_ends();
		test_sleep_ms(5);
	}
	return 0;
}

static void wait_word(int k)
{
	for (int i = 0; i < 2000 && !word[k]; i++)
		test_sleep_ms(5);
	CHECK(word[k], "no answer %d", k);
}

int main(int argc, char **argv)
{
	int status;
	pid_t a;

	test_init(argc, argv);
	test_pid = getpid();
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER");
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(word != MAP_FAILED, "mmap");
	a = fork();
	if (a == 0) {
		word[0] = clone(child_b, stack_b + sizeof(stack_b), CLONE_FILES | SIGCHLD, NULL);
		word[1] = clone(child_c, stack_c + sizeof(stack_c), CLONE_FILES | SIGCHLD, NULL);
		_exit(0);
	}
	CHECK(a > 0 && waitpid(a, &status, 0) == a && status == 0, "the middle child");
	CHECK(word[0] > 0 && word[1] > 0, "clone");
	test_daemon();
	test_waitsig();

	word[2] = 1;
	wait_word(3);
	word[2] = 2;
	wait_word(4);
	CHECK(word[3] > 0 && word[4] == 1,
	      "the fd %d C opened is not B's: the fd table is no longer shared", word[3]);
	kill(word[0], SIGKILL);
	kill(word[1], SIGKILL);
	waitpid(word[0], NULL, 0);
	waitpid(word[1], NULL, 0);
	pass();
}
