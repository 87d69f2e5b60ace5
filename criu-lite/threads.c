/*
 * Threads: everything the kernel keeps per thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/ptrace.h>

#include "infect.h"
#include "log.h"
#include "objects.h"
#include "util.h"

#define XSTATE_MAX (64 * 1024)
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

struct rseq_config {
	uint64_t ptr;
	uint32_t len;
	uint32_t sig;
	uint32_t flags;
	uint32_t pad;
};

struct kernel_stack_t {
	uint64_t sp;
	int32_t flags;
	int32_t pad;
	uint64_t size;
};

int dump_pending(pid_t tid, bool shared, SiginfoEntry ***out, size_t *n)
{
	siginfo_t si[32];
	struct ptrace_peeksiginfo_args a = { .off = 0, .flags = shared ? PTRACE_PEEKSIGINFO_SHARED : 0,
					     .nr = ARRAY_SIZE(si) };

	*out = NULL;
	*n = 0;
	for (;;) {
		long got = ptrace(PTRACE_PEEKSIGINFO, tid, &a, si);

		if (got < 0)
			return error_errno("thread %d: cannot read pending signals", tid);
		if (got == 0)
			return 0;
		for (long i = 0; i < got; i++) {
			SiginfoEntry *e = xmalloc(sizeof(*e));

			siginfo_entry__init(e);
			e->raw.len = sizeof(siginfo_t);
			e->raw.data = xmalloc(sizeof(siginfo_t));
			memcpy(e->raw.data, &si[i], sizeof(siginfo_t));
			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			(*out)[(*n)++] = e;
		}
		a.off += got;
	}
}

static int dump_one_thread(struct task *task, struct thread *t, ThreadCore *tc)
{
	static uint8_t xbuf[XSTATE_MAX];
	size_t xlen = sizeof(xbuf);
	struct rseq_config rc = { 0 };
	struct kernel_stack_t ss;
	uint64_t tid_addr = 0;
	void *head = NULL;
	size_t hlen = 0;
	struct sched_param sp;
	char path[64];
	char *comm;
	long r;

	tc->tid = t->vtid;
	tc->regs.len = sizeof(t->regs);
	tc->regs.data = xmalloc(sizeof(t->regs));
	memcpy(tc->regs.data, &t->regs, sizeof(t->regs));
	if (infect_get_xstate(t->tid, xbuf, &xlen))
		return error("pid %d: %s", task->pid, infect_why());
	tc->xstate.len = xlen;
	tc->xstate.data = xmalloc(xlen);
	memcpy(tc->xstate.data, xbuf, xlen);
	tc->sigmask = t->sigmask;
	if (dump_pending(t->tid, false, &tc->pending, &tc->n_pending))
		return -1;

	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, t->tid, sizeof(rc), &rc) < 0)
		return error_errno("pid %d: thread %d: cannot read the rseq registration",
				   task->pid, t->tid);
	tc->rseq_ptr = rc.ptr;
	tc->rseq_len = rc.len;
	tc->rseq_sig = rc.sig;

	if (syscall(SYS_get_robust_list, t->tid, &head, &hlen))
		return error_errno("pid %d: thread %d: cannot read the robust futex list",
				   task->pid, t->tid);
	tc->robust_list = (uint64_t)head;
	tc->robust_len = hlen;

	/* Only the thread itself can tell these. */
	if (task_syscall_ok(task, t, SYS_prctl, "PR_GET_TID_ADDRESS", NULL,
			    PR_GET_TID_ADDRESS, task->scratch, 0, 0, 0, 0) ||
	    infect_read(task->pid, task->scratch, &tid_addr, sizeof(tid_addr)))
		return error("pid %d: thread %d: cannot read clear_child_tid", task->pid, t->tid);
	tc->clear_tid_addr = tid_addr;
	if (task_syscall_ok(task, t, SYS_sigaltstack, "sigaltstack", NULL,
			    0, task->scratch, 0, 0, 0, 0) ||
	    infect_read(task->pid, task->scratch, &ss, sizeof(ss)))
		return error("pid %d: thread %d: cannot read the signal stack", task->pid, t->tid);
	tc->altstack_sp = ss.sp;
	tc->altstack_size = ss.size;
	tc->altstack_flags = ss.flags;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", task->pid, t->tid);
	comm = read_file(path, NULL);
	if (!comm)
		return error_errno("pid %d: cannot read %s", task->pid, path);
	comm[strcspn(comm, "\n")] = 0;
	tc->comm = comm;

	r = sched_getscheduler(t->tid);
	if (r < 0 || sched_getparam(t->tid, &sp))
		return error_errno("pid %d: thread %d: cannot read the scheduling policy",
				   task->pid, t->tid);
	tc->sched_policy = r;
	tc->sched_prio = sp.sched_priority;
	errno = 0;
	r = getpriority(PRIO_PROCESS, t->tid);
	if (r == -1 && errno)
		return error_errno("pid %d: thread %d: cannot read the nice value", task->pid, t->tid);
	tc->nice = r;

	cpu_set_t cpus;
	if (sched_getaffinity(t->tid, sizeof(cpus), &cpus))
		return error_errno("pid %d: thread %d: cannot read its CPU affinity", task->pid,
				   t->tid);
	tc->has_affinity = true;
	tc->affinity.len = sizeof(cpus);
	tc->affinity.data = xmalloc(sizeof(cpus));
	memcpy(tc->affinity.data, &cpus, sizeof(cpus));
	return 0;
}

int dump_threads(struct task *task)
{
	TaskCore *core = task->core;

	core->n_threads = task->nr_threads;
	core->threads = xzalloc(task->nr_threads * sizeof(*core->threads));
	for (size_t i = 0; i < task->nr_threads; i++) {
		ThreadCore *tc = xmalloc(sizeof(*tc));

		thread_core__init(tc);
		core->threads[i] = tc;
		if (dump_one_thread(task, &task->threads[i], tc))
			return -1;
	}
	return 0;
}

int restore_thread_inside(struct task *task, struct thread *t, const ThreadCore *tc)
{
	if (task_syscall_ok(task, t, SYS_set_robust_list, "set_robust_list", NULL,
			    tc->robust_list, tc->robust_len, 0, 0, 0, 0))
		return -1;
	if (task_syscall_ok(task, t, SYS_set_tid_address, "set_tid_address", NULL,
			    tc->clear_tid_addr, 0, 0, 0, 0, 0))
		return -1;
	if (tc->rseq_ptr &&
	    task_syscall_ok(task, t, SYS_rseq, "rseq registration", NULL,
			    tc->rseq_ptr, tc->rseq_len, 0, tc->rseq_sig, 0, 0))
		return -1;
	/* Only a thread may rename itself (/proc/PID/comm refuses others). */
	char name[16] = { 0 };
	strncpy(name, tc->comm, sizeof(name) - 1);
	if (infect_write(task->pid, task->scratch, name, sizeof(name)) ||
	    task_syscall_ok(task, t, SYS_prctl, "PR_SET_NAME", NULL, PR_SET_NAME, task->scratch,
			    0, 0, 0, 0))
		return error("pid %d: thread %d: cannot set its name", task->pid, t->tid);
	if (!(tc->altstack_flags & SS_DISABLE)) {
		struct kernel_stack_t ss = { tc->altstack_sp, tc->altstack_flags & SS_AUTODISARM,
					     0, tc->altstack_size };

		if (infect_write(task->pid, task->scratch, &ss, sizeof(ss)))
			return error("pid %d: %s", task->pid, infect_why());
		if (task_syscall_ok(task, t, SYS_sigaltstack, "sigaltstack", NULL,
				    task->scratch, 0, 0, 0, 0, 0))
			return -1;
	}
	return 0;
}

int restore_thread_signals(struct task *task, struct thread *t, const ThreadCore *tc)
{
	for (size_t i = 0; i < tc->n_pending; i++) {
		const siginfo_t *si = (const void *)tc->pending[i]->raw.data;

		if (tc->pending[i]->raw.len != sizeof(siginfo_t))
			return error("pid %d: thread %d: bad pending signal record", task->pid, t->tid);
		if (infect_write(task->pid, task->scratch, si, sizeof(*si)))
			return error("pid %d: %s", task->pid, infect_why());
		/* From the thread itself, so that any si_code is allowed. */
		if (task_syscall_ok(task, t, SYS_rt_tgsigqueueinfo, "queue a pending signal", NULL,
				    task->vpid, t->vtid, si->si_signo, task->scratch, 0, 0))
			return -1;
	}
	return 0;
}

int restore_thread_outside(struct task *task, const struct thread *t, const ThreadCore *tc)
{
	struct sched_param sp = { .sched_priority = tc->sched_prio };
	if (sched_setscheduler(t->tid, tc->sched_policy, &sp))
		return error_errno("pid %d: thread %d: cannot set scheduling policy %d", task->pid,
				   t->tid, tc->sched_policy);
	if (setpriority(PRIO_PROCESS, t->tid, tc->nice))
		return error_errno("pid %d: thread %d: cannot set nice value %d", task->pid,
				   t->tid, tc->nice);
	if (tc->has_affinity &&
	    sched_setaffinity(t->tid, tc->affinity.len, (cpu_set_t *)tc->affinity.data))
		return error_errno("pid %d: thread %d: cannot set its CPU affinity", task->pid,
				   t->tid);
	return 0;
}

int restore_thread_regs(struct task *task, struct thread *t, const ThreadCore *tc)
{
	struct user_regs_struct regs;

	if (tc->regs.len != sizeof(regs))
		return error("pid %d: thread %d: bad register record", task->pid, t->tid);
	memcpy(&regs, tc->regs.data, sizeof(regs));
	/* The thread was interrupted, as if by a signal; the restart_block of
	 * an interrupted nanosleep did not survive, so that one gets EINTR. */
	infect_fixup_restart(&regs, 0);
	if (infect_set_xstate(t->tid, tc->xstate.data, tc->xstate.len) ||
	    infect_set_regs(t->tid, &regs) ||
	    infect_set_sigmask(t->tid, tc->sigmask))
		return error("pid %d: %s", task->pid, infect_why());
	return 0;
}
