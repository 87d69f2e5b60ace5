/* Kinds of file descriptors in files-PID.img (fd_entry.kind). */
#ifndef CKPT_FILES_H
#define CKPT_FILES_H

enum fd_kind {
	FD_REG = 1,	/* a regular file, reopened by path at its offset */
	FD_DIR,		/* a directory */
	FD_CHR,		/* a character device (/dev/null, ...), reopened by path */
	FD_PIPE,	/* an end of a pipe of shared.img */
	FD_EVENTFD,	/* an eventfd: made again with its count */
	FD_UNIX_SK = 30,	/* an AF_UNIX socket of shared.img (sockets.c) */
	FD_INET_SK = 31,	/* an AF_INET/AF_INET6 socket of shared.img (sockets.c) */
	FD_EPOLL = 32,		/* an epoll with its interest list (files-epoll.c) */
	FD_SIGNALFD = 33,	/* a signalfd with its mask (files-anon.c) */
	FD_TIMERFD = 34,	/* a timerfd with its clock, time left, interval, ticks */
};

#include <stddef.h>
#include <sys/types.h>

#include "images/fdinfo.pb-c.h"

/* files-epoll.c: the interest list at dump; at restore an empty epoll in
 * the main pass, its targets once every other fd is there. */
int dump_epoll(pid_t pid, int fd, FdEntry *e);
int restore_epoll_make(const FdEntry *e, char *err, size_t errlen);
int restore_epoll_targets(const FdEntry *e, char *err, size_t errlen);
/* files-anon.c: signalfd and timerfd; at restore the new fd, or -1 (err). */
int dump_signalfd(pid_t pid, int fd, FdEntry *e);
int dump_timerfd(pid_t pid, int fd, FdEntry *e);
int restore_anon_make(const FdEntry *e, char *err, size_t errlen);

#endif
