/*
 * thread00: several threads keep counting on their own stacks through the
 * checkpoint; afterwards each still has its TID, its stack data and its
 * counters, and all of them are still running.
 */
#include "zdtmtst.h"
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS 4

struct worker {
	pthread_t th;
	pid_t tid;			/* gettid() at start */
	volatile uint64_t progress;	/* published counter, read by main */
	char err[200];
};

static struct worker w[NTHREADS];
static volatile int stop;

static void *worker(void *arg)
{
	struct worker *me = arg;
	int idx = me - w;
	uint64_t pattern[256];		/* on this thread's stack */
	uint64_t a = 0, c = 0, seed = 0x1000 + idx;

	for (int i = 0; i < 256; i++)
		pattern[i] = test_rand64(&seed);
	me->tid = test_gettid();
	while (!stop) {
		a++;
		c += 7;			/* c == 7 * a, always */
		if (c != 7 * a) {
			snprintf(me->err, sizeof(me->err), "counters broke: a=%lu c=%lu",
				 (unsigned long)a, (unsigned long)c);
			return NULL;
		}
		__atomic_store_n(&me->progress, a, __ATOMIC_RELAXED);
		if (a % 64 == 0) {
			uint64_t s = 0x1000 + idx;
			for (int i = 0; i < 256; i++)
				if (pattern[i] != test_rand64(&s)) {
					snprintf(me->err, sizeof(me->err),
						 "stack pattern word %d changed", i);
					return NULL;
				}
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);	/* EINTR after a restore is fine */
		}
	}
	if (test_gettid() != me->tid)
		snprintf(me->err, sizeof(me->err), "tid changed: %d, was %d",
			 test_gettid(), me->tid);
	return NULL;
}

static int count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	uint64_t before[NTHREADS];

	test_init(argc, argv);
	for (int i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&w[i].th, NULL, worker, &w[i]), "pthread_create");
	/* Ready only once every thread runs and has counted a bit. */
	for (int i = 0; i < NTHREADS; i++)
		while (__atomic_load_n(&w[i].progress, __ATOMIC_RELAXED) < 1000)
			test_sleep_ms(1);
	test_daemon();
	test_waitsig();

	CHECK(count_tasks() == NTHREADS + 1, "%d threads, expected %d", count_tasks(), NTHREADS + 1);
	for (int i = 0; i < NTHREADS; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/task/%d", w[i].tid);
		CHECK(access(path, F_OK) == 0, "thread %d: tid %d is gone", i, w[i].tid);
		before[i] = __atomic_load_n(&w[i].progress, __ATOMIC_RELAXED);
	}
	/* Still counting after the restore (bounded: 5 s). */
	for (int i = 0; i < NTHREADS; i++) {
		int ms = 0;
		while (__atomic_load_n(&w[i].progress, __ATOMIC_RELAXED) <= before[i] + 100 && ms < 5000)
			test_sleep_ms(10), ms += 10;
		CHECK(ms < 5000, "thread %d stopped counting at %lu", i, (unsigned long)before[i]);
	}
	stop = 1;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].th, NULL);
		CHECK(!w[i].err[0], "thread %d: %s", i, w[i].err);
	}
	pass();
}
