/* zdtmtst: see zdtmtst.h. */
#include "zdtmtst.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int test_argc;
char **test_argv;

static int out_fd = -1;
static volatile sig_atomic_t got_sigterm;
static int verdict_given;		/* only the first pass/fail/skip counts */

/* What the library itself checks after the wait, for every test. */
static pid_t saved_pid, saved_tid;
static uint64_t saved_mask;
#define MAX_FDS 256
static struct { int fd; char target[256]; } saved_fds[MAX_FDS];
static int nr_saved_fds;

pid_t test_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* write() all of buf, retrying after EINTR (a restore may interrupt us). */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	struct timespec ts;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, sizeof(buf), "[%ld.%03ld] %d/%d %s", (long)ts.tv_sec,
		     ts.tv_nsec / 1000000, getpid(), test_gettid(), prefix);
	if (n < 0 || n >= (int)sizeof(buf) - 2)
		return;
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(2, buf, n);
}

void test_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/*
 * Write the verdict line and end the whole process.  Several threads may fail
 * at once: the first one writes, the others wait to be killed by _exit().
 */
static void __attribute__((noreturn)) verdict(int status, const char *word, const char *fmt, va_list *ap)
{
	char line[1024];
	int n;

	if (__atomic_exchange_n(&verdict_given, 1, __ATOMIC_SEQ_CST))
		for (;;)
			pause();

	n = snprintf(line, sizeof(line), "%s", word);
	if (fmt) {
		n += snprintf(line + n, sizeof(line) - n, ": ");
		n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, *ap);
		if (n > (int)sizeof(line) - 2)
			n = sizeof(line) - 2;
	}
	/* The verdict is one line: a reason with a newline would break it. */
	for (int i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[n++] = '\n';
	write_all(2, line, n);
	if (out_fd >= 0)
		write_all(out_fd, line, n);
	_exit(status);
}

void pass(void)
{
	verdict(0, "PASS", NULL, NULL);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(1, "FAIL", fmt, &ap);
}

void skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(0, "SKIP", fmt, &ap);
}

static void on_sigterm(int sig)
{
	(void)sig;
	got_sigterm = 1;
}

int test_sigterm_seen(void)
{
	return got_sigterm;
}

uint64_t test_sigmask(void)
{
	uint64_t m = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, sizeof(m));
	return m;
}

void test_init(int argc, char **argv)
{
	const char *out = NULL;
	struct sigaction sa;
	uint64_t term = 1ULL << (SIGTERM - 1);

	/* Keep argv[0] and everything that is not ours, in order. */
	test_argv = argv;
	test_argc = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else
			argv[test_argc++] = argv[i];
	}
	argv[test_argc] = NULL;
	if (!out) {
		dprintf(2, "usage: %s --out FILE [test options]\n", argv[0]);
		_exit(2);
	}
	out_fd = open(out, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (out_fd < 0) {
		dprintf(2, "%s: cannot open %s: %s\n", argv[0], out, strerror(errno));
		_exit(2);
	}

	/*
	 * SIGTERM is blocked in every thread (threads inherit the mask of the
	 * thread that creates them) and only let through inside the sigsuspend()
	 * of test_waitsig(): so it can only wake the thread that waits for it.
	 */
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &term, NULL, sizeof(term));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);

	saved_pid = getpid();
	saved_tid = test_gettid();
}

/* The fds of this process with what they point at, without malloc (no opendir). */
static int list_fds(int *fds, char (*targets)[256], int max)
{
	char buf[4096], path[64];
	int dfd, n = 0;

	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	for (;;) {
		long len = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		for (long off = 0; off < len;) {
			struct { uint64_t ino; int64_t off; unsigned short reclen;
				 unsigned char type; char name[]; } *d = (void *)(buf + off);
			off += d->reclen;
			if (d->name[0] == '.')
				continue;
			int fd = atoi(d->name);
			if (fd == dfd || n >= max)
				continue;
			fds[n] = fd;
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			ssize_t l = readlink(path, targets[n], 255);
			targets[n][l < 0 ? 0 : l] = '\0';
			/* A restored pipe is a new pipe of the same kind: its inode
			 * number in "pipe:[N]" cannot stay. */
			/* a new pipe or socket has a new inode number */
			if (!strncmp(targets[n], "pipe:[", 6))
				targets[n][5] = '\0';
			if (!strncmp(targets[n], "socket:[", 8))
				targets[n][7] = '\0';
			/* and a new pty another index */
			if (!strncmp(targets[n], "/dev/pts/", 9) && targets[n][9] != 'p')
				targets[n][9] = '\0';
			n++;
		}
	}
	close(dfd);
	return n;
}

void test_daemon(void)
{
	int fds[MAX_FDS];
	static char targets[MAX_FDS][256];

	/* The state is final now: the runner may checkpoint us any time from here. */
	saved_mask = test_sigmask();
	nr_saved_fds = list_fds(fds, targets, MAX_FDS);
	for (int i = 0; i < nr_saved_fds; i++) {
		saved_fds[i].fd = fds[i];
		memcpy(saved_fds[i].target, targets[i], 256);
	}
	write_all(out_fd, "READY\n", 6);
}

static void check_fds(void)
{
	int fds[MAX_FDS];
	static char targets[MAX_FDS][256];
	int n = list_fds(fds, targets, MAX_FDS);

	for (int i = 0; i < nr_saved_fds; i++) {
		int j;
		for (j = 0; j < n && fds[j] != saved_fds[i].fd; j++)
			;
		if (j == n)
			fail("fd %d (%s) is gone after the wait", saved_fds[i].fd,
			     saved_fds[i].target);
		if (strcmp(targets[j], saved_fds[i].target))
			fail("fd %d was %s, is %s after the wait", fds[j],
			     saved_fds[i].target, targets[j]);
	}
	if (n != nr_saved_fds) {
		for (int j = 0; j < n; j++) {
			int i;
			for (i = 0; i < nr_saved_fds && saved_fds[i].fd != fds[j]; i++)
				;
			if (i == nr_saved_fds)
				fail("new fd %d (%s) appeared during the wait", fds[j], targets[j]);
		}
	}
}

void test_waitsig(void)
{
	uint64_t wait_mask = saved_mask & ~(1ULL << (SIGTERM - 1));
	uint64_t mask;

	/*
	 * sigsuspend() closes the race between testing the flag and sleeping.
	 * A checkpoint interrupts it; after a restore it either restarts or
	 * returns EINTR, and the loop just waits again.
	 */
	while (!got_sigterm)
		syscall(SYS_rt_sigsuspend, &wait_mask, sizeof(wait_mask));

	/* What every test must keep, checked here once for all. */
	if (getpid() != saved_pid)
		fail("pid changed: %d, was %d", getpid(), saved_pid);
	if (test_gettid() != saved_tid)
		fail("main thread id changed: %d, was %d", test_gettid(), saved_tid);
	mask = test_sigmask();
	if (mask != saved_mask)
		fail("main thread's signal mask changed across the wait: %#llx, was %#llx",
		     (unsigned long long)mask, (unsigned long long)saved_mask);
	check_fds();
}

uint64_t test_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void test_sleep_ms(unsigned ms)
{
	uint64_t end = test_now_ns(CLOCK_MONOTONIC) + ms * 1000000ULL;
	struct timespec ts = { .tv_sec = end / 1000000000ULL, .tv_nsec = end % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

void test_burn_cpu_ms(unsigned ms)
{
	uint64_t end = test_now_ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000ULL;
	volatile uint64_t x = 0;

	while (test_now_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			x += i;
}

ssize_t test_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

long long test_status_field(const char *status_path, const char *key)
{
	char buf[8192];
	size_t klen = strlen(key);

	if (test_read_file(status_path, buf, sizeof(buf)) < 0)
		return -1;
	for (char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

uint64_t test_rand64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static volatile sig_atomic_t child_stop;

static void child_on_term(int sig)
{
	(void)sig;
	child_stop = 1;
}

pid_t test_child(int (*setup)(void), int (*after)(void))
{
	struct timespec ts = { 10, 0 };
	sigset_t usr1, old;
	pid_t child;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	child = fork();
	if (child < 0)
		fail("fork: %s", strerror(errno));
	if (child == 0) {
		sigset_t none;
		int r;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGTERM, child_on_term);
		r = setup ? setup() : 0;
		if (r)
			_exit(r);
		kill(getppid(), SIGUSR1);
		sigemptyset(&none);
		while (!child_stop)
			sigsuspend(&none);
		_exit(after ? after() : 0);
	}
	if (sigtimedwait(&usr1, NULL, &ts) != SIGUSR1)
		fail("the child %d did not get ready", child);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return child;
}

void test_child_end(pid_t child)
{
	int status;

	kill(child, SIGTERM);
	if (waitpid(child, &status, 0) != child)
		fail("waitpid %d: %s", child, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child ended with status %#x", status);
}

int test_fd_at(int fd, int want)
{
	if (fd < 0 || dup2(fd, want) != want)
		return -1;
	if (fd != want)
		close(fd);
	return want;
}

size_t test_read_for(int fd, char *buf, size_t len, unsigned ms)
{
	size_t got = 0;

	for (unsigned i = 0; got < len && i < ms / 10; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = poll(&p, 1, 10) == 1 ? read(fd, buf + got, len - got) : 0;

		if (n > 0)
			got += n;
	}
	buf[got] = 0;
	return got;
}
