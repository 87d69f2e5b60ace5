#include <errno.h>
#include <stdarg.h>

#include "infect.h"
#include "log.h"
#include "task.h"

int task_syscall(struct task *task, struct thread *t, long nr, long *ret,
		 long a0, long a1, long a2, long a3, long a4, long a5)
{
	long args[6] = { a0, a1, a2, a3, a4, a5 };
	uint64_t ip = task->syscall_ip;

	if (task->retpath && !t->retpath_ready) {
		struct user_regs_struct regs = t->regs;

		infect_fixup_restart(&regs, 1);
		if (infect_retpath_write(task->pid, task->retpath + (t - task->threads) *
					 INFECT_RETPATH_MAX, &regs, t->sigmask))
			return error("pid %d: %s", task->pid, infect_why());
		t->retpath_ready = true;
	}
	if (task->retpath)
		ip = task->retpath + (t - task->threads) * INFECT_RETPATH_MAX;
	if (!t->injected) {
		uint64_t mask;

		/* Past its return path's own `syscall` first: should ckpt die
		 * before the call is set up, the thread puts back its mask and
		 * registers there, and does not go on with every signal blocked. */
		if (task->retpath) {
			struct user_regs_struct regs = t->regs;

			regs.rip = ip + 2;
			regs.orig_rax = -1;	/* no restart of its own call there */
			if (infect_set_regs(t->tid, &regs))
				return error("pid %d: %s", task->pid, infect_why());
		}
		/* (from here on its registers must be put back) */
		t->injected = true;
		/* No signal may be delivered to the borrowed registers. */
		if (infect_block_all(t->tid, &mask))
			return error("pid %d: %s", task->pid, infect_why());
	}
	if (infect_syscall(t->tid, ip, nr, args, ret, NULL))
		return error("pid %d: remote system call %ld failed: %s", task->pid, nr, infect_why());
	return 0;
}

int task_syscall_ok(struct task *task, struct thread *t, long nr, const char *what, long *ret,
		    long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r;

	if (task_syscall(task, t, nr, &r, a0, a1, a2, a3, a4, a5))
		return -1;
	if (r < 0 && r > -4096) {
		errno = -r;
		return error_errno("pid %d: thread %d: %s", task->pid, t->tid, what);
	}
	if (ret)
		*ret = r;
	return 0;
}

void task_boot_retpath(struct task *task, bool on)
{
	if (!task->boot_retpath)
		return;
	task->threads[0].retpath_ready = false;
	if (on) {
		task->retpath = task->boot_retpath;
		return;
	}
	if (infect_clear_forced(task->pid, task->boot_retpath, INFECT_RETPATH_MAX))
		pr_debug("pid %d: %s", task->pid, infect_why());
	task->retpath = 0;
}
