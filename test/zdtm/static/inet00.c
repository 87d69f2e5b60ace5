/*
 * inet00: IP sockets without connection state.
 *   10  TCP listening on 127.0.0.1 (a port the kernel chose), backlog 5,
 *       SO_REUSEADDR, TCP_NODELAY, SO_KEEPALIVE with TCP_KEEPIDLE 77
 *   11  TCP listening on [::1], IPV6_V6ONLY
 *   12  UDP bound to 127.0.0.1, two datagrams unread
 *   13  UDP connected to 12
 *   14  TCP, neither bound nor connected
 * After the restore the listeners accept on their ports, the options are
 * set, 12 reads its datagrams and what 13 sends.
 */
#include "zdtmtst.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	getsockopt(fd, level, name, &v, &l);
	return v;
}

static void expect(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	CHECK(n >= 0, "fd %d: recv: %s (wanted '%s')", fd, strerror(errno), want);
	buf[n] = 0;
	CHECK(!strcmp(buf, want), "fd %d gave '%s', not '%s'", fd, buf, want);
}

/* Connect to fd's address and accept: the listener works. */
static void check_listener(int lfd, int family)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int c = socket(family, SOCK_STREAM, 0), a;

	CHECK(getsockname(lfd, (struct sockaddr *)&ss, &len) == 0, "getsockname");
	CHECK(connect(c, (struct sockaddr *)&ss, len) == 0, "connect to listener %d: %s", lfd,
	      strerror(errno));
	a = accept(lfd, NULL, NULL);
	CHECK(a >= 0, "accept on %d: %s", lfd, strerror(errno));
	CHECK(send(c, "hi", 2, 0) == 2, "send");
	CHECK(recv(a, (char[4]){0}, 4, 0) == 2, "no data on the accepted connection");
	close(a);
	close(c);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in b4 = a4, got4;
	socklen_t len = sizeof(got4);
	int one = 1, idle = 77, port10, port11, port12, fd;

	test_init(argc, argv);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
	      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
	      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0 &&
	      setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) == 0, "options");
	CHECK(bind(fd, (struct sockaddr *)&a4, sizeof(a4)) == 0 && listen(fd, 5) == 0 &&
	      test_fd_at(fd, 10) == 10, "listen on 127.0.0.1: %s", strerror(errno));
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a6, sizeof(a6)))
		skip("no IPv6 loopback: %s", strerror(errno));
	CHECK(listen(fd, 3) == 0 && test_fd_at(fd, 11) == 11, "listen on [::1]: %s", strerror(errno));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&b4, sizeof(b4)) == 0 && test_fd_at(fd, 12) == 12,
	      "bind UDP: %s", strerror(errno));
	CHECK(getsockname(12, (struct sockaddr *)&got4, &len) == 0, "getsockname");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&got4, len) == 0 && test_fd_at(fd, 13) == 13,
	      "connect UDP: %s", strerror(errno));
	CHECK(send(13, "dg1", 3, 0) == 3 && send(13, "dgram2", 6, 0) == 6, "send UDP");
	CHECK(test_fd_at(socket(AF_INET, SOCK_STREAM, 0), 14) == 14, "socket");

	len = sizeof(got4);
	getsockname(10, (struct sockaddr *)&got4, &len);
	port10 = ntohs(got4.sin_port);
	len = sizeof(a6);
	getsockname(11, (struct sockaddr *)&a6, &len);
	port11 = ntohs(a6.sin6_port);
	len = sizeof(got4);
	getsockname(12, (struct sockaddr *)&got4, &len);
	port12 = ntohs(got4.sin_port);

	test_daemon();
	test_waitsig();

	len = sizeof(got4);
	CHECK(getsockname(10, (struct sockaddr *)&got4, &len) == 0 && ntohs(got4.sin_port) == port10,
	      "fd 10 is on port %d, not %d", ntohs(got4.sin_port), port10);
	CHECK(opt(10, SOL_SOCKET, SO_ACCEPTCONN) == 1, "fd 10 does not listen");
	CHECK(opt(10, SOL_SOCKET, SO_REUSEADDR) == 1 && opt(10, IPPROTO_TCP, TCP_NODELAY) == 1 &&
	      opt(10, SOL_SOCKET, SO_KEEPALIVE) == 1 && opt(10, IPPROTO_TCP, TCP_KEEPIDLE) == 77,
	      "fd 10 lost its options");
	check_listener(10, AF_INET);
	len = sizeof(a6);
	CHECK(getsockname(11, (struct sockaddr *)&a6, &len) == 0 && ntohs(a6.sin6_port) == port11,
	      "fd 11 is on port %d, not %d", ntohs(a6.sin6_port), port11);
	CHECK(opt(11, IPPROTO_IPV6, IPV6_V6ONLY) == 1, "fd 11 lost IPV6_V6ONLY");
	check_listener(11, AF_INET6);
	len = sizeof(got4);
	CHECK(getsockname(12, (struct sockaddr *)&got4, &len) == 0 && ntohs(got4.sin_port) == port12,
	      "fd 12 is on port %d, not %d", ntohs(got4.sin_port), port12);
	expect(12, "dg1");
	expect(12, "dgram2");
	CHECK(send(13, "after", 5, 0) == 5, "send on fd 13 after: %s", strerror(errno));
	for (int i = 0; i < 100 && recv(12, (char[1]){0}, 1, MSG_PEEK | MSG_DONTWAIT) < 0; i++)
		test_sleep_ms(10);
	expect(12, "after");
	CHECK(opt(14, SOL_SOCKET, SO_TYPE) == SOCK_STREAM, "fd 14 is no TCP socket");
	pass();
}
