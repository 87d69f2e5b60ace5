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
/* Once the whole tree is dumped, before its fds are written: a pty whose
 * master is in the tree is taken (its state, its unread data); a slave of
 * another is a terminal outside (--shell-job).  vpid numbers a pid as the
 * tree does. */
int tty_check_tree(SharedEntry *sh, pid_t (*vpid)(pid_t, void *), void *arg);
/* The pty of the tree whose slave is tty_nr (a /proc/PID/stat device):
 * its index, *found if it is one. */
uint32_t tty_ctty_pty(unsigned tty_nr, const SharedEntry *sh, bool *found);
/* The end of a dump: unread pty data goes back in if the job runs on. */
void tty_dump_end(bool job_gone);
/* Restore: the ptys made again, pty k's master at base + 2k, its slave
 * after it; tty_pty_slot() finds them. */
int tty_make_ptys(const SharedEntry *sh, int base);
int tty_pty_slot(const SharedEntry *sh, int base, uint32_t index, bool slave);
/* Where the ptys begin in the restorer's shared range: after the sockets
 * and a shell job's terminal. */
#define shared_pty_base(sh) (shared_sk_base(sh) + sk_count(sh) + (sh)->shell_job)

/* Restore: the fd (0, 1 or 2) of ckpt's own terminal, or -1 after error(). */
int tty_of_restore(void);
/* Make pgrp the foreground process group of tty (best effort, logged). */
void tty_foreground(int tty, pid_t pgrp);

#endif
