/*
 * socket-refuse: sockets are not supported: the dump must refuse (naming our
 * pid and fd 12) and leave us running; the socket still works afterwards.
 */
#include "zdtmtst.h"
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int s, type = 0;
	socklen_t len = sizeof(type);

	test_init(argc, argv);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(s >= 0 && dup2(s, 12) == 12, "socket");
	close(s);
	test_daemon();
	test_waitsig();

	CHECK(getsockopt(12, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM,
	      "socket at fd 12 is gone");
	pass();
}
