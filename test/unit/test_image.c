/* Image framing and checksums (image.c). */
#include "unit.h"
#include "image.h"
#include "images/inventory.pb-c.h"
#include "images/pstree.pb-c.h"

/* pstree.img holding one task with three threads. */
static void write_tree(int dfd, uint64_t *size, uint64_t *sum)
{
	int32_t threads[] = { 100, 101, 102 };
	PstreeTask t = PSTREE_TASK__INIT, *tp = &t;
	Pstree tree = PSTREE__INIT;

	t.pid = 100;
	t.ppid = 0;
	t.pgid = 100;
	t.sid = 99;
	t.threads = threads;
	t.n_threads = 3;
	tree.tasks = &tp;
	tree.n_tasks = 1;
	CHECK(img_write(dfd, "pstree.img", IMG_PSTREE, &tree.base, size, sum) == 0);
}

static Pstree *read_tree(int dfd)
{
	return img_read(dfd, "pstree.img", IMG_PSTREE, &pstree__descriptor);
}

UNIT_TEST(image_round_trip)
{
	int dfd = unit_dirfd();
	uint64_t size, sum, fsize, fsum;
	struct stat st;
	Pstree *t;

	write_tree(dfd, &size, &sum);
	t = read_tree(dfd);
	CHECK(t);
	CHECK(!first_error());
	CHECK_INT(t->n_tasks, 1);
	CHECK_INT(t->tasks[0]->pid, 100);
	CHECK_INT(t->tasks[0]->sid, 99);
	CHECK_INT(t->tasks[0]->n_threads, 3);
	CHECK_INT(t->tasks[0]->threads[2], 102);
	pstree__free_unpacked(t, NULL);
	/* The size and checksum handed back are the file's. */
	CHECK(file_checksum(dfd, "pstree.img", &fsize, &fsum) == 0);
	CHECK_INT(fsize, size);
	CHECK(fsum == sum);
	CHECK_INT(unit_size(unit_path("pstree.img")), size);
	CHECK(stat(unit_path("pstree.img"), &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
}

UNIT_TEST(image_header_layout)
{
	int dfd = unit_dirfd();
	struct img_header h;
	uint64_t size;
	int fd;

	write_tree(dfd, &size, NULL);
	fd = openat(dfd, "pstree.img", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread_all(fd, &h, sizeof(h), 0) == 0);
	CHECK_INT(sizeof(h), 24);
	CHECK(h.magic == IMAGE_MAGIC);
	CHECK_INT(h.kind, IMG_PSTREE);
	CHECK_INT(h.version, IMAGE_FORMAT_VERSION);
	CHECK_INT(h.len, size - sizeof(h));
	close(fd);
}

UNIT_TEST(image_no_overwrite)
{
	int dfd = unit_dirfd();
	Pstree tree = PSTREE__INIT;

	write_tree(dfd, NULL, NULL);
	CHECK(img_write(dfd, "pstree.img", IMG_PSTREE, &tree.base, NULL, NULL) == -1);
	CHECK_ERR("cannot create image 'pstree.img'", "File exists");
}

UNIT_TEST(image_missing)
{
	int dfd = unit_dirfd();

	CHECK(!img_read(dfd, "none.img", IMG_PSTREE, &pstree__descriptor));
	CHECK_ERR("cannot read image 'none.img'", "No such file or directory");
}

UNIT_TEST(image_truncated_payload)
{
	int dfd = unit_dirfd();
	uint64_t size;

	write_tree(dfd, &size, NULL);
	unit_truncate(unit_path("pstree.img"), size - 1);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is truncated");
}

UNIT_TEST(image_truncated_header)
{
	int dfd = unit_dirfd();

	write_tree(dfd, NULL, NULL);
	unit_truncate(unit_path("pstree.img"), 10);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is truncated", "no header");
}

UNIT_TEST(image_empty_file)
{
	int dfd = unit_dirfd();

	unit_write_file(unit_path("pstree.img"), "", 0);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is truncated (0 bytes");
}

UNIT_TEST(image_too_long)
{
	int dfd = unit_dirfd();

	write_tree(dfd, NULL, NULL);
	unit_append(unit_path("pstree.img"), "x", 1);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is too long");
}

UNIT_TEST(image_flipped_payload_byte)
{
	int dfd = unit_dirfd();
	uint64_t size;

	write_tree(dfd, &size, NULL);
	unit_flip(unit_path("pstree.img"), size - 1);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is corrupt (checksum mismatch)");
}

UNIT_TEST(image_flipped_checksum_byte)
{
	int dfd = unit_dirfd();

	write_tree(dfd, NULL, NULL);
	unit_flip(unit_path("pstree.img"), offsetof(struct img_header, sum));
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is corrupt (checksum mismatch)");
}

UNIT_TEST(image_wrong_kind)
{
	int dfd = unit_dirfd();

	write_tree(dfd, NULL, NULL);
	CHECK(!img_read(dfd, "pstree.img", IMG_CORE, &pstree__descriptor));
	CHECK_ERR("image 'pstree.img' holds a process tree image, expected core");
}

UNIT_TEST(image_unknown_kind)
{
	int dfd = unit_dirfd();
	uint32_t kind = 77;

	write_tree(dfd, NULL, NULL);
	unit_patch(unit_path("pstree.img"), offsetof(struct img_header, kind), &kind, 4);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' holds a unknown image, expected process tree");
}

UNIT_TEST(image_newer_format)
{
	int dfd = unit_dirfd();
	uint32_t v = IMAGE_FORMAT_VERSION + 1;
	char want[96];

	write_tree(dfd, NULL, NULL);
	unit_patch(unit_path("pstree.img"), offsetof(struct img_header, version), &v, 4);
	CHECK(!read_tree(dfd));
	snprintf(want, sizeof(want), "image 'pstree.img' has format version %u, newer than "
		 "this ckpt's %u", v, IMAGE_FORMAT_VERSION);
	CHECK_ERR(want);
}

UNIT_TEST(image_bad_magic)
{
	int dfd = unit_dirfd();

	write_tree(dfd, NULL, NULL);
	unit_patch(unit_path("pstree.img"), 0, "ELF!", 4);
	CHECK(!read_tree(dfd));
	CHECK_ERR("image 'pstree.img' is not a ckpt image (bad magic");
}

/* Framing and checksum right, but the record is no inventory: its required
 * fields are missing. */
UNIT_TEST(image_undecodable)
{
	int dfd = unit_dirfd();
	uint8_t payload[] = { 0x08, 0x01 };	/* field 1 = 1, nothing else */
	uint8_t buf[sizeof(struct img_header) + sizeof(payload)];
	struct img_header *h = (void *)buf;

	h->magic = IMAGE_MAGIC;
	h->kind = IMG_INVENTORY;
	h->version = IMAGE_FORMAT_VERSION;
	h->len = sizeof(payload);
	h->sum = checksum_buf(payload, sizeof(payload));
	memcpy(buf + sizeof(*h), payload, sizeof(payload));
	unit_write_file(unit_path("inventory.img"), buf, sizeof(buf));
	CHECK(!img_read(dfd, "inventory.img", IMG_INVENTORY, &inventory__descriptor));
	CHECK_ERR("image 'inventory.img' is corrupt (cannot decode the inventory record)");
}

UNIT_TEST(img_out_checksum)
{
	int dfd = unit_dirfd();
	size_t big = 3 << 20;
	uint8_t *all = xmalloc(big + 7);
	uint64_t sum, fsize, fsum;
	struct img_out o;

	for (size_t i = 0; i < big + 7; i++)
		all[i] = i * 2654435761u >> 13;
	CHECK(img_out_open(&o, dfd, "pages-1.img") == 0);
	CHECK(img_out_write(&o, all, 7) == 0);
	CHECK(img_out_write(&o, all + 7, big - 4096) == 0);
	CHECK(img_out_write(&o, all + 7 + big - 4096, 4096) == 0);
	CHECK_INT(o.size, big + 7);
	CHECK(img_out_close(&o, &sum) == 0);
	CHECK(file_checksum(dfd, "pages-1.img", &fsize, &fsum) == 0);
	CHECK_INT(fsize, big + 7);
	CHECK(fsum == sum);
	CHECK(checksum_buf(all, big + 7) == sum);
	free(all);
}

UNIT_TEST(img_out_empty)
{
	int dfd = unit_dirfd();
	uint64_t sum, fsize, fsum;
	struct img_out o;

	CHECK(img_out_open(&o, dfd, "pages-1.img") == 0);
	CHECK(img_out_close(&o, &sum) == 0);
	CHECK(file_checksum(dfd, "pages-1.img", &fsize, &fsum) == 0);
	CHECK_INT(fsize, 0);
	CHECK(fsum == sum);
	CHECK(sum == checksum_buf("", 0));
}

UNIT_TEST(img_out_abort_removes)
{
	int dfd = unit_dirfd();
	struct img_out o;

	CHECK(img_out_open(&o, dfd, "pages-1.img") == 0);
	CHECK(img_out_write(&o, "abc", 3) == 0);
	img_out_abort(&o, dfd);
	CHECK(access(unit_path("pages-1.img"), F_OK) == -1 && errno == ENOENT);
}

UNIT_TEST(file_checksum_missing)
{
	int dfd = unit_dirfd();
	uint64_t size, sum;

	/* The caller says what it was checking: file_checksum() logs nothing. */
	errno = 0;
	CHECK(file_checksum(dfd, "gone.img", &size, &sum) == -1);
	CHECK_INT(errno, ENOENT);
	CHECK(!first_error());
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv,
		UNIT_ENTRY(image_round_trip),
		UNIT_ENTRY(image_header_layout),
		UNIT_ENTRY(image_no_overwrite),
		UNIT_ENTRY(image_missing),
		UNIT_ENTRY(image_truncated_payload),
		UNIT_ENTRY(image_truncated_header),
		UNIT_ENTRY(image_empty_file),
		UNIT_ENTRY(image_too_long),
		UNIT_ENTRY(image_flipped_payload_byte),
		UNIT_ENTRY(image_flipped_checksum_byte),
		UNIT_ENTRY(image_wrong_kind),
		UNIT_ENTRY(image_unknown_kind),
		UNIT_ENTRY(image_newer_format),
		UNIT_ENTRY(image_bad_magic),
		UNIT_ENTRY(image_undecodable),
		UNIT_ENTRY(img_out_checksum),
		UNIT_ENTRY(img_out_empty),
		UNIT_ENTRY(img_out_abort_removes),
		UNIT_ENTRY(file_checksum_missing));
}
