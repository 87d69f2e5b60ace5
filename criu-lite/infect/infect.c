#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <elf.h>
#include <sys/auxv.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/ptrace.h>

#include "infect.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

static __thread char why[256];

const char *infect_why(void)
{
	return why;
}

static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

static int fail_errno(pid_t tid, const char *what)
{
	int err = errno;

	return fail(err, "tid %d: %s: %s", tid, what, strerror(err));
}

/* Wait for the next stop of tid; a bounded wait is the caller's business
 * (the tracee is stopped or runs a few instructions of ours). */
static int wait_stop(pid_t tid, int *status)
{
	for (;;) {
		pid_t r = waitpid(tid, status, __WALL);

		if (r == tid)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		return fail_errno(tid, "waitpid");
	}
	if (WIFEXITED(*status))
		return fail(ESRCH, "tid %d: exited with status %d", tid, WEXITSTATUS(*status));
	if (WIFSIGNALED(*status))
		return fail(ESRCH, "tid %d: killed by signal %d", tid, WTERMSIG(*status));
	return 0;
}

int infect_seize(pid_t tid, unsigned long options)
{
	int status;

	if (ptrace(PTRACE_SEIZE, tid, 0, options | PTRACE_O_TRACESYSGOOD))
		return fail_errno(tid, "cannot seize (ptrace)");
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0)) {
		int err = errno;

		ptrace(PTRACE_DETACH, tid, 0, 0);
		errno = err;
		return fail_errno(tid, "cannot interrupt");
	}
	for (;;) {
		if (wait_stop(tid, &status))
			return -1;
		if (status >> 16 == PTRACE_EVENT_STOP)
			return 0;
		/* A signal arrived first: put it back and wait for our stop. */
		if (ptrace(PTRACE_CONT, tid, 0, WSTOPSIG(status)))
			return fail_errno(tid, "cannot continue after a signal stop");
	}
}

int infect_wait_new(pid_t tid)
{
	int status;

	if (wait_stop(tid, &status))
		return -1;
	if (status >> 16 != PTRACE_EVENT_STOP && WSTOPSIG(status) != SIGSTOP)
		return fail(EINVAL, "tid %d: unexpected first stop %#x", tid, status);
	return 0;
}

int infect_detach(pid_t tid)
{
	if (ptrace(PTRACE_DETACH, tid, 0, 0))
		return fail_errno(tid, "cannot detach");
	return 0;
}

int infect_get_regs(pid_t tid, struct user_regs_struct *regs)
{
	if (ptrace(PTRACE_GETREGS, tid, 0, regs))
		return fail_errno(tid, "cannot read registers");
	return 0;
}

int infect_set_regs(pid_t tid, const struct user_regs_struct *regs)
{
	if (ptrace(PTRACE_SETREGS, tid, 0, regs))
		return fail_errno(tid, "cannot set registers");
	return 0;
}

int infect_get_xstate(pid_t tid, void *buf, size_t *len)
{
	struct iovec iov = { buf, *len };

	if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov))
		return fail_errno(tid, "cannot read the XSTATE registers");
	*len = iov.iov_len;
	return 0;
}

int infect_set_xstate(pid_t tid, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	if (ptrace(PTRACE_SETREGSET, tid, NT_X86_XSTATE, &iov))
		return fail_errno(tid, "cannot set the XSTATE registers");
	return 0;
}

int infect_get_sigmask(pid_t tid, uint64_t *mask)
{
	if (ptrace(PTRACE_GETSIGMASK, tid, sizeof(*mask), mask))
		return fail_errno(tid, "cannot read the signal mask");
	return 0;
}

int infect_set_sigmask(pid_t tid, uint64_t mask)
{
	if (ptrace(PTRACE_SETSIGMASK, tid, sizeof(mask), &mask))
		return fail_errno(tid, "cannot set the signal mask");
	return 0;
}

int infect_block_all(pid_t tid, uint64_t *saved)
{
	if (infect_get_sigmask(tid, saved))
		return -1;
	return infect_set_sigmask(tid, ~0ULL);
}

/* Resume with PTRACE_SYSCALL until a syscall stop; clone events on the way
 * give the new thread's id. */
static int step_to_syscall_stop(pid_t tid, pid_t *new_tid)
{
	int status;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0))
			return fail_errno(tid, "PTRACE_SYSCALL");
		if (wait_stop(tid, &status))
			return -1;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			return 0;
		int event = status >> 16;
		if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK ||
		    event == PTRACE_EVENT_VFORK) {
			unsigned long msg;

			if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg))
				return fail_errno(tid, "PTRACE_GETEVENTMSG");
			if (new_tid)
				*new_tid = msg;
			/* The next PTRACE_SYSCALL takes it on to the exit stop. */
			continue;
		}
		return fail(EINVAL, "tid %d: unexpected stop %#x during a remote system call", tid, status);
	}
}

int infect_syscall(pid_t tid, uint64_t ip, long nr, const long a[6], long *ret, pid_t *new_tid)
{
	struct user_regs_struct regs;

	if (infect_get_regs(tid, &regs))
		return -1;
	regs.rip = ip;
	regs.rax = nr;
	/* orig_rax = -1: the kernel's restart logic must not touch our call. */
	regs.orig_rax = -1;
	regs.rdi = a[0];
	regs.rsi = a[1];
	regs.rdx = a[2];
	regs.r10 = a[3];
	regs.r8 = a[4];
	regs.r9 = a[5];
	if (infect_set_regs(tid, &regs))
		return -1;
	if (step_to_syscall_stop(tid, NULL))	/* entry */
		return -1;
	if (infect_get_regs(tid, &regs))
		return -1;
	if ((long)regs.orig_rax != nr)
		return fail(EINVAL, "tid %d: entered syscall %ld instead of %ld", tid,
			    (long)regs.orig_rax, nr);
	if (step_to_syscall_stop(tid, new_tid))	/* exit */
		return -1;
	if (infect_get_regs(tid, &regs))
		return -1;
	*ret = regs.rax;
	return 0;
}

void infect_fixup_restart(struct user_regs_struct *regs, int restart_block_valid)
{
	if ((long)regs->orig_rax < 0)
		return;
	switch (-(long)regs->rax) {
	case ERESTARTSYS:
	case ERESTARTNOINTR:
	case ERESTARTNOHAND:
		regs->rax = regs->orig_rax;
		regs->rip -= 2;
		break;
	case ERESTART_RESTARTBLOCK:
		if (restart_block_valid) {
			regs->rax = __NR_restart_syscall;
			regs->rip -= 2;
		} else {
			regs->rax = -EINTR;
		}
		break;
	}
	regs->orig_rax = -1;
}

int infect_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)addr, len };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);

	if (n != (ssize_t)len)
		return fail(n < 0 ? errno : EFAULT, "pid %d: cannot read %zu bytes at %#lx",
			    pid, len, (unsigned long)addr);
	return 0;
}

int infect_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec l = { (void *)buf, len }, r = { (void *)addr, len };
	ssize_t n = process_vm_writev(pid, &l, 1, &r, 1, 0);

	if (n != (ssize_t)len)
		return fail(n < 0 ? errno : EFAULT, "pid %d: cannot write %zu bytes at %#lx",
			    pid, len, (unsigned long)addr);
	return 0;
}

/* Through /proc/PID/mem, which writes with the tracer's force: also into
 * pages mapped read-only, such as the vdso's. */
static int write_forced(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "pid %d: cannot open %s", pid, path);
	n = pwrite(fd, buf, len, (off_t)addr);
	close(fd);
	if (n != (ssize_t)len)
		return fail(n < 0 ? errno : EFAULT, "pid %d: cannot write %zu bytes at %#lx",
			    pid, len, (unsigned long)addr);
	return 0;
}

long infect_vdso_spare_offset(size_t len)
{
	const unsigned char *vdso = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)vdso;
	uint64_t used = 0, size = 0;
	char line[256];
	FILE *f;

	if (!vdso)
		return -1;
	/* The image ends with its section headers, after every segment. */
	const Elf64_Phdr *ph = (const void *)(vdso + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > used)
			used = ph[i].p_offset + ph[i].p_filesz;
	if (eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize > used)
		used = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    lo == (uintptr_t)vdso)
			size = hi - lo;
	}
	if (f)
		fclose(f);
	used = (used + 63) & ~63ULL;
	if (!size || used + len > size)
		return -1;
	for (uint64_t o = used; o < used + len; o++)
		if (vdso[o])
			return -1;	/* not the spare room we take it for */
	return used;
}

int infect_clear_forced(pid_t pid, uint64_t addr, size_t len)
{
	uint8_t zero[INFECT_RETPATH_MAX] = { 0 };

	return write_forced(pid, addr, zero, len < sizeof(zero) ? len : sizeof(zero));
}

long infect_vdso_syscall_offset(void)
{
	const unsigned char *vdso = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)vdso;

	if (!vdso)
		return -1;
	/* Search the loaded segments only: the vdso image is a few pages. */
	const Elf64_Phdr *ph = (const void *)(vdso + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X))
			continue;
		for (uint64_t o = ph[i].p_offset; o + 1 < ph[i].p_offset + ph[i].p_filesz; o++)
			if (vdso[o] == 0x0f && vdso[o + 1] == 0x05)
				return o;
	}
	return -1;
}

struct infect_retpath_data {
	uint64_t mask, rsp, flags, rip;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

extern const uint8_t infect_retpath_code[], infect_retpath_code_end[];

int infect_retpath_write(pid_t pid, uint64_t addr, const struct user_regs_struct *regs,
			 uint64_t sigmask)
{
	size_t len = infect_retpath_code_end - infect_retpath_code;
	uint8_t buf[INFECT_RETPATH_MAX];
	struct infect_retpath_data d = {
		.mask = sigmask, .rsp = regs->rsp, .flags = regs->eflags, .rip = regs->rip,
		.rax = regs->rax, .rbx = regs->rbx, .rcx = regs->rcx, .rdx = regs->rdx,
		.rsi = regs->rsi, .rdi = regs->rdi, .rbp = regs->rbp,
		.r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10, .r11 = regs->r11,
		.r12 = regs->r12, .r13 = regs->r13, .r14 = regs->r14, .r15 = regs->r15,
	};

	if (len > sizeof(buf))
		return fail(E2BIG, "return path too long");
	memcpy(buf, infect_retpath_code, len);
	/* the data block ends the code */
	memcpy(buf + len - sizeof(d), &d, sizeof(d));
	/* (a return path in the vdso's spare room: forced) */
	if (infect_write(pid, addr, buf, len) == 0)
		return 0;
	return write_forced(pid, addr, buf, len);
}

extern const uint8_t infect_forkpath_code[], infect_forkpath_code_end[];

int infect_forkpath_write(pid_t pid, uint64_t addr, uint64_t retpath)
{
	size_t len = infect_forkpath_code_end - infect_forkpath_code;
	uint8_t buf[INFECT_FORKPATH_MAX];
	/* past the return path's own `syscall` (2 bytes) */
	uint64_t back = retpath + 2;

	if (len > sizeof(buf))
		return fail(E2BIG, "fork path too long");
	memcpy(buf, infect_forkpath_code, len);
	memcpy(buf + len - sizeof(back), &back, sizeof(back));
	return infect_write(pid, addr, buf, len);
}
