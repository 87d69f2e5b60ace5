/*
 * Terminals.  A job started from an interactive shell has the shell's
 * terminal as its stdin, stdout and stderr: a tty outside the tree, which
 * the dump records (with --shell-job) and the restore replaces with its
 * own terminal (--shell-job again), making the job the terminal's
 * foreground process group where it leads one.  ptys whose both ends are
 * in the tree are not carried yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "files.h"
#include "log.h"
#include "tty.h"
#include "util.h"

static bool shell_job;

void tty_dump_shell_job(bool on)
{
	shell_job = on;
}

bool is_tty(unsigned maj)
{
	/* ttys, pty masters and slaves, /dev/tty, /dev/console */
	return maj == 4 || maj == 5 || (maj >= 128 && maj <= 143);
}

int dump_tty(pid_t pid, int fd, const char *link, const struct stat *st, SharedEntry *sh,
	     FdEntry *e)
{
	unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);

	if (maj == 5 && min == 2)
		return error("pid %d: fd %d is a pty master (%s), which ckpt cannot carry yet", pid,
			     fd, link);
	if (maj >= 128 && maj <= 135)
		return error("pid %d: fd %d is a pty master (%s), which ckpt cannot carry yet", pid,
			     fd, link);
	if (!shell_job)
		return error("pid %d: fd %d is a terminal (%s): a job started from a shell is "
			     "dumped with --shell-job, and restored with it on the restoring "
			     "shell's terminal", pid, fd, link);
	e->kind = FD_TTY;
	e->has_rdev = true;
	e->rdev = st->st_rdev;
	if (sh)
		sh->has_shell_job = sh->shell_job = true;
	return 0;
}

int tty_of_restore(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return fd;
	return error("--shell-job: ckpt restore has no terminal (its stdin, stdout and stderr "
		     "are none)");
}

void tty_foreground(int tty, pid_t pgrp)
{
	sigset_t ttou, old;

	if (tcgetsid(tty) != getsid(0)) {
		pr_info("--shell-job: the terminal is not ours to give (not our session's)");
		return;
	}
	/* from the background a tcsetpgrp() would stop us */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	if (tcsetpgrp(tty, pgrp))
		pr_warn("--shell-job: cannot make group %d the terminal's foreground: %s", pgrp,
			strerror(errno));
	else
		pr_info("--shell-job: group %d is the terminal's foreground", pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}
