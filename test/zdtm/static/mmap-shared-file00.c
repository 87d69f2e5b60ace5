/*
 * mmap-shared-file00: a MAP_SHARED mapping of a file (fd closed).  What we
 * wrote through it is in the file; after the restore it is still the same
 * pages: writes through the mapping reach the file and writes to the file
 * show in the mapping.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096
#define SIZE (8 * PG)
#define FILE_NAME "mmap-shared-file00.data"

int main(int argc, char **argv)
{
	unsigned char *m, buf[SIZE];
	int fd;

	test_init(argc, argv);
	fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create " FILE_NAME);
	CHECK(ftruncate(fd, SIZE) == 0, "ftruncate");
	/* Map from page 1 on: the offset must be kept too. */
	m = mmap(NULL, SIZE - PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
	CHECK(m != MAP_FAILED, "mmap");
	close(fd);
	for (int i = 0; i < SIZE - PG; i++)
		m[i] = (unsigned char)(i * 7 + 3);
	test_daemon();
	test_waitsig();

	fd = open(FILE_NAME, O_RDWR);
	CHECK(fd >= 0, "open " FILE_NAME);
	CHECK(pread(fd, buf, SIZE, 0) == SIZE, "pread");
	for (int i = 0; i < SIZE - PG; i++) {
		CHECK(m[i] == (unsigned char)(i * 7 + 3), "mapping byte %d is %#x", i, m[i]);
		CHECK(buf[PG + i] == m[i], "file byte %d is %#x, mapping has %#x", PG + i, buf[PG + i], m[i]);
	}
	for (int i = 0; i < PG; i++)
		CHECK(buf[i] == 0, "unmapped first page of the file changed at %d", i);
	/* Still shared both ways. */
	memset(m, 0x42, PG);
	CHECK(pread(fd, buf, PG, PG) == PG && buf[0] == 0x42 && buf[PG - 1] == 0x42,
	      "a write through the mapping did not reach the file");
	memset(buf, 0x17, PG);
	CHECK(pwrite(fd, buf, PG, 3 * PG) == PG, "pwrite");
	CHECK(m[2 * PG] == 0x17 && m[3 * PG - 1] == 0x17,
	      "a write to the file does not show in the mapping");
	close(fd);
	pass();
}
