/*
 * Memory of a new task, driven from the restorer through system calls run
 * in the task at the trampoline:
 *   1. unregister the rseq area inherited from the restorer (else the first
 *      munmap under it kills the task);
 *   2. unmap everything of the restorer but the trampoline and the vdso trio;
 *   3. move [vvar] [vvar_vclock] [vdso] to their saved addresses, through a
 *      free temporary place so that old and new ranges never overlap;
 *   4. map every saved area at its address, fill its pages with pread()
 *      straight from the image, set the saved protections and madvise flags;
 *   5. PR_SET_MM_MAP: brk, arg/env, auxv, the exe link.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <linux/prctl.h>
#include <linux/ptrace.h>
#include <linux/rseq.h>

#include "infect.h"
#include "log.h"
#include "mm.h"
#include "proc.h"
#include "util.h"

#define TASK_SIZE_MAX 0x7ffffffff000ULL

struct range {
	uint64_t start, end;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

uint64_t find_free_area(struct range *used, size_t n, uint64_t min, uint64_t len);
uint64_t find_free_area(struct range *used, size_t n, uint64_t min, uint64_t len)
{
	uint64_t a = min;

	qsort(used, n, sizeof(*used), cmp_range);
	for (size_t i = 0; i < n; i++) {
		if (used[i].end <= a)
			continue;
		if (used[i].start >= a + len)
			break;
		a = used[i].end;
	}
	return a + len <= TASK_SIZE_MAX ? a : 0;
}

#define CALL(what, nr, ret, ...) task_syscall_ok(task, leader, nr, what, ret, __VA_ARGS__)

static int unregister_rseq(struct task *task)
{
	struct thread *leader = &task->threads[0];
	struct { uint64_t ptr; uint32_t len, sig, flags, pad; } rc = { 0 };

	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, leader->tid, sizeof(rc), &rc) < 0)
		return error_errno("pid %d: cannot read the rseq registration", task->pid);
	if (!rc.ptr)
		return 0;
	return task_syscall_ok(task, leader, SYS_rseq, "unregister the restorer's rseq", NULL,
			       rc.ptr, rc.len, RSEQ_FLAG_UNREGISTER, rc.sig, 0, 0);
}

static bool is_trio(unsigned kind)
{
	return kind == VMA_VVAR || kind == VMA_VVAR_VCLOCK || kind == VMA_VDSO;
}

static unsigned trio_kind(const char *path)
{
	if (!path)
		return 0;
	if (!strcmp(path, "[vvar]"))
		return VMA_VVAR;
	if (!strcmp(path, "[vvar_vclock]"))
		return VMA_VVAR_VCLOCK;
	if (!strcmp(path, "[vdso]"))
		return VMA_VDSO;
	return 0;
}

/* Steps 2 and 3. */
static int clear_and_move_vdso(struct task *task, uint64_t tramp, size_t tramp_len)
{
	struct thread *leader = &task->threads[0];
	const MmEntry *mm = task->mm;
	struct proc_vma *own;
	size_t n_own;
	struct range keep[8], *used;
	struct { uint64_t start, end; unsigned kind; } trio[3];
	size_t nk = 0, nt = 0, nu = 0;
	uint64_t lo, span, tmp;

	if (proc_parse_smaps(task->pid, &own, &n_own))
		return -1;
	keep[nk++] = (struct range){ tramp, tramp + tramp_len };
	for (size_t i = 0; i < n_own; i++) {
		unsigned k = trio_kind(own[i].path);

		if (k && nt < 3) {
			trio[nt].start = own[i].start;
			trio[nt].end = own[i].end;
			trio[nt].kind = k;
			keep[nk++] = (struct range){ own[i].start, own[i].end };
			nt++;
		}
	}
	proc_free_vmas(own, n_own);
	qsort(keep, nk, sizeof(keep[0]), cmp_range);

	/* 2: everything else goes */
	uint64_t a = PAGE_SIZE;
	for (size_t i = 0; i <= nk; i++) {
		uint64_t b = i < nk ? keep[i].start : TASK_SIZE_MAX;

		if (b > a && CALL("munmap of the restorer", SYS_munmap, NULL, a, b - a, 0, 0, 0, 0))
			return -1;
		if (i < nk)
			a = keep[i].end;
	}

	/* 3: the trio, through a temporary place free of everything */
	used = xmalloc((mm->n_vmas + nk) * sizeof(*used));
	for (size_t i = 0; i < mm->n_vmas; i++)
		used[nu++] = (struct range){ mm->vmas[i]->start, mm->vmas[i]->end };
	for (size_t i = 0; i < nk; i++)
		used[nu++] = keep[i];
	lo = UINT64_MAX;
	span = 0;
	for (size_t i = 0; i < nt; i++)
		if (trio[i].start < lo)
			lo = trio[i].start;
	for (size_t i = 0; i < nt; i++)
		if (trio[i].end - lo > span)
			span = trio[i].end - lo;
	tmp = find_free_area(used, nu, 1UL << 20, span);
	free(used);
	if (!tmp)
		return error("pid %d: no room to move the vdso", task->pid);
	for (size_t i = 0; i < nt; i++) {
		uint64_t len = trio[i].end - trio[i].start;
		uint64_t to = tmp + (trio[i].start - lo);

		if (CALL("mremap of the vdso", SYS_mremap, NULL, trio[i].start, len, len,
			 MREMAP_MAYMOVE | MREMAP_FIXED, to, 0))
			return -1;
		trio[i].start = to;
		trio[i].end = to + len;
	}
	for (size_t i = 0; i < nt; i++) {
		const VmaEntry *dst = NULL;
		uint64_t len = trio[i].end - trio[i].start;

		for (size_t j = 0; j < mm->n_vmas; j++)
			if (mm->vmas[j]->kind == trio[i].kind)
				dst = mm->vmas[j];
		if (!dst) {
			if (CALL("munmap of the vdso", SYS_munmap, NULL, trio[i].start, len,
				 0, 0, 0, 0))
				return -1;
			continue;
		}
		if (dst->end - dst->start != len)
			return error("pid %d: the vdso of this kernel differs from the dumped one "
				     "(%s: %lu bytes, was %lu)", task->pid,
				     trio[i].kind == VMA_VDSO ? "[vdso]" : "[vvar]",
				     (unsigned long)len, (unsigned long)(dst->end - dst->start));
		if (CALL("mremap of the vdso", SYS_mremap, NULL, trio[i].start, len, len,
			 MREMAP_MAYMOVE | MREMAP_FIXED, dst->start, 0))
			return -1;
	}
	for (size_t j = 0; j < mm->n_vmas; j++) {
		bool found = false;

		if (!is_trio(mm->vmas[j]->kind))
			continue;
		for (size_t i = 0; i < nt; i++)
			found |= trio[i].kind == mm->vmas[j]->kind;
		if (!found)
			return error("pid %d: this kernel has no area like the dumped %#lx-%#lx",
				     task->pid, (unsigned long)mm->vmas[j]->start,
				     (unsigned long)mm->vmas[j]->end);
	}
	return 0;
}

static const struct { unsigned vmf; int advice; } madv_table[] = {
	{ VMF_NOHUGEPAGE, MADV_NOHUGEPAGE }, { VMF_HUGEPAGE, MADV_HUGEPAGE },
	{ VMF_DONTDUMP, MADV_DONTDUMP }, { VMF_WIPEONFORK, MADV_WIPEONFORK },
	{ VMF_DONTCOPY, MADV_DONTFORK }, { VMF_MERGEABLE, MADV_MERGEABLE },
	{ VMF_SEQ_READ, MADV_SEQUENTIAL }, { VMF_RAND_READ, MADV_RANDOM },
};

/* Which areas have saved pages, in one walk: areas (from smaps) and runs
 * (scanned area by area) are both sorted by address. */
static bool *areas_with_pages(const MmEntry *mm)
{
	bool *has = xzalloc(mm->n_vmas * sizeof(*has) + 1);
	size_t r = 0;

	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		while (r < mm->n_pages && mm->pages[r]->vaddr + mm->pages[r]->nr * PAGE_SIZE <= e->start)
			r++;
		has[i] = r < mm->n_pages && mm->pages[r]->vaddr < e->end;
	}
	return has;
}

/*
 * A SysV attach: shmat() of the whole segment at the area that maps its
 * start, then cut as it was, each part with its own protection.  Writable
 * unless no part of it is (SHM_RDONLY cannot be made writable later).
 */
static int map_sysv(struct task *task, const struct mm_restore *mr, size_t i)
{
	struct thread *leader = &task->threads[0];
	const MmEntry *mm = task->mm;
	const VmaEntry *e = mm->vmas[i];
	uint64_t base = e->start - e->pgoff, end = base + mr->sysv_len[i], a = base;
	unsigned prot = PROT_READ;
	long addr;

	if (e->pgoff)
		goto protect;	/* a later part of an attach made above */
	for (size_t k = i; k < mm->n_vmas && mm->vmas[k]->start < end; k++) {
		const VmaEntry *f = mm->vmas[k];

		if (f->kind == VMA_SYSV_SHM && f->file_ino == e->file_ino &&
		    f->start - f->pgoff == base)
			prot |= f->prot & (PROT_WRITE | PROT_EXEC);
	}
	if (CALL("shmat", SYS_shmat, &addr, e->file_ino, base,
		 (prot & PROT_WRITE ? 0 : SHM_RDONLY) | (prot & PROT_EXEC ? SHM_EXEC : 0), 0, 0, 0))
		return error("pid %d: cannot attach SysV shared memory %lu at %#lx", task->pid,
			     (unsigned long)e->file_ino, (unsigned long)base);
	if ((uint64_t)addr != base)
		return error("pid %d: SysV shared memory %lu came at %#lx, not %#lx", task->pid,
			     (unsigned long)e->file_ino, (unsigned long)addr, (unsigned long)base);
	/* What no area of this attach covers was unmapped: it goes again. */
	for (size_t k = i; k < mm->n_vmas && a < end; k++) {
		const VmaEntry *f = mm->vmas[k];

		if (f->kind != VMA_SYSV_SHM || f->file_ino != e->file_ino ||
		    f->start - f->pgoff != base)
			continue;
		if (f->start > a && CALL("munmap", SYS_munmap, NULL, a, f->start - a, 0, 0, 0, 0))
			return -1;
		a = f->end;
	}
	if (a < end && CALL("munmap", SYS_munmap, NULL, a, end - a, 0, 0, 0, 0))
		return -1;
protect:
	return CALL("mprotect", SYS_mprotect, NULL, e->start, e->end - e->start, e->prot, 0, 0, 0);
}

static int map_areas(struct task *task, const struct mm_restore *mr, const bool *has_pages)
{
	struct thread *leader = &task->threads[0];
	const MmEntry *mm = task->mm;

	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];
		bool fill = has_pages[i];
		unsigned prot = e->prot | (fill ? PROT_READ | PROT_WRITE : 0);
		int flags = (e->flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN)) |
			    MAP_FIXED;
		bool by_fd = e->kind == VMA_FILE_PRIVATE || e->kind == VMA_FILE_SHARED ||
			     e->kind == VMA_ANON_SHARED;
		long addr;

		/* Shared anonymous memory is the restorer's object, shared by fd. */
		if (e->kind == VMA_ANON_SHARED)
			flags &= ~MAP_ANONYMOUS;

		if (is_trio(e->kind))
			continue;
		if (e->kind == VMA_SYSV_SHM) {
			if (map_sysv(task, mr, i))
				return -1;
		} else if (task_syscall_ok(task, leader, SYS_mmap, "mmap", &addr, e->start,
					   e->end - e->start, prot, flags,
					   by_fd ? mr->file_fds[i] : -1, e->pgoff)) {
			return error("pid %d: cannot map %#lx-%#lx (%s)", task->pid,
				     (unsigned long)e->start, (unsigned long)e->end,
				     e->path ? e->path : "anonymous");
		}
		for (size_t m = 0; m < ARRAY_SIZE(madv_table); m++)
			if ((e->madv & madv_table[m].vmf) &&
			    CALL("madvise", SYS_madvise, NULL, e->start, e->end - e->start,
				 madv_table[m].advice, 0, 0, 0))
				return -1;
	}
	return 0;
}

static int fill_pages(struct task *task, const struct mm_restore *mr)
{
	struct thread *leader = &task->threads[0];
	const MmEntry *mm = task->mm;

	for (size_t i = 0; i < mm->n_pages; i++) {
		uint64_t addr = mm->pages[i]->vaddr, len = mm->pages[i]->nr * PAGE_SIZE;
		uint64_t off = mm->pages[i]->off;

		if (mr->run_fds[i] < 0)
			continue;
		/* The task reads its own memory in, straight from the image. */
		while (len) {
			long got;

			if (CALL("pread of pages", SYS_pread64, &got, mr->run_fds[i], addr, len, off,
				 0, 0))
				return -1;
			if (got <= 0)
				return error("pid %d: the page image ends early (at offset %lu)",
					     task->pid, (unsigned long)off);
			addr += got;
			off += got;
			len -= got;
		}
	}
	return 0;
}

static int protect_areas(struct task *task, const bool *has_pages)
{
	struct thread *leader = &task->threads[0];
	const MmEntry *mm = task->mm;

	for (size_t i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		if (is_trio(e->kind) || !has_pages[i] ||
		    e->prot == (PROT_READ | PROT_WRITE | (e->prot & PROT_EXEC)))
			continue;
		if (CALL("mprotect", SYS_mprotect, NULL, e->start, e->end - e->start, e->prot,
			 0, 0, 0))
			return -1;
	}
	return 0;
}

static int set_mm_fields(struct task *task, const struct mm_restore *mr)
{
	struct thread *leader = &task->threads[0];
	const MmFields *f = task->core->mm;
	struct prctl_mm_map map = {
		.start_code = f->start_code, .end_code = f->end_code,
		.start_data = f->start_data, .end_data = f->end_data,
		.start_brk = f->start_brk, .brk = f->brk,
		.start_stack = f->start_stack,
		.arg_start = f->arg_start, .arg_end = f->arg_end,
		.env_start = f->env_start, .env_end = f->env_end,
		.auxv = (void *)(task->scratch + 256),
		.auxv_size = f->auxv.len,
		.exe_fd = mr->exe_fd,
	};

	if (f->auxv.len > 1024)
		return error("pid %d: the saved auxv is too long (%zu bytes)", task->pid, f->auxv.len);
	if (infect_write(task->pid, task->scratch, &map, sizeof(map)) ||
	    infect_write(task->pid, task->scratch + 256, f->auxv.data, f->auxv.len))
		return error("pid %d: %s", task->pid, infect_why());
	return CALL("PR_SET_MM_MAP", SYS_prctl, NULL, PR_SET_MM, PR_SET_MM_MAP, task->scratch,
		    sizeof(map), 0, 0);
}

int restore_mm(struct task *task, const struct mm_restore *mr, uint64_t tramp, size_t tramp_len)
{
	cleanup_free bool *has = areas_with_pages(task->mm);

	if (unregister_rseq(task) || clear_and_move_vdso(task, tramp, tramp_len) ||
	    map_areas(task, mr, has) || fill_pages(task, mr) ||
	    (mr->fill_other && mr->fill_other(task, mr->fill_arg)) || protect_areas(task, has) ||
	    set_mm_fields(task, mr))
		return -1;
	return 0;
}
