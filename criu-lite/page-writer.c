#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "page-writer.h"
#include "pagecomp.h"
#include "util.h"

static void *writer(void *arg)
{
	struct page_writer *pw = arg;

	pthread_mutex_lock(&pw->mu);
	for (;;) {
		while (!pw->count && !pw->closing)
			pthread_cond_wait(&pw->changed, &pw->mu);
		if (!pw->count)
			break;
		unsigned i = pw->head;
		pthread_mutex_unlock(&pw->mu);
		int err = pw->err ? 0 :
			  pw->pz ? (pz_write(pw->pz, pw->out, pw->bufs[i], pw->len[i]) ?
				    (errno ? errno : EIO) : 0) :
			  write_all(pw->out->fd, pw->bufs[i], pw->len[i]) ? errno : 0;
		pthread_mutex_lock(&pw->mu);
		if (err)
			pw->err = err;
		pw->head = (pw->head + 1) % PW_BUFS;
		pw->count--;
		pthread_cond_broadcast(&pw->changed);
	}
	pthread_mutex_unlock(&pw->mu);
	return NULL;
}

/* The buffers stay for the next process of the tree: fresh memory is slow
 * to touch on some machines, and a tree of many small processes would pay
 * for it each time.  One set per page writer at work (the dump runs several
 * at once), kept on a free list. */
struct buf_set {
	uint8_t *bufs[PW_BUFS];
	struct buf_set *next;
};
static struct buf_set *free_sets;
static pthread_mutex_t sets_mu = PTHREAD_MUTEX_INITIALIZER;

static struct buf_set *get_set(void)
{
	struct buf_set *set;

	pthread_mutex_lock(&sets_mu);
	set = free_sets;
	if (set)
		free_sets = set->next;
	pthread_mutex_unlock(&sets_mu);
	if (set)
		return set;
	set = xzalloc(sizeof(*set));
	for (int i = 0; i < PW_BUFS; i++) {
		void *b = mmap(NULL, PW_BUF_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (b == MAP_FAILED) {
			while (i--)
				munmap(set->bufs[i], PW_BUF_BYTES);
			free(set);
			error_errno("cannot allocate copy buffers");
			return NULL;
		}
		set->bufs[i] = b;
	}
	return set;
}

static void put_set(struct buf_set *set)
{
	if (!set)
		return;
	pthread_mutex_lock(&sets_mu);
	set->next = free_sets;
	free_sets = set;
	pthread_mutex_unlock(&sets_mu);
}

int pw_start(struct page_writer *pw, struct img_out *out, int algo)
{
	memset(pw, 0, sizeof(*pw));
	pw->out = out;
	pw->pz = algo != PZ_NONE ? pz_writer_new(algo) : NULL;
	pw->set = get_set();
	if (!pw->set)
		return -1;
	for (int i = 0; i < PW_BUFS; i++)
		pw->bufs[i] = pw->set->bufs[i];
	pthread_mutex_init(&pw->mu, NULL);
	pthread_cond_init(&pw->changed, NULL);
	if (pthread_create(&pw->thread, NULL, writer, pw)) {
		pw_finish(pw);
		return error("cannot start the page writer");
	}
	pw->running = true;
	return 0;
}

uint8_t *pw_get(struct page_writer *pw)
{
	uint8_t *buf;

	pthread_mutex_lock(&pw->mu);
	while (pw->count == PW_BUFS && !pw->err)
		pthread_cond_wait(&pw->changed, &pw->mu);
	buf = pw->err ? NULL : pw->bufs[(pw->head + pw->count) % PW_BUFS];
	pthread_mutex_unlock(&pw->mu);
	return buf;
}

void pw_put(struct page_writer *pw, size_t len)
{
	pthread_mutex_lock(&pw->mu);
	unsigned i = (pw->head + pw->count) % PW_BUFS;
	pw->len[i] = len;
	pw->count++;
	pthread_cond_broadcast(&pw->changed);
	pthread_mutex_unlock(&pw->mu);
}

int pw_finish(struct page_writer *pw)
{
	int err;

	if (pw->running) {
		pthread_mutex_lock(&pw->mu);
		pw->closing = true;
		pthread_cond_broadcast(&pw->changed);
		pthread_mutex_unlock(&pw->mu);
		pthread_join(pw->thread, NULL);
		pw->running = false;
	}
	err = pw->err;
	if (pw->pz && !err && pz_finish(pw->pz, pw->out))
		err = errno ? errno : EIO;
	pz_writer_free(pw->pz);
	pw->pz = NULL;
	memset(pw->bufs, 0, sizeof(pw->bufs));
	put_set(pw->set);
	pw->set = NULL;
	if (err) {
		errno = err;
		return error_errno("cannot write image '%s'", pw->out->name);
	}
	return 0;
}
