#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "infect.h"
#include "log.h"
#include "proc.h"
#include "seize.h"
#include "util.h"

#define PF_KTHREAD 0x00200000

int check_dumpable(pid_t pid)
{
	struct proc_stat st;
	struct proc_status ps;
	char path[64];

	if (pid <= 0)
		return error("invalid pid %d", pid);
	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (access(path, F_OK))
		return error("no process with pid %d", pid);
	if (proc_parse_stat(pid, 0, &st))
		return -1;
	if (st.flags & PF_KTHREAD)
		return error("pid %d is a kernel thread", pid);
	if (st.state == 'Z')
		return error("pid %d is a zombie", pid);
	for (pid_t p = getpid(); p > 1; ) {
		struct proc_stat s;

		if (p == pid)
			return error("pid %d is ckpt itself or one of its ancestors", pid);
		if (proc_parse_stat(p, 0, &s))
			break;
		p = s.ppid;
	}
	if (proc_parse_status(pid, &ps))
		return -1;
	proc_free_status(&ps);
	if (ps.tgid != pid)
		return error("pid %d is a thread, not a process (its process is %d)", pid, ps.tgid);
	if (ps.tracer)
		return error("pid %d is already traced by pid %d", pid, ps.tracer);
	if (ps.seccomp)
		return error("pid %d uses seccomp, which ckpt cannot carry yet", pid);
	return 0;
}

static struct thread *find_thread(struct task *task, pid_t tid)
{
	for (size_t i = 0; i < task->nr_threads; i++)
		if (task->threads[i].tid == tid)
			return &task->threads[i];
	return NULL;
}

int seize_task(struct task *task, pid_t pid)
{
	memset(task, 0, sizeof(*task));
	task->pid = pid;

	/* Threads can be born while we seize: rescan until the set is stable. */
	for (int round = 0;; round++) {
		pid_t *tids;
		size_t n;
		bool added = false;

		if (round > 100)
			return error("pid %d: threads keep appearing, cannot freeze it", pid);
		if (proc_list_tids(pid, &tids, &n))
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct thread *t;

			if (find_thread(task, tids[i]))
				continue;
			task->threads = xrealloc(task->threads, (task->nr_threads + 1) * sizeof(*t));
			t = &task->threads[task->nr_threads];
			memset(t, 0, sizeof(*t));
			t->tid = tids[i];
			if (infect_seize(t->tid, 0)) {
				if (errno == ESRCH && t->tid != pid)
					continue;	/* the thread exited meanwhile */
				free(tids);
				if (errno == EPERM)
					return error("pid %d: no permission to trace it (%s)", pid,
						     infect_why());
				return error("pid %d: cannot freeze thread %d: %s", pid, t->tid,
					     infect_why());
			}
			t->seized = true;
			task->nr_threads++;
			added = true;
			if (infect_get_regs(t->tid, &t->regs) ||
			    infect_get_sigmask(t->tid, &t->sigmask)) {
				free(tids);
				return error("pid %d: %s", pid, infect_why());
			}
		}
		free(tids);
		if (!added)
			break;
	}
	/* Drop threads that exited after we seized them: a wait says so. */
	for (size_t i = 0; i < task->nr_threads; i++) {
		int status;

		if (waitpid(task->threads[i].tid, &status, __WALL | WNOHANG) ==
		    task->threads[i].tid && (WIFEXITED(status) || WIFSIGNALED(status)))
			return error("pid %d: thread %d exited while being frozen", pid,
				     task->threads[i].tid);
	}
	return 0;
}

static void kill_and_reap(struct task *task)
{
	kill(task->pid, SIGKILL);
	/* Reap the other threads before the leader, or the wait hangs. */
	for (size_t i = 1; i < task->nr_threads; i++)
		if (task->threads[i].seized)
			while (waitpid(task->threads[i].tid, NULL, __WALL) < 0 && errno == EINTR)
				;
	if (task->nr_threads && task->threads[0].seized)
		while (waitpid(task->pid, NULL, __WALL) < 0 && errno == EINTR)
			;
}

int end_injection(struct task *task)
{
	int ret = 0;

	for (size_t i = 0; i < task->nr_threads; i++) {
		struct thread *t = &task->threads[i];
		struct user_regs_struct regs = t->regs;

		if (!t->seized || !t->injected)
			continue;
		/* We leave it at a syscall-exit stop, where the kernel will not
		 * restart an interrupted call for it: we do what it would. */
		infect_fixup_restart(&regs, 1);
		if (infect_set_regs(t->tid, &regs) || infect_set_sigmask(t->tid, t->sigmask))
			ret = error("pid %d: cannot put back thread %d: %s", task->pid, t->tid,
				    infect_why());
		else
			t->injected = false;
	}
	return ret;
}

int unseize_task(struct task *task, bool kill)
{
	int ret = 0;

	if (kill) {
		kill_and_reap(task);
		return 0;
	}
	if (end_injection(task))
		ret = -1;
	for (size_t i = 0; i < task->nr_threads; i++) {
		struct thread *t = &task->threads[i];

		if (!t->seized)
			continue;
		if (infect_detach(t->tid))
			ret = error("pid %d: %s", task->pid, infect_why());
		t->seized = false;
	}
	return ret;
}
