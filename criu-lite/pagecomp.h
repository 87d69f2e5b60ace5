/*
 * Compressed page images (dump --compress zstd|lz4): pages-PID.cimg.
 *
 * The raw page data (what pages-PID.img would hold) is cut into chunks of
 * PZ_CHUNK bytes, each compressed on its own, so that a restore can
 * decompress them in parallel and an incremental version can read one
 * page of an earlier version without the rest.  After the chunks:
 *
 *   table:  per chunk  u64 file offset, u32 compressed length, u32 raw length
 *   footer: u32 magic "CKPZ", u32 algorithm, u32 chunk bytes, u32 chunks,
 *           u64 raw bytes, u64 offset of the table
 *
 * The whole file is checksummed in the inventory like any image; the
 * reader still checks every length and offset against the file, so a
 * damaged file fails with a message, never a crash.
 */
#ifndef CKPT_PAGECOMP_H
#define CKPT_PAGECOMP_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

#define PZ_MAGIC	0x5a504b43u	/* "CKPZ" little-endian */
#define PZ_CHUNK	(1u << 20)
#define PZ_SUFFIX	".cimg"

enum pz_algo { PZ_NONE = 0, PZ_ZSTD = 1, PZ_LZ4 = 2 };

/* "zstd", "lz4", "none" -> the algorithm, -1 if unknown. */
int pz_algo_of(const char *name);
const char *pz_algo_name(int algo);

struct pz_writer;
struct pz_writer *pz_writer_new(int algo);
/* Raw bytes in; whole chunks go out compressed through img_out_write(). */
int pz_write(struct pz_writer *w, struct img_out *out, const void *buf, size_t len);
/* The last chunk, the table and the footer. */
int pz_finish(struct pz_writer *w, struct img_out *out);
void pz_writer_free(struct pz_writer *w);

struct pz_reader;
/* Open a compressed image; NULL after error(). */
struct pz_reader *pz_open(int dirfd, const char *name);
/* Raw bytes [off, off + len) into dst; -1 after error(). */
int pz_read(struct pz_reader *r, uint64_t off, void *dst, size_t len);
uint64_t pz_raw_size(const struct pz_reader *r);
void pz_close(struct pz_reader *r);

#endif
