/*
 * fifo-outside00: the write end of a FIFO is held by a process outside the
 * tree (a grandchild whose parent has exited: it is the runner's now),
 * which wrote "from outside" into it; the read end is ours, at fd 44, with
 * the data unread at the dump.  The outsider keeps the FIFO open across
 * the dump and the restore, so the data is still in the FIFO then: the
 * restore must leave it there, not write it a second time.  After the
 * restore fd 44 reads the data exactly once, and what the outsider writes
 * after the restore (on our word) arrives.  The outsider ends when told,
 * or after 60 s.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int ioctl_fionread(int fd, int *n)
{
	return ioctl(fd, FIONREAD, n);
}

static void outsider(void)
{
	int fd;

	/* our session and group would keep our pid's number in use */
	setsid();
	fd = open("fifo-outside00.fifo", O_WRONLY);

	if (fd < 0 || write(fd, "from outside", 12) != 12)
		_exit(1);
	/* "more" once told so, then "stop" ends it */
	for (int i = 0; i < 1200; i++) {
		if (!access("fifo-outside00.more", F_OK)) {
			unlink("fifo-outside00.more");
			if (write(fd, "more", 4) != 4)
				_exit(1);
		}
		if (!access("fifo-outside00.stop", F_OK))
			_exit(0);
		usleep(50000);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	char buf[64];
	int fd, n = 0, status;
	pid_t kid;

	test_init(argc, argv);
	CHECK(mkfifo("fifo-outside00.fifo", 0644) == 0, "mkfifo");
	fd = open("fifo-outside00.fifo", O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0 && dup2(fd, 44) == 44, "open the read end");
	close(fd);
	kid = fork();
	CHECK(kid >= 0, "fork");
	if (kid == 0) {
		if (fork() == 0)
			outsider();
		_exit(0);
	}
	CHECK(waitpid(kid, &status, 0) == kid, "waitpid");
	for (int i = 0; i < 500 && n < 12; i++) {
		if (ioctl_fionread(44, &n))
			n = 0;
		test_sleep_ms(10);
	}
	CHECK(n == 12, "the outsider's data is not there (%d bytes)", n);
	test_daemon();
	test_waitsig();

	CHECK(ioctl_fionread(44, &n) == 0 && n == 12, "the FIFO holds %d bytes, not 12", n);
	memset(buf, 0, sizeof(buf));
	CHECK(read(44, buf, sizeof(buf)) == 12 && !memcmp(buf, "from outside", 12),
	      "fd 44 reads '%s'", buf);
	fd = open("fifo-outside00.more", O_WRONLY | O_CREAT, 0644);
	close(fd);
	n = -1;
	for (int i = 0; i < 500 && n < 0; i++) {
		n = read(44, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			test_sleep_ms(10);
		else if (n < 0)
			break;
	}
	fd = open("fifo-outside00.stop", O_WRONLY | O_CREAT, 0644);
	close(fd);
	CHECK(n == 4 && !memcmp(buf, "more", 4), "after the restore the outsider's write "
	      "does not arrive (%d)", n);
	/* its end closes when it exits: EOF (before the runner removes our
	 * directory, and the stop file with it) */
	for (int i = 0; i < 500 && (n = read(44, buf, sizeof(buf))) != 0; i++)
		test_sleep_ms(10);
	CHECK(n == 0, "the outsider did not stop");
	pass();
}
