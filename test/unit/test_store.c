/* The versioned store (store.c). */
#include <dirent.h>
#include <time.h>
#include <sys/file.h>

#include "unit.h"
#include "image.h"
#include "store.h"
#include "images/pstree.pb-c.h"

static int open_store(void)
{
	int fd = store_open(unit_path("st"), true);

	CHECK(fd >= 0);
	return fd;
}

/* One complete version holding pstree.img and blob.img; returns its number. */
static unsigned commit_one(int sfd)
{
	Inventory inv = INVENTORY__INIT;
	Pstree tree = PSTREE__INIT;
	struct version v;
	struct img_out o;
	uint64_t sum;

	inv.format_version = IMAGE_FORMAT_VERSION;
	inv.ckpt_version = "unit";
	inv.kernel = "6.18";
	inv.arch = "x86_64";
	inv.root_pid = 42;
	CHECK(version_begin(sfd, &v, 0) == 0);
	CHECK(v.tmpname[0] == '.');
	CHECK(version_write_img(&v, "pstree.img", IMG_PSTREE, &tree.base) == 0);
	CHECK(img_out_open(&o, v.dfd, "blob.img") == 0);
	CHECK(img_out_write(&o, "0123456789abcdef", 16) == 0);
	CHECK(img_out_close(&o, &sum) == 0);
	version_add_file(&v, "blob.img", o.size, sum);
	CHECK(version_commit(&v, &inv) == 0);
	return v.number;
}

static bool has_tmp_dir(const char *store)
{
	DIR *d = opendir(store);
	struct dirent *de;
	bool found = false;

	CHECK(d);
	while ((de = readdir(d)))
		found |= !strncmp(de->d_name, ".tmp-", 5);
	closedir(d);
	return found;
}

static const char *latest_link(void)
{
	static char buf[64];
	ssize_t n = readlink(unit_path("st/latest"), buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

UNIT_TEST(store_create_mode)
{
	struct stat st;

	open_store();
	CHECK(stat(unit_path("st"), &st) == 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0700);
}

UNIT_TEST(store_open_missing)
{
	CHECK(store_open(unit_path("nothere"), false) == -1);
	CHECK_ERR("cannot open store '", "nothere'", "No such file or directory");
}

UNIT_TEST(store_numbering)
{
	int sfd = open_store();
	unsigned *all;

	CHECK_INT(store_latest(sfd), 0);
	CHECK_INT(store_list(sfd, &all), 0);
	free(all);
	for (unsigned want = 1; want <= 3; want++) {
		char name[32];

		CHECK_INT(commit_one(sfd), want);
		CHECK_STR(latest_link(), (snprintf(name, sizeof(name), "%u", want), name));
		CHECK_INT(store_latest(sfd), want);
		snprintf(name, sizeof(name), "st/%u/inventory.img", want);
		CHECK(access(unit_path(name), F_OK) == 0);
	}
	CHECK_INT(store_list(sfd, &all), 3);
	CHECK_INT(all[0], 1);
	CHECK_INT(all[1], 2);
	CHECK_INT(all[2], 3);
	free(all);
	CHECK(!has_tmp_dir(unit_path("st")));
}

UNIT_TEST(store_inventory_lists_files)
{
	int sfd = open_store();
	Inventory *inv;
	unsigned found;
	int vfd;

	commit_one(sfd);
	vfd = version_open(sfd, 0, true, &inv, &found);
	CHECK(vfd >= 0);
	CHECK_INT(found, 1);
	CHECK_INT(inv->root_pid, 42);
	CHECK_INT(inv->n_files, 2);
	CHECK_STR(inv->files[0]->name, "pstree.img");
	CHECK_STR(inv->files[1]->name, "blob.img");
	CHECK_INT(inv->files[1]->size, 16);
	CHECK(inv->files[1]->xxh3 == checksum_buf("0123456789abcdef", 16));
	CHECK_INT(inv->files[0]->size, unit_size(unit_path("st/1/pstree.img")));
	inventory__free_unpacked(inv, NULL);
	close(vfd);
}

UNIT_TEST(version_abort_leaves_nothing)
{
	int sfd = open_store();
	Pstree tree = PSTREE__INIT;
	struct version v;
	unsigned *all;

	commit_one(sfd);
	CHECK(version_begin(sfd, &v, 0) == 0);
	CHECK_INT(v.number, 2);
	CHECK(has_tmp_dir(unit_path("st")));
	CHECK(version_write_img(&v, "pstree.img", IMG_PSTREE, &tree.base) == 0);
	version_abort(&v);
	CHECK(!has_tmp_dir(unit_path("st")));
	CHECK(access(unit_path("st/2"), F_OK) == -1);
	CHECK_INT(store_list(sfd, &all), 1);
	free(all);
	CHECK_STR(latest_link(), "1");
	/* The lock went with it: the next version is 2 again. */
	CHECK_INT(commit_one(sfd), 2);
}

UNIT_TEST(store_list_skips_others)
{
	int sfd = open_store();
	const char *junk[] = { "st/.tmp-7-123", "st/.tmp-1-1", "st/junk", "st/007", "st/0",
			       "st/12abc", "st/-3" };
	unsigned *all;

	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		CHECK(mkdir(unit_path(junk[i]), 0700) == 0);
	CHECK_INT(store_list(sfd, &all), 0);
	free(all);
	CHECK_INT(store_latest(sfd), 0);
	commit_one(sfd);
	commit_one(sfd);
	CHECK_INT(store_list(sfd, &all), 2);
	CHECK_INT(all[0], 1);
	CHECK_INT(all[1], 2);
	free(all);
	CHECK_INT(store_latest(sfd), 2);
	/* A stale .tmp-7-... never makes version 7 (or 8) the newest. */
	CHECK_INT(commit_one(sfd), 3);
}

UNIT_TEST(store_latest_without_link)
{
	int sfd = open_store();

	commit_one(sfd);
	commit_one(sfd);
	CHECK(unlink(unit_path("st/latest")) == 0);
	CHECK_INT(store_latest(sfd), 2);
	/* The link names the newest when it can. */
	CHECK(symlink("1", unit_path("st/latest")) == 0);
	CHECK_INT(store_latest(sfd), 1);
	/* A link to nothing, or to no version, is ignored. */
	CHECK(unlink(unit_path("st/latest")) == 0);
	CHECK(symlink("9", unit_path("st/latest")) == 0);
	CHECK_INT(store_latest(sfd), 2);
	CHECK(unlink(unit_path("st/latest")) == 0);
	CHECK(symlink("junk", unit_path("st/latest")) == 0);
	CHECK_INT(store_latest(sfd), 2);
}

UNIT_TEST(version_open_numbers)
{
	int sfd = open_store();
	Inventory *inv;
	unsigned found = 0;
	int vfd;

	CHECK(version_open(sfd, 0, false, &inv, &found) == -1);
	CHECK_ERR("the store holds no checkpoint");
	clear_error();
	commit_one(sfd);
	commit_one(sfd);
	vfd = version_open(sfd, 0, true, &inv, &found);
	CHECK(vfd >= 0);
	CHECK_INT(found, 2);
	inventory__free_unpacked(inv, NULL);
	close(vfd);
	vfd = version_open(sfd, 1, true, &inv, &found);
	CHECK(vfd >= 0);
	CHECK_INT(found, 1);
	inventory__free_unpacked(inv, NULL);
	close(vfd);
	CHECK(version_open(sfd, 5, true, &inv, &found) == -1);
	CHECK_ERR("cannot open version 5", "No such file");
}

UNIT_TEST(version_open_newer_inventory)
{
	int sfd = open_store();
	Inventory inv = INVENTORY__INIT, *got;
	char want[96];
	int vfd;

	commit_one(sfd);
	inv.format_version = IMAGE_FORMAT_VERSION + 1;
	inv.ckpt_version = inv.kernel = inv.arch = "x";
	CHECK(unlink(unit_path("st/1/inventory.img")) == 0);
	vfd = open(unit_path("st/1"), O_RDONLY | O_DIRECTORY);
	CHECK(img_write(vfd, "inventory.img", IMG_INVENTORY, &inv.base, NULL, NULL) == 0);
	CHECK(version_open(sfd, 0, false, &got, NULL) == -1);
	snprintf(want, sizeof(want), "version 1 has image format %u, newer than this ckpt's %u",
		 IMAGE_FORMAT_VERSION + 1, IMAGE_FORMAT_VERSION);
	CHECK_ERR(want);
}

/* Open version 1 without checking, then check it. */
static int verify_one(int sfd)
{
	Inventory *inv;
	int vfd = version_open(sfd, 1, false, &inv, NULL), ret;

	CHECK(vfd >= 0);
	clear_error();
	ret = version_verify(vfd, inv);
	inventory__free_unpacked(inv, NULL);
	close(vfd);
	return ret;
}

UNIT_TEST(verify_good)
{
	int sfd = open_store();

	commit_one(sfd);
	CHECK_INT(verify_one(sfd), 0);
	CHECK(!first_error());
}

UNIT_TEST(verify_size_changed)
{
	int sfd = open_store();
	Inventory *inv;

	commit_one(sfd);
	unit_append(unit_path("st/1/blob.img"), "x", 1);
	CHECK_INT(verify_one(sfd), -1);
	CHECK_ERR("image 'blob.img' is too long (17 bytes, expected 16)");
	unit_truncate(unit_path("st/1/blob.img"), 10);
	CHECK_INT(verify_one(sfd), -1);
	CHECK_ERR("image 'blob.img' is truncated (10 bytes, expected 16)");
	/* version_open with verify refuses it with the same words. */
	clear_error();
	CHECK(version_open(sfd, 1, true, &inv, NULL) == -1);
	CHECK_ERR("image 'blob.img' is truncated");
}

UNIT_TEST(verify_byte_changed)
{
	int sfd = open_store();

	commit_one(sfd);
	unit_flip(unit_path("st/1/blob.img"), 5);
	CHECK_INT(verify_one(sfd), -1);
	CHECK_ERR("image 'blob.img' is corrupt (checksum mismatch)");
}

UNIT_TEST(verify_file_missing)
{
	int sfd = open_store();

	commit_one(sfd);
	CHECK(unlink(unit_path("st/1/pstree.img")) == 0);
	CHECK_INT(verify_one(sfd), -1);
	CHECK_ERR("'pstree.img'", "No such file");
}

UNIT_TEST(verify_check_files_quiet)
{
	int sfd = open_store();
	Inventory *inv;
	char err[256] = "";
	int vfd;

	commit_one(sfd);
	unit_flip(unit_path("st/1/pstree.img"), 10);
	vfd = version_open(sfd, 1, false, &inv, NULL);
	CHECK(vfd >= 0);
	CHECK_INT(version_check_files(vfd, inv, VERIFY_PAGES, err, sizeof(err)), 0);
	CHECK_INT(version_check_files(vfd, inv, VERIFY_META, err, sizeof(err)), -1);
	CHECK_HAS(err, "image 'pstree.img' is corrupt (checksum mismatch)");
	CHECK(!first_error());
}

UNIT_TEST(dump_lock_in_process)
{
	int sfd = open_store();
	struct version v1, v2;

	CHECK(version_begin(sfd, &v1, 0) == 0);
	CHECK(version_begin(sfd, &v2, 0) == -1);
	CHECK_ERR("another dump is writing to this store");
	/* A wait that runs out fails the same way, after waiting. */
	clear_error();
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(version_begin(sfd, &v2, 200) == -1);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 150 * 1000000ULL);
	CHECK_ERR("another dump is writing to this store");
	version_abort(&v1);
	CHECK(version_begin(sfd, &v2, 0) == 0);
	version_abort(&v2);
}

UNIT_TEST(dump_lock_other_process)
{
	int sfd = open_store();
	int p[2], status;
	struct version v;
	pid_t pid;
	char c;

	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct version held;

		if (version_begin(sfd, &held, 0))
			_exit(3);
		if (write(p[1], "h", 1) != 1)
			_exit(4);
		sleep_ms(800);
		version_abort(&held);
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1);
	CHECK(version_begin(sfd, &v, 0) == -1);
	CHECK_ERR("another dump is writing to this store");
	/* Waiting long enough gets it once the other dump ends. */
	CHECK(version_begin(sfd, &v, 5000) == 0);
	version_abort(&v);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv,
		UNIT_ENTRY(store_create_mode),
		UNIT_ENTRY(store_open_missing),
		UNIT_ENTRY(store_numbering),
		UNIT_ENTRY(store_inventory_lists_files),
		UNIT_ENTRY(version_abort_leaves_nothing),
		UNIT_ENTRY(store_list_skips_others),
		UNIT_ENTRY(store_latest_without_link),
		UNIT_ENTRY(version_open_numbers),
		UNIT_ENTRY(version_open_newer_inventory),
		UNIT_ENTRY(verify_good),
		UNIT_ENTRY(verify_size_changed),
		UNIT_ENTRY(verify_byte_changed),
		UNIT_ENTRY(verify_file_missing),
		UNIT_ENTRY(verify_check_files_quiet),
		UNIT_ENTRY(dump_lock_in_process),
		UNIT_ENTRY(dump_lock_other_process));
}
