/*
 * fanotify00: a fanotify group (fd 14, FAN_CLASS_NOTIF, non-blocking) with
 * a mark on the file "f" (FAN_CLOSE_WRITE), one on our directory
 * (FAN_OPEN for its children, ignoring FAN_OPEN on "quiet") and one on
 * the mount (FAN_OPEN_EXEC).  After the restore: writing "f" and opening
 * "g" are reported, opening "quiet" is not, and the group's flags and
 * marks are the same in its fdinfo.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

static void touch(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT, 0644);

	CHECK(fd >= 0 && write(fd, "x", 1) == 1, "write %s", name);
	close(fd);
}

/* Whether an event with mask bit `want` about `name` is among those of fd 14. */
static int seen(unsigned long long want, const char *name, int *quiet_seen)
{
	char buf[8192] __attribute__((aligned(8)));
	int found = 0;

	for (int tries = 0; tries < 100 && !found; tries++) {
		ssize_t len = read(14, buf, sizeof(buf));

		if (len < 0) {
			test_sleep_ms(10);
			continue;
		}
		for (struct fanotify_event_metadata *m = (void *)buf; FAN_EVENT_OK(m, len);
		     m = FAN_EVENT_NEXT(m, len)) {
			char link[64], path[PATH_MAX];
			ssize_t n;

			if (m->fd < 0)
				continue;
			snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
			n = readlink(link, path, sizeof(path) - 1);
			close(m->fd);
			if (n <= 0)
				continue;
			path[n] = 0;
			if (strstr(path, "/quiet"))
				*quiet_seen = 1;
			if ((m->mask & want) && n > (ssize_t)strlen(name) &&
			    !strcmp(path + n - strlen(name), name) && path[n - strlen(name) - 1] == '/')
				found = 1;
		}
	}
	return found;
}

/* The fdinfo of fd 14 with the mnt_id and inode numbers left out. */
static void marks(char *out, size_t len)
{
	char buf[4096];
	size_t o = 0;

	CHECK(test_read_file("/proc/self/fdinfo/14", buf, sizeof(buf)) > 0, "fdinfo");
	for (char *l = strstr(buf, "fanotify"); l && o < len; l = strstr(l + 1, "\nfanotify")) {
		char *s = l[0] == '\n' ? l + 1 : l, *end = strchr(s, '\n');
		char *mf = strstr(s, "mflags:");

		if (!end)
			end = s + strlen(s);
		if (!strncmp(s, "fanotify flags:", 15))
			mf = s;
		if (mf && mf < end)
			o += snprintf(out + o, len - o, "%.*s;", (int)(end - mf), mf);
	}
}

int main(int argc, char **argv)
{
	char before[1024] = "", after[1024] = "";
	int fd, quiet = 0;

	test_init(argc, argv);
	touch("f");
	fd = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK, O_RDONLY);
	if (fd < 0)
		skip("fanotify_init: %s", strerror(errno));
	CHECK(dup2(fd, 14) == 14, "dup2");
	close(fd);
	CHECK(fanotify_mark(14, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, "f") == 0, "mark f: %s",
	      strerror(errno));
	CHECK(fanotify_mark(14, FAN_MARK_ADD, FAN_OPEN | FAN_EVENT_ON_CHILD, AT_FDCWD, ".") == 0,
	      "mark .: %s", strerror(errno));
	touch("quiet");
	CHECK(fanotify_mark(14, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK, FAN_OPEN, AT_FDCWD,
			    "quiet") == 0, "ignore quiet: %s", strerror(errno));
	CHECK(fanotify_mark(14, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC, AT_FDCWD, ".") == 0,
	      "mark the mount: %s", strerror(errno));
	while (read(14, after, sizeof(after)) > 0)
		;	/* the events of our own setup */
	marks(before, sizeof(before));

	test_daemon();
	test_waitsig();

	marks(after, sizeof(after));
	CHECK(!strcmp(before, after), "the marks were %s, are %s", before, after);
	touch("f");
	CHECK(seen(FAN_CLOSE_WRITE, "f", &quiet), "writing f is not reported");
	touch("quiet");
	touch("g");
	CHECK(seen(FAN_OPEN, "g", &quiet), "opening g is not reported");
	CHECK(!quiet, "opening quiet is reported (its ignored mask is lost)");
	pass();
}
