/*
 * flock00: locks held at the dump are held again after the restore, by the
 * same process, through the same fds:
 *   fd 20 flock00.a  flock LOCK_EX
 *   fd 21 flock00.b  POSIX write lock on bytes 10-29, read lock 100-EOF
 *   fd 22 flock00.c  OFD write lock on bytes 0-4
 *   fd 23 flock00.d  flock LOCK_SH, dup'ed at 24
 *   a child of ours: fd 25 flock00.e  POSIX write lock on the whole file
 * After the wait a new process (forked then, so not restored) probes each
 * file through open files of its own: flock, F_GETLK and F_OFD_GETLK must
 * meet every lock, with the right holder (POSIX: our pid, the child's),
 * and no more.  Then unlocking fd 20 lets it take flock00.a: the lock was
 * on fd 20's open file.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_at(const char *name, int flags, int at)
{
	int fd = open(name, flags | O_CREAT, 0644);

	if (fd < 0 || dup2(fd, at) != at)
		return -1;
	close(fd);
	return 0;
}

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* The lock F_GETLK (or F_OFD_GETLK) finds for a write lock on start/len:
 * its type, and its holder in *pid. */
static int getlk(const char *name, int cmd, off_t start, off_t len, pid_t *pid)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int fd = open(name, O_RDWR);

	if (fd < 0 || fcntl(fd, cmd, &fl))
		return -1;
	close(fd);
	*pid = fl.l_pid;
	return fl.l_type;
}

static int can_flock(const char *name, int how)
{
	int fd = open(name, O_RDONLY), ok;

	if (fd < 0)
		return -1;
	ok = flock(fd, how | LOCK_NB) == 0;
	close(fd);
	return ok;
}

/* the child of the tree: a POSIX lock of its own on flock00.e */
static int child_setup(void)
{
	return open_at("flock00.e", O_RDWR, 25) || setlk(25, F_SETLK, F_WRLCK, 0, 0) ? 2 : 0;
}

/* In a new process: 0 if every lock is as it should be, else which one is not. */
static int probe(pid_t us, pid_t child)
{
	pid_t pid;

	if (can_flock("flock00.a", LOCK_SH) != 0)
		return 10;
	if (getlk("flock00.b", F_GETLK, 15, 1, &pid) != F_WRLCK || pid != us)
		return 11;
	if (getlk("flock00.b", F_GETLK, 200, 1, &pid) != F_RDLCK || pid != us)
		return 12;
	if (getlk("flock00.b", F_GETLK, 0, 10, &pid) != F_UNLCK ||
	    getlk("flock00.b", F_GETLK, 30, 70, &pid) != F_UNLCK)
		return 13;
	pid = 0;
	if (getlk("flock00.c", F_OFD_GETLK, 0, 1, &pid) != F_WRLCK || pid != -1)
		return 14;
	if (getlk("flock00.c", F_OFD_GETLK, 5, 0, &pid) != F_UNLCK)
		return 15;
	if (can_flock("flock00.d", LOCK_SH) != 1 || can_flock("flock00.d", LOCK_EX) != 0)
		return 16;
	if (getlk("flock00.e", F_GETLK, 1000, 1, &pid) != F_WRLCK || pid != child)
		return 17;
	return 0;
}

static int run_probe(pid_t child)
{
	pid_t us = getpid(), p = fork();
	int status;

	if (p == 0)
		_exit(probe(us, child));
	if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	int r;
	pid_t child;

	test_init(argc, argv);
	CHECK(open_at("flock00.a", O_RDONLY, 20) == 0 && flock(20, LOCK_EX) == 0, "flock a");
	CHECK(open_at("flock00.b", O_RDWR, 21) == 0 && setlk(21, F_SETLK, F_WRLCK, 10, 20) == 0 &&
	      setlk(21, F_SETLK, F_RDLCK, 100, 0) == 0, "POSIX locks on b");
	CHECK(open_at("flock00.c", O_RDWR, 22) == 0 && setlk(22, F_OFD_SETLK, F_WRLCK, 0, 5) == 0,
	      "OFD lock on c");
	CHECK(open_at("flock00.d", O_RDONLY, 23) == 0 && flock(23, LOCK_SH) == 0 &&
	      dup2(23, 24) == 24, "flock d");
	child = test_child(child_setup, NULL);
	r = run_probe(child);
	CHECK(r == 0, "before the dump, probe %d fails", r);
	test_daemon();
	test_waitsig();

	r = run_probe(child);
	CHECK(r == 0, "probe %d fails: a lock is not held (or another is)", r);
	CHECK(flock(20, LOCK_UN) == 0 && can_flock("flock00.a", LOCK_EX) == 1,
	      "flock00.a is still locked without fd 20's lock");
	test_child_end(child);
	pass();
}
