/*
 * infect: ptrace and remote system calls, as a small library.
 *
 * It knows nothing of images or options.  Every function returns 0 (or a
 * value >= 0) on success and -1 on failure with errno set; infect_why()
 * then says in words what went wrong ("tid 12: unexpected stop, signal 11").
 *
 * How to run a system call in a stopped tracee:
 *   1. the tracee is in a ptrace stop (infect_seize() or any later stop);
 *   2. infect_syscall(tid, ip, nr, args, &ret) points the thread at a
 *      `syscall` instruction found at `ip` in its address space, steps it
 *      through the system call with PTRACE_SYSCALL and leaves it stopped at
 *      the syscall-exit stop, with the registers of the call;
 *   3. the caller puts the thread's own registers back (infect_set_regs)
 *      before letting it go.
 * All signals should be blocked in the tracee meanwhile (infect_block_all()),
 * so that none is delivered to the borrowed register state.
 */
#ifndef CKPT_INFECT_H
#define CKPT_INFECT_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

const char *infect_why(void);

/* PTRACE_SEIZE + PTRACE_INTERRUPT and wait for the stop.  `options` are
 * PTRACE_O_* flags; TRACESYSGOOD is always added. */
int infect_seize(pid_t tid, unsigned long options);
/* Attach to a thread created by a traced clone: wait for its first stop. */
int infect_wait_new(pid_t tid);
int infect_detach(pid_t tid);

int infect_get_regs(pid_t tid, struct user_regs_struct *regs);
int infect_set_regs(pid_t tid, const struct user_regs_struct *regs);
/* XSTATE (NT_X86_XSTATE); *len is the buffer size in, the state size out. */
int infect_get_xstate(pid_t tid, void *buf, size_t *len);
int infect_set_xstate(pid_t tid, const void *buf, size_t len);
int infect_get_sigmask(pid_t tid, uint64_t *mask);
int infect_set_sigmask(pid_t tid, uint64_t mask);
/* Save the mask into *saved and block every signal. */
int infect_block_all(pid_t tid, uint64_t *saved);

/* Run syscall nr(a[0..5]) in tid, which must be in a ptrace stop, with its
 * instruction pointer set to `ip` (the address of a 0f 05 pair in the
 * tracee).  *ret receives the raw result (-errno on failure).  If the call
 * is clone/clone3 and the tracee traces clones, *new_tid gets the new thread
 * (may be NULL otherwise). */
int infect_syscall(pid_t tid, uint64_t ip, long nr, const long a[6], long *ret, pid_t *new_tid);

/* Undo what the kernel would have done on return to user mode of a thread
 * stopped in an interrupted system call: -ERESTARTSYS, -ERESTARTNOINTR and
 * -ERESTARTNOHAND re-run the call; -ERESTART_RESTARTBLOCK becomes
 * restart_syscall when `restart_block_valid`, else -EINTR. */
void infect_fixup_restart(struct user_regs_struct *regs, int restart_block_valid);

/*
 * A return path (retpath.S) makes a remote system call safe against the
 * death of the tracer: the thread runs the call at the start of this code,
 * and if nobody catches its syscall-exit stop, the code puts back its mask
 * and registers and jumps to where it was.  infect_retpath_write() copies
 * the code with the thread's state (as it should resume: see
 * infect_fixup_restart) to addr; then use addr as the `ip` of
 * infect_syscall().
 */
#define INFECT_RETPATH_MAX 512
int infect_retpath_write(pid_t pid, uint64_t addr, const struct user_regs_struct *regs,
			 uint64_t sigmask);

/*
 * A fork path: code at addr for a clone() made in a thread whose return
 * path is at retpath: the parent goes on into that return path should
 * ckpt die, the child exits.  Use addr as the `ip` of the clone.
 */
#define INFECT_FORKPATH_MAX 64
int infect_forkpath_write(pid_t pid, uint64_t addr, uint64_t retpath);

/* Copy to and from the tracee's memory. */
int infect_read(pid_t pid, uint64_t addr, void *buf, size_t len);
int infect_write(pid_t pid, uint64_t addr, const void *buf, size_t len);

/* Offset of a `syscall` instruction in this kernel's vdso (the same in every
 * process), or -1. */
long infect_vdso_syscall_offset(void);
/* Spare room of len zero bytes in the vdso (after its image, in its last
 * page): where the return path of the first and the last remote system
 * call of a task goes, before its scratch area exists and after it is
 * gone.  -1 if there is none. */
long infect_vdso_spare_offset(size_t len);
/* Zeros back over len bytes at addr (the vdso's spare room). */
int infect_clear_forced(pid_t pid, uint64_t addr, size_t len);

#endif
