/*
 * File descriptors of things with a path: regular files, directories and
 * character devices, reopened by path at restore with their flags and
 * offset.  files.c dispatches here every fd whose /proc/PID/fd link is a
 * path; sockets, block devices and terminals with a path are refused here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "files.h"
#include "log.h"
#include "proc.h"
#include "task.h"
#include "util.h"

static bool is_tty(unsigned maj)
{
	/* ttys, pty masters and slaves, /dev/tty, /dev/console */
	return maj == 4 || maj == 5 || (maj >= 128 && maj <= 143);
}

int dump_path_fd(struct task *task, int fd, const char *link, const struct stat *st, FdEntry *e)
{
	size_t n = strlen(link);
	struct proc_fdinfo fi;

	if (S_ISFIFO(st->st_mode))
		return error("pid %d: fd %d is a FIFO (%s), which ckpt cannot carry yet", task->pid,
			     fd, link);
	if (S_ISSOCK(st->st_mode))
		return error("pid %d: fd %d is a socket (%s), which ckpt cannot carry yet",
			     task->pid, fd, link);
	if (S_ISBLK(st->st_mode))
		return error("pid %d: fd %d is a block device (%s), which ckpt cannot carry yet",
			     task->pid, fd, link);
	if (S_ISCHR(st->st_mode) && is_tty(major(st->st_rdev)))
		return error("pid %d: fd %d is a terminal (%s), which ckpt cannot carry yet",
			     task->pid, fd, link);
	if (n > 10 && !strcmp(link + n - 10, " (deleted)"))
		return error("pid %d: fd %d is the deleted file '%.*s', which ckpt cannot carry yet",
			     task->pid, fd, (int)n - 10, link);
	if (proc_parse_fdinfo(task->pid, fd, &fi))
		return -1;

	e->fd = fd;
	e->path = xstrdup(link);
	e->flags = fi.flags;
	e->pos = fi.pos;
	e->mode = st->st_mode;
	if (S_ISREG(st->st_mode)) {
		e->kind = FD_REG;
		e->has_size = e->has_mtime_ns = true;
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

int restore_path_fd(const FdEntry *e, char *err, size_t errlen)
{
	int flags = e->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	int fd;

	if (e->kind == FD_DIR)
		flags = (flags & ~O_ACCMODE) | O_RDONLY | O_DIRECTORY;
	fd = open(e->path, flags | O_NOCTTY);
	if (fd < 0)
		snprintf(err, errlen, "fd %d: cannot open '%s': %s", e->fd, e->path,
			 strerror(errno));
	return fd;
}

int restore_path_fd_done(const FdEntry *e, char *err, size_t errlen)
{
	/* O_APPEND files too: their offset shows until the next write. */
	if (e->kind == FD_REG && lseek(e->fd, e->pos, SEEK_SET) != (off_t)e->pos) {
		snprintf(err, errlen, "fd %d: cannot seek '%s' to %lu: %s", e->fd, e->path,
			 (unsigned long)e->pos, strerror(errno));
		return -1;
	}
	/* A directory's offset is a cookie of its file system: best effort. */
	if (e->kind == FD_DIR && e->pos)
		lseek(e->fd, e->pos, SEEK_SET);
	return 0;
}
