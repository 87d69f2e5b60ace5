/*
 * sched00: scheduling per thread: nice values, SCHED_BATCH, SCHED_IDLE and
 * SCHED_RESET_ON_FORK (affinity00 does CPU affinity).  The threads sleep;
 * main reads every thread's settings by TID after the wait.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <sched.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define NTHREADS 3

struct setting {
	int policy, nice;
};

static const struct setting want[NTHREADS + 1] = {
	{ SCHED_BATCH, 7 },
	{ SCHED_IDLE | SCHED_RESET_ON_FORK, 3 },
	{ SCHED_OTHER, 12 },
	{ SCHED_OTHER, 5 },		/* main */
};
static pid_t tids[NTHREADS + 1];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int done, ready;

static void apply(int i)
{
	struct sched_param sp = { 0 };
	const struct setting *s = &want[i];

	tids[i] = test_gettid();
	CHECK(sched_setscheduler(0, s->policy, &sp) == 0, "sched_setscheduler(%#x)", s->policy);
	CHECK(setpriority(PRIO_PROCESS, 0, s->nice) == 0, "setpriority(%d)", s->nice);
}

static void *worker(void *arg)
{
	apply((long)arg);
	pthread_mutex_lock(&lock);
	ready++;
	pthread_cond_broadcast(&cond);
	while (!done)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void check(int i)
{
	const struct setting *s = &want[i];
	int policy, nice;

	policy = sched_getscheduler(tids[i]);
	CHECK(policy == s->policy, "thread %d: policy %#x, was %#x", i, policy, s->policy);
	errno = 0;
	nice = getpriority(PRIO_PROCESS, tids[i]);
	CHECK(nice == s->nice, "thread %d: nice %d, was %d", i, nice, s->nice);
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];

	test_init(argc, argv);
	for (long i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&th[i], NULL, worker, (void *)i), "pthread_create");
	pthread_mutex_lock(&lock);
	while (ready < NTHREADS)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	apply(NTHREADS);
	test_daemon();
	test_waitsig();

	for (int i = 0; i <= NTHREADS; i++)
		check(i);
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pass();
}
