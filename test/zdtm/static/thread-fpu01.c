/*
 * thread-fpu01: threads hold values in their vector registers (SSE xmm0-15
 * and x87 st0-7; AVX ymm0-15; AVX-512 zmm0-31 and k1-7) across the whole
 * wait.  The registers are loaded once in an asm loop that only sleeps (raw
 * nanosleep syscalls, which keep them) until the end, then stored and
 * compared.  Each thread also has its own x87 control word and MXCSR.
 */
#include "zdtmtst.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { SSE, AVX, AVX512, NKINDS };
static const char *kind_name[] = { "sse", "avx", "avx512" };

struct regs {
	uint8_t v[32][64];	/* vector registers */
	uint64_t k[8];		/* AVX-512 mask registers */
	double st[8];		/* x87 stack */
} __attribute__((aligned(64)));

struct fpu_thread {
	int kind;
	struct regs in, out;
	uint16_t fcw, fcw_out;
	uint32_t mxcsr, mxcsr_out;
	volatile int loaded;
};

static volatile int stop;
static const struct timespec nap = { 0, 2000000 };

/* One loop: sleep until stop is set, keeping everything in registers. */
#define SLEEP_LOOP \
	"1:\n\t" \
	"movl $35, %%eax\n\t"		/* nanosleep(nap, NULL) */ \
	"movq %[nap], %%rdi\n\t" \
	"xorl %%esi, %%esi\n\t" \
	"syscall\n\t" \
	"movl $1, (%[loaded])\n\t" \
	"cmpl $0, (%[stop])\n\t" \
	"je 1b\n\t"

#define X(op, n) op(n)
#define R8(op)  X(op,0) X(op,1) X(op,2) X(op,3) X(op,4) X(op,5) X(op,6) X(op,7)
#define R16(op) R8(op) X(op,8) X(op,9) X(op,10) X(op,11) X(op,12) X(op,13) X(op,14) X(op,15)
#define R32(op) R16(op) X(op,16) X(op,17) X(op,18) X(op,19) X(op,20) X(op,21) X(op,22) \
	X(op,23) X(op,24) X(op,25) X(op,26) X(op,27) X(op,28) X(op,29) X(op,30) X(op,31)

#define LD_XMM(n) "movdqu " #n "*64(%[in]), %%xmm" #n "\n\t"
#define ST_XMM(n) "movdqu %%xmm" #n ", " #n "*64(%[out])\n\t"
#define LD_YMM(n) "vmovdqu " #n "*64(%[in]), %%ymm" #n "\n\t"
#define ST_YMM(n) "vmovdqu %%ymm" #n ", " #n "*64(%[out])\n\t"
#define LD_ZMM(n) "vmovdqu64 " #n "*64(%[in]), %%zmm" #n "\n\t"
#define ST_ZMM(n) "vmovdqu64 %%zmm" #n ", " #n "*64(%[out])\n\t"
#define LD_K(n)   "kmovq " #n "*8(%[kin]), %%k" #n "\n\t"
#define ST_K(n)   "kmovq %%k" #n ", " #n "*8(%[kout])\n\t"
#define LD_ST(n)  "fldl " #n "*8(%[stin])\n\t"
#define ST_ST(n)  "fstpl " #n "*8(%[stout])\n\t"	/* pops st0 first: reversed below */

#define OPERANDS \
	: : [in] "r"(t->in.v), [out] "r"(t->out.v), [kin] "r"(t->in.k), \
	    [kout] "r"(t->out.k), [stin] "r"(t->in.st), [stout] "r"(st_rev), \
	    [nap] "r"(&nap), [stop] "r"(&stop), [loaded] "r"(&t->loaded)

static void sse_loop(struct fpu_thread *t)
{
	double st_rev[8];

	asm volatile(R16(LD_XMM) R8(LD_ST) SLEEP_LOOP R16(ST_XMM) R8(ST_ST)
		     OPERANDS
		     : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory", "st", "st(1)",
		       "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)",
		       "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
		       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	/* fstpl stores st0 (the last loaded) first, to st_rev[0]. */
	for (int i = 0; i < 8; i++)
		t->out.st[i] = st_rev[7 - i];
}

__attribute__((target("avx")))
static void avx_loop(struct fpu_thread *t)
{
	double st_rev[8];

	asm volatile(R16(LD_YMM) SLEEP_LOOP R16(ST_YMM)
		     OPERANDS
		     : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory",
		       "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
		       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	(void)st_rev;
}

__attribute__((target("avx512f,avx512bw")))
static void avx512_loop(struct fpu_thread *t)
{
	double st_rev[8];

	asm volatile(R32(LD_ZMM) "kmovq 8(%[kin]), %%k1\n\t" "kmovq 16(%[kin]), %%k2\n\t"
		     "kmovq 24(%[kin]), %%k3\n\t" "kmovq 32(%[kin]), %%k4\n\t"
		     "kmovq 40(%[kin]), %%k5\n\t" "kmovq 48(%[kin]), %%k6\n\t"
		     "kmovq 56(%[kin]), %%k7\n\t"
		     SLEEP_LOOP R32(ST_ZMM)
		     "kmovq %%k1, 8(%[kout])\n\t" "kmovq %%k2, 16(%[kout])\n\t"
		     "kmovq %%k3, 24(%[kout])\n\t" "kmovq %%k4, 32(%[kout])\n\t"
		     "kmovq %%k5, 40(%[kout])\n\t" "kmovq %%k6, 48(%[kout])\n\t"
		     "kmovq %%k7, 56(%[kout])\n\t"
		     OPERANDS
		     : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory",
		       "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
		       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
		       "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",
		       "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",
		       "k1", "k2", "k3", "k4", "k5", "k6", "k7");
	(void)st_rev;
}

static void *worker(void *arg)
{
	struct fpu_thread *t = arg;

	asm volatile("fldcw %0" : : "m"(t->fcw));
	asm volatile("ldmxcsr %0" : : "m"(t->mxcsr));
	if (t->kind == SSE)
		sse_loop(t);
	else if (t->kind == AVX)
		avx_loop(t);
	else
		avx512_loop(t);
	asm volatile("fnstcw %0" : "=m"(t->fcw_out));
	asm volatile("stmxcsr %0" : "=m"(t->mxcsr_out));
	return NULL;
}

static void check(struct fpu_thread *t, const char *who)
{
	int nregs = t->kind == AVX512 ? 32 : 16;
	int width = t->kind == SSE ? 16 : t->kind == AVX ? 32 : 64;

	for (int r = 0; r < nregs; r++)
		for (int b = 0; b < width; b++)
			CHECK(t->in.v[r][b] == t->out.v[r][b],
			      "%s: %smm%d byte %d is %#x, was %#x", who,
			      t->kind == SSE ? "x" : t->kind == AVX ? "y" : "z", r, b,
			      t->out.v[r][b], t->in.v[r][b]);
	if (t->kind == AVX512)
		for (int k = 1; k < 8; k++)
			CHECK(t->in.k[k] == t->out.k[k], "%s: k%d is %#lx, was %#lx", who, k,
			      (unsigned long)t->out.k[k], (unsigned long)t->in.k[k]);
	if (t->kind == SSE)
		for (int i = 0; i < 8; i++)
			CHECK(!memcmp(&t->in.st[i], &t->out.st[i], 8), "%s: x87 st%d is %g, was %g",
			      who, 7 - i, t->out.st[i], t->in.st[i]);
	CHECK(t->fcw_out == t->fcw, "%s: x87 control word %#x, was %#x", who, t->fcw_out, t->fcw);
	/* The low 6 bits are sticky exception flags; the rest is control. */
	CHECK((t->mxcsr_out & ~0x3fu) == (t->mxcsr & ~0x3fu), "%s: mxcsr %#x, was %#x",
	      who, t->mxcsr_out, t->mxcsr);
}

int main(int argc, char **argv)
{
	static struct fpu_thread t[NKINDS];
	pthread_t th[NKINDS];
	int have[NKINDS] = { 1, __builtin_cpu_supports("avx"),
			     __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") };
	uint16_t fcw = 0x0e7f, fcw_out;		/* round to zero, double precision */
	uint32_t mxcsr = 0x1f80 | 0x6000 | 0x8040, mxcsr_out;	/* round to zero, FTZ, DAZ */
	char who[32];

	test_init(argc, argv);
	for (int k = 0; k < NKINDS; k++) {
		uint64_t seed = 0xf00 + k;
		t[k].kind = k;
		for (int r = 0; r < 32; r++)
			for (int b = 0; b < 64; b += 8) {
				uint64_t v = test_rand64(&seed);
				memcpy(&t[k].in.v[r][b], &v, 8);
			}
		for (int i = 0; i < 8; i++) {
			t[k].in.k[i] = test_rand64(&seed);
			t[k].in.st[i] = 1.0 / (3 + i + 10 * k);
		}
		/* Different rounding and precision per thread. */
		t[k].fcw = 0x037f ^ ((k + 1) << 10) ^ (k << 8);
		t[k].mxcsr = 0x1f80 | ((k + 1) % 4) << 13 | (k & 1 ? 0x8000 : 0);
		if (!have[k]) {
			test_msg("no %s here: not tested", kind_name[k]);
			continue;
		}
		CHECK(!pthread_create(&th[k], NULL, worker, &t[k]), "pthread_create");
	}
	asm volatile("fldcw %0" : : "m"(fcw));
	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	for (int k = 0; k < NKINDS; k++)
		while (have[k] && !t[k].loaded)
			test_sleep_ms(1);
	test_daemon();
	test_waitsig();

	asm volatile("fnstcw %0" : "=m"(fcw_out));
	asm volatile("stmxcsr %0" : "=m"(mxcsr_out));
	CHECK(fcw_out == fcw, "main: x87 control word %#x, was %#x", fcw_out, fcw);
	CHECK((mxcsr_out & ~0x3fu) == (mxcsr & ~0x3fu), "main: mxcsr %#x, was %#x", mxcsr_out, mxcsr);
	stop = 1;
	for (int k = 0; k < NKINDS; k++) {
		if (!have[k])
			continue;
		pthread_join(th[k], NULL);
		snprintf(who, sizeof(who), "%s thread", kind_name[k]);
		check(&t[k], who);
	}
	pass();
}
