/*
 * Compressed page images (pagecomp.h), with libzstd and liblz4.
 */
#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "log.h"
#include "pagecomp.h"
#include "util.h"

/* Fast levels: the dump must keep up with the copy. */
#define ZSTD_LEVEL	1

struct pz_entry {
	uint64_t off;
	uint32_t clen, rlen;
} __attribute__((packed));

struct pz_footer {
	uint32_t magic, algo, chunk, nr;
	uint64_t raw, table;
} __attribute__((packed));

int pz_algo_of(const char *name)
{
	return !strcmp(name, "zstd") ? PZ_ZSTD : !strcmp(name, "lz4") ? PZ_LZ4 :
	       !strcmp(name, "none") ? PZ_NONE : -1;
}

const char *pz_algo_name(int algo)
{
	return algo == PZ_ZSTD ? "zstd" : algo == PZ_LZ4 ? "lz4" : "none";
}

struct pz_writer {
	int algo;
	uint8_t *chunk;		/* raw bytes gathered for the next chunk */
	size_t fill;
	uint8_t *cbuf;		/* one compressed chunk */
	size_t cbuf_len;
	ZSTD_CCtx *zc;
	struct pz_entry *table;
	size_t nr, cap;
	uint64_t at, raw;	/* file offset of the next chunk; raw bytes so far */
};

struct pz_writer *pz_writer_new(int algo)
{
	struct pz_writer *w = xzalloc(sizeof(*w));

	w->algo = algo;
	w->chunk = xmalloc(PZ_CHUNK);
	w->cbuf_len = algo == PZ_ZSTD ? ZSTD_compressBound(PZ_CHUNK) :
		      (size_t)LZ4_compressBound(PZ_CHUNK);
	w->cbuf = xmalloc(w->cbuf_len);
	if (algo == PZ_ZSTD) {
		w->zc = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	}
	return w;
}

/* One chunk of raw bytes (src, len), compressed and written. */
static int put_chunk(struct pz_writer *w, struct img_out *out, const uint8_t *src, size_t len)
{
	size_t clen;

	if (w->algo == PZ_ZSTD) {
		clen = ZSTD_compress2(w->zc, w->cbuf, w->cbuf_len, src, len);
		if (ZSTD_isError(clen))
			return error("zstd: %s", ZSTD_getErrorName(clen));
	} else {
		int n = LZ4_compress_default((const char *)src, (char *)w->cbuf, len,
					     w->cbuf_len);
		if (n <= 0)
			return error("lz4 cannot compress a chunk");
		clen = n;
	}
	if (img_out_write(out, w->cbuf, clen))
		return -1;
	if (w->nr == w->cap)
		w->table = xrealloc(w->table, (w->cap = w->cap ? w->cap * 2 : 64) *
					      sizeof(*w->table));
	w->table[w->nr++] = (struct pz_entry){ w->at, clen, len };
	w->at += clen;
	w->raw += len;
	return 0;
}

static int flush_chunk(struct pz_writer *w, struct img_out *out)
{
	int ret = w->fill ? put_chunk(w, out, w->chunk, w->fill) : 0;

	w->fill = 0;
	return ret;
}

int pz_write(struct pz_writer *w, struct img_out *out, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t n = PZ_CHUNK - w->fill < len ? PZ_CHUNK - w->fill : len;

		/* whole chunks straight from the caller's buffer: no copy */
		if (!w->fill && len >= PZ_CHUNK) {
			if (put_chunk(w, out, p, PZ_CHUNK))
				return -1;
			p += PZ_CHUNK;
			len -= PZ_CHUNK;
			continue;
		}

		memcpy(w->chunk + w->fill, p, n);
		w->fill += n;
		p += n;
		len -= n;
		if (w->fill == PZ_CHUNK && flush_chunk(w, out))
			return -1;
	}
	return 0;
}

int pz_finish(struct pz_writer *w, struct img_out *out)
{
	struct pz_footer f;

	if (flush_chunk(w, out))
		return -1;
	f = (struct pz_footer){ PZ_MAGIC, w->algo, PZ_CHUNK, w->nr, w->raw, w->at };
	if (img_out_write(out, w->table, w->nr * sizeof(*w->table)) ||
	    img_out_write(out, &f, sizeof(f)))
		return -1;
	return 0;
}

void pz_writer_free(struct pz_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->zc);
	free(w->chunk);
	free(w->cbuf);
	free(w->table);
	free(w);
}

struct pz_reader {
	int fd;
	char name[64];
	struct pz_footer f;
	struct pz_entry *table;
	uint8_t *cbuf, *raw;	/* one chunk, compressed and not */
	size_t cbuf_len;
	int64_t cached;		/* the chunk in raw, -1 if none */
	ZSTD_DCtx *zd;
};

struct pz_reader *pz_open(int dirfd, const char *name)
{
	struct pz_reader *r = xzalloc(sizeof(*r));
	off_t size;

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->cached = -1;
	r->fd = -1;
	r->fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		error_errno("cannot open page image '%s'", name);
		goto fail;
	}
	size = lseek(r->fd, 0, SEEK_END);
	if (size < (off_t)sizeof(r->f) ||
	    pread_all(r->fd, &r->f, sizeof(r->f), size - sizeof(r->f)) ||
	    r->f.magic != PZ_MAGIC || (r->f.algo != PZ_ZSTD && r->f.algo != PZ_LZ4) ||
	    r->f.chunk != PZ_CHUNK ||
	    r->f.table + (uint64_t)r->f.nr * sizeof(struct pz_entry) + sizeof(r->f) !=
	    (uint64_t)size) {
		error("page image '%s' is not a compressed image of ckpt's (or is damaged)", name);
		goto fail;
	}
	r->table = xmalloc((r->f.nr + 1) * sizeof(*r->table));
	if (pread_all(r->fd, r->table, r->f.nr * sizeof(*r->table), r->f.table)) {
		error_errno("cannot read page image '%s'", name);
		goto fail;
	}
	for (uint32_t i = 0; i < r->f.nr; i++) {
		const struct pz_entry *e = &r->table[i];

		if (e->off + e->clen > r->f.table || e->rlen > PZ_CHUNK ||
		    (i + 1 < r->f.nr && e->rlen != PZ_CHUNK)) {
			error("page image '%s' is damaged (chunk %u)", name, i);
			goto fail;
		}
		if (e->clen > r->cbuf_len)
			r->cbuf_len = e->clen;
	}
	uint64_t total = 0;
	for (uint32_t i = 0; i < r->f.nr; i++)
		total += r->table[i].rlen;
	if (total != r->f.raw) {
		error("page image '%s' is damaged (its chunks hold %lu bytes, not %lu)", name,
		      (unsigned long)total, (unsigned long)r->f.raw);
		goto fail;
	}
	r->cbuf = xmalloc(r->cbuf_len + 1);
	r->raw = xmalloc(PZ_CHUNK);
	if (r->f.algo == PZ_ZSTD)
		r->zd = ZSTD_createDCtx();
	return r;
fail:
	pz_close(r);
	return NULL;
}

static int load_chunk(struct pz_reader *r, uint32_t i)
{
	const struct pz_entry *e = &r->table[i];
	size_t got;

	if (r->cached == i)
		return 0;
	r->cached = -1;
	if (pread_all(r->fd, r->cbuf, e->clen, e->off))
		return error_errno("cannot read page image '%s'", r->name);
	if (r->f.algo == PZ_ZSTD) {
		got = ZSTD_decompressDCtx(r->zd, r->raw, PZ_CHUNK, r->cbuf, e->clen);
		if (ZSTD_isError(got))
			return error("page image '%s': chunk %u: zstd: %s", r->name, i,
				     ZSTD_getErrorName(got));
	} else {
		int n = LZ4_decompress_safe((const char *)r->cbuf, (char *)r->raw, e->clen,
					    PZ_CHUNK);
		if (n < 0)
			return error("page image '%s': chunk %u does not decompress", r->name, i);
		got = n;
	}
	if (got != e->rlen)
		return error("page image '%s': chunk %u is %zu bytes, not %u", r->name, i, got,
			     e->rlen);
	r->cached = i;
	return 0;
}

int pz_read(struct pz_reader *r, uint64_t off, void *dst, size_t len)
{
	uint8_t *p = dst;

	if (off + len > r->f.raw || off + len < off)
		return error("the page image '%s' ends early (at offset %lu)", r->name,
			     (unsigned long)r->f.raw);
	while (len) {
		uint32_t i = off / PZ_CHUNK;
		size_t in = off % PZ_CHUNK;
		size_t n = r->table[i].rlen - in < len ? r->table[i].rlen - in : len;

		if (load_chunk(r, i))
			return -1;
		memcpy(p, r->raw + in, n);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

uint64_t pz_raw_size(const struct pz_reader *r)
{
	return r->f.raw;
}

void pz_close(struct pz_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->zd);
	free(r->table);
	free(r->cbuf);
	free(r->raw);
	free(r);
}
