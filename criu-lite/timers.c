/*
 * Interval timers (setitimer) and POSIX timers (timer_create).
 *
 * POSIX timer ids are chosen by the kernel; since Linux 6.16
 * PR_TIMER_CREATE_RESTORE_IDS makes timer_create() take the id from the
 * caller, which is how each timer gets its old id back.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "infect.h"
#include "log.h"
#include "objects.h"
#include "proc.h"
#include "util.h"

#ifndef PR_TIMER_CREATE_RESTORE_IDS
#define PR_TIMER_CREATE_RESTORE_IDS	77
#define PR_TIMER_CREATE_RESTORE_IDS_OFF	0
#define PR_TIMER_CREATE_RESTORE_IDS_ON	1
#endif

struct kernel_sigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;
	int32_t pad[11];
};

static uint64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

static struct timespec ns_ts(uint64_t ns)
{
	return (struct timespec){ ns / 1000000000ULL, ns % 1000000000ULL };
}

int dump_timers(struct task *task)
{
	TaskCore *core = task->core;
	struct thread *leader = &task->threads[0];
	struct proc_timer *pt;
	size_t n;

	core->n_itimers = 3;
	core->itimers = xmalloc(3 * sizeof(*core->itimers));
	for (int which = 0; which < 3; which++) {
		struct itimerval iv;
		ItimerEntry *e = xmalloc(sizeof(*e));

		itimer_entry__init(e);
		core->itimers[which] = e;
		if (task_syscall_ok(task, leader, SYS_getitimer, "getitimer", NULL,
				    which, task->scratch, 0, 0, 0, 0) ||
		    infect_read(task->pid, task->scratch, &iv, sizeof(iv)))
			return error("pid %d: cannot read interval timer %d", task->pid, which);
		e->interval_us = iv.it_interval.tv_sec * 1000000ULL + iv.it_interval.tv_usec;
		e->value_us = iv.it_value.tv_sec * 1000000ULL + iv.it_value.tv_usec;
	}

	if (proc_parse_timers(task->pid, &pt, &n))
		return -1;
	core->n_timers = n;
	core->timers = xzalloc(n * sizeof(*core->timers));
	for (size_t i = 0; i < n; i++) {
		PosixTimerEntry *e = xmalloc(sizeof(*e));
		struct itimerspec its;
		long overrun;

		posix_timer_entry__init(e);
		core->timers[i] = e;
		e->id = pt[i].id;
		e->clockid = pt[i].clockid;
		e->notify = pt[i].notify;
		e->signo = pt[i].signo;
		e->sival = pt[i].sival;
		/* /proc numbers it as ckpt sees it; the task's own namespace may not */
		e->notify_tid = pt[i].notify_tid;
		for (size_t t = 0; t < task->nr_threads; t++)
			if (task->threads[t].tid == pt[i].notify_tid)
				e->notify_tid = task->threads[t].vtid;
		if (task_syscall_ok(task, leader, SYS_timer_gettime, "timer_gettime", NULL,
				    pt[i].id, task->scratch, 0, 0, 0, 0) ||
		    infect_read(task->pid, task->scratch, &its, sizeof(its)))
			return error("pid %d: cannot read POSIX timer %d", task->pid, pt[i].id);
		if (task_syscall_ok(task, leader, SYS_timer_getoverrun, "timer_getoverrun", &overrun,
				    pt[i].id, 0, 0, 0, 0, 0))
			return -1;
		e->interval_ns = ts_ns(&its.it_interval);
		e->value_ns = ts_ns(&its.it_value);
		e->overrun = overrun;
	}
	free(pt);
	return 0;
}

#define CALL(what, nr, ...) \
	task_syscall_ok(task, leader, nr, what, NULL, __VA_ARGS__)

int restore_timers(struct task *task)
{
	const TaskCore *core = task->core;
	struct thread *leader = &task->threads[0];

	for (size_t w = 0; w < core->n_itimers && w < 3; w++) {
		const ItimerEntry *e = core->itimers[w];
		/* An expired periodic ITIMER_REAL reads 0 until its SIGALRM is taken
		 * (which re-arms it): it is armed, and due now.  Its signal, if
		 * pending, is restored too, and one more SIGALRM merges with it. */
		uint64_t value = e->value_us ? e->value_us : e->interval_us ? 1 : 0;
		struct itimerval iv = {
			{ e->interval_us / 1000000, e->interval_us % 1000000 },
			{ value / 1000000, value % 1000000 },
		};

		if (!value)
			continue;
		if (infect_write(task->pid, task->scratch, &iv, sizeof(iv)) ||
		    CALL("setitimer", SYS_setitimer, w, task->scratch, 0, 0, 0, 0))
			return error("pid %d: cannot restore interval timer %zu", task->pid, w);
	}
	if (!core->n_timers)
		return 0;
	if (CALL("PR_TIMER_CREATE_RESTORE_IDS", SYS_prctl, PR_TIMER_CREATE_RESTORE_IDS,
		 PR_TIMER_CREATE_RESTORE_IDS_ON, 0, 0, 0, 0))
		return error("pid %d: this kernel cannot recreate POSIX timers with their ids",
			     task->pid);
	for (size_t i = 0; i < core->n_timers; i++) {
		const PosixTimerEntry *e = core->timers[i];
		struct {
			struct kernel_sigevent sev;
			int32_t id;
			int32_t pad;
			struct itimerspec its;
		} buf;
		uint64_t base = task->scratch;

		memset(&buf, 0, sizeof(buf));
		buf.sev.value = e->sival;
		buf.sev.signo = e->signo;
		buf.sev.notify = e->notify;
		buf.sev.tid = e->notify_tid;
		buf.id = e->id;
		buf.its.it_interval = ns_ts(e->interval_ns);
		buf.its.it_value = ns_ts(e->value_ns);
		if (infect_write(task->pid, base, &buf, sizeof(buf)))
			return error("pid %d: %s", task->pid, infect_why());
		if (CALL("timer_create", SYS_timer_create, e->clockid, base,
			 base + offsetof(typeof(buf), id), 0, 0, 0))
			return error("pid %d: cannot recreate POSIX timer %d", task->pid, e->id);
		if (e->value_ns &&
		    CALL("timer_settime", SYS_timer_settime, e->id, 0,
			 base + offsetof(typeof(buf), its), 0, 0, 0))
			return -1;
	}
	return CALL("PR_TIMER_CREATE_RESTORE_IDS", SYS_prctl, PR_TIMER_CREATE_RESTORE_IDS,
		    PR_TIMER_CREATE_RESTORE_IDS_OFF, 0, 0, 0, 0);
}
