/*
 * clone-fs00: a child made with CLONE_FS shares our cwd, root and umask.
 * After the restore it still does: when it changes directory and umask on
 * our word, ours change too.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int *word;	/* shared: 1 asks the child to move, 2 it did */
static char stack[64 * 1024] __attribute__((aligned(16)));

static int child(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(600);
	while (*word != 1)
		test_sleep_ms(5);
	if (chdir("sub") == 0)
		umask(0027);
	*word = 2;
	for (;;)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	char before[PATH_MAX], after[PATH_MAX];
	mode_t old;
	pid_t c;

	test_init(argc, argv);
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(word != MAP_FAILED, "mmap");
	mkdir("sub", 0755);
	umask(0022);
	CHECK(getcwd(before, sizeof(before)), "getcwd");
	c = clone(child, stack + sizeof(stack), CLONE_FS | SIGCHLD, NULL);
	CHECK(c > 0, "clone: %s", strerror(errno));

	test_daemon();
	test_waitsig();

	*word = 1;
	for (int i = 0; i < 1000 && *word != 2; i++)
		test_sleep_ms(5);
	CHECK(*word == 2, "the child did not move");
	CHECK(getcwd(after, sizeof(after)), "getcwd");
	CHECK(strlen(after) == strlen(before) + 4 && !strncmp(after, before, strlen(before)) &&
	      !strcmp(after + strlen(before), "/sub"), "our cwd is %s, not %s/sub: CLONE_FS lost",
	      after, before);
	old = umask(0);
	CHECK(old == 0027, "our umask is %03o, not 027: CLONE_FS lost", old);
	CHECK(chdir(before) == 0, "chdir back");
	kill(c, SIGKILL);
	CHECK(waitpid(c, NULL, 0) == c, "waitpid");
	pass();
}
