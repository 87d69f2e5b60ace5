/*
 * stack00: the stack.  A deep recursion (the stack VMA grows well past its
 * first pages) waits at the bottom; every frame's data must survive.  Also a
 * MAP_GROWSDOWN area keeps its data and still grows down after the restore.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define DEPTH 3000			/* x 1 KiB frames: ~3 MiB of stack */
#define GD_SIZE (64 << 10)
#define GD_ROOM (8 << 20)		/* free space below the area to grow into */

static unsigned char *gd;		/* start of the growsdown area */

/* Start address of the VMA holding addr, from /proc/self/maps; 0 if none. */
static unsigned long vma_start(void *addr, char *flags_out)
{
	static char buf[1 << 16];
	unsigned long a = (unsigned long)addr;

	CHECK(test_read_file("/proc/self/maps", buf, sizeof(buf)) > 0, "read maps");
	for (char *p = buf; *p; p = strchr(p, '\n') + 1) {
		unsigned long s, e;
		char perms[8];
		if (sscanf(p, "%lx-%lx %7s", &s, &e, perms) == 3 && s <= a && a < e) {
			if (flags_out)
				strcpy(flags_out, perms);
			return s;
		}
		if (!strchr(p, '\n'))
			break;
	}
	return 0;
}

/* Is the growsdown flag ("gd" in smaps VmFlags) set on the VMA at start? */
static int growsdown(unsigned long start)
{
	static char buf[1 << 20];
	char head[32];
	char *p;

	snprintf(head, sizeof(head), "%lx-", start);
	CHECK(test_read_file("/proc/self/smaps", buf, sizeof(buf)) > 0, "read smaps");
	p = strstr(buf, head);
	CHECK(p, "no VMA at %#lx in smaps", start);
	p = strstr(p, "VmFlags:");
	CHECK(p, "no VmFlags");
	*strchrnul(p, '\n') = '\0';
	return strstr(p, " gd") != NULL;
}

static void after_wait(void)
{
	unsigned long s = vma_start(gd, NULL);

	CHECK(s && s <= (unsigned long)gd, "growsdown area at %p is gone", (void *)gd);
	CHECK(growsdown(s), "area at %#lx lost MAP_GROWSDOWN", s);
	for (int i = 0; i < GD_SIZE; i++)
		CHECK(gd[i] == (unsigned char)(i ^ 0xa5), "growsdown area byte %d changed", i);
	/* Touch below it: the kernel grows it (again). */
	gd[-3 * 4096] = 7;
	CHECK(vma_start(gd, NULL) <= (unsigned long)gd - 3 * 4096,
	      "growsdown area did not grow down after the wait");
}

static int recurse(int depth)
{
	volatile unsigned char frame[1000];
	int sum = 0;

	for (int i = 0; i < 1000; i++)
		frame[i] = (unsigned char)(depth * 3 + i);
	if (depth == DEPTH) {
		test_daemon();
		test_waitsig();
		after_wait();
	} else {
		sum = recurse(depth + 1);
	}
	for (int i = 0; i < 1000; i++)
		if (frame[i] != (unsigned char)(depth * 3 + i))
			fail("frame at depth %d byte %d is %#x", depth, i, frame[i]);
	return sum + frame[depth % 1000];
}

int main(int argc, char **argv)
{
	unsigned char *room;

	test_init(argc, argv);
	/* Find free address space, put the area at its top. */
	room = mmap(NULL, GD_ROOM, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(room != MAP_FAILED, "mmap room");
	munmap(room, GD_ROOM);
	gd = mmap(room + GD_ROOM - GD_SIZE, GD_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(gd != MAP_FAILED, "mmap MAP_GROWSDOWN");
	for (int i = 0; i < GD_SIZE; i++)
		gd[i] = (unsigned char)(i ^ 0xa5);
	gd[-4096] = 1;			/* grows once before the checkpoint */
	CHECK(vma_start(gd, NULL) <= (unsigned long)gd - 4096, "growsdown area does not grow");
	recurse(0);
	pass();
}
