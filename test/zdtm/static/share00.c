/*
 * share00: open files shared by processes that did not get them one from
 * the other.  We open "f" (fd 10, "start" written: offset 5) and an
 * eventfd (fd 11, count 1), fork A and B, and close both: A and B share
 * them.  B forks B1 and closes its own too: A and B1 share them, through
 * nobody.  After the restore A writes "A" and adds 5, then B1 writes "B"
 * and reads the count: the file must read "startAB" (one offset) and B1
 * must read 6 (one counter).
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_usr1(void)
{
	sigset_t u;
	int sig;

	sigemptyset(&u);
	sigaddset(&u, SIGUSR1);
	sigprocmask(SIG_BLOCK, &u, NULL);
	alarm(600);
	sigwait(&u, &sig);
}

int main(int argc, char **argv)
{
	pid_t a, b, b1 = -1;
	int p[2], status;
	uint64_t v;
	char buf[32];

	test_init(argc, argv);
	CHECK(test_fd_at(open("f", O_RDWR | O_CREAT | O_TRUNC, 0644), 10) == 10 &&
	      write(10, "start", 5) == 5, "open f");
	CHECK(test_fd_at(eventfd(1, 0), 11) == 11, "eventfd");
	a = fork();
	CHECK(a >= 0, "fork");
	if (a == 0) {
		wait_usr1();
		v = 5;
		_exit(write(10, "A", 1) == 1 && write(11, &v, 8) == 8 ? 0 : 1);
	}
	CHECK(pipe(p) == 0, "pipe");
	b = fork();
	CHECK(b >= 0, "fork");
	if (b == 0) {
		close(p[0]);
		b1 = fork();
		if (b1 == 0) {
			close(p[1]);
			wait_usr1();
			if (write(10, "B", 1) != 1 || read(11, &v, 8) != 8)
				_exit(100);
			_exit(v);
		}
		close(10);
		close(11);
		if (write(p[1], &b1, sizeof(b1)) != sizeof(b1))
			_exit(101);
		close(p[1]);
		alarm(600);
		if (waitpid(b1, &status, 0) != b1 || !WIFEXITED(status))
			_exit(102);
		_exit(WEXITSTATUS(status));
	}
	close(p[1]);
	CHECK(read(p[0], &b1, sizeof(b1)) == sizeof(b1), "no pid from B");
	close(p[0]);
	close(10);
	close(11);
	test_sleep_ms(50);

	test_daemon();
	test_waitsig();

	CHECK(kill(a, SIGUSR1) == 0 && waitpid(a, &status, 0) == a && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "A failed");
	CHECK(kill(b1, SIGUSR1) == 0 && waitpid(b, &status, 0) == b && WIFEXITED(status),
	      "B failed");
	CHECK(WEXITSTATUS(status) == 6, "B1 read %d from the eventfd, not 6: not one counter",
	      WEXITSTATUS(status));
	CHECK(test_read_file("f", buf, sizeof(buf)) == 7 && !strcmp(buf, "startAB"),
	      "f holds '%s', not 'startAB': not one offset", buf);
	pass();
}
