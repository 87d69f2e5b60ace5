/*
 * subreaper00: a child subreaper (a process manager) with a daemon below
 * it.  We call PR_SET_CHILD_SUBREAPER and fork C; C calls setsid() and
 * forks D, D forks E, then C exits and we reap it: D comes to us, in
 * session and group C, whose leader is gone.  After the restore we must
 * still be a subreaper: D reports its session, group and parent; when D
 * then exits, E (its orphan) must come to us, not to init.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn)) daemon_main(pid_t root, pid_t sid)
{
	char msg[160];
	sigset_t none;
	int fd, n;

	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	if (getsid(0) != sid || getpgid(0) != sid || getppid() != root)
		n = snprintf(msg, sizeof(msg), "bad: sid %d pgid %d (were %d) ppid %d (was %d)\n",
			     getsid(0), getpgid(0), sid, getppid(), root);
	else
		n = snprintf(msg, sizeof(msg), "ok %d\n", sid);
	fd = open("d.result.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && write(fd, msg, n) == n)
		rename("d.result.tmp", "d.result");
	_exit(0);
}

static pid_t parent_of(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return test_status_field(path, "PPid");
}

int main(int argc, char **argv)
{
	pid_t root, c, d, e = -1;
	int p[2], status, is = 0;
	char res[160];

	test_init(argc, argv);
	root = getpid();
	unlink("d.result");
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	CHECK(pipe(p) == 0, "pipe");	/* closed before we say ready */
	c = fork();
	CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		close(p[0]);
		if (setsid() < 0)
			_exit(1);
		d = fork();
		if (d == 0) {
			signal(SIGTERM, on_term);	/* blocked until daemon_main waits */
			alarm(600);
			e = fork();
			if (e == 0) {
				close(p[1]);
				for (;;)
					pause();
			}
			if (write(p[1], &e, sizeof(e)) != sizeof(e))
				_exit(1);
			close(p[1]);
			daemon_main(root, getsid(0));
		}
		_exit(d > 0 && write(p[1], &d, sizeof(d)) == sizeof(d) ? 0 : 1);
	}
	close(p[1]);
	CHECK(read(p[0], &d, sizeof(d)) == sizeof(d), "no pid from C");
	CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && !WEXITSTATUS(status),
	      "C failed");
	CHECK(read(p[0], &e, sizeof(e)) == sizeof(e), "no pid from D");
	close(p[0]);
	for (int i = 0; i < 500 && parent_of(d) != root; i++)
		test_sleep_ms(10);
	CHECK(parent_of(d) == root, "D did not come to us");

	test_daemon();
	test_waitsig();

	CHECK(prctl(PR_GET_CHILD_SUBREAPER, &is) == 0 && is == 1, "no longer a child subreaper");
	CHECK(getsid(d) == c && getsid(e) == c, "D and E in sessions %d and %d, not %d", getsid(d),
	      getsid(e), c);
	CHECK(kill(d, SIGTERM) == 0, "D %d is gone: %s", d, strerror(errno));
	for (int i = 0; i < 1000 && access("d.result", F_OK); i++)
		test_sleep_ms(10);
	CHECK(test_read_file("d.result", res, sizeof(res)) > 0, "no word from D");
	CHECK(!strncmp(res, "ok ", 3), "D says %s", res);
	CHECK(waitpid(d, &status, 0) == d, "waitpid(D): %s", strerror(errno));
	/* D is gone: its child E must come to us */
	for (int i = 0; i < 500 && parent_of(e) != root; i++)
		test_sleep_ms(10);
	CHECK(parent_of(e) == root, "E went to %d, not to us (%d)", parent_of(e), root);
	kill(e, SIGKILL);
	CHECK(waitpid(e, &status, 0) == e, "waitpid(E): %s", strerror(errno));
	pass();
}
