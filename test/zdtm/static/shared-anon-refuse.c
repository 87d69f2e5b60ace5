/*
 * shared-anon-refuse: MAP_SHARED|MAP_ANONYMOUS memory shared by a parent and
 * its child cannot be carried yet: the dump must refuse, naming both pids,
 * and leave both running and still sharing it.
 */
#include "zdtmtst.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	volatile uint64_t *shared;
	uint64_t before;
	pid_t child, parent = getpid();
	int status;

	test_init(argc, argv);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED, "mmap");
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		while (getppid() == parent) {
			shared[0]++;
			test_sleep_ms(5);
		}
		_exit(0);
	}
	test_daemon();
	test_waitsig();

	before = shared[0];
	test_sleep_ms(100);
	CHECK(shared[0] > before, "the child no longer writes the shared page (%lu)",
	      (unsigned long)shared[0]);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	pass();
}
