#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "image.h"
#include "log.h"
#include "store.h"
#include "util.h"

int store_open(const char *dir, bool create)
{
	int fd;

	if (create && mkdir(dir, 0700) && errno != EEXIST)
		return error_errno("cannot create store '%s'", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open store '%s'", dir);
	return fd;
}

#define JOB_FILE "job.pid"

int store_put_file(int store_fd, const char *name, const char *text)
{
	char tmp[64];
	int fd;

	snprintf(tmp, sizeof(tmp), ".%s-%d", name, getpid());
	fd = openat(store_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) ||
	    renameat(store_fd, tmp, store_fd, name)) {
		if (fd >= 0)
			close(fd);
		unlinkat(store_fd, tmp, 0);
		return error_errno("cannot write '%s' in the store", name);
	}
	close(fd);
	return 0;
}

int store_set_job(int store_fd, pid_t init)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", init);
	return store_put_file(store_fd, JOB_FILE, text);
}

pid_t store_job(int store_fd)
{
	cleanup_free char *text = read_file_at(store_fd, JOB_FILE, NULL);

	return text ? atoi(text) : 0;
}

void store_clear_job(int store_fd, pid_t init)
{
	if (store_job(store_fd) == init)
		unlinkat(store_fd, JOB_FILE, 0);
}

static bool parse_number(const char *s, unsigned *n)
{
	char *end;
	unsigned long v;

	if (*s < '1' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > 0x7fffffff)
		return false;
	*n = v;
	return true;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

int store_list(int store_fd, unsigned **numbers)
{
	int fd = dup(store_fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	unsigned *v = NULL, n = 0, cap = 0, num;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return error_errno("cannot read the store");
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		struct stat st;

		if (!parse_number(de->d_name, &num) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
		v[n++] = num;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_unsigned);
	*numbers = v;
	return n;
}

unsigned store_latest(int store_fd)
{
	char link[64];
	ssize_t n = readlinkat(store_fd, "latest", link, sizeof(link) - 1);
	unsigned num, *all;
	int cnt;

	if (n > 0) {
		link[n] = 0;
		if (parse_number(link, &num) && !faccessat(store_fd, link, F_OK, 0))
			return num;
	}
	/* No usable link: the highest complete version. */
	cnt = store_list(store_fd, &all);
	num = cnt > 0 ? all[cnt - 1] : 0;
	if (cnt >= 0)
		free(all);
	return num;
}

/* Versions that a dump killed half way left behind: ours to remove, since
 * we hold the lock and their writer is gone. */
static void remove_stale(int store_fd)
{
	int fd = dup(store_fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		unsigned num;
		int pid;
		char proc[32];

		if (sscanf(de->d_name, ".tmp-%u-%d", &num, &pid) != 2)
			continue;
		snprintf(proc, sizeof(proc), "/proc/%d", pid);
		if (pid != getpid() && access(proc, F_OK)) {
			pr_info("removing '%s', left by a dump that did not finish", de->d_name);
			remove_tree(store_fd, de->d_name);
		}
	}
	closedir(d);
}

int version_begin(int store_fd, struct version *v, int lock_wait_ms)
{
	unsigned *all;
	int cnt;

	memset(v, 0, sizeof(*v));
	v->store_fd = store_fd;
	v->dfd = -1;
	v->lock_fd = openat(store_fd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (v->lock_fd < 0)
		return error_errno("cannot open the store lock");
	for (int waited = 0; flock(v->lock_fd, LOCK_EX | LOCK_NB); waited += 50) {
		if (errno != EWOULDBLOCK || waited >= lock_wait_ms) {
			close(v->lock_fd);
			v->lock_fd = -1;
			return error("another dump is writing to this store");
		}
		sleep_ms(50);
	}
	remove_stale(store_fd);
	cnt = store_list(store_fd, &all);
	if (cnt < 0)
		goto err;
	v->number = cnt ? all[cnt - 1] + 1 : 1;
	free(all);
	snprintf(v->tmpname, sizeof(v->tmpname), ".tmp-%u-%d", v->number, getpid());
	if (mkdirat(store_fd, v->tmpname, 0700)) {
		error_errno("cannot create version directory in the store");
		goto err;
	}
	v->dfd = openat(store_fd, v->tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v->dfd < 0) {
		error_errno("cannot open version directory");
		goto err;
	}
	return 0;
err:
	version_abort(v);
	return -1;
}

/* Files of a version are written by several threads of a dump at once. */
static pthread_mutex_t sums_mu = PTHREAD_MUTEX_INITIALIZER;

void version_add_file(struct version *v, const char *name, uint64_t size, uint64_t sum)
{
	FileSum *s = xmalloc(sizeof(*s));

	file_sum__init(s);
	s->name = xstrdup(name);
	s->size = size;
	s->xxh3 = sum;
	pthread_mutex_lock(&sums_mu);
	v->sums = xrealloc(v->sums, (v->nr_sums + 1) * sizeof(*v->sums));
	v->sums[v->nr_sums++] = s;
	pthread_mutex_unlock(&sums_mu);
}

int version_write_img(struct version *v, const char *name, int kind, const ProtobufCMessage *msg)
{
	uint64_t size, sum;

	if (img_write(v->dfd, name, kind, msg, &size, &sum))
		return -1;
	version_add_file(v, name, size, sum);
	return 0;
}

static void free_sums(struct version *v)
{
	for (size_t i = 0; i < v->nr_sums; i++) {
		free(v->sums[i]->name);
		free(v->sums[i]);
	}
	free(v->sums);
	v->sums = NULL;
	v->nr_sums = 0;
}

int version_commit(struct version *v, Inventory *inv)
{
	char name[16], tmplink[80];

	inv->n_files = v->nr_sums;
	inv->files = v->sums;
	if (img_write(v->dfd, "inventory.img", IMG_INVENTORY, &inv->base, NULL, NULL))
		goto err;
	inv->n_files = 0;
	inv->files = NULL;
	if (fsync(v->dfd)) {
		error_errno("cannot sync the version directory");
		goto err;
	}
	snprintf(name, sizeof(name), "%u", v->number);
	if (renameat(v->store_fd, v->tmpname, v->store_fd, name)) {
		error_errno("cannot publish version %u", v->number);
		goto err;
	}
	v->tmpname[0] = 0;
	snprintf(tmplink, sizeof(tmplink), ".latest-%d", getpid());
	unlinkat(v->store_fd, tmplink, 0);
	if (symlinkat(name, v->store_fd, tmplink) ||
	    renameat(v->store_fd, tmplink, v->store_fd, "latest")) {
		/* The version is whole; store_latest() finds it without the link. */
		pr_warn("cannot update the 'latest' link: %s", strerror(errno));
	}
	fsync(v->store_fd);
	close(v->dfd);
	v->dfd = -1;
	free_sums(v);
	if (v->lock_fd >= 0)
		close(v->lock_fd);
	v->lock_fd = -1;
	return 0;
err:
	inv->n_files = 0;
	inv->files = NULL;
	version_abort(v);
	return -1;
}

void version_abort(struct version *v)
{
	if (v->dfd >= 0)
		close(v->dfd);
	v->dfd = -1;
	if (v->tmpname[0])
		remove_tree(v->store_fd, v->tmpname);
	v->tmpname[0] = 0;
	free_sums(v);
	if (v->lock_fd >= 0)
		close(v->lock_fd);
	v->lock_fd = -1;
}

static bool is_page_data(const char *name)
{
	return !strncmp(name, "pages-", 6);
}

int version_verify(int vdfd, const Inventory *inv)
{
	return version_verify_part(vdfd, inv, VERIFY_ALL);
}

int version_check_files(int vdfd, const Inventory *inv, enum verify_part part,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < inv->n_files; i++) {
		const FileSum *f = inv->files[i];
		uint64_t size, sum;

		if ((part == VERIFY_META && is_page_data(f->name)) ||
		    (part == VERIFY_PAGES && !is_page_data(f->name)))
			continue;
		if (strchr(f->name, '/')) {
			snprintf(err, errlen, "inventory names a file outside the version: '%s'",
				 f->name);
			return -1;
		}
		if (file_checksum(vdfd, f->name, &size, &sum)) {
			snprintf(err, errlen, "cannot read image '%s': %s", f->name, strerror(errno));
			return -1;
		}
		if (size != f->size) {
			snprintf(err, errlen, "image '%s' is %s (%lu bytes, expected %lu)", f->name,
				 size < f->size ? "truncated" : "too long",
				 (unsigned long)size, (unsigned long)f->size);
			return -1;
		}
		if (sum != f->xxh3) {
			snprintf(err, errlen, "image '%s' is corrupt (checksum mismatch)", f->name);
			return -1;
		}
	}
	return 0;
}

int version_verify_part(int vdfd, const Inventory *inv, enum verify_part part)
{
	char err[1024];

	if (version_check_files(vdfd, inv, part, err, sizeof(err)))
		return error("%s", err);
	return 0;
}

int version_open(int store_fd, unsigned number, bool verify, Inventory **invp, unsigned *found)
{
	char name[16];
	Inventory *inv;
	int dfd;

	if (!number)
		number = store_latest(store_fd);
	if (!number)
		return error("the store holds no checkpoint");
	snprintf(name, sizeof(name), "%u", number);
	dfd = openat(store_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return error_errno("cannot open version %u", number);
	inv = img_read(dfd, "inventory.img", IMG_INVENTORY, &inventory__descriptor);
	if (!inv)
		goto err;
	if (inv->format_version > IMAGE_FORMAT_VERSION) {
		error("version %u has image format %u, newer than this ckpt's %u", number,
		      inv->format_version, IMAGE_FORMAT_VERSION);
		goto err_inv;
	}
	if (verify && version_verify(dfd, inv))
		goto err_inv;
	*invp = inv;
	if (found)
		*found = number;
	return dfd;
err_inv:
	inventory__free_unpacked(inv, NULL);
err:
	close(dfd);
	return -1;
}

int store_check_version(int store_fd, unsigned number, char *err, size_t errlen)
{
	Inventory *inv, *ninv;
	int dfd = version_open(store_fd, number, false, &inv, NULL), ndfd, ret = -1;

	if (dfd < 0) {
		snprintf(err, errlen, "%s", first_error());
		clear_error();
		return -1;
	}
	if (version_check_files(dfd, inv, VERIFY_ALL, err, errlen))
		goto out;
	for (size_t i = 0; i < inv->n_needs; i++) {
		char sub[512];

		ndfd = version_open(store_fd, inv->needs[i], false, &ninv, NULL);
		if (ndfd < 0) {
			snprintf(err, errlen, "it needs version %u, which cannot be read (%s)",
				 inv->needs[i], first_error());
			clear_error();
			goto out;
		}
		int bad = version_check_files(ndfd, ninv, VERIFY_PAGES, sub, sizeof(sub));
		inventory__free_unpacked(ninv, NULL);
		close(ndfd);
		if (bad) {
			snprintf(err, errlen, "it needs version %u: %s", inv->needs[i], sub);
			goto out;
		}
	}
	ret = 0;
out:
	inventory__free_unpacked(inv, NULL);
	close(dfd);
	return ret;
}

int store_prune(int store_fd, unsigned keep)
{
	unsigned *all, *needed = NULL;
	size_t nr_needed = 0;
	int n = store_list(store_fd, &all), gone = 0;

	if (n < 0 || keep == 0) {
		if (n >= 0)
			free(all);
		return 0;
	}
	/* what the kept versions need */
	for (int i = n - 1; i >= 0 && i >= n - (int)keep; i--) {
		Inventory *inv;
		int dfd = version_open(store_fd, all[i], false, &inv, NULL);

		if (dfd < 0) {
			clear_error();
			continue;
		}
		needed = xrealloc(needed, (nr_needed + inv->n_needs + 1) * sizeof(*needed));
		for (size_t k = 0; k < inv->n_needs; k++)
			needed[nr_needed++] = inv->needs[k];
		inventory__free_unpacked(inv, NULL);
		close(dfd);
	}
	for (int i = 0; i < n - (int)keep; i++) {
		char name[16], tmp[64];
		bool need = false;

		for (size_t k = 0; k < nr_needed; k++)
			need |= needed[k] == all[i];
		if (need)
			continue;
		/* out of sight first: a crash half way leaves no half version */
		snprintf(name, sizeof(name), "%u", all[i]);
		snprintf(tmp, sizeof(tmp), ".tmp-%u-0", all[i]);
		if (renameat(store_fd, name, store_fd, tmp)) {
			pr_warn("cannot remove version %u: %s", all[i], strerror(errno));
			continue;
		}
		remove_tree(store_fd, tmp);
		pr_info("removed version %u (--keep %u)", all[i], keep);
		gone++;
	}
	fsync(store_fd);
	free(needed);
	free(all);
	return gone;
}
