/* thread-names: every thread keeps the name it gave itself (comm). */
#include "zdtmtst.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#define NTHREADS 3

static pid_t tids[NTHREADS];
static pthread_t th[NTHREADS];
static pthread_barrier_t started;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int done;

static const char *names[NTHREADS] = { "zdtm-worker-0", "w1 with space", "x" };

static void *worker(void *arg)
{
	int i = (long)arg;

	tids[i] = test_gettid();
	pthread_setname_np(pthread_self(), names[i]);
	pthread_barrier_wait(&started);
	pthread_mutex_lock(&lock);
	while (!done)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void check_comm(pid_t tid, const char *want)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	CHECK(test_read_file(path, buf, sizeof(buf)) > 0, "cannot read %s", path);
	buf[strcspn(buf, "\n")] = '\0';
	CHECK(!strcmp(buf, want), "thread %d is named \"%s\", was \"%s\"", tid, buf, want);
}

int main(int argc, char **argv)
{
	char name[16];

	test_init(argc, argv);
	prctl(PR_SET_NAME, "tn-main-name");
	pthread_barrier_init(&started, NULL, NTHREADS + 1);
	for (long i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&th[i], NULL, worker, (void *)i), "pthread_create");
	pthread_barrier_wait(&started);
	test_daemon();
	test_waitsig();

	check_comm(test_gettid(), "tn-main-name");
	CHECK(prctl(PR_GET_NAME, name) == 0 && !strcmp(name, "tn-main-name"),
	      "PR_GET_NAME gives \"%s\"", name);
	for (int i = 0; i < NTHREADS; i++) {
		check_comm(tids[i], names[i]);
		CHECK(!pthread_getname_np(th[i], name, sizeof(name)) && !strcmp(name, names[i]),
		      "pthread_getname_np of thread %d gives \"%s\"", i, name);
	}
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pass();
}
