/*
 * /proc readers.  Each parser has a _text variant that takes the file's
 * contents, so the unit tests can feed it saved text.
 */
#ifndef CKPT_PROC_H
#define CKPT_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* VmFlags we keep (two-letter codes of smaps). */
enum {
	VMF_GROWSDOWN	= 1 << 0,	/* gd */
	VMF_NOHUGEPAGE	= 1 << 1,	/* nh */
	VMF_HUGEPAGE	= 1 << 2,	/* hg */
	VMF_DONTDUMP	= 1 << 3,	/* dd */
	VMF_WIPEONFORK	= 1 << 4,	/* wf */
	VMF_DONTCOPY	= 1 << 5,	/* dc */
	VMF_MERGEABLE	= 1 << 6,	/* mg */
	VMF_IO		= 1 << 7,	/* io: device memory */
	VMF_PFNMAP	= 1 << 8,	/* pf */
	VMF_LOCKED	= 1 << 9,	/* lo */
	VMF_SEQ_READ	= 1 << 10,	/* sr */
	VMF_RAND_READ	= 1 << 11,	/* rr */
	VMF_MIXEDMAP	= 1 << 12,	/* mm */
	VMF_SHARED	= 1 << 13,	/* sh */
	VMF_HUGETLB	= 1 << 14,	/* ht */
};

struct proc_vma {
	uint64_t start, end, pgoff;
	unsigned prot;			/* PROT_* */
	bool shared;			/* 's' in maps */
	unsigned dev_major, dev_minor;
	uint64_t ino;
	char *path;			/* NULL for anonymous; "[heap]" etc. kept */
	bool deleted;			/* path ended in " (deleted)" (stripped) */
	uint64_t anon_kb;		/* smaps Anonymous */
	unsigned vmflags;		/* VMF_* */
};

int proc_parse_smaps_text(const char *text, struct proc_vma **vmas, size_t *n);
int proc_parse_smaps(pid_t pid, struct proc_vma **vmas, size_t *n);
void proc_free_vmas(struct proc_vma *vmas, size_t n);

struct proc_stat {
	char state;
	char comm[32];
	int ppid, pgrp, sid;
	unsigned tty_nr;		/* the controlling terminal's device, 0: none */
	unsigned long flags;
	long nice;
	long num_threads;
	int exit_signal;
	uint64_t start_code, end_code, start_stack;
	uint64_t start_data, end_data, start_brk;
	uint64_t arg_start, arg_end, env_start, env_end;
	int exit_code;			/* of a zombie, as waitpid() reports it */
	uint64_t start_time;		/* clock ticks after boot: with the pid, names a process */
};

int proc_parse_stat_text(const char *text, struct proc_stat *st);
int proc_parse_stat(pid_t pid, pid_t tid, struct proc_stat *st);

struct proc_status {
	unsigned uid[4], gid[4];
	unsigned *groups;
	size_t nr_groups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint64_t sig_blk, shd_pnd;
	uint64_t sig_ign, sig_cgt;	/* SigIgn, SigCgt: ignored, caught */
	int no_new_privs;
	int seccomp;
	unsigned umask;
	int tracer;
	int tgid;
	int nspid;			/* NSpid: its pid in its own (innermost) pid namespace */
	int ns_levels;			/* NSpid: how many pid namespaces see it */
};

int proc_parse_status_text(const char *text, struct proc_status *st);
int proc_parse_status(pid_t pid, struct proc_status *st);
void proc_free_status(struct proc_status *st);
/* The NSpid of thread tid of pid (tid 0: the process): its number in its
 * innermost pid namespace, or -1. */
pid_t proc_nspid(pid_t pid, pid_t tid);

/* The thread ids of pid, sorted, leader first. */
int proc_list_tids(pid_t pid, pid_t **tids, size_t *n);
/* Children of all threads of pid. */
int proc_list_children(pid_t pid, pid_t **kids, size_t *n);
/* Open fds of pid, sorted. */
int proc_list_fds(pid_t pid, int **fds, size_t *n);

struct proc_timer {
	int id;
	int signo;
	uint64_t sival;
	int notify;		/* SIGEV_* */
	int notify_tid;
	int clockid;
};

int proc_parse_timers_text(const char *text, struct proc_timer **t, size_t *n);
int proc_parse_timers(pid_t pid, struct proc_timer **t, size_t *n);

/* A "lock:" line of fdinfo: a lock held through this open file. */
enum proc_lock_type { PROC_LOCK_FLOCK = 1, PROC_LOCK_POSIX, PROC_LOCK_OFD, PROC_LOCK_OTHER };
#define PROC_FD_LOCKS	16

struct proc_lock {
	int type;			/* PROC_LOCK_* */
	char name[16];			/* as fdinfo says it: FLOCK, POSIX, OFDLCK, LEASE, ... */
	bool mandatory;			/* MANDATORY instead of ADVISORY */
	bool write;			/* WRITE; else READ (or a lease's other words) */
	int pid;			/* its holder as fdinfo says (-1 for OFD locks) */
	uint64_t start, end;		/* bytes, end inclusive; UINT64_MAX: EOF */
};

struct proc_fdinfo {
	uint64_t pos;
	unsigned flags;
	int mnt_id;
	bool eventfd;			/* an eventfd: these two are set */
	uint64_t eventfd_count;
	bool eventfd_semaphore;
	struct proc_lock locks[PROC_FD_LOCKS];
	int n_locks;			/* more than PROC_FD_LOCKS: -1 */
};

int proc_parse_fdinfo_text(const char *text, struct proc_fdinfo *fi);
int proc_parse_fdinfo(pid_t pid, int fd, struct proc_fdinfo *fi);

/* /proc/PID/limits: soft and hard limits in RLIMIT_* order (misc.c). */
int proc_parse_limits_text(const char *text, uint64_t cur[], uint64_t max[]);

#endif
