/*
 * timerfd00: timerfds in each state.
 *   fd 14  CLOCK_MONOTONIC, relative: 3600 s left, every 1800 s
 *   fd 15  CLOCK_REALTIME, absolute (TFD_TIMER_ABSTIME): at now + 3600 s,
 *          non-blocking
 *   fd 16  CLOCK_MONOTONIC, one-shot, expired and not read (1 tick),
 *          non-blocking
 *   fd 17  CLOCK_BOOTTIME, every 50 ms (expired many times, not read)
 *   fd 18  disarmed, non-blocking
 * After the restore each must keep its clock, time left (the absolute one
 * its expiry, to the millisecond, however long the restore took),
 * interval, flags and the ticks it had not read (fd 17 the four periods
 * it ran before the dump).  sigtimerfd00 covers the rest.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define NS 1000000000LL

static long long ns_of(struct timespec t)
{
	return t.tv_sec * NS + t.tv_nsec;
}

static int make(int clk, int flags, int sflags, long long value, long long interval, int want)
{
	struct itimerspec its = {
		.it_value = { value / NS, value % NS },
		.it_interval = { interval / NS, interval % NS },
	};
	int fd = test_fd_at(timerfd_create(clk, flags), want);

	if (fd >= 0 && value && timerfd_settime(fd, sflags, &its, NULL))
		return -1;
	return fd;
}

/* The "settime flags" line of our own fdinfo. */
static int settime_flags(int fd)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (test_read_file(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "settime flags:")))
		return -1;
	return strtol(p + 14, NULL, 8);
}

int main(int argc, char **argv)
{
	long long abs_at = test_now_ns(CLOCK_REALTIME) + 3600 * NS, t1, t2, dump_mono;
	struct itimerspec its;
	uint64_t v = 0;

	test_init(argc, argv);
	CHECK(make(CLOCK_MONOTONIC, 0, 0, 3600 * NS, 1800 * NS, 14) == 14, "timerfd 14: %s",
	      strerror(errno));
	CHECK(make(CLOCK_REALTIME, TFD_NONBLOCK, TFD_TIMER_ABSTIME, abs_at, 0, 15) == 15,
	      "timerfd 15: %s", strerror(errno));
	CHECK(make(CLOCK_MONOTONIC, TFD_NONBLOCK, 0, 1000000, 0, 16) == 16, "timerfd 16: %s",
	      strerror(errno));
	CHECK(make(CLOCK_BOOTTIME, 0, 0, 50000000, 50000000, 17) == 17, "timerfd 17: %s",
	      strerror(errno));
	CHECK(make(CLOCK_MONOTONIC, TFD_NONBLOCK, 0, 0, 0, 18) == 18, "timerfd 18");
	test_sleep_ms(220);	/* fd 16 expires, fd 17 four times */
	dump_mono = test_now_ns(CLOCK_MONOTONIC);
	test_daemon();
	test_waitsig();

	/* fd 14: no more than 3600 s left (less by the time it ran, at most
	 * since the dump), every 1800 s */
	CHECK(timerfd_gettime(14, &its) == 0, "gettime 14: %s", strerror(errno));
	t1 = ns_of(its.it_value);
	t2 = test_now_ns(CLOCK_MONOTONIC) - dump_mono;
	CHECK(t1 <= 3600 * NS && t1 > 3600 * NS - t2 - 2 * NS,
	      "fd 14 has %lld ms left, not about 3600 s", t1 / 1000000);
	CHECK(ns_of(its.it_interval) == 1800 * NS, "fd 14 interval %lld ms",
	      ns_of(its.it_interval) / 1000000);
	CHECK(!(fcntl(14, F_GETFL) & O_NONBLOCK), "fd 14 became O_NONBLOCK");

	/* fd 15: the same expiry on CLOCK_REALTIME, still absolute */
	CHECK(timerfd_gettime(15, &its) == 0, "gettime 15");
	t1 = test_now_ns(CLOCK_REALTIME) + ns_of(its.it_value) - abs_at;
	CHECK(t1 > -NS / 1000 * 20 && t1 < NS / 1000 * 20, "fd 15 expires %lld ms off its time",
	      t1 / 1000000);
	CHECK(settime_flags(15) == TFD_TIMER_ABSTIME, "fd 15 settime flags %o, not absolute",
	      settime_flags(15));
	CHECK(read(15, &v, 8) == -1 && errno == EAGAIN, "fd 15 expired (or blocks)");

	/* fd 16: its one expiration is still there to read, and no more */
	CHECK(read(16, &v, 8) == 8 && v == 1, "fd 16 read %zd ticks (%s)", (ssize_t)v,
	      strerror(errno));
	CHECK(read(16, &v, 8) == -1 && errno == EAGAIN, "fd 16 has more ticks");

	/* fd 17: at least the 4 ticks it had before the dump, then one every
	 * 50 ms */
	CHECK(read(17, &v, 8) == 8 && v >= 4, "fd 17 read %lu ticks, not 4 or more",
	      (unsigned long)v);
	t1 = test_now_ns(CLOCK_MONOTONIC);
	CHECK(read(17, &v, 8) == 8 && v == 1, "fd 17 second read %lu", (unsigned long)v);
	CHECK(read(17, &v, 8) == 8 && v == 1, "fd 17 third read %lu", (unsigned long)v);
	t2 = test_now_ns(CLOCK_MONOTONIC) - t1;
	CHECK(t2 > 40000000 && t2 < 250000000, "fd 17 took %lld ms for 1 to 2 periods of 50",
	      t2 / 1000000);
	CHECK(timerfd_gettime(17, &its) == 0 && ns_of(its.it_interval) == 50000000,
	      "fd 17 interval");

	/* fd 18: still disarmed */
	CHECK(timerfd_gettime(18, &its) == 0 && !its.it_value.tv_sec && !its.it_value.tv_nsec,
	      "fd 18 is armed");
	CHECK(read(18, &v, 8) == -1 && errno == EAGAIN, "fd 18 has ticks");
	pass();
}
