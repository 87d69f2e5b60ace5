/*
 * affinity00: CPU affinity per thread: one thread pinned to the first CPU,
 * one to the last, main to all but the first (where there are two or more),
 * one left alone.  Every mask is the same after the wait.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <sched.h>
#include <string.h>

#define NTHREADS 3

static cpu_set_t all, want[NTHREADS + 1];
static pid_t tids[NTHREADS + 1];
static pthread_barrier_t bar;

static void *worker(void *arg)
{
	int i = (long)arg;

	tids[i] = test_gettid();
	CHECK(sched_setaffinity(0, sizeof(want[i]), &want[i]) == 0, "sched_setaffinity");
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	int first = -1, last = -1;

	test_init(argc, argv);
	CHECK(sched_getaffinity(0, sizeof(all), &all) == 0, "sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &all))
			last = c, first = first < 0 ? c : first;
	if (first == last)
		skip("only one CPU here");
	CPU_ZERO(&want[0]);
	CPU_SET(first, &want[0]);
	CPU_ZERO(&want[1]);
	CPU_SET(last, &want[1]);
	want[2] = all;
	want[3] = all;
	CPU_CLR(first, &want[3]);
	pthread_barrier_init(&bar, NULL, NTHREADS + 1);
	for (long i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&th[i], NULL, worker, (void *)i), "pthread_create");
	tids[NTHREADS] = test_gettid();
	CHECK(sched_setaffinity(0, sizeof(want[3]), &want[3]) == 0, "sched_setaffinity");
	pthread_barrier_wait(&bar);
	test_daemon();
	test_waitsig();

	for (int i = 0; i <= NTHREADS; i++) {
		cpu_set_t set;
		CHECK(sched_getaffinity(tids[i], sizeof(set), &set) == 0, "sched_getaffinity");
		CHECK(CPU_EQUAL(&set, &want[i]), "thread %d: affinity has %d CPUs (first %s), want %d",
		      i, CPU_COUNT(&set), CPU_ISSET(first, &set) ? "in" : "out", CPU_COUNT(&want[i]));
	}
	pthread_barrier_wait(&bar);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pass();
}
