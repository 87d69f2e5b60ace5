/*
 * tree00: a process tree.  We fork three children: one stays in our group,
 * one leads a group of its own and has a child (our grandchild), one leads
 * a session of its own; and one more child that exits with status 42 and
 * that we leave unreaped (a zombie).  After the restore every member must
 * be there with its pid, parent, group and session; each child checks its
 * own view and its own memory and exits 0 when we ask it to; the zombie
 * must still be ours to reap, with its status.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SAME_GROUP, OWN_GROUP, OWN_SESSION, NR_KIDS };

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* A member of the tree: remember what it is, spin, check on SIGTERM. */
static void __attribute__((noreturn)) member(pid_t parent, int depth)
{
	pid_t me = getpid(), pgid = getpgid(0), sid = getsid(0);
	uint64_t seed = me, buf[512], sum = 0, again = 0;
	sigset_t none;

	signal(SIGTERM, on_term);
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlive the test */
	for (size_t i = 0; i < 512; i++)
		sum += buf[i] = test_rand64(&seed);
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	for (size_t i = 0; i < 512; i++)
		again += buf[i];
	if (getpid() != me || getppid() != parent || getpgid(0) != pgid || getsid(0) != sid ||
	    again != sum)
		_exit(10 + depth);
	_exit(0);
}

int main(int argc, char **argv)
{
	pid_t kids[NR_KIDS], grandchild = -1, zombie, me, pgid, sid;
	int sync[2], status;
	char c;

	test_init(argc, argv);
	me = getpid();
	pgid = getpgid(0);
	sid = getsid(0);

	zombie = fork();
	CHECK(zombie >= 0, "fork: %s", strerror(errno));
	if (zombie == 0)
		_exit(42);
	for (int i = 0; i < NR_KIDS; i++) {
		/* the sync pipe is closed before we say ready: no pipe is dumped */
		CHECK(pipe(sync) == 0, "pipe");
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork: %s", strerror(errno));
		if (kids[i] == 0) {
			close(sync[0]);
			if (i == OWN_GROUP)
				setpgid(0, 0);
			if (i == OWN_SESSION)
				setsid();
			if (i == OWN_GROUP) {
				pid_t gc = fork();

				if (gc == 0) {
					close(sync[1]);
					member(getppid(), 2);
				}
				if (write(sync[1], &gc, sizeof(gc)) != sizeof(gc))
					_exit(3);
			} else if (write(sync[1], "x", 1) != 1) {
				_exit(3);
			}
			close(sync[1]);
			member(me, 1);
		}
		close(sync[1]);
		if (i == OWN_GROUP)
			CHECK(read(sync[0], &grandchild, sizeof(grandchild)) == sizeof(grandchild),
			      "grandchild pid");
		else
			CHECK(read(sync[0], &c, 1) == 1, "child ready");
		close(sync[0]);
	}
	/* the zombie has exited by now */
	siginfo_t si;
	CHECK(waitid(P_PID, zombie, &si, WEXITED | WNOWAIT) == 0, "zombie");

	test_daemon();
	test_waitsig();

	CHECK(getpid() == me && getpgid(0) == pgid && getsid(0) == sid, "our own ids changed");
	CHECK(getpgid(kids[SAME_GROUP]) == pgid, "child %d: group %d, was %d", kids[SAME_GROUP],
	      getpgid(kids[SAME_GROUP]), pgid);
	CHECK(getpgid(kids[OWN_GROUP]) == kids[OWN_GROUP], "child %d: not its own group leader",
	      kids[OWN_GROUP]);
	CHECK(getpgid(grandchild) == kids[OWN_GROUP], "grandchild %d: group %d, was %d", grandchild,
	      getpgid(grandchild), kids[OWN_GROUP]);
	CHECK(getsid(kids[OWN_SESSION]) == kids[OWN_SESSION], "child %d: not a session leader",
	      kids[OWN_SESSION]);
	CHECK(waitpid(zombie, &status, WNOHANG) == zombie, "the zombie %d is gone or alive",
	      zombie);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42, "zombie status %#x, was exit 42",
	      status);
	kill(grandchild, SIGTERM);
	for (int i = 0; i < NR_KIDS; i++) {
		int got = -1;

		kill(kids[i], SIGTERM);
		for (int t = 0; t < 1000 && (got = waitpid(kids[i], &status, WNOHANG)) == 0; t++)
			test_sleep_ms(10);
		CHECK(got == kids[i], "child %d did not end", kids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child %d: status %#x (10: its own check failed)", kids[i], status);
	}
	pass();
}
