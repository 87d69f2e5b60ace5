/*
 * sigpending00: blocked signals wait through the checkpoint.  Process-wide
 * ones (sigqueue: standard and queued real-time with values) and per-thread
 * ones (tgkill, rt_tgsigqueueinfo to a second thread); afterwards each
 * thread sees exactly its own set pending and sigtimedwait takes them out in
 * order with the same si_code, si_pid, si_uid and si_value.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct want {
	int signo, code, value;		/* value: -1 when there is none */
};

static pthread_barrier_t bar;
static pid_t worker_tid;
static char worker_err[300];

static uint64_t pending(void)
{
	uint64_t m = 0;

	syscall(SYS_rt_sigpending, &m, 8);
	return m;
}

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

/* Take every pending signal and compare with want[]; NULL or the first difference. */
static const char *drain(const struct want *w, int n, char *err, size_t size)
{
	sigset_t all;
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	int i = 0, sig;

	sigfillset(&all);
	sigdelset(&all, SIGTERM);
	while ((sig = sigtimedwait(&all, &si, &zero)) > 0) {
		if (i >= n) {
			snprintf(err, size, "unexpected pending signal %d", sig);
			return err;
		}
		if (sig != w[i].signo || si.si_code != w[i].code || si.si_pid != getpid() ||
		    si.si_uid != getuid() || (w[i].value >= 0 && si.si_value.sival_int != w[i].value)) {
			snprintf(err, size, "signal #%d: got %d code %d pid %d uid %d value %d, "
				 "want %d code %d value %d", i, sig, si.si_code, si.si_pid, si.si_uid,
				 si.si_value.sival_int, w[i].signo, w[i].code, w[i].value);
			return err;
		}
		i++;
	}
	if (i < n) {
		snprintf(err, size, "signal %d (#%d) is no longer pending", w[i].signo, i);
		return err;
	}
	return NULL;
}

static void *worker(void *arg)
{
	const struct want w[] = { { SIGRTMIN + 1, SI_QUEUE, 222 }, { SIGRTMIN + 1, SI_QUEUE, 223 } };
	uint64_t p;
	const char *e;

	(void)arg;
	worker_tid = test_gettid();
	pthread_barrier_wait(&bar);	/* signals sent */
	pthread_barrier_wait(&bar);	/* main has drained the shared ones */
	p = pending();
	if (p != bit(SIGRTMIN + 1))
		snprintf(worker_err, sizeof(worker_err), "thread sees pending %#llx, want %#llx",
			 (unsigned long long)p, (unsigned long long)bit(SIGRTMIN + 1));
	else if ((e = drain(w, 2, worker_err, sizeof(worker_err))))
		(void)e;
	return NULL;
}

static void queue_to_thread(pid_t tid, int sig, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	CHECK(syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si) == 0, "rt_tgsigqueueinfo");
}

int main(int argc, char **argv)
{
	const struct want main_w[] = {
		/* the main thread's own first (glibc's sigtimedwait shows SI_TKILL as SI_USER) */
		{ SIGUSR2, SI_USER, -1 },
		{ SIGHUP, SI_QUEUE, 5 },		/* then the shared ones, lowest first */
		{ SIGUSR1, SI_QUEUE, 7 },
		{ SIGRTMIN, SI_QUEUE, 111 },		/* real-time: queued in order */
		{ SIGRTMIN, SI_QUEUE, 112 },
		{ SIGRTMIN, SI_QUEUE, 113 },
		{ SIGRTMIN + 4, SI_QUEUE, 0 },
	};
	uint64_t p_main, want_main = 0;
	sigset_t block;
	pthread_t th;
	char err[300];
	const char *e;

	test_init(argc, argv);
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, NULL);	/* the thread inherits this */
	pthread_barrier_init(&bar, NULL, 2);
	CHECK(!pthread_create(&th, NULL, worker, NULL), "pthread_create");
	while (!__atomic_load_n(&worker_tid, __ATOMIC_SEQ_CST))
		test_sleep_ms(1);

	CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 7 }) == 0, "sigqueue");
	CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 8 }) == 0, "sigqueue");	/* merged */
	CHECK(sigqueue(getpid(), SIGHUP, (union sigval){ .sival_int = 5 }) == 0, "sigqueue");
	for (int v = 111; v <= 113; v++)
		CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = v }) == 0, "sigqueue");
	CHECK(sigqueue(getpid(), SIGRTMIN + 4, (union sigval){ .sival_int = 0 }) == 0, "sigqueue");
	CHECK(syscall(SYS_tgkill, getpid(), test_gettid(), SIGUSR2) == 0, "tgkill");
	queue_to_thread(worker_tid, SIGRTMIN + 1, 222);
	queue_to_thread(worker_tid, SIGRTMIN + 1, 223);
	for (unsigned i = 0; i < sizeof(main_w) / sizeof(main_w[0]); i++)
		want_main |= bit(main_w[i].signo);
	CHECK(pending() == want_main, "pending %#llx before the wait, want %#llx",
	      (unsigned long long)pending(), (unsigned long long)want_main);
	pthread_barrier_wait(&bar);
	test_daemon();
	test_waitsig();

	p_main = pending();
	CHECK(p_main == want_main, "main thread sees pending %#llx, want %#llx",
	      (unsigned long long)p_main, (unsigned long long)want_main);
	e = drain(main_w, sizeof(main_w) / sizeof(main_w[0]), err, sizeof(err));
	CHECK(!e, "main thread: %s", e);
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	CHECK(!worker_err[0], "thread: %s", worker_err);
	pass();
}
