/*
 * A libFuzzer target for the readers of untrusted files: img_read() of
 * every image kind, and the compressed page image reader (pz_open and
 * pz_read).  The first byte picks the reader; for the protobuf images the
 * second picks whether the rest is a whole file (the header checks) or a
 * payload that gets a good header (so that the unpacker itself is fuzzed:
 * random bytes never pass the checksum otherwise).
 *
 *   make -C test/fuzz run SECONDS=60
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "image.h"
#include "log.h"
#include "pagecomp.h"
#include "util.h"
#include "images/core.pb-c.h"
#include "images/fdinfo.pb-c.h"
#include "images/inventory.pb-c.h"
#include "images/mm.pb-c.h"
#include "images/pstree.pb-c.h"
#include "images/shared.pb-c.h"
#include "images/track.pb-c.h"

static int dfd = -1;

static const struct { enum img_kind kind; const ProtobufCMessageDescriptor *desc; } kinds[] = {
	{ IMG_INVENTORY, &inventory__descriptor }, { IMG_PSTREE, &pstree__descriptor },
	{ IMG_CORE, &task_core__descriptor }, { IMG_MM, &mm_entry__descriptor },
	{ IMG_FILES, &files_entry__descriptor }, { IMG_SHARED, &shared_entry__descriptor },
	{ IMG_TRACK, &track_state__descriptor },
};

static void put(const void *a, size_t an, const void *b, size_t bn)
{
	int fd = openat(dfd, "f", O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || (an && write(fd, a, an) != (ssize_t)an) ||
	    (bn && write(fd, b, bn) != (ssize_t)bn))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[1 << 20];

	if (dfd < 0) {
		char dir[64];

		snprintf(dir, sizeof(dir), "/dev/shm/ckpt-fuzz-%d", getpid());
		mkdir(dir, 0700);
		dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd < 0)
			abort();
		log_init(LOG_ERROR + 1);	/* quiet: errors are expected */
	}
	if (size < 2)
		return 0;
	unsigned pick = data[0] % (ARRAY_SIZE(kinds) + 1);

	if (pick == ARRAY_SIZE(kinds)) {
		struct pz_reader *r;

		put(data + 1, size - 1, NULL, 0);
		r = pz_open(dfd, "f");
		if (r) {
			uint64_t raw = pz_raw_size(r);

			for (uint64_t off = 0; off < raw && off < (64u << 20); off += sizeof(buf))
				if (pz_read(r, off, buf, raw - off < sizeof(buf) ? raw - off :
							     sizeof(buf)))
					break;
			pz_read(r, raw / 2, buf, 1);
			pz_close(r);
		}
	} else {
		struct img_header h = { IMAGE_MAGIC, kinds[pick].kind, IMAGE_FORMAT_VERSION, 0, 0 };
		void *msg;

		if (data[1] & 1) {
			h.len = size - 2;
			h.sum = checksum_buf(data + 2, size - 2);
			put(&h, sizeof(h), data + 2, size - 2);
		} else {
			put(data + 2, size - 2, NULL, 0);
		}
		msg = img_read(dfd, "f", kinds[pick].kind, kinds[pick].desc);
		if (msg)
			protobuf_c_message_free_unpacked(msg, NULL);
	}
	clear_error();
	return 0;
}
