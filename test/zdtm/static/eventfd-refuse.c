/*
 * eventfd-refuse: an eventfd (an anonymous inode: not a file, directory or
 * device) at fd 14 makes the dump refuse; its counter is untouched.
 */
#include "zdtmtst.h"
#include <sys/eventfd.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t v = 0;
	int e;

	test_init(argc, argv);
	e = eventfd(41, 0);
	CHECK(e >= 0 && dup2(e, 14) == 14, "eventfd");
	close(e);
	test_daemon();
	test_waitsig();

	CHECK(read(14, &v, 8) == 8 && v == 41, "eventfd counter is %lu", (unsigned long)v);
	pass();
}
