/*
 * pipe-refuse: the engine does not support pipes, so the dump must refuse
 * (naming our pid and fd 10) and leave us running untouched: the data in
 * the pipe is still there when we check.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int p[2];
	char buf[16] = "";

	test_init(argc, argv);
	CHECK(pipe(p) == 0, "pipe");
	CHECK(write(p[1], "hello", 5) == 5, "write");
	close(p[1]);			/* one fd only, so the error can name it */
	CHECK(dup2(p[0], 10) == 10, "dup2");
	close(p[0]);
	test_daemon();
	test_waitsig();

	CHECK(read(10, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "pipe data lost: \"%s\"", buf);
	pass();
}
