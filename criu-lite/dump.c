/*
 * ckpt dump: the top-level steps.
 *
 * Nothing the process can see may change because a dump was tried: every
 * failure after the freeze puts back the borrowed registers and lets the
 * process go, and the half-written version is removed.  The process is
 * killed (without --leave-running) only after the version is published.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/kcmp.h>

#include "dump.h"
#include "exitcodes.h"
#include "image.h"
#include "infect.h"
#include "task.h"
#include "files.h"
#include "log.h"
#include "mm.h"
#include "objects.h"
#include "plugins.h"
#include "proc.h"
#include "seize.h"
#include "snapshot.h"
#include "netlock.h"
#include "sockets.h"
#include "tty.h"
#include "store.h"
#include "track.h"
#include "util.h"
#include "xsave.h"

/* A `syscall` instruction in the task: the one in its vdso. */
static int find_syscall_ip(struct task *task)
{
	long off = infect_vdso_syscall_offset();

	long spare = infect_vdso_spare_offset(INFECT_RETPATH_MAX);

	for (size_t i = 0; off >= 0 && i < task->mm->n_vmas; i++) {
		const VmaEntry *e = task->mm->vmas[i];

		if (e->kind != VMA_VDSO)
			continue;
		task->syscall_ip = e->start + off;
		/* (the same kernel's vdso as ours, unless it is smaller) */
		task->boot_retpath = spare > 0 && e->start + spare + INFECT_RETPATH_MAX <= e->end ?
				     e->start + spare : 0;
		if (!task->boot_retpath)
			pr_debug("pid %d: no spare room in its vdso: the first remote system call "
				 "has no return path", task->pid);
		return 0;
	}
	return error("pid %d has no vdso; ckpt needs one to run system calls in it", task->pid);
}

/* A page for data, then a return path per thread (infect.h): from here on a
 * remote system call leaves the thread safe even if ckpt dies. */
static size_t scratch_len(const struct task *task)
{
	return PAGE_SIZE + (task->nr_threads * INFECT_RETPATH_MAX + PAGE_SIZE - 1) / PAGE_SIZE *
			   PAGE_SIZE;
}

static int map_scratch(struct task *task)
{
	long addr;
	int ret;

	task_boot_retpath(task, true);
	ret = task_syscall_ok(task, &task->threads[0], SYS_mmap, "mmap of a scratch area", &addr,
			      0, scratch_len(task), PROT_READ | PROT_WRITE | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* (the room stays as it is: the leader stands at its syscall-exit
	 * there until its next remote call; unmap_scratch() clears it) */
	if (ret)
		return -1;
	task->scratch = addr;
	task->retpath = addr + PAGE_SIZE;
	task->threads[0].retpath_ready = false;
	return 0;
}

static void unmap_scratch(struct task *task)
{
	long r;

	/* Not from a return path inside the area we unmap: the other threads
	 * are put back first, the leader's return path is in the vdso's
	 * spare room meanwhile, and the room is cleared once the leader is
	 * back too. */
	task->retpath = 0;
	if (!task->scratch)
		return;
	if (end_injection_from(task, 1))
		return;
	task_boot_retpath(task, true);
	if (task_syscall(task, &task->threads[0], SYS_munmap, &r, task->scratch, scratch_len(task),
			 0, 0, 0, 0) == 0 && r == 0)
		task->scratch = 0;
	if (end_injection_from(task, 0) == 0)
		task_boot_retpath(task, false);
	task->retpath = 0;
}

/* The state of one frozen process; its pages found, and with `snap` a
 * snapshot made that holds them (snapshot.h). */
static int collect(struct task *task, const struct task *parent, bool track, bool snap)
{
	TaskCore *core = xmalloc(sizeof(*core));

	task_core__init(core);
	core->pid = task->vpid;
	task->core = core;
	/* The areas first: the scratch page must not be among them. */
	if (dump_mm_areas(task) || find_syscall_ip(task) || map_scratch(task))
		return -1;
	snapshot_reap_stale(task);
	/* Its group and session as its own namespace numbers them: a leader
	 * that has exited has no number of ours to translate. */
	long r;
	if (task_syscall_ok(task, &task->threads[0], SYS_getpgid, "getpgid", &r, 0, 0, 0, 0, 0, 0))
		return -1;
	task->vpgid = r;
	if (task_syscall_ok(task, &task->threads[0], SYS_getsid, "getsid", &r, 0, 0, 0, 0, 0, 0))
		return -1;
	task->vsid = r;
	if (dump_threads(task) || dump_signals(task) || dump_creds(task) ||
	    dump_timers(task) || dump_misc(task) || dump_files(task))
		return -1;
	/* After the fds are listed: the userfaultfd made in it is not its. */
	if (track)
		track_make_uffd(task);
	/* The pages to save; then the snapshot, after the scan: a fork shares
	 * every page, and the scan tells pages shared with the parent. */
	snap = snap && snapshot_possible(task);
	if (dump_mm_scan(task, parent, snap))
		return -1;
	pr_debug("pid %d: %zu runs of pages found", task->pid, task->mm->n_pages);
	if (snap && snapshot_worth_it(task) && snapshot_take(task) < 0)
		return -1;
	unmap_scratch(task);
	if (task->scratch)
		return error("pid %d: cannot unmap the scratch page", task->pid);
	return end_injection(task);
}

static char *read_cmdline(pid_t pid)
{
	char path[64];
	size_t len;
	char *s;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	s = read_file(path, &len);
	if (!s)
		return xstrdup("");
	for (size_t i = 0; i + 1 < len; i++)
		if (!s[i])
			s[i] = ' ';
	return s;
}

/* A pid as the tree's own namespace numbers it: a member's, its init (1),
 * or 0 for one outside.  In ckpt's namespace every number stays. */
static pid_t vpid_of(const struct tree *tree, pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < tree->nr; i++)
		if (tree->tasks[i].pid == pid)
			return tree->tasks[i].vpid;
	if (!tree->pidns)
		return pid;
	return pid > 0 && pid == tree->ns_init ? 1 : 0;
}

static const PstreeTask *find_pt(const PstreeTask *pts, size_t n, pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < n; i++)
		if (pts[i].pid == pid)
			return &pts[i];
	return NULL;
}

/*
 * Sessions and groups restore knows how to make: its own, its parent's
 * (inherited at fork), one led by a member (joined later), a group whose
 * leader has exited in the parent's session (a helper with the leader's pid
 * stands in while the members join), and a session whose leader has exited
 * when the parent is the reaper its members came back to: ckpt's init, the
 * tree's own pid namespace init, or a child subreaper (a helper with the
 * leader's pid makes it again).  Anything else is refused rather than
 * restored wrong.
 */
static int check_sessions(const struct tree *tree, const PstreeTask *pts)
{
	for (size_t i = 0; i < tree->nr; i++) {
		const PstreeTask *pt = &pts[i], *pp = find_pt(pts, tree->nr, pt->ppid);
		bool reaper, dead_sid, ok_sid, ok_pgid;

		if (pt->zombie)
			continue;
		if (pp) {
			const struct task *parent = &tree->tasks[pp - pts];

			reaper = parent->core->child_subreaper ||
				 (tree->pidns == PIDNS_OWN_INIT && pp->pid == 1);
			dead_sid = reaper && pt->sid > 0 && pt->sid != pt->pid &&
				   pt->sid != pp->sid && !find_pt(pts, tree->nr, pt->sid);
			ok_sid = pt->sid == pt->pid || pt->sid == pp->sid || dead_sid;
			ok_pgid = pt->pgid == pt->pid || pt->pgid == pp->pgid ||
				  find_pt(pts, tree->nr, pt->pgid) ||
				  (dead_sid ? pt->pgid == pt->sid : pt->sid == pp->sid && pt->pgid > 0);
		} else if (tree->pidns == PIDNS_CKPT_INIT) {
			dead_sid = pt->sid > 1 && !find_pt(pts, tree->nr, pt->sid);
			ok_sid = pt->sid <= 1 || pt->sid == pt->pid || dead_sid;
			ok_pgid = pt->pgid <= 1 || pt->pgid == pt->pid ||
				  find_pt(pts, tree->nr, pt->pgid) || (dead_sid && pt->pgid == pt->sid);
		} else {
			continue;	/* the root takes what the restore gives it */
		}
		if (!ok_sid)
			return error("pid %d is in session %d, which is neither its own nor its "
				     "parent's, and whose leader has exited or is outside the tree, "
				     "while its parent is no reaper (init, child subreaper): ckpt "
				     "cannot make that again", tree->tasks[i].pid, pt->sid);
		if (!ok_pgid)
			return error("pid %d is in process group %d, whose leader has exited, in "
				     "another session than its parent's: ckpt cannot make that again",
				     tree->tasks[i].pid, pt->pgid);
	}
	return 0;
}

static int write_pstree(const struct tree *tree, struct version *v)
{
	Pstree pstree = PSTREE__INIT;
	PstreeTask *pts = xzalloc(tree->nr * sizeof(*pts));
	PstreeTask **ptp = xzalloc(tree->nr * sizeof(*ptp));
	int ret;

	for (size_t i = 0; i < tree->nr; i++) {
		const struct task *task = &tree->tasks[i];
		PstreeTask *pt = &pts[i];

		pstree_task__init(pt);
		ptp[i] = pt;
		pt->pid = task->vpid;
		pt->ppid = vpid_of(tree, task->ppid);
		pt->pgid = vpid_of(tree, task->pgid);
		pt->sid = vpid_of(tree, task->sid);
		if (tree->pidns && !task->zombie) {
			/* leaders outside the namespace are 0 inside it */
			pt->pgid = task->vpgid;
			pt->sid = task->vsid;
		}
		if (task->clone_fs)
			pt->has_clone_fs = pt->clone_fs = true;
		if (task->clone_files)
			pt->has_clone_files = pt->clone_files = true;
		if (task->zombie) {
			pt->has_zombie = pt->has_exit_status = true;
			pt->zombie = true;
			pt->exit_status = task->exit_status;
			continue;
		}
		pt->threads = xmalloc(task->nr_threads * sizeof(*pt->threads));
		for (size_t t = 0; t < task->nr_threads; t++)
			pt->threads[t] = task->threads[t].vtid;
		pt->n_threads = task->nr_threads;
	}
	if (check_sessions(tree, pts))
		ret = -1;
	else {
		pstree.tasks = ptp;
		pstree.n_tasks = tree->nr;
		ret = version_write_img(v, "pstree.img", IMG_PSTREE, &pstree.base);
	}
	for (size_t i = 0; i < tree->nr; i++)
		free(pts[i].threads);
	free(pts);
	free(ptp);
	return ret;
}

static int write_images(struct task *task, struct version *v)
{
	char name[64];

	snprintf(name, sizeof(name), "core-%d.img", task->vpid);
	if (version_write_img(v, name, IMG_CORE, &task->core->base))
		return -1;
	snprintf(name, sizeof(name), "mm-%d.img", task->vpid);
	if (version_write_img(v, name, IMG_MM, &task->mm->base))
		return -1;
	snprintf(name, sizeof(name), "files-%d.img", task->vpid);
	return version_write_img(v, name, IMG_FILES, &task->files->base);
}

static void fill_inventory(Inventory *inv, const struct dump_opts *o, const struct tree *tree,
			   uint64_t t_freeze, uint64_t freeze_ns, uint64_t t_start)
{
	const struct task *task = &tree->tasks[0];
	static struct utsname u;

	uname(&u);
	inv->format_version = IMAGE_FORMAT_VERSION;
	inv->ckpt_version = CKPT_VERSION;
	inv->kernel = u.release;
	inv->arch = u.machine;
	inv->xfeatures = xsave_features();
	inv->xsave_size = task->core->threads[0]->xstate.len;
	inv->time_ns = t_freeze;
	inv->root_pid = task->vpid;
	inv->has_pidns = tree->pidns != PIDNS_NONE;
	inv->pidns = tree->pidns;
	inv->leave_running = o->leave_running;
	inv->command = read_cmdline(task->pid);
	inv->has_freeze_ns = inv->has_dump_ns = true;
	inv->freeze_ns = freeze_ns;
	inv->dump_ns = now_ns(CLOCK_MONOTONIC) - t_start;
}

/* An incremental version: the earlier versions its pages come from, and
 * how much it stores and takes. */
static void fill_chain(Inventory *inv, const struct tree *tree)
{
	inv->has_pages_bytes = inv->has_pages_earlier = true;
	for (size_t i = 0; i < tree->nr; i++) {
		const MmEntry *mm = tree->tasks[i].mm;

		if (tree->tasks[i].zombie || !mm)
			continue;
		inv->pages_bytes += mm->pages_bytes;
		inv->pages_earlier += mm->pages_earlier;
		if (tree->tasks[i].base_mm) {
			inv->has_parent_version = true;
			inv->parent_version = tree->tasks[i].base;
		}
		for (size_t k = 0; k < mm->n_pages; k++) {
			const PageRun *run = mm->pages[k];
			size_t n = 0;

			if (!run->has_version)
				continue;
			while (n < inv->n_needs && inv->needs[n] != run->version)
				n++;
			if (n < inv->n_needs)
				continue;
			inv->needs = xrealloc(inv->needs, (n + 1) * sizeof(*inv->needs));
			inv->needs[inv->n_needs++] = run->version;
		}
	}
}

/* Processes made with CLONE_VM, CLONE_FILES or CLONE_FS (not threads) share
 * what ckpt restores per process.  An fd table or an fs shared with the
 * parent comes back (the child is made sharing it again); any other sharing
 * is refused by name rather than brought back apart.  Parents come before
 * children, so a table shared by a parent and its children, and theirs, is
 * found at its first holder and every later one is a child of a holder. */
static int refuse_shared_tables(const struct tree *tree, size_t i)
{
	static const struct { int type; const char *what; } kinds[] = {
		{ KCMP_VM, "its memory (CLONE_VM or vfork)" },
		{ KCMP_FILES, "its fd table (CLONE_FILES)" },
		{ KCMP_FS, "its cwd, root and umask (CLONE_FS)" },
	};
	struct task *t = (struct task *)&tree->tasks[i];

	/* cwd, root and umask shared with the parent (and so with whoever
	 * shares the parent's) come back with CLONE_FS */
	t->clone_fs = t->ppid && syscall(SYS_kcmp, t->pid, t->ppid, KCMP_FS, 0, 0) == 0;
	t->clone_files = t->ppid && syscall(SYS_kcmp, t->pid, t->ppid, KCMP_FILES, 0, 0) == 0;
	for (size_t o = 0; o < i; o++) {
		if (tree->tasks[o].zombie)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			if ((kinds[k].type == KCMP_FS && t->clone_fs) ||
			    (kinds[k].type == KCMP_FILES && t->clone_files))
				continue;
			if (syscall(SYS_kcmp, t->pid, tree->tasks[o].pid, kinds[k].type, 0, 0) == 0)
				return error("pid %d shares %s with pid %d, which ckpt cannot carry "
					     "yet", t->pid, kinds[k].what, tree->tasks[o].pid);
		}
	}
	return 0;
}

/*
 * The pages, the bulk of a dump, are copied by workers while this thread
 * goes on with the state of the next process: ptrace requests must come
 * from the thread that seized the tree, but process_vm_readv, pagemap and
 * the writes need no tracer.  Each worker copies on one core while its page
 * writer writes on another, so there are half as many workers as cores.
 */
#define MAX_PAGE_WORKERS 8

struct page_pool {
	struct version *v;
	struct task **queue;	/* pushed in order, taken in order */
	size_t pushed, taken;
	bool closing;
	bool failed;		/* a worker failed, or we did: the dump stops */
	pthread_mutex_t mu;
	pthread_cond_t changed;
	pthread_t threads[MAX_PAGE_WORKERS];
	int nr_threads;
};

static void *page_worker(void *arg)
{
	struct page_pool *pool = arg;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		while (pool->taken == pool->pushed && !pool->closing && !pool->failed)
			pthread_cond_wait(&pool->changed, &pool->mu);
		if (pool->taken == pool->pushed || pool->failed)
			break;
		struct task *task = pool->queue[pool->taken++];
		pthread_mutex_unlock(&pool->mu);
		int ret = dump_mm_pages(task, pool->v);
		pthread_mutex_lock(&pool->mu);
		if (ret)
			pool->failed = true;
		else
			task->pages_done = true;
		pthread_cond_broadcast(&pool->changed);
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

static int pool_start(struct page_pool *pool, struct version *v, size_t nr_tasks)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cpus > 1 ? cpus / 2 : 1;

	if (want > MAX_PAGE_WORKERS)
		want = MAX_PAGE_WORKERS;
	if ((size_t)want > nr_tasks)
		want = nr_tasks;
	memset(pool, 0, sizeof(*pool));
	pool->v = v;
	pool->queue = xmalloc(nr_tasks * sizeof(*pool->queue));
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->changed, NULL);
	for (int i = 0; i < want; i++) {
		if (pthread_create(&pool->threads[i], NULL, page_worker, pool))
			break;
		pool->nr_threads++;
	}
	if (!pool->nr_threads) {
		free(pool->queue);
		return error("cannot start a page worker");
	}
	pr_debug("%d page workers", pool->nr_threads);
	return 0;
}

/* false once a worker failed */
static bool pool_push(struct page_pool *pool, struct task *task)
{
	bool ok;

	pthread_mutex_lock(&pool->mu);
	ok = !pool->failed;
	if (ok)
		pool->queue[pool->pushed++] = task;
	pthread_cond_broadcast(&pool->changed);
	pthread_mutex_unlock(&pool->mu);
	return ok;
}

/* Wait until every process of the tree without a snapshot has its pages
 * written: then the tree may run on.  -1 if a worker failed. */
static int pool_wait_frozen_ones(struct page_pool *pool, const struct tree *tree)
{
	int ret = 0;

	pthread_mutex_lock(&pool->mu);
	for (size_t i = 0; i < tree->nr && !pool->failed; i++) {
		const struct task *t = &tree->tasks[i];

		while (!t->zombie && !t->snap_pid && !t->pages_done && !pool->failed)
			pthread_cond_wait(&pool->changed, &pool->mu);
	}
	if (pool->failed)
		ret = -1;
	pthread_mutex_unlock(&pool->mu);
	return ret;
}

/* Wait for the work queued (with `abandon`, only for the workers to stop);
 * -1 if any of it failed. */
static int pool_finish(struct page_pool *pool, bool abandon)
{
	if (!pool->queue)	/* finished already, or never started */
		return pool->failed ? -1 : 0;
	pthread_mutex_lock(&pool->mu);
	pool->closing = true;
	if (abandon)
		pool->failed = true;
	pthread_cond_broadcast(&pool->changed);
	pthread_mutex_unlock(&pool->mu);
	for (int i = 0; i < pool->nr_threads; i++)
		pthread_join(pool->threads[i], NULL);
	free(pool->queue);
	pool->queue = NULL;
	return pool->failed ? -1 : 0;
}

/* Every process of the tree: its state here, one after the other, its pages
 * by the workers meanwhile, then its images. */
static pid_t tree_vpid(pid_t pid, void *tree)
{
	return vpid_of(tree, pid);
}

/* A session leader whose controlling terminal is a pty of the tree takes
 * it again at restore (the other members share it). */
static int ctty_of_leaders(struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++) {
		struct task *task = &tree->tasks[i];
		struct proc_stat st;
		bool found;
		uint32_t index;

		if (task->zombie || task->sid != task->pid)
			continue;
		if (proc_parse_stat(task->pid, 0, &st))
			return -1;
		index = tty_ctty_pty(st.tty_nr, &tree->shared, &found);
		if (found) {
			task->files->has_ctty_pty = true;
			task->files->ctty_pty = index;
		}
	}
	return 0;
}

/* A process that shares its parent's fd table makes no fds of its own at
 * restore: it cannot hold one for the while to hand it down, nor take a
 * controlling terminal through one. */
static int refuse_in_shared_tables(const struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++) {
		const struct task *t = &tree->tasks[i];

		if (t->clone_files && t->files->has_ctty_pty)
			return error("pid %d shares its fd table with its parent and has a "
				     "controlling terminal of the tree's, which ckpt cannot carry "
				     "yet", t->pid);
		for (size_t f = 0; t->clone_files && f < t->files->n_fds; f++)
			if (t->files->fds[f]->transient)
				return error("pid %d shares its fd table with its parent, and an open "
					     "file must pass through it to processes below that did not "
					     "get it from it, which ckpt cannot carry yet", t->pid);
	}
	return 0;
}

/* The images of the tree, once every process's state is read: the checks
 * across the tree first (terminals, before the fds are written: which
 * ptys are the tree's, and whose controlling terminal they are). */
static int write_tree_images(struct tree *tree, struct version *v)
{
	if (tty_check_tree(&tree->shared, tree_vpid, tree) || ctty_of_leaders(tree))
		return -1;
	files_share_across(tree);
	if (refuse_in_shared_tables(tree))
		return -1;
	for (size_t i = 0; i < tree->nr; i++) {
		struct task *task = &tree->tasks[i];

		if (task->zombie)
			continue;
		if (write_images(task, v))
			return -1;
		pr_info("pid %d: %zu threads, %lu bytes of pages (and %lu in an ancestor's image)",
			task->pid, task->nr_threads, (unsigned long)task->mm->pages_bytes,
			(unsigned long)task->mm->pages_inherited);
	}
	if (files_check_tree(tree) || anon_check_tree(tree))
		return -1;
	files_mark_outside_pipes(tree);
	if (sk_check_tree(&tree->shared) || write_pstree(tree, v))
		return -1;
	return version_write_img(v, "shared.img", IMG_SHARED, &tree->shared.base);
}

/* Everything but the pages, which the pool's workers go on copying when
 * this returns 0: pool_finish() waits for them. */
static int dump_tree(struct tree *tree, struct version *v, struct track *tk, bool snap,
		     struct page_pool *pool)
{
	bool ok = true;

	if (pool_start(pool, v, tree->nr))
		return -1;
	for (size_t i = 0; ok && i < tree->nr; i++) {
		struct task *task = &tree->tasks[i];

		if (task->zombie)
			continue;
		/* Parents come first: their fds and pages are known by now. */
		const struct task *parent = NULL;
		for (size_t p = 0; p < i; p++)
			if (tree->tasks[p].pid == task->ppid && !tree->tasks[p].zombie)
				parent = &tree->tasks[p];
		task->parent_files = parent ? parent->files : NULL;
		task->shared = &tree->shared;
		track_attach(tk, task);
		ok = !refuse_shared_tables(tree, i) && !collect(task, parent, tk->want, snap) &&
		     !dump_mm_shmem(task, v) && !dump_files_data(task, v) && pool_push(pool, task);
	}
	if (!ok || write_tree_images(tree, v)) {
		pool_finish(pool, true);
		return -1;
	}
	return 0;
}

/* Some process has a snapshot: the tree may run on as soon as the pages of
 * the others are copied. */
static bool any_snapshot(const struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++)
		if (!tree->tasks[i].zombie && tree->tasks[i].snap_pid)
			return true;
	return false;
}

static void drop_snapshots(struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++)
		if (!tree->tasks[i].zombie)
			snapshot_drop(&tree->tasks[i]);
}

static void unmap_all_scratch(struct tree *tree)
{
	for (size_t i = 0; i < tree->nr; i++)
		if (!tree->tasks[i].zombie)
			unmap_scratch(&tree->tasks[i]);
}

/* Without -p: the job that `ckpt run -D DIR` (or a restore of it) left in
 * the store. */
static pid_t job_of_store(const char *dir)
{
	int fd = store_open(dir, false);
	pid_t job = fd >= 0 ? store_job(fd) : 0;

	if (fd >= 0)
		close(fd);
	if (job <= 0) {
		clear_error();
		return error("no pid given, and the store '%s' has no job of `ckpt run -D %s`",
			     dir, dir);
	}
	return job;
}

int dump(const struct dump_opts *o_in)
{
	struct dump_opts opts = *o_in, *o = &opts;
	struct tree tree = { 0 };
	struct version v;
	Inventory inv = INVENTORY__INIT;
	uint64_t t_start = now_ns(CLOCK_MONOTONIC), t_freeze, t_frozen;
	struct pidns_target ns;
	struct track tk;
	struct page_pool pool = { 0 };
	bool snap = o->leave_running && !o->frozen_copy, released = false;
	uint64_t freeze_ns = 0;
	int store_fd;

	if (!o->pid && (o->pid = job_of_store(o->dir)) < 0)
		return EXIT_NO_PROCESS;
	/* Being dumped by another ckpt: if into this store, the store's lock
	 * (--wait) orders us after it; asked again below. */
	int busy = check_dumpable(o->pid);
	if (busy == DUMP_BUSY)
		clear_error();
	else if (busy)
		return EXIT_NO_PROCESS;
	if (pidns_classify(o->pid, &ns))
		return EXIT_FAILED;
	store_fd = store_open(o->dir, true);
	if (store_fd < 0)
		return EXIT_STORE;
	if (version_begin(store_fd, &v, o->lock_wait_ms))
		return EXIT_STORE;
	if (busy && check_dumpable(o->pid)) {
		version_abort(&v);
		return EXIT_NO_PROCESS;
	}
	v.compress = o->compress;
	track_open(&tk, store_fd, !o->full, o->keep, o->leave_running && !o->no_track);
	log_open_file(v.dfd, "dump.log");
	pr_info("dumping pid %d into version %u of '%s'", o->pid, v.number, o->dir);

	t_freeze = now_ns(CLOCK_REALTIME);
	t_frozen = now_ns(CLOCK_MONOTONIC);
	if (ns.mode == PIDNS_CKPT_INIT)
		pr_info("pid %d lives in the pid namespace of ckpt's init %d: dumping all of it",
			o->pid, ns.init);
	else if (ns.mode == PIDNS_OWN_INIT)
		pr_info("pid %d is the init of its own pid namespace: dumping all of it", o->pid);
	if (plugins_start(o->plugins_dir, CKPT_STAGE_DUMP, o->leave_running, &v, -1))
		goto fail;
	if (seize_tree(&tree, o->pid, &ns))
		goto fail;
	pr_info("frozen %zu processes", tree.nr);
	for (size_t i = 0; i < tree.nr; i++)
		if (!tree.tasks[i].zombie && plugins_frozen(tree.tasks[i].pid))
			goto fail;
	sk_dump_lock_network(!o->leave_running);
	tty_dump_shell_job(o->shell_job);
	if (dump_tree(&tree, &v, &tk, snap, &pool))
		goto fail;
	/* Still frozen, every page found (and held by the snapshots, or
	 * copied below while frozen): the marks start anew. */
	track_arm(&tk, store_fd, &tree);
	if (snap && any_snapshot(&tree)) {
		/* The short freeze: the state is read, the snapshots hold the
		 * memory as it is now, the pages of the processes without one
		 * (a few to copy) are copied; the tree runs on while the rest
		 * is.  TCP connections leave repair mode before it runs. */
		if (pool_wait_frozen_ones(&pool, &tree))
			goto fail;
		sk_dump_end(false);
		tty_dump_end(false);
		if (unseize_tree(&tree, false))
			pr_warn("pid %d: resuming the processes failed", o->pid);
		released = true;
		freeze_ns = now_ns(CLOCK_MONOTONIC) - t_frozen;
		pr_info("running again after %.1f ms; its pages are copied from snapshots",
			freeze_ns / 1e6);
	} else if (snap) {
		pr_info("no process has a snapshot: the tree stays frozen while its pages are "
			"copied");
	}
	if (pool_finish(&pool, false))
		goto fail;
	if (!released)
		freeze_ns = now_ns(CLOCK_MONOTONIC) - t_frozen;
	drop_snapshots(&tree);
	fill_inventory(&inv, o, &tree, t_freeze, freeze_ns, t_start);
	inv.has_copied_running = true;
	inv.copied_running = released;
	plugins_record(&inv);
	fill_chain(&inv, &tree);
	log_close_file();
	/* The log is part of the version: verify finds a damaged byte anywhere. */
	uint64_t log_size, log_sum;
	if (file_checksum(v.dfd, "dump.log", &log_size, &log_sum) == 0)
		version_add_file(&v, "dump.log", log_size, log_sum);
	if (version_commit(&v, &inv)) {
		free(inv.command);
		free(inv.plugins);
		goto fail;
	}
	free(inv.command);
	free(inv.plugins);
	/* TCP connections leave repair mode before the job runs on, or stay
	 * in it as it goes, so that their peers hear nothing. */
	if (o->leave_running) {
		sk_dump_end(false);
		tty_dump_end(false);
	}
	if (unseize_tree(&tree, !o->leave_running))
		pr_warn("pid %d: the checkpoint is whole but resuming the processes failed", o->pid);
	sk_dump_end(true);
	tty_dump_end(true);
	plugins_dump_end(1);
	if (o->keep)
		store_prune(store_fd, o->keep);
	if (tk.want)
		track_commit(&tk, store_fd, &tree, v.number);
	else
		track_stop(&tk, store_fd);
	track_close(&tk);
	plugins_stop(1);
	pr_info("pid %d: version %u written (%s); frozen for %.1f ms", o->pid, v.number,
		inv.has_parent_version ? "incremental" : "full", freeze_ns / 1e6);
	free(inv.needs);
	return EXIT_OK;
fail:
	pool_finish(&pool, true);
	drop_snapshots(&tree);
	sk_dump_end(false);
	tty_dump_end(false);
	netlock_del(tree.shared.netlock);
	unmap_all_scratch(&tree);
	unseize_tree(&tree, false);
	plugins_dump_end(0);
	track_close(&tk);
	plugins_stop(0);
	log_close_file();
	version_abort(&v);
	return EXIT_FAILED;
}
