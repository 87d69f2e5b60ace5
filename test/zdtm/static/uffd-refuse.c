/*
 * uffd-refuse: a userfaultfd (fd 15) cannot be carried: the dump must
 * refuse, naming our pid, fd 15 and "userfaultfd", and leave us running;
 * the userfaultfd still answers afterwards.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	int u;

	test_init(argc, argv);
	u = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (u < 0)
		skip("userfaultfd: %s", strerror(errno));
	CHECK(dup2(u, 15) == 15, "dup2");
	close(u);
	test_daemon();
	test_waitsig();

	CHECK(ioctl(15, UFFDIO_API, &api) == 0, "the userfaultfd does not answer: %s",
	      strerror(errno));
	pass();
}
