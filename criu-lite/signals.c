/*
 * Signal dispositions and process-wide pending signals.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/syscall.h>

#include "infect.h"
#include "log.h"
#include "objects.h"
#include "proc.h"
#include "util.h"

#define NSIG_KERNEL 64

struct kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

int dump_signals(struct task *task)
{
	TaskCore *core = task->core;
	struct thread *leader = &task->threads[0];

	struct proc_status ps;
	uint64_t ask;

	/* Ask only for the signals that are caught or ignored, and SIGCHLD
	 * (whose flags matter even at SIG_DFL: SA_NOCLDWAIT): the flags of other
	 * default actions change nothing, and each question is a remote call. */
	if (proc_parse_status(task->pid, &ps))
		return -1;
	proc_free_status(&ps);
	ask = ps.sig_cgt | ps.sig_ign | (1ULL << (SIGCHLD - 1));
	core->sigactions = xzalloc(NSIG_KERNEL * sizeof(*core->sigactions));
	for (int sig = 1; sig <= NSIG_KERNEL; sig++) {
		struct kernel_sigaction ka;
		SigactionEntry *e;

		if (sig == SIGKILL || sig == SIGSTOP || !(ask & (1ULL << (sig - 1))))
			continue;
		/* No /proc file tells the handler: ask the task. */
		if (task_syscall_ok(task, leader, SYS_rt_sigaction, "rt_sigaction", NULL,
				    sig, 0, task->scratch, 8, 0, 0) ||
		    infect_read(task->pid, task->scratch, &ka, sizeof(ka)))
			return error("pid %d: cannot read the action of signal %d", task->pid, sig);
		if (ka.handler == (uint64_t)SIG_DFL && !ka.flags && !ka.mask)
			continue;
		e = xmalloc(sizeof(*e));
		sigaction_entry__init(e);
		e->sig = sig;
		e->handler = ka.handler;
		e->flags = ka.flags;
		e->restorer = ka.restorer;
		e->mask = ka.mask;
		core->sigactions[core->n_sigactions++] = e;
	}

	return dump_pending(task->pid, true, &core->shared_pending, &core->n_shared_pending);
}

/* Runs in the new child, with every signal blocked: raw rt_sigaction keeps
 * the saved sa_restorer, which glibc's sigaction() would replace. */
int restore_sigactions_inside(const TaskCore *core)
{
	/* What the restorer itself installed must not stay. */
	for (int sig = 1; sig <= NSIG_KERNEL; sig++) {
		struct kernel_sigaction dfl = { (uint64_t)SIG_DFL, 0, 0, 0 };

		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
	for (size_t i = 0; i < core->n_sigactions; i++) {
		const SigactionEntry *e = core->sigactions[i];
		struct kernel_sigaction ka = { e->handler, e->flags, e->restorer, e->mask };

		if (syscall(SYS_rt_sigaction, e->sig, &ka, NULL, 8))
			return -1;
	}
	return 0;
}

int restore_shared_signals(struct task *task)
{
	const TaskCore *core = task->core;

	for (size_t i = 0; i < core->n_shared_pending; i++) {
		const siginfo_t *si = (const void *)core->shared_pending[i]->raw.data;

		if (core->shared_pending[i]->raw.len != sizeof(siginfo_t))
			return error("pid %d: bad pending signal record", task->pid);
		if (infect_write(task->pid, task->scratch, si, sizeof(*si)))
			return error("pid %d: %s", task->pid, infect_why());
		if (task_syscall_ok(task, &task->threads[0], SYS_rt_sigqueueinfo,
				    "queue a pending signal", NULL,
				    task->vpid, si->si_signo, task->scratch, 0, 0, 0))
			return -1;
	}
	return 0;
}
