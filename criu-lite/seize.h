/*
 * Freezing and thawing a process.  seize_task() stops every thread with
 * PTRACE_SEIZE + PTRACE_INTERRUPT, rescanning until no new thread appears;
 * unseize_task() puts back every register it borrowed and lets it go, or
 * kills it.
 */
#ifndef CKPT_SEIZE_H
#define CKPT_SEIZE_H

#include "pidns.h"
#include "task.h"

/* Refuse what cannot be dumped at all: no such process, a kernel thread,
 * ckpt itself or an ancestor, a traced process.  -1 after error();
 * DUMP_BUSY (and the error said) when another ckpt is dumping it. */
#define DUMP_BUSY (-2)
int check_dumpable(pid_t pid);
int seize_task(struct task *task, pid_t pid);
/* Freeze pid and all its descendants (rescanning until no new process
 * appears); zombies are recorded, not seized.  With a ckpt init (ns), the
 * tree is the init's descendants and the init stays out. */
int seize_tree(struct tree *tree, pid_t root, const struct pidns_target *ns);
int unseize_tree(struct tree *tree, bool kill);
/* Put back the registers and signal mask of every thread that ran our
 * system calls.  Done as soon as they are no longer needed: if ckpt dies
 * later, the kernel lets the threads go on from exactly where they were. */
int end_injection(struct task *task);
/* The same for threads first.. of the task. */
int end_injection_from(struct task *task, size_t first);
/* kill: SIGKILL the process and wait until it is gone. */
int unseize_task(struct task *task, bool kill);

#endif
