/*
 * mmap-shared-anon00: MAP_SHARED|MAP_ANONYMOUS memory in one process keeps
 * its data and stays shared memory: mremap(old_size 0) can make a second
 * view of the same pages (it fails on private memory), and writes through
 * one view show in the other.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define SIZE (32 * 4096)

int main(int argc, char **argv)
{
	unsigned char *m, *alias;
	char maps[1 << 16], want[64], *line;

	test_init(argc, argv);
	m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap");
	for (int i = 0; i < SIZE; i++)
		if (i / 4096 % 4 != 3)		/* leave some pages untouched */
			m[i] = (unsigned char)(i ^ (i >> 8));
	test_daemon();
	test_waitsig();

	for (int i = 0; i < SIZE; i++) {
		unsigned char w = i / 4096 % 4 != 3 ? (unsigned char)(i ^ (i >> 8)) : 0;
		CHECK(m[i] == w, "byte %d is %#x, want %#x", i, m[i], w);
	}
	snprintf(want, sizeof(want), "%lx-%lx rw-s ", (unsigned long)m, (unsigned long)m + SIZE);
	CHECK(test_read_file("/proc/self/maps", maps, sizeof(maps)) > 0, "read maps");
	line = strstr(maps, want);
	CHECK(line, "no shared mapping \"%s\" in /proc/self/maps", want);
	*strchrnul(line, '\n') = '\0';
	CHECK(strstr(line, "/dev/zero") || strstr(line, "SYSV"), "shared mapping is not shmem: %s", line);
	alias = mremap(m, 0, SIZE, MREMAP_MAYMOVE);
	CHECK(alias != MAP_FAILED, "mremap(old_size 0) failed: the memory is no longer shared");
	alias[100] = 0x99;
	m[SIZE - 1] = 0x77;
	CHECK(m[100] == 0x99 && alias[SIZE - 1] == 0x77, "the two views are not the same memory");
	pass();
}
