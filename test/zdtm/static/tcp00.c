/*
 * tcp00: established TCP connections, restored with TCP_REPAIR.
 *   10  listening on 127.0.0.1
 *   11  a client of 10, accepted as 12: "hello" unread in 12, and 12 sent
 *       1 MiB to 11 that 11 has not read (part of it still in 12's send
 *       queue); 11 has TCP_NODELAY
 *   13  a connection over IPv6 loopback to a peer outside the tree (an
 *       echo server that the runner, not us, is the parent of): it had
 *       echoed "before" that we had not read yet
 *   14  a connection to another outside peer that sends a counter every
 *       10 ms, also while we are gone: the network lock holds its packets
 *       back, so its kernel retransmits instead of getting a reset
 * After the restore both ends of 11/12 continue the stream byte for byte,
 * the outside peers, which never noticed, echo what we send and count on
 * without a gap.
 */
#include "zdtmtst.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BULK (1 << 20)

static void read_exact(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);

		CHECK(n > 0, "fd %d: recv after %zu of %zu bytes: %s", fd, got, len,
		      n == 0 ? "the end" : strerror(errno));
		got += n;
	}
}

/* An outside peer's connection, once it said it is ready. */
static int accept_one(int lfd, int ready)
{
	int c;

	alarm(600);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	c = accept(lfd, NULL, NULL);
	if (c < 0)
		_exit(1);
	return c;
}

/* The outside peer: echoes every byte, until its connection ends. */
static void __attribute__((noreturn)) echo_server(int lfd, int ready)
{
	int c = accept_one(lfd, ready);
	char buf[4096];
	ssize_t n;

	while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
		if (send(c, buf, n, 0) != n)
			_exit(1);
	_exit(0);
}

/* The other outside peer: a 4-byte counter every 10 ms, until its
 * connection breaks. */
static void __attribute__((noreturn)) ticker(int lfd, int ready)
{
	int c = accept_one(lfd, ready);
	uint32_t n = 0;

	for (;; n++) {
		uint32_t be = htonl(n);

		if (send(c, &be, 4, MSG_NOSIGNAL) != 4)
			_exit(0);
		usleep(10000);
	}
}

/* Started by a child that exits at once: the runner inherits it, so it is
 * not part of our tree. */
static pid_t start_outside_peer(struct sockaddr_in6 *addr, void (*serve)(int, int))
{
	socklen_t len = sizeof(*addr);
	int lfd = socket(AF_INET6, SOCK_STREAM, 0), p[2], status;
	pid_t c, peer = -1;
	char r;

	if (lfd < 0 || bind(lfd, (struct sockaddr *)addr, len) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)addr, &len) || pipe(p))
		return -1;
	c = fork();
	if (c == 0) {
		pid_t g = fork();

		if (g == 0) {
			/* not in our session: it would keep our pid in use */
			setsid();
			close(p[0]);
			for (int f = 3; f < 64; f++)
				if (f != lfd && f != p[1])
					close(f);
			serve(lfd, p[1]);
		}
		_exit(write(p[1], &g, sizeof(g)) == sizeof(g) ? 0 : 1);
	}
	close(p[1]);
	close(lfd);
	if (c < 0 || waitpid(c, &status, 0) != c || read(p[0], &peer, sizeof(peer)) != sizeof(peer) ||
	    read(p[0], &r, 1) != 1)
		peer = -1;
	close(p[0]);
	return peer;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(a);
	static char bulk[BULK], back[BULK];
	char buf[64];
	int one = 1, v = 0, fd;
	socklen_t vl = sizeof(v);
	uint64_t seed = 7;
	pid_t peer, tick;
	struct sockaddr_in6 t6 = a6;
	uint32_t cur;
	ssize_t sent = 0;

	test_init(argc, argv);
	for (size_t i = 0; i < BULK; i++)
		bulk[i] = test_rand64(&seed);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, len) == 0 && listen(fd, 4) == 0 &&
	      getsockname(fd, (struct sockaddr *)&a, &len) == 0 && test_fd_at(fd, 10) == 10,
	      "listen: %s", strerror(errno));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, len) == 0 && test_fd_at(fd, 11) == 11,
	      "connect: %s", strerror(errno));
	CHECK(setsockopt(11, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0, "TCP_NODELAY");
	CHECK(test_fd_at(accept(10, NULL, NULL), 12) == 12, "accept: %s", strerror(errno));
	CHECK(send(11, "hello", 5, 0) == 5, "send");
	/* as much of the bulk as the buffers take without blocking */
	while (sent < BULK) {
		ssize_t n = send(12, bulk + sent, BULK - sent, MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			break;
		CHECK(n > 0, "send bulk: %s", strerror(errno));
		sent += n;
	}

	peer = start_outside_peer(&a6, echo_server);
	tick = start_outside_peer(&t6, ticker);
	if (peer < 0 || tick < 0)
		skip("no IPv6 loopback for the outside peers");
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&t6, sizeof(t6)) == 0 && test_fd_at(fd, 14) == 14,
	      "connect to the ticker: %s", strerror(errno));
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0 && test_fd_at(fd, 13) == 13,
	      "connect to the peer: %s", strerror(errno));
	CHECK(send(13, "before", 6, 0) == 6, "send to the peer");
	/* its echo is back, unread, before we say ready */
	for (int i = 0; i < 500 && recv(13, buf, 6, MSG_PEEK | MSG_DONTWAIT) != 6; i++)
		test_sleep_ms(10);
	test_msg("%zd of %d bulk bytes sent before the dump", sent, BULK);

	test_daemon();
	test_waitsig();

	read_exact(12, buf, 5);
	CHECK(!memcmp(buf, "hello", 5), "fd 12 read '%.5s', not 'hello'", buf);
	/* the rest of the bulk goes after what was queued */
	if (fork() == 0) {
		ssize_t off = sent;

		while (off < BULK) {
			ssize_t n = send(12, bulk + off, BULK - off, 0);

			if (n <= 0)
				_exit(1);
			off += n;
		}
		_exit(0);
	}
	read_exact(11, back, BULK);
	CHECK(!memcmp(back, bulk, BULK), "the bulk stream 12 -> 11 is not the same after the restore");
	CHECK(wait(NULL) > 0, "wait");
	CHECK(getsockopt(11, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v, "fd 11 lost TCP_NODELAY");

	read_exact(13, buf, 6);
	CHECK(!memcmp(buf, "before", 6), "the peer's echo was '%.6s'", buf);
	CHECK(send(13, "after!", 6, 0) == 6, "send to the peer after: %s", strerror(errno));
	read_exact(13, buf, 6);
	CHECK(!memcmp(buf, "after!", 6), "the peer echoed '%.6s'", buf);
	shutdown(13, SHUT_WR);
	CHECK(recv(13, buf, 1, 0) == 0, "the peer did not end");
	kill(peer, SIGKILL);

	/* every count, in order, from before the dump to now: what is there,
	 * then ten more */
	for (uint32_t want = 0, more = 10; more; want++) {
		if (recv(14, &cur, 4, MSG_PEEK | MSG_DONTWAIT) != 4)
			more--;
		read_exact(14, (char *)&cur, 4);
		cur = ntohl(cur);
		CHECK(cur == want, "the ticker's count jumped from %u to %u", want, cur);
	}
	kill(tick, SIGKILL);
	pass();
}
