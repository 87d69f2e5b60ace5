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

/*
 * prlimit() on another user's process needs CAP_SYS_RESOURCE, which root may
 * lack (it does on this machine); /proc/PID/limits tells the same to anyone
 * who may ptrace it.  Its lines follow the RLIMIT_* order:
 *   "Max open files            1024                 1048576              files"
 * with the soft limit at column 26 and the hard one at column 47.
 */
static uint64_t parse_limit(const char *s)
{
	while (*s == ' ')
		s++;
	return !strncmp(s, "unlimited", 9) ? RLIM_INFINITY : strtoull(s, NULL, 10);
}

int proc_parse_limits_text(const char *text, uint64_t cur[], uint64_t max[])
{
	const char *line = strchr(text, '\n');	/* skip the header */
	int res = 0;

	while (line && line[1] && res < RLIM_NLIMITS) {
		const char *end;

		line++;
		end = strchr(line, '\n');
		if ((end ? (size_t)(end - line) : strlen(line)) < 47)
			return -1;
		cur[res] = parse_limit(line + 26);
		max[res] = parse_limit(line + 47);
		res++;
		line = strchr(line, '\n');
	}
	return res == RLIM_NLIMITS ? 0 : -1;
}

static int dump_rlimits(struct task *task)
{
	TaskCore *core = task->core;
	uint64_t cur[RLIM_NLIMITS], max[RLIM_NLIMITS];
	char path[64];
	char *text;

	snprintf(path, sizeof(path), "/proc/%d/limits", task->pid);
	text = read_file(path, NULL);
	if (!text)
		return error_errno("pid %d: cannot read %s", task->pid, path);
	if (proc_parse_limits_text(text, cur, max)) {
		free(text);
		return error("pid %d: cannot parse %s", task->pid, path);
	}
	free(text);
	core->n_rlimits = RLIM_NLIMITS;
	core->rlimits = xmalloc(RLIM_NLIMITS * sizeof(*core->rlimits));
	for (int res = 0; res < RLIM_NLIMITS; res++) {
		RlimitEntry *e = xmalloc(sizeof(*e));

		rlimit_entry__init(e);
		core->rlimits[res] = e;
		e->resource = res;
		e->cur = cur[res];
		e->max = max[res];
	}
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

	if (dump_rlimits(task))
		return -1;

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
	if (task_syscall_ok(task, leader, SYS_prctl, "PR_GET_CHILD_SUBREAPER", NULL,
			    PR_GET_CHILD_SUBREAPER, task->scratch, 0, 0, 0, 0) ||
	    infect_read(task->pid, task->scratch, &sig, sizeof(sig)))
		return error("pid %d: cannot read whether it is a child subreaper", task->pid);
	core->has_child_subreaper = true;
	core->child_subreaper = sig != 0;
	return dump_mm_fields(task, &st);
}

/* From inside the task (prlimit on another process needs CAP_SYS_RESOURCE),
 * before its credentials change. */
int restore_rlimits(struct task *task)
{
	const TaskCore *core = task->core;
	struct thread *leader = &task->threads[0];

	for (size_t i = 0; i < core->n_rlimits; i++) {
		const RlimitEntry *e = core->rlimits[i];
		struct rlimit rl = { e->cur, e->max };

		if (infect_write(task->pid, task->scratch, &rl, sizeof(rl)))
			return error("pid %d: %s", task->pid, infect_why());
		if (task_syscall_ok(task, leader, SYS_prlimit64, "setrlimit", NULL, 0, e->resource,
				    task->scratch, 0, 0, 0))
			return error("pid %d: cannot set rlimit %u to %llu/%llu (raising a hard "
				     "limit needs CAP_SYS_RESOURCE)", task->pid, e->resource,
				     (unsigned long long)e->cur, (unsigned long long)e->max);
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
