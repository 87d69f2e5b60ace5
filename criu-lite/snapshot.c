#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "infect.h"
#include "log.h"
#include "proc.h"
#include "seize.h"
#include "snapshot.h"
#include "util.h"

/* In the scratch area's data page, past what the other remote calls use. */
#define FORKPATH_OFF	(PAGE_SIZE - 128)
#define NAME_OFF	(PAGE_SIZE - 32)

bool snapshot_possible(const struct task *task)
{
	for (size_t i = 0; i < task->mm->n_vmas; i++) {
		const VmaEntry *e = task->mm->vmas[i];

		if (e->madv & (VMF_DONTCOPY | VMF_WIPEONFORK)) {
			pr_info("pid %d: area %#lx-%#lx is left out of a fork (MADV_DONTFORK or "
				"MADV_WIPEONFORK): no snapshot, its pages are copied while it is "
				"frozen", task->pid, (unsigned long)e->start, (unsigned long)e->end);
			return false;
		}
	}
	return true;
}

/* Copying a page while frozen costs about this many times what the fork
 * costs for one resident page.  Measured here: the fork about 22 ms per
 * GiB resident; the copy 1.2 s per GiB in bulk, 3 s per GiB of the pages an
 * incremental dump stores (83 MiB of 4 GiB: frozen 0.37 s, with a snapshot
 * 0.15 s). */
#define COPY_VS_FORK 128

bool snapshot_worth_it(const struct task *task)
{
	char path[64], *s;
	unsigned long size, resident = 0;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/statm", task->pid);
	s = read_file(path, &len);
	if (!s || sscanf(s, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	free(s);
	if (task->mm->pages_bytes * COPY_VS_FORK >= (uint64_t)resident * PAGE_SIZE)
		return true;
	pr_info("pid %d: %lu KiB to copy of %lu KiB resident: copied while frozen, quicker than "
		"a snapshot", task->pid, (unsigned long)(task->mm->pages_bytes >> 10),
		resident * PAGE_SIZE >> 10);
	return false;
}

/* The child of pid that is vpid in pid's namespace, as ckpt numbers it. */
static pid_t child_of(pid_t pid, pid_t vpid)
{
	pid_t *kids, found = 0;
	size_t n;

	if (proc_list_children(pid, &kids, &n))
		return 0;
	for (size_t i = 0; i < n && !found; i++)
		if (proc_nspid(kids[i], 0) == vpid)
			found = kids[i];
	free(kids);
	return found;
}

/* A remote call in the snapshot, at its vdso's `syscall`: no return path,
 * it never runs on (it dies with ckpt). */
static int snap_call(const struct task *task, long nr, long a0, long a1, long a2, long *r)
{
	long args[6] = { a0, a1, a2, 0, 0, 0 };

	return infect_syscall(task->snap_pid, task->syscall_ip, nr, args, r, NULL);
}

int snapshot_take(struct task *task)
{
	struct thread *t = &task->threads[0];
	uint64_t code = task->scratch + FORKPATH_OFF, name = task->scratch + NAME_OFF;
	struct user_regs_struct regs;
	long r, args[6] = { CLONE_PTRACE, 0, 0, 0, 0, 0 };	/* no exit signal */

	if (!task->scratch || !task->retpath)
		return 1;
	/* The leader's return path written, its signals blocked. */
	if ((!t->retpath_ready || !t->injected) &&
	    task_syscall_ok(task, t, SYS_getpid, "getpid", NULL, 0, 0, 0, 0, 0, 0))
		return -1;
	if (infect_forkpath_write(task->pid, code, task->retpath) ||
	    infect_write(task->pid, name, SNAPSHOT_COMM, sizeof(SNAPSHOT_COMM)))
		return error("pid %d: %s", task->pid, infect_why());
	/* CLONE_PTRACE: traced by us, the child stops before it runs a thing;
	 * no exit signal: no SIGCHLD for the process, and a plain wait() of
	 * its never sees the child. */
	if (infect_syscall(t->tid, code, SYS_clone, args, &r, NULL))
		return error("pid %d: remote clone failed: %s", task->pid, infect_why());
	if (r < 0) {
		pr_info("pid %d: no snapshot (clone: %s): its pages are copied while it is frozen",
			task->pid, strerror(-r));
		return 1;
	}
	task->snap_vpid = r;
	task->snap_pid = child_of(task->pid, r);
	if (!task->snap_pid) {
		pr_warn("pid %d: its snapshot %ld is not among its children", task->pid, r);
		return 1;	/* (not ours to kill; it exits if it ever runs) */
	}
	r = 0;
	if (infect_wait_new(task->snap_pid) ||
	    ptrace(PTRACE_SETOPTIONS, task->snap_pid, 0,
		   PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD) ||
	    infect_get_regs(task->snap_pid, &regs) ||
	    snap_call(task, SYS_prctl, PR_SET_NAME, name, 0, &r) ||
	    /* its copies of the fds would keep pipes, sockets and locks the
	     * process closes meanwhile open */
	    snap_call(task, SYS_close_range, 0, ~0U, 0, &r) ||
	    (r && r != -ENOSYS) ||
	    /* back where it exits, should it ever run */
	    infect_set_regs(task->snap_pid, &regs)) {
		pr_warn("pid %d: its snapshot %d failed (%s): its pages are copied while it is "
			"frozen", task->pid, task->snap_pid, r ? strerror(-r) : infect_why());
		snapshot_drop(task);
		return 1;
	}
	pr_debug("pid %d: snapshot %d", task->pid, task->snap_pid);
	return 0;
}

/* wait4(vpid, NULL, __WALL | WNOHANG) in task's leader: seized already, or
 * seized for the one call. */
static void reap_in(struct task *task, pid_t vpid)
{
	struct thread *t = &task->threads[0];
	bool seize = !t->seized;
	long r = 0;

	if (seize) {
		t->retpath_ready = t->injected = false;
		if (infect_seize(t->tid, 0)) {
			pr_warn("pid %d: cannot stop it to reap its snapshot %d: %s", task->pid, vpid,
				infect_why());
			return;
		}
		t->seized = true;
		if (infect_get_regs(t->tid, &t->regs) || infect_get_sigmask(t->tid, &t->sigmask))
			goto out;
	}
	/* Without a scratch area: the return path in the vdso's spare room. */
	bool boot = !task->scratch;
	if (boot)
		task_boot_retpath(task, true);
	if (task_syscall(task, t, SYS_wait4, &r, vpid, 0, __WALL | WNOHANG, 0, 0, 0) || r != vpid)
		pr_warn("pid %d: its snapshot %d was not reaped (%s)", task->pid, vpid,
			r < 0 ? strerror(-r) : "not there");
	if (boot) {
		if (end_injection_from(task, 0) == 0)
			task_boot_retpath(task, false);
		task->retpath = 0;
	}
out:
	if (seize) {
		end_injection_from(task, 0);
		if (infect_detach(t->tid))
			pr_warn("pid %d: %s", task->pid, infect_why());
		t->seized = false;
	}
}

void snapshot_drop(struct task *task)
{
	int status;

	if (!task->snap_pid)
		return;
	kill(task->snap_pid, SIGKILL);
	/* As its tracer first: only then is it its parent's zombie. */
	while (waitpid(task->snap_pid, &status, __WALL) < 0 && errno == EINTR)
		;
	task->snap_pid = 0;
	reap_in(task, task->snap_vpid);
	task->snap_vpid = 0;
}

bool snapshot_is_stale(pid_t pid)
{
	struct proc_stat st;

	if (proc_parse_stat(pid, 0, &st)) {
		clear_error();
		return false;
	}
	return st.state == 'Z' && st.exit_signal == 0 && !strcmp(st.comm, SNAPSHOT_COMM);
}

void snapshot_reap_stale(struct task *task)
{
	pid_t *kids;
	size_t n;

	if (proc_list_children(task->pid, &kids, &n)) {
		clear_error();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		pid_t vpid;

		if (!snapshot_is_stale(kids[i]) || (vpid = proc_nspid(kids[i], 0)) <= 0)
			continue;
		pr_info("pid %d: reaping the snapshot %d that a ckpt which died left", task->pid,
			kids[i]);
		reap_in(task, vpid);
	}
	free(kids);
}
