/*
 * socket-refuse: a TCP connection that its peer has closed (CLOSE_WAIT:
 * not carried yet): the dump must refuse, naming our pid, fd 12 and "TCP
 * connection", and leave us running; the connection still works
 * afterwards (unread data, then the end).
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
	CHECK(send(s, "abc", 3, 0) == 3, "send: %s", strerror(errno));
	CHECK(dup2(c, 12) == 12 && dup2(l, 11) == 11, "dup2");
	close(c);
	close(s);	/* our end 12 goes to CLOSE_WAIT */
	close(l);
	for (int i = 0; i < 100 && recv(12, buf, 4, MSG_PEEK | MSG_DONTWAIT) != 3; i++)
		test_sleep_ms(10);
	test_daemon();
	test_waitsig();

	CHECK(recv(12, buf, sizeof(buf), 0) == 3, "the data is gone: %s", strerror(errno));
	CHECK(recv(12, buf, sizeof(buf), 0) == 0, "the connection does not end");
	pass();
}
