/*
 * The physical limit of this machine for the benchmarks: write SIZE MiB of
 * non-zero memory to FILE with plain write(), or read FILE into fresh memory
 * with plain read(), in 4 MiB calls (the best size here).  Prints the seconds taken.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	size_t len = strtoull(argv[2], NULL, 10) << 20, chunk = 4 << 20;
	int wr = !strcmp(argv[1], "write");
	uint64_t *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open(argv[3], wr ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY, 0600);
	double t;

	if (mem == MAP_FAILED || fd < 0)
		return 1;
	if (wr)
		for (size_t i = 0; i < len / 8; i++)
			mem[i] = i * 0x9e3779b97f4a7c15ULL | 1;
	t = now();
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t r = wr ? write(fd, (char *)mem + off, n) : read(fd, (char *)mem + off, n);

		if (r != (ssize_t)n)
			return 1;
	}
	if (wr)
		fsync(fd);
	printf("%.4f\n", now() - t);
	return 0;
}
