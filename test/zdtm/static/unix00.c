/*
 * unix00: unix sockets of every type, with unread data both ways.
 *   10/11  stream pair, "ping" unread in 10, "pong!" in 11; 10 non-blocking
 *   12     stream, its peer 13 in our child (data goes both ways after)
 *   14/15  datagram pair, three messages unread in 14; 14's SO_RCVBUF set
 *   16/17  seqpacket pair, two records unread in 17
 *   18     listening on a path (mode 0600), backlog 7, with 19 connected and
 *          not yet accepted, and 20 connected and accepted as 21, "abc"
 *          unread in 21
 *   22     datagram bound to an abstract name, two messages unread (sent
 *          from an unbound socket)
 *   23     stream whose peer has closed: "bye" unread, then the end
 * After the restore each must hold and do what it did.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void pair_at(int type, int a, int b)
{
	int sv[2];

	CHECK(socketpair(AF_UNIX, type, 0, sv) == 0, "socketpair: %s", strerror(errno));
	/* the pair may have come out at a or b already */
	int x = fcntl(sv[0], F_DUPFD, 100), y = fcntl(sv[1], F_DUPFD, 100);
	close(sv[0]);
	close(sv[1]);
	CHECK(test_fd_at(x, a) == a && test_fd_at(y, b) == b, "dup2: %s", strerror(errno));
}

static void send_str(int fd, const char *s)
{
	CHECK(send(fd, s, strlen(s), 0) == (ssize_t)strlen(s), "send to %d: %s", fd,
	      strerror(errno));
}

static void expect(int fd, const char *want, int flags)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, flags);

	CHECK(n >= 0, "fd %d: recv: %s (wanted '%s')", fd, strerror(errno), want);
	buf[n] = 0;
	CHECK(!strcmp(buf, want), "fd %d gave '%s', not '%s'", fd, buf, want);
}

static socklen_t addr_of(struct sockaddr_un *sa, const char *path, bool abstract)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	strncpy(sa->sun_path + abstract, path, sizeof(sa->sun_path) - 2);
	return offsetof(struct sockaddr_un, sun_path) + abstract + strlen(path);
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX], path[PATH_MAX + 8], abs_name[64], buf[64];
	struct sockaddr_un sa;
	socklen_t len;
	struct stat st;
	int rcvbuf = 65536, got, status, fd;
	socklen_t gl = sizeof(got);
	pid_t child;

	test_init(argc, argv);
	CHECK(getcwd(cwd, sizeof(cwd)), "getcwd");
	snprintf(path, sizeof(path), "%s/sock", cwd);
	unlink(path);
	snprintf(abs_name, sizeof(abs_name), "ckpt-unix00-%d-%lu", getpid(),
		 (unsigned long)test_now_ns(CLOCK_MONOTONIC));

	pair_at(SOCK_STREAM, 10, 11);
	send_str(11, "ping");
	send_str(10, "pong!");
	fcntl(10, F_SETFL, O_NONBLOCK);

	pair_at(SOCK_STREAM, 12, 13);
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		/* the peer: answers one message after the restore, then ends */
		char m[64];
		ssize_t n;

		for (int f = 3; f < 64; f++)
			if (f != 13 && f != 1 && f != 2)
				close(f);
		alarm(600);
		n = recv(13, m, sizeof(m), 0);
		if (n <= 0)
			_exit(1);
		m[0] = 'R';
		_exit(send(13, m, n, 0) == n ? 0 : 2);
	}
	close(13);

	pair_at(SOCK_DGRAM, 14, 15);
	CHECK(setsockopt(14, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == 0, "SO_RCVBUF");
	send_str(15, "one");
	send_str(15, "two!");
	send_str(15, "three");

	pair_at(SOCK_SEQPACKET, 16, 17);
	send_str(16, "rec1");
	send_str(16, "record2");

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	len = addr_of(&sa, path, false);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, len) == 0, "bind %s: %s", path,
	      strerror(errno));
	CHECK(chmod(path, 0600) == 0 && listen(fd, 7) == 0 && test_fd_at(fd, 18) == 18, "listen");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&sa, len) == 0 && test_fd_at(fd, 20) == 20,
	      "connect: %s", strerror(errno));
	fd = accept(18, NULL, NULL);
	CHECK(test_fd_at(fd, 21) == 21, "accept: %s", strerror(errno));
	send_str(20, "abc");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&sa, len) == 0 && test_fd_at(fd, 19) == 19,
	      "connect: %s", strerror(errno));

	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	len = addr_of(&sa, abs_name, true);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, len) == 0 && test_fd_at(fd, 22) == 22,
	      "bind @%s: %s", abs_name, strerror(errno));
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(sendto(fd, "hello", 5, 0, (struct sockaddr *)&sa, len) == 5 &&
	      sendto(fd, "world!", 6, 0, (struct sockaddr *)&sa, len) == 6, "sendto: %s",
	      strerror(errno));
	close(fd);

	pair_at(SOCK_STREAM, 23, 24);
	send_str(24, "bye");
	close(24);

	test_daemon();
	test_waitsig();

	expect(10, "ping", 0);
	CHECK(recv(10, buf, 1, 0) == -1 && errno == EAGAIN, "fd 10 lost O_NONBLOCK or has more");
	expect(11, "pong!", 0);
	send_str(10, "again");
	expect(11, "again", 0);

	send_str(12, "xyz");
	expect(12, "Ryz", 0);
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && !WEXITSTATUS(status),
	      "the child failed (%#x)", status);

	expect(14, "one", 0);
	expect(14, "two!", 0);
	expect(14, "three", 0);
	CHECK(getsockopt(14, SOL_SOCKET, SO_RCVBUF, &got, &gl) == 0 && got == 2 * rcvbuf,
	      "fd 14's SO_RCVBUF is %d, not %d", got, 2 * rcvbuf);

	expect(17, "rec1", 0);
	expect(17, "record2", 0);

	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600,
	      "%s is gone or has mode %o", path, st.st_mode);
	fd = accept(18, NULL, NULL);
	CHECK(fd >= 0, "no connection waits on the listener: %s", strerror(errno));
	send_str(19, "late");
	expect(fd, "late", 0);
	close(fd);
	expect(21, "abc", 0);
	send_str(21, "back");
	expect(20, "back", 0);
	len = addr_of(&sa, path, false);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(fd, (struct sockaddr *)&sa, len) == 0, "connect to %s after: %s", path,
	      strerror(errno));
	close(fd);

	expect(22, "hello", 0);
	expect(22, "world!", 0);

	expect(23, "bye", 0);
	CHECK(recv(23, buf, sizeof(buf), 0) == 0, "fd 23 does not end");
	unlink(path);
	pass();
}
