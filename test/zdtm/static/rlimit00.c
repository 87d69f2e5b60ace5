/*
 * rlimit00: resource limits, lowered (soft and hard) for many resources; all
 * of them, changed or not, are the same after the wait.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	static const struct { int res; rlim_t cur, max; } set[] = {
		{ RLIMIT_NOFILE, 200, 300 },
		{ RLIMIT_CORE, 0, 4096 },
		{ RLIMIT_CPU, 100000, 200000 },
		{ RLIMIT_FSIZE, 1ULL << 32, 1ULL << 33 },
		{ RLIMIT_STACK, 7 << 20, 9 << 20 },
		{ RLIMIT_AS, 1ULL << 40, RLIM_INFINITY },
		{ RLIMIT_MEMLOCK, 1 << 20, 2 << 20 },
		{ RLIMIT_MSGQUEUE, 8000, 9000 },
		{ RLIMIT_NICE, 5, 10 },
		{ RLIMIT_RTPRIO, 0, 3 },
		{ RLIMIT_SIGPENDING, 3000, 4000 },
		{ RLIMIT_LOCKS, 1000, 2000 },
	};
	struct rlimit before[RLIM_NLIMITS], after;

	test_init(argc, argv);
	/* Only ever lower: CI may run us without CAP_SYS_RESOURCE. */
	for (unsigned i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		struct rlimit r;
		CHECK(getrlimit(set[i].res, &r) == 0, "getrlimit(%d)", set[i].res);
		if (r.rlim_max > set[i].max)
			r.rlim_max = set[i].max;
		r.rlim_cur = set[i].cur < r.rlim_max ? set[i].cur : r.rlim_max;
		CHECK(setrlimit(set[i].res, &r) == 0, "setrlimit(%d)", set[i].res);
	}
	for (int r = 0; r < RLIM_NLIMITS; r++)
		CHECK(getrlimit(r, &before[r]) == 0, "getrlimit(%d)", r);
	test_daemon();
	test_waitsig();

	for (int r = 0; r < RLIM_NLIMITS; r++) {
		CHECK(getrlimit(r, &after) == 0, "getrlimit(%d)", r);
		CHECK(after.rlim_cur == before[r].rlim_cur && after.rlim_max == before[r].rlim_max,
		      "limit %d is %llu/%llu, was %llu/%llu", r, (unsigned long long)after.rlim_cur,
		      (unsigned long long)after.rlim_max, (unsigned long long)before[r].rlim_cur,
		      (unsigned long long)before[r].rlim_max);
	}
	pass();
}
