/*
 * memfd00: memfds.
 *   14  memfd "ckpt-memfd00", 3 pages and 10 bytes of data, offset 100,
 *       sealed against growing and shrinking
 *   15  the same memfd opened again (/proc/self/fd/14), read-only, offset 5000
 *   16  another memfd, made without MFD_ALLOW_SEALING (its seal: F_SEAL_SEAL)
 * Our child holds 14 too.  After the restore: the name, data, offsets and
 * seals are as they were, and 14 and 15 are one file (a write through 14
 * shows through 15), shared with the child.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (3 * 4096 + 10)

int main(int argc, char **argv)
{
	static char data[SIZE], back[SIZE + 1];
	uint64_t seed = 3;
	char link[128];
	ssize_t n;
	pid_t child;
	int status;

	test_init(argc, argv);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = test_rand64(&seed);
	CHECK(test_fd_at(memfd_create("ckpt-memfd00", MFD_ALLOW_SEALING), 14) == 14, "memfd_create: %s",
	      strerror(errno));
	CHECK(write(14, data, SIZE) == SIZE && lseek(14, 100, SEEK_SET) == 100, "write");
	CHECK(fcntl(14, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK) == 0, "F_ADD_SEALS: %s",
	      strerror(errno));
	CHECK(test_fd_at(open("/proc/self/fd/14", O_RDONLY), 15) == 15 && lseek(15, 5000, SEEK_SET) == 5000,
	      "reopen: %s", strerror(errno));
	CHECK(test_fd_at(memfd_create("other", 0), 16) == 16 && write(16, "x", 1) == 1, "memfd 16");
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		/* after the restore: one byte through our 14, then the end */
		alarm(600);
		signal(SIGUSR1, SIG_DFL);
		for (;;) {
			sigset_t u;
			int sig;

			sigemptyset(&u);
			sigaddset(&u, SIGUSR1);
			sigprocmask(SIG_BLOCK, &u, NULL);
			if (sigwait(&u, &sig) == 0)
				_exit(pwrite(14, "C", 1, 7) == 1 ? 0 : 1);
		}
	}

	test_daemon();
	test_waitsig();

	n = readlink("/proc/self/fd/14", link, sizeof(link) - 1);
	CHECK(n > 0, "readlink");
	link[n] = 0;
	CHECK(!strcmp(link, "/memfd:ckpt-memfd00 (deleted)"), "fd 14 is %s", link);
	CHECK(lseek(14, 0, SEEK_CUR) == 100 && lseek(15, 0, SEEK_CUR) == 5000, "offsets %ld, %ld",
	      (long)lseek(14, 0, SEEK_CUR), (long)lseek(15, 0, SEEK_CUR));
	CHECK(pread(15, back, SIZE + 1, 0) == SIZE && !memcmp(back, data, SIZE),
	      "the memfd's data changed");
	CHECK(fcntl(14, F_GET_SEALS) == (F_SEAL_GROW | F_SEAL_SHRINK), "seals %#x",
	      fcntl(14, F_GET_SEALS));
	CHECK(ftruncate(14, 100) == -1 && errno == EPERM, "the shrink seal does not hold");
	CHECK(fcntl(16, F_GET_SEALS) == F_SEAL_SEAL, "memfd 16 has seals %#x",
	      fcntl(16, F_GET_SEALS));
	CHECK(pwrite(14, "Z", 1, 0) == 1 && pread(15, back, 1, 0) == 1 && back[0] == 'Z',
	      "fds 14 and 15 are not one file");
	CHECK(kill(child, SIGUSR1) == 0 && waitpid(child, &status, 0) == child &&
	      WIFEXITED(status) && !WEXITSTATUS(status), "the child failed");
	CHECK(pread(15, back, 1, 7) == 1 && back[0] == 'C', "the child's memfd is another file");
	pass();
}
