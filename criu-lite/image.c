#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "image.h"
#include "log.h"
#include "util.h"

static const char *kind_name(enum img_kind kind)
{
	static const char *names[] = {
		[IMG_INVENTORY] = "inventory", [IMG_PSTREE] = "process tree",
		[IMG_CORE] = "core", [IMG_MM] = "memory map", [IMG_FILES] = "files", [IMG_SHARED] = "shared objects",
		[IMG_TRACK] = "write tracking",
	};

	return kind < ARRAY_SIZE(names) && names[kind] ? names[kind] : "unknown";
}

uint64_t checksum_buf(const void *buf, size_t len)
{
	return XXH3_64bits(buf, len);
}

int img_out_open(struct img_out *o, int dirfd, const char *name)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (o->fd < 0)
		return error_errno("cannot create image '%s'", name);
	o->hash = XXH3_createState();
	XXH3_64bits_reset(o->hash);
	return 0;
}

int img_out_write(struct img_out *o, const void *buf, size_t len)
{
	if (write_all(o->fd, buf, len))
		return error_errno("cannot write image '%s'", o->name);
	XXH3_64bits_update(o->hash, buf, len);
	o->size += len;
	return 0;
}

void img_out_account(struct img_out *o, const void *buf, size_t len)
{
	XXH3_64bits_update(o->hash, buf, len);
	o->size += len;
}

int img_out_close(struct img_out *o, uint64_t *sum)
{
	int ret = 0;

	if (fsync(o->fd))
		ret = error_errno("cannot sync image '%s'", o->name);
	if (close(o->fd) && !ret)
		ret = error_errno("cannot close image '%s'", o->name);
	o->fd = -1;
	if (sum)
		*sum = XXH3_64bits_digest(o->hash);
	XXH3_freeState(o->hash);
	o->hash = NULL;
	return ret;
}

void img_out_abort(struct img_out *o, int dirfd)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->hash)
		XXH3_freeState(o->hash);
	o->hash = NULL;
	unlinkat(dirfd, o->name, 0);
}

int img_write(int dirfd, const char *name, enum img_kind kind, const ProtobufCMessage *msg,
	      uint64_t *size, uint64_t *sum)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	cleanup_free uint8_t *buf = xmalloc(sizeof(struct img_header) + len);
	struct img_header *h = (void *)buf;
	struct img_out o;
	uint64_t s;

	protobuf_c_message_pack(msg, buf + sizeof(*h));
	h->magic = IMAGE_MAGIC;
	h->kind = kind;
	h->version = IMAGE_FORMAT_VERSION;
	h->len = len;
	h->sum = checksum_buf(buf + sizeof(*h), len);

	if (img_out_open(&o, dirfd, name))
		return -1;
	if (img_out_write(&o, buf, sizeof(*h) + len)) {
		img_out_abort(&o, dirfd);
		return -1;
	}
	if (size)
		*size = o.size;
	if (img_out_close(&o, &s))
		return -1;
	if (sum)
		*sum = s;
	return 0;
}

void *img_read(int dirfd, const char *name, enum img_kind kind,
	       const ProtobufCMessageDescriptor *desc)
{
	size_t len;
	cleanup_free char *buf = read_file_at(dirfd, name, &len);
	struct img_header *h = (void *)buf;
	void *msg;

	if (!buf) {
		error_errno("cannot read image '%s'", name);
		return NULL;
	}
	if (len < sizeof(*h)) {
		error("image '%s' is truncated (%zu bytes, no header)", name, len);
		return NULL;
	}
	if (h->magic != IMAGE_MAGIC) {
		error("image '%s' is not a ckpt image (bad magic %#x)", name, h->magic);
		return NULL;
	}
	if (h->kind != (uint32_t)kind) {
		error("image '%s' holds a %s image, expected %s", name,
		      kind_name(h->kind), kind_name(kind));
		return NULL;
	}
	if (h->version > IMAGE_FORMAT_VERSION) {
		error("image '%s' has format version %u, newer than this ckpt's %u", name,
		      h->version, IMAGE_FORMAT_VERSION);
		return NULL;
	}
	if (len - sizeof(*h) != h->len) {
		error("image '%s' is %s (%zu payload bytes, header says %u)", name,
		      len - sizeof(*h) < h->len ? "truncated" : "too long",
		      len - sizeof(*h), h->len);
		return NULL;
	}
	if (checksum_buf(buf + sizeof(*h), h->len) != h->sum) {
		error("image '%s' is corrupt (checksum mismatch)", name);
		return NULL;
	}
	msg = protobuf_c_message_unpack(desc, NULL, h->len, (uint8_t *)buf + sizeof(*h));
	if (!msg)
		error("image '%s' is corrupt (cannot decode the %s record)", name, kind_name(kind));
	return msg;
}

int file_checksum(int dirfd, const char *name, uint64_t *size, uint64_t *sum)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	*size = st.st_size;
	if (st.st_size == 0) {
		*sum = checksum_buf("", 0);
		return 0;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise(p, st.st_size, MADV_SEQUENTIAL);
	*sum = checksum_buf(p, st.st_size);
	munmap(p, st.st_size);
	return 0;
}
