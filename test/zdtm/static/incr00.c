/*
 * incr00: memory that changes all the time, for incremental dumps.  A
 * writer thread goes round and round:
 *   - it rewrites the pages of an 8 MiB area one after the other, page i of
 *     round r all words of value(r, i);
 *   - every 256 pages it empties one page of a second area (MADV_DONTNEED)
 *     and fills another;
 *   - each round it maps a small third area anew at the same address
 *     (MAP_FIXED) and fills it.
 * Before it changes anything it checks that it holds what the writer left
 * there (a page of round r - 1, an empty page, the last fill): a restore
 * that brings back a page from an older version, or keeps one that was
 * emptied or mapped anew, is caught at the next pass, and a last check of
 * everything after the wait catches what the writer did not reach.  The
 * runner's `incr` mode dumps it three times while it writes, the last two
 * incrementally, and restores the newest.  `--ballast MB` adds that much
 * memory written once (checked at the end): a dump that takes a while to
 * copy, for the cases that catch ckpt in the middle of it.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE	4096
#define WORDS	(PAGE / 8)
#define NP	2048		/* pages of the rewritten area */
#define NZ	8		/* pages of the area that is emptied and filled */
#define NM	16		/* pages of the area mapped anew */

static uint64_t *area, *zarea, *marea, *ballast;
static uint64_t ballast_pages;
/* What the writer has done: set after each step, so that a freeze at any
 * moment leaves them and the memory in agreement (see check_all()). */
static volatile uint64_t round_nr = 1, cursor;	/* pages < cursor are of round_nr */
static volatile uint64_t zstate[NZ];		/* 0: empty, else the fill value */
static volatile int zbusy = -1;			/* the page being changed */
static volatile uint64_t mfill;			/* the third area's fill */
static volatile int mbusy;
static volatile int stop;
static volatile uint64_t bad, bad_i, bad_r;
static const char *bad_what;

static uint64_t value(uint64_t r, uint64_t i)
{
	return (r << 32 | i) * 0x9e3779b97f4a7c15ull;
}

static int page_is(const uint64_t *p, uint64_t v)
{
	for (int w = 0; w < WORDS; w++)
		if (p[w] != v)
			return 0;
	return 1;
}

static void note(const char *what, uint64_t i, uint64_t r)
{
	if (!bad++) {
		bad_what = what;
		bad_i = i;
		bad_r = r;
	}
}

static void fill(volatile uint64_t *p, uint64_t v)
{
	for (int w = 0; w < WORDS; w++)
		p[w] = v;	/* in order: a freeze leaves a prefix written */
}

/* One page emptied, another filled (4 steps after it was emptied). */
static void z_step(uint64_t step)
{
	int e = step % NZ, f = (step + NZ / 2) % NZ;

	zbusy = e;
	if (!page_is(zarea + e * WORDS, zstate[e]))
		note("emptied page", e, step);
	madvise(zarea + e * WORDS, PAGE, MADV_DONTNEED);
	zstate[e] = 0;
	zbusy = f;
	if (!page_is(zarea + f * WORDS, zstate[f]))
		note("filled page", f, step);
	fill(zarea + f * WORDS, value(step, 1000 + f));
	zstate[f] = value(step, 1000 + f);
	zbusy = -1;
}

static void *writer(void *arg)
{
	(void)arg;
	while (!stop) {
		uint64_t r = round_nr;

		for (uint64_t i = cursor; i < NP && !stop; i++) {
			if (!page_is(area + i * WORDS, value(r - 1, i)))
				note("page", i, r);
			fill(area + i * WORDS, value(r, i));
			cursor = i + 1;
			usleep(100);
			if (i % 256 == 255)
				z_step(r * (NP / 256) + i / 256);
		}
		if (stop)
			break;
		/* the third area mapped anew where it was */
		mbusy = 1;
		for (int i = 0; i < NM; i++)
			if (!page_is(marea + i * WORDS, mfill))
				note("remapped page", i, r);
		if (mmap(marea, NM * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != marea)
			note("mmap", 0, r);
		for (int i = 0; i < NM; i++)
			fill(marea + i * WORDS, value(r, 5000));
		mfill = value(r, 5000);
		mbusy = 0;
		cursor = 0;
		round_nr = r + 1;
	}
	return NULL;
}

/* Everything agrees with the writer's record of what it did. */
static void check_all(void)
{
	uint64_t r = round_nr, c = cursor;

	for (uint64_t i = 0; i < NP; i++) {
		const uint64_t *p = area + i * WORDS;
		uint64_t want = i < c ? value(r, i) : value(r - 1, i);

		if (i == c && !page_is(p, want)) {
			/* the page being written: a prefix of the new round */
			int w = 0;
			while (w < WORDS && p[w] == value(r, i))
				w++;
			while (w < WORDS && p[w] == want)
				w++;
			CHECK(w == WORDS, "page %lu (being written) is neither round",
			      (unsigned long)i);
			continue;
		}
		CHECK(page_is(p, want), "page %lu is not of round %lu (cursor %lu)",
		      (unsigned long)i, (unsigned long)(i < c ? r : r - 1), (unsigned long)c);
	}
	for (int j = 0; j < NZ; j++)
		CHECK(j == zbusy || page_is(zarea + j * WORDS, zstate[j]),
		      "page %d of the emptied area holds %#lx, not %#lx", j,
		      (unsigned long)zarea[j * WORDS], (unsigned long)zstate[j]);
	for (int i = 0; !mbusy && i < NM; i++)
		CHECK(page_is(marea + i * WORDS, mfill), "page %d of the remapped area is stale", i);
	for (uint64_t i = 0; i < ballast_pages; i++)
		CHECK(ballast[i * WORDS] == value(7, i) && ballast[i * WORDS + WORDS - 1] == i,
		      "page %lu of the ballast is wrong", (unsigned long)i);
}

int main(int argc, char **argv)
{
	pthread_t t;

	test_init(argc, argv);
	for (int i = 1; i + 1 < test_argc; i++)
		if (!strcmp(test_argv[i], "--ballast"))
			ballast_pages = strtoull(test_argv[i + 1], NULL, 10) << 20 >> 12;
	if (ballast_pages) {
		ballast = mmap(NULL, ballast_pages * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(ballast != MAP_FAILED, "mmap of the ballast");
		for (uint64_t i = 0; i < ballast_pages; i++) {
			uint64_t seed = i;

			/* not all alike: a compressor has work to do */
			for (int w = 0; w < WORDS; w++)
				ballast[i * WORDS + w] = test_rand64(&seed);
			ballast[i * WORDS] = value(7, i);
			ballast[i * WORDS + WORDS - 1] = i;
		}
	}
	area = mmap(NULL, NP * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zarea = mmap(NULL, NZ * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	marea = mmap(NULL, NM * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED && zarea != MAP_FAILED && marea != MAP_FAILED, "mmap");
	for (uint64_t i = 0; i < NP; i++)
		fill(area + i * WORDS, value(0, i));
	CHECK(pthread_create(&t, NULL, writer, NULL) == 0, "pthread_create");
	/* a few rounds before the first dump */
	while (round_nr < 2)
		test_sleep_ms(10);

	test_daemon();
	test_waitsig();

	stop = 1;
	pthread_join(t, NULL);
	CHECK(!bad, "the writer found %lu wrong pages, the first %s %lu in round %lu",
	      (unsigned long)bad, bad_what, (unsigned long)bad_i, (unsigned long)bad_r);
	check_all();
	test_msg("%lu rounds", (unsigned long)round_nr);
	pass();
}
