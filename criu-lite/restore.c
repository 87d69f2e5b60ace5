/*
 * ckpt restore: the top-level steps.
 *
 * Everything is read and checked before anything is created.  Then:
 *   1. clone3 with set_tid makes the process with its old PID; while it still
 *      runs restorer code (a copy of ours) it opens its files, sets cwd,
 *      session, sigactions, maps the trampoline page and stops itself;
 *   2. we drive it through system calls run at the trampoline: memory (see
 *      mm-restore.c), threads with their old TIDs, per-thread state, timers,
 *      credentials, pending signals, and last the registers;
 *   3. we let it go; without --detach we wait and pass on its exit status.
 * Any failure kills what was made (PTRACE_O_EXITKILL covers our own death).
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "exitcodes.h"
#include "image.h"
#include "infect.h"
#include "log.h"
#include "mm.h"
#include "objects.h"
#include "proc.h"
#include "restore.h"
#include "store.h"
#include "util.h"
#include "xsave.h"

#define TRAMP_LEN	(16 * PAGE_SIZE)
#define SCRATCH_OFF	PAGE_SIZE	/* code in the first page, data after */

/* What the new child needs, prepared before it exists. */
struct plan {
	pid_t pid;
	const PstreeTask *pt;
	TaskCore *core;
	MmEntry *mm;
	FilesEntry *files;
	int vdfd;
	char pages_name[64];

	uint64_t tramp;
	int fd_base;		/* helper fds live at fd_base + i in the child */
	size_t nr_helpers;	/* 0: pages, 1: exe, 2..: files of mappings */
	char **helper_path;
	int *helper_flags;
	int *vma_helper;	/* per vma: helper index, or -1 */

	int sync[2];
	char *child_err;	/* shared with the child: why it gave up */
};

#define CHILD_ERR_LEN 512

static int load_images(struct plan *p, int vdfd, const Inventory *inv, Pstree **treep)
{
	char name[64];
	Pstree *tree = img_read(vdfd, "pstree.img", IMG_PSTREE, &pstree__descriptor);

	if (!tree)
		return -1;
	*treep = tree;
	if (tree->n_tasks != 1 || tree->tasks[0]->pid != inv->root_pid)
		return error("the process tree image does not match the inventory");
	p->pt = tree->tasks[0];
	p->pid = p->pt->pid;
	snprintf(name, sizeof(name), "core-%d.img", p->pid);
	p->core = img_read(vdfd, name, IMG_CORE, &task_core__descriptor);
	snprintf(name, sizeof(name), "mm-%d.img", p->pid);
	p->mm = p->core ? img_read(vdfd, name, IMG_MM, &mm_entry__descriptor) : NULL;
	snprintf(name, sizeof(name), "files-%d.img", p->pid);
	p->files = p->mm ? img_read(vdfd, name, IMG_FILES, &files_entry__descriptor) : NULL;
	if (!p->files)
		return -1;
	snprintf(p->pages_name, sizeof(p->pages_name), "pages-%d.img", p->pid);
	if (p->core->n_threads < 1 || p->core->n_threads != p->pt->n_threads || !p->core->creds ||
	    !p->core->mm)
		return error("image 'core-%d.img' is inconsistent with the process tree", p->pid);
	return 0;
}

/* Machine checks: the CPU, the PIDs, the files the memory maps. */
static int check_machine(const struct plan *p, const Inventory *inv)
{
	uint64_t have = xsave_features();
	char path[64];

	/* Restore must never give anyone rights: an unprivileged caller may only
	 * bring back processes that ran as itself. */
	if (geteuid() != 0) {
		const CredsEntry *cr = p->core->creds;

		for (size_t i = 0; i < cr->n_uid; i++)
			if (cr->uid[i] != getuid())
				return error("the checkpoint ran as uid %u; only root may restore it",
					     cr->uid[i]);
		for (size_t i = 0; i < cr->n_gid; i++)
			if (cr->gid[i] != getgid())
				return error("the checkpoint ran as gid %u; only root may restore it",
					     cr->gid[i]);
		if (cr->cap_prm)
			return error("the checkpoint holds capabilities; only root may restore it");
	}
	if ((inv->xfeatures & have) != inv->xfeatures)
		return error("this CPU lacks XSAVE features the checkpoint uses (has %#lx, needs %#lx)",
			     (unsigned long)have, (unsigned long)inv->xfeatures);
	for (size_t i = 0; i < p->pt->n_threads; i++) {
		snprintf(path, sizeof(path), "/proc/%d", p->pt->threads[i]);
		if (!access(path, F_OK))
			return error("pid %d is in use; kill that process first, or restore into a "
				     "new pid namespace", p->pt->threads[i]);
	}
	for (size_t i = 0; i < p->mm->n_vmas; i++) {
		const VmaEntry *e = p->mm->vmas[i];
		struct stat st;

		if (!e->path)
			continue;
		if (stat(e->path, &st))
			return error_errno("mapped file '%s' is missing", e->path);
		if (e->has_file_size && (uint64_t)st.st_size != e->file_size && e->kind != VMA_FILE_SHARED)
			return error("mapped file '%s' changed since the dump (size %lu, was %lu)",
				     e->path, (unsigned long)st.st_size, (unsigned long)e->file_size);
	}
	return 0;
}

static int add_helper(struct plan *p, const char *path, int flags)
{
	for (size_t i = 2; i < p->nr_helpers; i++)
		if (!strcmp(p->helper_path[i], path)) {
			if ((flags & O_ACCMODE) == O_RDWR)
				p->helper_flags[i] = O_RDWR;
			return i;
		}
	p->helper_path = xrealloc(p->helper_path, (p->nr_helpers + 1) * sizeof(char *));
	p->helper_flags = xrealloc(p->helper_flags, (p->nr_helpers + 1) * sizeof(int));
	p->helper_path[p->nr_helpers] = (char *)path;
	p->helper_flags[p->nr_helpers] = flags;
	return p->nr_helpers++;
}

static int plan_helpers(struct plan *p)
{
	p->nr_helpers = 0;
	add_helper(p, p->pages_name, O_RDONLY);
	add_helper(p, p->core->mm->exe, O_RDONLY);
	p->vma_helper = xmalloc(p->mm->n_vmas * sizeof(int));
	for (size_t i = 0; i < p->mm->n_vmas; i++) {
		const VmaEntry *e = p->mm->vmas[i];
		bool rw = e->kind == VMA_FILE_SHARED && (e->prot & PROT_WRITE);

		p->vma_helper[i] = e->path ? add_helper(p, e->path, rw ? O_RDWR : O_RDONLY) : -1;
	}
	/* Above every fd of the image and of the restorer's copies. */
	p->fd_base = files_max_fd(p->files) + 1;
	if (p->fd_base < (int)p->nr_helpers + 2)
		p->fd_base = p->nr_helpers + 2;
	if (p->fd_base <= p->vdfd)
		p->fd_base = p->vdfd + 1;
	return 0;
}

extern uint64_t find_free_area(void *used, size_t n, uint64_t min, uint64_t len);

static int plan_trampoline(struct plan *p)
{
	struct proc_vma *own;
	size_t n_own, nu = 0;
	struct { uint64_t start, end; } *used;

	if (proc_parse_smaps(getpid(), &own, &n_own))
		return -1;
	used = xmalloc((n_own + p->mm->n_vmas) * sizeof(*used));
	for (size_t i = 0; i < n_own; i++) {
		used[nu].start = own[i].start;
		used[nu++].end = own[i].end;
	}
	for (size_t i = 0; i < p->mm->n_vmas; i++) {
		used[nu].start = p->mm->vmas[i]->start;
		used[nu++].end = p->mm->vmas[i]->end;
	}
	proc_free_vmas(own, n_own);
	p->tramp = find_free_area(used, nu, 1UL << 20, TRAMP_LEN);
	free(used);
	if (!p->tramp)
		return error("no free place for the trampoline");
	return 0;
}

/* ---- the new child, still running our code ---- */

static void __attribute__((noreturn)) child_fail(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->child_err, CHILD_ERR_LEN, fmt, ap);
	va_end(ap);
	_exit(1);
}

static void __attribute__((noreturn)) child_main(struct plan *p)
{
	sigset_t all;
	char c;
	int fds[64], *fdv = p->nr_helpers > 64 ? xmalloc(p->nr_helpers * sizeof(int)) : fds;
	const PstreeTask *pt = p->pt;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(p->sync[1]);
	if (read(p->sync[0], &c, 1) != 1)
		_exit(1);	/* the restorer gave up */

	/* Only the version directory stays; helpers get the lowest numbers,
	 * then move to fd_base + i, above every fd of the image. */
	if (p->vdfd > 0)
		syscall(SYS_close_range, 0, p->vdfd - 1, 0);
	syscall(SYS_close_range, p->vdfd + 1, ~0U, 0);
	for (size_t i = 0; i < p->nr_helpers; i++) {
		fdv[i] = i == 0 ? openat(p->vdfd, p->helper_path[i], O_RDONLY) :
				  open(p->helper_path[i], p->helper_flags[i]);
		if (fdv[i] < 0)
			child_fail(p, "cannot open '%s': %s", p->helper_path[i], strerror(errno));
	}
	for (size_t i = 0; i < p->nr_helpers; i++) {
		if (dup2(fdv[i], p->fd_base + i) < 0)
			child_fail(p, "dup2: %s", strerror(errno));
		close(fdv[i]);
	}
	close(p->vdfd);

	if (restore_files_inside(p->files, p->child_err, CHILD_ERR_LEN))
		_exit(1);
	if (pt->sid == p->pid && setsid() < 0)
		child_fail(p, "setsid: %s", strerror(errno));
	else if (pt->sid != p->pid && pt->pgid == p->pid && setpgid(0, 0))
		child_fail(p, "setpgid: %s", strerror(errno));
	if (restore_misc_inside(p->core, p->child_err, CHILD_ERR_LEN))
		_exit(1);
	if (restore_sigactions_inside(p->core))
		child_fail(p, "cannot restore signal actions: %s", strerror(errno));

	void *t = mmap((void *)p->tramp, TRAMP_LEN, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (t != (void *)p->tramp)
		child_fail(p, "cannot map the trampoline: %s", strerror(errno));
	memcpy(t, "\x0f\x05\xcc", 3);	/* syscall; int3 */

	/* The restorer takes over from this stop. */
	syscall(SYS_kill, getpid(), SIGSTOP);
	child_fail(p, "resumed in restorer code");
}

/* ---- the restorer ---- */

static pid_t clone_with_pid(pid_t pid)
{
	pid_t tid = pid;
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uint64_t)&tid,
		.set_tid_size = 1,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

static int create_threads(struct task *task, const struct plan *p)
{
	struct thread *leader = &task->threads[0];

	for (size_t i = 1; i < p->core->n_threads; i++) {
		struct clone_args args = {
			.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				 CLONE_THREAD | CLONE_SYSVSEM,
			.set_tid = task->scratch + 128,
			.set_tid_size = 1,
		};
		int32_t tid = p->core->threads[i]->tid;
		long args_nr[6] = { task->scratch, sizeof(args), 0, 0, 0, 0 };
		long ret;
		pid_t new_tid = 0;
		struct thread *t;

		if (infect_write(task->pid, task->scratch, &args, sizeof(args)) ||
		    infect_write(task->pid, task->scratch + 128, &tid, sizeof(tid)))
			return error("pid %d: %s", task->pid, infect_why());
		if (infect_syscall(leader->tid, task->syscall_ip, SYS_clone3, args_nr, &ret, &new_tid))
			return error("pid %d: cannot create thread %d: %s", task->pid, tid,
				     infect_why());
		if (ret < 0) {
			errno = -ret;
			return error_errno("pid %d: cannot create thread %d", task->pid, tid);
		}
		/* task->threads has room for all: `leader` stays valid. */
		t = &task->threads[task->nr_threads++];
		memset(t, 0, sizeof(*t));
		t->tid = ret;
		t->seized = true;
		t->injected = true;	/* its mask came blocked from the leader */
		if (ret != tid)
			return error("pid %d: thread %d came back as %ld", task->pid, tid, ret);
		if (infect_wait_new(t->tid))
			return error("pid %d: %s", task->pid, infect_why());
	}
	return 0;
}

static void kill_restored(struct task *task, pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	for (size_t i = 1; task && i < task->nr_threads; i++)
		while (waitpid(task->threads[i].tid, NULL, __WALL) < 0 && errno == EINTR)
			;
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

static int drive(struct task *task, struct plan *p)
{
	struct mm_restore mr = { .pages_fd = p->fd_base, .exe_fd = p->fd_base + 1 };
	struct thread *leader = &task->threads[0];
	long r;

	mr.file_fds = xmalloc(p->mm->n_vmas * sizeof(int));
	for (size_t i = 0; i < p->mm->n_vmas; i++)
		mr.file_fds[i] = p->vma_helper[i] >= 0 ? p->fd_base + p->vma_helper[i] : -1;
	int ret = restore_mm(task, &mr, p->tramp, TRAMP_LEN);
	free(mr.file_fds);
	if (ret)
		return -1;
	pr_info("pid %d: memory restored", task->pid);
	if (task_syscall_ok(task, leader, SYS_close_range, "close the restorer's fds", NULL,
			    p->fd_base, ~0U, 0, 0, 0, 0))
		return -1;
	if (create_threads(task, p))
		return -1;
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_thread_inside(task, &task->threads[i], p->core->threads[i]) ||
		    restore_thread_outside(task, p->core->threads[i]))
			return -1;
	if (restore_timers(task) || restore_rlimits(task))
		return -1;
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_creds(task, &task->threads[i]))
			return -1;
	if (restore_shared_signals(task))
		return -1;
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_thread_signals(task, &task->threads[i], p->core->threads[i]))
			return -1;
	/* The last system call: the trampoline goes. */
	if (task_syscall(task, leader, SYS_munmap, &r, p->tramp, TRAMP_LEN, 0, 0, 0, 0) || r)
		return error("pid %d: cannot unmap the trampoline", task->pid);
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_thread_regs(task, &task->threads[i], p->core->threads[i]))
			return -1;
	return 0;
}

static int wait_child_stop(struct plan *p, pid_t pid)
{
	int status;

	for (;;) {
		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return error_errno("waitpid for the new process %d", pid);
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return error("the new process %d gave up: %s", pid,
				     p->child_err[0] ? p->child_err : "no reason given");
		if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP)
			return 0;
		/* Anything else (a stray signal): let it through and wait on. */
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
}

struct page_check {
	pthread_t thread;
	bool started;
	int vdfd;
	const Inventory *inv;
	int ret;
	char err[1024];
};

static void *check_pages(void *arg)
{
	struct page_check *c = arg;

	/* error() keeps the first message of the process; keep ours apart. */
	c->ret = version_check_files(c->vdfd, c->inv, VERIFY_PAGES, c->err, sizeof(c->err));
	return NULL;
}

/* Wait for the page check; -1 if it found a problem. */
static int join_check(struct page_check *c)
{
	if (!c->started)
		return c->ret;
	pthread_join(c->thread, NULL);
	c->started = false;
	return c->ret;
}

static pid_t forward_to;

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

/* Without --detach we stand in for the program: signals sent to us go on to
 * it, and its exit status becomes ours. */
static int wait_exit(pid_t pid)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	int status;

	forward_to = pid;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_errno("waitpid %d", pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int restore(const struct restore_opts *o)
{
	struct plan p = { 0 };
	struct task task = { 0 };
	Inventory *inv = NULL;
	Pstree *tree = NULL;
	unsigned number;
	int store_fd, vdfd;
	pid_t pid = -1;
	struct page_check check = { 0 };

	store_fd = store_open(o->dir, false);
	if (store_fd < 0)
		return EXIT_STORE;
	vdfd = version_open(store_fd, o->version, false, &inv, &number);
	if (vdfd < 0 || version_verify_part(vdfd, inv, VERIFY_META))
		return EXIT_STORE;
	p.vdfd = vdfd;
	/* The page data is checked meanwhile; the process runs only if it is good. */
	check.vdfd = vdfd;
	check.inv = inv;
	if (pthread_create(&check.thread, NULL, check_pages, &check))
		return error_errno("cannot start the page check"), EXIT_FAILED;
	check.started = true;
	if (load_images(&p, vdfd, inv, &tree))
		return join_check(&check), EXIT_STORE;
	if (check_machine(&p, inv) || plan_helpers(&p) || plan_trampoline(&p))
		return join_check(&check), EXIT_FAILED;
	pr_info("restoring pid %d from version %u of '%s'", p.pid, number, o->dir);

	p.child_err = mmap(NULL, CHILD_ERR_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
	if (p.child_err == MAP_FAILED || pipe2(p.sync, O_CLOEXEC))
		return error_errno("cannot prepare the restore"), EXIT_FAILED;
	p.child_err[0] = 0;

	pid = clone_with_pid(p.pid);
	if (pid == 0)
		child_main(&p);
	close(p.sync[0]);
	if (pid < 0) {
		if (errno == EEXIST)
			error("pid %d is in use; kill that process first, or restore into a new "
			      "pid namespace", p.pid);
		else if (errno == EPERM)
			error("cannot create a process with pid %d: ckpt restore needs root "
			      "(CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE)", p.pid);
		else
			error_errno("cannot create a process with pid %d", p.pid);
		return EXIT_FAILED;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL |
		   PTRACE_O_TRACESYSGOOD)) {
		error_errno("cannot trace the new process %d", pid);
		goto fail;
	}
	if (write(p.sync[1], "g", 1) != 1) {
		error_errno("cannot start the new process");
		goto fail;
	}
	close(p.sync[1]);
	if (wait_child_stop(&p, pid))
		goto fail;

	task.pid = pid;
	task.core = p.core;
	task.mm = p.mm;
	task.files = p.files;
	task.syscall_ip = p.tramp;
	task.scratch = p.tramp + SCRATCH_OFF;
	task.threads = xzalloc(p.core->n_threads * sizeof(*task.threads));
	task.nr_threads = 1;
	task.threads[0].tid = pid;
	task.threads[0].seized = true;
	if (drive(&task, &p)) {
		/* A damaged page image explains a failure best. */
		if (join_check(&check)) {
			clear_error();
			error("%s", check.err);
			goto fail_store;
		}
		goto fail;
	}
	if (join_check(&check)) {
		error("%s", check.err);
		goto fail_store;
	}
	for (size_t i = 0; i < task.nr_threads; i++)
		if (infect_detach(task.threads[i].tid)) {
			error("pid %d: %s", pid, infect_why());
			goto fail;
		}
	pr_info("pid %d restored from version %u", pid, number);
	if (o->detach)
		return EXIT_OK;
	return wait_exit(pid);
fail:
	join_check(&check);
	kill_restored(&task, pid);
	return EXIT_FAILED;
fail_store:
	kill_restored(&task, pid);
	return EXIT_STORE;
}
