/*
 * pty00: a pty of our own.  Master at fd 10, its slave at fd 11 (echo off,
 * 33 rows, 101 columns); "hello\n" typed and not read yet, "out1\n"
 * written by the slave side and not read by the master.  Our child C
 * leads a session whose controlling terminal is that slave (fd 12 is its
 * /dev/tty); its child G, in a group of its own, is the foreground group.
 * After the restore: the settings, the window size and both unread texts
 * are there, the pty carries data both ways, C still has it as its
 * controlling terminal, and G's group is in the foreground.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void expect(int fd, const char *want)
{
	char buf[64];
	size_t len = strlen(want);

	CHECK(test_read_for(fd, buf, len, 2000) == len && !memcmp(buf, want, len),
	      "fd %d gave '%s', not '%s'", fd, buf, want);
}

static void __attribute__((noreturn)) child(const char *slave)
{
	sigset_t usr1, ttou;
	char msg[128];
	int fd, sig, bad = 0;
	pid_t g;

	setsid();
	fd = open(slave, O_RDWR);	/* our controlling terminal */
	if (fd < 0 || dup2(open("/dev/tty", O_RDWR), 12) != 12)
		_exit(1);
	close(fd);
	for (int f = 3; f < 64; f++)
		if (f != 12)
			close(f);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	alarm(600);
	g = fork();
	if (g == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	/* G's group in the foreground; we are in the background from now */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	if (g < 0 || setpgid(g, g) || tcsetpgrp(12, g))
		_exit(5);
	if (sigwait(&usr1, &sig))
		_exit(2);
	if (tcgetsid(12) != getpid())
		bad = 1;
	else if (tcgetpgrp(12) != g)
		bad = 2;
	else if ((fd = open("/dev/tty", O_WRONLY)) < 0)
		bad = 3;
	snprintf(msg, sizeof(msg), bad ? "C bad %d\n" : "C ok\n", bad);
	if (write(bad == 3 ? 12 : fd, msg, strlen(msg)) < 0)
		_exit(3);
	kill(g, SIGKILL);
	waitpid(g, NULL, 0);
	_exit(bad ? 4 : 0);
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 };
	struct termios t;
	char slave[64];
	pid_t c;
	int status, m;

	test_init(argc, argv);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 && dup2(m, 10) == 10, "posix_openpt: %s",
	      strerror(errno));
	close(m);
	snprintf(slave, sizeof(slave), "%s", ptsname(10));
	CHECK(dup2(open(slave, O_RDWR | O_NOCTTY), 11) == 11, "open %s: %s", slave, strerror(errno));
	CHECK(tcgetattr(11, &t) == 0, "tcgetattr");
	t.c_lflag &= ~ECHO;
	CHECK(tcsetattr(11, TCSANOW, &t) == 0 && ioctl(10, TIOCSWINSZ, &ws) == 0, "settings");
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		child(slave);
	for (int i = 0; i < 500; i++) {	/* until C has the terminal */
		pid_t s = 0;

		if (!ioctl(10, TIOCGSID, &s) && s == c && tcgetpgrp(10) != c && tcgetpgrp(10) > 0)
			break;
		test_sleep_ms(10);
	}
	CHECK(write(10, "hello\n", 6) == 6 && write(11, "out1\n", 5) == 5, "write");
	test_sleep_ms(50);

	test_daemon();
	test_waitsig();

	CHECK(tcgetattr(11, &t) == 0 && !(t.c_lflag & ECHO) && (t.c_lflag & ICANON),
	      "the slave's settings changed");
	CHECK(ioctl(11, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 33 && ws.ws_col == 101,
	      "the window is %dx%d", ws.ws_row, ws.ws_col);
	expect(11, "hello\n");
	expect(10, "out1\r\n");
	CHECK(write(10, "again\n", 6) == 6, "write to the master");
	expect(11, "again\n");
	CHECK(kill(c, SIGUSR1) == 0, "C is gone");
	expect(10, "C ok\r\n");
	CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && !WEXITSTATUS(status),
	      "C failed: %#x", status);
	pass();
}
