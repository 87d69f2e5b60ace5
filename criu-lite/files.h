/* Kinds of file descriptors in files-PID.img (fd_entry.kind). */
#ifndef CKPT_FILES_H
#define CKPT_FILES_H

#include "images/fdinfo.pb-c.h"

enum fd_kind {
	FD_REG = 1,	/* a regular file, reopened by path at its offset */
	FD_DIR,		/* a directory */
	FD_CHR,		/* a character device (/dev/null, ...), reopened by path */
	FD_PIPE,	/* an end of a pipe of shared.img */
	FD_EVENTFD,	/* an eventfd: made again with its count */
};

struct stat;
struct task;

/* files-reg.c: fds with a path (regular files, directories, devices). */
/* Dump: fd of task, whose /proc/PID/fd link is `link` and stat `st`. */
int dump_path_fd(struct task *task, int fd, const char *link, const struct stat *st, FdEntry *e);
/* Restore, in the new process: open it (the fd is returned, anywhere), then,
 * once it is at e->fd, its offset.  err gets the reason. */
int restore_path_fd(const FdEntry *e, char *err, size_t errlen);
int restore_path_fd_done(const FdEntry *e, char *err, size_t errlen);

#endif
