/*
 * bigmem00: a lot of anonymous memory (256 MiB by default, --mb N) of
 * pseudo-random data, with every 16th MiB left untouched (must stay zero).
 * Every page is regenerated and compared, so a damaged page is named.
 */
#include "zdtmtst.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIB (1UL << 20)
#define PG 4096

static unsigned char *m;

static int untouched(size_t pg)
{
	return pg / (MIB / PG) % 16 == 7;
}

static void fill_page(uint64_t *p, size_t pg)
{
	uint64_t s = pg * 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < PG / 8; i++)
		p[i] = test_rand64(&s);
}

int main(int argc, char **argv)
{
	size_t mb = 256, npages;
	uint64_t want[PG / 8];

	test_init(argc, argv);
	for (int i = 1; i + 1 < test_argc; i++)
		if (!strcmp(test_argv[i], "--mb"))
			mb = strtoul(test_argv[i + 1], NULL, 0);
	npages = mb * MIB / PG;
	m = mmap(NULL, mb * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap %zu MiB", mb);
	for (size_t pg = 0; pg < npages; pg++)
		if (!untouched(pg))
			fill_page((uint64_t *)(m + pg * PG), pg);
	test_daemon();
	test_waitsig();

	for (size_t pg = 0; pg < npages; pg++) {
		if (untouched(pg))
			memset(want, 0, sizeof(want));
		else
			fill_page(want, pg);
		if (memcmp(m + pg * PG, want, PG)) {
			size_t o = 0;
			while (m[pg * PG + o] == ((unsigned char *)want)[o])
				o++;
			fail("page %zu of %zu (at %p) differs at byte %zu", pg, npages,
			     (void *)(m + pg * PG), o);
		}
	}
	pass();
}
