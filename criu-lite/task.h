/*
 * The tool's view of one process while it is dumped or restored.
 */
#ifndef CKPT_TASK_H
#define CKPT_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "images/core.pb-c.h"
#include "images/mm.pb-c.h"
#include "images/fdinfo.pb-c.h"
#include "images/pstree.pb-c.h"
#include "images/shared.pb-c.h"

struct thread {
	pid_t tid;			/* as ckpt sees it */
	pid_t vtid;			/* as the task sees it (its pid namespace) */
	bool seized;
	bool injected;			/* registers borrowed: put them back */
	bool retpath_ready;		/* its return path is written (dump) */
	struct user_regs_struct regs;	/* as found */
	uint64_t sigmask;		/* as found */
};

struct task {
	pid_t pid;			/* as ckpt sees it */
	pid_t vpid;			/* as the task sees it (its pid namespace) */
	pid_t ppid, pgid, sid;		/* ppid 0 for the root of a tree */
	pid_t vpgid, vsid;		/* dump: as the task sees them (asked inside it) */
	bool clone_fs;			/* shares its fs (cwd, root, umask) with its parent */
	bool clone_files;		/* shares its fd table with its parent */
	bool zombie;			/* exited; nothing but exit_status to save */
	int exit_status;
	struct thread *threads;		/* leader first */
	size_t nr_threads;
	uint64_t syscall_ip;		/* a `syscall` instruction in the task */
	uint64_t scratch;		/* memory of ours in the task, 0 if none */
	uint64_t retpath;		/* dump: return paths at retpath + i * INFECT_RETPATH_MAX */
	uint64_t boot_retpath;		/* dump: the leader's while there is no scratch area
					 * (the vdso's spare room), 0: none */
	bool cow_shared;		/* dump: has pages shared copy-on-write (read without pinning) */
	/* dump: write tracking (track.h) */
	int uffd;			/* its userfaultfd, held by ckpt; -1: not tracked */
	int held_fd;			/* its number in the holder's fds, -1: new */
	bool soft_dirty;		/* tracked by soft-dirty bits instead (uffd -1) */
	bool *tracked;			/* per area: registered with it */
	MmEntry *base_mm;		/* its memory map in the base version: incremental */
	unsigned base;			/* that version */
	pid_t snap_pid, snap_vpid;	/* dump: its snapshot (snapshot.h), as ckpt and as it
					 * sees it; 0: none */
	bool pages_done;		/* dump: its page image is written */

	TaskCore *core;
	MmEntry *mm;
	FilesEntry *files;
	const FilesEntry *parent_files;	/* dump: the parent's, to find shared files */
	SharedEntry *shared;		/* dump: the tree's pipes and shared memory */
};

/* A process tree, parents before children; tasks[0] is the root. */
struct tree {
	struct task *tasks;
	size_t nr;
	SharedEntry shared;		/* pipes and shared memory, once each */
	int pidns;			/* PIDNS_*: how it sits in its pid namespace */
	pid_t ns_init;			/* that namespace's init, as ckpt sees it */
};

/* Run a system call in thread t of task (which must be seized); the
 * result is in *ret (-errno on failure).  -1 if the injection failed. */
int task_syscall(struct task *task, struct thread *t, long nr, long *ret,
		 long a0, long a1, long a2, long a3, long a4, long a5);
/* As task_syscall(), and fail with a message when the call fails. */
int task_syscall_ok(struct task *task, struct thread *t, long nr, const char *what, long *ret,
		    long a0, long a1, long a2, long a3, long a4, long a5);

/* The leader's return path for a remote system call made while there is no
 * scratch area (its mmap, its munmap): in the vdso's spare room, so that
 * ckpt killed during it leaves the leader whole too; on: use it, off: the
 * room zeroed again. */
void task_boot_retpath(struct task *task, bool on);

#endif
