/*
 * A two-stage pipeline for page data: the caller fills buffers (copying from
 * the process and hashing, on one core) while a thread of ours writes the
 * previous ones to the image file (on the other).  The dump then takes about
 * as long as the write alone, the physical limit.
 *
 *   pw_start(&pw, &out);
 *   while (...) { buf = pw_get(&pw); fill buf; pw_put(&pw, len); }
 *   pw_finish(&pw);		// waits for the writes; -1 after error()
 */
#ifndef CKPT_PAGE_WRITER_H
#define CKPT_PAGE_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

struct buf_set;
struct pz_writer;

#define PW_BUFS		4
#define PW_BUF_BYTES	(4UL << 20)

struct page_writer {
	struct img_out *out;
	struct pz_writer *pz;	/* compresses on the way (pagecomp.h), or NULL */
	struct buf_set *set;	/* where bufs come from */
	uint8_t *bufs[PW_BUFS];
	size_t len[PW_BUFS];
	unsigned head, count;	/* ring: head is the next to write */
	bool closing;
	int err;		/* errno of a failed write, 0 if none */
	pthread_mutex_t mu;
	pthread_cond_t changed;
	pthread_t thread;
	bool running;
};

/* algo: PZ_NONE writes the raw bytes (the caller accounts them in out),
 * else the writer compresses them, and accounts what it writes. */
int pw_start(struct page_writer *pw, struct img_out *out, int algo);
/* A free buffer of PW_BUF_BYTES (waits while all are queued); NULL after a
 * write error. */
uint8_t *pw_get(struct page_writer *pw);
/* Queue the buffer pw_get() gave, with len bytes in it. */
void pw_put(struct page_writer *pw, size_t len);
int pw_finish(struct page_writer *pw);

#endif
