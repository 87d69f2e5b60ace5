/*
 * vdso00: the vDSO stays where it was (AT_SYSINFO_EHDR, [vdso] and [vvar]
 * lines of /proc/self/maps) and still works: clock_gettime and gettimeofday
 * through it go forward and agree with the same calls made as raw syscalls.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static char special[1024];

/* The [vdso], [vvar]... lines of /proc/self/maps, in order. */
static void special_maps(char *out, size_t size)
{
	static char buf[1 << 16];
	size_t n = 0;

	CHECK(test_read_file("/proc/self/maps", buf, sizeof(buf)) > 0, "read maps");
	out[0] = '\0';
	for (char *p = buf; *p;) {
		char *e = strchrnul(p, '\n');
		if ((strstr(p, "[vdso]") && strstr(p, "[vdso]") < e) ||
		    (strstr(p, "[vvar") && strstr(p, "[vvar") < e))
			n += snprintf(out + n, size - n, "%.*s;", (int)(e - p), p);
		p = *e ? e + 1 : e;
	}
}

static int64_t ns(struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* vDSO and syscall clocks agree, and the vDSO clock never goes back. */
static void check_clocks(const char *when, int64_t *last_mono)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
					    CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
					    CLOCK_MONOTONIC_COARSE };
	for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
		struct timespec a, b, s;
		CHECK(clock_gettime(clocks[c], &a) == 0, "%s: clock_gettime(%d)", when, clocks[c]);
		CHECK(syscall(SYS_clock_gettime, clocks[c], &s) == 0, "syscall clock_gettime");
		CHECK(clock_gettime(clocks[c], &b) == 0, "clock_gettime");
		/* coarse clocks may lag the syscall by a tick */
		CHECK(ns(&a) <= ns(&s) + 20000000 && ns(&s) <= ns(&b) + 20000000,
		      "%s: clock %d: vdso %lld, syscall %lld, vdso %lld", when, clocks[c],
		      (long long)ns(&a), (long long)ns(&s), (long long)ns(&b));
	}
	for (int i = 0; i < 10000; i++) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		CHECK(ns(&t) >= *last_mono, "%s: CLOCK_MONOTONIC went back", when);
		*last_mono = ns(&t);
	}
	struct timeval tv;
	struct timespec rt;
	CHECK(gettimeofday(&tv, NULL) == 0, "gettimeofday");
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &rt);
	CHECK(llabs((long long)tv.tv_sec * 1000000 + tv.tv_usec - ns(&rt) / 1000) < 100000,
	      "%s: gettimeofday %ld.%06ld is far from the realtime clock", when,
	      (long)tv.tv_sec, (long)tv.tv_usec);
	CHECK(llabs((long long)time(NULL) - rt.tv_sec) <= 1, "%s: time() is off", when);
}

int main(int argc, char **argv)
{
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	char now[1024];
	int64_t last = 0;

	test_init(argc, argv);
	CHECK(vdso, "no vDSO here");
	special_maps(special, sizeof(special));
	CHECK(strstr(special, "[vdso]"), "no [vdso] in maps");
	check_clocks("before", &last);
	test_daemon();
	test_waitsig();

	special_maps(now, sizeof(now));
	CHECK(!strcmp(now, special), "vdso/vvar maps changed: \"%s\", was \"%s\"", now, special);
	CHECK(!memcmp((void *)vdso, "\177ELF", 4), "no ELF header at AT_SYSINFO_EHDR %#lx", vdso);
	check_clocks("after", &last);
	pass();
}
