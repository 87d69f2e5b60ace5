/*
 * thread-syscall: the checkpoint catches threads inside blocking syscalls.
 * Each thread loops on one call with a timeout: nanosleep, clock_nanosleep
 * (relative and absolute), poll and select with no fds, a futex wait with a
 * timeout, sigtimedwait; two more wait on a futex and a condition variable
 * with no timeout until the end.  After a restore a call may restart or fail
 * with EINTR (then we retry), but a call that reports its timeout done must
 * really have waited that long, and every loop must go on.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#define T_MS 200

enum { NANOSLEEP, CLOCK_REL, CLOCK_ABS, POLL, SELECT, FUTEX_TMO, SIGTIMEDWAIT, NTIMED };
static const char *call_name[] = { "nanosleep", "clock_nanosleep", "clock_nanosleep(ABSTIME)",
				   "poll", "select", "futex(timeout)", "sigtimedwait" };

struct waiter {
	pthread_t th;
	volatile uint64_t loops;
	uint64_t eintr;
	char err[200];
};

static struct waiter w[NTIMED];
static volatile int stop;
static int futex_word;			/* never changes for the timed futex */
static int end_word;			/* set to 1 at the end */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int cond_done, futex_woken, cond_woken;

/* One call that waits T_MS; 0 when the wait timed out, -1 with errno set. */
static int one_call(int kind)
{
	struct timespec ts = { 0, T_MS * 1000000L };
	struct timeval tv = { 0, T_MS * 1000 };
	int r;

	switch (kind) {
	case NANOSLEEP:
		return nanosleep(&ts, NULL);
	case CLOCK_REL:
		r = clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL);
		return r ? (errno = r, -1) : 0;
	case CLOCK_ABS: {
		uint64_t end = test_now_ns(CLOCK_MONOTONIC) + T_MS * 1000000ULL;
		struct timespec abs = { end / 1000000000ULL, end % 1000000000ULL };
		/* An absolute sleep retried after EINTR still ends at the same time. */
		while ((r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL)) == EINTR)
			__atomic_fetch_add(&w[kind].eintr, 1, __ATOMIC_RELAXED);
		return r ? (errno = r, -1) : 0;
	}
	case POLL:
		return poll(NULL, 0, T_MS);
	case SELECT:
		return select(0, NULL, NULL, NULL, &tv);
	case FUTEX_TMO:
		r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
		return r < 0 && errno == ETIMEDOUT ? 0 : (r == 0 ? (errno = 0, -2) : r);
	case SIGTIMEDWAIT: {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);		/* blocked and never sent */
		r = sigtimedwait(&s, NULL, &ts);
		return r < 0 && errno == EAGAIN ? 0 : (r >= 0 ? (errno = 0, -2) : r);
	}
	}
	return -2;
}

static void *timed(void *arg)
{
	int kind = (long)arg;
	struct waiter *me = &w[kind];

	while (!stop) {
		uint64_t t0 = test_now_ns(CLOCK_MONOTONIC), el;
		int r = one_call(kind);

		el = (test_now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
		if (r == -1 && errno == EINTR) {
			me->eintr++;
			continue;	/* interrupted (by a checkpoint): try again */
		}
		if (r != 0) {
			snprintf(me->err, sizeof(me->err), "%s returned %d: %s", call_name[kind], r,
				 strerror(errno));
			return NULL;
		}
		/* Monotonic time runs on while we are checkpointed, so never less. */
		if (el + 1 < T_MS) {
			snprintf(me->err, sizeof(me->err), "%s reported %d ms done after %lu ms",
				 call_name[kind], T_MS, (unsigned long)el);
			return NULL;
		}
		__atomic_fetch_add(&me->loops, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *futex_waiter(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&end_word, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &end_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	futex_woken = 1;
	return NULL;
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!cond_done)
		pthread_cond_wait(&cond, &lock);
	cond_woken = 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Join within 5 s or fail: a lost wakeup must not hang the test. */
static void join(pthread_t th, const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	CHECK(pthread_timedjoin_np(th, NULL, &ts) == 0, "%s thread did not finish in 5 s", what);
}

int main(int argc, char **argv)
{
	pthread_t fw, cw;
	uint64_t before[NTIMED];
	sigset_t usr2;

	test_init(argc, argv);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	for (long k = 0; k < NTIMED; k++)
		CHECK(!pthread_create(&w[k].th, NULL, timed, (void *)k), "pthread_create");
	CHECK(!pthread_create(&fw, NULL, futex_waiter, NULL), "pthread_create");
	CHECK(!pthread_create(&cw, NULL, cond_waiter, NULL), "pthread_create");
	for (int k = 0; k < NTIMED; k++)	/* every loop went round once */
		while (!w[k].loops && !w[k].err[0])
			test_sleep_ms(10);
	test_daemon();
	test_waitsig();

	/* Every loop goes on: a few more rounds within 3 s. */
	for (int k = 0; k < NTIMED; k++)
		before[k] = w[k].loops;
	for (int ms = 0; ms < 3000; ms += 20) {
		int all = 1;
		for (int k = 0; k < NTIMED; k++)
			all &= w[k].loops >= before[k] + 2 || w[k].err[0];
		if (all)
			break;
		test_sleep_ms(20);
	}
	stop = 1;
	for (int k = 0; k < NTIMED; k++) {
		join(w[k].th, call_name[k]);
		CHECK(!w[k].err[0], "%s", w[k].err);
		CHECK(w[k].loops >= before[k] + 2, "%s loop stopped (%lu rounds, %lu before SIGTERM)",
		      call_name[k], (unsigned long)w[k].loops, (unsigned long)before[k]);
		test_msg("%s: %lu rounds, %lu EINTR", call_name[k], (unsigned long)w[k].loops,
			 (unsigned long)w[k].eintr);
	}
	__atomic_store_n(&end_word, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &end_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	pthread_mutex_lock(&lock);
	cond_done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	join(fw, "futex waiter");
	join(cw, "condition waiter");
	CHECK(futex_woken && cond_woken, "waiters not woken");
	pass();
}
