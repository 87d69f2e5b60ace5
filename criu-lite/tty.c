/*
 * Terminals.  A job started from an interactive shell has the shell's
 * terminal as its stdin, stdout and stderr: a tty outside the tree, which
 * the dump records (with --shell-job) and the restore replaces with its
 * own terminal (--shell-job again), making the job the terminal's
 * foreground process group where it leads one.
 *
 * A pty whose master is in the tree (a terminal emulator, `script`, a
 * tmux server) is the tree's own: the restorer makes a new one with the
 * slave's settings and window size, the master fds take its master, the
 * slave fds open its slave again, and a session leader whose controlling
 * terminal it was takes it again (TIOCSCTTY), with its foreground group.
 * What was unread on either side cannot be peeked: the dump reads it (the
 * tree is frozen) and, if the job runs on, writes it back; the restore
 * writes it into the new pty with the line discipline in raw mode, so that
 * it arrives as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <stdlib.h>
#include <poll.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "files.h"
#include "log.h"
#include "sockets.h"
#include "task.h"
#include "tty.h"
#include "util.h"

/* The pty fds the dump has seen, and the ptys it took (their unread data
 * goes back in if the job runs on). */
struct pty_fd {
	uint32_t index;
	pid_t pid;
	int fd;
	bool master;
	FdEntry *e;
};
static struct pty_fd *seen;
static size_t nr_seen;
struct pty_taken {
	int master, slave;
	PtyEntry *pe;
};
static struct pty_taken *taken;
static size_t nr_taken;

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

static void see(uint32_t index, pid_t pid, int fd, bool master, FdEntry *e)
{
	seen = xrealloc(seen, (nr_seen + 1) * sizeof(*seen));
	seen[nr_seen++] = (struct pty_fd){ index, pid, fd, master, e };
	e->has_pty_index = true;
	e->pty_index = index;
}

/* A terminal outside the tree: a shell job's, with --shell-job. */
static int outside_tty(pid_t pid, int fd, const char *link, SharedEntry *sh, FdEntry *e)
{
	if (!shell_job)
		return error("pid %d: fd %d is a terminal (%s): a job started from a shell is "
			     "dumped with --shell-job, and restored with it on the restoring "
			     "shell's terminal", pid, fd, link);
	e->kind = FD_TTY;
	e->has_pty_index = false;
	if (sh)
		sh->has_shell_job = sh->shell_job = true;
	return 0;
}

int dump_tty(pid_t pid, int fd, const char *link, const struct stat *st, SharedEntry *sh,
	     FdEntry *e)
{
	unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);

	e->has_rdev = true;
	e->rdev = st->st_rdev;
	if (maj == 5 && min == 0) {
		/* /dev/tty: the controlling terminal, opened again by path */
		e->kind = FD_CHR;
		return 0;
	}
	if (maj == 5 && min == 2) {
		int m = grab_fd(pid, fd);
		unsigned index;

		if (m < 0 || ioctl(m, TIOCGPTN, &index)) {
			if (m >= 0)
				close(m);
			return error_errno("pid %d: fd %d (a pty master): TIOCGPTN", pid, fd);
		}
		close(m);
		e->kind = FD_PTY_MASTER;
		see(index, pid, fd, true, e);
		return 0;
	}
	if (maj >= 136 && maj <= 143) {
		e->kind = FD_PTY_SLAVE;
		see((maj - 136) * 256 + min, pid, fd, false, e);
		return 0;
	}
	if (maj >= 128 && maj <= 135)
		return error("pid %d: fd %d is a BSD pty master (%s), which ckpt cannot carry", pid,
			     fd, link);
	return outside_tty(pid, fd, link, sh, e);
}

/* Up to len bytes now waiting on fd (FIONREAD), read: the tree is frozen. */
static int drain(int fd, ProtobufCBinaryData *out)
{
	int n = 0;

	out->len = 0;
	out->data = NULL;
	if (ioctl(fd, FIONREAD, &n) || n <= 0)
		return 0;
	out->data = xmalloc(n);
	while ((int)out->len < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;

		if (poll(&p, 1, 1000) <= 0)
			break;
		got = read(fd, out->data + out->len, n - out->len);
		if (got <= 0)
			break;
		out->len += got;
	}
	return (int)out->len == n ? 0 : -1;
}

/* Bytes into a pty with its line discipline raw for the while, so that
 * they arrive as they are: input through the master, output through the
 * slave; waits until the other side holds them all. */
static int inject(int m, int s, const ProtobufCBinaryData *input, const ProtobufCBinaryData *output)
{
	struct termios saved, raw;
	int ret = 0;

	if (!input->len && !output->len)
		return 0;
	if (tcgetattr(s, &saved))
		return -1;
	raw = saved;
	cfmakeraw(&raw);
	if (tcsetattr(s, TCSANOW, &raw))
		return -1;
	if ((input->len && write_all(m, input->data, input->len)) ||
	    (output->len && write_all(s, output->data, output->len)))
		ret = -1;
	/* the line discipline takes the input in a work queue of its own */
	for (int i = 0; !ret && i < 1000; i++) {
		int in = 0, out = 0;

		ioctl(s, FIONREAD, &in);
		ioctl(m, FIONREAD, &out);
		if ((size_t)in >= input->len && (size_t)out >= output->len)
			break;
		sleep_ms(1);
	}
	if (tcsetattr(s, TCSANOW, &saved))
		ret = -1;
	return ret;
}

static int take_pty(struct pty_fd *master, SharedEntry *sh, pid_t (*vpid)(pid_t, void *),
		    void *arg)
{
	PtyEntry *pe = xmalloc(sizeof(*pe));
	struct termios t;
	struct winsize ws;
	char path[64];
	int m = grab_fd(master->pid, master->fd), s, locked = 0, packet = 0, pg = 0;

	pty_entry__init(pe);
	pe->index = master->index;
	snprintf(path, sizeof(path), "/dev/pts/%u", master->index);
	s = m >= 0 ? open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -1;
	if (m < 0 || s < 0 || tcgetattr(s, &t) || ioctl(m, TIOCGWINSZ, &ws)) {
		error_errno("pid %d: fd %d: cannot read the state of pty %u", master->pid,
			    master->fd, master->index);
		goto fail;
	}
	ioctl(m, TIOCGPTLCK, &locked);
	ioctl(m, TIOCGPKT, &packet);
	pe->termios.len = sizeof(t);
	pe->termios.data = xmalloc(sizeof(t));
	memcpy(pe->termios.data, &t, sizeof(t));
	pe->rows = ws.ws_row;
	pe->cols = ws.ws_col;
	pe->xpixel = ws.ws_xpixel;
	pe->ypixel = ws.ws_ypixel;
	pe->locked = locked;
	pe->packet = packet;
	if (!ioctl(m, TIOCGPGRP, &pg) && pg > 0 && vpid(pg, arg) > 0) {
		pe->has_fg_pgrp = true;
		pe->fg_pgrp = vpid(pg, arg);
	}
	if (drain(s, &pe->input) || drain(m, &pe->output)) {
		error("pid %d: fd %d: cannot read what is unread in pty %u", master->pid,
		      master->fd, master->index);
		goto fail;
	}
	taken = xrealloc(taken, (nr_taken + 1) * sizeof(*taken));
	taken[nr_taken++] = (struct pty_taken){ m, s, pe };
	sh->ptys = xrealloc(sh->ptys, (sh->n_ptys + 1) * sizeof(pe));
	sh->ptys[sh->n_ptys++] = pe;
	pr_info("pty %u: %zu bytes of input and %zu of output unread", pe->index, pe->input.len,
		pe->output.len);
	return 0;
fail:
	if (m >= 0)
		close(m);
	if (s >= 0)
		close(s);
	return -1;
}

int tty_check_tree(SharedEntry *sh, pid_t (*vpid)(pid_t, void *), void *arg)
{
	for (size_t i = 0; i < nr_seen; i++) {
		bool have_master = false, done = false;

		for (size_t k = 0; k < nr_seen; k++)
			have_master |= seen[k].master && seen[k].index == seen[i].index;
		for (size_t k = 0; k < sh->n_ptys; k++)
			done |= sh->ptys[k]->index == seen[i].index;
		if (!have_master) {
			/* the slave of a pty of someone else: a terminal outside */
			if (outside_tty(seen[i].pid, seen[i].fd, seen[i].e->path, sh, seen[i].e))
				return -1;
			continue;
		}
		if (seen[i].master && !done && take_pty(&seen[i], sh, vpid, arg))
			return -1;
	}
	return 0;
}

uint32_t tty_ctty_pty(unsigned tty_nr, const SharedEntry *sh, bool *found)
{
	unsigned maj = major(tty_nr), min = minor(tty_nr);
	uint32_t index = (maj - 136) * 256 + min;

	*found = false;
	if (maj < 136 || maj > 143)
		return 0;
	for (size_t k = 0; k < sh->n_ptys; k++)
		if (sh->ptys[k]->index == index)
			*found = true;
	return index;
}

void tty_dump_end(bool job_gone)
{
	for (size_t i = 0; i < nr_taken; i++) {
		if (!job_gone && inject(taken[i].master, taken[i].slave, &taken[i].pe->input,
					&taken[i].pe->output))
			pr_warn("pty %u: what was unread could not all be put back",
				taken[i].pe->index);
		close(taken[i].master);
		close(taken[i].slave);
	}
	free(taken);
	free(seen);
	taken = NULL;
	seen = NULL;
	nr_taken = nr_seen = 0;
}

int tty_make_ptys(const SharedEntry *sh, int base)
{
	for (size_t k = 0; k < sh->n_ptys; k++) {
		const PtyEntry *pe = sh->ptys[k];
		struct winsize ws = { pe->rows, pe->cols, pe->xpixel, pe->ypixel };
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s = -1, lock = pe->locked;
		int pkt = pe->packet;
		struct termios t;

		if (pe->termios.len != sizeof(t))
			return error("pty %u: its settings are of another size", pe->index);
		memcpy(&t, pe->termios.data, sizeof(t));
		if (m >= 0 && !grantpt(m) && !unlockpt(m) && ptsname(m))
			s = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s < 0 || tcsetattr(s, TCSANOW, &t) || ioctl(m, TIOCSWINSZ, &ws) ||
		    inject(m, s, &pe->input, &pe->output) || ioctl(m, TIOCSPTLCK, &lock) ||
		    (pkt && ioctl(m, TIOCPKT, &pkt)) || move_fd(m, base + 2 * k) ||
		    move_fd(s, base + 2 * k + 1)) {
			error_errno("cannot make pty %u again", pe->index);
			if (m >= 0)
				close(m);
			if (s >= 0)
				close(s);
			return -1;
		}
		pr_info("pty %u is %s now", pe->index, ptsname(base + 2 * k) ?: "?");
	}
	return 0;
}

int tty_pty_slot(const SharedEntry *sh, int base, uint32_t index, bool slave)
{
	for (size_t k = 0; k < sh->n_ptys; k++)
		if (sh->ptys[k]->index == index)
			return base + 2 * k + slave;
	return -1;
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
