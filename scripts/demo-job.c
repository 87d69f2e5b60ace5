/*
 * demo-job: the sample job of `make demo`.
 *
 *   demo-job            run: every 0.5 s print one line to stdout
 *   demo-job --sum N    print the checksum the job has after tick N, and exit
 *
 * It holds STATE_MB MiB of pseudo-random state.  A worker thread changes a
 * few thousand words of it per tick and keeps a running checksum up to date
 * from the changes alone; the main thread then sums all the state again and
 * prints both:
 *
 *   tick 42 pid 1234 threads 2 sum 5f0c1e2a9b3d4c71 ok
 *
 * "ok" means the two agree, so no page of the state was lost or changed
 * behind the job's back.  Everything is a function of the tick number, so
 * `--sum 42` says what tick 42 of any run must print: a restored job that
 * carries on has to print exactly that.
 *
 * It makes itself a session leader and closes every fd above 2: ckpt dump
 * refuses terminals, and a job started from a shell may inherit one (or a
 * pipe to a process outside the job).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#define STATE_MB	8
#define NWORDS		(STATE_MB * 1024 * 1024 / 8)
#define CHANGES		4096	/* words changed per tick */
#define TICK_NS		500000000L

static uint64_t *state;
static uint64_t rng = 0x0123456789abcdefULL;	/* next change, a function of the tick */
static uint64_t running_sum;
static unsigned long tick;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int want_tick, done_tick;

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* What word i holding v adds to the checksum (position-dependent). */
static uint64_t mix(uint64_t i, uint64_t v)
{
	uint64_t s = v ^ (i * 0x9e3779b97f4a7c15ULL);

	return splitmix64(&s);
}

static uint64_t full_sum(void)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < NWORDS; i++)
		sum += mix(i, state[i]);
	return sum;
}

static void init_state(void)
{
	uint64_t seed = 42;

	state = malloc(NWORDS * sizeof(*state));
	if (!state) {
		perror("demo-job: malloc");
		exit(1);
	}
	for (uint64_t i = 0; i < NWORDS; i++)
		state[i] = splitmix64(&seed);
	running_sum = full_sum();
}

/* One tick's changes, keeping running_sum in step without a full pass. */
static void step(void)
{
	for (int k = 0; k < CHANGES; k++) {
		uint64_t i = splitmix64(&rng) % NWORDS;
		uint64_t v = splitmix64(&rng);

		running_sum += mix(i, v) - mix(i, state[i]);
		state[i] = v;
	}
	tick++;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (want_tick == done_tick)
			pthread_cond_wait(&cond, &lock);
		step();
		done_tick++;
		pthread_cond_broadcast(&cond);
	}
	return NULL;
}

/* Sleep until the absolute CLOCK_MONOTONIC time *t, one tick after the
 * last.  A restore may cut the sleep short with EINTR: sleep again.  After a
 * long stop (the time between a dump and its restore) go on from now
 * instead of printing the missed ticks in a burst. */
static void sleep_until(struct timespec *t)
{
	struct timespec now;

	t->tv_nsec += TICK_NS;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > t->tv_sec + 1)
		*t = now;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line, straight to the log (no stdio buffer to lose). */
	if (n > 0 && write(1, line, n) < 0)
		exit(1);
}

static int count_threads(void)
{
	char buf[4096];
	FILE *f = fopen("/proc/self/status", "r");
	int n = -1;

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	struct timespec next;
	pthread_t th;

	if (argc == 3 && !strcmp(argv[1], "--sum")) {
		unsigned long n = strtoul(argv[2], NULL, 10);

		init_state();
		while (tick < n)
			step();
		printf("%016llx\n", (unsigned long long)running_sum);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: demo-job [--sum N]\n");
		return 2;
	}

	setsid();	/* fails harmlessly when already a group leader */
	syscall(SYS_close_range, 3, ~0U, 0);
	init_state();
	if (pthread_create(&th, NULL, worker, NULL)) {
		say("demo-job: cannot start the worker thread\n");
		return 1;
	}
	say("demo-job: pid %d, %d MiB of state, a line every 0.5 s\n", getpid(), STATE_MB);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		uint64_t sum, have;
		unsigned long t;

		pthread_mutex_lock(&lock);
		want_tick++;
		pthread_cond_broadcast(&cond);
		while (done_tick != want_tick)
			pthread_cond_wait(&cond, &lock);
		t = tick;
		have = running_sum;
		sum = full_sum();
		pthread_mutex_unlock(&lock);

		say("tick %lu pid %d threads %d sum %016llx %s\n", t, getpid(), count_threads(),
		    (unsigned long long)sum, sum == have ? "ok" : "MISMATCH");
		sleep_until(&next);
	}
}
