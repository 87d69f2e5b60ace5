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
};

#endif
