/*
 * sigaction00: signal dispositions.  The kernel's view of all 64 (handler,
 * flags including SA_RESTORER, restorer, mask; read with the raw syscall) is
 * the same after the wait, and so is the alternate signal stack; then every
 * handler still fires with its flags' effects: SA_SIGINFO data, sa_mask
 * blocked inside the handler, SA_RESETHAND, SA_NODEFER, SA_ONSTACK, SIG_IGN.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ksigaction {
	unsigned long handler, flags, restorer;
	uint64_t mask;
};

static struct ksigaction before[65];
static char altstack[64 << 10];
static volatile int hits[65];
static volatile uint64_t mask_inside[65];
static volatile int code_inside[65], on_altstack, depth, nested;

static void get_all(struct ksigaction *ka)
{
	for (int sig = 1; sig <= 64; sig++)
		if (syscall(SYS_rt_sigaction, sig, NULL, &ka[sig], 8) != 0)
			memset(&ka[sig], 0xff, sizeof(ka[sig]));	/* 32/33 may be refused */
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits[sig]++;
	code_inside[sig] = si->si_code;
	mask_inside[sig] = test_sigmask();
}

static void plain_handler(int sig)
{
	volatile char here;

	hits[sig]++;
	mask_inside[sig] = test_sigmask();
	if ((char *)&here >= altstack && (char *)&here < altstack + sizeof(altstack))
		on_altstack = 1;
	/* SIGUSR2 has SA_NODEFER: re-raising it inside runs the handler again. */
	if (sig == SIGUSR2 && depth++ == 0) {
		raise(SIGUSR2);
		nested = hits[SIGUSR2] == 2;
	}
}

static void set(int sig, void *h, int flags, int m1, int m2)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = h;
	else
		sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (m1)
		sigaddset(&sa.sa_mask, m1);
	if (m2)
		sigaddset(&sa.sa_mask, m2);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction(%d)", sig);
}

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

int main(int argc, char **argv)
{
	static struct ksigaction now[65];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, ss_now;

	test_init(argc, argv);
	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	set(SIGUSR1, info_handler, SA_SIGINFO | SA_RESTART, SIGUSR2, SIGRTMIN + 3);
	set(SIGUSR2, plain_handler, SA_NODEFER, 0, 0);
	set(SIGWINCH, plain_handler, SA_RESETHAND, 0, 0);	/* its default is to ignore */
	set(SIGRTMIN + 1, plain_handler, SA_ONSTACK, SIGHUP, 0);
	set(SIGALRM, plain_handler, 0, 0, 0);
	set(SIGRTMAX, info_handler, SA_SIGINFO | SA_ONSTACK | SA_RESTART, SIGRTMIN, 0);
	set(SIGINT, SIG_IGN, 0, 0, 0);
	set(SIGCHLD, SIG_DFL, SA_NOCLDSTOP, 0, 0);
	get_all(before);
	test_daemon();
	test_waitsig();

	get_all(now);
	for (int sig = 1; sig <= 64; sig++) {
		struct ksigaction *a = &before[sig], *b = &now[sig];
		CHECK(!memcmp(a, b, sizeof(*a)),
		      "signal %d: handler %#lx flags %#lx restorer %#lx mask %#llx, was %#lx %#lx %#lx %#llx",
		      sig, b->handler, b->flags, b->restorer, (unsigned long long)b->mask,
		      a->handler, a->flags, a->restorer, (unsigned long long)a->mask);
	}
	CHECK(before[SIGUSR1].flags & 0x04000000, "glibc did not set SA_RESTORER?");
	CHECK(sigaltstack(NULL, &ss_now) == 0, "sigaltstack");
	CHECK(ss_now.ss_sp == altstack && ss_now.ss_size == sizeof(altstack) && ss_now.ss_flags == 0,
	      "sigaltstack is %p+%zu flags %d, was %p+%zu", ss_now.ss_sp, ss_now.ss_size,
	      ss_now.ss_flags, (void *)altstack, sizeof(altstack));

	/* The handlers still work as set up. */
	raise(SIGUSR1);
	CHECK(hits[SIGUSR1] == 1 && code_inside[SIGUSR1] == SI_TKILL, "SIGUSR1 handler: %d hits, si_code %d",
	      hits[SIGUSR1], code_inside[SIGUSR1]);
	CHECK((mask_inside[SIGUSR1] & (bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGRTMIN + 3))) ==
	      (bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGRTMIN + 3)), "SIGUSR1 handler ran with mask %#llx",
	      (unsigned long long)mask_inside[SIGUSR1]);
	raise(SIGUSR2);
	CHECK(nested && hits[SIGUSR2] == 2, "SA_NODEFER: SIGUSR2 did not nest (%d hits)", hits[SIGUSR2]);
	struct sigaction cur;
	raise(SIGWINCH);
	sigaction(SIGWINCH, NULL, &cur);
	CHECK(hits[SIGWINCH] == 1 && cur.sa_handler == SIG_DFL, "SA_RESETHAND: SIGWINCH handler not reset");
	on_altstack = 0;
	raise(SIGRTMIN + 1);
	CHECK(hits[SIGRTMIN + 1] == 1 && on_altstack, "SA_ONSTACK handler did not run on the alternate stack");
	CHECK(mask_inside[SIGRTMIN + 1] & bit(SIGHUP), "SIGRTMIN+1 handler mask lacks SIGHUP");
	raise(SIGALRM);
	CHECK(hits[SIGALRM] == 1, "SIGALRM handler did not run");
	raise(SIGRTMAX);
	CHECK(hits[SIGRTMAX] == 1 && (mask_inside[SIGRTMAX] & bit(SIGRTMIN)), "SIGRTMAX handler");
	raise(SIGINT);		/* ignored: we are still here */
	pass();
}
