/*
 * A process holding SIZE MiB of non-zero anonymous memory in THREADS threads,
 * for the benchmarks.  Prints "ready" on stdout's file when filled, then
 * sleeps; on SIGUSR1 writes 2% of its pages again (the same bytes: the
 * pages are written, the content stays); on SIGTERM checks the memory is
 * unchanged and exits 0 (or 1).
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static uint64_t *mem;
static size_t words;
static volatile sig_atomic_t done, write_some;

static void on_term(int sig)
{
	(void)sig;
	done = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	write_some = 1;
}

static uint64_t pattern(size_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL + 1;

	x ^= x >> 31;
	return x | 1;	/* never zero */
}

static void *idle(void *arg)
{
	sigset_t term;

	(void)arg;
	/* SIGTERM is for the main thread, which checks the memory. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &term, NULL);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	int procs = argc > 3 ? atoi(argv[3]) : 1;	/* a tree: procs processes of mib each */
	pid_t kids[1024];
	int nkids = 0;
	sigset_t none;

	signal(SIGTERM, on_term);
	signal(SIGUSR1, on_usr1);	/* write 2% of the pages (the same bytes) */
	words = mib << 17;
	mem = mmap(NULL, words * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 2;
	for (size_t i = 0; i < words; i++)
		mem[i] = pattern(i);
	for (int i = 1; i < procs && nkids < 1024; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			/* its own copy of the memory, written so it is not shared */
			for (size_t w = 0; w < words; w += 512)
				mem[w] = pattern(w);
			signal(SIGTERM, SIG_IGN);
			for (;;)
				pause();
		}
		if (pid > 0)
			kids[nkids++] = pid;
	}
	for (int i = 1; i < threads; i++) {
		pthread_t t;

		pthread_create(&t, NULL, idle, NULL);
	}
	printf("ready\n");
	fflush(stdout);
	sigemptyset(&none);
	while (!done) {
		sigsuspend(&none);
		if (write_some) {
			size_t n = 0;

			write_some = 0;
			for (size_t w = 0; w < words; w += 50 * 512, n++)
				mem[w] = pattern(w);
			printf("wrote %zu pages\n", n);
			fflush(stdout);
		}
	}
	for (size_t i = 0; i < words; i++)
		if (mem[i] != pattern(i)) {
			printf("FAIL at word %zu\n", i);
			return 1;
		}
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < nkids; i++)
		waitpid(kids[i], NULL, 0);
	printf("PASS\n");
	return 0;
}
