/*
 * signalfd and timerfd: made again from what their fdinfo says.
 *   signalfd: "sigmask: HEX" (bit n-1 for signal n);
 *   timerfd:  "clockid: N", "ticks: N" (expirations not read yet),
 *             "settime flags: OCT", "it_value: (S, NS)" (the time left),
 *             "it_interval: (S, NS)".
 * fdinfo shows one tick and no time left for an interval timer that has
 * expired and not been read, however many periods have gone by since: the
 * dump asks the task's own timerfd first (timerfd_gettime(), which counts
 * those periods into its ticks, as a read would, and gives the time to the
 * next one).  A relative timer keeps its time left; an absolute one its
 * expiry on its clock (abs_ns).  Ticks come back with TFD_IOC_SET_TICKS.
 *   inotify:  "inotify wd:N ino:X sdev:X mask:X ignored_mask:X
 *             fhandle-bytes:N fhandle-type:N f_handle:HEX" per watch: the
 *             watched file is opened from its handle (open_by_handle_at on
 *             a mount of its file system) to learn its path.
 *   fanotify: "fanotify flags:X event-flags:X", then its marks: of an inode
 *             (with a file handle, as inotify's), of a mount (mnt_id) or of a
 *             file system (sdev), each with mflags, mask, ignored_mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <linux/kcmp.h>

#include "files.h"
#include "log.h"
#include "task.h"
#include "util.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

static char *fdinfo_text(pid_t pid, int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	return read_file(path, NULL);
}

/* The text after "key" in fdinfo, or NULL. */
static const char *field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? p + strlen(key) : NULL;
}

int dump_signalfd(pid_t pid, int fd, FdEntry *e)
{
	cleanup_free char *text = fdinfo_text(pid, fd);
	const char *m = text ? field(text, "sigmask:") : NULL;

	if (!m)
		return error("pid %d: fd %d: no sigmask in its fdinfo", pid, fd);
	e->kind = FD_SIGNALFD;
	e->has_sigmask = true;
	e->sigmask = strtoull(m, NULL, 16);
	return 0;
}

int dump_timerfd(pid_t pid, int fd, FdEntry *e)
{
	struct itimerspec now_its;
	int g = grab_fd(pid, fd);
	bool asked = g >= 0 && !timerfd_gettime(g, &now_its);

	if (g >= 0)
		close(g);
	if (!asked)
		return error_errno("pid %d: fd %d: cannot ask its timerfd", pid, fd);

	cleanup_free char *text = fdinfo_text(pid, fd);
	const char *c = text ? field(text, "clockid:") : NULL, *t = text ? field(text, "ticks:") : NULL;
	const char *f = text ? field(text, "settime flags:") : NULL;
	TimerfdEntry *te;

	/* (the times come from timerfd_gettime() above, which counts) */
	if (!c || !t || !f)
		return error("pid %d: fd %d: its timerfd fdinfo is not as expected", pid, fd);
	te = xmalloc(sizeof(*te));
	timerfd_entry__init(te);
	te->clockid = strtol(c, NULL, 10);
	te->ticks = strtoull(t, NULL, 10);
	te->settime_flags = strtoul(f, NULL, 8);
	te->value_ns = now_its.it_value.tv_sec * 1000000000ULL + now_its.it_value.tv_nsec;
	te->interval_ns = now_its.it_interval.tv_sec * 1000000000ULL + now_its.it_interval.tv_nsec;
	if (te->value_ns && (te->settime_flags & TFD_TIMER_ABSTIME)) {
		struct timespec now;

		if (clock_gettime(te->clockid, &now))
			return error_errno("pid %d: fd %d: cannot read clock %d of its timerfd", pid,
					   fd, te->clockid);
		te->has_abs_ns = true;
		te->abs_ns = now.tv_sec * 1000000000ULL + now.tv_nsec + te->value_ns;
	}
	e->kind = FD_TIMERFD;
	e->timerfd = te;
	return 0;
}

/* A mount point of file system sdev (the kernel's dev_t: major << 20 |
 * minor) in pid's mounts, the one of its root preferred; NULL if none. */
static char *mount_of(pid_t pid, unsigned long sdev)
{
	char path[64], *text, *line, *best = NULL;
	unsigned maj = sdev >> 20, min = sdev & 0xfffff;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	text = read_file(path, NULL);
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned a, b;
		char root[4096], point[4096];

		if (sscanf(line, "%*d %*d %u:%u %4095s %4095s", &a, &b, root, point) != 4 ||
		    a != maj || b != min)
			continue;
		if (!best || !strcmp(root, "/")) {
			free(best);
			best = xstrdup(point);
		}
		if (!strcmp(root, "/"))
			break;
	}
	free(text);
	return best;
}

/* The path of the file a watch's handle names, or NULL after error(). */
static char *watch_path(pid_t pid, int fd, const char *what, int wd, unsigned long sdev,
			unsigned bytes, int type, const char *hex)
{
	struct file_handle *fh = xzalloc(sizeof(*fh) + bytes + 1);
	cleanup_free char *mnt = mount_of(pid, sdev);
	char link[64], buf[4096];
	int mfd = -1, f = -1;
	ssize_t n = -1;

	fh->handle_bytes = bytes;
	fh->handle_type = type;
	for (unsigned i = 0; i < bytes && hex[2 * i] && hex[2 * i + 1]; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };

		fh->f_handle[i] = strtoul(b, NULL, 16);
	}
	if (mnt)
		mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd >= 0)
		f = open_by_handle_at(mfd, fh, O_PATH | O_CLOEXEC);
	if (f >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", f);
		n = readlink(link, buf, sizeof(buf) - 1);
	}
	free(fh);
	if (mfd >= 0)
		close(mfd);
	if (f >= 0)
		close(f);
	if (n <= 0)
		return error_errno("pid %d: fd %d (%s): the file of watch %d cannot be found",
				   pid, fd, what, wd), NULL;
	buf[n] = 0;
	if (n > 10 && !strcmp(buf + n - 10, " (deleted)"))
		return error("pid %d: fd %d (%s): watch %d is on the deleted file '%.*s', "
			     "which ckpt cannot watch again", pid, fd, what, wd, (int)n - 10, buf), NULL;
	return xstrdup(buf);
}

/* Events queued and not read are not carried: the log says so. */
static void warn_unread_events(pid_t pid, int fd)
{
	int f = grab_fd(pid, fd), n = 0;

	if (f >= 0 && !ioctl(f, FIONREAD, &n) && n > 0)
		pr_warn("pid %d: fd %d: %d bytes of events not read yet are not carried", pid, fd,
			n);
	if (f >= 0)
		close(f);
}

int dump_inotify(pid_t pid, int fd, FdEntry *e)
{
	cleanup_free char *text = fdinfo_text(pid, fd);
	char *line;

	if (!text)
		return error_errno("pid %d: fd %d: cannot read its fdinfo", pid, fd);
	e->kind = FD_INOTIFY;
	warn_unread_events(pid, fd);
	for (line = text; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		unsigned long ino, sdev;
		unsigned mask, ignored, bytes;
		int wd, type;
		char hex[260];
		InotifyWatchEntry *w;

		if (sscanf(line, "inotify wd:%d ino:%lx sdev:%lx mask:%x ignored_mask:%x "
			   "fhandle-bytes:%x fhandle-type:%x f_handle:%259s", &wd, &ino, &sdev, &mask,
			   &ignored, &bytes, &type, hex) != 8)
			continue;
		w = xmalloc(sizeof(*w));
		inotify_watch_entry__init(w);
		w->wd = wd;
		w->mask = mask;
		w->path = watch_path(pid, fd, "inotify", wd, sdev, bytes, type, hex);
		if (!w->path)
			return -1;
		e->inotify = xrealloc(e->inotify, (e->n_inotify + 1) * sizeof(w));
		e->inotify[e->n_inotify++] = w;
	}
	return 0;
}

/* The mount point of mount mnt_id in pid's mountinfo, or NULL. */
static char *mount_point(pid_t pid, int mnt_id)
{
	char path[64], *text, *line, *found = NULL;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	text = read_file(path, NULL);
	for (line = text; line && *line && !found;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char point[4096];
		int id;

		if (sscanf(line, "%d %*d %*u:%*u %*s %4095s", &id, point) == 2 && id == mnt_id)
			found = xstrdup(point);
	}
	free(text);
	return found;
}

int dump_fanotify(pid_t pid, int fd, FdEntry *e)
{
	cleanup_free char *text = fdinfo_text(pid, fd);
	FanotifyEntry *fe = xmalloc(sizeof(*fe));
	const char *g = text ? field(text, "fanotify flags:") : NULL;
	char *line;

	fanotify_entry__init(fe);
	e->kind = FD_FANOTIFY;
	e->fanotify = fe;
	if (!g || sscanf(g, "%x event-flags:%x", &fe->flags, &fe->event_flags) != 2)
		return error("pid %d: fd %d: its fanotify fdinfo is not as expected", pid, fd);
	warn_unread_events(pid, fd);
	for (line = text; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		unsigned long ino, sdev;
		unsigned mflags, mask, ignored, bytes;
		int type, mnt_id, wd = (int)fe->n_marks + 1;
		char hex[260];
		FanotifyMarkEntry *m = xmalloc(sizeof(*m));

		fanotify_mark_entry__init(m);
		if (sscanf(line, "fanotify ino:%lx sdev:%lx mflags:%x mask:%x ignored_mask:%x "
			   "fhandle-bytes:%x fhandle-type:%x f_handle:%259s", &ino, &sdev, &mflags,
			   &mask, &ignored, &bytes, &type, hex) == 8) {
			m->path = watch_path(pid, fd, "fanotify", wd, sdev, bytes, type, hex);
		} else if (sscanf(line, "fanotify mnt_id:%x mflags:%x mask:%x ignored_mask:%x",
				  &mnt_id, &mflags, &mask, &ignored) == 4) {
			m->type = FAN_MARK_MOUNT;
			m->path = mount_point(pid, mnt_id);
			if (!m->path)
				return error("pid %d: fd %d (fanotify): its mount %d is not in its "
					     "mountinfo", pid, fd, mnt_id);
		} else if (sscanf(line, "fanotify sdev:%lx mflags:%x mask:%x ignored_mask:%x",
				  &sdev, &mflags, &mask, &ignored) == 4) {
			m->type = FAN_MARK_FILESYSTEM;
			m->path = mount_of(pid, sdev);
			if (!m->path)
				return error("pid %d: fd %d (fanotify): no mount of its file system "
					     "%lx", pid, fd, sdev);
		} else {
			free(m);
			continue;
		}
		if (!m->path)
			return -1;
		m->mflags = mflags;
		m->mask = mask;
		m->ignored_mask = ignored;
		fe->marks = xrealloc(fe->marks, (fe->n_marks + 1) * sizeof(m));
		fe->marks[fe->n_marks++] = m;
	}
	return 0;
}

static int make_fanotify(const FdEntry *e, char *err, size_t errlen)
{
	const FanotifyEntry *fe = e->fanotify;
	int fd = fanotify_init(fe->flags, fe->event_flags);

	if (fd < 0) {
		snprintf(err, errlen, "fd %d: fanotify_init(%#x, %#x): %s", e->fd, fe->flags,
			 fe->event_flags, strerror(errno));
		return -1;
	}
	/* fdinfo lists the newest mark first: the oldest is made first */
	for (size_t i = fe->n_marks; i-- > 0; ) {
		const FanotifyMarkEntry *m = fe->marks[i];
		unsigned add = FAN_MARK_ADD | m->type | m->mflags;

		if ((m->mask && fanotify_mark(fd, add, m->mask, AT_FDCWD, m->path)) ||
		    (m->ignored_mask && fanotify_mark(fd, add | FAN_MARK_IGNORED_MASK, m->ignored_mask,
						      AT_FDCWD, m->path))) {
			snprintf(err, errlen, "fd %d (fanotify): cannot mark '%s' again (mask %#x): %s",
				 e->fd, m->path, m->mask, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int cmp_wd(const void *a, const void *b)
{
	const InotifyWatchEntry *x = *(InotifyWatchEntry * const *)a;
	const InotifyWatchEntry *y = *(InotifyWatchEntry * const *)b;

	return x->wd - y->wd;
}

/*
 * The watches again, with their numbers: the kernel hands out the next
 * number after the last one it gave, so a stand-in watch (on a memfd of
 * ours) taken and dropped moves it on to the number wanted; the
 * IN_IGNORED events that the stand-ins leave are read away at the end.
 */
static int make_inotify(const FdEntry *e, char *err, size_t errlen)
{
	InotifyWatchEntry **w = xmalloc((e->n_inotify + 1) * sizeof(*w));
	int fd = inotify_init1(IN_NONBLOCK), dummy = memfd_create("ckpt-inotify", MFD_CLOEXEC);
	char dpath[64], buf[4096];
	int ret = fd;

	memcpy(w, e->inotify, e->n_inotify * sizeof(*w));
	qsort(w, e->n_inotify, sizeof(*w), cmp_wd);
	snprintf(dpath, sizeof(dpath), "/proc/self/fd/%d", dummy);
	for (size_t i = 0, last = 0; ret >= 0 && i < e->n_inotify; i++) {
		int got = 0;

		/* the next number given is last + 1: stand-ins up to wd - 1 */
		while (got >= 0 && (int)last + 1 < w[i]->wd) {
			got = inotify_add_watch(fd, dpath, IN_ACCESS);
			if (got > 0 && !inotify_rm_watch(fd, got))
				last = got;
			else
				got = -1;
		}
		if (got >= 0)
			got = inotify_add_watch(fd, w[i]->path, w[i]->mask);
		last = got;
		if (got != w[i]->wd) {
			snprintf(err, errlen, "fd %d (inotify): cannot watch '%s' again as watch %d "
				 "(got %d): %s", e->fd, w[i]->path, w[i]->wd, got,
				 got < 0 ? strerror(errno) : "numbers differ");
			close(fd);
			ret = -1;
		}
	}
	if (fd < 0 || dummy < 0) {
		snprintf(err, errlen, "fd %d: cannot make its inotify: %s", e->fd, strerror(errno));
		ret = -1;
	}
	while (ret >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
	if (ret >= 0 && !(e->flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, 0);
	if (dummy >= 0)
		close(dummy);
	free(w);
	return ret;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){ ns / 1000000000ULL, ns % 1000000000ULL };
}

int restore_anon_make(const FdEntry *e, char *err, size_t errlen)
{
	int nb = e->flags & O_NONBLOCK;
	int fd;

	if (e->kind == FD_INOTIFY)
		return make_inotify(e, err, errlen);
	if (e->kind == FD_FANOTIFY)
		return make_fanotify(e, err, errlen);
	if (e->kind == FD_SIGNALFD) {
		sigset_t mask;

		sigemptyset(&mask);
		for (int s = 1; s <= 64; s++)
			if (e->sigmask & (1ULL << (s - 1)))
				sigaddset(&mask, s);
		fd = signalfd(-1, &mask, nb ? SFD_NONBLOCK : 0);
		if (fd < 0)
			snprintf(err, errlen, "fd %d: signalfd (mask %#lx): %s", e->fd,
				 (unsigned long)e->sigmask, strerror(errno));
		return fd;
	}

	const TimerfdEntry *t = e->timerfd;
	struct itimerspec its = { ts_of(t->interval_ns), ts_of(t->value_ns) };
	int flags = t->settime_flags & (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET);

	fd = timerfd_create(t->clockid, nb ? TFD_NONBLOCK : 0);
	if (fd < 0) {
		snprintf(err, errlen, "fd %d: timerfd_create (clock %d): %s", e->fd, t->clockid,
			 strerror(errno));
		return -1;
	}
	/* expired and not read: it goes on from now, one interval on */
	if (!t->value_ns && t->interval_ns && t->ticks)
		its.it_value = its.it_interval;
	if (t->has_abs_ns && (flags & TFD_TIMER_ABSTIME))
		its.it_value = ts_of(t->abs_ns);	/* the same expiry */
	else if (flags & TFD_TIMER_ABSTIME && (its.it_value.tv_sec || its.it_value.tv_nsec)) {
		struct timespec now;
		uint64_t at;

		clock_gettime(t->clockid, &now);
		at = now.tv_sec * 1000000000ULL + now.tv_nsec + its.it_value.tv_sec * 1000000000ULL +
		     its.it_value.tv_nsec;
		its.it_value = ts_of(at);
	}
	if (timerfd_settime(fd, flags, &its, NULL) ||
	    (t->ticks && ioctl(fd, TFD_IOC_SET_TICKS, &t->ticks))) {
		snprintf(err, errlen, "fd %d: cannot set its timer again (%lu ticks): %s", e->fd,
			 (unsigned long)t->ticks, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The kinds each process makes anew, unless it is a dup or the parent's. */
static const char *made_anew(uint32_t kind)
{
	switch (kind) {
	case FD_EVENTFD:
		return "an eventfd";
	case FD_EPOLL:
		return "an epoll";
	case FD_SIGNALFD:
		return "a signalfd";
	case FD_TIMERFD:
		return "a timerfd";
	case FD_INOTIFY:
		return "an inotify";
	case FD_FANOTIFY:
		return "a fanotify";
	}
	return NULL;
}

int anon_check_tree(const struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++) {
		const FilesEntry *files = tree->tasks[i].files;

		for (size_t f = 0; files && f < files->n_fds; f++) {
			const FdEntry *e = files->fds[f];
			const char *what = made_anew(e->kind);

			if (!what || e->has_dup_of || e->has_inherit_fd)
				continue;
			for (size_t j = 0; j < i; j++) {
				const FilesEntry *other = tree->tasks[j].files;

				for (size_t g = 0; other && g < other->n_fds; g++)
					if (other->fds[g]->kind == e->kind &&
					    syscall(SYS_kcmp, tree->tasks[i].pid, tree->tasks[j].pid,
						    KCMP_FILE, e->fd, other->fds[g]->fd) == 0)
						return error("pid %d: fd %d is %s that pid %d holds too "
							     "(its fd %d), not through the parent, "
							     "which ckpt cannot carry yet (it would "
							     "come back as two)", tree->tasks[i].pid,
							     e->fd, what, tree->tasks[j].pid,
							     other->fds[g]->fd);
			}
		}
	}
	return 0;
}
