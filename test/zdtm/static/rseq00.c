/*
 * rseq00: glibc registers an rseq area for every thread; after the restore
 * the kernel must still have it registered (re-registering gives EBUSY) and
 * still keep its cpu_id up to date.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <linux/rseq.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RSEQ_SIG
#define RSEQ_SIG 0x53053053
#endif

static pthread_barrier_t bar;
static char thread_err[200];

static struct rseq *area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* NULL when the calling thread's rseq registration is alive and well. */
static const char *check_rseq(void)
{
	static __thread char err[160];
	volatile struct rseq *rs = area();
	unsigned int cpu = 0;
	long r;

	/*
	 * Registering the same area again: EBUSY means it is still registered.
	 * glibc registers 32 bytes (the original struct rseq) even where
	 * __rseq_size says 20 (the features it knows of); try both lengths.
	 */
	r = syscall(SYS_rseq, rs, 32, 0, RSEQ_SIG);
	if (r < 0 && errno == EINVAL && __rseq_size != 32)
		r = syscall(SYS_rseq, rs, __rseq_size, 0, RSEQ_SIG);
	if (r == 0)
		return "rseq was not registered (registering it again worked)";
	if (errno != EBUSY) {
		snprintf(err, sizeof(err), "rseq registration differs: re-register gives %s",
			 strerror(errno));
		return err;
	}
	/* The kernel's cpu_id, and the CPU the kernel says we run on, agree. */
	for (int i = 0;; i++) {
		unsigned int a = rs->cpu_id;
		syscall(SYS_getcpu, &cpu, NULL, NULL);
		if (a == cpu && rs->cpu_id == cpu)
			break;
		if (i == 1000) {
			snprintf(err, sizeof(err), "rseq cpu_id %d, getcpu %u", (int)a, cpu);
			return err;
		}
		sched_yield();
	}
	/* Spoil cpu_id: a signal delivery (and a migration) makes the kernel rewrite it. */
	rs->cpu_id = 0x7fff0000;
	raise(SIGUSR1);
	if (rs->cpu_id == 0x7fff0000) {
		cpu_set_t all, one;
		sched_getaffinity(0, sizeof(all), &all);
		for (int c = 0; c < CPU_SETSIZE && rs->cpu_id == 0x7fff0000; c++)
			if (CPU_ISSET(c, &all) && (unsigned)c != cpu) {
				CPU_ZERO(&one);
				CPU_SET(c, &one);
				sched_setaffinity(0, sizeof(one), &one);
			}
		sched_setaffinity(0, sizeof(all), &all);
	}
	if (rs->cpu_id == 0x7fff0000)
		return "the kernel no longer updates rseq cpu_id";
	if ((int)rs->cpu_id < 0) {
		snprintf(err, sizeof(err), "rseq cpu_id is %d", (int)rs->cpu_id);
		return err;
	}
	return NULL;
}

static void *worker(void *arg)
{
	const char *e;

	(void)arg;
	e = check_rseq();
	if (e)
		snprintf(thread_err, sizeof(thread_err), "before: %s", e);
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	e = check_rseq();
	if (e)
		snprintf(thread_err, sizeof(thread_err), "%s", e);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;
	const char *e;

	test_init(argc, argv);
	signal(SIGUSR1, on_usr1);
	if (__rseq_size == 0)
		skip("glibc did not register rseq (tunable glibc.pthread.rseq=0?)");
	e = check_rseq();
	CHECK(!e, "before the wait: %s", e);
	pthread_barrier_init(&bar, NULL, 2);
	CHECK(!pthread_create(&th, NULL, worker, NULL), "pthread_create");
	pthread_barrier_wait(&bar);
	CHECK(!thread_err[0], "thread: %s", thread_err);
	test_daemon();
	test_waitsig();

	e = check_rseq();
	CHECK(!e, "main thread: %s", e);
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	CHECK(!thread_err[0], "thread: %s", thread_err);
	pass();
}
