/*
 * file-dup00: fds that share one open file description (dup, dup2) keep
 * sharing it (moving the offset through one moves it for the other), while
 * two separate opens of the same file stay separate.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int a, b, c, d;

	test_init(argc, argv);
	a = open("file-dup00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(a >= 0 && write(a, "0123456789abcdef", 16) == 16, "create");
	b = dup(a);
	c = dup2(a, 30);
	d = open("file-dup00.data", O_RDONLY);	/* same file, its own description */
	CHECK(b >= 0 && c == 30 && d >= 0, "dup");
	lseek(a, 5, SEEK_SET);
	lseek(d, 9, SEEK_SET);
	fcntl(a, F_SETFL, O_NONBLOCK);		/* status flags belong to the description */
	test_daemon();
	test_waitsig();

	CHECK(lseek(b, 0, SEEK_CUR) == 5 && lseek(c, 0, SEEK_CUR) == 5 && lseek(d, 0, SEEK_CUR) == 9,
	      "offsets %ld %ld %ld %ld, were 5 5 5 9", (long)lseek(a, 0, SEEK_CUR),
	      (long)lseek(b, 0, SEEK_CUR), (long)lseek(c, 0, SEEK_CUR), (long)lseek(d, 0, SEEK_CUR));
	lseek(a, 11, SEEK_SET);
	CHECK(lseek(b, 0, SEEK_CUR) == 11 && lseek(c, 0, SEEK_CUR) == 11,
	      "dup'ed fds no longer share their offset (%ld %ld after seeking the first to 11)",
	      (long)lseek(b, 0, SEEK_CUR), (long)lseek(c, 0, SEEK_CUR));
	CHECK(lseek(d, 0, SEEK_CUR) == 9, "a separate open now shares the offset");
	fcntl(c, F_SETFL, 0);
	CHECK(!(fcntl(b, F_GETFL) & O_NONBLOCK), "dup'ed fds no longer share status flags");
	pass();
}
