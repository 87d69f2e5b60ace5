/*
 * Write tracking between dumps (track.h): the userfaultfds, the holder that
 * keeps them, and DIR/track.img.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "image.h"
#include "log.h"
#include "mm.h"
#include "pagemap.h"
#include "proc.h"
#include "store.h"
#include "track.h"
#include "util.h"

#define TRACK_FILE	"track.img"
#define HOLDER_NAME	"ckpt-track"
#define HOLD_FD_BASE	3	/* the holder's fds: uffd at 3 + 2i, the pidfd at 4 + 2i */

static uint64_t start_time_of(pid_t pid)
{
	struct proc_stat st;

	if (proc_parse_stat(pid, pid, &st)) {
		clear_error();
		return 0;
	}
	return st.start_time;
}

/* The holder the state names, if it is still that process: its pidfd. */
static int holder_pidfd(const TrackState *s)
{
	struct proc_stat st;
	int fd;

	if (s->holder <= 0 || proc_parse_stat(s->holder, s->holder, &st)) {
		clear_error();
		return -1;
	}
	if (st.start_time != s->holder_start || strcmp(st.comm, HOLDER_NAME))
		return -1;
	fd = syscall(SYS_pidfd_open, s->holder, 0);
	/* (it may have exited just now: then its fds are gone too) */
	return fd;
}

static int write_state(int store_fd, const TrackState *s)
{
	char tmp[64];
	int ret;

	snprintf(tmp, sizeof(tmp), ".%s-%d", TRACK_FILE, getpid());
	unlinkat(store_fd, tmp, 0);
	ret = img_write(store_fd, tmp, IMG_TRACK, &s->base, NULL, NULL);
	if (ret == 0 && renameat(store_fd, tmp, store_fd, TRACK_FILE) == 0 && fsync(store_fd) == 0)
		return 0;
	unlinkat(store_fd, tmp, 0);
	return -1;
}

void track_open(struct track *t, int store_fd, bool use, unsigned max_chain, bool want)
{
	unsigned latest = store_latest(store_fd);

	memset(t, 0, sizeof(*t));
	t->use = use;
	t->want = want;
	t->holder_pidfd = t->base_dfd = -1;
	if (faccessat(store_fd, TRACK_FILE, F_OK, 0))
		return;
	t->state = img_read(store_fd, TRACK_FILE, IMG_TRACK, &track_state__descriptor);
	if (!t->state) {
		pr_warn("the store's write tracking is unreadable (%s): this dump is a full one",
			first_error());
		clear_error();
		return;
	}
	/* (no holder: every process is tracked by soft-dirty bits) */
	t->holder_pidfd = t->state->holder ? holder_pidfd(t->state) : -1;
	if (t->state->holder && t->holder_pidfd < 0) {
		pr_info("write tracking: its holder (pid %d) is gone: a full dump",
			t->state->holder);
		track_state__free_unpacked(t->state, NULL);
		t->state = NULL;
		return;
	}
	if (!use)
		return;
	if (!t->state->armed) {
		pr_info("write tracking: an earlier dump did not finish: a full dump");
		return;
	}
	if (t->state->base_version != latest) {
		pr_info("write tracking counts from version %u, the newest is %u: a full dump",
			t->state->base_version, latest);
		return;
	}
	Inventory *inv;
	t->base_dfd = version_open(store_fd, latest, false, &inv, NULL);
	if (t->base_dfd < 0) {
		pr_info("write tracking: version %u cannot be opened (%s): a full dump", latest,
			first_error());
		clear_error();
		return;
	}
	/* the base, what it needs, and this one */
	if (max_chain && inv->n_needs + 2 > max_chain) {
		pr_info("an incremental dump would need %zu versions, more than --keep %u: a "
			"full dump", inv->n_needs + 2, max_chain);
		close(t->base_dfd);
		t->base_dfd = -1;
	} else {
		t->base = latest;
	}
	inventory__free_unpacked(inv, NULL);
}

void track_attach(struct track *t, struct task *task)
{
	const TrackedTask *tt = NULL;
	char name[64];

	task->uffd = task->held_fd = -1;
	task->soft_dirty = false;
	task->base_mm = NULL;
	task->base = 0;
	if (!(t->want || t->use) || !t->state)
		return;
	for (size_t i = 0; i < t->state->n_tasks; i++)
		if (t->state->tasks[i]->pid == task->pid)
			tt = t->state->tasks[i];
	if (!tt || tt->start != start_time_of(task->pid))
		return;		/* not tracked, or another process with its pid */
	if (tt->soft_dirty) {
		task->soft_dirty = true;
	} else {
		task->uffd = syscall(SYS_pidfd_getfd, t->holder_pidfd, tt->uffd, 0);
		if (task->uffd < 0) {
			pr_info("pid %d: cannot take its write tracking from the holder: %s",
				task->pid, strerror(errno));
			return;
		}
		task->held_fd = tt->uffd;
	}
	if (t->base_dfd < 0)
		return;
	snprintf(name, sizeof(name), "mm-%d.img", task->vpid);
	task->base_mm = img_read(t->base_dfd, name, IMG_MM, &mm_entry__descriptor);
	if (!task->base_mm) {
		pr_info("pid %d: no memory map in version %u (%s): its pages in full", task->pid,
			t->base, first_error());
		clear_error();
		return;
	}
	task->base = t->base;
}

/* Where userfaultfd cannot track (a kernel without it, a seccomp filter of
 * a container's that forbids it): the kernel's soft-dirty bits, if it keeps
 * them.  Nothing to hold between dumps: the bits are in the page tables. */
static void use_soft_dirty(struct task *task)
{
	if (!check_soft_dirty()) {
		pr_info("pid %d: no soft-dirty bits in this kernel either: its next dump is a "
			"full one", task->pid);
		return;
	}
	task->soft_dirty = true;
	pr_info("pid %d: tracked by soft-dirty bits", task->pid);
}

void track_make_uffd(struct task *task)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
	};
	long fd, r;

	if (task->uffd >= 0 || task->soft_dirty)
		return;
	/* It must be the task's own: a userfaultfd is of the memory of the
	 * process that makes it.  User-mode faults only is all that tracking
	 * needs (async mode resolves every fault in the kernel), and needs no
	 * privilege. */
	if (task_syscall(task, &task->threads[0], SYS_userfaultfd, &fd,
			 O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0, 0, 0, 0, 0) || fd < 0) {
		clear_error();
		pr_info("pid %d: no userfaultfd (%s)", task->pid,
			fd < 0 ? strerror(-fd) : "the call failed");
		use_soft_dirty(task);
		return;
	}
	task->uffd = grab_fd(task->pid, fd);
	if (task_syscall(task, &task->threads[0], SYS_close, &r, fd, 0, 0, 0, 0, 0) || r) {
		clear_error();
		pr_warn("pid %d: cannot close the userfaultfd made in it (fd %ld)", task->pid, fd);
	}
	if (task->uffd >= 0 && ioctl(task->uffd, UFFDIO_API, &api)) {
		pr_info("pid %d: userfaultfd without write-protect async mode (%s)", task->pid,
			strerror(errno));
		close(task->uffd);
		task->uffd = -1;
	}
	if (task->uffd < 0)
		use_soft_dirty(task);
}

bool track_register(struct task *task, const VmaEntry *e)
{
	struct uffdio_register reg = {
		.range = { e->start, e->end - e->start },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	/* Soft-dirty bits are in every page table entry: no registering. */
	if (task->soft_dirty)
		return e->kind == VMA_ANON_PRIVATE || e->kind == VMA_FILE_PRIVATE;

	/* Registering again with the same userfaultfd is allowed: a success
	 * also says the area is ours, not another tracker's (EBUSY). */
	if (task->uffd < 0 || e->kind != VMA_ANON_PRIVATE)
		return false;
	if (ioctl(task->uffd, UFFDIO_REGISTER, &reg) == 0)
		return true;
	pr_debug("pid %d: area %#lx-%#lx not tracked: %s", task->pid, (unsigned long)e->start,
		 (unsigned long)e->end, strerror(errno));
	return false;
}

/* Write-protect every page of a tracked area: written pages found and
 * protected in one walk. */
static int protect_area(int pagemap_fd, const VmaEntry *e)
{
	struct page_region regions[64];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.start = e->start,
		.end = e->end,
		.vec = (uint64_t)regions,
		.vec_len = ARRAY_SIZE(regions),
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};

	while (arg.start < arg.end) {
		if (ioctl(pagemap_fd, PAGEMAP_SCAN, &arg) < 0)
			return -1;
		if (arg.walk_end <= arg.start)
			break;
		arg.start = arg.walk_end;
	}
	return 0;
}

/* Every soft-dirty bit of the task cleared: the next write sets it again. */
static void clear_soft_dirty(struct task *task)
{
	char path[64];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", task->pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "4", 1) != 1) {
		pr_info("pid %d: cannot clear its soft-dirty bits (%s): not tracked", task->pid,
			strerror(errno));
		task->soft_dirty = false;
	}
}

void track_arm(struct track *t, int store_fd, struct tree *tree)
{
	if (!t->want)
		return;
	/* From here the marks since the base are being reset. */
	if (t->state && t->state->armed) {
		t->state->armed = false;
		if (write_state(store_fd, t->state))
			pr_warn("cannot mark the store's write tracking as reset: %s",
				strerror(errno));
	}
	for (size_t i = 0; i < tree->nr; i++) {
		struct task *task = &tree->tasks[i];
		char path[64];
		cleanup_close int pm = -1;

		if (!task->zombie && task->soft_dirty)
			clear_soft_dirty(task);
		if (task->zombie || task->uffd < 0 || !task->tracked)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/pagemap", task->pid);
		pm = open(path, O_RDONLY | O_CLOEXEC);
		for (size_t k = 0; k < task->mm->n_vmas; k++)
			if (task->tracked[k] && (pm < 0 || protect_area(pm, task->mm->vmas[k]))) {
				pr_info("pid %d: cannot write-protect %#lx-%#lx: %s: not tracked",
					task->pid, (unsigned long)task->mm->vmas[k]->start,
					(unsigned long)task->mm->vmas[k]->end, strerror(errno));
				close(task->uffd);
				task->uffd = -1;
				break;
			}
	}
}

/* A new holder with the given fds (uffd, pidfd pairs); its pid. */
static pid_t spawn_holder(const int *fds, size_t n)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	/* Above everything first: the targets may be any of our numbers. */
	int top = HOLD_FD_BASE + (int)n + 64, moved[n];

	for (size_t i = 0; i < n; i++)
		if ((moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, top)) < 0)
			_exit(1);
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(1);
	for (size_t i = 0; i < n; i++)
		if (dup2(moved[i], HOLD_FD_BASE + i) < 0)
			_exit(1);
	syscall(SYS_close_range, HOLD_FD_BASE + n, ~0U, 0);
	setsid();
	if (chdir("/"))
		_exit(1);
	execl("/proc/self/exe", "ckpt", "track-hold", (char *)NULL);
	_exit(1);
}

void track_commit(struct track *t, int store_fd, struct tree *tree, unsigned version)
{
	TrackState s = TRACK_STATE__INIT;
	int *fds = xmalloc(2 * tree->nr * sizeof(int));
	size_t n = 0;
	bool all_held = t->holder_pidfd >= 0;
	pid_t holder;

	if (!t->want)
		return;
	s.tasks = xmalloc(tree->nr * sizeof(*s.tasks));
	for (size_t i = 0; i < tree->nr; i++) {
		struct task *task = &tree->tasks[i];
		int pidfd;

		if (!task->zombie && task->soft_dirty) {
			TrackedTask *tt = xmalloc(sizeof(*tt));
			tracked_task__init(tt);
			tt->pid = task->pid;
			tt->start = start_time_of(task->pid);
			tt->uffd = -1;
			tt->has_soft_dirty = tt->soft_dirty = true;
			s.tasks[s.n_tasks++] = tt;
			continue;
		}
		if (task->zombie || task->uffd < 0)
			continue;
		pidfd = syscall(SYS_pidfd_open, task->pid, 0);
		if (pidfd < 0)
			continue;
		TrackedTask *tt = xmalloc(sizeof(*tt));
		tracked_task__init(tt);
		tt->pid = task->pid;
		tt->start = start_time_of(task->pid);
		tt->uffd = task->held_fd >= 0 ? task->held_fd : HOLD_FD_BASE + (int)n;
		all_held &= task->held_fd >= 0;
		s.tasks[s.n_tasks++] = tt;
		fds[n++] = task->uffd;
		fds[n++] = pidfd;
	}
	if (!s.n_tasks) {
		pr_info("no process of the tree is tracked: the next dump is a full one");
		track_stop(t, store_fd);
		goto out;
	}
	/* Soft-dirty bits only: nothing to hold. */
	if (!n) {
		s.base_version = version;
		s.armed = true;
		if (write_state(store_fd, &s))
			pr_warn("cannot record the write tracking in the store: %s",
				strerror(errno));
		if (t->holder_pidfd >= 0)
			syscall(SYS_pidfd_send_signal, t->holder_pidfd, SIGKILL, NULL, 0);
		pr_info("%zu processes tracked by soft-dirty bits for the next dump", s.n_tasks);
		goto out;
	}
	/* The holder has them all already: it goes on. */
	if (all_held) {
		s.holder = t->state->holder;
		s.holder_start = t->state->holder_start;
		s.base_version = version;
		s.armed = true;
		if (write_state(store_fd, &s))
			pr_warn("cannot record the write tracking in the store: %s",
				strerror(errno));
		goto out;
	}
	/* A new one with every fd, held ones too (numbered anew). */
	for (size_t i = 0, k = 0; i < s.n_tasks; i++)
		if (!s.tasks[i]->soft_dirty)
			s.tasks[i]->uffd = HOLD_FD_BASE + 2 * k++;
	holder = spawn_holder(fds, n);
	if (holder < 0) {
		pr_warn("cannot start the holder of the write tracking: %s", strerror(errno));
		goto out;
	}
	s.holder = holder;
	s.holder_start = start_time_of(holder);
	s.base_version = version;
	s.armed = true;
	/* The holder is ours only once it has its name: wait a little. */
	for (int i = 0; i < 500; i++) {
		struct proc_stat st;

		if (proc_parse_stat(holder, holder, &st) == 0 && !strcmp(st.comm, HOLDER_NAME))
			break;
		clear_error();
		sleep_ms(1);
	}
	if (write_state(store_fd, &s)) {
		pr_warn("cannot record the write tracking in the store: %s", strerror(errno));
		kill(holder, SIGKILL);
		goto out;
	}
	pr_info("%zu processes tracked for the next dump (holder pid %d)", s.n_tasks, holder);
	/* The old holder's fds are the new one's now too. */
	if (t->holder_pidfd >= 0)
		syscall(SYS_pidfd_send_signal, t->holder_pidfd, SIGKILL, NULL, 0);
out:
	for (size_t i = 1; i < n; i += 2)
		close(fds[i]);
	for (size_t i = 0; i < s.n_tasks; i++)
		free(s.tasks[i]);
	free(s.tasks);
	free(fds);
}

void track_stop(struct track *t, int store_fd)
{
	if (t->holder_pidfd >= 0)
		syscall(SYS_pidfd_send_signal, t->holder_pidfd, SIGKILL, NULL, 0);
	if (unlinkat(store_fd, TRACK_FILE, 0) == 0)
		fsync(store_fd);
}

void track_close(struct track *t)
{
	if (t->state)
		track_state__free_unpacked(t->state, NULL);
	if (t->holder_pidfd >= 0)
		close(t->holder_pidfd);
	if (t->base_dfd >= 0)
		close(t->base_dfd);
	t->state = NULL;
	t->holder_pidfd = t->base_dfd = -1;
}

/* The holder: its fds are (uffd, pidfd) pairs from HOLD_FD_BASE on.  It
 * keeps each userfaultfd open until its process exits, and ends with the
 * last. */
int track_hold_main(void)
{
	struct pollfd pf[1024];
	size_t n = 0;

	prctl(PR_SET_NAME, HOLDER_NAME);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	for (int fd = HOLD_FD_BASE; n < ARRAY_SIZE(pf) && fcntl(fd + 1, F_GETFD) >= 0; fd += 2) {
		pf[n].fd = fd + 1;
		pf[n].events = POLLIN;
		n++;
	}
	for (size_t live = n; live; ) {
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (size_t i = 0; i < n; i++)
			if (pf[i].fd >= 0 && pf[i].revents) {
				close(pf[i].fd - 1);	/* its userfaultfd */
				close(pf[i].fd);
				pf[i].fd = -1;
				live--;
			}
	}
	return 0;
}
