#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "image.h"
#include "log.h"
#include "mm.h"
#include "page-writer.h"
#include "pagecomp.h"
#include "pagemap.h"
#include "proc.h"
#include "store.h"
#include "track.h"
#include "util.h"

static int vma_kind(pid_t pid, const struct proc_vma *v, unsigned *kind)
{
	const char *p = v->path;

	if (p && p[0] != '[' && (v->vmflags & (VMF_IO | VMF_PFNMAP | VMF_MIXEDMAP)))
		return error("pid %d: memory area %#lx-%#lx (%s) maps a device, which ckpt "
			     "cannot carry yet", pid, (unsigned long)v->start,
			     (unsigned long)v->end, p ? p : "anonymous");
	if (!p || !strcmp(p, "[heap]") || !strcmp(p, "[stack]") || !strncmp(p, "[anon:", 6)) {
		*kind = v->shared ? VMA_ANON_SHARED : VMA_ANON_PRIVATE;
		return 0;
	}
	if (!strcmp(p, "[vdso]"))
		*kind = VMA_VDSO;
	else if (!strcmp(p, "[vvar]"))
		*kind = VMA_VVAR;
	else if (!strcmp(p, "[vvar_vclock]"))
		*kind = VMA_VVAR_VCLOCK;
	else if (!strcmp(p, "[vsyscall]"))
		*kind = 0;	/* the kernel's, at a fixed address: nothing to do */
	else if (v->shared && v->deleted && !strcmp(p, "/dev/zero"))
		*kind = VMA_ANON_SHARED;
	else if (!strncmp(p, "/SYSV", 5) && v->shared && !(v->vmflags & VMF_HUGETLB))
		*kind = VMA_SYSV_SHM;
	else if (!strncmp(p, "/SYSV", 5) || !strncmp(p, "/memfd:", 7))
		return error("pid %d: memory area %#lx-%#lx (%s) is shared memory, which ckpt "
			     "cannot carry yet", pid, (unsigned long)v->start,
			     (unsigned long)v->end, p);
	else if (v->shared && v->deleted && p[0] == '/')
		*kind = VMA_ANON_SHARED;	/* saved like shared memory, with its name */
	else if (p[0] != '/')
		return error("pid %d: memory area %#lx-%#lx (%s) is of a kind ckpt cannot carry yet",
			     pid, (unsigned long)v->start, (unsigned long)v->end, p);
	else if (v->deleted)
		return error("pid %d: memory area %#lx-%#lx maps the deleted file '%s', which ckpt "
			     "cannot carry yet", pid, (unsigned long)v->start,
			     (unsigned long)v->end, p);
	else
		*kind = v->shared ? VMA_FILE_SHARED : VMA_FILE_PRIVATE;
	return 0;
}

/* Restore attaches a SysV segment whole (shmat) where its first page was,
 * then cuts it as it was: each area that maps part of it must come after
 * the one that maps its start. */
static int check_sysv_attaches(pid_t pid, const MmEntry *mm)
{
	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];
		bool found = !e->pgoff;

		if (e->kind != VMA_SYSV_SHM)
			continue;
		for (size_t k = 0; !found && k < i; k++)
			found = mm->vmas[k]->kind == VMA_SYSV_SHM && !mm->vmas[k]->pgoff &&
				mm->vmas[k]->file_ino == e->file_ino &&
				mm->vmas[k]->start == e->start - e->pgoff;
		if (!found)
			return error("pid %d: memory area %#lx-%#lx attaches part of SysV shared "
				     "memory %lu without its start, which ckpt cannot carry yet", pid,
				     (unsigned long)e->start, (unsigned long)e->end,
				     (unsigned long)e->file_ino);
	}
	return 0;
}

int dump_mm_areas(struct task *task)
{
	MmEntry *mm = xmalloc(sizeof(*mm));
	struct proc_vma *vmas;
	size_t n;

	mm_entry__init(mm);
	task->mm = mm;
	if (proc_parse_smaps(task->pid, &vmas, &n))
		return -1;
	mm->vmas = xzalloc(n * sizeof(*mm->vmas));
	for (size_t i = 0; i < n; i++) {
		const struct proc_vma *v = &vmas[i];
		VmaEntry *e;
		unsigned kind = 0;

		if (vma_kind(task->pid, v, &kind)) {
			proc_free_vmas(vmas, n);
			return -1;
		}
		if (!kind)
			continue;
		e = xmalloc(sizeof(*e));
		vma_entry__init(e);
		mm->vmas[mm->n_vmas++] = e;
		e->start = v->start;
		e->end = v->end;
		e->prot = v->prot;
		e->flags = (v->shared ? MAP_SHARED : MAP_PRIVATE) |
			   (kind == VMA_ANON_PRIVATE || kind == VMA_ANON_SHARED ? MAP_ANONYMOUS : 0) |
			   (v->vmflags & VMF_GROWSDOWN ? MAP_GROWSDOWN : 0);
		e->pgoff = kind == VMA_ANON_PRIVATE ? 0 : v->pgoff;
		e->kind = kind;
		e->madv = v->vmflags;
		if (kind == VMA_SYSV_SHM) {
			e->has_file_ino = true;
			e->file_ino = v->ino;	/* the shmid */
			e->path = xstrdup(v->path);
		}
		if (kind == VMA_ANON_SHARED) {
			/* Its inode tells whether another process shares it. */
			e->has_file_ino = true;
			e->file_ino = v->ino;
			if (strcmp(v->path, "/dev/zero"))
				e->path = xstrdup(v->path);	/* deleted: made again */
		}
		if (kind == VMA_FILE_PRIVATE || kind == VMA_FILE_SHARED) {
			struct stat st;

			e->path = xstrdup(v->path);
			if (stat(v->path, &st) || st.st_ino != v->ino) {
				proc_free_vmas(vmas, n);
				return error("pid %d: memory area %#lx-%#lx: the file '%s' is not the "
					     "one mapped (replaced or gone)", task->pid,
					     (unsigned long)e->start, (unsigned long)e->end, e->path);
			}
			e->has_file_size = e->has_file_mtime = e->has_file_ino = true;
			e->file_size = st.st_size;
			e->file_mtime = st.st_mtim.tv_sec * 1000000000ULL + st.st_mtim.tv_nsec;
			e->file_ino = st.st_ino;
		}
	}
	proc_free_vmas(vmas, n);
	return check_sysv_attaches(task->pid, mm);
}

static void put_run(struct page_runs *r, uint64_t vaddr, uint64_t nr, uint64_t off, int32_t pages_of,
		    uint32_t version);

/* A range the scan found: in order, so it gets the next place (which the
 * copy-on-write placement may change later). */
static void add_run(struct page_runs *r, uint64_t start, uint64_t end)
{
	uint64_t nr = (end - start) / PAGE_SIZE;

	put_run(r, start, nr, r->pages * PAGE_SIZE, 0, 0);
	r->pages += nr;
}

/* Walk one area with PAGEMAP_SCAN as arg asks (its range and buffer set
 * here), handing each batch of regions to take().  -1 (errno set) if the
 * kernel refuses. */
typedef void scan_take(const struct page_region *r, size_t n, void *ctx);

static int scan_area(int pagemap_fd, const VmaEntry *e, struct pm_scan_arg *arg,
		     scan_take *take, void *ctx)
{
	struct page_region regions[512];

	arg->size = sizeof(*arg);
	arg->start = e->start;
	arg->end = e->end;
	arg->vec = (uint64_t)regions;
	arg->vec_len = ARRAY_SIZE(regions);
	while (arg->start < arg->end) {
		long n = ioctl(pagemap_fd, PAGEMAP_SCAN, arg);

		if (n < 0)
			return -1;
		take(regions, n, ctx);
		if (arg->walk_end <= arg->start)
			break;
		arg->start = arg->walk_end;
	}
	return 0;
}

static int scan_failed(pid_t pid, const VmaEntry *e)
{
	return error_errno("pid %d: PAGEMAP_SCAN of %#lx-%#lx failed", pid,
			   (unsigned long)e->start, (unsigned long)e->end);
}

static void take_all(const struct page_region *r, size_t n, void *runs)
{
	for (size_t i = 0; i < n; i++)
		add_run(runs, r[i].start, r[i].end);
}

static int scan_vma(int pagemap_fd, pid_t pid, const VmaEntry *e, struct page_runs *r)
{
	struct pm_scan_arg arg = {
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
	};

	switch (e->kind) {
	case VMA_ANON_PRIVATE:
	case VMA_FILE_PRIVATE:
		/* Private copies only: not the file's pages, not the zero page. */
		arg.category_inverted = PAGE_IS_FILE | PAGE_IS_PFNZERO;
		arg.category_mask = PAGE_IS_FILE | PAGE_IS_PFNZERO;
		break;
	default:
		/* shared anonymous memory is saved as an object (dump_shmem) */
		return 0;
	}
	return scan_area(pagemap_fd, e, &arg, take_all, r) ? scan_failed(pid, e) : 0;
}

#define BATCH_BYTES PW_BUF_BYTES

/*
 * Copy one batch of page runs from the process into buf.  process_vm_readv
 * pins the pages it reads, and pinning a page that is shared copy-on-write
 * makes the kernel unshare it first (copy it for the process): a dump would
 * double the memory a forked tree shares.  /proc/PID/mem takes the pages
 * without pinning them, at about the same speed, so a process with shared
 * pages is read through it.
 */
static int copy_batch(pid_t pid, int mem_fd, bool shared, struct iovec *remote, size_t nr,
		      size_t bytes, uint8_t *buf)
{
	struct iovec local = { buf, bytes };
	/* (shared: mem_fd may be of pid's snapshot) */
	ssize_t got = shared ? -1 : process_vm_readv(pid, &local, 1, remote, nr, 0);

	if (got != (ssize_t)bytes) {
		/* Unreadable areas (PROT_NONE, write-only) need /proc/PID/mem,
		 * which reads with the kernel's force. */
		size_t off = 0;

		for (size_t i = 0; i < nr; i++) {
			if (pread_all(mem_fd, buf + off, remote[i].iov_len,
				      (off_t)(uintptr_t)remote[i].iov_base))
				return error_errno("pid %d: cannot read memory at %p", pid,
						   remote[i].iov_base);
			off += remote[i].iov_len;
		}
	}
	return 0;
}

/* Fill the buffer of the writer with one batch, hash it, queue it. */
static int send_batch(const struct task *task, int mem_fd, struct iovec *remote, size_t nr,
		      size_t bytes, struct page_writer *pw, struct img_out *out)
{
	uint8_t *buf = pw_get(pw);

	/* A snapshot shares every page with the process: never pinned. */
	if (!buf || copy_batch(task->pid, mem_fd, task->cow_shared || task->snap_pid, remote, nr,
			       bytes, buf))
		return -1;
	if (!pw->pz)	/* (a compressing writer accounts what it writes) */
		img_out_account(out, buf, bytes);
	pw_put(pw, bytes);
	return 0;
}

/*
 * The data of the file fd (size bytes) into the raw image `name` of v: the
 * parts that hold data (SEEK_DATA), whole pages each, as runs whose vaddr is
 * the offset in the file and off the one in the image.  Holes are not saved.
 */
int dump_file_data(int fd, uint64_t size, struct version *v, const char *name, PageRun ***runs,
		   size_t *n_runs)
{
	struct img_out out;
	uint8_t *buf;
	uint64_t sum, off = 0;

	if (img_out_open(&out, v->dfd, name))
		return -1;
	buf = xmalloc(PW_BUF_BYTES);
	for (off_t pos = lseek(fd, 0, SEEK_DATA); pos >= 0 && (uint64_t)pos < size; ) {
		off_t hole = lseek(fd, pos, SEEK_HOLE);
		PageRun *run = xmalloc(sizeof(*run));

		if (hole < 0 || (uint64_t)hole > size)
			hole = size;
		page_run__init(run);
		run->vaddr = pos;
		run->nr = (hole - pos + PAGE_SIZE - 1) / PAGE_SIZE;
		run->off = off;
		*runs = xrealloc(*runs, (*n_runs + 1) * sizeof(run));
		(*runs)[(*n_runs)++] = run;
		for (uint64_t left = run->nr * PAGE_SIZE; left; ) {
			size_t chunk = left < PW_BUF_BYTES ? left : PW_BUF_BYTES;

			memset(buf, 0, chunk);	/* a last partial page reads short */
			if (pread(fd, buf, chunk, pos) < 0 || img_out_write(&out, buf, chunk)) {
				free(buf);
				img_out_abort(&out, v->dfd);
				return error_errno("cannot save the data of '%s'", name);
			}
			pos += chunk;
			off += chunk;
			left -= chunk;
		}
		pos = lseek(fd, pos, SEEK_DATA);
	}
	free(buf);
	if (img_out_close(&out, &sum))
		return -1;
	version_add_file(v, name, out.size, sum);
	return 0;
}

/*
 * Shared anonymous memory, once per object (its shmem inode) for the whole
 * tree: read through /proc/PID/map_files, which opens the object itself, so
 * that pages no process has mapped in its page tables are found too
 * (SEEK_DATA), into shmem-INO.img.
 */
/* What the kernel keeps of SysV segment `id` (the process's ipc namespace
 * must be ours, where the id means the same). */
static SysvShmEntry *sysv_shm_state(const struct task *task, int id)
{
	struct stat mine, its;
	struct shmid_ds ds;
	SysvShmEntry *s;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", task->pid);
	if (stat(path, &its) || stat("/proc/self/ns/ipc", &mine))
		return error_errno("pid %d: cannot tell its ipc namespace", task->pid), NULL;
	if (its.st_ino != mine.st_ino)
		return error("pid %d: it attached SysV shared memory %d in an ipc namespace of its "
			     "own, which ckpt cannot carry yet", task->pid, id), NULL;
	if (shmctl(id, IPC_STAT, &ds))
		return error_errno("pid %d: SysV shared memory %d: IPC_STAT", task->pid, id), NULL;
	s = xmalloc(sizeof(*s));
	sysv_shm_entry__init(s);
	s->key = ds.shm_perm.__key;
	s->mode = ds.shm_perm.mode & 0777;
	s->uid = ds.shm_perm.uid;
	s->gid = ds.shm_perm.gid;
	s->removed = ds.shm_perm.mode & SHM_DEST;
	return s;
}

static int dump_one_shmem(struct task *task, const VmaEntry *e, struct version *v)
{
	bool sysv = e->kind == VMA_SYSV_SHM;
	SharedEntry *sh = task->shared;
	ShmemEntry *se;
	char path[96], name[64];
	cleanup_close int fd = -1;
	struct stat st;

	/* A shmid and a shmem inode may be the same number. */
	for (size_t i = 0; i < sh->n_shmem; i++)
		if (sh->shmem[i]->ino == e->file_ino && !!sh->shmem[i]->sysv == sysv)
			return 0;
	snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx", task->pid,
		 (unsigned long)e->start, (unsigned long)e->end);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return error_errno("pid %d: cannot open the shared memory at %#lx", task->pid,
				   (unsigned long)e->start);
	se = xmalloc(sizeof(*se));
	shmem_entry__init(se);
	se->ino = e->file_ino;
	se->size = st.st_size;
	se->path = e->path && !sysv ? xstrdup(e->path) : NULL;
	if (sysv && !(se->sysv = sysv_shm_state(task, e->file_ino)))
		return -1;
	sh->shmem = xrealloc(sh->shmem, (sh->n_shmem + 1) * sizeof(se));
	sh->shmem[sh->n_shmem++] = se;

	shmem_image_name(se, name, sizeof(name));
	if (dump_file_data(fd, se->size, v, name, &se->runs, &se->n_runs))
		return error("pid %d: cannot save shared memory", task->pid);
	return 0;
}

int dump_mm_shmem(struct task *task, struct version *v)
{
	for (size_t i = 0; i < task->mm->n_vmas; i++)
		if (vma_is_shared_object(task->mm->vmas[i]->kind) &&
		    dump_one_shmem(task, task->mm->vmas[i], v))
			return -1;
	return 0;
}

/* Bits of a /proc/PID/pagemap entry (admin-guide/mm/pagemap.rst). */
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_EXCLUSIVE	(1ULL << 56)	/* mapped by this process alone */
#define PM_PRESENT	(1ULL << 63)
#define PM_CHUNK	4096		/* pages read from pagemap at once */

/* Append a page run, merged with the last one where it goes on from it
 * (in memory and in the same image). */
static void put_run(struct page_runs *r, uint64_t vaddr, uint64_t nr, uint64_t off, int32_t pages_of,
		    uint32_t version)
{
	PageRun *last = r->n ? r->v[r->n - 1] : NULL;

	if (last && last->vaddr + last->nr * PAGE_SIZE == vaddr &&
	    (last->has_pages_of ? last->pages_of : 0) == pages_of &&
	    (last->has_version ? last->version : 0) == version &&
	    last->off + last->nr * PAGE_SIZE == off) {
		last->nr += nr;
		return;
	}
	if (r->n == r->cap)
		r->v = xrealloc(r->v, (r->cap = r->cap ? r->cap * 2 : 256) * sizeof(*r->v));
	PageRun *run = xmalloc(sizeof(*run));
	page_run__init(run);
	run->vaddr = vaddr;
	run->nr = nr;
	run->off = off;
	run->has_pages_of = pages_of != 0;
	run->pages_of = pages_of;
	run->has_version = version != 0;
	run->version = version;
	r->v[r->n++] = run;
}

/* The parent's run holding addr (runs are sorted by address), or NULL. */
static const PageRun *run_at(const MmEntry *mm, uint64_t addr)
{
	size_t lo = 0, hi = mm->n_pages;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const PageRun *r = mm->pages[mid];

		if (addr < r->vaddr)
			hi = mid;
		else if (addr >= r->vaddr + r->nr * PAGE_SIZE)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

struct cow_parent {
	const struct task *task;
	int pagemap_fd;
};

/*
 * The pages of one scanned run: those the parent maps at the same address
 * with the same physical page (shared copy-on-write since the fork, so the
 * same bytes) point into the image that already holds them; the others get
 * the next place in our own.  Page frame numbers need CAP_SYS_ADMIN: without
 * them every page is our own.
 */
static int place_run(const PageRun *found, int pagemap_fd, const struct cow_parent *par,
		     struct page_runs *out, uint64_t *own_off, bool *shared)
{
	static __thread uint64_t mine[PM_CHUNK], theirs[PM_CHUNK];

	for (uint64_t done = 0; done < found->nr; ) {
		uint64_t n = found->nr - done < PM_CHUNK ? found->nr - done : PM_CHUNK;
		uint64_t base = found->vaddr + done * PAGE_SIZE;
		bool any_shared = false, have_theirs = false;

		/* Without a parent in the tree, only whether it shares pages at
		 * all (with a process outside) is asked, once. */
		if (par || !*shared) {
			if (pread_all(pagemap_fd, mine, n * 8, base / PAGE_SIZE * 8)) {
				*shared = true;		/* cannot tell: the safe way */
				par = NULL;
			}
			for (uint64_t i = 0; par && i < n && !any_shared; i++)
				any_shared = (mine[i] & PM_PRESENT) && !(mine[i] & PM_EXCLUSIVE);
			for (uint64_t i = 0; !par && !*shared && i < n; i++)
				*shared = (mine[i] & PM_PRESENT) && !(mine[i] & PM_EXCLUSIVE);
		}
		*shared |= any_shared;
		if (!par) {
			put_run(out, base, n, *own_off, 0, 0);
			*own_off += n * PAGE_SIZE;
			done += n;
			continue;
		}
		if (any_shared)
			have_theirs = pread_all(par->pagemap_fd, theirs, n * 8,
						base / PAGE_SIZE * 8) == 0;
		if (!have_theirs) {
			put_run(out, base, n, *own_off, 0, 0);
			*own_off += n * PAGE_SIZE;
			done += n;
			continue;
		}
		for (uint64_t i = 0; i < n; i++) {
			uint64_t addr = base + i * PAGE_SIZE;
			const PageRun *pr = NULL;

			if ((mine[i] & PM_PRESENT) && !(mine[i] & PM_EXCLUSIVE) &&
			    (mine[i] & PM_PFN_MASK) && (theirs[i] & PM_PRESENT) &&
			    (theirs[i] & PM_PFN_MASK) == (mine[i] & PM_PFN_MASK))
				pr = run_at(par->task->mm, addr);
			if (pr) {
				/* where the parent's copy lies: maybe in its own
				 * ancestor's image, or in an earlier version */
				put_run(out, addr, 1, pr->off + (addr - pr->vaddr),
					pr->has_pages_of ? pr->pages_of : par->task->vpid,
					pr->has_version ? pr->version : 0);
				continue;
			}
			put_run(out, addr, 1, *own_off, 0, 0);
			*own_off += PAGE_SIZE;
		}
		done += n;
	}
	return 0;
}

/* The same area in the base version, if it is there unchanged. */
static const VmaEntry *base_vma(const MmEntry *base, const VmaEntry *e)
{
	for (size_t i = 0; base && i < base->n_vmas; i++)
		if (base->vmas[i]->start == e->start && base->vmas[i]->end == e->end &&
		    base->vmas[i]->kind == e->kind)
			return base->vmas[i];
	return NULL;
}

/* The base's runs that fall in [start, end), minus the written ranges w
 * (sorted): they point where the base has them (maybe an even earlier
 * version). */
static void take_from_base(const MmEntry *base, unsigned base_nr, uint64_t start, uint64_t end,
			   const struct page_region *w, size_t nw, struct page_runs *refs)
{
	size_t lo = 0, hi = base->n_pages, k = 0;

	/* the first run that ends after start */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const PageRun *r = base->pages[mid];

		if (r->vaddr + r->nr * PAGE_SIZE <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < base->n_pages && base->pages[i]->vaddr < end; i++) {
		const PageRun *r = base->pages[i];
		uint64_t a = r->vaddr > start ? r->vaddr : start;
		uint64_t b = r->vaddr + r->nr * PAGE_SIZE < end ? r->vaddr + r->nr * PAGE_SIZE : end;

		while (k < nw && w[k].end <= a)
			k++;
		for (size_t j = k; a < b; j++) {
			uint64_t stop = j < nw && w[j].start < b ? w[j].start : b;

			if (stop > a)
				put_run(refs, a, (stop - a) / PAGE_SIZE, r->off + (a - r->vaddr),
					r->has_pages_of ? r->pages_of : 0,
					r->has_version ? r->version : base_nr);
			a = stop < b && w[j].end > stop ? w[j].end : b;
		}
	}
}

/*
 * A tracked area unchanged since the base: the pages written since are
 * saved (found), the others are the base's (refs).  Returns 1 when the
 * area cannot be scanned so (not write-protect tracked after all).
 */
struct written {
	struct page_runs *found;
	struct page_region *w;		/* every page written, merged */
	size_t nw;
};

static void take_written(const struct page_region *r, size_t n, void *ctx)
{
	struct written *wr = ctx;

	wr->w = xrealloc(wr->w, (wr->nw + n + 1) * sizeof(*wr->w));
	for (size_t i = 0; i < n; i++) {
		uint64_t c = r[i].categories;

		/* written and gone (MADV_DONTNEED) is a hole now */
		if ((c & (PAGE_IS_PRESENT | PAGE_IS_SWAPPED)) && !(c & (PAGE_IS_FILE | PAGE_IS_PFNZERO)))
			add_run(wr->found, r[i].start, r[i].end);
		if (wr->nw && wr->w[wr->nw - 1].end == r[i].start)
			wr->w[wr->nw - 1].end = r[i].end;
		else
			wr->w[wr->nw++] = r[i];
	}
}

static int scan_vma_written(int pagemap_fd, const struct task *task, const VmaEntry *e,
			    struct page_runs *found, struct page_runs *refs)
{
	struct written wr = { found, NULL, 0 };
	struct pm_scan_arg arg = {
		.flags = PM_SCAN_CHECK_WPASYNC,
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN | PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_FILE |
			       PAGE_IS_PFNZERO,
	};

	if (scan_area(pagemap_fd, e, &arg, take_written, &wr)) {
		free(wr.w);
		return errno == EPERM ? 1 : scan_failed(task->pid, e);
	}
	take_from_base(task->base_mm, task->base, e->start, e->end, wr.w, wr.nw, refs);
	free(wr.w);
	return 0;
}

void classify_soft_dirty(const struct page_region *r, size_t n, const MmEntry *base,
			 unsigned base_nr, struct page_runs *found, struct page_runs *refs)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t c = r[i].categories, a = r[i].start;
		struct page_runs clean = { 0 };

		/* holes, the file's own pages and the zero page are not stored */
		if (!(c & (PAGE_IS_PRESENT | PAGE_IS_SWAPPED)) || (c & (PAGE_IS_FILE | PAGE_IS_PFNZERO)))
			continue;
		if (c & PAGE_IS_SOFT_DIRTY) {
			add_run(found, r[i].start, r[i].end);
			continue;
		}
		/* Clean: the base's where it has it.  (A page emptied since is a
		 * hole, not clean: soft-dirty bits tell nothing of holes.) */
		take_from_base(base, base_nr, r[i].start, r[i].end, NULL, 0, &clean);
		for (size_t k = 0; k < clean.n; k++) {
			const PageRun *p = clean.v[k];

			if (p->vaddr > a)
				add_run(found, a, p->vaddr);	/* not the base's: stored */
			put_run(refs, p->vaddr, p->nr, p->off, p->has_pages_of ? p->pages_of : 0,
				p->version);
			a = p->vaddr + p->nr * PAGE_SIZE;
			page_run__free_unpacked(clean.v[k], NULL);
		}
		if (a < r[i].end)
			add_run(found, a, r[i].end);
		free(clean.v);
	}
}

struct soft_dirty {
	const struct task *task;
	struct page_runs *found, *refs;
};

static void take_soft_dirty(const struct page_region *r, size_t n, void *ctx)
{
	struct soft_dirty *sd = ctx;

	classify_soft_dirty(r, n, sd->task->base_mm, sd->task->base, sd->found, sd->refs);
}

/* The same for an area tracked by soft-dirty bits: the pages present (or
 * swapped) and dirty are saved, the clean ones are the base's. */
static int scan_vma_soft_dirty(int pagemap_fd, const struct task *task, const VmaEntry *e,
			       struct page_runs *found, struct page_runs *refs)
{
	struct soft_dirty sd = { task, found, refs };
	struct pm_scan_arg arg = {
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_SOFT_DIRTY | PAGE_IS_FILE |
			       PAGE_IS_PFNZERO,
	};

	return scan_area(pagemap_fd, e, &arg, take_soft_dirty, &sd) ? scan_failed(task->pid, e) : 0;
}

/* Two lists of runs in address order, disjoint, into one. */
static void merge_runs(struct page_runs *a, struct page_runs *b, MmEntry *mm)
{
	size_t i = 0, k = 0, n = 0;

	mm->pages = xmalloc((a->n + b->n + 1) * sizeof(*mm->pages));
	while (i < a->n || k < b->n)
		mm->pages[n++] = k == b->n || (i < a->n && a->v[i]->vaddr < b->v[k]->vaddr) ?
				 a->v[i++] : b->v[k++];
	mm->n_pages = n;
	free(a->v);
	free(b->v);
}

int dump_mm_scan(struct task *task, const struct task *parent, bool from_snapshot)
{
	MmEntry *mm = task->mm;
	struct page_runs found = { 0 }, out = { 0 }, refs = { 0 };
	char path[64];
	cleanup_close int pagemap_fd = -1, parent_fd = -1;
	struct cow_parent par = { parent, -1 };
	uint64_t own = 0, all = 0, earlier = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", task->pid);
	pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pagemap_fd < 0)
		return error_errno("pid %d: cannot open %s", task->pid, path);
	/* Pages read from a snapshot are read without pinning in any case:
	 * no need to ask (a walk of the page tables) whether any is shared. */
	if (from_snapshot && !parent)
		task->cow_shared = true;
	task->tracked = task->uffd >= 0 || task->soft_dirty ?
			xzalloc(mm->n_vmas * sizeof(bool)) : NULL;
	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];
		int r = 1;

		if (task->tracked)
			task->tracked[i] = track_register(task, e);
		if (task->tracked && task->tracked[i] && task->base_mm && base_vma(task->base_mm, e))
			r = task->soft_dirty ? scan_vma_soft_dirty(pagemap_fd, task, e, &found, &refs) :
			    scan_vma_written(pagemap_fd, task, e, &found, &refs);
		if (r < 0 || (r > 0 && scan_vma(pagemap_fd, task->pid, e, &found)))
			return -1;
	}
	for (size_t i = 0; i < refs.n; i++)
		earlier += refs.v[i]->nr * PAGE_SIZE;
	if (parent && parent->mm && parent->mm->n_pages) {
		snprintf(path, sizeof(path), "/proc/%d/pagemap", parent->pid);
		parent_fd = par.pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	for (size_t i = 0; i < found.n; i++) {
		if (place_run(found.v[i], pagemap_fd, par.pagemap_fd >= 0 ? &par : NULL, &out, &own,
			      &task->cow_shared))
			return -1;
		all += found.v[i]->nr * PAGE_SIZE;
		page_run__free_unpacked(found.v[i], NULL);
	}
	free(found.v);
	merge_runs(&out, &refs, mm);
	mm->pages_bytes = own;
	mm->has_pages_inherited = parent != NULL;
	mm->pages_inherited = all - own;
	mm->has_pages_earlier = task->base_mm != NULL;
	mm->pages_earlier = earlier;
	return 0;
}

int dump_mm_pages(struct task *task, struct version *v)
{
	MmEntry *mm = task->mm;
	char name[64], path[64];
	cleanup_close int mem_fd = -1;
	struct img_out out;
	struct page_writer pw;
	struct iovec remote[IOV_MAX];
	size_t nr = 0, bytes = 0;
	uint64_t sum, off = 0;
	int ret = -1;

	/* From its snapshot if it has one: the memory as it was at the freeze,
	 * while it runs on. */
	snprintf(path, sizeof(path), "/proc/%d/mem", task->snap_pid ? task->snap_pid : task->pid);
	mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (mem_fd < 0)
		return error_errno("pid %d: cannot open %s", task->pid, path);
	snprintf(name, sizeof(name), "pages-%d%s", task->vpid, v->compress ? PZ_SUFFIX : ".img");
	if (img_out_open(&out, v->dfd, name))
		return -1;
	if (pw_start(&pw, &out, v->compress)) {
		img_out_abort(&out, v->dfd);
		return -1;
	}
	for (size_t i = 0; i < mm->n_pages; i++) {
		PageRun *run = mm->pages[i];
		uint64_t addr = run->vaddr, left = run->nr * PAGE_SIZE;

		if (run->has_pages_of || run->has_version)
			continue;	/* an ancestor's image or an earlier version has it */
		if (run->off != off) {
			error("pid %d: page run at %#lx out of place", task->pid,
			      (unsigned long)run->vaddr);
			goto out;
		}
		off += left;
		while (left) {
			size_t chunk = left < BATCH_BYTES - bytes ? left : BATCH_BYTES - bytes;

			remote[nr].iov_base = (void *)addr;
			remote[nr].iov_len = chunk;
			nr++;
			bytes += chunk;
			addr += chunk;
			left -= chunk;
			if (bytes == BATCH_BYTES || nr == IOV_MAX) {
				if (send_batch(task, mem_fd, remote, nr, bytes, &pw, &out))
					goto out;
				nr = bytes = 0;
			}
		}
	}
	if (nr && send_batch(task, mem_fd, remote, nr, bytes, &pw, &out))
		goto out;
	if (pw_finish(&pw))
		goto out_written;
	if (img_out_close(&out, &sum))
		return -1;
	version_add_file(v, name, out.size, sum);
	return 0;
out:
	pw_finish(&pw);
out_written:
	img_out_abort(&out, v->dfd);
	return ret;
}
