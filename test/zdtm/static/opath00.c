/*
 * opath00: O_PATH fds of every type: a regular file (fd 30), a directory
 * (31, with O_DIRECTORY), a symbolic link itself (32, O_NOFOLLOW), a FIFO
 * (33: O_PATH does not open it, so it does not block), a socket file (34)
 * and /dev/null (35, O_CLOEXEC).  After the restore each is O_PATH again,
 * with its flags, on the same inode, and works as one: fstat, openat in
 * the directory, readlinkat of the link; read() still fails.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const struct {
	int fd, flags;
	const char *name;
} paths[] = {
	{ 30, 0, "opath00.file" },
	{ 31, O_DIRECTORY, "opath00.dir" },
	{ 32, O_NOFOLLOW, "opath00.link" },
	{ 33, 0, "opath00.fifo" },
	{ 34, 0, "opath00.sock" },
	{ 35, O_CLOEXEC, "/dev/null" },
};
#define N (sizeof(paths) / sizeof(paths[0]))

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "opath00.sock" };
	struct stat st0[N], st;
	int fl0[N], fd0[N], s, fd;
	char buf[64];

	test_init(argc, argv);
	fd = open("opath00.file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4, "make opath00.file");
	close(fd);
	CHECK(mkdir("opath00.dir", 0755) == 0 && symlink("opath00.file", "opath00.link") == 0 &&
	      mkfifo("opath00.fifo", 0644) == 0, "make the dir, link and fifo");
	fd = open("opath00.dir/inside", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "make opath00.dir/inside");
	close(fd);
	/* a socket file with no socket behind it: the test holds no socket */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind");
	close(s);
	for (unsigned i = 0; i < N; i++) {
		fd = open(paths[i].name, O_PATH | paths[i].flags);
		CHECK(fd >= 0, "open %s O_PATH", paths[i].name);
		CHECK(dup3(fd, paths[i].fd, paths[i].flags & O_CLOEXEC) == paths[i].fd, "dup3");
		close(fd);
		CHECK(fstat(paths[i].fd, &st0[i]) == 0, "fstat");
		fl0[i] = fcntl(paths[i].fd, F_GETFL);
		fd0[i] = fcntl(paths[i].fd, F_GETFD);
	}
	CHECK(S_ISLNK(st0[2].st_mode) && S_ISFIFO(st0[3].st_mode) && S_ISSOCK(st0[4].st_mode),
	      "the O_PATH fds are not what they should be");
	test_daemon();
	test_waitsig();

	for (unsigned i = 0; i < N; i++) {
		int f = paths[i].fd;

		CHECK(fstat(f, &st) == 0 && st.st_ino == st0[i].st_ino &&
		      st.st_mode == st0[i].st_mode, "fd %d is not %s any more", f, paths[i].name);
		CHECK(fcntl(f, F_GETFL) == fl0[i], "fd %d: flags %#o, were %#o", f,
		      fcntl(f, F_GETFL), fl0[i]);
		CHECK(fcntl(f, F_GETFD) == fd0[i], "fd %d: fd flags %d, were %d", f,
		      fcntl(f, F_GETFD), fd0[i]);
		CHECK(read(f, buf, 1) < 0 && errno == EBADF, "fd %d (O_PATH) reads", f);
	}
	fd = openat(31, "inside", O_RDONLY);
	CHECK(fd >= 0, "openat in the O_PATH directory fd");
	close(fd);
	memset(buf, 0, sizeof(buf));
	CHECK(readlinkat(32, "", buf, sizeof(buf) - 1) == 12 && !strcmp(buf, "opath00.file"),
	      "readlinkat of the O_PATH link fd gives '%s'", buf);
	pass();
}
