/*
 * late-refuse: a dump that fails late, after it put our TCP connection in
 * repair mode (and locked its packets) and read what our pty held unread:
 * our epoll fd 14 is shared with our grandchild, not through the child
 * between (anon-shared-refuse's case), which the dump finds only once the
 * whole tree is dumped.  It must refuse naming fd 14, and leave us as we
 * were: the connection 10 <-> 11 out of repair mode with "abc" still unread
 * in 11, the pty 12/13 with "typed\n" to read on the slave and "shown\n"
 * on the master.
 */
#include "zdtmtst.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct termios t;
	pid_t child;
	int l;

	test_init(argc, argv);
	l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 1) == 0 &&
	      getsockname(l, (struct sockaddr *)&a, &len) == 0, "listen: %s", strerror(errno));
	CHECK(test_fd_at(socket(AF_INET, SOCK_STREAM, 0), 10) == 10 &&
	      connect(10, (struct sockaddr *)&a, len) == 0, "connect: %s", strerror(errno));
	CHECK(test_fd_at(accept(l, NULL, NULL), 11) == 11, "accept: %s", strerror(errno));
	close(l);
	CHECK(send(10, "abc", 3, 0) == 3, "send");

	CHECK(test_fd_at(posix_openpt(O_RDWR | O_NOCTTY), 12) == 12 && grantpt(12) == 0 &&
	      unlockpt(12) == 0, "posix_openpt");
	CHECK(test_fd_at(open(ptsname(12), O_RDWR | O_NOCTTY), 13) == 13, "open the slave");
	CHECK(tcgetattr(13, &t) == 0, "tcgetattr");
	t.c_lflag &= ~ECHO;
	CHECK(tcsetattr(13, TCSANOW, &t) == 0, "tcsetattr");
	CHECK(write(12, "typed\n", 6) == 6 && write(13, "shown\n", 6) == 6, "write to the pty");

	CHECK(test_fd_at(epoll_create1(0), 14) == 14, "epoll_create1");
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		close(14);
		for (;;)
			pause();
	}
	test_sleep_ms(200);	/* the grandchild is there, fd 14 closed in the child */

	test_daemon();
	test_waitsig();

	expect(11, "abc");
	CHECK(send(11, "back", 4, 0) == 4, "send on 11 after the failed dump: %s", strerror(errno));
	expect(10, "back");
	expect(13, "typed\n");
	expect(12, "shown\r\n");
	kill(child, SIGKILL);
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");
	pass();
}
