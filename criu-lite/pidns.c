#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "log.h"
#include "pidns.h"
#include "proc.h"
#include "util.h"

/* The signals a stand-in and an init pass on: what a user or a batch
 * system sends to a job. */
static const int passed_on[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static int ns_inode(pid_t pid, ino_t *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
	if (stat(path, &st))
		return -1;
	*ino = st.st_ino;
	return 0;
}

static bool is_ckpt_init(pid_t pid)
{
	char path[64], exe[4096];
	struct proc_stat st;
	ssize_t n;
	const char *base;

	if (proc_parse_stat(pid, 0, &st) || strcmp(st.comm, PIDNS_INIT_NAME))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	return !strncmp(base, "ckpt", 4);
}

int pidns_classify(pid_t pid, struct pidns_target *t)
{
	struct proc_status me, it;
	ino_t own, its, up;
	pid_t init = pid;

	t->mode = PIDNS_NONE;
	t->init = 0;
	if (ns_inode(getpid(), &own) || ns_inode(pid, &its))
		return error_errno("pid %d: cannot read its pid namespace", pid);
	if (own == its)
		return 0;
	if (proc_parse_status(getpid(), &me) || proc_parse_status(pid, &it))
		return -1;
	proc_free_status(&me);
	proc_free_status(&it);
	if (it.ns_levels != me.ns_levels + 1)
		return error("pid %d lives in a pid namespace nested inside another one; ckpt "
			     "takes one level only", pid);
	/* Up the parents to the last one inside: the namespace's init. */
	for (pid_t p = pid; p > 1; ) {
		struct proc_stat st;

		if (ns_inode(p, &up) || up != its || proc_parse_stat(p, 0, &st))
			break;
		init = p;
		p = st.ppid;
	}
	if (proc_nspid(init, 0) != 1)
		return error("pid %d lives in a pid namespace whose init ckpt cannot find", pid);
	t->init = init;
	if (is_ckpt_init(init)) {
		t->mode = PIDNS_CKPT_INIT;
		return 0;
	}
	if (init != pid)
		return error("pid %d lives in a pid namespace whose init is pid %d: dump pid %d "
			     "to take the whole namespace", pid, init, init);
	t->mode = PIDNS_OWN_INIT;
	return 0;
}

pid_t pidns_clone(void)
{
	struct clone_args args = {
		.flags = CLONE_NEWPID | CLONE_NEWNS,
		.exit_signal = SIGCHLD,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

int pidns_mount_proc(void)
{
	/* Our mounts stay ours: nothing leaks back to the caller's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -1;
	return 0;
}

int pidns_init_setup(void)
{
	if (pidns_mount_proc() || setsid() < 0)
		return -1;
	prctl(PR_SET_NAME, PIDNS_INIT_NAME);
	return 0;
}

static pid_t pass_to;

static void pass_on(int sig)
{
	if (pass_to > 0)
		kill(pass_to, sig);
}

void pidns_pass_signals(pid_t pid)
{
	struct sigaction sa = { .sa_handler = pass_on, .sa_flags = SA_RESTART };

	pass_to = pid;
	for (size_t i = 0; i < ARRAY_SIZE(passed_on); i++)
		sigaction(passed_on[i], &sa, NULL);
}

int pidns_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void pidns_init_loop(pid_t root)
{
	sigset_t none;
	int status;

	pidns_pass_signals(root);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		pid_t got = waitpid(-1, &status, 0);

		if (got == root)
			_exit(pidns_exit_code(status));
		if (got < 0 && errno == ECHILD)
			_exit(0);
	}
}

int pidns_stand_in(pid_t pid)
{
	int status;

	pidns_pass_signals(pid);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_errno("waitpid %d", pid);
	return pidns_exit_code(status);
}
