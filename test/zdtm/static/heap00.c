/*
 * heap00: malloc'ed buffers of many sizes (brk heap and mmap'ed chunks, some
 * freed again to leave holes) keep their contents, and malloc/free still work
 * on the same heap afterwards.
 */
#include "zdtmtst.h"
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define N 400

static unsigned char *buf[N];
static size_t len[N];

static unsigned char pat(int i, size_t off)
{
	return (unsigned char)(i * 31 + off * 7 + (off >> 12));
}

static void fill(int i)
{
	for (size_t o = 0; o < len[i]; o++)
		buf[i][o] = pat(i, o);
}

static void verify(int i, const char *when)
{
	for (size_t o = 0; o < len[i]; o++)
		CHECK(buf[i][o] == pat(i, o), "%s: buffer %d (%zu bytes at %p) byte %zu is %#x, want %#x",
		      when, i, len[i], (void *)buf[i], o, buf[i][o], pat(i, o));
}

int main(int argc, char **argv)
{
	uint64_t seed = 7;
	void *more[1000];

	test_init(argc, argv);
	for (int i = 0; i < N; i++) {
		/* Mostly small, some above the mmap threshold (128 KiB). */
		len[i] = i % 50 == 0 ? (size_t)(256 << 10) + i : 1 + test_rand64(&seed) % (i % 3 ? 200 : 9000);
		buf[i] = malloc(len[i]);
		CHECK(buf[i], "malloc(%zu)", len[i]);
		fill(i);
	}
	for (int i = 1; i < N; i += 3) {	/* holes in the heap */
		free(buf[i]);
		buf[i] = NULL;
	}
	test_daemon();
	test_waitsig();

	for (int i = 0; i < N; i++)
		if (buf[i])
			verify(i, "after the wait");
	/* The allocator's own state survived: reuse the holes and grow. */
	for (int i = 1; i < N; i += 3) {
		buf[i] = malloc(len[i]);
		CHECK(buf[i], "malloc(%zu) after the wait", len[i]);
		fill(i);
	}
	for (int j = 0; j < 1000; j++) {
		size_t l = 16 + j * 37 % 70000;
		more[j] = malloc(l);
		CHECK(more[j], "malloc(%zu) after the wait", l);
		memset(more[j], j & 0xff, l);
	}
	for (int j = 0; j < 1000; j += 2)
		free(more[j]);
	for (int i = 0; i < N; i++)
		verify(i, "after new mallocs");
	for (int j = 1; j < 1000; j += 2)
		CHECK(((unsigned char *)more[j])[0] == (j & 0xff), "new buffer %d damaged", j);
	for (int j = 1; j < 1000; j += 2)
		free(more[j]);
	for (int i = 0; i < N; i++)
		free(buf[i]);
	CHECK(malloc_trim(0) >= 0, "malloc_trim");
	pass();
}
