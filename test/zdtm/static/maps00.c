/*
 * maps00: anonymous private memory of many shapes: holes, PROT_NONE guard
 * pages, pages made read-only after being written, write-only and
 * executable pages, never-touched pages, a large PROT_NONE reservation.
 * After the wait /proc/self/maps is exactly what it was, every page has its
 * data, unmapped pages are still unmapped and protected pages still refuse
 * access (asked through process_vm_readv/writev on ourselves, which fail
 * with EFAULT where we may not read or write: no signal handlers needed).
 */
#include "zdtmtst.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define NPAGES 64
#define PG 4096
#define RESERVE (256UL << 20)

enum { HOLE, RW, RO, NONE, UNTOUCHED, RWX, WO };
static const char *kind_name[] = { "hole", "rw", "ro", "none", "untouched", "rwx", "wo" };
static unsigned char *area, *reserve;
static char maps_before[1 << 16], maps_after[1 << 16];

static unsigned char pat(int pg, int off)
{
	return (unsigned char)(pg * 17 + off * 3 + 1);
}

static int page_kind(int pg)
{
	if (pg % 11 == 5)
		return HOLE;
	if (pg % 13 == 7)
		return NONE;
	if (pg % 9 == 2)
		return RO;
	if (pg % 10 == 3)
		return UNTOUCHED;
	if (pg == 20 || pg == 21)
		return RWX;
	if (pg == 40)
		return WO;
	return RW;
}

static int prot_of(int k)
{
	switch (k) {
	case RO: return PROT_READ;
	case NONE: return PROT_NONE;
	case RWX: return PROT_READ | PROT_WRITE | PROT_EXEC;
	case WO: return PROT_WRITE;
	default: return PROT_READ | PROT_WRITE;
	}
}

static int readable(void *p)
{
	char c;
	struct iovec l = { &c, 1 }, r = { p, 1 };

	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1;
}

/* Writes the byte that belongs there, so a wrong "yes" changes nothing. */
static int writable(void *p, unsigned char want)
{
	struct iovec l = { &want, 1 }, r = { p, 1 };

	return process_vm_writev(getpid(), &l, 1, &r, 1, 0) == 1;
}

/* Use some stack now, so that the [stack] VMA does not grow between the two reads. */
static void touch_stack(void)
{
	volatile char big[128 << 10];

	big[0] = big[sizeof(big) - 1] = 0;
}

static void compare_maps(void)
{
	char *a = maps_before, *b = maps_after;

	while (*a || *b) {
		char *ea = strchrnul(a, '\n'), *eb = strchrnul(b, '\n');
		if (ea - a != eb - b || memcmp(a, b, ea - a))
			fail("/proc/self/maps differs: was \"%.*s\", now \"%.*s\"",
			     (int)(ea - a), a, (int)(eb - b), b);
		a = *ea ? ea + 1 : ea;
		b = *eb ? eb + 1 : eb;
	}
}

int main(int argc, char **argv)
{
	unsigned char vec;

	test_init(argc, argv);
	reserve = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(reserve != MAP_FAILED, "mmap reservation");
	area = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED, "mmap");
	for (int pg = 0; pg < NPAGES; pg++) {
		int k = page_kind(pg);
		unsigned char *p = area + pg * PG;
		if (k == HOLE) {
			munmap(p, PG);
			continue;
		}
		if (k != UNTOUCHED)
			for (int o = 0; o < PG; o++)
				p[o] = pat(pg, o);
		CHECK(mprotect(p, PG, prot_of(k)) == 0, "mprotect page %d", pg);
	}
	touch_stack();
	CHECK(test_read_file("/proc/self/maps", maps_before, sizeof(maps_before)) > 0, "read maps");
	test_daemon();
	test_waitsig();

	CHECK(test_read_file("/proc/self/maps", maps_after, sizeof(maps_after)) > 0, "read maps");
	compare_maps();

	for (int pg = 0; pg < NPAGES; pg++) {
		int k = page_kind(pg);
		unsigned char *p = area + pg * PG;
		const char *kn = kind_name[k];

		if (k == HOLE) {
			CHECK(mincore(p, PG, &vec) < 0 && errno == ENOMEM, "page %d: hole is mapped", pg);
			continue;
		}
		if (k == NONE) {
			CHECK(!readable(p), "page %d (%s) is readable", pg, kn);
			CHECK(!writable(p, pat(pg, 0)), "page %d (%s) is writable", pg, kn);
			/* Look inside to check the data anyway. */
			mprotect(p, PG, PROT_READ);
		}
		if (k == RO)
			CHECK(readable(p) && !writable(p, pat(pg, 0)), "page %d (%s) is writable", pg, kn);
		for (int o = 0; o < PG; o++) {
			unsigned char want = k == UNTOUCHED ? 0 : pat(pg, o);
			CHECK(p[o] == want, "page %d (%s) byte %d is %#x, want %#x", pg, kn, o, p[o], want);
		}
		if (k == RW || k == RWX || k == WO || k == UNTOUCHED) {
			CHECK(writable(p, p[0]), "page %d (%s) is not writable", pg, kn);
			p[PG - 1] ^= 0xff;
		}
	}
	CHECK(!readable(reserve + RESERVE / 2), "PROT_NONE reservation became readable");
	pass();
}
