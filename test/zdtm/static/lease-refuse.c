/*
 * lease-refuse: a read lease (F_SETLEASE) on fd 17 cannot be carried: the
 * dump refuses, naming our pid, the fd and the LEASE; we keep running with
 * it.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	test_init(argc, argv);
	fd = open("lease-refuse.data", O_RDONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && dup2(fd, 17) == 17, "open");
	close(fd);
	if (fcntl(17, F_SETLEASE, F_RDLCK))
		skip("no leases here");
	test_daemon();
	test_waitsig();

	CHECK(fcntl(17, F_GETLEASE) == F_RDLCK, "the lease is gone");
	pass();
}
