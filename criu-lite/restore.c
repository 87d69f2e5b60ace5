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
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "exitcodes.h"
#include "files.h"
#include "image.h"
#include "infect.h"
#include "log.h"
#include "mm.h"
#include "objects.h"
#include "pidns.h"
#include "plugins.h"
#include "proc.h"
#include "netlock.h"
#include "restore.h"
#include "pagecomp.h"
#include "sockets.h"
#include "tty.h"
#include "store.h"
#include "util.h"
#include "xsave.h"

#define TRAMP_LEN	(16 * PAGE_SIZE)
#define SCRATCH_OFF	PAGE_SIZE	/* code in the first page, data after */
#define CHILD_ERR_LEN	512
#define STOP_TIMEOUT_S	60

/* What one new process needs, prepared before it exists. */
struct plan {
	pid_t pid;		/* the saved pid, as the process sees itself */
	pid_t real;		/* as ckpt sees it: another number with --pidns */
	const PstreeTask *pt;
	TaskCore *core;		/* NULL for a zombie */
	MmEntry *mm;
	FilesEntry *files;
	char pages_name[64];

	int fd_base;		/* helper fds live at fd_base + i in the child */
	size_t nr_helpers;	/* 0: pages, 1: exe, 2..: files of mappings */
	char **helper_path;
	int *helper_flags;
	int *vma_helper;	/* per vma: helper index, or -1 */
	int *run_helper;	/* per page run: helper index of the image it is in,
				 * or -1 - k: compressed image zsrc[k], filled by us */
	char **zsrc;
	size_t nr_zsrc;

	/* Processes that share one fd table (CLONE_FILES) keep their helpers
	 * in it side by side; the last of them to be driven closes them all. */
	struct plan *table;	/* the table's first holder (itself if its own) */
	int table_next;		/* of a first holder: the next free helper fd */
	bool closes_table;	/* the table's last holder in plan order */

	struct task task;	/* the restorer's handle on it once it exists */
	bool stopped;		/* reached the stop at the end of its own setup */
};

/* The whole restore: every process, and what they share. */
struct rtree {
	struct plan *plans;	/* parents before children, plans[0] the root */
	size_t nr;
	bool pidns;		/* in a new pid namespace, under an init of ours */
	bool own_init;		/* in a new pid namespace whose init is the root */
	bool ns_image;		/* the checkpoint is of a ckpt init's namespace */
	bool allow_changed;	/* --allow-changed-files: a warning, not a refusal */
	pid_t init;		/* our init, as we see it */
	int vdfd;
	uint64_t tramp;		/* free in every image and in ckpt itself */
	int sync[2];
	char *child_err;	/* shared with the children: why one gave up */

	/* Pipes and shared memory, made once by us before the tree and
	 * inherited by every process at shared_base + i: pipe k at 2k (read)
	 * and 2k + 1 (write), then the shared memory objects, the deleted
	 * files and the FIFOs. */
	SharedEntry *shared;
	int shared_base;
	size_t nr_shared;
	int tty;		/* a shell job's: our terminal (0, 1 or 2), or -1 */
	int *sysv_made;		/* SysV segments we made (not taken over): gone on failure */
	size_t nr_sysv_made;
};

static struct plan *find_plan(struct rtree *r, pid_t pid)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->plans[i].pid == pid)
			return &r->plans[i];
	return NULL;
}

/* A process whose parent we do not make: the root, or with --pidns any
 * child of the init. */
static bool is_top(struct rtree *r, const struct plan *p)
{
	return p == &r->plans[0] || !find_plan(r, p->pt->ppid);
}

static int load_task(struct plan *p, int vdfd)
{
	char name[64];

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
	    !p->core->mm || p->core->pid != p->pid)
		return error("image 'core-%d.img' is inconsistent with the process tree", p->pid);
	return 0;
}

/* Pages stored in another process's image must be an ancestor's: only
 * what a fork shared is stored that way. */
static int check_page_owners(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		const struct plan *p = &r->plans[i];

		for (size_t k = 0; p->mm && k < p->mm->n_pages; k++) {
			const PageRun *run = p->mm->pages[k];
			const struct plan *a = p;

			/* (an earlier version's image: checked with it) */
			if (!run->has_pages_of || run->has_version)
				continue;
			while (a && a->pid != run->pages_of)
				a = is_top(r, a) ? NULL : find_plan(r, a->pt->ppid);
			if (!a || a == p || !a->mm)
				return error("image 'mm-%d.img' puts pages in the image of pid %d, "
					     "which is not its ancestor", p->pid, run->pages_of);
		}
	}
	return 0;
}

static int load_images(struct rtree *r, const Inventory *inv)
{
	Pstree *tree = img_read(r->vdfd, "pstree.img", IMG_PSTREE, &pstree__descriptor);

	if (!tree)
		return -1;
	if (tree->n_tasks < 1 || tree->tasks[0]->pid != inv->root_pid || tree->tasks[0]->zombie ||
	    (r->own_init && inv->root_pid != 1))
		return error("the process tree image does not match the inventory");
	/* Versions made before pipes and shared memory were carried have none. */
	if (faccessat(r->vdfd, "shared.img", F_OK, 0) && errno == ENOENT) {
		r->shared = xmalloc(sizeof(*r->shared));
		shared_entry__init(r->shared);
	} else {
		r->shared = img_read(r->vdfd, "shared.img", IMG_SHARED, &shared_entry__descriptor);
		if (!r->shared)
			return -1;
	}
	/* a shell job's terminal, then the ptys, last */
	r->nr_shared = shared_pty_base(r->shared) + 2 * r->shared->n_ptys;
	r->nr = tree->n_tasks;
	r->plans = xzalloc(r->nr * sizeof(*r->plans));
	for (size_t i = 0; i < r->nr; i++) {
		struct plan *p = &r->plans[i];

		p->pt = tree->tasks[i];
		p->pid = p->pt->pid;
		/* Parents come first: a child's parent is already planned. */
		if (i && !find_plan(r, p->pt->ppid) && !(r->pidns && p->pt->ppid == 1))
			return error("the process tree image is inconsistent (pid %d before its "
				     "parent %d)", p->pid, p->pt->ppid);
		if (!p->pt->zombie && load_task(p, r->vdfd))
			return -1;
	}
	return check_page_owners(r);
}

/* Restore must never give anyone rights: an unprivileged caller may only
 * bring back processes that ran as itself. */
static int check_rights(const struct plan *p)
{
	const CredsEntry *cr = p->core->creds;

	if (geteuid() == 0)
		return 0;
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
	return 0;
}

static int check_pid_free(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (!access(path, F_OK))
		return error("pid %d is in use; kill that process first, or restore with --pidns", pid);
	return 0;
}

/* Machine checks: rights, the CPU, the PIDs, the files the memory maps. */
static int check_machine(const struct rtree *r, const Inventory *inv)
{
	uint64_t have = xsave_features();

	if ((inv->xfeatures & have) != inv->xfeatures)
		return error("this CPU lacks XSAVE features the checkpoint uses (has %#lx, needs %#lx)",
			     (unsigned long)have, (unsigned long)inv->xfeatures);
	for (size_t n = 0; n < r->nr; n++) {
		const struct plan *p = &r->plans[n];

		if (!r->pidns && !r->own_init && check_pid_free(p->pid))
			return -1;
		if (p->pt->zombie)
			continue;
		if (check_rights(p))
			return -1;
		for (size_t i = 0; !r->pidns && !r->own_init && i < p->pt->n_threads; i++)
			if (check_pid_free(p->pt->threads[i]))
				return -1;
		for (size_t i = 0; i < p->mm->n_vmas; i++) {
			const VmaEntry *e = p->mm->vmas[i];
			char what[48], buf[160];
			const char *change;
			struct stat st;

			if (!e->path || vma_is_shared_object(e->kind))
				continue;
			if (stat(e->path, &st))
				return error_errno("mapped file '%s' is missing", e->path);
			/* A shared mapping's file is the memory: it changes with it. */
			if (!e->has_file_size || e->kind == VMA_FILE_SHARED)
				continue;
			change = file_change(e->file_size, e->has_file_mtime ? e->file_mtime : 0,
					     e->has_file_ino ? e->file_ino : 0, &st, buf, sizeof(buf));
			snprintf(what, sizeof(what), "the mapping at %#lx", (unsigned long)e->start);
			if (change && report_changed_file(p->pid, what, e->path, change, NULL,
							  r->allow_changed))
				return -1;
		}
		if (files_check_paths(p->pid, p->files, inv->leave_running, r->allow_changed))
			return -1;
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

/* A page image: raw (the process reads it itself), or compressed (we fill
 * its pages): -1 - the index in p->zsrc. */
static int page_source(struct plan *p, const char *dir, int32_t of)
{
	char *raw = xasprintf("%s/pages-%d.img", dir, of);
	char *z = xasprintf("%s/pages-%d" PZ_SUFFIX, dir, of);

	if (access(raw, F_OK) && !access(z, F_OK)) {
		free(raw);
		for (size_t k = 0; k < p->nr_zsrc; k++)
			if (!strcmp(p->zsrc[k], z)) {
				free(z);
				return -1 - (int)k;
			}
		p->zsrc = xrealloc(p->zsrc, (p->nr_zsrc + 1) * sizeof(char *));
		p->zsrc[p->nr_zsrc++] = z;
		return -(int)p->nr_zsrc;
	}
	free(z);
	return add_helper(p, raw, O_RDONLY);
}

static void plan_helpers(struct plan *p, const char *vdir)
{
	char *own = xasprintf("%s/%s", vdir, p->pages_name);
	bool own_z = access(own, F_OK) != 0;

	p->nr_helpers = 0;
	p->nr_zsrc = 0;
	/* compressed: helper 0 stands there unused, and page_source() below
	 * finds the compressed image */
	add_helper(p, own_z ? "/dev/null" : own, O_RDONLY);
	add_helper(p, p->core->mm->exe, O_RDONLY);
	p->vma_helper = xmalloc(p->mm->n_vmas * sizeof(int));
	for (size_t i = 0; i < p->mm->n_vmas; i++) {
		const VmaEntry *e = p->mm->vmas[i];
		bool rw = e->kind == VMA_FILE_SHARED && (e->prot & PROT_WRITE);

		p->vma_helper[i] = e->path && !vma_is_shared_object(e->kind) ?
				   add_helper(p, e->path, rw ? O_RDWR : O_RDONLY) : -1;
	}
	/* Pages shared copy-on-write with an ancestor are in its image, and
	 * pages unchanged since an earlier version in that version's. */
	p->run_helper = xmalloc((p->mm->n_pages + 1) * sizeof(int));
	int32_t last_of = 0;
	uint32_t last_version = 0;
	int last = 0;
	for (size_t i = 0; i < p->mm->n_pages; i++) {
		const PageRun *run = p->mm->pages[i];
		int32_t of = run->has_pages_of ? run->pages_of : p->pid;
		uint32_t version = run->has_version ? run->version : 0;

		if (of == p->pid && !version && !own_z) {
			p->run_helper[i] = 0;
			continue;
		}
		if (!i || of != last_of || version != last_version) {
			char *dir = version ? xasprintf("%s/../%u", vdir, version) : (char *)vdir;

			last_of = of;
			last_version = version;
			last = page_source(p, dir, of);
		}
		p->run_helper[i] = last;
	}
	/* Above every fd of the image and of the restorer's copies. */
	p->fd_base = files_max_fd(p->files) + 1;
	if (p->fd_base < (int)p->nr_helpers + 2)
		p->fd_base = p->nr_helpers + 2;
}

/* A process made with CLONE_FILES opens its helpers above its parent's
 * (and its earlier siblings') in the table they share. */
static void plan_tables(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct plan *p = &r->plans[i], *parent;

		if (p->pt->zombie)
			continue;
		p->table = p;
		p->table_next = p->fd_base + p->nr_helpers;
		parent = p->pt->clone_files ? find_plan(r, p->pt->ppid) : NULL;
		if (!parent || parent->pt->zombie)
			continue;
		p->table = parent->table;
		if (p->fd_base < p->table->table_next)
			p->fd_base = p->table->table_next;
		p->table->table_next = p->fd_base + p->nr_helpers;
	}
	for (size_t i = 0; i < r->nr; i++) {
		struct plan *p = &r->plans[i];

		p->closes_table = !p->pt->zombie;
		for (size_t k = i + 1; p->closes_table && k < r->nr; k++)
			if (!r->plans[k].pt->zombie && r->plans[k].table == p->table)
				p->closes_table = false;
	}
}

extern uint64_t find_free_area(void *used, size_t n, uint64_t min, uint64_t len);

/* One trampoline address for all: free in ckpt (whose copies they start as)
 * and in every image. */
static int plan_trampoline(struct rtree *r)
{
	struct proc_vma *own;
	size_t n_own, nu = 0, cap;
	struct { uint64_t start, end; } *used;

	if (proc_parse_smaps(getpid(), &own, &n_own))
		return -1;
	cap = n_own;
	for (size_t n = 0; n < r->nr; n++)
		if (r->plans[n].mm)
			cap += r->plans[n].mm->n_vmas;
	used = xmalloc(cap * sizeof(*used));
	for (size_t i = 0; i < n_own; i++) {
		used[nu].start = own[i].start;
		used[nu++].end = own[i].end;
	}
	proc_free_vmas(own, n_own);
	for (size_t n = 0; n < r->nr; n++)
		for (size_t i = 0; r->plans[n].mm && i < r->plans[n].mm->n_vmas; i++) {
			used[nu].start = r->plans[n].mm->vmas[i]->start;
			used[nu++].end = r->plans[n].mm->vmas[i]->end;
		}
	r->tramp = find_free_area(used, nu, 1UL << 20, TRAMP_LEN);
	free(used);
	if (!r->tramp)
		return error("no free place for the trampoline");
	return 0;
}

/* ---- the new processes, still running our code ---- */

static void __attribute__((noreturn)) child_fail(struct rtree *r, pid_t pid, const char *fmt, ...)
{
	char msg[CHILD_ERR_LEN - 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->child_err[0])
		snprintf(r->child_err, CHILD_ERR_LEN, "pid %d: %s", pid, msg);
	_exit(1);
}

static pid_t clone_with_pid(pid_t pid, uint64_t flags)
{
	pid_t tid = pid;
	struct clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
		.set_tid = (uint64_t)&tid,
		.set_tid_size = 1,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

/* A zombie: a child that exits as it did, and whose parent has not reaped
 * it.  Untraced, so that only its parent hears of its death; the parent
 * swallows the SIGCHLD, which it had had long ago. */
static void make_zombie(struct rtree *r, const struct plan *parent, const struct plan *z)
{
	int status = z->pt->exit_status;
	siginfo_t si;
	sigset_t chld;
	struct timespec zero = { 0, 0 };
	pid_t pid = clone_with_pid(z->pid, CLONE_UNTRACED);

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		if (WIFSIGNALED(status)) {
			signal(WTERMSIG(status), SIG_DFL);
			sigprocmask(SIG_SETMASK, &none, NULL);
			kill(getpid(), WTERMSIG(status));
		}
		_exit(WEXITSTATUS(status));
	}
	if (pid < 0)
		child_fail(r, parent->pid, "cannot create zombie %d: %s", z->pid, strerror(errno));
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		child_fail(r, parent->pid, "waitid for zombie %d: %s", z->pid, strerror(errno));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigtimedwait(&chld, NULL, &zero);
}

static void __attribute__((noreturn)) child_main(struct rtree *r, size_t idx);
static void session_helper(struct rtree *r, const struct plan *parent, pid_t sid);

/* The sid of a plan's session when its leader has exited, or 0: a daemon's
 * session, made again by a helper (session_helper).  The dump allowed it
 * only where the parent is a reaper (ckpt's init for a top process, a pid
 * namespace's init, a child subreaper), which the orphans come back to. */
static pid_t dead_session(struct rtree *r, const struct plan *p)
{
	pid_t sid = p->pt->sid;
	const struct plan *parent = is_top(r, p) ? NULL : find_plan(r, p->pt->ppid);
	pid_t parent_sid = parent ? parent->pt->sid : 1;	/* ckpt's init: 1 */

	if (p->pt->zombie || (!parent && !r->ns_image))
		return 0;
	return sid > 1 && sid != p->pid && sid != parent_sid && !find_plan(r, sid) ? sid : 0;
}

/* The pgid of a plan's process group when its leader has exited and the
 * group lives on in the parent's session (a shell's pipeline whose first
 * command ended), or 0: a helper with the leader's pid stands in for it
 * while the members join (group_helper). */
static pid_t dead_group(struct rtree *r, const struct plan *p, const struct plan *parent)
{
	pid_t pgid = p->pt->pgid;

	if (p->pt->zombie || dead_session(r, p))
		return 0;
	return pgid > 0 && pgid != p->pid && pgid != parent->pt->pgid && !find_plan(r, pgid) ?
	       pgid : 0;
}

/* Reap a helper of ours, and swallow its SIGCHLD: the process being made
 * had none of it. */
static void reap_helper(struct rtree *r, const struct plan *p, pid_t h, const char *what)
{
	struct timespec zero = { 0, 0 };
	sigset_t chld;
	int status;

	if (waitpid(h, &status, __WALL) != h || !WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !strcmp(what, "group")))
			child_fail(r, p->pid, "the helper for %s %d failed", what, h);
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigtimedwait(&chld, NULL, &zero);
}

/*
 * A stand-in for the exited leader of group `pgid`: a child of ours with
 * its pid, in a group of its own, alive (untraced, asleep) until our
 * children have joined the group.  Then it dies and the group lives on
 * without it, as before the dump.
 */
static pid_t group_helper(struct rtree *r, const struct plan *p, pid_t pgid)
{
	pid_t h = clone_with_pid(pgid, CLONE_UNTRACED);

	if (h == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (h < 0)
		child_fail(r, p->pid, "cannot make process group %d again (its leader's pid): %s",
			   pgid, errno == EEXIST ? "the pid is in use" : strerror(errno));
	if (setpgid(h, h))
		child_fail(r, p->pid, "setpgid for the stand-in of group %d: %s", pgid,
			   strerror(errno));
	return h;
}

static void fork_children(struct rtree *r, const struct plan *p)
{
	pid_t *helpers = xzalloc(r->nr * sizeof(pid_t));
	size_t nr_helpers = 0;

	/* Children in a session whose leader has exited come from its
	 * helper: one per session, at its first member. */
	for (size_t i = 0; i < r->nr; i++) {
		const struct plan *c = &r->plans[i];
		pid_t sid = c->pt->ppid == p->pid && c != p ? dead_session(r, c) : 0;
		bool first = true;

		for (size_t k = 0; sid && k < i; k++)
			if (r->plans[k].pt->ppid == p->pid && dead_session(r, &r->plans[k]) == sid)
				first = false;
		if (sid && first)
			session_helper(r, p, sid);
	}
	for (size_t i = 0; i < r->nr; i++) {
		const struct plan *c = &r->plans[i];
		pid_t pid, pgid;

		if (c->pt->ppid != p->pid || c == p || dead_session(r, c))
			continue;
		if (c->pt->zombie) {
			make_zombie(r, p, c);
			continue;
		}
		pgid = dead_group(r, c, p);
		if (pgid) {
			size_t k = 0;

			while (k < nr_helpers && helpers[k] != pgid)
				k++;
			if (k == nr_helpers)
				helpers[nr_helpers++] = group_helper(r, p, pgid);
		}
		/* We are traced with PTRACE_O_TRACEFORK: the child is too. */
		pid = clone_with_pid(c->pid, (c->pt->clone_fs ? CLONE_FS : 0) |
					     (c->pt->clone_files ? CLONE_FILES : 0));
		if (pid == 0)
			child_main(r, i);
		if (pid < 0)
			child_fail(r, p->pid, "cannot create child %d: %s", c->pid,
				   errno == EEXIST ? "the pid is in use" : strerror(errno));
		/* (the child joins too, before it forks: whoever is first) */
		if (pgid && setpgid(pid, pgid))
			child_fail(r, p->pid, "cannot put child %d in group %d: %s", c->pid, pgid,
				   strerror(errno));
	}
	for (size_t k = 0; k < nr_helpers; k++) {
		kill(helpers[k], SIGKILL);
		reap_helper(r, p, helpers[k], "group");
	}
	free(helpers);
}

/* The restorer's helpers (page image, files to map) at fd_base + i. */
static void open_helpers(struct rtree *r, const struct plan *p)
{
	int fds[64], *fdv = p->nr_helpers > 64 ? xmalloc(p->nr_helpers * sizeof(int)) : fds;

	for (size_t i = 0; i < p->nr_helpers; i++) {
		fdv[i] = open(p->helper_path[i], p->helper_flags[i] | O_CLOEXEC);
		if (fdv[i] < 0)
			child_fail(r, p->pid, "cannot open '%s': %s", p->helper_path[i],
				   strerror(errno));
	}
	for (size_t i = 0; i < p->nr_helpers; i++) {
		if (dup2(fdv[i], p->fd_base + i) < 0)
			child_fail(r, p->pid, "dup2: %s", strerror(errno));
		close(fdv[i]);
	}
	if (fdv != fds)
		free(fdv);
}

/* The fds of a new process: what it shares with its parent is taken from
 * the parent's table (put aside above everything else first), then every
 * other fd is closed, the helpers are opened, and the process's own fds are
 * put in place.  (One made with CLONE_FILES has its parent's, and opens
 * only its helpers.) */
static void setup_fds(struct rtree *r, const struct plan *p, const struct plan *parent)
{
	const FilesEntry *files = p->files;
	int *inherited = xmalloc((files->n_fds + 1) * sizeof(int));
	int temp_base = r->shared_base + r->nr_shared, kept = 0;
	char err[CHILD_ERR_LEN - 64] = "";

	for (size_t i = 0; i < files->n_fds; i++) {
		inherited[i] = -1;
		if (!files->fds[i]->has_inherit_fd || !parent)
			continue;
		inherited[i] = fcntl(files->fds[i]->inherit_fd, F_DUPFD, temp_base);
		if (inherited[i] < 0)
			child_fail(r, p->pid, "fd %d: the parent's fd %d is not there: %s",
				   files->fds[i]->fd, files->fds[i]->inherit_fd, strerror(errno));
		kept++;
	}
	/* The shared objects and the kept ones stay: shared_base ..
	 * temp_base + kept - 1.  (They go when drive_state closes the fds
	 * above fd_base.) */
	syscall(SYS_close_range, 0, r->shared_base - 1, 0);
	syscall(SYS_close_range, temp_base + kept, ~0U, 0);
	open_helpers(r, p);
	if (restore_files_inside(files, inherited, r->shared, r->shared_base, err, sizeof(err)))
		child_fail(r, p->pid, "%s", err);
	free(inherited);
}

/* Set in a process a session helper made (below): its parent exits at once. */
static bool made_by_helper;

static void __attribute__((noreturn)) child_main(struct rtree *r, size_t idx)
{
	const struct plan *p = &r->plans[idx];
	const PstreeTask *pt = p->pt;
	char err[CHILD_ERR_LEN - 64] = "";
	sigset_t all;
	char c;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (!made_by_helper)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (is_top(r, p)) {
		/* each waits until the restorer traces it */
		close(r->sync[1]);
		if (read(r->sync[0], &c, 1) != 1)
			_exit(1);	/* the restorer gave up */
	}
	if (idx == 0 && r->own_init && pidns_mount_proc())
		child_fail(r, p->pid, "cannot mount /proc in the new namespace: %s", strerror(errno));
	/* Sessions and groups before the children, who inherit them. */
	if (pt->sid == p->pid && setsid() < 0)
		child_fail(r, p->pid, "setsid: %s", strerror(errno));
	if (pt->sid != p->pid && pt->pgid == p->pid && setpgid(0, 0))
		child_fail(r, p->pid, "setpgid: %s", strerror(errno));
	if (!is_top(r, p) && dead_group(r, p, find_plan(r, pt->ppid)) &&
	    setpgid(0, pt->pgid))
		child_fail(r, p->pid, "cannot join group %d: %s", pt->pgid, strerror(errno));
	/* Before the children: the orphans of helpers must come back to us. */
	if (p->core->child_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1))
		child_fail(r, p->pid, "cannot become a child subreaper: %s", strerror(errno));
	/* Our fds before the children's: they may inherit some. */
	if (pt->clone_files)
		open_helpers(r, p);
	else
		setup_fds(r, p, find_plan(r, pt->ppid));
	fork_children(r, p);
	files_close_transient(p->files);

	if (restore_misc_inside(p->core, err, sizeof(err)))
		child_fail(r, p->pid, "%s", err);
	if (restore_sigactions_inside(p->core))
		child_fail(r, p->pid, "cannot restore signal actions: %s", strerror(errno));

	void *t = mmap((void *)r->tramp, TRAMP_LEN, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (t != (void *)r->tramp)
		child_fail(r, p->pid, "cannot map the trampoline: %s", strerror(errno));
	memcpy(t, "\x0f\x05\xcc", 3);	/* syscall; int3 */

	/* The restorer takes over from this stop. */
	syscall(SYS_kill, getpid(), SIGSTOP);
	child_fail(r, p->pid, "resumed in restorer code");
}

/* ---- the restorer ---- */

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
		/* the clone event says it as we see it, the task as it does */
		t->tid = new_tid ? new_tid : ret;
		t->vtid = ret;
		t->seized = true;
		t->injected = true;	/* its mask came blocked from the leader */
		if (ret != tid)
			return error("pid %d: thread %d came back as %ld", task->pid, tid, ret);
		if (infect_wait_new(t->tid))
			return error("pid %d: %s", task->pid, infect_why());
	}
	return 0;
}

/*
 * Pages of compressed images: decompressed here and written into the task
 * (it is stopped, its areas mapped writable), by a few threads at once,
 * each with its own readers; no ptrace in this, so any thread may.
 */
#define FILL_THREADS 4
#define FILL_BUF (4u << 20)

struct fill_job {
	const struct plan *p;
	pid_t pid;
	size_t first, step;	/* runs first, first + step, ... */
	int ret;
	char err[256];
};

static void *fill_thread(void *arg)
{
	struct fill_job *j = arg;
	const struct plan *p = j->p;
	struct pz_reader **rd = xzalloc((p->nr_zsrc + 1) * sizeof(*rd));
	uint8_t *buf = xmalloc(FILL_BUF);

	for (size_t i = j->first; !j->ret && i < p->mm->n_pages; i += j->step) {
		const PageRun *run = p->mm->pages[i];
		int k = p->run_helper[i];

		if (k >= 0)
			continue;
		k = -1 - k;
		if (!rd[k] && !(rd[k] = pz_open(AT_FDCWD, p->zsrc[k]))) {
			snprintf(j->err, sizeof(j->err), "%s", first_error());
			j->ret = -1;
			break;
		}
		for (uint64_t done = 0, len = run->nr * PAGE_SIZE; done < len; ) {
			size_t n = len - done < FILL_BUF ? len - done : FILL_BUF;
			struct iovec local = { buf, n };
			struct iovec remote = { (void *)(run->vaddr + done), n };

			if (pz_read(rd[k], run->off + done, buf, n)) {
				snprintf(j->err, sizeof(j->err), "%s", first_error());
				j->ret = -1;
				break;
			}
			if (process_vm_writev(j->pid, &local, 1, &remote, 1, 0) != (ssize_t)n) {
				snprintf(j->err, sizeof(j->err), "pid %d: cannot write its pages at "
					 "%#lx: %s", p->pid, (unsigned long)remote.iov_base,
					 strerror(errno));
				j->ret = -1;
				break;
			}
			done += n;
		}
	}
	for (size_t k = 0; k < p->nr_zsrc; k++)
		pz_close(rd[k]);
	free(rd);
	free(buf);
	return NULL;
}

static int fill_compressed(struct task *task, void *arg)
{
	const struct plan *p = arg;
	struct fill_job jobs[FILL_THREADS];
	pthread_t th[FILL_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > FILL_THREADS ? FILL_THREADS : cpus > 1 ? cpus : 1;
	bool started[FILL_THREADS] = { false };
	int ret = 0;

	for (size_t t = 0; t < n; t++) {
		jobs[t] = (struct fill_job){ .p = p, .pid = task->pid, .first = t, .step = n };
		started[t] = t && pthread_create(&th[t], NULL, fill_thread, &jobs[t]) == 0;
	}
	/* ours, and those of threads that did not start */
	for (size_t t = 0; t < n; t++)
		if (!started[t])
			fill_thread(&jobs[t]);
	for (size_t t = 1; t < n; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (size_t t = 0; t < n; t++)
		if (jobs[t].ret && !ret)
			ret = error("%s", jobs[t].err);
	return ret;
}

/* Everything up to the credentials, which change last. */
static int drive_state(struct rtree *r, struct plan *p)
{
	struct task *task = &p->task;
	struct mm_restore mr = { .exe_fd = p->fd_base + 1 };

	mr.file_fds = xmalloc(p->mm->n_vmas * sizeof(int));
	mr.sysv_len = xzalloc(p->mm->n_vmas * sizeof(uint64_t));
	mr.run_fds = xmalloc((p->mm->n_pages + 1) * sizeof(int));
	for (size_t i = 0; i < p->mm->n_pages; i++)
		mr.run_fds[i] = p->run_helper[i] >= 0 ? p->fd_base + p->run_helper[i] : -1;
	mr.fill_other = p->nr_zsrc ? fill_compressed : NULL;
	mr.fill_arg = p;
	for (size_t i = 0; i < p->mm->n_vmas; i++) {
		const VmaEntry *e = p->mm->vmas[i];

		mr.file_fds[i] = p->vma_helper[i] >= 0 ? p->fd_base + p->vma_helper[i] : -1;
		for (size_t k = 0; vma_is_shared_object(e->kind) && k < r->shared->n_shmem; k++) {
			const ShmemEntry *se = r->shared->shmem[k];

			if (se->ino != e->file_ino || !!se->sysv != (e->kind == VMA_SYSV_SHM))
				continue;
			mr.file_fds[i] = r->shared_base + 2 * r->shared->n_pipes + k;
			mr.sysv_len[i] = (se->size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
		}
	}
	int ret = restore_mm(task, &mr, r->tramp, TRAMP_LEN);
	free(mr.sysv_len);
	free(mr.file_fds);
	free(mr.run_fds);
	if (ret)
		return -1;
	pr_info("pid %d: memory restored", task->pid);
	/* In a shared fd table, the last holder closes every holder's
	 * helpers, once all have mapped their memory. */
	if (p->closes_table &&
	    task_syscall_ok(task, &task->threads[0], SYS_close_range, "close the restorer's fds",
			    NULL, p->table->fd_base, ~0U, 0, 0, 0, 0))
		return -1;
	/* Only now: closing any fd of a file drops the POSIX locks of the
	 * table's holders on it. */
	for (size_t i = 0; p->closes_table && i < r->nr; i++)
		if (r->plans[i].table == p->table && restore_posix_locks(&r->plans[i].task))
			return -1;
	if (create_threads(task, p))
		return -1;
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_thread_inside(task, &task->threads[i], p->core->threads[i]) ||
		    restore_thread_outside(task, &task->threads[i], p->core->threads[i]))
			return -1;
	if (restore_timers(task) || restore_rlimits(task))
		return -1;
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_creds(task, &task->threads[i]))
			return -1;
	return 0;
}

/* Pending signals, the trampoline gone, registers: the very end. */
static int drive_finish(struct rtree *r, struct plan *p)
{
	struct task *task = &p->task;
	long ret;

	if (restore_shared_signals(task))
		return -1;
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_thread_signals(task, &task->threads[i], p->core->threads[i]))
			return -1;
	if (task_syscall(task, &task->threads[0], SYS_munmap, &ret, r->tramp, TRAMP_LEN,
			 0, 0, 0, 0) || ret)
		return error("pid %d: cannot unmap the trampoline", task->pid);
	for (size_t i = 0; i < task->nr_threads; i++)
		if (restore_thread_regs(task, &task->threads[i], p->core->threads[i]))
			return -1;
	return 0;
}

/* Groups whose leader is another member (a sibling, say) can only be joined
 * once that member exists: now. */
static int fix_groups(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct plan *p = &r->plans[i];
		pid_t now;

		if (p->pt->zombie)
			continue;
		long pgid;

		/* asked inside: with --pidns our numbers differ from its own */
		if (task_syscall_ok(&p->task, &p->task.threads[0], SYS_getpgid, "getpgid", &pgid,
				    0, 0, 0, 0, 0, 0))
			return -1;
		now = pgid;
		if (now == p->pt->pgid || !find_plan(r, p->pt->pgid))
			continue;
		if (task_syscall_ok(&p->task, &p->task.threads[0], SYS_setpgid, "setpgid", NULL,
				    0, p->pt->pgid, 0, 0, 0, 0))
			return -1;
	}
	return 0;
}

/* A session leader that took a pty of the tree as its controlling
 * terminal gives it its foreground group again, now that every group
 * exists: TIOCSPGRP from inside, on the pty's slave in the shared range. */
static int fix_foreground(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct plan *p = &r->plans[i];
		const PtyEntry *pe = NULL;
		int32_t pgrp;

		if (p->pt->zombie || !p->files->has_ctty_pty)
			continue;
		for (size_t k = 0; k < r->shared->n_ptys; k++)
			if (r->shared->ptys[k]->index == p->files->ctty_pty)
				pe = r->shared->ptys[k];
		if (!pe || !pe->has_fg_pgrp)
			continue;
		pgrp = pe->fg_pgrp;
		if (infect_write(p->task.pid, p->task.scratch, &pgrp, sizeof(pgrp)) ||
		    task_syscall_ok(&p->task, &p->task.threads[0], SYS_ioctl, "TIOCSPGRP", NULL,
				    tty_pty_slot(r->shared, r->shared_base + shared_pty_base(r->shared),
						 pe->index, true), TIOCSPGRP, p->task.scratch, 0, 0, 0))
			return error("pid %d: cannot give its terminal its foreground group %d",
				     p->pid, pgrp);
	}
	return 0;
}

/* The plan of a process we see as `real`: the same number, or with --pidns
 * the last of NSpid in its status (its pid in the new namespace). */
static struct plan *plan_of(struct rtree *r, pid_t real)
{
	struct plan *p = NULL;

	for (size_t i = 0; i < r->nr; i++)
		if (r->plans[i].real == real)
			return &r->plans[i];
	if (!r->pidns && !r->own_init) {
		p = find_plan(r, real);
	} else {
		pid_t inside = proc_nspid(real, 0);

		p = inside > 0 ? find_plan(r, inside) : NULL;
	}
	if (p)
		p->real = real;
	return p;
}

/* Run the event loop of the new tree until every process has stopped itself
 * at the end of its setup: forks and first stops of traced children go on. */
static int wait_all_stopped(struct rtree *r)
{
	size_t left = 0;
	time_t deadline = time(NULL) + STOP_TIMEOUT_S;

	for (size_t i = 0; i < r->nr; i++)
		left += !r->plans[i].pt->zombie;
	while (left) {
		int status, event;
		pid_t pid = waitpid(-1, &status, __WALL | WNOHANG);
		struct plan *p;

		if (pid == 0) {
			if (time(NULL) > deadline)
				return error("the new processes did not get ready in %d s",
					     STOP_TIMEOUT_S);
			sleep_ms(1);
			continue;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return error_errno("waiting for the new processes");
		}
		p = plan_of(r, pid);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (p && p->pt->zombie)
				continue;
			/* a session's helper (session_helper), its work done */
			if (!p && WIFEXITED(status) && !WEXITSTATUS(status))
				continue;
			return error("the new process %d gave up: %s", pid,
				     r->child_err[0] ? r->child_err : "no reason given");
		}
		event = status >> 16;
		if (p && !event && WSTOPSIG(status) == SIGSTOP) {
			p->stopped = true;
			left--;
			continue;
		}
		/* fork events and first stops of the children: let them on */
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
	return 0;
}

static void kill_tree(struct rtree *r)
{
	/* An init's death ends its whole pid namespace. */
	if (r->init > 0)
		kill(r->init, SIGKILL);
	/* Only what we made and saw: a pid that was busy is someone else's.
	 * Children not seen yet die with their parent (PDEATHSIG). */
	for (size_t i = 0; i < r->nr; i++)
		if (r->plans[i].real > 0)
			kill(r->plans[i].real, SIGKILL);
	/* We are a subreaper meanwhile: everything made comes back to us. */
	for (int tries = 0; tries < 5000; tries++) {
		pid_t got = waitpid(-1, NULL, __WALL | WNOHANG);

		if (got < 0 && errno == ECHILD)
			break;
		if (got <= 0)
			sleep_ms(1);
	}
}

struct page_check {
	pthread_t thread;
	bool started;
	int vdfd;
	const Inventory *inv;
	/* an incremental version's earlier ones, whose page images it reads */
	size_t nr_needs;
	int *need_dfd;
	Inventory **need_inv;
	int ret;
	char err[1024];
};

static void *check_pages(void *arg)
{
	struct page_check *c = arg;

	/* error() keeps the first message of the process; keep ours apart. */
	c->ret = version_check_files(c->vdfd, c->inv, VERIFY_PAGES, c->err, sizeof(c->err));
	for (size_t i = 0; !c->ret && i < c->nr_needs; i++)
		c->ret = version_check_files(c->need_dfd[i], c->need_inv[i], VERIFY_PAGES,
					     c->err, sizeof(c->err));
	return NULL;
}

/* The earlier versions an incremental one reads from: each must be there,
 * its inventory whole. */
static int open_needs(int store_fd, unsigned number, const Inventory *inv, struct page_check *c)
{
	c->need_dfd = xmalloc((inv->n_needs + 1) * sizeof(int));
	c->need_inv = xmalloc((inv->n_needs + 1) * sizeof(Inventory *));
	for (size_t i = 0; i < inv->n_needs; i++) {
		unsigned found;
		int dfd = version_open(store_fd, inv->needs[i], false, &c->need_inv[i], &found);

		if (dfd < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", first_error());
			clear_error();
			return error("version %u is incremental and needs version %u, which cannot "
				     "be read (%s)", number, inv->needs[i], why);
		}
		c->need_dfd[c->nr_needs++] = dfd;
	}
	return 0;
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

/* A new pipe's (or an empty FIFO's) size and data, through its write end
 * wfd; `what` names it for the messages. */
static int fill_pipe(int wfd, const PipeEntry *pe, const char *what)
{
	if (pe->size && fcntl(wfd, F_SETPIPE_SZ, pe->size) < 0)
		return error_errno("cannot give %s its size of %u bytes (above "
				   "/proc/sys/fs/pipe-max-size?)", what, pe->size);
	if (pe->data.len && write(wfd, pe->data.data, pe->data.len) != (ssize_t)pe->data.len)
		return error_errno("cannot put back the data of %s", what);
	return 0;
}

static int make_pipe(struct rtree *r, size_t k)
{
	const PipeEntry *pe = r->shared->pipes[k];
	char what[48];
	int fds[2];

	if (pe->has_outside_fd) {
		/* It led outside the tree: what we were given stands in. */
		int fd = pe->outside_fd;

		if (fd < 0 || fcntl(fd, F_GETFD) < 0)
			return error("pipe %lu led outside the checkpointed processes (their fd %d), "
				     "and our own fd %d, which would stand in for it, is not open",
				     (unsigned long)pe->ino, fd, fd);
		fds[0] = dup(fd);
		fds[1] = dup(fd);
		if (fds[0] < 0 || fds[1] < 0 || move_fd(fds[0], r->shared_base + 2 * k) ||
		    move_fd(fds[1], r->shared_base + 2 * k + 1))
			return error_errno("cannot stand in for pipe %lu", (unsigned long)pe->ino);
		pr_info("pipe %lu led outside: our fd %d stands in", (unsigned long)pe->ino, fd);
		return 0;
	}
	if (pipe2(fds, 0))
		return error_errno("cannot make a pipe");
	snprintf(what, sizeof(what), "pipe %lu", (unsigned long)pe->ino);
	if (fill_pipe(fds[1], pe, what))
		return -1;
	if (fcntl(fds[0], F_SETFL, pe->flags_r) || fcntl(fds[1], F_SETFL, pe->flags_w) ||
	    move_fd(fds[0], r->shared_base + 2 * k) || move_fd(fds[1], r->shared_base + 2 * k + 1))
		return error_errno("cannot set up pipe %lu", (unsigned long)pe->ino);
	return 0;
}

/* The object shared memory k lives in: a real shared anonymous object (it
 * shows as /dev/zero in the maps, as before), kept as an fd through
 * map_files; or, for a deleted file that was mapped shared (a POSIX
 * semaphore, say), the file made again under its name and unlinked. */
static int shmem_object(const ShmemEntry *se)
{
	char path[96];
	void *map;
	int fd;

	if (se->path)
		return make_deleted_file(se->path, S_IFREG | 0600, -1, -1, se->size);
	map = mmap(NULL, se->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return error_errno("cannot make shared memory of %lu bytes", (unsigned long)se->size);
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)map,
		 (unsigned long)map + ((se->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)));
	fd = open(path, O_RDWR);
	munmap(map, se->size);
	if (fd < 0)
		return error_errno("cannot keep shared memory %lu", (unsigned long)se->ino);
	return fd;
}

/*
 * SysV segment `se`: taken over where it is still there, unused, as the
 * dump left it (a dump that ended the job leaves a segment nobody removed),
 * else made again with its id.  Either way the caller fills it with what it
 * held at the dump.  Returns the shmid, or -1.
 */
static int sysv_segment(struct rtree *r, const ShmemEntry *se)
{
	const SysvShmEntry *s = se->sysv;
	int id = se->ino, got;
	struct shmid_ds ds;
	char num[32];
	int fd;

	if (!shmctl(id, IPC_STAT, &ds)) {
		bool same = ds.shm_segsz == se->size && ds.shm_perm.__key == s->key &&
			    !!(ds.shm_perm.mode & SHM_DEST) == s->removed;

		if (same && ds.shm_nattch)
			return error("SysV shared memory %d (key %#x) is attached by %lu processes: "
				     "the dumped job still runs? a restore beside it would share the "
				     "segment with it", id, s->key, (unsigned long)ds.shm_nattch);
		if (!same || s->removed)
			return error("SysV shared memory %d is another segment now (key %#x, %lu "
				     "bytes; it was key %#x, %lu bytes): remove it (ipcrm -m %d) "
				     "first", id, ds.shm_perm.__key, (unsigned long)ds.shm_segsz,
				     s->key, (unsigned long)se->size, id);
		pr_info("SysV shared memory %d (key %#x) is still there: taken over", id, s->key);
		return id;
	}
	if (s->key && !s->removed && (got = shmget(s->key, 0, 0)) >= 0)
		return error("the key %#x of SysV shared memory %d is taken by segment %d", s->key,
			     id, got);
	/* The next segment made gets this id (CONFIG_CHECKPOINT_RESTORE). */
	snprintf(num, sizeof(num), "%d", id);
	fd = open("/proc/sys/kernel/shm_next_id", O_WRONLY | O_CLOEXEC);
	got = fd < 0 ? -1 : write(fd, num, strlen(num));
	if (fd >= 0)
		close(fd);
	if (got != (int)strlen(num))
		return error_errno("cannot make SysV shared memory %d again with its id "
				   "(kernel.shm_next_id)", id);
	got = shmget(s->removed ? IPC_PRIVATE : s->key, se->size, IPC_CREAT | IPC_EXCL | s->mode);
	if (got < 0)
		return error_errno("cannot make SysV shared memory %d (key %#x, %lu bytes) again",
				   id, s->key, (unsigned long)se->size);
	if (got != id) {
		shmctl(got, IPC_RMID, NULL);
		return error("SysV shared memory %d came back as %d", id, got);
	}
	r->sysv_made = xrealloc(r->sysv_made, (r->nr_sysv_made + 1) * sizeof(int));
	r->sysv_made[r->nr_sysv_made++] = id;
	if (shmctl(id, IPC_STAT, &ds))
		return error_errno("SysV shared memory %d: IPC_STAT", id);
	ds.shm_perm.uid = s->uid;
	ds.shm_perm.gid = s->gid;
	if (shmctl(id, IPC_SET, &ds))
		return error_errno("cannot give SysV shared memory %d its owner %u:%u", id, s->uid,
				   s->gid);
	return id;
}

/* A SysV segment, as an fd of its memory (map_files of an attach of
 * ours gives the object behind it) for the shared range. */
static int sysv_object(struct rtree *r, const ShmemEntry *se)
{
	int id = sysv_segment(r, se), fd;
	char path[96];
	void *map;

	if (id < 0)
		return -1;
	map = shmat(id, NULL, 0);
	if (map == (void *)-1)
		return error_errno("cannot attach SysV shared memory %d", id);
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)map,
		 (unsigned long)map + ((se->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)));
	fd = open(path, O_RDWR);
	shmdt(map);
	if (fd < 0)
		return error_errno("cannot keep SysV shared memory %d", id);
	return fd;
}

/* The data of a file (fd, of size bytes) from the raw image `name`: runs at
 * file offsets, through a mapping of ours. */
static int fill_from_image(struct rtree *r, int fd, uint64_t size, PageRun **runs, size_t n_runs,
			   const char *name)
{
	cleanup_close int img = -1;
	uint8_t *map;
	int ret = 0;

	img = openat(r->vdfd, name, O_RDONLY | O_CLOEXEC);
	if (img < 0)
		return error_errno("cannot open image '%s'", name);
	if (!size)
		return 0;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return error_errno("cannot map the object of image '%s'", name);
	for (size_t i = 0; i < n_runs && !ret; i++) {
		const PageRun *run = runs[i];
		uint64_t len = run->nr * PAGE_SIZE;

		if (run->vaddr + len > size)
			len = size - run->vaddr;
		if (run->vaddr >= size || pread_all(img, map + run->vaddr, len, run->off))
			ret = error("image '%s' is shorter than its runs", name);
	}
	munmap(map, size);
	return ret;
}

/* Shared memory k: made, filled from its image, and put at its place in
 * the shared range. */
static int make_shmem(struct rtree *r, size_t k)
{
	const ShmemEntry *se = r->shared->shmem[k];
	char name[64];
	int fd;

	if (!se->size)
		return error("shared memory %lu has no size", (unsigned long)se->ino);
	shmem_image_name(se, name, sizeof(name));
	if (faccessat(r->vdfd, name, R_OK, 0))
		return error_errno("cannot open image '%s'", name);
	fd = se->sysv ? sysv_object(r, se) : shmem_object(se);
	if (fd < 0)
		return -1;
	if (fill_from_image(r, fd, se->size, se->runs, se->n_runs, name) ||
	    move_fd(fd, r->shared_base + 2 * r->shared->n_pipes + k)) {
		close(fd);
		return error_errno("cannot keep shared memory %lu", (unsigned long)se->ino);
	}
	return 0;
}

/* Deleted file k: made again in its directory with its data from
 * deleted-ID.img, and unlinked; after the shared memory in the shared
 * range (shared_deleted_fd() in files-reg.c finds it there). */
static int make_deleted(struct rtree *r, size_t k)
{
	const DeletedFile *df = r->shared->deleted[k];
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "deleted-%u.img", df->id);
	fd = make_deleted_file(df->path, df->mode, df->uid, df->gid, df->size);
	if (fd < 0)
		return -1;
	if (fill_from_image(r, fd, df->size, df->runs, df->n_runs, name) ||
	    (df->seals && fcntl(fd, F_ADD_SEALS, df->seals)) ||
	    move_fd(fd, r->shared_base + 2 * r->shared->n_pipes + r->shared->n_shmem + k)) {
		close(fd);
		return error_errno("cannot make the deleted file '%s' again", df->path);
	}
	return 0;
}

/* FIFO k: opened by path (open_fifo() in files-reg.c), its size and data
 * put back if it was empty, at its place in the shared range, after the
 * deleted files. */
static int make_fifo(struct rtree *r, size_t k)
{
	const FifoEntry *fe = r->shared->fifos[k];
	char what[PATH_MAX + 16];
	bool fresh;
	int fd = open_fifo(fe, &fresh);

	if (fd < 0)
		return -1;
	snprintf(what, sizeof(what), "the FIFO '%s'", fe->path);
	if ((fresh && fill_pipe(fd, fe->pipe, what)) ||
	    move_fd(fd, r->shared_base + 2 * r->shared->n_pipes + r->shared->n_shmem +
		    r->shared->n_deleted + k)) {
		close(fd);
		return error_errno("cannot keep the FIFO '%s'", fe->path);
	}
	return 0;
}

static int make_shared(struct rtree *r)
{
	int top = 0;

	/* Above every fd of ours and every fd a process will have before its
	 * helpers go. */
	for (size_t i = 0; i < r->nr; i++)
		if (!r->plans[i].pt->zombie &&
		    r->plans[i].fd_base + (int)r->plans[i].nr_helpers > top)
			top = r->plans[i].fd_base + r->plans[i].nr_helpers;
	for (int fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0 && fd >= top)
			top = fd + 1;
	r->shared_base = top + 16;	/* room for fds the page check opens meanwhile */
	for (size_t k = 0; k < r->shared->n_pipes; k++)
		if (make_pipe(r, k))
			return -1;
	for (size_t k = 0; k < r->shared->n_shmem; k++)
		if (make_shmem(r, k))
			return -1;
	for (size_t k = 0; k < r->shared->n_deleted; k++)
		if (make_deleted(r, k))
			return -1;
	for (size_t k = 0; k < r->shared->n_fifos; k++)
		if (make_fifo(r, k))
			return -1;
	if (sk_make_all(r->shared, r->shared_base + shared_sk_base(r->shared)))
		return -1;
	if (r->shared->shell_job &&
	    move_fd(dup(r->tty), r->shared_base + shared_sk_base(r->shared) + sk_count(r->shared)))
		return error_errno("--shell-job: cannot hand our terminal on");
	return tty_make_ptys(r->shared, r->shared_base + shared_pty_base(r->shared));
}

static void close_shared(struct rtree *r)
{
	if (r->nr_shared)
		syscall(SYS_close_range, r->shared_base, r->shared_base + r->nr_shared - 1, 0);
}

/*
 * A helper with the pid of session `sid`'s exited leader: it makes the
 * session again and those children of `parent` (of the init: NULL) that
 * belong to it, and exits, so that they come back to their reaper, in that
 * session, with no leader.
 */
static void session_helper(struct rtree *r, const struct plan *parent, pid_t sid)
{
	pid_t h = clone_with_pid(sid, 0);
	pid_t who = parent ? parent->pid : 1;

	if (h == 0) {
		if (setsid() < 0)
			child_fail(r, sid, "setsid for the session of an exited leader: %s",
				   strerror(errno));
		made_by_helper = true;
		for (size_t i = 0; i < r->nr; i++) {
			const struct plan *c = &r->plans[i];
			pid_t pid;

			if ((parent ? c->pt->ppid != parent->pid || c == parent : !is_top(r, c)) ||
			    dead_session(r, c) != sid)
				continue;
			pid = clone_with_pid(c->pid, 0);
			if (pid == 0)
				child_main(r, i);
			if (pid < 0)
				child_fail(r, sid, "cannot create pid %d: %s", c->pid,
					   strerror(errno));
		}
		_exit(0);
	}
	if (h < 0)
		child_fail(r, who, "cannot make session %d again (its leader's pid): %s", sid,
			   errno == EEXIST ? "the pid is in use" : strerror(errno));
	if (parent) {
		reap_helper(r, parent, h, "session");
	} else {
		int status;

		if (waitpid(h, &status, 0) != h || !WIFEXITED(status) || WEXITSTATUS(status))
			child_fail(r, 1, "the helper for session %d failed", sid);
	}
}

/*
 * --pidns: PID 1 of a new pid and mount namespace (see pidns.c).  It makes
 * the processes whose parent was the namespace's init (the root first) with
 * their pids, then lives as an init: it reaps orphans, passes signals on to
 * the root and ends with it.
 */
static void __attribute__((noreturn)) init_main(struct rtree *r)
{
	if (pidns_init_setup())
		child_fail(r, 1, "cannot set up the new pid namespace: %s", strerror(errno));
	for (size_t i = 0; i < r->nr; i++) {
		pid_t sid = is_top(r, &r->plans[i]) ? dead_session(r, &r->plans[i]) : 0;
		bool first = true;

		/* one helper per such session, at its first member */
		for (size_t k = 0; sid && k < i; k++)
			if (is_top(r, &r->plans[k]) && dead_session(r, &r->plans[k]) == sid)
				first = false;
		if (sid && first)
			session_helper(r, NULL, sid);
	}
	for (size_t i = 0; i < r->nr; i++) {
		pid_t pid;

		if (!is_top(r, &r->plans[i]) || r->plans[i].pt->zombie ||
		    dead_session(r, &r->plans[i]))
			continue;
		pid = clone_with_pid(r->plans[i].pid, 0);
		if (pid == 0)
			child_main(r, i);
		if (pid < 0)
			child_fail(r, 1, "cannot create pid %d: %s", r->plans[i].pid, strerror(errno));
	}
	close(r->sync[0]);
	close(r->sync[1]);
	close_shared(r);
	pidns_init_loop(r->plans[0].pid);
}

static size_t count_tops(struct rtree *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr; i++)
		n += is_top(r, &r->plans[i]) && !r->plans[i].pt->zombie;
	return n;
}

/* The processes our init made, as we see them: its children, once all
 * are there.  Returns how many, or -1. */
static int children_of_init(struct rtree *r, pid_t **out)
{
	char path[64];
	size_t want = count_tops(r);

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", r->init, r->init);
	for (int tries = 0; tries < STOP_TIMEOUT_S * 1000; tries++) {
		cleanup_free char *text = read_file(path, NULL);
		size_t n = 0;
		char *end;

		*out = xrealloc(NULL, (want + 1) * sizeof(pid_t));
		for (char *q = text; q && n <= want; q = end) {
			long v = strtol(q, &end, 10);

			if (end == q)
				break;
			if (n < want)
				(*out)[n] = v;
			n++;
		}
		if (n == want)
			return n;
		free(*out);
		if (waitpid(r->init, NULL, WNOHANG) == r->init)
			return error("the new pid namespace ended: %s",
				     r->child_err[0] ? r->child_err : "no reason given");
		sleep_ms(1);
	}
	return error("the processes of the new pid namespace did not appear");
}

static int start_tree(struct rtree *r)
{
	pid_t pid = -1, *tops = &pid;
	int n = 1, ret = -1;

	if (r->pidns) {
		r->init = pidns_clone();
		if (r->init == 0)
			init_main(r);
		if (r->init < 0)
			return error_errno("cannot make a new pid namespace");
		n = children_of_init(r, &tops);
		if (n < 0)
			return -1;
	} else if (r->own_init) {
		pid = pidns_clone();
		if (pid == 0)
			child_main(r, 0);
	} else {
		pid = clone_with_pid(r->plans[0].pid, 0);
		if (pid == 0)
			child_main(r, 0);
	}
	close(r->sync[0]);
	if (pid < 0 && !r->pidns) {
		if (errno == EEXIST)
			error("pid %d is in use (by a process, or as the group or session of one); "
			      "end it first, or restore with --pidns", r->plans[0].pid);
		else if (errno == EPERM)
			error("cannot create a process with pid %d: ckpt restore needs root "
			      "(CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE)", r->plans[0].pid);
		else
			error_errno("cannot create a process with pid %d", r->plans[0].pid);
		return -1;
	}
	if (!r->pidns)
		r->plans[0].real = pid;
	/* Each top process waits for its byte until we trace it: with
	 * TRACEFORK, everything it makes is ours too. */
	for (int i = 0; i < n; i++) {
		if (ptrace(PTRACE_SEIZE, tops[i], 0, PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
			   PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD)) {
			error_errno("cannot trace the new process %d", tops[i]);
			goto out;
		}
		if (!plan_of(r, tops[i])) {
			error("the new process %d is none of the checkpoint's", tops[i]);
			goto out;
		}
	}
	for (int i = 0; i < n; i++)
		if (write(r->sync[1], "g", 1) != 1) {
			error_errno("cannot start the new processes");
			goto out;
		}
	close(r->sync[1]);
	ret = wait_all_stopped(r);
out:
	if (tops != &pid)
		free(tops);
	return ret;
}

static int drive_tree(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct plan *p = &r->plans[i];
		struct task *task = &p->task;

		if (p->pt->zombie)
			continue;
		task->pid = p->real;
		task->vpid = p->pid;
		task->core = p->core;
		task->mm = p->mm;
		task->files = p->files;
		task->syscall_ip = r->tramp;
		task->scratch = r->tramp + SCRATCH_OFF;
		task->threads = xzalloc(p->core->n_threads * sizeof(*task->threads));
		task->nr_threads = 1;
		task->threads[0].tid = p->real;
		task->threads[0].vtid = p->pid;
		task->threads[0].seized = true;
	}
	if (fix_groups(r) || fix_foreground(r))
		return -1;
	for (size_t i = 0; i < r->nr; i++)
		if (!r->plans[i].pt->zombie && drive_state(r, &r->plans[i]))
			return -1;
	return 0;
}

static int finish_tree(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!r->plans[i].pt->zombie && drive_finish(r, &r->plans[i]))
			return -1;
	return 0;
}

/* SysV segments that had been removed while attached (IPC_RMID) are
 * removed again, now that the tree has attached them; on a failure those
 * we made go. */
static int sysv_finish(struct rtree *r)
{
	for (size_t k = 0; k < r->shared->n_shmem; k++) {
		const ShmemEntry *se = r->shared->shmem[k];

		if (se->sysv && se->sysv->removed && shmctl(se->ino, IPC_RMID, NULL))
			return error_errno("cannot remove SysV shared memory %lu again",
					   (unsigned long)se->ino);
	}
	return 0;
}

static void sysv_undo(struct rtree *r)
{
	for (size_t k = 0; k < r->nr_sysv_made; k++)
		shmctl(r->sysv_made[k], IPC_RMID, NULL);
}

/* Let every thread of every process go: the tree runs. */
static int release_tree(struct rtree *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct task *task = &r->plans[i].task;

		for (size_t t = 0; !r->plans[i].pt->zombie && t < task->nr_threads; t++)
			if (infect_detach(task->threads[t].tid))
				return error("pid %d: %s", task->pid, infect_why());
	}
	return 0;
}

static int restore_version(const struct restore_opts *o)
{
	struct rtree r = { .sync = { -1, -1 }, .pidns = o->pidns,
			   .allow_changed = o->allow_changed_files, .tty = -1 };
	struct page_check check = { 0 };
	Inventory *inv = NULL;
	unsigned number;
	int store_fd;

	store_fd = store_open(o->dir, false);
	if (store_fd < 0)
		return EXIT_STORE;
	r.vdfd = version_open(store_fd, o->version, false, &inv, &number);
	if (r.vdfd < 0 || version_verify_part(r.vdfd, inv, VERIFY_META))
		return EXIT_STORE;
	/* A tree dumped with its pid namespace comes back in a new one. */
	if (inv->pidns == PIDNS_CKPT_INIT) {
		if (!r.pidns)
			pr_info("the checkpoint is of a pid namespace: restoring into a new one");
		r.pidns = true;
		r.ns_image = true;
	} else if (inv->pidns == PIDNS_OWN_INIT) {
		r.pidns = false;
		r.own_init = true;
	} else if (inv->pidns) {
		return error("the checkpoint's pid namespace is of an unknown kind (%u)",
			     inv->pidns), EXIT_STORE;
	}
	if (open_needs(store_fd, number, inv, &check))
		return EXIT_STORE;
	/* The page data is checked meanwhile; the tree runs only if it is good. */
	check.vdfd = r.vdfd;
	check.inv = inv;
	if (pthread_create(&check.thread, NULL, check_pages, &check))
		return error_errno("cannot start the page check"), EXIT_FAILED;
	check.started = true;
	if (load_images(&r, inv))
		return join_check(&check), EXIT_STORE;
	if (check_machine(&r, inv) || plan_trampoline(&r))
		return join_check(&check), EXIT_FAILED;
	/* The plugins the checkpoint needs, before anything is made. */
	if (plugins_start(o->plugins_dir, CKPT_STAGE_RESTORE, false, NULL, r.vdfd) ||
	    plugins_require(inv) || plugins_restore_start())
		return plugins_stop(0), join_check(&check), EXIT_FAILED;
	if (r.shared->shell_job && !o->shell_job)
		return error("the checkpoint is of a shell job (its terminal was outside it): "
			     "restore it with --shell-job, from a terminal"), join_check(&check),
		       EXIT_FAILED;
	if (r.shared->shell_job && (r.tty = tty_of_restore()) < 0)
		return join_check(&check), EXIT_FAILED;
	char vdir[PATH_MAX], link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", r.vdfd);
	ssize_t n = readlink(link, vdir, sizeof(vdir) - 1);
	if (n <= 0)
		return error_errno("cannot find the version directory"), EXIT_FAILED;
	vdir[n] = 0;
	for (size_t i = 0; i < r.nr; i++)
		if (!r.plans[i].pt->zombie)
			plan_helpers(&r.plans[i], vdir);
	plan_tables(&r);
	pr_info("restoring %zu processes (root pid %d) from version %u of '%s'", r.nr,
		r.plans[0].pid, number, o->dir);

	r.child_err = mmap(NULL, CHILD_ERR_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
	if (r.child_err == MAP_FAILED || pipe2(r.sync, O_CLOEXEC))
		return error_errno("cannot prepare the restore"), EXIT_FAILED;
	r.child_err[0] = 0;
	/* Room for the helper fds above every fd of the images; each process
	 * gets its own limits back later. */
	struct rlimit nofile;
	if (!getrlimit(RLIMIT_NOFILE, &nofile) && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	/* Whatever we make and orphan on the way comes back to us to reap. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	if (make_shared(&r) || start_tree(&r))
		goto fail;
	close_shared(&r);
	if (drive_tree(&r))
		goto fail;
	if (join_check(&check)) {
		clear_error();
		error("%s", check.err);
		goto fail_store;
	}
	if (sysv_finish(&r) || finish_tree(&r))
		goto fail;
	/* TCP connections leave repair mode before the tree runs (a read in
	 * repair mode fails), the lock first: leaving it, they send at once. */
	if (netlock_del(r.shared->netlock))
		pr_warn("the network lock stays: nft delete table inet %s", r.shared->netlock);
	sk_restore_end(true);
	/* a job that led its group gets the terminal, as its shell gave it */
	bool foreground = r.tty >= 0 && !r.pidns && !r.own_init &&
			  r.plans[0].pt->pgid == r.plans[0].pid;
	if (foreground)
		tty_foreground(r.tty, r.plans[0].real);
	if (release_tree(&r))
		goto fail;
	for (size_t i = 0; i < r.nr; i++)
		if (!r.plans[i].pt->zombie && plugins_restore_running(r.plans[i].real))
			goto fail;
	plugins_stop(1);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	pr_info("pid %d restored from version %u", r.plans[0].pid, number);
	/* A job of `ckpt run` is one again: `ckpt dump -D DIR` finds it. */
	bool job = inv->pidns == PIDNS_CKPT_INIT && !store_set_job(store_fd, r.init);
	if (o->detach)
		return EXIT_OK;
	/* With --pidns our child is the init, which ends with the root. */
	int status = pidns_stand_in(r.pidns ? r.init : r.plans[0].real);
	if (foreground)
		tty_foreground(r.tty, getpgrp());
	if (job)
		store_clear_job(store_fd, r.init);
	return status;
fail:
	plugins_stop(0);
	/* A damaged page image explains a failure best. */
	if (join_check(&check)) {
		clear_error();
		error("%s", check.err);
		kill_tree(&r);
		sysv_undo(&r);
		sk_restore_end(false);
		return EXIT_STORE;
	}
	kill_tree(&r);
	sysv_undo(&r);
	sk_restore_end(false);
	if (r.shared && r.shared->netlock)
		pr_warn("the network lock stays, for another try (nft delete table inet %s to give "
			"the connections up)", r.shared->netlock);
	return EXIT_FAILED;
fail_store:
	plugins_stop(0);
	kill_tree(&r);
	sysv_undo(&r);
	sk_restore_end(false);
	return EXIT_STORE;
}

/* Without --version: the newest version, or when it is damaged (the store
 * says so: EXIT_STORE, nothing made) the newest good one, said on stderr. */
int restore(const struct restore_opts *o)
{
	struct restore_opts each = *o;
	unsigned *all = NULL;
	int store_fd, n, ret = restore_version(o);

	if (ret != EXIT_STORE || o->version)
		return ret;
	store_fd = store_open(o->dir, false);
	n = store_fd >= 0 ? store_list(store_fd, &all) : -1;
	unsigned tried = store_fd >= 0 ? store_latest(store_fd) : 0;
	if (store_fd >= 0)
		close(store_fd);
	if (n < 0)
		return ret;	/* (the first error, the restore's, is the one said) */
	for (int i = n - 1; i >= 0 && ret == EXIT_STORE; i--) {
		if (all[i] >= tried)
			continue;
		char why[512];

		snprintf(why, sizeof(why), "%s", first_error() ? first_error() : "damaged");
		clear_error();
		pr_warn("version %u cannot be restored (%s): restoring version %u, the newest "
			"before it", tried, why, all[i]);
		each.version = tried = all[i];
		ret = restore_version(&each);
	}
	free(all);
	return ret;
}
