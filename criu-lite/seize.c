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
#include "plugins.h"
#include "seize.h"
#include "snapshot.h"
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
	if (ps.tracer) {
		struct proc_stat t;

		if (proc_parse_stat(ps.tracer, 0, &t) == 0 && !strcmp(t.comm, "ckpt")) {
			error("pid %d is being dumped by another ckpt (pid %d); a dump into the "
			      "same store waits for it with --wait", pid, ps.tracer);
			return DUMP_BUSY;
		}
		clear_error();
		return error("pid %d is already traced by pid %d", pid, ps.tracer);
	}
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

/* A process that exits just before or while we seize it gives EPERM (the
 * kernel refuses to attach to a zombie) or ESRCH: a shell's short-lived
 * children do that all the time.  Its parent is frozen already, so if it is
 * a zombie now it stays one, and is dumped as one.  True if it exited (then
 * task->zombie says whether it is a zombie, errno is ESRCH if it is gone). */
static bool exited_meanwhile(struct task *task, pid_t pid)
{
	struct proc_stat st;
	int err = errno;

	if (proc_parse_stat(pid, 0, &st)) {
		clear_error();
		errno = ESRCH;
		return true;
	}
	if (st.state != 'Z') {
		errno = err;
		return false;
	}
	clear_error();
	task->zombie = true;
	task->exit_status = st.exit_code;
	return true;
}

int seize_task(struct task *task, pid_t pid)
{
	struct proc_stat st;

	memset(task, 0, sizeof(*task));
	task->pid = task->vpid = pid;
	if (proc_parse_stat(pid, 0, &st))
		return -1;
	task->ppid = st.ppid;
	task->pgid = st.pgrp;
	task->sid = st.sid;
	if (st.state == 'Z') {
		task->zombie = true;
		task->exit_status = st.exit_code;
		return 0;
	}
	/* Every member of a tree, not only its root. */
	struct proc_status ps;
	if (proc_parse_status(pid, &ps))
		return -1;
	proc_free_status(&ps);
	if (ps.seccomp)
		return error("pid %d uses seccomp, which ckpt cannot carry yet", pid);
	if (ps.tracer && ps.tracer != getpid())
		return error("pid %d is already traced by pid %d", pid, ps.tracer);
	/* (a plugin may stop a device's work while the process still runs) */
	if (plugins_before_freeze(pid)) {
		errno = EIO;	/* not "gone meanwhile" */
		return -1;
	}

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
			t->tid = t->vtid = tids[i];
			if (infect_seize(t->tid, 0)) {
				if (errno == ESRCH && t->tid != pid)
					continue;	/* the thread exited meanwhile */
				if (t->tid == pid && task->nr_threads == 0 && n == 1 &&
				    exited_meanwhile(task, pid)) {
					free(tids);
					return task->zombie ? 0 : -1;
				}
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
	return end_injection_from(task, 0);
}

int end_injection_from(struct task *task, size_t first)
{
	int ret = 0;

	for (size_t i = first; i < task->nr_threads; i++) {
		struct thread *t = &task->threads[i];
		struct user_regs_struct regs = t->regs;

		if (!t->seized || !t->injected)
			continue;
		/* We leave it at a syscall-exit stop, where the kernel will not
		 * restart an interrupted call for it: we do what it would. */
		infect_fixup_restart(&regs, 1);
		/* The mask first: until its registers are back, its return path
		 * would put the mask back too, should ckpt die. */
		if (infect_set_sigmask(t->tid, t->sigmask) || infect_set_regs(t->tid, &regs))
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

static bool in_tree(const struct tree *tree, pid_t pid)
{
	for (size_t i = 0; i < tree->nr; i++)
		if (tree->tasks[i].pid == pid)
			return true;
	return false;
}

/* Seize the children of pid not in the tree yet.  1 if it added any, 0 if
 * not, -1 on failure. */
static int seize_children(struct tree *tree, pid_t pid)
{
	pid_t *kids;
	size_t n;
	int added = 0;

	if (proc_list_children(pid, &kids, &n))
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct task *t;

		/* a snapshot of a ckpt that died is no child of the program's */
		if (in_tree(tree, kids[k]) || snapshot_is_stale(kids[k]))
			continue;
		tree->tasks = xrealloc(tree->tasks, (tree->nr + 1) * sizeof(*t));
		t = &tree->tasks[tree->nr];
		if (seize_task(t, kids[k])) {
			if (errno == ESRCH)
				continue;	/* gone meanwhile */
			free(kids);
			tree->nr++;	/* what it seized must be let go */
			return -1;
		}
		tree->nr++;
		added = 1;
	}
	free(kids);
	return added;
}

/* The numbers the tasks have in their own pid namespace. */
static int find_vpids(struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++) {
		struct task *task = &tree->tasks[i];

		task->vpid = proc_nspid(task->pid, 0);
		if (task->vpid <= 0)
			return error("pid %d: cannot read its pid in its namespace", task->pid);
		for (size_t t = 0; t < task->nr_threads; t++) {
			task->threads[t].vtid = proc_nspid(task->pid, task->threads[t].tid);
			if (task->threads[t].vtid <= 0)
				return error("pid %d: cannot read the id of thread %d in its "
					     "namespace", task->pid, task->threads[t].tid);
		}
	}
	return 0;
}

/* The job of a ckpt init is its child with the lowest pid there (PID 2
 * from `ckpt run`, kept by every restore); orphans that came to the init
 * later have higher ones.  It goes first: tasks[0] is the root. */
static void put_job_first(struct tree *tree, pid_t init)
{
	size_t job = 0;

	for (size_t i = 1; i < tree->nr; i++)
		if (tree->tasks[i].ppid == init && !tree->tasks[i].zombie &&
		    (tree->tasks[job].zombie || tree->tasks[i].vpid < tree->tasks[job].vpid))
			job = i;
	if (job) {
		struct task t = tree->tasks[job];

		/* the others keep their order: parents stay before children */
		memmove(&tree->tasks[1], &tree->tasks[0], job * sizeof(t));
		tree->tasks[0] = t;
	}
}

int seize_tree(struct tree *tree, pid_t root, const struct pidns_target *ns)
{
	/* The init of a ckpt namespace stays out: its children are the tree. */
	bool skip_root = ns->mode == PIDNS_CKPT_INIT;
	int r;

	tree->pidns = ns->mode;
	tree->ns_init = ns->init;
	shared_entry__init(&tree->shared);
	if (skip_root) {
		root = ns->init;
		r = seize_children(tree, root);
		if (r < 0)
			return -1;
		if (r == 0)
			return error("the pid namespace of ckpt's init %d holds no process", root);
	} else {
		tree->tasks = xzalloc(sizeof(*tree->tasks));
		tree->nr = 1;
		if (seize_task(&tree->tasks[0], root))
			return -1;
		tree->tasks[0].ppid = 0;
	}
	/* Children can be born until their parent is frozen (and orphans come
	 * to a running init): scan again until a whole round finds nobody new.
	 * Parents stay before children. */
	for (bool added = true; added; ) {
		added = false;
		if (skip_root) {
			if ((r = seize_children(tree, root)) < 0)
				return -1;
			added |= r;
		}
		for (size_t i = 0; i < tree->nr; i++) {
			if (tree->tasks[i].zombie)
				continue;
			if ((r = seize_children(tree, tree->tasks[i].pid)) < 0)
				return -1;
			added |= r;
		}
	}
	if (ns->mode && find_vpids(tree))
		return -1;
	if (skip_root)
		put_job_first(tree, root);
	return 0;
}

int unseize_tree(struct tree *tree, bool kill_it)
{
	int ret = 0;

	if (kill_it) {
		/* All at once, then reap what we traced. */
		for (size_t i = 0; i < tree->nr; i++)
			if (!tree->tasks[i].zombie)
				kill(tree->tasks[i].pid, SIGKILL);
	}
	/* Children before parents: the init of a pid namespace dies only
	 * after its children were reaped, and we trace (and reap) them first. */
	for (size_t n = tree->nr; n-- > 0; )
		if (!tree->tasks[n].zombie && unseize_task(&tree->tasks[n], kill_it))
			ret = -1;
	return ret;
}
