/*
 * Image files.
 *
 * A protobuf image is a 24-byte header followed by one packed message:
 *   u32 magic "CKPT", u32 kind, u32 format version, u32 payload length,
 *   u64 XXH3-64 of the payload.
 * img_read() returns the unpacked message, or NULL after error() has named
 * the file and the problem (missing, truncated, wrong kind, newer format,
 * checksum mismatch, cannot unpack).
 *
 * Page data are raw files, page-aligned, written through struct img_out so
 * that their size and checksum are known without reading them again.
 * Every image file is created 0600: it holds a process's memory.
 */
#ifndef CKPT_IMAGE_H
#define CKPT_IMAGE_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#define IMAGE_MAGIC		0x54504b43u	/* "CKPT" little-endian */
#define IMAGE_FORMAT_VERSION	1

enum img_kind {
	IMG_INVENTORY = 1,
	IMG_PSTREE,
	IMG_CORE,
	IMG_MM,
	IMG_FILES,
	IMG_SHARED,
	IMG_TRACK,
};

struct img_header {
	uint32_t magic;
	uint32_t kind;
	uint32_t version;
	uint32_t len;
	uint64_t sum;
};

/* A file being written, with its running size and checksum. */
struct img_out {
	int fd;
	char name[64];
	uint64_t size;
	void *hash;		/* XXH3_state_t */
};

int img_out_open(struct img_out *o, int dirfd, const char *name);
int img_out_write(struct img_out *o, const void *buf, size_t len);
/* Count bytes that someone else writes to o->fd (the page writer). */
void img_out_account(struct img_out *o, const void *buf, size_t len);
/* fsync and close; *sum receives the checksum.  -1 on error. */
int img_out_close(struct img_out *o, uint64_t *sum);
void img_out_abort(struct img_out *o, int dirfd);

/* Write msg as image `name` (new file, 0600).  size/sum get the file's. */
int img_write(int dirfd, const char *name, enum img_kind kind, const ProtobufCMessage *msg,
	      uint64_t *size, uint64_t *sum);
void *img_read(int dirfd, const char *name, enum img_kind kind,
	       const ProtobufCMessageDescriptor *desc);

/* Size and XXH3-64 of a whole file; -1 with errno set (nothing logged). */
int file_checksum(int dirfd, const char *name, uint64_t *size, uint64_t *sum);
uint64_t checksum_buf(const void *buf, size_t len);

#endif
