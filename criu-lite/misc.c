/*
 * Small per-process state: rlimits, cwd and root, umask, personality, the mm
 * fields that PR_SET_MM_MAP takes, and a few prctl bits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "infect.h"
#include "log.h"
#include "objects.h"
#include "proc.h"
#include "util.h"

static char *read_link(pid_t pid, const char *what)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0) {
		error_errno("pid %d: cannot read %s", pid, path);
		return NULL;
	}
	buf[n] = 0;
	return xstrdup(buf);
}

static int dump_mm_fields(struct task *task, const struct proc_stat *st)
{
	MmFields *mm = xmalloc(sizeof(*mm));
	char path[64];
	long brk;

	mm_fields__init(mm);
	task->core->mm = mm;
	mm->start_code = st->start_code;
	mm->end_code = st->end_code;
	mm->start_data = st->start_data;
	mm->end_data = st->end_data;
	mm->start_brk = st->start_brk;
	mm->start_stack = st->start_stack;
	mm->arg_start = st->arg_start;
	mm->arg_end = st->arg_end;
	mm->env_start = st->env_start;
	mm->env_end = st->env_end;
	/* The current brk is in no /proc file. */
	if (task_syscall_ok(task, &task->threads[0], SYS_brk, "brk", &brk, 0, 0, 0, 0, 0, 0))
		return -1;
	mm->brk = brk;
	snprintf(path, sizeof(path), "/proc/%d/auxv", task->pid);
	mm->auxv.data = (uint8_t *)read_file(path, &mm->auxv.len);
	if (!mm->auxv.data)
		return error_errno("pid %d: cannot read %s", task->pid, path);
	mm->exe = read_link(task->pid, "exe");
	if (!mm->exe)
		return -1;
	if (strlen(mm->exe) > 10 && !strcmp(mm->exe + strlen(mm->exe) - 10, " (deleted)"))
		return error("pid %d: its executable '%s' was deleted", task->pid, mm->exe);
	return 0;
}

int dump_misc(struct task *task)
{
	TaskCore *core = task->core;
	struct thread *leader = &task->threads[0];
	struct proc_stat st;
	struct proc_status ps;
	char path[64];
	char *text;
	long r;

	if (proc_parse_stat(task->pid, 0, &st) || proc_parse_status(task->pid, &ps))
		return -1;
	proc_free_status(&ps);
	core->comm = xstrdup(st.comm);
	core->exit_signal = st.exit_signal;
	core->umask = ps.umask;

	core->n_rlimits = RLIM_NLIMITS;
	core->rlimits = xmalloc(RLIM_NLIMITS * sizeof(*core->rlimits));
	for (int res = 0; res < RLIM_NLIMITS; res++) {
		RlimitEntry *e = xmalloc(sizeof(*e));
		struct rlimit rl;

		rlimit_entry__init(e);
		core->rlimits[res] = e;
		if (prlimit(task->pid, res, NULL, &rl))
			return error_errno("pid %d: cannot read rlimit %d", task->pid, res);
		e->resource = res;
		e->cur = rl.rlim_cur;
		e->max = rl.rlim_max;
	}

	core->cwd = read_link(task->pid, "cwd");
	core->root = read_link(task->pid, "root");
	if (!core->cwd || !core->root)
		return -1;

	snprintf(path, sizeof(path), "/proc/%d/personality", task->pid);
	text = read_file(path, NULL);
	if (!text)
		return error_errno("pid %d: cannot read %s", task->pid, path);
	core->personality = strtoul(text, NULL, 16);
	free(text);

	if (task_syscall_ok(task, leader, SYS_prctl, "PR_GET_DUMPABLE", &r,
			    PR_GET_DUMPABLE, 0, 0, 0, 0, 0))
		return -1;
	core->dumpable = r;
	int sig = 0;
	if (task_syscall_ok(task, leader, SYS_prctl, "PR_GET_PDEATHSIG", NULL,
			    PR_GET_PDEATHSIG, task->scratch, 0, 0, 0, 0) ||
	    infect_read(task->pid, task->scratch, &sig, sizeof(sig)))
		return error("pid %d: cannot read the parent-death signal", task->pid);
	core->pdeath_sig = sig;
	return dump_mm_fields(task, &st);
}

int restore_rlimits(struct task *task)
{
	const TaskCore *core = task->core;

	for (size_t i = 0; i < core->n_rlimits; i++) {
		const RlimitEntry *e = core->rlimits[i];
		struct rlimit rl = { e->cur, e->max }, now;

		if (prlimit(task->pid, e->resource, NULL, &now))
			return error_errno("pid %d: cannot read rlimit %u", task->pid, e->resource);
		if (now.rlim_cur == rl.rlim_cur && now.rlim_max == rl.rlim_max)
			continue;
		if (prlimit(task->pid, e->resource, &rl, NULL))
			return error_errno("pid %d: cannot set rlimit %u to %llu/%llu", task->pid,
					   e->resource, (unsigned long long)e->cur,
					   (unsigned long long)e->max);
	}
	return 0;
}

int restore_misc_inside(const TaskCore *core, char *err, size_t errlen)
{
	if (strcmp(core->root, "/") && chroot(core->root)) {
		snprintf(err, errlen, "cannot change root to '%s': %s", core->root, strerror(errno));
		return -1;
	}
	if (chdir(core->cwd)) {
		snprintf(err, errlen, "cannot change directory to '%s': %s", core->cwd,
			 strerror(errno));
		return -1;
	}
	umask(core->umask);
	if (personality(core->personality) == -1) {
		snprintf(err, errlen, "cannot set personality %#x: %s", core->personality,
			 strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_PDEATHSIG, core->pdeath_sig, 0, 0, 0)) {
		snprintf(err, errlen, "cannot set the parent-death signal: %s", strerror(errno));
		return -1;
	}
	return 0;
}
