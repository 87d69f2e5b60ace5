/*
 * Pid namespaces: which one a process to dump lives in, and the small init
 * of ckpt's that `ckpt run` and `ckpt restore --pidns` put at PID 1 of a new
 * one.
 */
#ifndef CKPT_PIDNS_H
#define CKPT_PIDNS_H

#include <stdbool.h>
#include <sys/types.h>

/* How a dumped tree sits in its pid namespace (inventory.pidns). */
enum {
	PIDNS_NONE = 0,		/* in ckpt's own: pids as ckpt sees them */
	PIDNS_CKPT_INIT = 1,	/* the namespace of a ckpt init, which is not
				 * dumped: restore makes a new init */
	PIDNS_OWN_INIT = 2,	/* the namespace's own init is the root (vpid 1) */
};

#define PIDNS_INIT_NAME "ckpt-init"

struct pidns_target {
	int mode;		/* PIDNS_* */
	pid_t init;		/* the namespace's init as ckpt sees it (0: none) */
};

/* What dumping pid means: the tree from pid in ckpt's namespace, or the
 * whole namespace that pid lives in.  -1 (with a message) for a namespace
 * ckpt cannot take from pid: nested deeper, or pid not its init. */
int pidns_classify(pid_t pid, struct pidns_target *t);

/* A new pid and mount namespace: clone3 with CLONE_NEWPID | CLONE_NEWNS.
 * Returns as fork() does; the child is PID 1 there. */
pid_t pidns_clone(void);

/* In the child of pidns_clone(): mounts private, and a /proc of the new
 * namespace.  -1 with errno. */
int pidns_mount_proc(void);

/* In the child of pidns_clone(): /proc of the new namespace, a session of
 * its own (a terminal's Ctrl-C reaches the stand-in outside, which passes it
 * on once), and the name ckpt looks for at dump.  -1 with errno. */
int pidns_init_setup(void);

/* The init's life once the job's root runs: signals from outside go to
 * root, orphans are reaped, and the init exits with root's status, which
 * ends the namespace. */
void __attribute__((noreturn)) pidns_init_loop(pid_t root);

/* Stand in for pid (our child) until it ends: signals sent to us go on to
 * it; returns its exit status, 128+N if signal N killed it. */
int pidns_stand_in(pid_t pid);
/* Its parts: signals sent to us go on to pid; and a wait status as an exit
 * status (128+N for signal N). */
void pidns_pass_signals(pid_t pid);
int pidns_exit_code(int status);

#endif
