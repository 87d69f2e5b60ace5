/*
 * posix-timer00: POSIX timers on several clocks: periodic SIGEV_SIGNAL ones
 * (MONOTONIC, REALTIME, BOOTTIME, process CPU time), one SIGEV_THREAD_ID
 * aimed at a second thread, a one-shot SIGEV_NONE timer far in the future,
 * and a disarmed one.  After the wait every timer has its ID (the kernel
 * says so in si_timerid), its interval and a plausible time left, and each
 * periodic one still fires with its own si_value, on the right thread.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { T_MONO, T_REAL, T_BOOT, T_CPU, T_THREAD, T_NONE, T_OFF, NT };
static const char *names[NT] = { "monotonic", "realtime", "boottime", "process-cputime",
				 "thread-id", "sigev-none", "disarmed" };
static const clockid_t clocks[NT] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME,
				      CLOCK_PROCESS_CPUTIME_ID, CLOCK_MONOTONIC, CLOCK_MONOTONIC,
				      CLOCK_REALTIME };
static const long interval_ms[NT] = { 100, 150, 120, 50, 110, 0, 0 };

static timer_t ids[NT];
static int signo[NT];
static volatile int fired[NT], bad_value, bad_id, bad_tid;
static volatile pid_t worker_tid;
static volatile int stop;

static void handler(int sig, siginfo_t *si, void *uc)
{
	int t = si->si_value.sival_int - 1000;

	(void)uc;
	if (t < 0 || t >= NT || signo[t] != sig) {
		bad_value = si->si_value.sival_int;
		return;
	}
	/* glibc's timer_t is the kernel timer ID for these timers. */
	if (si->si_code != SI_TIMER || si->si_timerid != (int)(long)ids[t])
		bad_id = si->si_timerid + 1;
	if (t == T_THREAD && test_gettid() != worker_tid)
		bad_tid = test_gettid();
	fired[t]++;
}

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = test_gettid();
	while (!stop)
		test_sleep_ms(10);
	return NULL;
}

static int64_t ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(int argc, char **argv)
{
	struct itimerspec before[NT], now;
	uint64_t t_before;
	pthread_t th;
	struct sigaction sa;

	test_init(argc, argv);
	signo[T_MONO] = SIGRTMIN + 2;
	signo[T_REAL] = SIGUSR1;
	signo[T_BOOT] = SIGRTMIN + 5;
	signo[T_CPU] = SIGUSR2;
	signo[T_THREAD] = SIGRTMIN + 3;
	signo[T_NONE] = signo[T_OFF] = SIGRTMIN + 6;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	for (int t = 0; t < NT; t++)
		sigaction(signo[t], &sa, NULL);
	CHECK(!pthread_create(&th, NULL, worker, NULL), "pthread_create");
	while (!worker_tid)
		test_sleep_ms(1);

	for (int t = 0; t < NT; t++) {
		struct sigevent sev;
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = t == T_THREAD ? SIGEV_THREAD_ID : t == T_NONE ? SIGEV_NONE : SIGEV_SIGNAL;
		sev.sigev_signo = signo[t];
		sev.sigev_value.sival_int = 1000 + t;
		sev._sigev_un._tid = worker_tid;
		CHECK(timer_create(clocks[t], &sev, &ids[t]) == 0, "timer_create(%s)", names[t]);
		struct itimerspec its = {
			{ 0, interval_ms[t] * 1000000 },
			{ t == T_NONE ? 100 : 0, interval_ms[t] * 1000000 },
		};
		if (t != T_OFF)
			CHECK(timer_settime(ids[t], 0, &its, NULL) == 0, "timer_settime(%s)", names[t]);
	}
	test_burn_cpu_ms(120);		/* the CPU-time timer fires a couple of times */
	for (int t = 0; t < NT; t++)
		timer_gettime(ids[t], &before[t]);
	t_before = test_now_ns(CLOCK_MONOTONIC);
	test_daemon();
	test_waitsig();

	int64_t elapsed = test_now_ns(CLOCK_MONOTONIC) - t_before;
	CHECK(!bad_value, "a timer signal came with si_value %d", bad_value);
	CHECK(!bad_id, "a timer signal named timer %d, not the one created", bad_id - 1);
	for (int t = 0; t < NT; t++) {
		CHECK(timer_gettime(ids[t], &now) == 0, "timer %s (id %ld) is gone", names[t], (long)ids[t]);
		CHECK(ns(&now.it_interval) == interval_ms[t] * 1000000LL, "timer %s: interval %lld ns, was %ld ms",
		      names[t], (long long)ns(&now.it_interval), interval_ms[t]);
		if (t == T_OFF) {
			CHECK(ns(&now.it_value) == 0, "disarmed timer is armed");
		} else if (t == T_NONE) {
			/* Counts down; time spent checkpointed may or may not count. */
			int64_t v = ns(&now.it_value), b = ns(&before[t].it_value);
			CHECK(v > 0 && v <= b && v >= b - elapsed - 100000000LL,
			      "one-shot timer has %lld ns left, had %lld ns %lld ns ago", (long long)v,
			      (long long)b, (long long)elapsed);
		} else {
			CHECK(ns(&now.it_value) > 0 && ns(&now.it_value) <= interval_ms[t] * 1000000LL,
			      "timer %s: %lld ns left of a %ld ms period", names[t],
			      (long long)ns(&now.it_value), interval_ms[t]);
		}
	}
	/* Each periodic timer still fires (burn CPU for the CPU-time one; at most 3 s). */
	int f[NT];
	for (int t = 0; t < NT; t++)
		f[t] = fired[t];
	for (int ms = 0, again = 1; again && ms < 3000; ms += 10) {
		test_burn_cpu_ms(10);
		again = 0;
		for (int t = 0; t < T_NONE; t++)
			again |= fired[t] < f[t] + 2;
	}
	for (int t = 0; t < T_NONE; t++)
		CHECK(fired[t] >= f[t] + 2, "timer %s no longer fires (%d times, %d before)", names[t],
		      fired[t], f[t]);
	CHECK(!bad_tid, "the SIGEV_THREAD_ID timer's signal ran on thread %d, not %d", bad_tid, worker_tid);
	CHECK(!bad_value && !bad_id, "bad timer signal after the wait (value %d, id %d)", bad_value, bad_id - 1);
	stop = 1;
	pthread_join(th, NULL);
	pass();
}
