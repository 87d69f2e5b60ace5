/*
 * tty-refuse: terminals are not supported: a pty master at fd 13 makes the
 * dump refuse (naming our pid and the fd); we keep running with it.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int m;

	test_init(argc, argv);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0)
		skip("no ptys here");
	CHECK(dup2(m, 13) == 13, "dup2");
	close(m);
	test_daemon();
	test_waitsig();

	CHECK(isatty(13), "pty at fd 13 is gone");
	pass();
}
