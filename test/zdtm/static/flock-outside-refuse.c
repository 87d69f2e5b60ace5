/*
 * flock-outside-refuse: the open file of fd 18 is shared with a process
 * outside the tree (a grandchild whose parent has exited: it is the
 * runner's now), which took a flock on it.  The lock is as much that
 * process's as ours, so the dump refuses, naming our pid and the fd; we
 * keep running.  The outsider ends when we do.
 */
#include "zdtmtst.h"
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t us, kid;
	int fd, status;

	test_init(argc, argv);
	fd = open("flock-outside.data", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && dup2(fd, 18) == 18, "open");
	close(fd);
	us = getpid();
	kid = fork();
	CHECK(kid >= 0, "fork");
	if (kid == 0) {
		if (fork() == 0) {
			/* the outsider: takes the lock, lives as long as we do (60 s at most) */
			if (flock(18, LOCK_EX))
				_exit(1);
			for (int i = 0; i < 1200 && kill(us, 0) == 0; i++)
				usleep(50000);
			_exit(0);
		}
		_exit(0);
	}
	CHECK(waitpid(kid, &status, 0) == kid, "waitpid");
	for (int i = 0; i < 200; i++) {
		int probe = open("flock-outside.data", O_RDONLY);

		if (flock(probe, LOCK_SH | LOCK_NB)) {
			close(probe);
			break;
		}
		close(probe);
		test_sleep_ms(10);
	}
	test_daemon();
	test_waitsig();

	CHECK(fcntl(18, F_GETFD) >= 0, "fd 18 is gone");
	pass();
}
