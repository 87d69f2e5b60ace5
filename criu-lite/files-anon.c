/*
 * signalfd and timerfd: made again from what their fdinfo says.
 *   signalfd: "sigmask: HEX" (bit n-1 for signal n);
 *   timerfd:  "clockid: N", "ticks: N" (expirations not read yet),
 *             "settime flags: OCT", "it_value: (S, NS)" (the time left),
 *             "it_interval: (S, NS)".
 * The time left is kept as such: an absolute timer is set again to now plus
 * the time left on its clock.  Ticks come back with TFD_IOC_SET_TICKS.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "files.h"
#include "log.h"
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
	cleanup_free char *text = fdinfo_text(pid, fd);
	const char *c = text ? field(text, "clockid:") : NULL, *t = text ? field(text, "ticks:") : NULL;
	const char *f = text ? field(text, "settime flags:") : NULL;
	const char *v = text ? field(text, "it_value:") : NULL;
	const char *i = text ? field(text, "it_interval:") : NULL;
	long long vs, vns, is, ins;
	TimerfdEntry *te;

	if (!c || !t || !f || !v || !i || sscanf(v, " (%lld, %lld)", &vs, &vns) != 2 ||
	    sscanf(i, " (%lld, %lld)", &is, &ins) != 2)
		return error("pid %d: fd %d: its timerfd fdinfo is not as expected", pid, fd);
	te = xmalloc(sizeof(*te));
	timerfd_entry__init(te);
	te->clockid = strtol(c, NULL, 10);
	te->ticks = strtoull(t, NULL, 10);
	te->settime_flags = strtoul(f, NULL, 8);
	te->value_ns = vs * 1000000000ULL + vns;
	te->interval_ns = is * 1000000000ULL + ins;
	e->kind = FD_TIMERFD;
	e->timerfd = te;
	return 0;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){ ns / 1000000000ULL, ns % 1000000000ULL };
}

int restore_anon_make(const FdEntry *e, char *err, size_t errlen)
{
	int nb = e->flags & O_NONBLOCK;
	int fd;

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
	if (flags & TFD_TIMER_ABSTIME && (its.it_value.tv_sec || its.it_value.tv_nsec)) {
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
