/*
 * The short freeze: a copy-on-write snapshot of a frozen process's memory.
 *
 * A --leave-running dump makes the process fork once while it is frozen
 * (a clone() run in it, the child traced by ckpt from its first moment and
 * never let run).  The child's memory is the process's at the freeze, kept
 * so by the kernel's copy-on-write: the process goes on as soon as its state
 * is read, and the pages are copied from the child while it runs.  Each
 * page the process writes meanwhile is copied once by the kernel, before
 * the write: the cost of the short freeze.
 *
 * Why a fork and not userfaultfd write-protect in sync mode (the other way
 * to save a page before its first write): the kernel's copy costs the
 * process a page fault, not a trip through a handler thread of ckpt's; an
 * munmap, mremap or MADV_DONTNEED of the process meanwhile cannot take
 * pages from under the copy (userfaultfd tells of those only after the
 * fact); and the areas stay registered with the write-tracking userfaultfd
 * (track.h) throughout, so the next incremental dump misses nothing.
 */
#ifndef CKPT_SNAPSHOT_H
#define CKPT_SNAPSHOT_H

#include <stdbool.h>
#include <sys/types.h>

#include "task.h"

/* The name the snapshot has in ps: a zombie of that name left by a ckpt
 * that died is reaped by the next dump. */
#define SNAPSHOT_COMM "ckpt-snapshot"

/* Whether a snapshot of task can hold all its pages (no area the kernel
 * leaves out of a fork); if not, says why in the log. */
bool snapshot_possible(const struct task *task);
/* Whether a snapshot (a fork: its page tables copied) takes less time
 * than copying the pages the dump stores while the task is frozen: not for
 * an incremental dump that stores a few pages of much memory. */
bool snapshot_worth_it(const struct task *task);
/* In collect(): task injected, its scratch area mapped.  0 and
 * task->snap_pid set, or 1 if there is none (said in the log: the pages
 * are copied while it is frozen), or -1 if the task was harmed. */
int snapshot_take(struct task *task);
/* Kill the snapshot and reap it in its parent, the task: seized (frozen)
 * or not (running again: its leader stops for the one call). */
void snapshot_drop(struct task *task);
/* A zombie snapshot (of a ckpt that died), to be left out of a tree. */
bool snapshot_is_stale(pid_t pid);
/* Reap task's stale snapshots (in collect(): injected). */
void snapshot_reap_stale(struct task *task);

#endif
