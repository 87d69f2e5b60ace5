/*
 * pgrp00: a process group whose leader has exited, as a shell leaves the
 * group of a pipeline whose first command ended.  We fork L and make it
 * lead group L, fork M into group L, M forks N (in group L too), then L is
 * killed and reaped.  After the restore M and N must be in group L again,
 * a real group: kill(-L) reaches both, and each says so in its result file.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* M and N: wait for the group's SIGTERM, then report group and parent. */
static void __attribute__((noreturn)) member_main(const char *name, pid_t pgid, pid_t ppid)
{
	char msg[160], tmp[64], path[64];
	sigset_t none;
	int fd, n;

	signal(SIGTERM, on_term);	/* blocked (test_init) until the sigsuspend */
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	if (getpgid(0) != pgid || getppid() != ppid)
		n = snprintf(msg, sizeof(msg), "bad: pgid %d (was %d) ppid %d (was %d)\n",
			     getpgid(0), pgid, getppid(), ppid);
	else
		n = snprintf(msg, sizeof(msg), "ok %d\n", pgid);
	snprintf(tmp, sizeof(tmp), "%s.result.tmp", name);
	snprintf(path, sizeof(path), "%s.result", name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && write(fd, msg, n) == n)
		rename(tmp, path);
	/* not gone before the other has looked at its parent */
	for (;;)
		pause();
}

static void check_result(const char *name)
{
	char path[64], res[160];

	snprintf(path, sizeof(path), "%s.result", name);
	for (int i = 0; i < 1000 && access(path, F_OK); i++)
		test_sleep_ms(10);
	CHECK(test_read_file(path, res, sizeof(res)) > 0, "no word from %s (kill(-pgid) missed it?)",
	      name);
	CHECK(!strncmp(res, "ok ", 3), "%s says %s", name, res);
}

int main(int argc, char **argv)
{
	pid_t me, l, m, n = -1;
	int p[2], status;

	test_init(argc, argv);
	me = getpid();
	unlink("m.result");
	unlink("n.result");
	l = fork();
	CHECK(l >= 0, "fork: %s", strerror(errno));
	if (l == 0) {
		alarm(600);
		for (;;)
			pause();
	}
	CHECK(setpgid(l, l) == 0, "setpgid(L): %s", strerror(errno));
	CHECK(pipe(p) == 0, "pipe");	/* closed before we say ready */
	m = fork();
	CHECK(m >= 0, "fork: %s", strerror(errno));
	if (m == 0) {
		pid_t self;

		alarm(600);
		close(p[0]);
		if (setpgid(0, l))
			_exit(1);
		self = getpid();
		n = fork();
		if (n == 0) {
			close(p[1]);
			member_main("n", l, self);
		}
		if (write(p[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		close(p[1]);
		member_main("m", l, me);
	}
	setpgid(m, l);	/* as a shell does: whoever comes first */
	close(p[1]);
	CHECK(read(p[0], &n, sizeof(n)) == sizeof(n) && n > 0, "no pid from M");
	close(p[0]);
	CHECK(getpgid(m) == l && getpgid(n) == l, "M, N in groups %d, %d, not %d", getpgid(m),
	      getpgid(n), l);
	/* the leader goes; its group lives on in M and N */
	CHECK(kill(l, SIGKILL) == 0 && waitpid(l, &status, 0) == l, "cannot end L");
	CHECK(kill(l, 0) == -1 && errno == ESRCH, "L is still there");

	test_daemon();
	test_waitsig();

	CHECK(getpgid(m) == l, "M is in group %d, not %d", getpgid(m), l);
	CHECK(getpgid(n) == l, "N is in group %d, not %d", getpgid(n), l);
	CHECK(kill(-l, SIGTERM) == 0, "kill(-%d): %s", l, strerror(errno));
	check_result("m");
	check_result("n");
	kill(n, SIGKILL);
	kill(m, SIGKILL);
	CHECK(waitpid(m, &status, 0) == m, "waitpid(M)");
	pass();
}
