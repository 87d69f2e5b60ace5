/* Compressed page images (pagecomp.c): what goes in comes out, at any
 * offset, and a damaged file is an error, never a crash. */
#include "unit.h"
#include "image.h"
#include "pagecomp.h"

#define RAW_BYTES (3 * PZ_CHUNK + 12345)

/* Data that compresses some, and differs everywhere. */
static uint8_t *make_data(void)
{
	uint8_t *d = xmalloc(RAW_BYTES);
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < RAW_BYTES; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		d[i] = i % 4096 < 1024 ? 0 : i % 3 ? (uint8_t)(x & 7) : (uint8_t)i;
	}
	return d;
}

static void write_image(int algo, const char *name, const uint8_t *d, size_t piece)
{
	int dfd = open(unit_dir, O_RDONLY | O_DIRECTORY);
	struct pz_writer *w = pz_writer_new(algo);
	struct img_out o;
	uint64_t sum;

	unlinkat(dfd, name, 0);
	CHECK(dfd >= 0 && img_out_open(&o, dfd, name) == 0);
	/* in pieces that do not fall on chunk boundaries, or larger than one
	 * (whole chunks go straight from the buffer) */
	for (size_t off = 0; off < RAW_BYTES; off += piece) {
		size_t n = RAW_BYTES - off < piece ? RAW_BYTES - off : piece;
		CHECK(pz_write(w, &o, d + off, n) == 0);
	}
	CHECK(pz_finish(w, &o) == 0);
	CHECK(img_out_close(&o, &sum) == 0);
	CHECK(o.size < RAW_BYTES);
	pz_writer_free(w);
	close(dfd);
}

static void round_trip(int algo, size_t piece)
{
	uint8_t *d = make_data(), *got = xmalloc(RAW_BYTES);
	struct pz_reader *r;
	static const uint64_t offs[][2] = {
		{ 0, RAW_BYTES }, { 4096, 8192 }, { PZ_CHUNK - 100, 300 },
		{ 3 * PZ_CHUNK, 12345 }, { 2 * PZ_CHUNK + 5, PZ_CHUNK }, { 17, 1 },
	};

	write_image(algo, "pages-1.cimg", d, piece);
	r = pz_open(AT_FDCWD, unit_path("pages-1.cimg"));
	CHECK(r && pz_raw_size(r) == RAW_BYTES);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		memset(got, 0, RAW_BYTES);
		CHECK(pz_read(r, offs[i][0], got, offs[i][1]) == 0);
		CHECK(memcmp(got, d + offs[i][0], offs[i][1]) == 0);
	}
	CHECK(pz_read(r, RAW_BYTES - 10, got, 11) == -1);
	CHECK_ERR("ends early");
	pz_close(r);
	free(d);
	free(got);
}

UNIT_TEST(zstd_round_trip) { round_trip(PZ_ZSTD, 777777); round_trip(PZ_ZSTD, RAW_BYTES); }
UNIT_TEST(lz4_round_trip) { round_trip(PZ_LZ4, 777777); round_trip(PZ_LZ4, 2 * PZ_CHUNK + 1); }

/* Every byte of the table and the footer, and bytes of the chunks,
 * changed: pz_open or pz_read fails with a message, or (a changed chunk
 * that still decompresses) gives wrong bytes - which the inventory's
 * checksum catches - but never crashes. */
static void damage(int algo)
{
	uint8_t *d = make_data(), *got = xmalloc(RAW_BYTES);
	const char *path = unit_path("pages-1.cimg");
	struct stat st;
	int fd;

	write_image(algo, "pages-1.cimg", d, 777777);
	CHECK(stat(path, &st) == 0);
	size_t tail = 3 * 16 + 4 * 16 + 32;	/* the table and the footer, and some */
	for (off_t at = 0; at < st.st_size; at += at < st.st_size - (off_t)tail ? 65537 : 1) {
		uint8_t b;
		struct pz_reader *r;

		fd = open(path, O_RDWR);
		CHECK(fd >= 0 && pread(fd, &b, 1, at) == 1);
		b ^= 0x5a;
		CHECK(pwrite(fd, &b, 1, at) == 1);
		r = pz_open(AT_FDCWD, path);
		if (r) {
			pz_read(r, 0, got, RAW_BYTES);
			pz_close(r);
		}
		clear_error();
		b ^= 0x5a;
		CHECK(pwrite(fd, &b, 1, at) == 1);
		close(fd);
	}
	/* truncated */
	CHECK(truncate(path, st.st_size / 2) == 0);
	CHECK(pz_open(AT_FDCWD, path) == NULL);
	CHECK_ERR("not a compressed image");
	free(d);
	free(got);
}

UNIT_TEST(zstd_damaged) { damage(PZ_ZSTD); }
UNIT_TEST(lz4_damaged) { damage(PZ_LZ4); }

UNIT_TEST(algo_names)
{
	CHECK(pz_algo_of("zstd") == PZ_ZSTD && pz_algo_of("lz4") == PZ_LZ4 &&
	      pz_algo_of("none") == PZ_NONE && pz_algo_of("gzip") == -1);
	CHECK(!strcmp(pz_algo_name(PZ_LZ4), "lz4"));
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv, UNIT_ENTRY(zstd_round_trip), UNIT_ENTRY(lz4_round_trip),
			 UNIT_ENTRY(zstd_damaged), UNIT_ENTRY(lz4_damaged),
			 UNIT_ENTRY(algo_names));
}
