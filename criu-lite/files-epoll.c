/*
 * epoll: the interest list of each epoll fd, from its fdinfo ("tfd: N
 * events: X data: Y"), made again with EPOLL_CTL_ADD once every other fd
 * of the process exists.  A target is named by the fd number it was added
 * with; kcmp(KCMP_EPOLL_TFD) tells whether that fd still is the file the
 * epoll watches (a target closed or replaced since is refused: restore
 * could not name it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "files.h"
#include "log.h"
#include "util.h"

int dump_epoll(pid_t pid, int fd, FdEntry *e)
{
	char path[64], *text, *line;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	text = read_file(path, NULL);
	if (!text)
		return error_errno("pid %d: fd %d: cannot read %s", pid, fd, path);
	e->kind = FD_EPOLL;
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long long data;
		unsigned events;
		int tfd;
		EpollTargetEntry *t;
		struct kcmp_epoll_slot slot;

		if (sscanf(line, "tfd: %d events: %x data: %llx", &tfd, &events, &data) != 3)
			continue;
		slot = (struct kcmp_epoll_slot){ .efd = fd, .tfd = tfd, .toff = 0 };
		if (syscall(SYS_kcmp, pid, pid, KCMP_EPOLL_TFD, tfd, &slot) != 0) {
			free(text);
			return error("pid %d: fd %d (epoll) watches a file that was fd %d, which is "
				     "closed or another file now: ckpt cannot name it again", pid, fd,
				     tfd);
		}
		t = xmalloc(sizeof(*t));
		epoll_target_entry__init(t);
		t->tfd = tfd;
		t->events = events;
		t->data = data;
		e->epoll = xrealloc(e->epoll, (e->n_epoll + 1) * sizeof(t));
		e->epoll[e->n_epoll++] = t;
	}
	free(text);
	return 0;
}

int restore_epoll_make(const FdEntry *e, char *err, size_t errlen)
{
	int fd = epoll_create1(0);

	if (fd < 0)
		snprintf(err, errlen, "fd %d: epoll_create1: %s", e->fd, strerror(errno));
	return fd;
}

int restore_epoll_targets(const FdEntry *e, char *err, size_t errlen)
{
	for (size_t i = 0; i < e->n_epoll; i++) {
		const EpollTargetEntry *t = e->epoll[i];
		struct epoll_event ev = { .events = t->events, .data.u64 = t->data };

		if (epoll_ctl(e->fd, EPOLL_CTL_ADD, t->tfd, &ev)) {
			snprintf(err, errlen, "fd %d (epoll): cannot watch fd %d again (events %#x): %s",
				 e->fd, t->tfd, t->events, strerror(errno));
			return -1;
		}
	}
	return 0;
}
