/*
 * ckpt run: start a command as PID 2 of a new pid namespace whose init is
 * ckpt's (pidns.c).  The command's pids are then its own, so that a dump of
 * it restores anywhere (`ckpt restore` makes a new namespace) without
 * clashing with the pids of the machine.  We stay as its stand-in: its
 * stdin, stdout and stderr are ours, signals sent to us reach it, and its
 * exit status is ours.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"
#include "log.h"
#include "pidns.h"
#include "run.h"
#include "store.h"

static void __attribute__((noreturn)) init_of_job(char **argv)
{
	pid_t job;

	if (pidns_init_setup()) {
		fprintf(stderr, "ckpt run: cannot set up the new pid namespace: %s\n",
			strerror(errno));
		_exit(127);
	}
	job = fork();
	if (job == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* The job leads a session and group of its own, as a job should:
		 * those come back with it, whatever the init's are. */
		setsid();
		execvp(argv[0], argv);
		fprintf(stderr, "ckpt run: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (job < 0) {
		fprintf(stderr, "ckpt run: cannot start '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	pidns_init_loop(job);
}

int run_job(const struct run_opts *o)
{
	int store_fd = -1, status;
	pid_t init;

	if (o->dir) {
		store_fd = store_open(o->dir, true);
		if (store_fd < 0)
			return EXIT_STORE;
	}
	init = pidns_clone();
	if (init == 0) {
		if (store_fd >= 0)
			close(store_fd);
		init_of_job(o->argv);
	}
	if (init < 0) {
		if (errno == EPERM)
			return error("cannot make a new pid namespace: ckpt run needs root "
				     "(CAP_SYS_ADMIN)"), EXIT_FAILED;
		return error_errno("cannot make a new pid namespace"), EXIT_FAILED;
	}
	pr_info("'%s' runs in a new pid namespace under ckpt's init %d", o->argv[0], init);
	if (store_fd >= 0 && store_set_job(store_fd, init))
		pr_warn("ckpt dump -D %s will need -p %d", o->dir, init);
	status = pidns_stand_in(init);
	if (store_fd >= 0) {
		store_clear_job(store_fd, init);
		close(store_fd);
	}
	return status;
}
