/*
 * File descriptors: the dispatch on the /proc/PID/fd link, pipes and
 * eventfds, the restore of every fd in the new process, and open files
 * shared across the tree.  Whatever has a path is files-reg.c's (ttys
 * tty.c's), sockets are sockets.c's, epoll files-epoll.c's, the other
 * anonymous inodes files-anon.c's.  The rest (io_uring, userfaultfd,
 * perf_event ...) is refused by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "log.h"
#include "files.h"
#include "objects.h"
#include "proc.h"
#include "sockets.h"
#include "tty.h"
#include "util.h"

/*
 * A pipe end.  The pipe itself (its size and unread data) goes to the tree's
 * shared objects once, whoever holds it: the data is copied with tee() from
 * a read end of our own, which leaves it in the pipe.
 */
static PipeEntry *find_pipe(SharedEntry *sh, uint64_t ino)
{
	for (size_t i = 0; i < sh->n_pipes; i++)
		if (sh->pipes[i]->ino == ino)
			return sh->pipes[i];
	return NULL;
}

int read_pipe(struct task *task, int fd, PipeEntry *pe)
{
	char path[64];
	cleanup_close int rfd = -1;
	int tmp[2];
	long size;
	ssize_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", task->pid, fd);
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rfd < 0)
		return error_errno("pid %d: fd %d: cannot open its pipe", task->pid, fd);
	size = fcntl(rfd, F_GETPIPE_SZ);
	if (size < 0 || pipe2(tmp, O_NONBLOCK | O_CLOEXEC))
		return error_errno("pid %d: fd %d: cannot look into its pipe", task->pid, fd);
	pe->size = size;
	pe->data.data = xmalloc(size);
	if (fcntl(tmp[1], F_SETPIPE_SZ, size) >= size) {
		ssize_t t = tee(rfd, tmp[1], size, SPLICE_F_NONBLOCK);

		n = t > 0 ? read(tmp[0], pe->data.data, t) : 0;
		if (t < 0 && errno != EAGAIN)
			n = -1;
	} else {
		n = -1;
	}
	close(tmp[0]);
	close(tmp[1]);
	if (n < 0)
		return error_errno("pid %d: fd %d: cannot copy the data in its pipe", task->pid, fd);
	pe->data.len = n;
	return 0;
}

static int dump_pipe(struct task *task, int fd, const char *link, unsigned flags, FdEntry *e)
{
	uint64_t ino = strtoull(link + 6, NULL, 10);	/* "pipe:[INO]" */
	SharedEntry *sh = task->shared;
	PipeEntry *pe;

	if (!sh)
		return error("pid %d: fd %d is a pipe, and no tree to keep it in", task->pid, fd);
	e->kind = FD_PIPE;
	e->has_pipe_ino = true;
	e->pipe_ino = ino;
	pe = find_pipe(sh, ino);
	if (!pe) {
		pe = xmalloc(sizeof(*pe));
		pipe_entry__init(pe);
		pe->ino = ino;
		sh->pipes = xrealloc(sh->pipes, (sh->n_pipes + 1) * sizeof(pe));
		sh->pipes[sh->n_pipes++] = pe;
		if (read_pipe(task, fd, pe))
			return -1;
	}
	if ((flags & O_ACCMODE) == O_WRONLY)
		pe->flags_w = flags & O_NONBLOCK;
	else
		pe->flags_r = flags & O_NONBLOCK;
	return 0;
}

/* What every fd without a path of its own keeps: number, link, flags. */
static int fd_common(pid_t pid, int fd, const char *link, const struct stat *st,
		     struct proc_fdinfo *fi, FdEntry *e)
{
	if (proc_parse_fdinfo(pid, fd, fi))
		return -1;
	e->fd = fd;
	e->path = xstrdup(link);
	e->flags = fi->flags;
	e->mode = st->st_mode;
	return 0;
}

static int dump_one_fd(struct task *task, int fd, FdEntry *e)
{
	char path[64], link[4096];
	struct proc_fdinfo fi;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", task->pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return error_errno("pid %d: fd %d: cannot read its link", task->pid, fd);
	link[n] = 0;
	if (stat(path, &st))
		return error_errno("pid %d: fd %d (%s): cannot stat it", task->pid, fd, link);
	if (!strncmp(link, "pipe:[", 6)) {
		if (fd_common(task->pid, fd, link, &st, &fi, e))
			return -1;
		return dump_pipe(task, fd, link, fi.flags, e);
	}
	if (!strncmp(link, "socket:[", 8)) {
		if (fd_common(task->pid, fd, link, &st, &fi, e))
			return -1;
		return dump_socket(task->pid, fd, link, task->shared, e);
	}
	if (!strcmp(link, "anon_inode:[eventpoll]")) {
		if (fd_common(task->pid, fd, link, &st, &fi, e))
			return -1;
		return dump_epoll(task->pid, fd, e);
	}
	if (!strcmp(link, "anon_inode:[signalfd]") || !strcmp(link, "anon_inode:[timerfd]") ||
	    !strcmp(link, "anon_inode:inotify") || !strcmp(link, "anon_inode:[fanotify]")) {
		if (fd_common(task->pid, fd, link, &st, &fi, e))
			return -1;
		return link[11] == 'i' ? dump_inotify(task->pid, fd, e) :
		       link[12] == 'f' ? dump_fanotify(task->pid, fd, e) :
		       link[12] == 's' ? dump_signalfd(task->pid, fd, e) :
		       dump_timerfd(task->pid, fd, e);
	}
	if (!strcmp(link, "anon_inode:[eventfd]")) {
		if (fd_common(task->pid, fd, link, &st, &fi, e))
			return -1;
		if (!fi.eventfd)
			return error("pid %d: fd %d: its eventfd count is not in fdinfo", task->pid, fd);
		e->kind = FD_EVENTFD;
		e->has_eventfd_count = e->has_eventfd_semaphore = true;
		e->eventfd_count = fi.eventfd_count;
		e->eventfd_semaphore = fi.eventfd_semaphore;
		return 0;
	}
	/* A path: a file, a directory, a device (files-reg.c). */
	if (link[0] == '/')
		return dump_path_fd(task, fd, link, &st, e);
	if (!strncmp(link, "anon_inode:", 11))
		return error("pid %d: fd %d is an anonymous inode (%.100s) (%s), which ckpt cannot "
			     "carry yet", task->pid, fd, link + 11, link);
	return error("pid %d: fd %d (%s) is not a file ckpt can reopen", task->pid, fd, link);
}

/* Two fds of one open file description share offset and flags: dup, do
 * not reopen.  kcmp() tells. */
static int find_dup(struct task *task, FilesEntry *files, int fd)
{
	for (size_t i = 0; i < files->n_fds; i++) {
		FdEntry *e = files->fds[i];
		long r;

		if (e->has_dup_of)
			continue;
		r = syscall(SYS_kcmp, task->pid, task->pid, KCMP_FILE, e->fd, fd);
		if (r < 0)
			return error_errno("pid %d: kcmp of fds %d and %d", task->pid, e->fd, fd), -2;
		if (r == 0)
			return e->fd;
	}
	return -1;
}

/* An open file description the parent holds too (inherited at fork, most
 * likely): the child gets it the same way at restore, so that they share
 * one offset.  Returns the parent's fd, -1 if none, -2 on error. */
static int find_in_parent(struct task *task, int fd)
{
	if (!task->ppid || !task->parent_files)
		return -1;
	for (size_t i = 0; i < task->parent_files->n_fds; i++) {
		const FdEntry *pe = task->parent_files->fds[i];
		long r = syscall(SYS_kcmp, task->pid, task->ppid, KCMP_FILE, fd, pe->fd);

		if (r == 0)
			return pe->fd;
	}
	return -1;
}

int dump_files(struct task *task)
{
	FilesEntry *files = xmalloc(sizeof(*files));
	int *fds;
	size_t n;

	files_entry__init(files);
	task->files = files;
	if (proc_list_fds(task->pid, &fds, &n))
		return -1;
	files->fds = xzalloc(n * sizeof(*files->fds));
	for (size_t i = 0; i < n; i++) {
		FdEntry *e = xmalloc(sizeof(*e));

		fd_entry__init(e);
		if (dump_one_fd(task, fds[i], e)) {
			free(fds);
			return -1;
		}
		int dup = find_dup(task, files, fds[i]);
		int inherit = dup == -1 ? find_in_parent(task, fds[i]) : -1;
		files->fds[files->n_fds++] = e;
		if (inherit >= 0) {
			e->has_inherit_fd = true;
			e->inherit_fd = inherit;
		}
		if (dup >= 0) {
			e->has_dup_of = true;
			e->dup_of = dup;
		} else if (dup < -1) {
			free(fds);
			return -1;
		}
	}
	free(fds);
	return 0;
}

/* Kinds whose open file the restore makes in the process itself (not a
 * shared object of the restorer's, already one by its inode), and that a
 * holder's parent can make too (an epoll's targets are its own fds). */
static bool kind_passes_down(unsigned kind)
{
	return kind == FD_REG || kind == FD_DIR || kind == FD_CHR || kind == FD_EVENTFD ||
	       kind == FD_SIGNALFD || kind == FD_TIMERFD || kind == FD_INOTIFY ||
	       kind == FD_FANOTIFY || kind == FD_OPATH || kind == FD_PTY_SLAVE;
}

static ssize_t index_of(const struct tree *tree, pid_t pid)
{
	for (size_t i = 0; pid && i < tree->nr; i++)
		if (tree->tasks[i].pid == pid)
			return i;
	return -1;
}

static FdEntry *add_transient(struct task *t, const FdEntry *like, int fd, int inherit)
{
	FdEntry *e = xmalloc(sizeof(*e));

	*e = *like;	/* shares its strings and sub-messages: all are read-only */
	e->fd = fd;
	e->has_dup_of = false;
	e->has_inherit_fd = inherit >= 0;
	e->inherit_fd = inherit;
	e->has_transient = e->transient = true;
	e->flags &= ~O_CLOEXEC;
	e->n_locks = 0;		/* POSIX locks are the holder's own */
	e->locks = NULL;
	t->files->fds = xrealloc(t->files->fds, (t->files->n_fds + 1) * sizeof(e));
	t->files->fds[t->files->n_fds++] = e;
	return e;
}

/* The fd by which task i gets the open file that its ancestor `top` holds
 * at `src`: through every process in between, each holding it for the
 * while as `num` (transient); returns the number in i's parent. */
static int pass_down(struct tree *tree, size_t top, int src, size_t i, int num, const FdEntry *like)
{
	ssize_t p = index_of(tree, tree->tasks[i].ppid);
	int from;

	if (p < 0)
		return -1;
	if ((size_t)p == top)
		return src;
	from = pass_down(tree, top, src, p, num, like);
	if (from < 0)
		return -1;
	/* made once per number in each process */
	for (size_t k = 0; k < tree->tasks[p].files->n_fds; k++)
		if (tree->tasks[p].files->fds[k]->fd == num)
			return num;
	add_transient(&tree->tasks[p], like, num, from);
	return num;
}

static bool is_ancestor(const struct tree *tree, size_t a, size_t i)
{
	for (ssize_t p = index_of(tree, tree->tasks[i].ppid); p >= 0;
	     p = index_of(tree, tree->tasks[p].ppid))
		if ((size_t)p == a)
			return true;
	return false;
}

/*
 * An open file two processes share although neither got it from the other
 * (siblings whose parent closed its own, an orphan and its new parent's
 * tree): found with kcmp across the whole tree once it is dumped.  It is
 * made in their nearest common ancestor, which holds it for the while as a
 * transient fd, and handed down to both through inherit_fd, so that they
 * share one offset again.  With no common ancestor in the tree (children
 * of ckpt's init), each keeps its own, as the log says.
 */
void files_share_across(struct tree *tree)
{
	/* open files already made in an ancestor: reused for the next sharer */
	struct { const FdEntry *holder; size_t top; int src; } made[64];
	size_t nr_made = 0;
	int next = 0;

	for (size_t i = 0; i < tree->nr; i++)
		if (!tree->tasks[i].zombie && files_max_fd(tree->tasks[i].files) >= next)
			next = files_max_fd(tree->tasks[i].files) + 1;
	next += 16;
	for (size_t i = 0; i < tree->nr; i++) {
		struct task *t = &tree->tasks[i];

		for (size_t f = 0; !t->zombie && f < t->files->n_fds; f++) {
			FdEntry *e = t->files->fds[f];

			if (e->has_dup_of || e->has_inherit_fd || e->transient ||
			    !kind_passes_down(e->kind))
				continue;
			for (size_t j = 0; j < i; j++) {
				struct task *o = &tree->tasks[j];
				size_t top;
				int src, num, from;
				FdEntry *oe = NULL;

				for (size_t g = 0; !o->zombie && g < o->files->n_fds && !oe; g++) {
					FdEntry *c = o->files->fds[g];

					/* one open file is one kind of one path: kcmp only those */
					if (!c->transient && !c->has_dup_of && c->kind == e->kind &&
					    !strcmp(c->path, e->path) &&
					    syscall(SYS_kcmp, t->pid, o->pid, KCMP_FILE, e->fd, c->fd) == 0)
						oe = c;
				}
				if (!oe)
					continue;
				for (size_t m = 0; m < nr_made; m++)
					if (made[m].holder == oe && (made[m].top == i ||
					    is_ancestor(tree, made[m].top, i))) {
						from = pass_down(tree, made[m].top, made[m].src, i,
								 made[m].src, e);
						e->has_inherit_fd = from >= 0;
						e->inherit_fd = from;
						goto shared;
					}
				/* the nearest ancestor of i that is j or an ancestor of j */
				if (is_ancestor(tree, j, i)) {
					top = j;
				} else {
					ssize_t a = index_of(tree, t->ppid);

					while (a >= 0 && !is_ancestor(tree, a, j))
						a = index_of(tree, tree->tasks[a].ppid);
					if (a < 0) {
						pr_info("pid %d fd %d and pid %d fd %d are one open file with no "
							"common ancestor in the tree: restored as two", t->pid,
							e->fd, o->pid, oe->fd);
						break;
					}
					top = a;
				}
				if (top == j) {
					src = oe->fd;
				} else {
					/* the ancestor makes it, and j gets it from there */
					src = next++;
					add_transient(&tree->tasks[top], oe, src, -1);
					num = src;
					from = pass_down(tree, top, src, j, num, oe);
					oe->has_inherit_fd = from >= 0;
					oe->inherit_fd = from;
					if (nr_made < ARRAY_SIZE(made))
						made[nr_made++] = (typeof(made[0])){ oe, top, src };
				}
				num = src == oe->fd ? next++ : src;
				from = pass_down(tree, top, src, i, num, e);
				e->has_inherit_fd = from >= 0;
				e->inherit_fd = from;
				pr_info("pid %d fd %d shares its open file with pid %d fd %d: made by pid %d",
					t->pid, e->fd, o->pid, oe->fd, tree->tasks[top].pid);
shared:
				break;
			}
		}
	}
}

void files_close_transient(const FilesEntry *files)
{
	for (size_t i = 0; i < files->n_fds; i++)
		if (files->fds[i]->transient)
			close(files->fds[i]->fd);
}

int files_max_fd(const FilesEntry *files)
{
	int max = -1;

	for (size_t i = 0; i < files->n_fds; i++)
		if (files->fds[i]->fd > max)
			max = files->fds[i]->fd;
	return max;
}

/* Where the restorer put pipe `ino` for us: base + 2 * index (+1: the
 * write end). */
static int shared_pipe_fd(const SharedEntry *sh, int base, uint64_t ino, bool write_end)
{
	for (size_t i = 0; sh && i < sh->n_pipes; i++)
		if (sh->pipes[i]->ino == ino)
			return base + 2 * i + write_end;
	return -1;
}

/* Runs in the new child: the fd table holds only the restorer's helper fds,
 * all above every fd of the image. */
int restore_files_inside(const FilesEntry *files, const int *inherited, const SharedEntry *sh,
			 int shared_base, char *err, size_t errlen)
{
	int pty_base = shared_base + shared_pty_base(sh);

	/* A session leader's controlling terminal, before its children come:
	 * they share it. */
	if (files->has_ctty_pty &&
	    ioctl(tty_pty_slot(sh, pty_base, files->ctty_pty, true), TIOCSCTTY, 0)) {
		snprintf(err, errlen, "cannot take pty %u as the controlling terminal again: %s",
			 files->ctty_pty, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < files->n_fds; i++) {
		const FdEntry *e = files->fds[i];
		int fd;

		if (e->has_inherit_fd && inherited && inherited[i] >= 0) {
			/* The parent's open file, kept aside for us since the fork. */
			if (dup2(inherited[i], e->fd) < 0 ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot take the parent's fd %d: %s",
					 e->fd, e->inherit_fd, strerror(errno));
				return -1;
			}
			close(inherited[i]);
			continue;
		}

		if (e->kind == FD_PIPE && !e->has_dup_of && !(e->has_inherit_fd && inherited &&
							      inherited[i] >= 0)) {
			int from = shared_pipe_fd(sh, shared_base, e->pipe_ino,
						  (e->flags & O_ACCMODE) == O_WRONLY);

			if (from < 0 || dup2(from, e->fd) < 0 ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot take pipe %lu: %s", e->fd,
					 (unsigned long)e->pipe_ino, from < 0 ? "not made" : strerror(errno));
				return -1;
			}
			continue;
		}
		if ((e->kind == FD_UNIX_SK || e->kind == FD_INET_SK) && !e->has_dup_of) {
			/* the restorer's socket; its status flags are the one file's */
			int from = sk_slot(sh, shared_base + shared_sk_base(sh), e->sk_ino, e->kind);

			if (from < 0 || dup2(from, e->fd) < 0 ||
			    fcntl(e->fd, F_SETFL, e->flags & O_NONBLOCK) ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot take socket %lu: %s", e->fd,
					 (unsigned long)e->sk_ino, from < 0 ? "not made" : strerror(errno));
				return -1;
			}
			continue;
		}
		if (e->kind == FD_PTY_MASTER && !e->has_dup_of) {
			/* every master fd of a pty is one open file: the restorer's */
			int from = tty_pty_slot(sh, pty_base, e->pty_index, false);

			if (from < 0 || dup2(from, e->fd) < 0 ||
			    fcntl(e->fd, F_SETFL, e->flags & O_NONBLOCK) ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot take pty %u: %s", e->fd,
					 e->pty_index, from < 0 ? "not made" : strerror(errno));
				return -1;
			}
			continue;
		}
		if (e->kind == FD_PTY_SLAVE && !e->has_dup_of) {
			/* a slave opened again, with its own flags */
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/fd/%d",
				 tty_pty_slot(sh, pty_base, e->pty_index, true));
			fd = open(path, (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)) | O_NOCTTY);
			if (fd < 0 || (fd != e->fd && dup2(fd, e->fd) < 0) ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot open the slave of pty %u again: %s",
					 e->fd, e->pty_index, strerror(errno));
				return -1;
			}
			if (fd != e->fd)
				close(fd);
			continue;
		}
		if (e->kind == FD_TTY && !e->has_dup_of) {
			/* the restoring ckpt's terminal, last in the shared range */
			int from = shared_base + shared_sk_base(sh) + sk_count(sh);

			if (!sh->shell_job || dup2(from, e->fd) < 0 ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot take the terminal: %s", e->fd,
					 sh->shell_job ? strerror(errno) : "not a shell job");
				return -1;
			}
			continue;
		}
		if (e->has_dup_of) {
			if (dup2(e->dup_of, e->fd) < 0 ||
			    fcntl(e->fd, F_SETFD, e->flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
				snprintf(err, errlen, "fd %d: cannot dup fd %d: %s", e->fd, e->dup_of,
					 strerror(errno));
				return -1;
			}
			continue;
		}
		if (e->kind == FD_EVENTFD) {
			/* a new one with the count; one that was shared came from
			 * the parent above, or is a dup */
			fd = eventfd(0, (e->flags & O_NONBLOCK ? EFD_NONBLOCK : 0) |
				     (e->eventfd_semaphore ? EFD_SEMAPHORE : 0));
			if (fd >= 0 && e->eventfd_count &&
			    write(fd, &e->eventfd_count, sizeof(e->eventfd_count)) != 8) {
				close(fd);
				fd = -1;
			}
			if (fd < 0) {
				snprintf(err, errlen, "fd %d: cannot make its eventfd (count %lu): %s",
					 e->fd, (unsigned long)e->eventfd_count, strerror(errno));
				return -1;
			}
		} else if (e->kind == FD_EPOLL) {
			fd = restore_epoll_make(e, err, errlen);
			if (fd < 0)
				return -1;
		} else if (e->kind == FD_SIGNALFD || e->kind == FD_TIMERFD || e->kind == FD_INOTIFY ||
			   e->kind == FD_FANOTIFY) {
			fd = restore_anon_make(e, err, errlen);
			if (fd < 0)
				return -1;
		} else {
			fd = restore_path_fd(e, sh, shared_base, err, errlen);
			if (fd < 0)
				return -1;
		}
		if (fd != e->fd) {
			if (dup2(fd, e->fd) < 0) {
				snprintf(err, errlen, "fd %d: dup2: %s", e->fd, strerror(errno));
				return -1;
			}
			close(fd);
		}
		if ((e->flags & O_CLOEXEC) && fcntl(e->fd, F_SETFD, FD_CLOEXEC)) {
			snprintf(err, errlen, "fd %d: cannot set close-on-exec: %s", e->fd,
				 strerror(errno));
			return -1;
		}
		if (restore_path_fd_done(e, err, errlen))
			return -1;
	}
	/* the epolls' targets, now that every fd is there (their own
	 * targets and nested epolls too); a shared one came with its list */
	for (size_t i = 0; i < files->n_fds; i++) {
		const FdEntry *e = files->fds[i];

		if (e->kind == FD_EPOLL && !e->has_dup_of &&
		    !(e->has_inherit_fd && inherited && inherited[i] >= 0) &&
		    restore_epoll_targets(e, err, errlen))
			return -1;
	}
	return 0;
}

/* Whether a pipe end's other end is open anywhere: a read end without
 * writers polls POLLHUP, a write end without readers POLLERR.  We look at
 * the task's own open file (pidfd_getfd), as opening it again would add a
 * reader or writer of our own.  -1 if we cannot tell. */
static int other_end_open(pid_t pid, int fd, bool write_end)
{
	int f = grab_fd(pid, fd);
	struct pollfd pfd = { .fd = f, .events = write_end ? POLLOUT : POLLIN };
	int ret = -1;

	if (f >= 0 && poll(&pfd, 1, 0) >= 0)
		ret = write_end ? !(pfd.revents & POLLERR) : !(pfd.revents & POLLHUP);
	if (f >= 0)
		close(f);
	return ret;
}

void files_mark_outside_pipes(struct tree *tree)
{
	for (size_t k = 0; k < tree->shared.n_pipes; k++) {
		PipeEntry *pe = tree->shared.pipes[k];
		bool reader = false, writer = false;
		const FdEntry *first = NULL;
		pid_t holder = 0;

		for (size_t i = 0; i < tree->nr; i++) {
			const FilesEntry *files = tree->tasks[i].files;

			for (size_t f = 0; files && f < files->n_fds; f++) {
				const FdEntry *e = files->fds[f];

				if (e->kind != FD_PIPE || e->pipe_ino != pe->ino)
					continue;
				if (!first) {
					first = e;
					holder = tree->tasks[i].pid;
				}
				if ((e->flags & O_ACCMODE) == O_WRONLY)
					writer = true;
				else
					reader = true;
			}
		}
		/* Both ends inside, or the other end closed for good: ours. */
		if ((reader && writer) || !first ||
		    other_end_open(holder, first->fd, writer) == 0)
			continue;
		/* Its data is the outside's: it stays in the pipe, if anywhere. */
		pe->has_outside_fd = true;
		pe->outside_fd = first->fd;
		pe->data.len = 0;
		pr_info("pipe %lu leads outside the tree (fd %d of pid %d); restore stands in its "
			"own fd %d", (unsigned long)pe->ino, first->fd, holder, first->fd);
	}
}
