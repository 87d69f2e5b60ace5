/*
 * socket-refuse: a TCP connection (carried with TCP_REPAIR some day, not
 * yet): the dump must refuse, naming our pid, fd 12 and "TCP connection",
 * and leave us running; the connection still works afterwards.
 */
#include "zdtmtst.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, c, s;
	char buf[4];

	test_init(argc, argv);
	l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 1) == 0 &&
	      getsockname(l, (struct sockaddr *)&a, &len) == 0, "listen: %s", strerror(errno));
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0 && connect(c, (struct sockaddr *)&a, len) == 0, "connect: %s", strerror(errno));
	s = accept(l, NULL, NULL);
	CHECK(s >= 0, "accept: %s", strerror(errno));
	CHECK(dup2(c, 12) == 12 && dup2(s, 13) == 13 && dup2(l, 11) == 11, "dup2");
	close(c);
	close(s);
	close(l);
	test_daemon();
	test_waitsig();

	CHECK(send(12, "abc", 3, 0) == 3, "send: %s", strerror(errno));
	CHECK(recv(13, buf, sizeof(buf), 0) == 3, "the connection is broken: %s", strerror(errno));
	pass();
}
