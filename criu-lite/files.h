/* Kinds of file descriptors in files-PID.img (fd_entry.kind). */
#ifndef CKPT_FILES_H
#define CKPT_FILES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "images/fdinfo.pb-c.h"
#include "images/shared.pb-c.h"

enum fd_kind {
	FD_REG = 1,	/* a regular file, reopened by path at its offset */
	FD_DIR,		/* a directory */
	FD_CHR,		/* a character device (/dev/null, ...), reopened by path */
	FD_PIPE,	/* an end of a pipe of shared.img */
	FD_EVENTFD,	/* an eventfd: made again with its count */
	/* files-reg.c's: 20-29 */
	FD_FIFO = 20,		/* a FIFO (named pipe): a fifo_entry of shared.img */
	FD_DELETED = 21,	/* a regular file deleted while open: its data is saved */
	FD_OPATH = 22,		/* an O_PATH fd of a file of any type, reopened O_PATH */
	FD_UNIX_SK = 30,	/* an AF_UNIX socket of shared.img (sockets.c) */
	FD_INET_SK = 31,	/* an AF_INET/AF_INET6 socket of shared.img (sockets.c) */
	FD_EPOLL = 32,		/* an epoll with its interest list (files-epoll.c) */
	FD_SIGNALFD = 33,	/* a signalfd with its mask (files-anon.c) */
	FD_TIMERFD = 34,	/* a timerfd with its clock, time left, interval, ticks */
	FD_INOTIFY = 35,	/* an inotify with its watches (files-anon.c) */
	FD_FANOTIFY = 36,	/* a fanotify with its marks (files-anon.c) */
	FD_TTY = 37,		/* a shell job's terminal: the restoring ckpt's (tty.c) */
	FD_PTY_MASTER = 38,	/* the master of a pty of shared.img (tty.c) */
	FD_PTY_SLAVE = 39,	/* its slave, opened again */
};

/* file_lock.type */
enum file_lock_type {
	FILE_LOCK_FLOCK = 1,	/* flock(): the open file's */
	FILE_LOCK_POSIX,	/* fcntl(F_SETLK): the process's */
	FILE_LOCK_OFD,		/* fcntl(F_OFD_SETLK): the open file's */
};

struct stat;
struct task;
struct tree;
struct version;

/* files-reg.c: fds with a path (regular files, directories, devices). */
/* Dump: fd of task, whose /proc/PID/fd link is `link` and stat `st`. */
int dump_path_fd(struct task *task, int fd, const char *link, const struct stat *st, FdEntry *e);
/* files.c: the size and unread data of the pipe (or FIFO) of fd of task,
 * copied with tee(), left in it. */
int read_pipe(struct task *task, int fd, PipeEntry *pe);

/* Dump, once its fds are known: the data of its deleted files (each once
 * in the tree's task->shared), into images of v. */
int dump_files_data(struct task *task, struct version *v);
/* Restore, in the new process: open it (the fd is returned, anywhere), then,
 * once it is at e->fd, its offset.  Deleted files come from the restorer's
 * shared objects at shared_base (restore.c).  err gets the reason. */
int restore_path_fd(const FdEntry *e, const SharedEntry *sh, int shared_base, char *err,
		    size_t errlen);
int restore_path_fd_done(const FdEntry *e, char *err, size_t errlen);
/* Restore, before anything is made: the files of pid's fds are there, and
 * unchanged unless allow_changed (then a warning says what changed);
 * leave_running: the checkpoint's tree ran on after the dump. */
int files_check_paths(pid_t pid, const FilesEntry *files, bool leave_running, bool allow_changed);
/* What differs in st from a file's size, mtime and inode at the dump (0:
 * not known), as "size 100 at dump, 120 now"; NULL if nothing. */
const char *file_change(uint64_t size, uint64_t mtime_ns, uint64_t ino, const struct stat *st,
			char *buf, size_t len);
/* The refusal of a changed file (what: "fd 3"; hint, if not NULL, follows
 * the change), or with allow a warning. */
int report_changed_file(pid_t pid, const char *what, const char *path, const char *change,
			const char *hint, bool allow);
/* Dump, once the whole tree is: refuse a flock that a live process outside
 * the tree holds through the same open file, and a deleted file that is
 * both open and mapped shared. */
int files_check_tree(const struct tree *tree);
/* Dump, once the whole tree is: refuse an eventfd, epoll, signalfd,
 * timerfd, inotify or fanotify that two processes share other than through
 * the parent (each process makes its own at restore: it would come back as
 * two).  files-anon.c */
int anon_check_tree(const struct tree *tree);
/* Restore, driving the new task once the restorer's fds are closed: its
 * POSIX locks (the process's own; any close of the file would drop them). */
int restore_posix_locks(struct task *task);

/* Restore, in the restorer: a FIFO of the tree opened (read-write); *fresh
 * if it is empty (then its data is to be put back); -1 after error(). */
int open_fifo(const FifoEntry *fe, bool *fresh);
/* Restore, in the restorer: a deleted file made again (unlinked at once),
 * with mode, owner (uid -1: ours) and size; its fd, or -1 after error(). */
int make_deleted_file(const char *path, mode_t mode, int uid, int gid, uint64_t size);
/* A path of a memfd ("/memfd:NAME"), which make_deleted_file() makes with
 * memfd_create(). */
bool is_memfd(const char *path);

/* files-epoll.c: the interest list at dump; at restore an empty epoll in
 * the main pass, its targets once every other fd is there. */
int dump_epoll(pid_t pid, int fd, FdEntry *e);
int restore_epoll_make(const FdEntry *e, char *err, size_t errlen);
int restore_epoll_targets(const FdEntry *e, char *err, size_t errlen);
/* files-anon.c: signalfd, timerfd, inotify; at restore the new fd, or -1
 * (err). */
int dump_signalfd(pid_t pid, int fd, FdEntry *e);
int dump_timerfd(pid_t pid, int fd, FdEntry *e);
int dump_inotify(pid_t pid, int fd, FdEntry *e);
int dump_fanotify(pid_t pid, int fd, FdEntry *e);
int restore_anon_make(const FdEntry *e, char *err, size_t errlen);

#endif
