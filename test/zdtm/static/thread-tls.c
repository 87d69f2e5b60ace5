/*
 * thread-tls: thread-local variables, pthread keys, the fs base (the TLS
 * pointer) and a gs base one thread sets for itself all stay the same.
 */
#include "zdtmtst.h"
#include <asm/prctl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 3

static __thread int tls_int = 42;
static __thread char tls_buf[64] = "initial";
static pthread_key_t key;

struct state {
	unsigned long fs, gs;
	void *tls_addr;
	pthread_t self;
	char err[200];
};

static struct state st[NTHREADS + 1];
static pthread_barrier_t bar;
static uint64_t gs_area[4] = { 0x1111222233334444ULL, 0x5555666677778888ULL };

static unsigned long get_base(int code)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, code, &v);
	return v;
}

/* Set everything up for thread i; later check it all, into st[i].err. */
static void setup(int i)
{
	tls_int = 1000 + i;
	snprintf(tls_buf, sizeof(tls_buf), "thread %d's buffer", i);
	pthread_setspecific(key, (void *)(long)(0x5000 + i));
	if (i == 1)	/* glibc leaves gs alone on x86-64: one thread uses it */
		syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_area);
	st[i].fs = get_base(ARCH_GET_FS);
	st[i].gs = get_base(ARCH_GET_GS);
	st[i].tls_addr = &tls_int;
	st[i].self = pthread_self();
}

static void check(int i)
{
	char want[64];
	struct state *s = &st[i];

	snprintf(want, sizeof(want), "thread %d's buffer", i);
	if (tls_int != 1000 + i)
		snprintf(s->err, sizeof(s->err), "tls_int is %d", tls_int);
	else if (strcmp(tls_buf, want))
		snprintf(s->err, sizeof(s->err), "tls_buf is \"%.40s\"", tls_buf);
	else if (pthread_getspecific(key) != (void *)(long)(0x5000 + i))
		snprintf(s->err, sizeof(s->err), "pthread key value %p", pthread_getspecific(key));
	else if (get_base(ARCH_GET_FS) != s->fs)
		snprintf(s->err, sizeof(s->err), "fs base %#lx, was %#lx", get_base(ARCH_GET_FS), s->fs);
	else if (get_base(ARCH_GET_GS) != s->gs)
		snprintf(s->err, sizeof(s->err), "gs base %#lx, was %#lx", get_base(ARCH_GET_GS), s->gs);
	else if ((void *)&tls_int != s->tls_addr)
		snprintf(s->err, sizeof(s->err), "&tls_int moved");
	else if (!pthread_equal(pthread_self(), s->self))
		snprintf(s->err, sizeof(s->err), "pthread_self changed");
	else if (i == 1) {
		uint64_t v;
		/* Read through %gs: the base really is in the register. */
		asm volatile("movq %%gs:8, %0" : "=r"(v));
		if (v != gs_area[1])
			snprintf(s->err, sizeof(s->err), "%%gs:8 reads %#lx", (unsigned long)v);
	}
}

static void *worker(void *arg)
{
	int i = (long)arg;

	setup(i);
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	check(i);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];

	test_init(argc, argv);
	pthread_key_create(&key, NULL);
	pthread_barrier_init(&bar, NULL, NTHREADS + 1);
	for (long i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&th[i], NULL, worker, (void *)i), "pthread_create");
	setup(NTHREADS);
	pthread_barrier_wait(&bar);
	test_daemon();
	test_waitsig();

	check(NTHREADS);
	CHECK(!st[NTHREADS].err[0], "main thread: %s", st[NTHREADS].err);
	pthread_barrier_wait(&bar);
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK(!st[i].err[0], "thread %d: %s", i, st[i].err);
	}
	pass();
}
