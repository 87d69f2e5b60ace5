/*
 * deleted-mapped-refuse: a deleted file open at fd 16 and mapped shared:
 * restore would make the fd's file and the mapping's apart, so the dump
 * refuses, naming our pid, the fd and the sharing; we keep running.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *map, c;
	int fd;

	test_init(argc, argv);
	fd = open("deleted-mapped.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 4096) == 0 && dup2(fd, 16) == 16, "make the file");
	close(fd);
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 16, 0);
	CHECK(map != MAP_FAILED, "mmap");
	CHECK(unlink("deleted-mapped.data") == 0, "unlink");
	memcpy(map, "shared", 6);
	test_daemon();
	test_waitsig();

	CHECK(pread(16, &c, 1, 0) == 1 && c == 's', "the fd and the mapping are apart");
	pass();
}
