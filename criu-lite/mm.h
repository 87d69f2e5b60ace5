/*
 * Memory: the kinds of areas ckpt knows, and the dump and restore of them.
 *
 * Dump finds the pages worth saving with PAGEMAP_SCAN: anonymous pages of
 * private areas (incl. the copies a process made of file pages it wrote),
 * the pages of shared anonymous areas; never the zero page, never file pages
 * the process did not change (the file holds them).  Pages are read with
 * process_vm_readv in large batches into pages-PID.img, page-aligned, so that
 * restore reads them straight into the new process.
 */
#ifndef CKPT_MM_H
#define CKPT_MM_H

#include <stdio.h>

#include "task.h"

enum vma_kind {
	VMA_ANON_PRIVATE = 1,
	VMA_FILE_PRIVATE,
	VMA_FILE_SHARED,
	VMA_ANON_SHARED,	/* MAP_SHARED|MAP_ANONYMOUS ("/dev/zero (deleted)") */
	VMA_VVAR,
	VMA_VVAR_VCLOCK,
	VMA_VDSO,
	VMA_SYSV_SHM,		/* an attach of a SysV segment (shmat): "/SYSVKEY (deleted)",
				 * the shmid in file_ino */
};

/* Areas whose memory is an object of the tree's (shared.img), not a file
 * reopened by path nor pages of the process's own. */
static inline bool vma_is_shared_object(unsigned kind)
{
	return kind == VMA_ANON_SHARED || kind == VMA_SYSV_SHM;
}

/* The image of a shared memory object's pages: shmem-INO.img, or
 * sysvshm-ID.img for a SysV segment. */
static inline void shmem_image_name(const ShmemEntry *se, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%lu.img", se->sysv ? "sysvshm" : "shmem", (unsigned long)se->ino);
}

struct version;

/* Read the areas (before anything is injected into the task). */
int dump_mm_areas(struct task *task);
/* Save the shared anonymous memory objects it maps that the tree has not
 * saved yet (into task->shared): one thread at a time. */
int dump_mm_shmem(struct task *task, struct version *v);
/* The data of file fd (size bytes, holes left out) into raw image `name`,
 * as page runs at file offsets (vaddr) added to *runs. */
int dump_file_data(int fd, uint64_t size, struct version *v, const char *name, PageRun ***runs,
		   size_t *n_runs);
/* Page runs in address order, as a scan finds them. */
struct page_runs {
	PageRun **v;
	size_t n, cap;
	uint64_t pages;		/* of the process's own image so far */
};
struct page_region;
/* Soft-dirty tracking: regions of one area as PAGEMAP_SCAN gives them
 * (categories PRESENT, SWAPPED, SOFT_DIRTY, FILE, PFNZERO), in order: the
 * dirty pages go to found (stored), the clean ones to refs where the base
 * (version base_nr) holds them, to found where it does not; holes, the
 * file's pages and the zero page to neither. */
void classify_soft_dirty(const struct page_region *r, size_t n, const MmEntry *base,
			 unsigned base_nr, struct page_runs *found, struct page_runs *refs);
/* Find the pages of every area (PAGEMAP_SCAN) and where each goes: pages
 * that parent (already scanned; NULL for none) shares copy-on-write go to
 * where its own copy is, the others to pages-PID.img, in order. */
int dump_mm_scan(struct task *task, const struct task *parent, bool from_snapshot);
/* Save the pages dump_mm_scan() gave this process's own image.  Needs no
 * ptrace and touches nothing shared but the version: several run at once,
 * in threads of their own, for the processes of a frozen tree. */
int dump_mm_pages(struct task *task, struct version *v);

/* The restorer side, driving the new task: */
struct mm_restore {
	int *run_fds;		/* per page run: the fd of the image it is in, -1: one
				 * that fill_other() fills (a compressed image) */
	int *file_fds;		/* fd in the new task of each vma's file, -1 if none */
	uint64_t *sysv_len;	/* per vma: the SysV segment's length, page-rounded */
	int exe_fd;
	/* after the pages the task reads itself: the others, put there by us */
	int (*fill_other)(struct task *task, void *arg);
	void *fill_arg;
};

/* Paths the new task must open for restore_mm (one per file vma). */
int restore_mm(struct task *task, const struct mm_restore *mr, uint64_t tramp, size_t tramp_len);

#endif
