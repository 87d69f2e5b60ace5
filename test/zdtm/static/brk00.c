/*
 * brk00: the program break.  We move it (grow, write, shrink a little) and
 * after the wait the kernel's break (brk(0), not glibc's cached sbrk(0)) and
 * /proc/self/stat's start_brk are unchanged, the data is there, and the break
 * still grows.  Nothing here may call malloc, which moves the break too.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GROW (1 << 20)

static unsigned long kernel_brk(void)
{
	return (unsigned long)syscall(SYS_brk, 0);
}

/* Field 47 of /proc/self/stat is start_brk (proc(5) counts from 1). */
static unsigned long start_brk(void)
{
	static char buf[4096];
	char *p;
	int field = 2;

	CHECK(test_read_file("/proc/self/stat", buf, sizeof(buf)) > 0, "read /proc/self/stat");
	p = strrchr(buf, ')') + 1;
	while (field < 47 && p)
		p = strchr(p + 1, ' '), field++;
	return p ? strtoul(p + 1, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	unsigned char *base, *cur;
	unsigned long kbrk, sbrk_start;

	test_init(argc, argv);
	sbrk_start = start_brk();
	base = sbrk(GROW);
	CHECK(base != (void *)-1, "sbrk(%d)", GROW);
	for (int i = 0; i < GROW; i++)
		base[i] = (unsigned char)(i * 13 + (i >> 12));
	CHECK(sbrk(-4096 * 3) != (void *)-1, "sbrk(-12288)");
	cur = sbrk(0);
	kbrk = kernel_brk();
	CHECK(kbrk == (unsigned long)cur, "brk(0) %#lx, sbrk(0) %p", kbrk, (void *)cur);
	test_daemon();
	test_waitsig();

	CHECK(kernel_brk() == kbrk, "kernel break %#lx, was %#lx", kernel_brk(), kbrk);
	CHECK(sbrk(0) == cur, "sbrk(0) %p, was %p", sbrk(0), (void *)cur);
	CHECK(start_brk() == sbrk_start, "start_brk %#lx, was %#lx", start_brk(), sbrk_start);
	for (int i = 0; i < GROW - 4096 * 3; i++)
		CHECK(base[i] == (unsigned char)(i * 13 + (i >> 12)), "byte %d of the break area changed", i);
	/* Still growable, and the new pages are zero and writable. */
	unsigned char *more = sbrk(64 << 10);
	CHECK(more == cur, "sbrk(64K) gave %p, expected %p", (void *)more, (void *)cur);
	CHECK(kernel_brk() == (unsigned long)cur + (64 << 10), "kernel break did not grow");
	for (int i = 0; i < 64 << 10; i++) {
		CHECK(more[i] == 0, "new break page not zero at %d", i);
		more[i] = 1;
	}
	pass();
}
