/*
 * itimer00: interval timers.  ITIMER_REAL fires every 100 ms through the
 * wait; ITIMER_VIRTUAL and ITIMER_PROF count CPU time, so we burn some
 * before the wait to leave them part-way through a period.  After the wait
 * each has its interval and a plausible value: never more than before
 * (REAL: within its period; CPU timers: about where they were, since no CPU
 * time passes while we are checkpointed), and all three still fire.
 *
 * The kernel adds one tick to every value set for a CPU itimer (so that it
 * never fires early); each restore may thus add a tick: we allow two.
 */
#include "zdtmtst.h"
#include <string.h>
#include <sys/time.h>

static volatile int fired[3];
static const int sigs[3] = { SIGALRM, SIGVTALRM, SIGPROF };
static const char *names[3] = { "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF" };
static const long interval_ms[3] = { 100, 500, 700 };

static void handler(int sig)
{
	for (int i = 0; i < 3; i++)
		if (sig == sigs[i])
			fired[i]++;
}

static long ms(struct timeval *tv)
{
	return tv->tv_sec * 1000 + tv->tv_usec / 1000;
}

/* How much setitimer() adds to a CPU timer's value: one tick. */
static long tick_ms(void)
{
	struct itimerval it = { { 0, 0 }, { 10, 0 } }, got, off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_VIRTUAL, &it, NULL);
	getitimer(ITIMER_VIRTUAL, &got);
	setitimer(ITIMER_VIRTUAL, &off, NULL);
	return ms(&got.it_value) - 10000;
}

int main(int argc, char **argv)
{
	struct itimerval before[3], now;
	struct sigaction sa;
	long tick;

	test_init(argc, argv);
	tick = tick_ms();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	for (int i = 0; i < 3; i++) {
		struct itimerval it = { { 0, interval_ms[i] * 1000 }, { 0, 300 * 1000 } };
		sigaction(sigs[i], &sa, NULL);
		CHECK(setitimer(i, &it, NULL) == 0, "setitimer(%s)", names[i]);
	}
	/* Both CPU timers fire once (at 300 ms of CPU time), then ~half way.
	 * On a loaded machine some of the burnt time is system time, which
	 * ITIMER_VIRTUAL does not count: burn on (at most 3 s) until both did. */
	test_burn_cpu_ms(400);
	for (int t = 0; t < 3000 && !(fired[1] >= 1 && fired[2] >= 1); t += 10)
		test_burn_cpu_ms(10);
	CHECK(fired[1] >= 1 && fired[2] >= 1, "CPU timers did not fire before the wait");
	for (int i = 0; i < 3; i++)
		getitimer(i, &before[i]);
	test_daemon();
	test_waitsig();

	for (int i = 0; i < 3; i++) {
		/*
		 * An expired ITIMER_REAL reads 0 until its SIGALRM is taken, which
		 * re-arms it; a moment later it is armed again.  (So a dump may see
		 * value 0 with an interval: that timer is not disarmed.)
		 */
		for (int try = 0; try < 5; try++) {
			CHECK(getitimer(i, &now) == 0, "getitimer");
			if (now.it_value.tv_sec || now.it_value.tv_usec)
				break;
			test_sleep_ms(1);
		}
		CHECK(ms(&now.it_interval) == interval_ms[i], "%s interval %ld ms, was %ld", names[i],
		      ms(&now.it_interval), interval_ms[i]);
		CHECK(now.it_value.tv_sec || now.it_value.tv_usec, "%s is disarmed", names[i]);
		if (i == 0)
			CHECK(ms(&now.it_value) <= interval_ms[0], "%s value %ld ms > its period", names[i],
			      ms(&now.it_value));
		else	/* a little CPU may be used by the dump and restore, never gained */
			CHECK(ms(&now.it_value) <= ms(&before[i].it_value) + 2 * tick + 2 &&
			      ms(&now.it_value) >= ms(&before[i].it_value) - 150,
			      "%s value %ld ms, was %ld ms with no CPU used since (tick %ld ms)",
			      names[i], ms(&now.it_value), ms(&before[i].it_value), tick);
	}
	/* All still fire: burn CPU (at most 3 s) until each one did again. */
	int f[3] = { fired[0], fired[1], fired[2] };
	for (int t = 0; t < 3000 && (fired[0] == f[0] || fired[1] == f[1] || fired[2] == f[2]); t += 10)
		test_burn_cpu_ms(10);
	for (int i = 0; i < 3; i++)
		CHECK(fired[i] > f[i], "%s no longer fires", names[i]);
	pass();
}
