/*
 * thread-sigmask: each thread blocks its own set of signals (standard and
 * real-time, up to 64); every mask is kept as it was.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <string.h>

#define NTHREADS 3

static uint64_t masks[NTHREADS + 1];
static uint64_t got[NTHREADS];
static pthread_barrier_t bar;

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

static void set_mask(uint64_t m)
{
	sigset_t s;

	sigemptyset(&s);
	for (int sig = 1; sig <= 64; sig++)
		if (m & bit(sig))
			sigaddset(&s, sig);
	pthread_sigmask(SIG_SETMASK, &s, NULL);
}

static void *worker(void *arg)
{
	int i = (long)arg;

	set_mask(masks[i]);
	pthread_barrier_wait(&bar);	/* masks set */
	pthread_barrier_wait(&bar);	/* main has been signalled */
	got[i] = test_sigmask();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];

	test_init(argc, argv);
	/*
	 * SIGTERM stays blocked everywhere (the library wants that); glibc never
	 * lets a thread block its internal signals 32 and 33.
	 */
	masks[0] = bit(SIGTERM) | bit(SIGUSR1) | bit(SIGHUP);
	masks[1] = bit(SIGTERM) | bit(SIGUSR2) | bit(SIGRTMIN) | bit(64);
	masks[2] = bit(SIGTERM);
	masks[3] = bit(SIGTERM) | bit(SIGINT) | bit(SIGALRM) | bit(SIGRTMIN + 5) | bit(50);
	set_mask(masks[3]);
	masks[3] = test_sigmask();	/* what the kernel really holds */
	pthread_barrier_init(&bar, NULL, NTHREADS + 1);
	for (long i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&th[i], NULL, worker, (void *)i), "pthread_create");
	pthread_barrier_wait(&bar);
	test_daemon();
	test_waitsig();

	CHECK(test_sigmask() == masks[3], "main mask %#llx, was %#llx",
	      (unsigned long long)test_sigmask(), (unsigned long long)masks[3]);
	pthread_barrier_wait(&bar);
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK(got[i] == masks[i], "thread %d mask %#llx, was %#llx", i,
		      (unsigned long long)got[i], (unsigned long long)masks[i]);
	}
	pass();
}
