/*
 * ckpt check: whether this kernel and machine give ckpt what it needs.
 *
 * Every feature is tried for real, as dump and restore will use it: a child
 * is forked and seized, a pid is asked for, a page is scanned.  A version
 * number says little on kernels that backport or compile features out.
 * Each probe is bounded in time, and every child it forks is reaped before
 * the next probe starts.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <linux/prctl.h>
#include <linux/ptrace.h>
#include <lz4.h>
#include <zstd.h>

#include "check.h"
#include "exitcodes.h"
#include "json.h"
#include "infect.h"
#include "log.h"
#include "pagemap.h"
#include "proc.h"
#include "util.h"
#include "xsave.h"

/* These belong in check.h and show.h, which this file's owner may not
 * create yet; the JSON emitter lives in show.c. */


#ifndef PR_TIMER_CREATE_RESTORE_IDS
#define PR_TIMER_CREATE_RESTORE_IDS	77
#endif
#define PR_TIMER_CREATE_RESTORE_IDS_ON	1
#define PR_TIMER_CREATE_RESTORE_IDS_GET	2
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP		128
#endif

#define PROBE_MS	2000	/* the longest any one probe may take */
#define WHY_LEN		256

/* A probe returns 0 when the feature works, -1 when not; either way `why`
 * gets a few words: a detail or the reason. */
typedef int probe_fn(char *why);

static int vsay(int ret, char *why, const char *fmt, va_list ap)
{
	vsnprintf(why, WHY_LEN, fmt, ap);
	return ret;
}

/* The detail of a feature that works: returns 0. */
static int __attribute__((format(printf, 2, 3))) say(char *why, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsay(0, why, fmt, ap);
	va_end(ap);
	return ret;
}

/* Why a feature does not work: returns -1. */
static int __attribute__((format(printf, 2, 3))) fail(char *why, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsay(-1, why, fmt, ap);
	va_end(ap);
	return ret;
}

static int fail_errno(char *why, const char *what)
{
	return fail(why, "%s: %s", what, strerror(errno));
}

/* ---- children ----------------------------------------------------------- */

/* The next state change of pid, waiting at most ms; 0, or -1 on timeout. */
static int wait_change(pid_t pid, int *status, int ms)
{
	for (int waited = 0;; waited += 5) {
		pid_t r = waitpid(pid, status, WNOHANG | __WALL);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= ms)
			return -1;
		sleep_ms(5);
	}
}

/* Kill and reap a child of ours (traced or not). */
static void reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	/* A killed child exits at once; the loop skips stop reports of a
	 * traced one that were pending before the kill. */
	for (;;) {
		pid_t r = waitpid(pid, &status, __WALL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || WIFEXITED(status) || WIFSIGNALED(status))
			break;
	}
}

static volatile uint64_t victim_word;
#define VICTIM_MAGIC 0x636b7074636b7074ULL	/* "ckptckpt" */

/* A child that sleeps until killed, with victim_word set to a value only it
 * knows (VICTIM_MAGIC ^ its pid), so a read of its memory can be checked. */
static pid_t start_victim(char *why)
{
	struct pollfd pfd;
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return fail_errno(why, "pipe");
	pid = fork();
	if (pid < 0) {
		fail_errno(why, "fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		victim_word = VICTIM_MAGIC ^ (uint64_t)getpid();
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	if (poll(&pfd, 1, PROBE_MS) != 1 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		reap(pid);
		return fail(why, "the test child did not start");
	}
	close(p[0]);
	return pid;
}

/* A victim in a ptrace stop, seized as dump seizes. */
static pid_t seize_victim(char *why)
{
	pid_t pid = start_victim(why);
	int status;

	if (pid < 0)
		return -1;
	if (ptrace(PTRACE_SEIZE, pid, 0, 0)) {
		fail_errno(why, "PTRACE_SEIZE of a child");
	} else if (ptrace(PTRACE_INTERRUPT, pid, 0, 0)) {
		fail_errno(why, "PTRACE_INTERRUPT of a child");
	} else if (wait_change(pid, &status, PROBE_MS)) {
		fail(why, "the child did not stop within %d ms of PTRACE_INTERRUPT", PROBE_MS);
	} else if (!WIFSTOPPED(status) || status >> 16 != PTRACE_EVENT_STOP) {
		fail(why, "the child did not stop as PTRACE_INTERRUPT should (status %#x)", status);
	} else {
		return pid;
	}
	reap(pid);
	return -1;
}

/* Run fn in a forked child for at most ms, for what would change ckpt itself
 * (its memory map, its timers) or might crash it; its words come back
 * through a pipe. */
static int in_child(probe_fn *fn, int ms, char *why)
{
	struct pollfd pfd;
	int p[2], status, ret;
	ssize_t n = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return fail_errno(why, "pipe");
	pid = fork();
	if (pid < 0) {
		fail_errno(why, "fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char words[WHY_LEN] = "";

		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ret = fn(words);
		if (write(p[1], words, strlen(words)) < 0)
			ret = -1;
		_exit(ret ? 1 : 0);
	}
	close(p[1]);
	why[0] = 0;
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	if (poll(&pfd, 1, ms) == 1)
		n = read(p[0], why, WHY_LEN - 1);
	close(p[0]);
	why[n > 0 ? n : 0] = 0;
	if (wait_change(pid, &status, PROBE_MS)) {
		reap(pid);
		return fail(why, "the test child hung (killed after %d ms)", ms + PROBE_MS);
	}
	if (WIFSIGNALED(status))
		return fail(why, "the test child died of signal %d", WTERMSIG(status));
	ret = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
	if (!why[0])
		snprintf(why, WHY_LEN, ret ? "failed, no reason given" : "works");
	return ret;
}

/* ---- required ----------------------------------------------------------- */

static bool has_cap(cap_t caps, cap_value_t c)
{
	cap_flag_value_t v = CAP_CLEAR;

	return cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET;
}

static int probe_privileges(char *why)
{
	cap_t caps = cap_get_proc();
	bool admin, cr, ptr;

	if (!caps)
		return fail_errno(why, "cannot read capabilities");
	admin = has_cap(caps, CAP_SYS_ADMIN);
	cr = has_cap(caps, CAP_CHECKPOINT_RESTORE);
	ptr = has_cap(caps, CAP_SYS_PTRACE);
	cap_free(caps);
	if (!admin && !cr)
		return fail(why, "%s, without CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE: run as root",
			    geteuid() ? "not root" : "root");
	return say(why, "%s, with%s%s%s%s", geteuid() ? "not root" : "root",
		   admin ? " CAP_SYS_ADMIN" : "", cr ? " CAP_CHECKPOINT_RESTORE" : "",
		   ptr ? " CAP_SYS_PTRACE" : "",
		   ptr ? "" : " (without CAP_SYS_PTRACE: only one's own processes)");
}

static int probe_proc(char *why)
{
	char link[32], want[32];
	struct statfs sf;
	ssize_t n;

	if (statfs("/proc", &sf))
		return fail_errno(why, "/proc");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return fail(why, "/proc is not procfs (filesystem type %#lx)", (long)sf.f_type);
	n = readlink("/proc/self", link, sizeof(link) - 1);
	if (n < 0)
		return fail_errno(why, "/proc/self");
	link[n] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	if (strcmp(link, want))
		return fail(why, "/proc belongs to another pid namespace (/proc/self is %s, "
			    "not %s)", link, want);
	return say(why, "procfs of this pid namespace");
}

static int probe_seize(char *why)
{
	pid_t pid = seize_victim(why);

	if (pid < 0)
		return -1;
	reap(pid);
	return say(why, "PTRACE_SEIZE and PTRACE_INTERRUPT stopped a child");
}

struct rseq_conf {
	uint64_t ptr;
	uint32_t len, sig, flags, pad;
};

static int probe_rseq(char *why)
{
	struct rseq_conf rc = { 0 };
	pid_t pid = seize_victim(why);
	long r;

	if (pid < 0)
		return -1;
	r = ptrace(PTRACE_GET_RSEQ_CONFIGURATION, pid, sizeof(rc), &rc);
	reap(pid);
	if (r <= 0)
		return fail(why, "PTRACE_GET_RSEQ_CONFIGURATION: %s (kernel older than 5.13)",
			    r < 0 ? strerror(errno) : "returned nothing");
	if (!rc.ptr)
		return say(why, "works (the child has no rseq area registered)");
	return say(why, "works (the child's rseq area: %u bytes)", rc.len);
}

static int probe_xstate(char *why)
{
	static uint8_t buf[64 * 1024];
	struct iovec iov = { buf, sizeof(buf) };
	pid_t pid = seize_victim(why);
	long r;

	if (pid < 0)
		return -1;
	r = ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov);
	reap(pid);
	if (r)
		return fail_errno(why, "PTRACE_GETREGSET NT_X86_XSTATE");
	return say(why, "%zu bytes of XSTATE per thread", iov.iov_len);
}

static int probe_vm_readv(char *why)
{
	uint64_t word = 0;
	struct iovec local = { &word, sizeof(word) };
	struct iovec remote = { (void *)&victim_word, sizeof(word) };
	pid_t pid = start_victim(why);
	ssize_t n;

	if (pid < 0)
		return -1;
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	reap(pid);
	if (n < 0)
		return fail_errno(why, "process_vm_readv of a child");
	if (n != sizeof(word) || word != (VICTIM_MAGIC ^ (uint64_t)pid))
		return fail(why, "process_vm_readv read the wrong bytes");
	return say(why, "read a child's memory");
}

static int probe_pagemap_scan(char *why)
{
	struct page_region r[4];
	struct pm_scan_arg a = {
		.size = sizeof(a),
		.vec_len = ARRAY_SIZE(r),
		.category_mask = PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_PRESENT,
	};
	cleanup_close int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	char *m;
	long n;

	if (fd < 0)
		return fail_errno(why, "/proc/self/pagemap");
	m = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return fail_errno(why, "mmap");
	/* Pages 0 and 2 present, 1 and 3 never touched: two regions. */
	m[0] = m[2 * PAGE_SIZE] = 1;
	a.start = (uintptr_t)m;
	a.end = (uintptr_t)m + 4 * PAGE_SIZE;
	a.vec = (uintptr_t)r;
	n = ioctl(fd, PAGEMAP_SCAN, &a);
	munmap(m, 4 * PAGE_SIZE);
	if (n < 0)
		return fail(why, "PAGEMAP_SCAN: %s (kernel older than 6.7)", strerror(errno));
	if (n != 2 || r[0].start != (uintptr_t)m || r[0].end != (uintptr_t)m + PAGE_SIZE ||
	    r[1].start != (uintptr_t)m + 2 * PAGE_SIZE)
		return fail(why, "PAGEMAP_SCAN found %ld regions where 2 pages were touched", n);
	return say(why, "found the 2 pages touched of 4");
}

static long read_long(const char *path)
{
	cleanup_free char *s = read_file(path, NULL);

	return s ? strtol(s, NULL, 10) : -1;
}

static int probe_clone3(char *why)
{
	long last = read_long("/proc/sys/kernel/ns_last_pid");
	long max = read_long("/proc/sys/kernel/pid_max");

	if (last < 0 || max < 0)
		return fail_errno(why, "cannot read ns_last_pid or pid_max");
	/* Far enough above the last pid that no fork takes it meanwhile;
	 * EEXIST (taken after all) means try another. */
	for (int i = 0; i < 16; i++) {
		pid_t want = last + 1000 + 97 * i, got;
		struct clone_args args = {
			.exit_signal = SIGCHLD,
			.set_tid = (uintptr_t)&want,
			.set_tid_size = 1,
		};
		int status;

		if (want >= max)
			want = 1000 + 97 * i;
		if (kill(want, 0) == 0 || errno != ESRCH)
			continue;
		got = syscall(SYS_clone3, &args, sizeof(args));
		if (got == 0)
			syscall(SYS_exit_group, 0);	/* nothing of libc after a raw clone */
		if (got < 0 && errno == EEXIST)
			continue;
		if (got < 0)
			return fail(why, "clone3 with set_tid: %s%s", strerror(errno),
				    errno == EPERM ? " (needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE)" :
				    errno == E2BIG || errno == ENOSYS ? " (kernel older than 5.5)" : "");
		if (wait_change(got, &status, PROBE_MS))
			reap(got);
		if (got != want)
			return fail(why, "clone3 gave pid %d, not the %d asked for", got, want);
		return say(why, "made a child with pid %d, as asked", want);
	}
	return fail(why, "found no free pid to try");
}

static int mm_map_child(char *why)
{
	struct prctl_mm_map map = { .exe_fd = -1 };
	struct proc_stat st;
	size_t auxv_len;
	cleanup_free char *auxv = read_file("/proc/self/auxv", &auxv_len);

	if (!auxv)
		return fail_errno(why, "/proc/self/auxv");
	if (proc_parse_stat(getpid(), 0, &st))
		return fail(why, "%s", first_error());
	/* Its own values: the kernel checks them as it checks a restore's. */
	map.start_code = st.start_code;
	map.end_code = st.end_code;
	map.start_data = st.start_data;
	map.end_data = st.end_data;
	map.start_brk = st.start_brk;
	map.brk = syscall(SYS_brk, 0);
	map.start_stack = st.start_stack;
	map.arg_start = st.arg_start;
	map.arg_end = st.arg_end;
	map.env_start = st.env_start;
	map.env_end = st.env_end;
	map.auxv = (__u64 *)auxv;
	map.auxv_size = auxv_len;
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof(map), 0))
		return fail(why, "PR_SET_MM_MAP with a child's own values: %s", strerror(errno));
	return say(why, "a child set its own memory map fields");
}

static int probe_mm_map(char *why)
{
	unsigned size = 0;

	if (prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &size, 0, 0))
		return fail(why, "PR_SET_MM_MAP_SIZE: %s (kernel without CONFIG_CHECKPOINT_RESTORE)",
			    strerror(errno));
	if (size != sizeof(struct prctl_mm_map))
		return fail(why, "the kernel's prctl_mm_map is %u bytes, ckpt's %zu", size,
			    sizeof(struct prctl_mm_map));
	return in_child(mm_map_child, PROBE_MS, why);
}

static int probe_vdso(char *why)
{
	long off = infect_vdso_syscall_offset();

	if (off < 0)
		return fail(why, "no vdso, or no syscall instruction in it");
	return say(why, "a syscall instruction at vdso+0x%lx", off);
}

static int probe_xsave(char *why)
{
	static const char *names[] = { "x87", "sse", "avx", "bndregs", "bndcsr", "opmask",
				       "zmm_hi256", "hi16_zmm", "pt", "pkru" };
	uint64_t x = xsave_features();
	char list[WHY_LEN] = "";
	size_t len = 0;

	if (!x)
		return fail(why, "the CPU or kernel does not enable XSAVE");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (x & (1ULL << i))
			len += snprintf(list + len, sizeof(list) - len, " %s", names[i]);
	if (x & (3ULL << 17))
		snprintf(list + len, sizeof(list) - len, " amx");
	return say(why, "XCR0 0x%" PRIx64 ":%s", x, list);
}

/* ---- optional ----------------------------------------------------------- */

static int timer_ids_child(char *why)
{
	int id = 4242;
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };

	if (prctl(PR_TIMER_CREATE_RESTORE_IDS, PR_TIMER_CREATE_RESTORE_IDS_GET, 0, 0, 0) < 0)
		return fail(why, "PR_TIMER_CREATE_RESTORE_IDS: %s (kernel older than 6.16): "
			    "POSIX timers cannot be restored", strerror(errno));
	if (prctl(PR_TIMER_CREATE_RESTORE_IDS, PR_TIMER_CREATE_RESTORE_IDS_ON, 0, 0, 0) < 0)
		return fail_errno(why, "PR_TIMER_CREATE_RESTORE_IDS on");
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id))
		return fail_errno(why, "timer_create with a chosen id");
	if (id != 4242)
		return fail(why, "timer_create gave id %d, not the 4242 asked for", id);
	return say(why, "a timer got the id asked for (POSIX timers restore)");
}

static int probe_timer_ids(char *why)
{
	return in_child(timer_ids_child, PROBE_MS, why);
}

static int uffd_child(char *why)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct page_region r[4];
	struct pm_scan_arg a = {
		.size = sizeof(a),
		.vec_len = ARRAY_SIZE(r),
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK), pm;
	char *m;
	long n;

	/* Without CAP_SYS_PTRACE only user-mode faults may be tracked, which is
	 * all that write tracking needs. */
	if (fd < 0 && errno == EPERM)
		fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return fail_errno(why, "userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		return fail(why, "UFFD_FEATURE_WP_ASYNC: %s (kernel older than 6.7)",
			    strerror(errno));
	m = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return fail_errno(why, "mmap");
	memset(m, 1, 4 * PAGE_SIZE);
	struct uffdio_register reg = {
		.range = { (uintptr_t)m, 4 * PAGE_SIZE },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { (uintptr_t)m, 4 * PAGE_SIZE },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		return fail_errno(why, "UFFDIO_REGISTER for write-protection");
	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		return fail_errno(why, "UFFDIO_WRITEPROTECT");
	/* In async mode the kernel resolves the fault itself: no reader needed
	 * (and the parent's time limit catches a kernel that blocks here). */
	m[PAGE_SIZE] = 2;
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm < 0)
		return fail_errno(why, "/proc/self/pagemap");
	a.start = (uintptr_t)m;
	a.end = (uintptr_t)m + 4 * PAGE_SIZE;
	a.vec = (uintptr_t)r;
	n = ioctl(pm, PAGEMAP_SCAN, &a);
	if (n < 0)
		return fail_errno(why, "PAGEMAP_SCAN for written pages");
	if (n != 1 || r[0].start != (uintptr_t)m + PAGE_SIZE ||
	    r[0].end != (uintptr_t)m + 2 * PAGE_SIZE)
		return fail(why, "PAGEMAP_SCAN did not find exactly the 1 page written (%ld "
			    "regions)", n);
	return say(why, "write-protect tracking found the 1 page written (incremental dumps)");
}

static int probe_uffd(char *why)
{
	return in_child(uffd_child, PROBE_MS, why);
}

static int pagemap_soft_dirty(int pm, const char *p, bool *dirty)
{
	uint64_t e;

	if (pread_all(pm, &e, sizeof(e), (uintptr_t)p / PAGE_SIZE * sizeof(e)))
		return -1;
	*dirty = e >> 55 & 1;
	return 0;
}

static int soft_dirty_child(char *why)
{
	int cr = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	char *m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	bool d0, d1;

	if (cr < 0 || pm < 0 || m == MAP_FAILED)
		return fail_errno(why, "cannot open clear_refs or pagemap");
	m[0] = m[PAGE_SIZE] = 1;
	if (write(cr, "4", 1) != 1)
		return fail_errno(why, "cannot clear soft-dirty bits");
	m[0] = 2;
	if (pagemap_soft_dirty(pm, m, &d0) || pagemap_soft_dirty(pm, m + PAGE_SIZE, &d1))
		return fail_errno(why, "cannot read pagemap");
	if (!d0)
		return fail(why, "the kernel does not track soft-dirty pages "
			    "(CONFIG_MEM_SOFT_DIRTY); userfaultfd does it instead");
	if (d1)
		return fail(why, "clear_refs did not clear the soft-dirty bit");
	return say(why, "the page written after clear_refs is soft-dirty");
}

static int probe_soft_dirty(char *why)
{
	return in_child(soft_dirty_child, PROBE_MS, why);
}

bool check_soft_dirty(void)
{
	static int known = -1;
	char why[WHY_LEN];

	if (known < 0)
		known = probe_soft_dirty(why) == 0;
	return known;
}

static int probe_compression(char *why)
{
	return say(why, "--compress zstd (libzstd %s) and lz4 (liblz4 %s)", ZSTD_versionString(),
		   LZ4_versionString());
}

static int cuda_child(char *why)
{
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	int (*get_version)(int *);
	char driver[64] = "";
	int version = 0;
	bool api;

	if (!h)
		return fail(why, "no libcuda.so.1: no GPU checkpointing");
	get_version = (int (*)(int *))dlsym(h, "cuDriverGetVersion");
	api = dlsym(h, "cuCheckpointProcessLock") && dlsym(h, "cuCheckpointProcessCheckpoint") &&
	      dlsym(h, "cuCheckpointProcessRestore") && dlsym(h, "cuCheckpointProcessUnlock");
	if (get_version && get_version(&version) == 0)
		snprintf(driver, sizeof(driver), "CUDA %d.%d", version / 1000, version % 1000 / 10);
	dlclose(h);
	if (!api)
		return fail(why, "libcuda.so.1%s%s%s has no checkpoint API (needs driver r570+)",
			    driver[0] ? " (" : "", driver, driver[0] ? ")" : "");
	return say(why, "libcuda.so.1 (%s) with the checkpoint API", driver[0] ? driver : "?");
}

/* In a child: a driver library may take its time, or crash, far from a GPU. */
static int probe_cuda(char *why)
{
	return in_child(cuda_child, 10000, why);
}

/* ---- the table ---------------------------------------------------------- */

static const struct feature {
	const char *name;
	bool required;
	probe_fn *probe;
} features[] = {
	{ "privileges",		true,	probe_privileges },
	{ "proc",		true,	probe_proc },
	{ "ptrace-seize",	true,	probe_seize },
	{ "ptrace-rseq",	true,	probe_rseq },
	{ "ptrace-xstate",	true,	probe_xstate },
	{ "process_vm_readv",	true,	probe_vm_readv },
	{ "pagemap-scan",	true,	probe_pagemap_scan },
	{ "clone3-set-tid",	true,	probe_clone3 },
	{ "prctl-set-mm-map",	true,	probe_mm_map },
	{ "vdso-syscall",	true,	probe_vdso },
	{ "xsave",		true,	probe_xsave },
	{ "timer-restore-ids",	false,	probe_timer_ids },
	{ "uffd-wp-async",	false,	probe_uffd },
	{ "soft-dirty",		false,	probe_soft_dirty },
	{ "compression",	false,	probe_compression },
	{ "cuda",		false,	probe_cuda },
};

int check(const struct check_opts *o)
{
	char why[ARRAY_SIZE(features)][WHY_LEN], missing[512] = "";
	bool works[ARRAY_SIZE(features)];
	size_t nr_missing = 0, len = 0;
	struct utsname u;

	/* Output of ours must not sit in a buffer a forked child copies. */
	fflush(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
		why[i][0] = 0;
		works[i] = features[i].probe(why[i]) == 0;
		if (!works[i] && features[i].required) {
			nr_missing++;
			len += snprintf(missing + len, len < sizeof(missing) ? sizeof(missing) - len : 0,
					"%s'%s'", len ? ", " : "", features[i].name);
		}
	}
	uname(&u);
	if (o->json) {
		struct json *j = json_new(stdout);

		json_obj(j, NULL);
		json_str(j, "kernel", u.release);
		json_str(j, "arch", u.machine);
		json_bool(j, "ok", !nr_missing);
		json_arr(j, "features");
		for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
			json_obj(j, NULL);
			json_str(j, "name", features[i].name);
			json_bool(j, "required", features[i].required);
			json_str(j, "status", works[i] ? "ok" : features[i].required ? "missing" : "no");
			json_str(j, "detail", why[i]);
			json_end_obj(j);
		}
		json_end_arr(j);
		json_end_obj(j);
		json_free(j);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(features); i++)
			printf("%-18s %-8s %s\n", features[i].name,
			       works[i] ? "ok" : features[i].required ? "MISSING" : "no", why[i]);
	}
	if (fflush(stdout) || ferror(stdout)) {
		error_errno("cannot write the report");
		return EXIT_FAILED;
	}
	if (nr_missing) {
		/* A probe's own error() (in a child) never reaches here; this
		 * is the one line main prints. */
		clear_error();
		error("%zu required feature%s missing on kernel %s: %s", nr_missing,
		      nr_missing == 1 ? " is" : "s are", u.release, missing);
		return EXIT_MISSING;
	}
	return EXIT_OK;
}
