/*
 * inotify00: an inotify (fd 14) with watches 1 (our directory, IN_CREATE |
 * IN_DELETE), 3 (a file, IN_MODIFY) and 4 (a subdirectory, IN_ALL_EVENTS;
 * watch 2 was removed).  After the restore the watches have their numbers
 * and masks: a file made in the directory, a write to the file and a file
 * made in the subdirectory are reported with the right wd and name.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* The next event of fd 14 (waiting a little for it). */
static struct inotify_event *next_event(void)
{
	static char buf[4096] __attribute__((aligned(8)));
	static ssize_t len, off;
	struct inotify_event *ev;

	for (int i = 0; off >= len && i < 200; i++) {
		len = read(14, buf, sizeof(buf));
		off = 0;
		if (len < 0 && errno == EAGAIN)
			test_sleep_ms(10);
	}
	CHECK(len > 0, "no inotify event: %s", strerror(errno));
	ev = (struct inotify_event *)(buf + off);
	off += sizeof(*ev) + ev->len;
	return ev;
}

static void expect(int wd, unsigned mask, const char *name)
{
	struct inotify_event *ev = next_event();

	CHECK(ev->wd == wd && (ev->mask & mask) && (!name || !strcmp(ev->name, name)),
	      "event wd %d mask %#x name '%s', not wd %d mask %#x name '%s'", ev->wd, ev->mask,
	      ev->len ? ev->name : "", wd, mask, name ? name : "");
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX], path[PATH_MAX + 32];
	int fd, w;

	test_init(argc, argv);
	CHECK(getcwd(cwd, sizeof(cwd)), "getcwd");
	mkdir("sub", 0755);
	fd = open("watched", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open");
	close(fd);
	fd = inotify_init1(IN_NONBLOCK);
	CHECK(fd >= 0 && dup2(fd, 14) == 14, "inotify_init1: %s", strerror(errno));
	close(fd);
	CHECK(inotify_add_watch(14, cwd, IN_CREATE | IN_DELETE) == 1, "watch 1");
	w = inotify_add_watch(14, "/", IN_OPEN);
	CHECK(w == 2 && inotify_rm_watch(14, w) == 0, "watch 2");
	expect(2, IN_IGNORED, NULL);
	snprintf(path, sizeof(path), "%s/watched", cwd);
	CHECK(inotify_add_watch(14, path, IN_MODIFY) == 3, "watch 3");
	snprintf(path, sizeof(path), "%s/sub", cwd);
	CHECK(inotify_add_watch(14, path, IN_ALL_EVENTS) == 4, "watch 4");

	test_daemon();
	test_waitsig();

	CHECK(read(14, path, sizeof(path)) == -1 && errno == EAGAIN, "events before any change");
	fd = open("new", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create");
	close(fd);
	expect(1, IN_CREATE, "new");
	fd = open("watched", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1, "write");
	close(fd);
	expect(3, IN_MODIFY, NULL);
	fd = open("sub/inner", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create in sub");
	close(fd);
	expect(4, IN_CREATE, "inner");
	unlink("new");
	unlink("sub/inner");
	pass();
}
