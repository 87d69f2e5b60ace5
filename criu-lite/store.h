/*
 * The store: a directory of checkpoint versions.
 *
 *   DIR/1/ DIR/2/ ...   complete versions, each with inventory.img last
 *   DIR/latest          symlink to the newest version
 *   DIR/.lock           flock()ed by a dump, so that two dumps never interleave
 *   DIR/.tmp-N-PID/     a version being written; never read, removed on failure
 *   DIR/job.pid         the init of the job `ckpt run -D DIR` runs (or that a
 *                       restore of it brought back), for `ckpt dump -D DIR`
 *
 * A version becomes visible only by rename() after all its files are synced,
 * and `latest` moves by rename() of a new symlink, so a crash or a full disk
 * at any moment leaves the previous version whole.
 */
#ifndef CKPT_STORE_H
#define CKPT_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "images/inventory.pb-c.h"

struct version {
	int store_fd;		/* the store directory */
	int dfd;		/* the version directory */
	unsigned number;
	char tmpname[64];	/* while being written */
	int lock_fd;
	FileSum **sums;
	size_t nr_sums;
	int compress;		/* PZ_* (pagecomp.h) for its page images */
};

/* Open the store, creating it (0700) if `create`. */
int store_open(const char *dir, bool create);
/* Newest complete version number, 0 when there is none. */
unsigned store_latest(int store_fd);
/* Version numbers in increasing order; returns count, -1 on error. */
int store_list(int store_fd, unsigned **numbers);

/* A small file of the store (job.pid and the like), whole or not at all. */
int store_put_file(int store_fd, const char *name, const char *text);

/* The job of the store: record its init, forget it (only if it is still
 * `init`), and read it back (0 when there is none). */
int store_set_job(int store_fd, pid_t init);
void store_clear_job(int store_fd, pid_t init);
pid_t store_job(int store_fd);

/* Start writing a new version (takes the dump lock, waits at most
 * `lock_wait_ms` for it). */
int version_begin(int store_fd, struct version *v, int lock_wait_ms);
/* Record a file written into the version, for the inventory. */
void version_add_file(struct version *v, const char *name, uint64_t size, uint64_t sum);
int version_write_img(struct version *v, const char *name, int kind, const ProtobufCMessage *msg);
/* Write the inventory (with the recorded files), sync, and make the version
 * visible as the newest. */
int version_commit(struct version *v, Inventory *inv);
/* Remove the half-written version and release the lock. */
void version_abort(struct version *v);

/* Open version `number` (0: the newest) for reading; returns its dirfd and
 * sets *inv.  Checks the inventory and, when `verify` is set, the size and
 * checksum of every file. */
int version_open(int store_fd, unsigned number, bool verify, Inventory **inv, unsigned *found);
/* Check every file of an open version against its inventory. */
int version_verify(int vdfd, const Inventory *inv);
/* The same for part of the files: the small state images, or the page data
 * (which restore checks on a second core while it builds the process). */
enum verify_part { VERIFY_ALL, VERIFY_META, VERIFY_PAGES };
int version_verify_part(int vdfd, const Inventory *inv, enum verify_part part);
/* As version_verify_part(), but says what is wrong in err instead of
 * logging: safe in a thread of its own. */
int version_check_files(int vdfd, const Inventory *inv, enum verify_part part,
			char *err, size_t errlen);

/* Every file of version `number` and the page images of the earlier
 * versions it needs: 0 when all are whole, else -1 with err saying what is
 * wrong. */
int store_check_version(int store_fd, unsigned number, char *err, size_t errlen);
/* After a dump: remove all but the `keep` newest versions, except any that
 * a kept one needs.  Returns how many went. */
int store_prune(int store_fd, unsigned keep);

#endif
