/* io_uring-refuse: an io_uring instance at fd 16 makes the dump refuse. */
#include "zdtmtst.h"
#include <linux/io_uring.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct stat st;
	int r;

	test_init(argc, argv);
	memset(&p, 0, sizeof(p));
	r = syscall(SYS_io_uring_setup, 4, &p);
	if (r < 0)
		skip("io_uring is not available here");
	CHECK(dup2(r, 16) == 16, "dup2");
	close(r);
	test_daemon();
	test_waitsig();

	CHECK(fstat(16, &st) == 0, "io_uring fd 16 is gone");
	pass();
}
