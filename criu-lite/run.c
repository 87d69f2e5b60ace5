/*
 * ckpt run: start a command as PID 2 of a new pid namespace whose init is
 * ckpt's (pidns.c).  The command's pids are then its own, so that a dump of
 * it restores anywhere (`ckpt restore` makes a new namespace) without
 * clashing with the pids of the machine.  We stay as its stand-in: its
 * stdin, stdout and stderr are ours, signals sent to us reach it, and its
 * exit status is ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "exitcodes.h"
#include "log.h"
#include "pidns.h"
#include "proc.h"
#include "restore.h"
#include "run.h"
#include "store.h"
#include "util.h"

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

/* A dump of the job by a ckpt of its own (a crash of it is not ours):
 * --leave-running, so incremental after the first. */
static pid_t start_dump(const struct run_opts *o)
{
	pid_t pid = fork();

	if (pid == 0) {
		char keep[16], *argv[16];
		int n = 0;

		argv[n++] = "ckpt";
		argv[n++] = "dump";
		argv[n++] = "-D";
		argv[n++] = (char *)o->dir;
		argv[n++] = "--leave-running";
		if (o->keep) {
			snprintf(keep, sizeof(keep), "%u", o->keep);
			argv[n++] = "--keep";
			argv[n++] = keep;
		}
		if (o->compress) {
			argv[n++] = "--compress";
			argv[n++] = (char *)o->compress;
		}
		argv[n] = NULL;
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return pid;
}

/*
 * Stand in for the job's init, and dump the job every o->interval
 * seconds.  We are a child subreaper meanwhile: the holders of the write
 * tracking that the dumps leave come back to us, and we reap them.
 */
static int stand_in_dumping(const struct run_opts *o, pid_t init)
{
	uint64_t next = now_ns(CLOCK_MONOTONIC) + o->interval * 1000000000ull;
	pid_t dumping = 0;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pidns_pass_signals(init);
	for (;;) {
		int status;
		pid_t got = waitpid(-1, &status, WNOHANG);

		if (got == init)
			return pidns_exit_code(status);
		if (got > 0 && got == dumping) {
			dumping = 0;
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				pr_warn("a dump of the job failed (exit status %d): it runs on; the "
					"next is in %u s", pidns_exit_code(status), o->interval);
			continue;
		}
		if (got > 0)
			continue;	/* a holder, or an orphan of the dump */
		if (now_ns(CLOCK_MONOTONIC) >= next) {
			next += o->interval * 1000000000ull;
			if (dumping)
				pr_warn("the dump before is still running: this one is skipped");
			else if ((dumping = start_dump(o)) < 0)
				pr_warn("cannot start a dump: %s", strerror(errno));
		}
		sleep_ms(50);
	}
}

/* The init of a job, still running (not a zombie, not another process
 * that got its pid since). */
static bool job_alive(pid_t pid)
{
	struct proc_stat st;

	if (pid <= 0 || proc_parse_stat(pid, pid, &st)) {
		clear_error();
		return false;
	}
	return st.state != 'Z' && !strcmp(st.comm, PIDNS_INIT_NAME);
}

/* The store's job finished (exited on its own): a new run starts afresh,
 * and records the newest version then, which is not its to resume. */
#define DONE_FILE "job.done"
#define SINCE_FILE "job.since"

/*
 * --interval with a store that has versions and a job that neither runs
 * nor finished (it or the machine died): bring it back.  Returns the new
 * init, 0 when there is nothing to resume, -1 on error.
 */
static pid_t resume(const struct run_opts *o, int store_fd)
{
	/* After a crash the job's files have grown since its last checkpoint,
	 * as they would for a job started again: taken as they are (the log
	 * says which). */
	struct restore_opts ro = { .dir = o->dir, .detach = true, .allow_changed_files = true };
	pid_t job = store_job(store_fd);
	unsigned latest = store_latest(store_fd);

	char *since = read_file_at(store_fd, SINCE_FILE, NULL);
	unsigned before = since ? strtoul(since, NULL, 10) : 0;

	free(since);
	if (latest <= before || faccessat(store_fd, DONE_FILE, F_OK, 0) == 0)
		return 0;
	if (job_alive(job))
		return error("the job of '%s' runs already (its init is pid %d)", o->dir, job);
	pr_warn("resuming the job of '%s' from its checkpoint (newest version %u)", o->dir,
		latest);
	if (restore(&ro))
		return -1;
	job = store_job(store_fd);
	if (job <= 0)
		return error("the restored job did not record its init in '%s'", o->dir);
	return job;
}

int run_job(const struct run_opts *o)
{
	int store_fd = -1, status;
	pid_t init = 0;

	if (o->dir) {
		store_fd = store_open(o->dir, true);
		if (store_fd < 0)
			return EXIT_STORE;
	}
	if (o->interval) {
		init = resume(o, store_fd);
		if (init < 0)
			return EXIT_FAILED;
		if (init > 0) {
			status = stand_in_dumping(o, init);
			goto done;
		}
		/* a new job: the versions there are of an earlier one */
		char text[16];

		snprintf(text, sizeof(text), "%u\n", store_latest(store_fd));
		if (store_put_file(store_fd, SINCE_FILE, text))
			pr_warn("%s: this job may be resumed from an earlier one's version",
				first_error());
		clear_error();
		unlinkat(store_fd, DONE_FILE, 0);
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
	status = o->interval ? stand_in_dumping(o, init) : pidns_stand_in(init);
done:
	/* Exited of itself (not killed): done, a new run starts afresh. */
	if (o->interval && status < 128 && store_put_file(store_fd, DONE_FILE, "")) {
		pr_warn("%s: the next run resumes it", first_error());
		clear_error();
	}
	if (store_fd >= 0) {
		store_clear_job(store_fd, init);
		close(store_fd);
	}
	return status;
}
