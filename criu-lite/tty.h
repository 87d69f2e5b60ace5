/* Terminals (tty.c): the terminal of a shell job, taken over at restore. */
#ifndef CKPT_TTY_H
#define CKPT_TTY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "images/fdinfo.pb-c.h"
#include "images/shared.pb-c.h"

/* Whether the dump takes terminals outside the tree (--shell-job). */
void tty_dump_shell_job(bool on);
/* A tty's major device number. */
bool is_tty(unsigned maj);
/* fd of pid, a tty (st): a shell job's terminal (FD_TTY), or refused. */
int dump_tty(pid_t pid, int fd, const char *link, const struct stat *st, SharedEntry *sh,
	     FdEntry *e);
/* Restore: the fd (0, 1 or 2) of ckpt's own terminal, or -1 after error(). */
int tty_of_restore(void);
/* Make pgrp the foreground process group of tty (best effort, logged). */
void tty_foreground(int tty, pid_t pgrp);

#endif
