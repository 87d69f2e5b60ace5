/*
 * daemon00: a daemon that left its session's first process behind.  We
 * fork C; C calls setsid() and forks G, then exits, and we reap it: G lives
 * on in session and group C, whose leader is gone, as the child of the
 * reaper (ckpt's init under `ckpt run`, the test runner otherwise).  After
 * the restore G must still be in that session and group, with its memory;
 * it says so in the file daemon.result when we send it SIGTERM.
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

static void __attribute__((noreturn)) daemon_main(pid_t root)
{
	pid_t sid = getsid(0), pgid = getpgid(0);
	uint64_t seed = sid, buf[1024], sum = 0, again = 0;
	char msg[128];
	sigset_t none;
	int fd, n;

	signal(SIGTERM, on_term);
	alarm(600);	/* never outlive a lost test by long */
	for (size_t i = 0; i < 1024; i++)
		sum += buf[i] = test_rand64(&seed);
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	for (size_t i = 0; i < 1024; i++)
		again += buf[i];
	if (getsid(0) != sid || getpgid(0) != pgid || getppid() == root || again != sum)
		n = snprintf(msg, sizeof(msg), "bad: sid %d (was %d) pgid %d (was %d) ppid %d\n",
			     getsid(0), sid, getpgid(0), pgid, getppid());
	else
		n = snprintf(msg, sizeof(msg), "ok %d\n", sid);
	fd = open("daemon.result.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && write(fd, msg, n) == n)
		rename("daemon.result.tmp", "daemon.result");
	_exit(0);
}

int main(int argc, char **argv)
{
	pid_t c, g, root;
	int p[2], status;
	char res[128];

	test_init(argc, argv);
	root = getpid();
	unlink("daemon.result");
	CHECK(pipe(p) == 0, "pipe");	/* closed before we say ready */
	c = fork();
	CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		close(p[0]);
		if (setsid() < 0)
			_exit(1);
		g = fork();
		if (g == 0) {
			close(p[1]);
			daemon_main(root);
		}
		_exit(write(p[1], &g, sizeof(g)) == sizeof(g) ? 0 : 1);
	}
	close(p[1]);
	CHECK(read(p[0], &g, sizeof(g)) == sizeof(g), "no pid from the daemon's parent");
	close(p[0]);
	CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && !WEXITSTATUS(status),
	      "the daemon's parent failed");
	/* G runs on, reparented, in session c */
	for (int i = 0; i < 500 && getsid(g) != c; i++)
		test_sleep_ms(10);
	CHECK(getsid(g) == c, "the daemon is not in session %d", c);

	test_daemon();
	test_waitsig();

	CHECK(kill(g, SIGTERM) == 0, "the daemon %d is gone: %s", g, strerror(errno));
	for (int i = 0; i < 1000 && access("daemon.result", F_OK); i++)
		test_sleep_ms(10);
	CHECK(test_read_file("daemon.result", res, sizeof(res)) > 0, "no word from the daemon");
	CHECK(!strncmp(res, "ok ", 3), "the daemon says %s", res);
	pass();
}
