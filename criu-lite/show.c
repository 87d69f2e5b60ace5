/*
 * ckpt show: what a checkpoint version holds, for people (aligned text) or
 * for programs (one JSON object with the same information).
 *
 * Everything is read first and printed after, so that a version that cannot
 * be read gives one error line and no half-printed output.  The checksums are
 * checked but a mismatch does not stop the listing: looking at a damaged
 * checkpoint is one reason to run show.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/user.h>

#include "exitcodes.h"
#include "files.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "mm.h"
#include "proc.h"
#include "show.h"
#include "pagecomp.h"
#include "store.h"
#include "util.h"

/* These belong in show.h, which this file's owner may not create yet. */
/* ---- what a version holds ---------------------------------------------- */

struct proc_view {
	const PstreeTask *pt;
	TaskCore *core;
	MmEntry *mm;
	FilesEntry *files;
	uint64_t *saved;	/* per vma: bytes of pages stored for it */
	uint64_t unplaced;	/* bytes of page runs outside every vma */
	char pages_name[64];
	bool has_pages;
	uint64_t pages_size;	/* of pages-PID.img */
};

struct file_view {
	char *name;
	uint64_t size;
	const FileSum *sum;	/* its inventory entry, NULL if none */
};

struct view {
	const char *store;
	char *store_path;	/* realpath of the store, NULL if unknown */
	unsigned number;
	unsigned *versions;
	int nr_versions;
	Inventory *inv;
	bool verified;
	char verify_err[1024];
	Pstree *tree;
	struct proc_view *procs;
	size_t nr_procs;
	struct file_view *files;
	size_t nr_files;
	SharedEntry *shared;	/* shared.img, NULL if there is none or it is bad */
};

static int cmp_run(const void *a, const void *b)
{
	const PageRun *x = *(const PageRun *const *)a, *y = *(const PageRun *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Bytes of saved pages per area: runs and areas are both sorted, so one walk
 * over each does it even for millions of runs. */
static void count_saved(struct proc_view *p)
{
	const MmEntry *mm = p->mm;
	PageRun **runs = xmalloc((mm->n_pages + 1) * sizeof(*runs));
	uint64_t placed = 0, total = 0;
	size_t r = 0;

	memcpy(runs, mm->pages, mm->n_pages * sizeof(*runs));
	qsort(runs, mm->n_pages, sizeof(*runs), cmp_run);
	p->saved = xzalloc((mm->n_vmas + 1) * sizeof(*p->saved));
	for (size_t i = 0; i < mm->n_pages; i++)
		total += runs[i]->nr * PAGE_SIZE;
	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		while (r < mm->n_pages && runs[r]->vaddr + runs[r]->nr * PAGE_SIZE <= e->start)
			r++;
		for (size_t k = r; k < mm->n_pages && runs[k]->vaddr < e->end; k++) {
			uint64_t s = runs[k]->vaddr, end = s + runs[k]->nr * PAGE_SIZE;

			if (s < e->start)
				s = e->start;
			if (end > e->end)
				end = e->end;
			if (end > s) {
				p->saved[i] += end - s;
				placed += end - s;
			}
		}
	}
	p->unplaced = total > placed ? total - placed : 0;
	free(runs);
}

static int load_proc(int vdfd, const PstreeTask *pt, struct proc_view *p)
{
	char name[64];
	struct stat st;

	p->pt = pt;
	if (pt->zombie)
		return 0;	/* an exit status, no images */
	snprintf(name, sizeof(name), "core-%d.img", pt->pid);
	p->core = img_read(vdfd, name, IMG_CORE, &task_core__descriptor);
	if (!p->core)
		return -1;
	snprintf(name, sizeof(name), "mm-%d.img", pt->pid);
	p->mm = img_read(vdfd, name, IMG_MM, &mm_entry__descriptor);
	if (!p->mm)
		return -1;
	snprintf(name, sizeof(name), "files-%d.img", pt->pid);
	p->files = img_read(vdfd, name, IMG_FILES, &files_entry__descriptor);
	if (!p->files)
		return -1;
	if (!p->core->creds || !p->core->mm)
		return error("image 'core-%d.img' has no credentials or memory fields", pt->pid);
	snprintf(p->pages_name, sizeof(p->pages_name), "pages-%d.img", pt->pid);
	if (fstatat(vdfd, p->pages_name, &st, 0))	/* compressed? */
		snprintf(p->pages_name, sizeof(p->pages_name), "pages-%d" PZ_SUFFIX, pt->pid);
	if (!fstatat(vdfd, p->pages_name, &st, 0)) {
		p->has_pages = true;
		p->pages_size = st.st_size;
	}
	count_saved(p);
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file_view *)a)->name, ((const struct file_view *)b)->name);
}

/* Every file in the version directory, with its inventory entry if it has one
 * (inventory.img has none: it holds the others'; a stray file has none). */
static int load_files(int vdfd, struct view *v)
{
	int fd = dup(vdfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t cap = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return error_errno("cannot list version %u", v->number);
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		struct file_view *f;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(vdfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;	/* gone meanwhile */
		if (v->nr_files == cap)
			v->files = xrealloc(v->files, (cap = cap ? cap * 2 : 16) * sizeof(*v->files));
		f = &v->files[v->nr_files++];
		f->name = xstrdup(de->d_name);
		f->size = st.st_size;
		f->sum = NULL;
		for (size_t i = 0; i < v->inv->n_files; i++)
			if (!strcmp(v->inv->files[i]->name, f->name))
				f->sum = v->inv->files[i];
	}
	closedir(d);
	if (v->nr_files)
		qsort(v->files, v->nr_files, sizeof(*v->files), cmp_file);
	return 0;
}

static int load(const struct show_opts *o, struct view *v)
{
	cleanup_close int store_fd = -1, vdfd = -1;

	v->store = o->dir;
	v->store_path = realpath(o->dir, NULL);
	store_fd = store_open(o->dir, false);
	if (store_fd < 0)
		return -1;
	vdfd = version_open(store_fd, o->version, false, &v->inv, &v->number);
	if (vdfd < 0)
		return -1;
	v->nr_versions = store_list(store_fd, &v->versions);
	if (v->nr_versions < 0)
		return -1;

	/* A mismatch is news to print, not the error of the command. */
	v->verified = version_check_files(vdfd, v->inv, VERIFY_ALL, v->verify_err,
					  sizeof(v->verify_err)) == 0;

	v->tree = img_read(vdfd, "pstree.img", IMG_PSTREE, &pstree__descriptor);
	if (!v->tree)
		return -1;
	v->procs = xzalloc((v->tree->n_tasks + 1) * sizeof(*v->procs));
	for (size_t i = 0; i < v->tree->n_tasks; i++) {
		if (load_proc(vdfd, v->tree->tasks[i], &v->procs[i]))
			return -1;
		v->nr_procs++;
	}
	/* Only for its FIFOs and deleted files: the rest shows without it. */
	if (!faccessat(vdfd, "shared.img", F_OK, 0)) {
		v->shared = img_read(vdfd, "shared.img", IMG_SHARED, &shared_entry__descriptor);
		if (!v->shared)
			clear_error();
	}
	return load_files(vdfd, v);
}

static void view_free(struct view *v)
{
	size_t n = v->tree ? v->tree->n_tasks : 0;

	for (size_t i = 0; i < n && v->procs; i++) {
		struct proc_view *p = &v->procs[i];

		if (p->core)
			task_core__free_unpacked(p->core, NULL);
		if (p->mm)
			mm_entry__free_unpacked(p->mm, NULL);
		if (p->files)
			files_entry__free_unpacked(p->files, NULL);
		free(p->saved);
	}
	free(v->procs);
	if (v->tree)
		pstree__free_unpacked(v->tree, NULL);
	if (v->shared)
		shared_entry__free_unpacked(v->shared, NULL);
	for (size_t i = 0; i < v->nr_files; i++)
		free(v->files[i].name);
	free(v->files);
	if (v->inv)
		inventory__free_unpacked(v->inv, NULL);
	free(v->versions);
	free(v->store_path);
}

/* ---- names for numbers -------------------------------------------------- */

/* A few short-lived buffers, so that several names can be formatted for one
 * printf; none lives past the next 16 calls. */
static char *tmpbuf(void)
{
	static char bufs[16][256];
	static unsigned next;

	return bufs[next++ % ARRAY_SIZE(bufs)];
}

/*
 * Names from the image for a terminal: a newline in a path must not break a
 * table, nor an escape sequence reach the terminal.  Control characters and
 * bytes that are not UTF-8 come out as \n, \t or \xNN (and \ as \\).  Eight buffers of
 * any size, reused in turn, like tmpbuf().
 */
static const char *safe(const char *str)
{
	static char *bufs[8];
	static size_t caps[8];
	static unsigned next;
	unsigned k = next++ % ARRAY_SIZE(bufs);
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), len = 0;
	char *out;

	if (caps[k] < 4 * n + 1)
		bufs[k] = xrealloc(bufs[k], caps[k] = 4 * n + 1);
	out = bufs[k];
	while (n) {
		size_t seq = utf8_seq(s, n);

		if (seq && *s >= 0x20 && *s != 0x7f && *s != '\\') {
			memcpy(out + len, s, seq);
			len += seq;
		} else {
			seq = 1;
			len += sprintf(out + len, *s == '\n' ? "\\n" : *s == '\t' ? "\\t" :
				       *s == '\\' ? "\\\\" : "\\x%02x", *s);
		}
		s += seq;
		n -= seq;
	}
	out[len] = 0;
	return out;
}

/* One line of a table, without the spaces that padding left at its end. */
static void __attribute__((format(printf, 2, 3))) row(FILE *f, const char *fmt, ...)
{
	static char line[16384];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line))
		len = sizeof(line) - 1;
	while (len && line[len - 1] == ' ')
		len--;
	fprintf(f, "%.*s\n", len, line);
}

static const char *fmt_size(uint64_t b)
{
	char *s = tmpbuf();

	if (b < 1024)
		snprintf(s, 256, "%" PRIu64 " B", b);
	else if (b < (1 << 20))
		snprintf(s, 256, "%.1f KiB", b / 1024.0);
	else if (b < (1ULL << 30))
		snprintf(s, 256, "%.1f MiB", b / (1024.0 * 1024));
	else
		snprintf(s, 256, "%.2f GiB", b / (1024.0 * 1024 * 1024));
	return s;
}

static const char *fmt_octal(unsigned v, int width)
{
	char *s = tmpbuf();

	snprintf(s, 256, "%0*o", width, v);
	return s;
}

static const char *sig_name(int sig)
{
	const char *abbrev = sig > 0 && sig < 32 ? sigabbrev_np(sig) : NULL;
	char *s = tmpbuf();

	/* Signals 32 and up are real-time ones, numbered as the kernel does
	 * (glibc's SIGRTMIN is 34: it keeps two for itself). */
	if (abbrev)
		snprintf(s, 256, "SIG%s", abbrev);
	else
		snprintf(s, 256, "SIG%d", sig);
	return s;
}

struct flag_name {
	uint64_t bit;
	const char *name;
};

/* Names of the bits of v joined by sep; leftover bits in hex. */
static const char *flag_names(uint64_t v, const struct flag_name *t, size_t n, const char *sep)
{
	char *s = tmpbuf();
	size_t len = 0;

	s[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(v & t[i].bit))
			continue;
		len += snprintf(s + len, len < 256 ? 256 - len : 0, "%s%s", len ? sep : "", t[i].name);
		v &= ~t[i].bit;
	}
	if (v)
		len += snprintf(s + len, len < 256 ? 256 - len : 0, "%s0x%" PRIx64, len ? sep : "", v);
	return s;
}

/* open(2) flags as fdinfo shows them, with the x86-64 kernel's values:
 * glibc defines O_LARGEFILE as 0 on 64-bit, yet fdinfo shows the bit. */
static const char *open_flags(unsigned flags)
{
	static const struct flag_name t[] = {
		{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 010000, "O_DSYNC" },
		{ 020000, "O_ASYNC" }, { 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
		{ 0200000, "O_DIRECTORY" }, { 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
		{ 02000000, "O_CLOEXEC" }, { 04000000, "O_SYNC" }, { 010000000, "O_PATH" },
		{ 020000000, "O_TMPFILE" },
	};
	static const char *acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	const char *rest = flag_names(flags & ~3u, t, ARRAY_SIZE(t), "|");
	char *s = tmpbuf();

	snprintf(s, 256, "%s%s%s", acc[flags & 3], *rest ? "|" : "", rest);
	return s;
}

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

static const char *sa_flags(uint64_t flags)
{
	static const struct flag_name t[] = {
		{ SA_NOCLDSTOP, "SA_NOCLDSTOP" }, { SA_NOCLDWAIT, "SA_NOCLDWAIT" },
		{ SA_SIGINFO, "SA_SIGINFO" }, { SA_RESTORER, "SA_RESTORER" },
		{ SA_ONSTACK, "SA_ONSTACK" }, { SA_RESTART, "SA_RESTART" },
		{ SA_NODEFER, "SA_NODEFER" }, { SA_RESETHAND, "SA_RESETHAND" },
	};

	return flag_names(flags, t, ARRAY_SIZE(t), "|");
}

/* Signal numbers of a mask (bit N-1 is signal N). */
static const char *sig_set(uint64_t mask)
{
	char *s = tmpbuf();
	size_t len = 0;

	s[0] = 0;
	if (__builtin_popcountll(mask) > 8) {
		snprintf(s, 256, "%d signals", __builtin_popcountll(mask));
		return s;
	}
	for (int sig = 1; sig <= 64; sig++)
		if (mask & (1ULL << (sig - 1)))
			len += snprintf(s + len, 256 - len, "%s%s", len ? " " : "", sig_name(sig));
	return s;
}

static const char *sig_handler(uint64_t h)
{
	char *s;

	if (h == (uint64_t)(uintptr_t)SIG_DFL)
		return "SIG_DFL";
	if (h == (uint64_t)(uintptr_t)SIG_IGN)
		return "SIG_IGN";
	s = tmpbuf();
	snprintf(s, 256, "0x%" PRIx64, h);
	return s;
}

static const char *sched_policy(int policy)
{
	static const char *names[] = { "other", "fifo", "rr", "batch", NULL, "idle",
				       "deadline", "ext" };
	int p = policy & ~0x40000000;	/* SCHED_RESET_ON_FORK */
	char *s = tmpbuf();

	snprintf(s, 256, "%s%s", p >= 0 && p < (int)ARRAY_SIZE(names) && names[p] ? names[p] : "?",
		 policy & 0x40000000 ? "|reset-on-fork" : "");
	return s;
}

static const char *clock_name(int clock)
{
	static const char *names[] = {
		"REALTIME", "MONOTONIC", "PROCESS_CPUTIME", "THREAD_CPUTIME", "MONOTONIC_RAW",
		"REALTIME_COARSE", "MONOTONIC_COARSE", "BOOTTIME", "REALTIME_ALARM",
		"BOOTTIME_ALARM", NULL, "TAI",
	};
	char *s;

	if (clock >= 0 && clock < (int)ARRAY_SIZE(names) && names[clock])
		return names[clock];
	s = tmpbuf();
	snprintf(s, 256, "clock %d", clock);
	return s;
}

static const char *notify_name(int notify)
{
	static const char *names[] = { "signal", "none", "thread" };
	int how = notify & ~SIGEV_THREAD_ID;
	char *s = tmpbuf();

	snprintf(s, 256, "%s%s", how >= 0 && how < 3 ? names[how] : "?",
		 notify & SIGEV_THREAD_ID ? " to thread" : "");
	return s;
}

static const struct {
	const char *name;
	bool bytes;
} rlimits[] = {
	[RLIMIT_CPU] = { "cpu", false },	[RLIMIT_FSIZE] = { "fsize", true },
	[RLIMIT_DATA] = { "data", true },	[RLIMIT_STACK] = { "stack", true },
	[RLIMIT_CORE] = { "core", true },	[RLIMIT_RSS] = { "rss", true },
	[RLIMIT_NPROC] = { "nproc", false },	[RLIMIT_NOFILE] = { "nofile", false },
	[RLIMIT_MEMLOCK] = { "memlock", true },	[RLIMIT_AS] = { "as", true },
	[RLIMIT_LOCKS] = { "locks", false },	[RLIMIT_SIGPENDING] = { "sigpending", false },
	[RLIMIT_MSGQUEUE] = { "msgqueue", true }, [RLIMIT_NICE] = { "nice", false },
	[RLIMIT_RTPRIO] = { "rtprio", false },	[RLIMIT_RTTIME] = { "rttime", false },
};

static const char *rlimit_name(unsigned res)
{
	char *s;

	if (res < ARRAY_SIZE(rlimits) && rlimits[res].name)
		return rlimits[res].name;
	s = tmpbuf();
	snprintf(s, 256, "rlimit %u", res);
	return s;
}

static bool rlimit_infinite(const RlimitEntry *r)
{
	return r->cur == (uint64_t)RLIM_INFINITY && r->max == (uint64_t)RLIM_INFINITY;
}

static const char *rlimit_value(unsigned res, uint64_t v)
{
	char *s;

	if (v == (uint64_t)RLIM_INFINITY)
		return "unlimited";
	if (res < ARRAY_SIZE(rlimits) && rlimits[res].bytes)
		return fmt_size(v);
	s = tmpbuf();
	snprintf(s, 256, "%" PRIu64, v);
	return s;
}

static const char *vma_kind_name(unsigned kind)
{
	static const char *names[] = {
		[VMA_ANON_PRIVATE] = "anon", [VMA_FILE_PRIVATE] = "file",
		[VMA_FILE_SHARED] = "file-shared", [VMA_ANON_SHARED] = "anon-shared",
		[VMA_VVAR] = "vvar", [VMA_VVAR_VCLOCK] = "vvar_vclock", [VMA_VDSO] = "vdso",
		[VMA_SYSV_SHM] = "sysv-shm",
	};

	return kind < ARRAY_SIZE(names) && names[kind] ? names[kind] : "?";
}

/* The VmFlags codes of smaps that the image keeps (madv holds VMF_*). */
static const char *vm_flags(uint64_t madv)
{
	static const struct flag_name t[] = {
		{ VMF_GROWSDOWN, "gd" }, { VMF_NOHUGEPAGE, "nh" }, { VMF_HUGEPAGE, "hg" },
		{ VMF_DONTDUMP, "dd" }, { VMF_WIPEONFORK, "wf" }, { VMF_DONTCOPY, "dc" },
		{ VMF_MERGEABLE, "mg" }, { VMF_IO, "io" }, { VMF_PFNMAP, "pf" },
		{ VMF_LOCKED, "lo" }, { VMF_SEQ_READ, "sr" }, { VMF_RAND_READ, "rr" },
		{ VMF_MIXEDMAP, "mm" }, { VMF_SHARED, "sh" }, { VMF_HUGETLB, "ht" },
	};

	return flag_names(madv, t, ARRAY_SIZE(t), " ");
}

static const char *prot_str(unsigned prot, bool shared)
{
	char *s = tmpbuf();

	snprintf(s, 256, "%c%c%c%c", prot & PROT_READ ? 'r' : '-', prot & PROT_WRITE ? 'w' : '-',
		 prot & PROT_EXEC ? 'x' : '-', shared ? 's' : 'p');
	return s;
}

/* The kind of an fd, from the st_mode the dump saw. */
static const char *fd_kind(uint32_t mode)
{
	if (S_ISREG(mode))
		return "file";
	if (S_ISDIR(mode))
		return "dir";
	if (S_ISCHR(mode))
		return "chr";
	if (S_ISBLK(mode))
		return "blk";
	if (S_ISFIFO(mode))
		return "fifo";
	if (S_ISSOCK(mode))
		return "sock";
	return "?";
}

static const char *si_code_name(int code)
{
	switch (code) {
	case SI_USER:	 return "user";
	case SI_KERNEL:	 return "kernel";
	case SI_QUEUE:	 return "queue";
	case SI_TIMER:	 return "timer";
	case SI_MESGQ:	 return "mesgq";
	case SI_ASYNCIO: return "asyncio";
	case SI_SIGIO:	 return "sigio";
	case SI_TKILL:	 return "tkill";
	}
	return NULL;
}

static bool si_has_sender(int code)
{
	return code == SI_USER || code == SI_QUEUE || code == SI_TKILL;
}

/* "2025-01-31 12:00:00.123 +0100" or, for JSON, ISO 8601. */
static const char *fmt_time(uint64_t ns, bool iso)
{
	time_t t = ns / 1000000000ULL;
	char *s = tmpbuf(), zone[16];
	struct tm tm;
	size_t len;

	localtime_r(&t, &tm);
	len = strftime(s, 256, iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
	len += snprintf(s + len, 256 - len, ".%03u", (unsigned)(ns / 1000000 % 1000));
	strftime(zone, sizeof(zone), "%z", &tm);
	if (iso)
		snprintf(s + len, 256 - len, "%.3s:%s", zone, zone + 3);
	else
		snprintf(s + len, 256 - len, " %s", zone);
	return s;
}

static bool regs_of(const ThreadCore *tc, struct user_regs_struct *regs)
{
	if (tc->regs.len != sizeof(*regs))
		return false;
	memcpy(regs, tc->regs.data, sizeof(*regs));
	return true;
}

static bool siginfo_of(const SiginfoEntry *e, siginfo_t *si)
{
	if (e->raw.len != sizeof(*si))
		return false;
	memcpy(si, e->raw.data, sizeof(*si));
	return true;
}

/* A CPU mask as a list: "0-3,8". */
static const char *cpu_list(const uint8_t *mask, size_t len)
{
	char *s = tmpbuf();
	size_t n = 0;

	s[0] = 0;
	for (size_t c = 0; c < len * 8 && n < 200; c++) {
		size_t end = c;

		if (!(mask[c / 8] >> (c % 8) & 1))
			continue;
		while (end + 1 < len * 8 && mask[(end + 1) / 8] >> ((end + 1) % 8) & 1)
			end++;
		n += snprintf(s + n, 256 - n, end > c ? "%s%zu-%zu" : "%s%zu", n ? "," : "", c, end);
		c = end;
	}
	return n ? s : "none";
}

/* All the capabilities this kernel knows, as a mask. */
static uint64_t all_caps(void)
{
	int n = cap_max_bits();

	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* Calls fn for the name of every capability in set. */
static void cap_each(uint64_t set, void (*fn)(void *ctx, const char *name), void *ctx)
{
	for (int c = 0; c < 64; c++) {
		char *name;

		if (!(set & (1ULL << c)))
			continue;
		name = cap_to_name(c);
		fn(ctx, name ? name : "?");
		if (name)
			cap_free(name);
	}
}

/* ---- for people ------------------------------------------------------- */

#define KEY "%-*s "
#define KW 14		/* width of the keys */

static void print_header(const struct view *v, FILE *f)
{
	const Inventory *inv = v->inv;

	fprintf(f, KEY "%s", KW, "store", safe(v->store));
	if (v->store_path && strcmp(v->store_path, v->store))
		fprintf(f, " (%s)", safe(v->store_path));
	fprintf(f, "\n" KEY "%u", KW, "version", v->number);
	if (v->nr_versions > 0 && v->versions[v->nr_versions - 1] == v->number)
		fprintf(f, " (the newest)");
	fprintf(f, "\n" KEY, KW, "versions");
	for (int i = 0; i < v->nr_versions; i++)
		fprintf(f, "%s%u", i ? " " : "", v->versions[i]);
	fprintf(f, "\n");
	if (v->verified)
		fprintf(f, KEY "yes\n", KW, "verified");
	else
		fprintf(f, KEY "NO (%s)\n", KW, "verified", v->verify_err);
	fprintf(f, KEY "%s\n", KW, "made", fmt_time(inv->time_ns, false));
	fprintf(f, KEY "%s (image format %u)\n", KW, "ckpt version", safe(inv->ckpt_version),
		inv->format_version);
	fprintf(f, KEY "%s\n", KW, "kernel", safe(inv->kernel));
	fprintf(f, KEY "%s\n", KW, "arch", safe(inv->arch));
	fprintf(f, KEY "0x%" PRIx64 " (XSTATE of %u bytes per thread)\n", KW, "xfeatures",
		inv->xfeatures, inv->xsave_size);
	if (inv->has_freeze_ns)
		fprintf(f, KEY "%.1f ms%s\n", KW, "freeze time", inv->freeze_ns / 1e6,
			inv->copied_running ? " (the pages were copied while it ran on)" : "");
	if (inv->has_dump_ns)
		fprintf(f, KEY "%.1f ms\n", KW, "dump time", inv->dump_ns / 1e6);
	fprintf(f, KEY "%s\n", KW, "leave running", inv->leave_running ? "yes" : "no");
	fprintf(f, KEY "%s\n", KW, "command", inv->command ? safe(inv->command) : "(not recorded)");
	fprintf(f, KEY "%d\n", KW, "root pid", inv->root_pid);
	fprintf(f, KEY, KW, "plugins");
	for (size_t i = 0; i < inv->n_plugins; i++)
		fprintf(f, "%s%s", i ? " " : "", safe(inv->plugins[i]));
	fprintf(f, "%s\n", inv->n_plugins ? "" : "none");
	if (inv->has_parent_version)
		fprintf(f, KEY "incremental on version %u\n", KW, "parent", inv->parent_version);
	if (inv->n_needs) {
		fprintf(f, KEY, KW, "needs");
		for (size_t i = 0; i < inv->n_needs; i++)
			fprintf(f, "%s%u", i ? " " : "version ", inv->needs[i]);
		fprintf(f, " (their page images)\n");
	}
	if (inv->has_pages_bytes)
		fprintf(f, KEY "%.1f MiB stored here, %.1f MiB in earlier versions\n", KW, "pages",
			inv->pages_bytes / 1048576.0, inv->pages_earlier / 1048576.0);
}

static void print_tree(const struct view *v, FILE *f)
{
	fprintf(f, "\nprocess tree (%zu %s)\n", v->tree->n_tasks,
		v->tree->n_tasks == 1 ? "process" : "processes");
	row(f, "  %-8s %-8s %-8s %-8s %s", "PID", "PPID", "PGID", "SID", "THREADS");
	for (size_t i = 0; i < v->tree->n_tasks; i++) {
		const PstreeTask *t = v->tree->tasks[i];

		fprintf(f, "  %-8d %-8d %-8d %-8d", t->pid, t->ppid, t->pgid, t->sid);
		for (size_t k = 0; k < t->n_threads; k++)
			fprintf(f, " %d", t->threads[k]);
		fprintf(f, "\n");
	}
}

struct wrap {
	FILE *f;
	int col, indent;
};

/* Words in lines of at most 80 columns, continued under the first. */
static void wrap_word(void *ctx, const char *word)
{
	struct wrap *w = ctx;
	int len = strlen(word);

	if (w->col > w->indent && w->col + 1 + len > 80) {
		fprintf(w->f, "\n%*s", w->indent, "");
		w->col = w->indent;
	}
	if (w->col > w->indent) {
		fputc(' ', w->f);
		w->col++;
	}
	fputs(word, w->f);
	w->col += len;
}

static void print_creds(const CredsEntry *cr, FILE *f)
{
	static const char *set_names[] = { "cap inh", "cap prm", "cap eff", "cap bnd", "cap amb" };
	uint64_t sets[] = { cr->cap_inh, cr->cap_prm, cr->cap_eff, cr->cap_bnd, cr->cap_amb };

	fprintf(f, "  " KEY, KW, "uid");
	for (size_t i = 0; i < cr->n_uid; i++)
		fprintf(f, "%u ", cr->uid[i]);
	fprintf(f, "(real effective saved fs)\n  " KEY, KW, "gid");
	for (size_t i = 0; i < cr->n_gid; i++)
		fprintf(f, "%s%u", i ? " " : "", cr->gid[i]);
	fprintf(f, "\n  " KEY, KW, "groups");
	for (size_t i = 0; i < cr->n_groups; i++)
		fprintf(f, "%s%u", i ? " " : "", cr->groups[i]);
	fprintf(f, "%s\n", cr->n_groups ? "" : "none");
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		fprintf(f, "  " KEY "%016" PRIx64 "\n", KW, set_names[i], sets[i]);
	fprintf(f, "  " KEY, KW, "effective");
	if (!cr->cap_eff) {
		fprintf(f, "none\n");
	} else if ((cr->cap_eff & all_caps()) == all_caps()) {
		fprintf(f, "all %d capabilities\n", __builtin_popcountll(all_caps()));
	} else {
		struct wrap w = { f, KW + 3, KW + 3 };

		cap_each(cr->cap_eff, wrap_word, &w);
		fprintf(f, "\n");
	}
	fprintf(f, "  " KEY "0x%x\n", KW, "securebits", cr->securebits);
	fprintf(f, "  " KEY "%s\n", KW, "no_new_privs", cr->no_new_privs ? "yes" : "no");
}

static void print_rlimits(const TaskCore *c, FILE *f)
{
	size_t shown = 0;

	fprintf(f, "  rlimits (those not unlimited)\n");
	for (size_t i = 0; i < c->n_rlimits; i++) {
		const RlimitEntry *r = c->rlimits[i];

		if (rlimit_infinite(r))
			continue;
		fprintf(f, "    %-12s %s / %s\n", rlimit_name(r->resource),
			rlimit_value(r->resource, r->cur), rlimit_value(r->resource, r->max));
		shown++;
	}
	if (!shown)
		fprintf(f, "    none\n");
}

static void print_siginfos(SiginfoEntry **v, size_t n, int indent, FILE *f)
{
	fprintf(f, "%*s" KEY, indent, "", KW - indent + 2, "pending");
	if (!n)
		fprintf(f, "none");
	for (size_t i = 0; i < n; i++) {
		siginfo_t si;
		const char *code;

		if (!siginfo_of(v[i], &si)) {
			fprintf(f, "%s(bad record)", i ? ", " : "");
			continue;
		}
		code = si_code_name(si.si_code);
		fprintf(f, "%s%s (", i ? ", " : "", sig_name(si.si_signo));
		if (code)
			fprintf(f, "%s", code);
		else
			fprintf(f, "code %d", si.si_code);
		if (si_has_sender(si.si_code))
			fprintf(f, " from pid %d uid %u", si.si_pid, si.si_uid);
		fprintf(f, ")");
	}
	fprintf(f, "\n");
}

static void print_signals(const TaskCore *c, FILE *f)
{
	fprintf(f, "  sigactions (%zu not default)\n", c->n_sigactions);
	for (size_t i = 0; i < c->n_sigactions; i++) {
		const SigactionEntry *s = c->sigactions[i];

		char mask[32] = "";

		if (s->mask)
			snprintf(mask, sizeof(mask), " mask 0x%" PRIx64, s->mask);
		row(f, "    %-10s %-18s %s%s", sig_name(s->sig), sig_handler(s->handler),
		    sa_flags(s->flags), mask);
	}
	print_siginfos(c->shared_pending, c->n_shared_pending, 2, f);
}

static void print_timers(const TaskCore *c, FILE *f)
{
	static const char *which[] = { "real", "virtual", "prof" };
	size_t armed = 0;

	fprintf(f, "  " KEY, KW, "itimers");
	for (size_t i = 0; i < c->n_itimers && i < 3; i++) {
		const ItimerEntry *t = c->itimers[i];

		if (!t->value_us)
			continue;
		fprintf(f, "%s%s %.3f s, every %.3f s", armed++ ? "; " : "", which[i],
			t->value_us / 1e6, t->interval_us / 1e6);
	}
	fprintf(f, "%s\n", armed ? "" : "none armed");
	fprintf(f, "  posix timers (%zu)\n", c->n_timers);
	if (!c->n_timers)
		return;
	fprintf(f, "    %-5s %-16s %-16s %-8s %-12s %-12s %s\n", "ID", "CLOCK", "NOTIFY", "SIGNAL",
		"VALUE", "INTERVAL", "OVERRUN");
	for (size_t i = 0; i < c->n_timers; i++) {
		const PosixTimerEntry *t = c->timers[i];
		char value[32], interval[32];

		snprintf(value, sizeof(value), "%.3f s", t->value_ns / 1e9);
		snprintf(interval, sizeof(interval), "%.3f s", t->interval_ns / 1e9);
		fprintf(f, "    %-5d %-16s %-16s %-8s %-12s %-12s %d\n", t->id, clock_name(t->clockid),
			notify_name(t->notify), sig_name(t->signo), t->value_ns ? value : "disarmed",
			interval, t->overrun);
	}
}

static void print_threads(const TaskCore *c, FILE *f)
{
	fprintf(f, "  threads (%zu)\n", c->n_threads);
	for (size_t i = 0; i < c->n_threads; i++) {
		const ThreadCore *t = c->threads[i];
		struct user_regs_struct regs;

		fprintf(f, "    thread %d \"%s\"\n", t->tid, safe(t->comm));
		if (regs_of(t, &regs)) {
			fprintf(f, "      " KEY "0x%llx  rsp 0x%llx", KW - 4, "rip", regs.rip, regs.rsp);
			if ((long long)regs.orig_rax >= 0)
				fprintf(f, "  (in system call %lld)", (long long)regs.orig_rax);
			fprintf(f, "\n");
		} else {
			fprintf(f, "      " KEY "(bad register record)\n", KW - 4, "rip");
		}
		fprintf(f, "      " KEY "0x%" PRIx64 "%s%s%s\n", KW - 4, "sigmask", t->sigmask,
			t->sigmask ? " (" : "", t->sigmask ? sig_set(t->sigmask) : "",
			t->sigmask ? ")" : "");
		if (t->rseq_ptr)
			fprintf(f, "      " KEY "0x%" PRIx64 ", %u bytes, signature 0x%x\n", KW - 4,
				"rseq", t->rseq_ptr, t->rseq_len, t->rseq_sig);
		else
			fprintf(f, "      " KEY "none\n", KW - 4, "rseq");
		fprintf(f, "      " KEY "%s, priority %d, nice %d\n", KW - 4, "sched",
			sched_policy(t->sched_policy), t->sched_prio, t->nice);
		if (t->altstack_flags & SS_DISABLE)
			fprintf(f, "      " KEY "none\n", KW - 4, "altstack");
		else
			fprintf(f, "      " KEY "0x%" PRIx64 ", %s\n", KW - 4, "altstack",
				t->altstack_sp, fmt_size(t->altstack_size));
		if (t->has_affinity)
			fprintf(f, "      " KEY "%s\n", KW - 4, "cpus",
				cpu_list(t->affinity.data, t->affinity.len));
		print_siginfos(t->pending, t->n_pending, 6, f);
	}
}

static void print_memory(const struct proc_view *p, FILE *f)
{
	const MmEntry *mm = p->mm;

	fprintf(f, "  memory (%zu areas), %" PRIu64 " pages saved (%s)", mm->n_vmas,
		mm->pages_bytes / PAGE_SIZE, fmt_size(mm->pages_bytes));
	if (p->has_pages)
		fprintf(f, " in %s (%s)", p->pages_name, fmt_size(p->pages_size));
	else
		fprintf(f, ", but %s is missing", p->pages_name);
	if (mm->pages_inherited)
		fprintf(f, ", and %" PRIu64 " pages (%s) shared with an ancestor since a fork, "
			"in its image", mm->pages_inherited / PAGE_SIZE, fmt_size(mm->pages_inherited));
	fprintf(f, "\n");
	row(f, "    %-12s %-12s %-4s %-11s %10s %10s  %-8s %s", "START", "END", "PROT", "KIND",
	    "SIZE", "SAVED", "VMFLAGS", "PATH");
	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		row(f, "    %012" PRIx64 " %012" PRIx64 " %-4s %-11s %10s %10s  %-8s %s",
		    e->start, e->end, prot_str(e->prot, e->flags & MAP_SHARED),
		    vma_kind_name(e->kind), fmt_size(e->end - e->start),
		    p->saved[i] ? fmt_size(p->saved[i]) : "-", vm_flags(e->madv),
		    e->path ? safe(e->path) : "");
	}
	if (p->unplaced)
		fprintf(f, "    (%s of saved pages lie outside every area)\n", fmt_size(p->unplaced));
}

/* "flock write", "POSIX read 100-EOF", "OFD write 0-4". */
static const char *lock_name(const FileLock *l)
{
	static const char *types[] = { "?", "flock", "POSIX", "OFD" };
	char *s = tmpbuf();
	int n = snprintf(s, 256, "%s %s", types[l->type <= FILE_LOCK_OFD ? l->type : 0],
			 l->write ? "write" : "read");

	if (l->type == FILE_LOCK_FLOCK)
		return s;
	if (l->len)
		snprintf(s + n, 256 - n, " %" PRIu64 "-%" PRIu64, l->start, l->start + l->len - 1);
	else
		snprintf(s + n, 256 - n, " %" PRIu64 "-EOF", l->start);
	return s;
}

/* What the path-based kinds (files-reg.c) add to an fd's line. */
static const char *path_fd_note(const FdEntry *e)
{
	char *s = tmpbuf();

	size_t n = 0;

	s[0] = 0;
	if (e->kind == FD_DELETED)
		n += snprintf(s, 256, " (deleted; %s, saved in deleted-%u.img)",
			      fmt_size(e->has_size ? e->size : 0), e->deleted_id);
	if (e->kind == FD_FIFO)
		n += snprintf(s, 256, " (FIFO %u of shared.img)", e->fifo_id);
	for (size_t i = 0; i < e->n_locks && n < 256; i++)
		n += snprintf(s + n, 256 - n, " [%s]", lock_name(e->locks[i]));
	return s;
}

static void print_fds(const FilesEntry *files, FILE *f)
{
	fprintf(f, "  fds (%zu)\n", files->n_fds);
	if (!files->n_fds)
		return;
	fprintf(f, "    %-5s %-5s %10s  %-32s %s\n", "FD", "KIND", "OFFSET", "FLAGS", "PATH");
	for (size_t i = 0; i < files->n_fds; i++) {
		const FdEntry *e = files->fds[i];

		char dup[48] = "";

		if (e->has_dup_of)
			snprintf(dup, sizeof(dup), " (same open file as fd %d)", e->dup_of);
		row(f, "    %-5d %-5s %10" PRIu64 "  %-32s %s%s%s", e->fd, fd_kind(e->mode), e->pos,
		    open_flags(e->flags), safe(e->path), dup, path_fd_note(e));
	}
}

static void print_proc(const struct proc_view *p, FILE *f)
{
	const TaskCore *c = p->core;

	if (p->pt->zombie) {
		fprintf(f, "\nprocess %d: a zombie (exit status %#x), not yet reaped by %d\n",
			p->pt->pid, p->pt->exit_status, p->pt->ppid);
		return;
	}
	const MmFields *mm = c->mm;

	fprintf(f, "\nprocess %d \"%s\"\n", c->pid, safe(c->comm));
	fprintf(f, "  " KEY "%s\n", KW, "exe", safe(mm->exe));
	print_creds(c->creds, f);
	fprintf(f, "  " KEY "%s\n", KW, "cwd", safe(c->cwd));
	fprintf(f, "  " KEY "%s\n", KW, "root", safe(c->root));
	fprintf(f, "  " KEY "%04o\n", KW, "umask", c->umask);
	fprintf(f, "  " KEY "0x%x\n", KW, "personality", c->personality);
	fprintf(f, "  " KEY "%s\n", KW, "exit signal", c->exit_signal ? sig_name(c->exit_signal) :
		"none");
	fprintf(f, "  " KEY "%s\n", KW, "pdeath signal", c->pdeath_sig ? sig_name(c->pdeath_sig) :
		"none");
	fprintf(f, "  " KEY "%u\n", KW, "dumpable", c->dumpable);
	if (c->child_subreaper)
		fprintf(f, "  " KEY "yes (orphans below it come to it)\n", KW, "subreaper");
	fprintf(f, "  " KEY "0x%" PRIx64 "-0x%" PRIx64 ", data 0x%" PRIx64 "-0x%" PRIx64 "\n", KW,
		"code", mm->start_code, mm->end_code, mm->start_data, mm->end_data);
	fprintf(f, "  " KEY "0x%" PRIx64 "-0x%" PRIx64 " (%s)\n", KW, "brk", mm->start_brk, mm->brk,
		fmt_size(mm->brk - mm->start_brk));
	fprintf(f, "  " KEY "0x%" PRIx64 ", args 0x%" PRIx64 "-0x%" PRIx64 ", env 0x%" PRIx64 "-0x%"
		PRIx64 ", auxv %zu bytes\n", KW, "stack", mm->start_stack, mm->arg_start,
		mm->arg_end, mm->env_start, mm->env_end, mm->auxv.len);
	print_rlimits(c, f);
	print_signals(c, f);
	print_timers(c, f);
	print_threads(c, f);
	print_memory(p, f);
	print_fds(p->files, f);
}

static void print_files(const struct view *v, FILE *f)
{
	uint64_t total = 0;

	for (size_t i = 0; i < v->nr_files; i++)
		total += v->files[i].size;
	fprintf(f, "\nfiles of version %u (%zu, %s)\n", v->number, v->nr_files, fmt_size(total));
	fprintf(f, "  %-24s %10s  %s\n", "NAME", "SIZE", "XXH3");
	for (size_t i = 0; i < v->nr_files; i++) {
		const struct file_view *fv = &v->files[i];

		fprintf(f, "  %-24s %10s  ", safe(fv->name), fmt_size(fv->size));
		if (fv->sum)
			fprintf(f, "%016" PRIx64 "%s\n", fv->sum->xxh3,
				fv->sum->size != fv->size ? " (the inventory says another size)" : "");
		else if (!strcmp(fv->name, "inventory.img"))
			fprintf(f, "(holds the checksums of the others)\n");
		else
			fprintf(f, "(not in the inventory)\n");
	}
	/* Files the inventory names but the directory lacks. */
	for (size_t i = 0; i < v->inv->n_files; i++) {
		bool found = false;

		for (size_t k = 0; k < v->nr_files && !found; k++)
			found = v->files[k].sum == v->inv->files[i];
		if (!found)
			fprintf(f, "  %-24s %10s  missing\n", safe(v->inv->files[i]->name), "-");
	}
}

/* The FIFOs and deleted files of shared.img (files-reg.c's objects). */
static void print_shared_paths(const SharedEntry *sh, FILE *f)
{
	if (!sh || (!sh->n_fifos && !sh->n_deleted))
		return;
	if (sh->n_fifos) {
		fprintf(f, "\nFIFOs (%zu)\n    %-4s %10s %10s  %s\n", sh->n_fifos, "ID", "SIZE",
			"UNREAD", "PATH");
		for (size_t i = 0; i < sh->n_fifos; i++) {
			const FifoEntry *fe = sh->fifos[i];

			row(f, "    %-4u %10s %10s  %s", fe->id, fmt_size(fe->pipe->size),
			    fmt_size(fe->pipe->data.len), safe(fe->path));
		}
	}
	if (sh->n_deleted) {
		fprintf(f, "\ndeleted files (%zu)\n    %-4s %-6s %10s %10s  %s\n", sh->n_deleted,
			"ID", "MODE", "SIZE", "SAVED", "PATH");
		for (size_t i = 0; i < sh->n_deleted; i++) {
			const DeletedFile *df = sh->deleted[i];
			uint64_t saved = 0;

			for (size_t k = 0; k < df->n_runs; k++)
				saved += df->runs[k]->nr * PAGE_SIZE;
			row(f, "    %-4u %-6s %10s %10s  %s (in deleted-%u.img)", df->id,
			    fmt_octal(df->mode & 07777, 4), fmt_size(df->size), fmt_size(saved),
			    safe(df->path), df->id);
		}
	}
}

static void print_human(const struct view *v, FILE *f)
{
	print_header(v, f);
	print_tree(v, f);
	for (size_t i = 0; i < v->nr_procs; i++)
		print_proc(&v->procs[i], f);
	print_shared_paths(v->shared, f);
	print_files(v, f);
}

/* ---- for programs ----------------------------------------------------- */

static void json_cap_name(void *ctx, const char *name)
{
	json_str(ctx, NULL, name);
}

static void json_siginfos(struct json *j, const char *key, SiginfoEntry **v, size_t n)
{
	json_arr(j, key);
	for (size_t i = 0; i < n; i++) {
		siginfo_t si;

		json_obj(j, NULL);
		if (siginfo_of(v[i], &si)) {
			json_str(j, "signal", sig_name(si.si_signo));
			json_int(j, "number", si.si_signo);
			json_int(j, "code", si.si_code);
			json_str(j, "code_name", si_code_name(si.si_code));
			if (si_has_sender(si.si_code)) {
				json_int(j, "from_pid", si.si_pid);
				json_uint(j, "from_uid", si.si_uid);
			}
		} else {
			json_str(j, "error", "bad record");
		}
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void json_u32s(struct json *j, const char *key, const uint32_t *v, size_t n)
{
	json_arr(j, key);
	for (size_t i = 0; i < n; i++)
		json_uint(j, NULL, v[i]);
	json_end_arr(j);
}

static void json_creds(struct json *j, const CredsEntry *cr)
{
	json_obj(j, "creds");
	json_u32s(j, "uid", cr->uid, cr->n_uid);
	json_u32s(j, "gid", cr->gid, cr->n_gid);
	json_u32s(j, "groups", cr->groups, cr->n_groups);
	json_hex(j, "cap_inh", cr->cap_inh);
	json_hex(j, "cap_prm", cr->cap_prm);
	json_hex(j, "cap_eff", cr->cap_eff);
	json_hex(j, "cap_bnd", cr->cap_bnd);
	json_hex(j, "cap_amb", cr->cap_amb);
	json_arr(j, "cap_eff_names");
	cap_each(cr->cap_eff, json_cap_name, j);
	json_end_arr(j);
	json_hex(j, "securebits", cr->securebits);
	json_bool(j, "no_new_privs", cr->no_new_privs);
	json_end_obj(j);
}

static void json_rlimit_value(struct json *j, const char *key, uint64_t v)
{
	if (v == (uint64_t)RLIM_INFINITY)
		json_null(j, key);
	else
		json_uint(j, key, v);
}

static void json_signals(struct json *j, const TaskCore *c)
{
	json_arr(j, "sigactions");
	for (size_t i = 0; i < c->n_sigactions; i++) {
		const SigactionEntry *s = c->sigactions[i];

		json_obj(j, NULL);
		json_str(j, "signal", sig_name(s->sig));
		json_uint(j, "number", s->sig);
		json_str(j, "handler", sig_handler(s->handler));
		json_hex(j, "flags", s->flags);
		json_str(j, "flag_names", sa_flags(s->flags));
		json_hex(j, "restorer", s->restorer);
		json_hex(j, "mask", s->mask);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_siginfos(j, "pending", c->shared_pending, c->n_shared_pending);
}

static void json_timers(struct json *j, const TaskCore *c)
{
	static const char *which[] = { "real", "virtual", "prof" };

	json_arr(j, "itimers");
	for (size_t i = 0; i < c->n_itimers && i < 3; i++) {
		json_obj(j, NULL);
		json_str(j, "which", which[i]);
		json_uint(j, "value_us", c->itimers[i]->value_us);
		json_uint(j, "interval_us", c->itimers[i]->interval_us);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_arr(j, "posix_timers");
	for (size_t i = 0; i < c->n_timers; i++) {
		const PosixTimerEntry *t = c->timers[i];

		json_obj(j, NULL);
		json_int(j, "id", t->id);
		json_str(j, "clock", clock_name(t->clockid));
		json_int(j, "clockid", t->clockid);
		json_str(j, "notify", notify_name(t->notify));
		json_int(j, "notify_tid", t->notify_tid);
		json_str(j, "signal", sig_name(t->signo));
		json_hex(j, "sival", t->sival);
		json_uint(j, "value_ns", t->value_ns);
		json_uint(j, "interval_ns", t->interval_ns);
		json_int(j, "overrun", t->overrun);
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void json_threads(struct json *j, const TaskCore *c)
{
	json_arr(j, "threads");
	for (size_t i = 0; i < c->n_threads; i++) {
		const ThreadCore *t = c->threads[i];
		struct user_regs_struct regs;

		json_obj(j, NULL);
		json_int(j, "tid", t->tid);
		json_str(j, "comm", t->comm);
		if (regs_of(t, &regs)) {
			json_hex(j, "rip", regs.rip);
			json_hex(j, "rsp", regs.rsp);
			if ((long long)regs.orig_rax >= 0)
				json_int(j, "syscall", regs.orig_rax);
			else
				json_null(j, "syscall");
		} else {
			json_null(j, "rip");
			json_null(j, "rsp");
			json_null(j, "syscall");
		}
		json_uint(j, "xstate_bytes", t->xstate.len);
		json_hex(j, "sigmask", t->sigmask);
		json_obj(j, "rseq");
		json_hex(j, "ptr", t->rseq_ptr);
		json_uint(j, "len", t->rseq_len);
		json_hex(j, "sig", t->rseq_sig);
		json_end_obj(j);
		json_obj(j, "sched");
		json_str(j, "policy", sched_policy(t->sched_policy));
		json_int(j, "priority", t->sched_prio);
		json_int(j, "nice", t->nice);
		json_end_obj(j);
		json_obj(j, "altstack");
		json_hex(j, "sp", t->altstack_sp);
		json_uint(j, "size", t->altstack_size);
		json_hex(j, "flags", (uint32_t)t->altstack_flags);
		json_end_obj(j);
		json_hex(j, "clear_tid_addr", t->clear_tid_addr);
		json_hex(j, "robust_list", t->robust_list);
		if (t->has_affinity)
			json_str(j, "cpus", cpu_list(t->affinity.data, t->affinity.len));
		else
			json_null(j, "cpus");
		json_siginfos(j, "pending", t->pending, t->n_pending);
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void json_memory(struct json *j, const struct proc_view *p)
{
	const MmEntry *mm = p->mm;
	const MmFields *f = p->core->mm;

	json_obj(j, "mm");
	json_hex(j, "start_code", f->start_code);
	json_hex(j, "end_code", f->end_code);
	json_hex(j, "start_data", f->start_data);
	json_hex(j, "end_data", f->end_data);
	json_hex(j, "start_brk", f->start_brk);
	json_hex(j, "brk", f->brk);
	json_hex(j, "start_stack", f->start_stack);
	json_hex(j, "arg_start", f->arg_start);
	json_hex(j, "arg_end", f->arg_end);
	json_hex(j, "env_start", f->env_start);
	json_hex(j, "env_end", f->env_end);
	json_uint(j, "auxv_bytes", f->auxv.len);
	json_end_obj(j);

	json_obj(j, "memory");
	json_uint(j, "pages_saved", mm->pages_bytes / PAGE_SIZE);
	json_uint(j, "bytes_saved", mm->pages_bytes);
	json_uint(j, "bytes_in_ancestors", mm->pages_inherited);
	json_str(j, "pages_file", p->pages_name);
	if (p->has_pages)
		json_uint(j, "pages_file_size", p->pages_size);
	else
		json_null(j, "pages_file_size");
	json_uint(j, "runs", mm->n_pages);
	json_uint(j, "bytes_outside_areas", p->unplaced);
	json_arr(j, "areas");
	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		json_obj(j, NULL);
		json_hex(j, "start", e->start);
		json_hex(j, "end", e->end);
		json_str(j, "prot", prot_str(e->prot, e->flags & MAP_SHARED));
		json_bool(j, "shared", e->flags & MAP_SHARED);
		json_str(j, "kind", vma_kind_name(e->kind));
		json_str(j, "path", e->path);
		json_hex(j, "pgoff", e->pgoff);
		json_uint(j, "size", e->end - e->start);
		json_uint(j, "saved", p->saved[i]);
		json_str(j, "vmflags", vm_flags(e->madv));
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

/* The fields of the path-based kinds (files-reg.c). */
static void json_path_fd(struct json *j, const FdEntry *e)
{
	if (e->kind == FD_DELETED) {
		json_bool(j, "deleted", true);
		json_uint(j, "deleted_id", e->deleted_id);
	}
	if (e->kind == FD_FIFO)
		json_uint(j, "fifo_id", e->fifo_id);
	if (!e->n_locks)
		return;
	json_arr(j, "locks");
	for (size_t i = 0; i < e->n_locks; i++)
		json_str(j, NULL, lock_name(e->locks[i]));
	json_end_arr(j);
}

static void json_fds(struct json *j, const FilesEntry *files)
{
	json_arr(j, "fds");
	for (size_t i = 0; i < files->n_fds; i++) {
		const FdEntry *e = files->fds[i];

		json_obj(j, NULL);
		json_int(j, "fd", e->fd);
		json_str(j, "kind", fd_kind(e->mode));
		json_str(j, "path", e->path);
		json_str(j, "flags", open_flags(e->flags));
		json_uint(j, "offset", e->pos);
		json_str(j, "mode", fmt_octal(e->mode, 6));
		if (e->has_size)
			json_uint(j, "size", e->size);
		if (e->has_dup_of)
			json_int(j, "dup_of", e->dup_of);
		else
			json_null(j, "dup_of");
		json_path_fd(j, e);
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void json_proc(struct json *j, const struct proc_view *p)
{
	const TaskCore *c = p->core;

	json_obj(j, NULL);
	if (p->pt->zombie) {
		json_int(j, "pid", p->pt->pid);
		json_bool(j, "zombie", true);
		json_int(j, "exit_status", p->pt->exit_status);
		json_end_obj(j);
		return;
	}
	json_int(j, "pid", c->pid);
	json_str(j, "comm", c->comm);
	json_str(j, "exe", c->mm->exe);
	json_creds(j, c->creds);
	json_arr(j, "rlimits");
	for (size_t i = 0; i < c->n_rlimits; i++) {
		const RlimitEntry *r = c->rlimits[i];

		if (rlimit_infinite(r))
			continue;
		json_obj(j, NULL);
		json_str(j, "resource", rlimit_name(r->resource));
		json_rlimit_value(j, "cur", r->cur);
		json_rlimit_value(j, "max", r->max);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_str(j, "cwd", c->cwd);
	json_str(j, "root", c->root);
	json_str(j, "umask", fmt_octal(c->umask, 4));
	json_hex(j, "personality", c->personality);
	json_int(j, "exit_signal", c->exit_signal);
	json_int(j, "pdeath_signal", c->pdeath_sig);
	json_uint(j, "dumpable", c->dumpable);
	json_bool(j, "child_subreaper", c->child_subreaper);
	json_signals(j, c);
	json_timers(j, c);
	json_threads(j, c);
	json_memory(j, p);
	json_fds(j, p->files);
	json_end_obj(j);
}

/* An object of a shared list: its id and path, the rest to follow. */
static void json_id_path(struct json *j, unsigned id, const char *path)
{
	json_obj(j, NULL);
	json_uint(j, "id", id);
	json_str(j, "path", path);
}

static void json_shared_paths(struct json *j, const SharedEntry *sh)
{
	json_arr(j, "fifos");
	for (size_t i = 0; sh && i < sh->n_fifos; i++) {
		const FifoEntry *fe = sh->fifos[i];

		json_id_path(j, fe->id, fe->path);
		json_uint(j, "size", fe->pipe->size);
		json_uint(j, "unread", fe->pipe->data.len);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_arr(j, "deleted_files");
	for (size_t i = 0; sh && i < sh->n_deleted; i++) {
		const DeletedFile *df = sh->deleted[i];

		json_id_path(j, df->id, df->path);
		json_str(j, "mode", fmt_octal(df->mode, 6));
		json_uint(j, "uid", df->uid);
		json_uint(j, "gid", df->gid);
		json_uint(j, "size", df->size);
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void print_json(const struct view *v, FILE *f)
{
	const Inventory *inv = v->inv;
	struct json *j = json_new(f);

	json_obj(j, NULL);
	json_str(j, "store", v->store);
	json_str(j, "store_path", v->store_path);
	json_uint(j, "version", v->number);
	json_arr(j, "versions");
	for (int i = 0; i < v->nr_versions; i++)
		json_uint(j, NULL, v->versions[i]);
	json_end_arr(j);
	json_bool(j, "verified", v->verified);
	json_str(j, "verify_error", v->verified ? NULL : v->verify_err);
	json_uint(j, "time_ns", inv->time_ns);
	json_str(j, "time", fmt_time(inv->time_ns, true));
	json_uint(j, "format_version", inv->format_version);
	json_str(j, "ckpt_version", inv->ckpt_version);
	json_str(j, "kernel", inv->kernel);
	json_str(j, "arch", inv->arch);
	json_hex(j, "xfeatures", inv->xfeatures);
	json_uint(j, "xsave_size", inv->xsave_size);
	if (inv->has_freeze_ns)
		json_double(j, "freeze_ms", inv->freeze_ns / 1e6);
	else
		json_null(j, "freeze_ms");
	json_bool(j, "copied_running", inv->copied_running);
	if (inv->has_dump_ns)
		json_double(j, "dump_ms", inv->dump_ns / 1e6);
	else
		json_null(j, "dump_ms");
	json_bool(j, "leave_running", inv->leave_running);
	json_str(j, "command", inv->command);
	json_int(j, "root_pid", inv->root_pid);
	json_arr(j, "plugins");
	for (size_t i = 0; i < inv->n_plugins; i++)
		json_str(j, NULL, inv->plugins[i]);
	json_end_arr(j);
	if (inv->has_parent_version)
		json_uint(j, "parent_version", inv->parent_version);
	else
		json_null(j, "parent_version");
	json_arr(j, "needs");
	for (size_t i = 0; i < inv->n_needs; i++)
		json_uint(j, NULL, inv->needs[i]);
	json_end_arr(j);
	if (inv->has_pages_bytes) {
		json_uint(j, "pages_bytes", inv->pages_bytes);
		json_uint(j, "pages_earlier_bytes", inv->pages_earlier);
	}

	json_arr(j, "pstree");
	for (size_t i = 0; i < v->tree->n_tasks; i++) {
		const PstreeTask *t = v->tree->tasks[i];

		json_obj(j, NULL);
		json_int(j, "pid", t->pid);
		json_int(j, "ppid", t->ppid);
		json_int(j, "pgid", t->pgid);
		json_int(j, "sid", t->sid);
		json_arr(j, "threads");
		for (size_t k = 0; k < t->n_threads; k++)
			json_int(j, NULL, t->threads[k]);
		json_end_arr(j);
		json_end_obj(j);
	}
	json_end_arr(j);

	json_arr(j, "processes");
	for (size_t i = 0; i < v->nr_procs; i++)
		json_proc(j, &v->procs[i]);
	json_end_arr(j);
	json_shared_paths(j, v->shared);

	json_arr(j, "files");
	for (size_t i = 0; i < v->nr_files; i++) {
		const struct file_view *fv = &v->files[i];

		json_obj(j, NULL);
		json_str(j, "name", fv->name);
		json_uint(j, "size", fv->size);
		json_bool(j, "in_inventory", fv->sum);
		if (fv->sum)
			json_hex(j, "xxh3", fv->sum->xxh3);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
	json_free(j);
}

int show(const struct show_opts *o)
{
	struct view v = { 0 };
	int ret = EXIT_OK;

	if (load(o, &v)) {
		ret = EXIT_STORE;
	} else {
		if (o->json)
			print_json(&v, stdout);
		else
			print_human(&v, stdout);
		if (fflush(stdout) || ferror(stdout)) {
			error_errno("cannot write the listing");
			ret = EXIT_FAILED;
		}
	}
	view_free(&v);
	return ret;
}
