/*
 * clone-files00: two children made with CLONE_FILES share our fd table, and
 * a grandchild forked by one of them got a copy of it.  After the restore:
 * an fd one sharer opens is the others' too, an fd we close is gone for
 * them; the grandchild's fd is still our open file (an lseek of its moves
 * our offset), and the POSIX lock we hold through the shared table still
 * stops it.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { A_READY, B_READY, G_READY, ASK, A_FD, B_SAW, B_SAW_CLOSED, G_SEEKED, G_LOCK, G_LOCK_PID,
       NR_WORDS };
enum { ASK_OPEN = 1, ASK_LOOK, ASK_SEEK, ASK_LOCK };

static volatile int *word;
static int data_fd;		/* ours, the children's (shared) and the grandchild's (copied) */
#define GONE_FD 20		/* we close it after the restore: gone for the sharers too */
static char stack_a[64 << 10] __attribute__((aligned(16)));
static char stack_b[64 << 10] __attribute__((aligned(16)));

static void grandchild(void)
{
	struct flock fl;

	word[G_READY] = 1;
	for (;;) {
		if (word[ASK] == ASK_SEEK && !word[G_SEEKED]) {
			lseek(data_fd, 7, SEEK_SET);
			word[G_SEEKED] = 1;
		}
		if (word[ASK] == ASK_LOCK && !word[G_LOCK]) {
			memset(&fl, 0, sizeof(fl));
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			fl.l_len = 2;
			if (fcntl(data_fd, F_GETLK, &fl) == 0) {
				word[G_LOCK_PID] = fl.l_pid;
				word[G_LOCK] = fl.l_type == F_WRLCK ? 1 : 2;
			} else {
				word[G_LOCK] = 3;
			}
		}
		test_sleep_ms(5);
	}
}

static int child_a(void *arg)
{
	pid_t g;

	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	g = fork();
	if (g == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		grandchild();
	}
	word[A_READY] = g > 0 ? 1 : 2;
	for (;;) {
		if (word[ASK] == ASK_OPEN && !word[A_FD])
			word[A_FD] = open("/dev/null", O_RDONLY);
		test_sleep_ms(5);
	}
	return 0;
}

static int child_b(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	word[B_READY] = 1;
	for (;;) {
		if (word[ASK] == ASK_LOOK && !word[B_SAW]) {
			word[B_SAW_CLOSED] = fcntl(GONE_FD, F_GETFD) < 0 && errno == EBADF ? 1 : 2;
			word[B_SAW] = fcntl(word[A_FD], F_GETFD) >= 0 ? 1 : 2;
		}
		test_sleep_ms(5);
	}
	return 0;
}

static void wait_word(int k)
{
	for (int i = 0; i < 2000 && !word[k]; i++)
		test_sleep_ms(5);
	CHECK(word[k], "no answer %d from the children", k);
}

int main(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 2 };
	pid_t a, b;

	test_init(argc, argv);
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(word != MAP_FAILED, "mmap");
	data_fd = open("clone-files.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(data_fd >= 0 && write(data_fd, "0123456789", 10) == 10, "data file");
	CHECK(lseek(data_fd, 3, SEEK_SET) == 3, "lseek");
	CHECK(fcntl(data_fd, F_SETLK, &fl) == 0, "F_SETLK: %s", strerror(errno));
	CHECK(test_fd_at(open("/dev/null", O_RDONLY), GONE_FD) == GONE_FD, "fd %d", GONE_FD);
	a = clone(child_a, stack_a + sizeof(stack_a), CLONE_FILES | SIGCHLD, NULL);
	b = clone(child_b, stack_b + sizeof(stack_b), CLONE_FILES | SIGCHLD, NULL);
	CHECK(a > 0 && b > 0, "clone: %s", strerror(errno));
	wait_word(A_READY);
	wait_word(B_READY);
	wait_word(G_READY);
	CHECK(word[A_READY] == 1, "fork in the child");

	test_daemon();
	test_waitsig();

	CHECK(lseek(data_fd, 0, SEEK_CUR) == 3, "our offset is %ld, not 3",
	      (long)lseek(data_fd, 0, SEEK_CUR));
	word[ASK] = ASK_OPEN;
	wait_word(A_FD);
	CHECK(word[A_FD] > 0 && fcntl(word[A_FD], F_GETFD) >= 0,
	      "the fd %d child A opened is not ours: the fd table is not shared", word[A_FD]);
	close(GONE_FD);
	word[ASK] = ASK_LOOK;
	wait_word(B_SAW);
	CHECK(word[B_SAW] == 1, "child B does not see the fd %d child A opened", word[A_FD]);
	CHECK(word[B_SAW_CLOSED] == 1, "child B still has fd %d, which we closed", GONE_FD);
	word[ASK] = ASK_SEEK;
	wait_word(G_SEEKED);
	CHECK(lseek(data_fd, 0, SEEK_CUR) == 7,
	      "the grandchild's lseek did not move our offset (%ld): not one open file",
	      (long)lseek(data_fd, 0, SEEK_CUR));
	word[ASK] = ASK_LOCK;
	wait_word(G_LOCK);
	CHECK(word[G_LOCK] == 1 && word[G_LOCK_PID] == getpid(),
	      "our POSIX lock is lost (the grandchild's F_GETLK: %d, pid %d)", word[G_LOCK],
	      word[G_LOCK_PID]);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	pass();
}
