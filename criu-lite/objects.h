/*
 * One dump/restore pair per kind of object.  Dump functions read a seized
 * task (and may run system calls in it through task_syscall, with
 * task->scratch as a page of memory) and fill its images; restore functions
 * run in the restorer, driving the new task the same way.
 */
#ifndef CKPT_OBJECTS_H
#define CKPT_OBJECTS_H

#include "task.h"

/* threads.c: registers, XSTATE, masks, pending signals, rseq, robust list,
 * names, scheduling, alternate signal stacks */
int dump_threads(struct task *task);
/* Per-thread state that must be set from inside the thread. */
int restore_thread_inside(struct task *task, struct thread *t, const ThreadCore *tc);
/* The pending signals of a thread, or (shared) of its process, as raw
 * siginfo records (PTRACE_PEEKSIGINFO). */
int dump_pending(pid_t tid, bool shared, SiginfoEntry ***out, size_t *n);
/* Registers, XSTATE, mask: the very last step before the thread runs. */
int restore_thread_regs(struct task *task, struct thread *t, const ThreadCore *tc);
/* Scheduling: set from the restorer. */
int restore_thread_outside(struct task *task, const struct thread *t, const ThreadCore *tc);
/* Pending signals, queued from inside each thread, with signals blocked. */
int restore_thread_signals(struct task *task, struct thread *t, const ThreadCore *tc);

/* signals.c: sigactions and process-wide pending signals */
int dump_signals(struct task *task);
int restore_sigactions_inside(const TaskCore *core);	/* in the new child, in C */
int restore_shared_signals(struct task *task);

/* creds.c */
int dump_creds(struct task *task);
/* Credentials are per thread: run for each. */
int restore_creds(struct task *task, struct thread *t);

/* timers.c: itimers and POSIX timers */
int dump_timers(struct task *task);
int restore_timers(struct task *task);

/* misc.c: rlimits, cwd/root, umask, personality, mm fields, prctl bits */
int dump_misc(struct task *task);
int restore_rlimits(struct task *task);
/* In the new child, in C: cwd, root, umask, personality. */
int restore_misc_inside(const TaskCore *core, char *err, size_t errlen);

/* files.c */
int dump_files(struct task *task);
/* In the new child, in C: open every fd; inherited[i] (if not NULL and >= 0)
 * is where the parent's open file for fd entry i waits; pipes come from the
 * restorer's shared objects at shared_base (see restore.c).  err gets the
 * reason. */
int restore_files_inside(const FilesEntry *files, const int *inherited, const SharedEntry *sh,
			 int shared_base, char *err, size_t errlen);
int files_max_fd(const FilesEntry *files);
/* Once the whole tree is dumped: pipes with only one end in it lead outside
 * (pipe_entry.outside_fd). */
void files_mark_outside_pipes(struct tree *tree);
/* Once the whole tree is dumped, before its fds are written: open files
 * shared by processes that did not get them one from the other are made
 * in a common ancestor and handed down (fd_entry.transient). */
void files_share_across(struct tree *tree);
/* In the new child, once its children exist: the transient fds go. */
void files_close_transient(const FilesEntry *files);

#endif
