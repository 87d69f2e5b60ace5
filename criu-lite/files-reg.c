/*
 * File descriptors of things with a path (files.c dispatches here every fd
 * whose /proc/PID/fd link is a path): regular files, directories and
 * character devices, reopened by path with their flags and offset, and
 * checked before the restore for changes; files deleted while open, saved
 * with their data and made again; FIFOs, reopened with their data; O_PATH
 * fds; and the flock, POSIX and OFD locks held through any of them.
 * Sockets, block devices and terminals with a path are refused here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>

#include "files.h"
#include "tty.h"
#include "infect.h"
#include "log.h"
#include "mm.h"
#include "proc.h"
#include "task.h"
#include "util.h"

/* The most data of a deleted file that a dump saves (holes do not count). */
#define DELETED_MAX_BYTES	(1ULL << 30)

static struct flock to_flock(const FileLock *l)
{
	return (struct flock){ .l_type = l->write ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET,
			       .l_start = l->start, .l_len = l->len };
}

/* "write POSIX lock on bytes 10-29" for messages. */
static const char *lock_str(const FileLock *l, char *buf, size_t len)
{
	static const char *names[] = { "?", "flock", "POSIX lock", "OFD lock" };
	int n = snprintf(buf, len, "%s %s", l->write ? "write" : "read",
			 names[l->type <= FILE_LOCK_OFD ? l->type : 0]);

	if (l->type != FILE_LOCK_FLOCK && l->len)
		snprintf(buf + n, len - n, " on bytes %lu-%lu", (unsigned long)l->start,
			 (unsigned long)(l->start + l->len - 1));
	else if (l->type != FILE_LOCK_FLOCK)
		snprintf(buf + n, len - n, " from byte %lu to the end", (unsigned long)l->start);
	return buf;
}

/*
 * The locks held through an fd, from its fdinfo: those of its open file
 * (flock, OFD) and the process's POSIX locks taken through it.  Leases,
 * mandatory locks and kinds we do not know are refused.
 */
static int dump_locks(struct task *task, int fd, const char *link, const struct proc_fdinfo *fi,
		      FdEntry *e)
{
	if (fi->n_locks < 0)
		return error("pid %d: fd %d (%s) holds more locks than ckpt reads (%d), or one it "
			     "cannot read", task->pid, fd, link, PROC_FD_LOCKS);
	for (int i = 0; i < fi->n_locks; i++) {
		const struct proc_lock *pl = &fi->locks[i];
		FileLock *l;

		if (pl->type == PROC_LOCK_OTHER)
			return error("pid %d: fd %d holds a %s on '%s' (a lease or delegation?), "
				     "which ckpt cannot carry", task->pid, fd, pl->name, link);
		if (pl->mandatory)
			return error("pid %d: fd %d holds a mandatory lock on '%s', which ckpt "
				     "cannot carry", task->pid, fd, link);
		l = xmalloc(sizeof(*l));
		file_lock__init(l);
		l->type = pl->type == PROC_LOCK_FLOCK ? FILE_LOCK_FLOCK :
			  pl->type == PROC_LOCK_POSIX ? FILE_LOCK_POSIX : FILE_LOCK_OFD;
		l->write = pl->write;
		l->start = pl->start;
		l->len = pl->end == UINT64_MAX ? 0 : pl->end - pl->start + 1;
		e->locks = xrealloc(e->locks, (e->n_locks + 1) * sizeof(l));
		e->locks[e->n_locks++] = l;
	}
	return 0;
}

/* A memfd's link is "/memfd:NAME (deleted)": a deleted file, of no
 * directory, made again with memfd_create(). */
bool is_memfd(const char *path)
{
	return !strncmp(path, "/memfd:", 7);
}

/*
 * A file deleted while open: a regular file whose last name is gone (the
 * link ends in " (deleted)").  Its data is saved at the end of the dump of
 * the process (dump_files_data), once for the tree.
 */
static int dump_deleted(struct task *task, int fd, FdEntry *e, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return error("pid %d: fd %d is the deleted %s '%s', which ckpt cannot carry",
			     task->pid, fd, S_ISDIR(st->st_mode) ? "directory" : "special file",
			     e->path);
	if (st->st_nlink)
		return error("pid %d: fd %d: '%s' was deleted, but the file has %lu other "
			     "names, which ckpt cannot find to carry it", task->pid, fd, e->path,
			     (unsigned long)st->st_nlink);
	if ((uint64_t)st->st_blocks * 512 > DELETED_MAX_BYTES)
		return error("pid %d: fd %d is the deleted file '%s' with %lu MiB of data, more "
			     "than the %lu MiB ckpt saves of a deleted file", task->pid, fd, e->path,
			     (unsigned long)(st->st_blocks >> 11),
			     (unsigned long)(DELETED_MAX_BYTES >> 20));
	e->kind = FD_DELETED;
	e->has_size = true;
	e->size = st->st_size;
	return 0;
}

/* An O_PATH fd: a place in the file system, of any type; nothing of the
 * file is open, so nothing else about it is saved. */
static int dump_opath(struct task *task, int fd, const char *link, const struct stat *st,
		      const struct proc_fdinfo *fi, FdEntry *e)
{
	size_t n = strlen(link);

	if (n > 10 && !strcmp(link + n - 10, " (deleted)"))
		return error("pid %d: fd %d is an O_PATH fd of the deleted file '%.*s', which ckpt "
			     "cannot carry", task->pid, fd, (int)n - 10, link);
	e->fd = fd;
	e->kind = FD_OPATH;
	e->path = xstrdup(link);
	e->flags = fi->flags;
	e->mode = st->st_mode;
	return 0;
}

/*
 * An fd of a FIFO: the FIFO itself (its size and unread data, copied as a
 * pipe's, left in it) goes to the tree's shared objects once, whoever
 * holds it; the fd keeps its own flags.
 */
static int dump_fifo(struct task *task, int fd, FdEntry *e, const struct stat *st)
{
	SharedEntry *sh = task->shared;
	FifoEntry *fe = NULL;

	if (!sh)
		return error("pid %d: fd %d is a FIFO, and no tree to keep it in", task->pid, fd);
	for (size_t i = 0; i < sh->n_fifos && !fe; i++)
		if (sh->fifos[i]->dev == st->st_dev && sh->fifos[i]->pipe->ino == st->st_ino)
			fe = sh->fifos[i];
	if (!fe) {
		fe = xmalloc(sizeof(*fe));
		fifo_entry__init(fe);
		fe->pipe = xmalloc(sizeof(*fe->pipe));
		pipe_entry__init(fe->pipe);
		fe->id = sh->n_fifos + 1;
		fe->path = xstrdup(e->path);
		fe->dev = st->st_dev;
		fe->pipe->ino = st->st_ino;
		sh->fifos = xrealloc(sh->fifos, (sh->n_fifos + 1) * sizeof(fe));
		sh->fifos[sh->n_fifos++] = fe;
		if (read_pipe(task, fd, fe->pipe))
			return -1;
	}
	e->kind = FD_FIFO;
	e->has_fifo_id = true;
	e->fifo_id = fe->id;
	e->pos = 0;
	return 0;
}

int dump_path_fd(struct task *task, int fd, const char *link, const struct stat *st, FdEntry *e)
{
	size_t n = strlen(link);
	struct proc_fdinfo fi;

	if (proc_parse_fdinfo(task->pid, fd, &fi))
		return -1;
	if (fi.flags & O_PATH)
		return dump_opath(task, fd, link, st, &fi, e);

	if (S_ISSOCK(st->st_mode))
		return error("pid %d: fd %d is a socket (%s), which ckpt cannot carry yet",
			     task->pid, fd, link);
	if (S_ISBLK(st->st_mode))
		return error("pid %d: fd %d is a block device (%s), which ckpt cannot carry yet",
			     task->pid, fd, link);
	if (S_ISCHR(st->st_mode) && is_tty(major(st->st_rdev))) {
		e->fd = fd;
		e->path = xstrdup(link);
		e->flags = fi.flags;
		e->mode = st->st_mode;
		return dump_tty(task->pid, fd, link, st, task->shared, e);
	}
	e->fd = fd;
	e->path = xstrdup(link);
	e->flags = fi.flags;
	e->pos = fi.pos;
	e->mode = st->st_mode;
	if (dump_locks(task, fd, link, &fi, e))
		return -1;
	if (n > 10 && !strcmp(link + n - 10, " (deleted)")) {
		e->path[n - 10] = 0;
		return dump_deleted(task, fd, e, st);
	}
	if (S_ISFIFO(st->st_mode))
		return dump_fifo(task, fd, e, st);
	if (S_ISREG(st->st_mode)) {
		e->kind = FD_REG;
		e->has_size = e->has_mtime_ns = e->has_ino = true;
		e->ino = st->st_ino;
		e->size = st->st_size;
		e->mtime_ns = st->st_mtim.tv_sec * 1000000000ULL + st->st_mtim.tv_nsec;
	} else if (S_ISDIR(st->st_mode)) {
		e->kind = FD_DIR;
	} else if (S_ISCHR(st->st_mode)) {
		e->kind = FD_CHR;
		e->has_rdev = true;
		e->rdev = st->st_rdev;
	} else {
		return error("pid %d: fd %d (%s) has a file type ckpt cannot carry yet", task->pid,
			     fd, link);
	}
	return 0;
}

/* Where the restorer put deleted file or FIFO `id` for us: after the
 * pipes and the shared memory in the shared range, the deleted files, then
 * the FIFOs (make_deleted() and make_fifo() in restore.c). */
static int shared_path_fd(const SharedEntry *sh, int base, const FdEntry *e)
{
	int at = base + 2 * sh->n_pipes + sh->n_shmem;

	for (size_t k = 0; e->kind == FD_DELETED && k < sh->n_deleted; k++)
		if (sh->deleted[k]->id == e->deleted_id)
			return at + k;
	for (size_t k = 0; e->kind == FD_FIFO && k < sh->n_fifos; k++)
		if (sh->fifos[k]->id == e->fifo_id)
			return at + sh->n_deleted + k;
	return -1;
}

int restore_path_fd(const FdEntry *e, const SharedEntry *sh, int shared_base, char *err,
		    size_t errlen)
{
	int flags = e->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	char path[64];
	int fd;

	/* A file made with O_TMPFILE keeps the flag (and O_DIRECTORY, a part
	 * of it): opening with it would make another one. */
	if ((flags & O_TMPFILE) == O_TMPFILE)
		flags &= ~O_TMPFILE;

	if (e->kind == FD_DELETED || e->kind == FD_FIFO) {
		/* An open file of its own (flags, offset) of the one file the
		 * restorer made again, or opened (a FIFO, read-write: so that
		 * no open of ours waits for the other end), for the tree. */
		int from = sh ? shared_path_fd(sh, shared_base, e) : -1;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", from);
		fd = from < 0 ? -1 : open(path, flags | O_NOCTTY);
		if (fd < 0)
			snprintf(err, errlen, "fd %d: cannot open the %s '%s' again: %s", e->fd,
				 e->kind == FD_FIFO ? "FIFO" : "deleted file", e->path,
				 from < 0 ? "not made" : strerror(errno));
		return fd;
	}
	if (e->kind == FD_DIR)
		flags = (flags & ~O_ACCMODE) | O_RDONLY | O_DIRECTORY;
	if (e->kind == FD_OPATH)
		flags = O_PATH | (e->flags & (O_NOFOLLOW | O_DIRECTORY));
	fd = open(e->path, flags | O_NOCTTY);
	if (fd < 0)
		snprintf(err, errlen, "fd %d: cannot open '%s': %s", e->fd, e->path,
			 strerror(errno));
	return fd;
}

/* The flock and OFD locks of a new open file of ours at e->fd (POSIX locks
 * come later: restore_posix_locks()). */
static int restore_file_locks(const FdEntry *e, char *err, size_t errlen)
{
	for (size_t i = 0; i < e->n_locks; i++) {
		const FileLock *l = e->locks[i];
		struct flock fl = to_flock(l);
		char what[96];
		int ret;

		if (l->type == FILE_LOCK_FLOCK)
			ret = flock(e->fd, (l->write ? LOCK_EX : LOCK_SH) | LOCK_NB);
		else if (l->type == FILE_LOCK_OFD)
			ret = fcntl(e->fd, F_OFD_SETLK, &fl);
		else
			continue;
		if (ret) {
			snprintf(err, errlen, "fd %d: cannot take its %s on '%s' again: %s", e->fd,
				 lock_str(l, what, sizeof(what)), e->path,
				 errno == EWOULDBLOCK || errno == EAGAIN ?
				 "another process holds a lock on it now" : strerror(errno));
			return -1;
		}
	}
	return 0;
}

int restore_path_fd_done(const FdEntry *e, char *err, size_t errlen)
{
	if (restore_file_locks(e, err, errlen))
		return -1;
	/* O_APPEND files too: their offset shows until the next write. */
	if ((e->kind == FD_REG || e->kind == FD_DELETED) &&
	    lseek(e->fd, e->pos, SEEK_SET) != (off_t)e->pos) {
		snprintf(err, errlen, "fd %d: cannot seek '%s' to %lu: %s", e->fd, e->path,
			 (unsigned long)e->pos, strerror(errno));
		return -1;
	}
	/* A directory's offset is a cookie of its file system: best effort. */
	if (e->kind == FD_DIR && e->pos)
		lseek(e->fd, e->pos, SEEK_SET);
	return 0;
}

/* "2026-12-02 13:55:01.123456789" (local time) of a time in ns. */
static const char *fmt_mtime(uint64_t ns, char *buf, size_t len)
{
	time_t sec = ns / 1000000000;
	struct tm tm;
	size_t n;

	localtime_r(&sec, &tm);
	n = strftime(buf, len, "%F %T", &tm);
	snprintf(buf + n, len - n, ".%09lu", (unsigned long)(ns % 1000000000));
	return buf;
}

static const char *type_name(mode_t mode)
{
	return S_ISREG(mode) ? "a regular file" : S_ISDIR(mode) ? "a directory" :
	       S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device" :
	       S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" :
	       S_ISLNK(mode) ? "a symbolic link" : "a file of unknown type";
}

/*
 * What differs between a file as the dump saw it (size, mtime in ns, inode:
 * 0 where not known) and `st` now, for a message: "size 100 at dump, 120
 * now"; NULL when nothing does.
 */
const char *file_change(uint64_t size, uint64_t mtime_ns, uint64_t ino, const struct stat *st,
			char *buf, size_t len)
{
	uint64_t now_ns = st->st_mtim.tv_sec * 1000000000ULL + st->st_mtim.tv_nsec;
	char t0[48], t1[48];

	if (ino && ino != st->st_ino)
		snprintf(buf, len, "inode %lu at dump, %lu now: another file", (unsigned long)ino,
			 (unsigned long)st->st_ino);
	else if (size != (uint64_t)st->st_size)
		snprintf(buf, len, "size %lu at dump, %lu now", (unsigned long)size,
			 (unsigned long)st->st_size);
	else if (mtime_ns && mtime_ns != now_ns)
		snprintf(buf, len, "modified: mtime %s at dump, %s now", fmt_mtime(mtime_ns, t0,
			 sizeof(t0)), fmt_mtime(now_ns, t1, sizeof(t1)));
	else
		return NULL;
	return buf;
}

int report_changed_file(pid_t pid, const char *what, const char *path, const char *change,
			const char *hint, bool allow)
{
	if (allow) {
		pr_warn("pid %d: %s: '%s' changed since the dump (%s); restored with the file as "
			"it is now (--allow-changed-files)", pid, what, path, change);
		return 0;
	}
	return error("pid %d: %s: '%s' changed since the dump (%s)%s; restore with "
		     "--allow-changed-files to take it as it is", pid, what, path, change,
		     hint ? hint : "");
}

/*
 * A file whose content the kernel makes up as it is read (procfs, sysfs,
 * cgroupfs, ...): its size and mtime mean nothing (the mtime of
 * /proc/PID/stat is the process's birth), and /proc/PID/... is there only
 * once the restored process is.  Not checked.
 */
static bool pseudo_file(const char *path)
{
	struct statfs sf;

	if (!strncmp(path, "/proc/", 6))
		return true;
	if (statfs(path, &sf))
		return false;
	switch (sf.f_type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC: case DEBUGFS_MAGIC: case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC: case BPF_FS_MAGIC: case EFIVARFS_MAGIC: case PSTOREFS_MAGIC:
		return true;
	}
	return false;
}

/* A deleted file is made again in its directory: that must be there (a
 * memfd has none). */
static int check_deleted_dir(pid_t pid, const FdEntry *e)
{
	if (is_memfd(e->path))
		return 0;

	cleanup_free char *dir = xstrdup(e->path);
	char *slash = strrchr(dir, '/');
	struct stat st;

	if (slash)
		slash[slash == dir] = 0;	/* "/x" -> "/" */
	if (!slash || stat(dir, &st) || !S_ISDIR(st.st_mode))
		return error("pid %d: fd %d: the deleted file '%s' cannot be made again: its "
			     "directory '%s' is not there any more", pid, e->fd, e->path, dir);
	return 0;
}

/* Nobody holds a lock now that would keep one of e's from being taken
 * again (the original, still running beside a --pidns copy, say). */
static int check_locks_free(pid_t pid, const FdEntry *e)
{
	cleanup_close int fd = -1;

	for (size_t i = 0; i < e->n_locks; i++) {
		const FileLock *l = e->locks[i];
		struct flock fl = to_flock(l);
		bool busy;
		char what[96];

		if (fd < 0)
			fd = open(e->path, ((e->flags & O_ACCMODE) == O_WRONLY ? O_WRONLY :
				  (e->flags & O_ACCMODE) == O_RDWR ? O_RDWR : O_RDONLY) |
				  O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return 0;	/* the open in the process will say why */
		if (l->type == FILE_LOCK_FLOCK) {
			busy = flock(fd, (l->write ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0;
			flock(fd, LOCK_UN);
		} else {
			busy = !fcntl(fd, l->type == FILE_LOCK_OFD ? F_OFD_GETLK : F_GETLK, &fl) &&
			       fl.l_type != F_UNLCK;
		}
		if (busy)
			return error("pid %d: fd %d: its %s on '%s' cannot be taken again: another "
				     "process holds a lock on it now", pid, e->fd,
				     lock_str(l, what, sizeof(what)), e->path);
	}
	return 0;
}

/*
 * Before the restore makes anything: every fd of pid that is reopened by
 * path finds a file of its type there, and a regular file is as the dump
 * saw it (size, mtime, inode).  Let through: an fd that only appends to
 * its file (O_WRONLY|O_APPEND: a log, a job's output), whatever became of
 * the file - the tree itself (run on after a --leave-running dump) or
 * anyone else may have appended to it, logrotate may have truncated or
 * replaced it, and the fd never reads it; and an O_RDWR|O_APPEND fd whose
 * file only grew.  Any other change is refused, unless allow_changed;
 * where the tree ran on after the dump (leave_running) and could write the
 * file, the refusal says so.
 */
int files_check_paths(pid_t pid, const FilesEntry *files, bool leave_running, bool allow_changed)
{
	for (size_t i = 0; i < files->n_fds; i++) {
		const FdEntry *e = files->fds[i];
		char what[32], buf[160];
		const char *change;
		struct stat st;
		bool grew;

		if (e->kind == FD_DELETED && check_deleted_dir(pid, e))
			return -1;
		if (e->kind != FD_DELETED && e->kind != FD_FIFO && !e->has_dup_of &&
		    check_locks_free(pid, e))
			return -1;
		if (e->kind != FD_REG && e->kind != FD_DIR && e->kind != FD_CHR &&
		    e->kind != FD_OPATH && e->kind != FD_FIFO)
			continue;
		if (pseudo_file(e->path))
			continue;
		snprintf(what, sizeof(what), "fd %d", e->fd);
		/* O_PATH|O_NOFOLLOW: the symbolic link itself */
		if ((e->kind == FD_OPATH && (e->flags & O_NOFOLLOW) ? lstat : stat)(e->path, &st))
			return error_errno("pid %d: fd %d: '%s' is not there any more", pid, e->fd,
					   e->path);
		if ((st.st_mode & S_IFMT) != (e->mode & S_IFMT))
			return error("pid %d: fd %d: '%s' is %s now, it was %s at the dump", pid,
				     e->fd, e->path, type_name(st.st_mode), type_name(e->mode));
		if (e->kind == FD_CHR && e->has_rdev && st.st_rdev != e->rdev)
			return error("pid %d: fd %d: '%s' is device %u:%u now, it was %u:%u at the "
				     "dump", pid, e->fd, e->path, major(st.st_rdev),
				     minor(st.st_rdev), major(e->rdev), minor(e->rdev));
		if (e->kind != FD_REG || !e->has_size)
			continue;
		change = file_change(e->size, e->has_mtime_ns ? e->mtime_ns : 0,
				     e->has_ino ? e->ino : 0, &st, buf, sizeof(buf));
		if (!change)
			continue;
		grew = (!e->has_ino || e->ino == st.st_ino) && (uint64_t)st.st_size >= e->size;
		if ((e->flags & O_APPEND) && ((e->flags & O_ACCMODE) == O_WRONLY ||
		    ((e->flags & O_ACCMODE) == O_RDWR && grew))) {
			pr_info("pid %d: fd %d: '%s' changed since the dump (%s); it appends to it",
				pid, e->fd, e->path, change);
			continue;
		}
		if (report_changed_file(pid, what, e->path, change, leave_running &&
					(e->flags & O_ACCMODE) != O_RDONLY ? "; the process ran on "
					"after the --leave-running dump with it open for writing" : NULL,
					allow_changed))
			return -1;
	}
	return 0;
}

static DeletedFile *find_deleted(const SharedEntry *sh, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < sh->n_deleted; i++)
		if (sh->deleted[i]->dev == dev && sh->deleted[i]->ino == ino)
			return sh->deleted[i];
	return NULL;
}

/* Its deleted files, each once for the tree, into deleted-ID.img. */
int dump_files_data(struct task *task, struct version *v)
{
	SharedEntry *sh = task->shared;

	for (size_t i = 0; task->files && i < task->files->n_fds; i++) {
		FdEntry *e = task->files->fds[i];
		char path[64], name[64];
		cleanup_close int fd = -1;
		DeletedFile *df;
		struct stat st;

		if (e->kind != FD_DELETED)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", task->pid, e->fd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st))
			return error_errno("pid %d: fd %d: cannot open the deleted file '%s'",
					   task->pid, e->fd, e->path);
		e->has_deleted_id = true;
		df = find_deleted(sh, st.st_dev, st.st_ino);
		if (df) {
			e->deleted_id = df->id;
			continue;
		}
		df = xmalloc(sizeof(*df));
		deleted_file__init(df);
		df->id = sh->n_deleted + 1;
		df->path = xstrdup(e->path);
		df->mode = st.st_mode;
		df->uid = st.st_uid;
		df->gid = st.st_gid;
		df->size = st.st_size;
		df->dev = st.st_dev;
		df->ino = st.st_ino;
		if (is_memfd(df->path)) {
			int seals = fcntl(fd, F_GET_SEALS);

			df->has_memfd = df->has_seals = true;
			df->memfd = true;
			df->seals = seals < 0 ? 0 : seals;
		}
		sh->deleted = xrealloc(sh->deleted, (sh->n_deleted + 1) * sizeof(df));
		sh->deleted[sh->n_deleted++] = df;
		e->deleted_id = df->id;
		snprintf(name, sizeof(name), "deleted-%u.img", df->id);
		if (dump_file_data(fd, df->size, v, name, &df->runs, &df->n_runs))
			return error("pid %d: fd %d: cannot save the deleted file '%s'", task->pid,
				     e->fd, e->path);
		pr_info("pid %d: fd %d: the deleted file '%s' (%lu bytes) saved as %s", task->pid,
			e->fd, e->path, (unsigned long)df->size, name);
	}
	return 0;
}

/*
 * A deleted file made again: under its old name, at once unlinked, so that
 * it shows as "NAME (deleted)" as before; if someone has taken the name
 * since, an O_TMPFILE in the same directory (it shows as "#INO
 * (deleted)").  With its mode and (uid >= 0) owner, and its size; the
 * caller fills it.  Returns the fd (O_RDWR), or -1 after error().
 */
int make_deleted_file(const char *path, mode_t mode, int uid, int gid, uint64_t size)
{
	/* a memfd: sealing allowed, its seals come after its data */
	int fd = is_memfd(path) ? memfd_create(path + 7, MFD_CLOEXEC | MFD_ALLOW_SEALING) :
		 open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0 && is_memfd(path)) {
		/* nothing to unlink */
	} else if (fd >= 0) {
		unlink(path);
	} else if (errno == EEXIST) {
		cleanup_free char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');

		if (slash)
			slash[slash == dir] = 0;
		fd = open(slash ? dir : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			pr_warn("the deleted file '%s' is made again as an unnamed file: another "
				"file has its name now", path);
		else
			errno = EEXIST;
	}
	if (fd < 0)
		return error_errno("cannot make the deleted file '%s' again", path);
	if ((uid >= 0 && fchown(fd, uid, gid)) || fchmod(fd, mode & 07777) ||
	    ftruncate(fd, size)) {
		close(fd);
		return error_errno("cannot give the deleted file '%s' its owner, mode and size",
				   path);
	}
	return fd;
}

int restore_posix_locks(struct task *task)
{
	const FilesEntry *files = task->files;

	for (size_t i = 0; i < files->n_fds; i++) {
		const FdEntry *e = files->fds[i];

		for (size_t k = 0; k < e->n_locks; k++) {
			const FileLock *l = e->locks[k];
			struct flock fl = to_flock(l);
			char what[96];
			long ret;

			if (l->type != FILE_LOCK_POSIX)
				continue;
			if (infect_write(task->pid, task->scratch, &fl, sizeof(fl)))
				return error("pid %d: %s", task->pid, infect_why());
			if (task_syscall(task, &task->threads[0], SYS_fcntl, &ret, e->fd, F_SETLK,
					 task->scratch, 0, 0, 0))
				return -1;
			if (ret == -EAGAIN || ret == -EACCES)
				return error("pid %d: fd %d: cannot take its %s on '%s' again: another "
					     "process holds a lock on it now", task->vpid, e->fd,
					     lock_str(l, what, sizeof(what)), e->path);
			if (ret < 0) {
				errno = -ret;
				return error_errno("pid %d: fd %d: cannot take its %s on '%s' again",
						   task->vpid, e->fd, lock_str(l, what, sizeof(what)),
						   e->path);
			}
		}
	}
	return 0;
}

/* Whether process `pid` has an fd on the open file of fd `fd` of `holder`. */
static bool holds_same_file(pid_t pid, pid_t holder, int fd)
{
	int *fds;
	size_t n;
	bool found = false;

	if (proc_list_fds(pid, &fds, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = syscall(SYS_kcmp, pid, holder, KCMP_FILE, fds[i], fd) == 0;
	free(fds);
	return found;
}

static bool in_tree(const struct tree *tree, pid_t pid)
{
	for (size_t i = 0; i < tree->nr; i++)
		if (tree->tasks[i].pid == pid)
			return true;
	return false;
}

/*
 * A flock is the open file's: restore takes it again on the open file it
 * makes, which a process outside the tree cannot share.  fdinfo names who
 * took it; if that is a live process outside the tree that still has the
 * open file (flock(1) is gone by now, a parent shell may not be), the lock
 * is its as much as ours: refused.
 */
/* A deleted file both open and mapped shared would come back as two files
 * (a deleted_file and a shmem object): refused, not split. */
static int check_deleted_mapped(const struct tree *tree)
{
	const SharedEntry *sh = &tree->shared;

	for (size_t i = 0; i < tree->nr; i++) {
		const FilesEntry *files = tree->tasks[i].files;

		for (size_t f = 0; files && f < files->n_fds; f++) {
			const FdEntry *e = files->fds[f];
			const DeletedFile *df = e->kind == FD_DELETED && e->deleted_id &&
						e->deleted_id <= sh->n_deleted ?
						sh->deleted[e->deleted_id - 1] : NULL;

			for (size_t k = 0; df && k < sh->n_shmem; k++)
				if (sh->shmem[k]->path && sh->shmem[k]->ino == df->ino &&
				    !strcmp(sh->shmem[k]->path, df->path))
					return error("pid %d: fd %d is the deleted file '%s', which "
						     "the tree also maps shared: ckpt cannot carry "
						     "the two as one file", tree->tasks[i].pid, e->fd,
						     df->path);
		}
	}
	return 0;
}

int files_check_tree(const struct tree *tree)
{
	if (check_deleted_mapped(tree))
		return -1;
	for (size_t i = 0; i < tree->nr; i++) {
		const struct task *task = &tree->tasks[i];
		struct proc_fdinfo fi;

		for (size_t f = 0; task->files && f < task->files->n_fds; f++) {
			const FdEntry *e = task->files->fds[f];

			if (!e->n_locks || proc_parse_fdinfo(task->pid, e->fd, &fi))
				continue;
			for (int k = 0; k < fi.n_locks; k++) {
				pid_t who = fi.locks[k].pid;

				if (fi.locks[k].type != PROC_LOCK_FLOCK || who <= 0 ||
				    in_tree(tree, who) || !holds_same_file(who, task->pid, e->fd))
					continue;
				return error("pid %d: fd %d: its flock on '%s' is shared with pid %d "
					     "outside the tree, which ckpt cannot carry", task->pid,
					     e->fd, e->path, who);
			}
		}
	}
	return 0;
}

/*
 * A FIFO of the tree, opened by the restorer before the tree: read-write
 * and non-blocking, so that the open does not wait for the other end, and
 * the processes' own opens of it do not either.  Its size and data are
 * put back by the caller - unless the FIFO has data now: then someone
 * outside kept it open since the dump (the original beside a --pidns
 * copy, a writer outside the tree), and what we saved is still in it.
 * Returns the fd, or -1 after error(); *fresh says whether it was empty.
 */
int open_fifo(const FifoEntry *fe, bool *fresh)
{
	struct stat st;
	int n = 0, fd = open(fe->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return error_errno("cannot open the FIFO '%s'", fe->path);
	if (fstat(fd, &st) || !S_ISFIFO(st.st_mode)) {
		close(fd);
		return error("'%s' is not a FIFO any more", fe->path);
	}
	if (ioctl(fd, FIONREAD, &n))
		n = 0;
	*fresh = n == 0;
	if (n)
		pr_info("the FIFO '%s' has %d bytes in it already: open outside since the dump, "
			"its data is left as it is", fe->path, n);
	return fd;
}
