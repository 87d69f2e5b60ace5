#ifndef CKPT_XSAVE_H
#define CKPT_XSAVE_H

#include <stdint.h>

/* The XSAVE features this CPU and kernel enable (XCR0), 0 without XSAVE. */
static inline uint64_t xsave_features(void)
{
	uint32_t eax, ebx, ecx, edx, lo, hi;

	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
	if (!(ecx & (1u << 27)))	/* OSXSAVE */
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

#endif
