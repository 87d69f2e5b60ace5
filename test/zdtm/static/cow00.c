/*
 * cow00: pages shared copy-on-write since a fork.  The parent fills 32 MiB
 * and forks three children; each child rewrites its own quarter of the
 * pages, and child 0 then forks a grandchild that rewrites one page in
 * eight of what it inherited.  After the forks the parent rewrites one page
 * in sixteen of its own.  So every process holds pages of its own, pages it
 * shares with its parent, and (the grandchild) pages that are its
 * grandparent's.  The runner checks that the dump stores the shared pages
 * once (.desc: max_pages_mib); every process checks every page after the
 * restore.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB		32
#define NR_PAGES	(MIB * 256)
#define PAGE		4096
#define NR_KIDS		3

enum { PARENT = 1, KID0 = 2, KID1 = 3, KID2 = 4, GRANDCHILD = 5 };

static uint8_t *mem;
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Page i as `who` wrote it: its words all derive from (who, i). */
static void fill(size_t i, int who)
{
	uint64_t *w = (uint64_t *)(mem + i * PAGE), seed = who * 1000003ULL + i;

	for (size_t k = 0; k < PAGE / 8; k++)
		w[k] = test_rand64(&seed);
}

static int holds(size_t i, int who)
{
	uint64_t *w = (uint64_t *)(mem + i * PAGE), seed = who * 1000003ULL + i;

	for (size_t k = 0; k < PAGE / 8; k++)
		if (w[k] != test_rand64(&seed))
			return 0;
	return 1;
}

/* Who last wrote page i as process `me` sees it. */
static int writer_of(size_t i, int me)
{
	if (me == PARENT)
		return i % 16 == 5 ? PARENT + 10 : PARENT;
	if (me == GRANDCHILD && i % 8 == 7)
		return GRANDCHILD;
	if (me == GRANDCHILD)
		me = KID0;	/* what it had from child 0 */
	if ((int)(i % 4) == me - KID0)
		return me;
	return PARENT;
}

static int check_all(int me)
{
	for (size_t i = 0; i < NR_PAGES; i++)
		if (!holds(i, writer_of(i, me)))
			return 0;
	return 1;
}

static void __attribute__((noreturn)) member(int me, pid_t parent, int done_fd)
{
	sigset_t none;
	pid_t gc = -1;
	int status;

	signal(SIGTERM, on_term);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (size_t i = 0; i < NR_PAGES; i++)
		if ((int)(i % 4) == me - KID0)
			fill(i, me);
	if (me == KID0) {
		gc = fork();
		if (gc == 0) {
			signal(SIGTERM, on_term);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (size_t i = 7; i < NR_PAGES; i += 8)
				fill(i, GRANDCHILD);
			close(done_fd);
			sigemptyset(&none);
			while (!stop)
				sigsuspend(&none);
			_exit(check_all(GRANDCHILD) && getppid() != 1 ? 0 : 20);
		}
	}
	close(done_fd);	/* the grandchild holds it until it is done */
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	if (gc > 0) {
		kill(gc, SIGTERM);
		if (waitpid(gc, &status, 0) != gc || !WIFEXITED(status) || WEXITSTATUS(status))
			_exit(21);
	}
	_exit(check_all(me) && getppid() == parent ? 0 : 10 + me);
}

int main(int argc, char **argv)
{
	pid_t kids[NR_KIDS];
	int done[2], status;
	char c;

	test_init(argc, argv);
	mem = mmap(NULL, NR_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	CHECK(mem != MAP_FAILED, "mmap: %s", strerror(errno));
	for (size_t i = 0; i < NR_PAGES; i++)
		fill(i, PARENT);
	/* closed before we say ready: no pipe is dumped */
	CHECK(pipe(done) == 0, "pipe");
	for (int k = 0; k < NR_KIDS; k++) {
		kids[k] = fork();
		CHECK(kids[k] >= 0, "fork: %s", strerror(errno));
		if (kids[k] == 0) {
			close(done[0]);
			member(KID0 + k, getppid(), done[1]);
		}
	}
	close(done[1]);
	/* every child (and the grandchild) has written its pages */
	CHECK(read(done[0], &c, 1) == 0, "sync");
	close(done[0]);
	for (size_t i = 5; i < NR_PAGES; i += 16)
		fill(i, PARENT + 10);

	test_daemon();
	test_waitsig();

	CHECK(check_all(PARENT), "the parent's pages changed");
	for (int k = 0; k < NR_KIDS; k++) {
		kill(kids[k], SIGTERM);
		CHECK(waitpid(kids[k], &status, 0) == kids[k], "waitpid %d: %s", kids[k],
		      strerror(errno));
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child %d (pid %d) found its pages wrong (status %#x)", k, kids[k], status);
	}
	pass();
}
