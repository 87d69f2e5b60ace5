/*
 * Write tracking between dumps: what makes a dump incremental.
 *
 * After a --leave-running dump, each process of the tree gets a userfaultfd
 * of its own memory in write-protect async mode: ckpt registers its private
 * anonymous areas and write-protects every page.  A write then clears the
 * page's protection in the kernel (the job never waits), and the next dump
 * asks PAGEMAP_SCAN for the pages written since: it stores those, takes the
 * others from the version the tracking counts from, and protects all again.
 *
 * The userfaultfds must stay open between dumps (closing the last fd of one
 * unregisters its areas), yet not in the job's own fd table: a small holder
 * process of ckpt's ("ckpt-track", ckpt track-hold) keeps them, and exits
 * when the processes it tracks have all exited.  DIR/track.img names the
 * holder and the base version; it says "not armed" from the moment a dump
 * starts to reset the marks until that dump is committed, so that a dump
 * that fails or is killed on the way makes the next one full, never wrong.
 */
#ifndef CKPT_TRACK_H
#define CKPT_TRACK_H

#include <stdbool.h>

#include "task.h"
#include "images/track.pb-c.h"

struct track {
	bool use;		/* this dump may be incremental (not --full) */
	bool want;		/* this dump leaves the tree running, tracked */
	TrackState *state;	/* DIR/track.img, if its holder is alive */
	int holder_pidfd;	/* of that holder, -1 */
	int base_dfd;		/* the base version when this dump can be incremental, -1 */
	unsigned base;
};

/* Read the store's tracking (its lock held).  `use`: this dump may store
 * only what changed since the base, as long as it then needs no more than
 * `max_chain` versions, itself included (0: any number); `want`: track
 * after this dump. */
void track_open(struct track *t, int store_fd, bool use, unsigned max_chain, bool want);
/* Before the task is collected: its userfaultfd from the holder, and the
 * base version's memory map of it when the dump can be incremental. */
void track_attach(struct track *t, struct task *task);
/* While the task runs our system calls (collect): make it a userfaultfd
 * when it has none.  Failing is no error: the task is then not tracked. */
void track_make_uffd(struct task *task);
/* Register one area for tracking: false when it cannot be (or is another
 * tracker's). */
bool track_register(struct task *task, const VmaEntry *e);
/* The tree frozen, its pages copied: mark the store's tracking unarmed,
 * then write-protect every tracked page (the marks start anew here). */
void track_arm(struct track *t, int store_fd, struct tree *tree);
/* After the version is committed and the tree runs: hand the userfaultfds
 * to a new holder and record it, with `version` as the base. */
void track_commit(struct track *t, int store_fd, struct tree *tree, unsigned version);
/* A dump that does not track (killed the tree, or --no-track): forget the
 * store's tracking and end its holder. */
void track_stop(struct track *t, int store_fd);
void track_close(struct track *t);

/* `ckpt track-hold`: the holder itself. */
int track_hold_main(void);

#endif
