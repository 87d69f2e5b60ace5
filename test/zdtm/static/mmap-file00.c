/*
 * mmap-file00: a private (MAP_PRIVATE) writable mapping of a file, with the
 * fd closed.  Pages we wrote keep our data; pages we did not write still
 * show the file, including a change made to the file after the restore (so
 * they are really still the file's pages, not copies).
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096
#define NPAGES 16
#define FILE_NAME "mmap-file00.data"

static unsigned char file_pat(int pg, int o, int gen)
{
	return (unsigned char)(pg * 5 + o + gen * 101);
}

static int written(int pg)
{
	return pg % 3 == 1;
}

static void write_page(int pg, int gen)
{
	unsigned char buf[PG];
	int fd = open(FILE_NAME, O_WRONLY);

	CHECK(fd >= 0, "open " FILE_NAME);
	for (int o = 0; o < PG; o++)
		buf[o] = file_pat(pg, o, gen);
	CHECK(pwrite(fd, buf, PG, (off_t)pg * PG) == PG, "pwrite");
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned char *m;
	int fd;

	test_init(argc, argv);
	fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create " FILE_NAME);
	CHECK(ftruncate(fd, NPAGES * PG) == 0, "ftruncate");
	close(fd);
	for (int pg = 0; pg < NPAGES; pg++)
		write_page(pg, 0);
	fd = open(FILE_NAME, O_RDWR);
	m = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	close(fd);		/* only the mapping holds the file now */
	for (int pg = 0; pg < NPAGES; pg++) {
		if (written(pg))
			for (int o = 0; o < PG; o++)
				m[pg * PG + o] = (unsigned char)~file_pat(pg, o, 0);
		else if (pg % 2)
			(void)*(volatile unsigned char *)&m[pg * PG];	/* read, but no copy */
	}
	/* Changing the file now shows in the pages we never wrote. */
	write_page(2, 1);
	CHECK(m[2 * PG] == file_pat(2, 0, 1), "page 2 does not follow the file before the wait");
	test_daemon();
	test_waitsig();

	/* Change the file again after the restore: only unwritten pages follow it. */
	for (int pg = 0; pg < NPAGES; pg++)
		write_page(pg, 2);
	for (int pg = 0; pg < NPAGES; pg++)
		for (int o = 0; o < PG; o++) {
			unsigned char want = written(pg) ? (unsigned char)~file_pat(pg, o, 0)
							 : file_pat(pg, o, 2);
			CHECK(m[pg * PG + o] == want, "%s page %d byte %d is %#x, want %#x",
			      written(pg) ? "written" : "unwritten (file-backed)", pg, o,
			      m[pg * PG + o], want);
		}
	pass();
}
