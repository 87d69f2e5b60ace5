/*
 * sigtimerfd00: signalfd and timerfd.
 *   14  signalfd for SIGUSR1 and SIGUSR2 (blocked), non-blocking; a SIGUSR1
 *       is pending
 *   15  timerfd, CLOCK_MONOTONIC, first in 400 ms, then every 100 ms
 *   16  timerfd, CLOCK_REALTIME, absolute, an hour from the start
 *   17  timerfd, one-shot, expired and not read (1 tick), non-blocking
 *   18  timerfd, disarmed
 * After the restore each must behave as before.
 */
#include "zdtmtst.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

static uint64_t left_ms(int fd)
{
	struct itimerspec its;

	CHECK(timerfd_gettime(fd, &its) == 0, "timerfd_gettime(%d): %s", fd, strerror(errno));
	return its.it_value.tv_sec * 1000ULL + its.it_value.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct itimerspec periodic = { { 0, 100000000 }, { 0, 400000000 } };
	struct itimerspec oneshot = { { 0, 0 }, { 0, 10000000 } };
	struct itimerspec abs = { { 0, 0 }, { 0, 0 } }, its;
	struct signalfd_siginfo si;
	struct timespec now;
	uint64_t ticks, t1;
	sigset_t m;

	test_init(argc, argv);
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &m, NULL) == 0, "sigprocmask");
	CHECK(test_fd_at(signalfd(-1, &m, SFD_NONBLOCK), 14) == 14, "signalfd: %s", strerror(errno));
	CHECK(raise(SIGUSR1) == 0, "raise");

	CHECK(test_fd_at(timerfd_create(CLOCK_MONOTONIC, 0), 15) == 15 &&
	      timerfd_settime(15, 0, &periodic, NULL) == 0, "timerfd 15: %s", strerror(errno));
	clock_gettime(CLOCK_REALTIME, &now);
	abs.it_value.tv_sec = now.tv_sec + 3600;
	CHECK(test_fd_at(timerfd_create(CLOCK_REALTIME, 0), 16) == 16 &&
	      timerfd_settime(16, TFD_TIMER_ABSTIME, &abs, NULL) == 0, "timerfd 16");
	CHECK(test_fd_at(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 17) == 17 &&
	      timerfd_settime(17, 0, &oneshot, NULL) == 0, "timerfd 17");
	CHECK(test_fd_at(timerfd_create(CLOCK_BOOTTIME, 0), 18) == 18, "timerfd 18");
	test_sleep_ms(50);	/* 17 expires */

	test_daemon();
	test_waitsig();

	CHECK(read(14, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1,
	      "the pending SIGUSR1 is not read from the signalfd");
	CHECK(read(14, &si, sizeof(si)) == -1 && errno == EAGAIN, "signalfd 14 blocks or has more");
	CHECK(raise(SIGUSR2) == 0, "raise");
	CHECK(read(14, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR2,
	      "SIGUSR2 is not read from the signalfd");

	/* the periodic one fires and keeps its period */
	CHECK(timerfd_gettime(15, &its) == 0 && its.it_interval.tv_nsec == 100000000 &&
	      !its.it_interval.tv_sec, "timerfd 15 lost its interval");
	CHECK(read(15, &ticks, 8) == 8 && ticks >= 1, "timerfd 15 does not fire");
	t1 = test_now_ns(CLOCK_MONOTONIC);
	CHECK(read(15, &ticks, 8) == 8 && ticks >= 1, "timerfd 15 does not fire again");
	t1 = test_now_ns(CLOCK_MONOTONIC) - t1;
	CHECK(t1 < 300000000ULL, "timerfd 15's next tick took %lu ms", (unsigned long)(t1 / 1000000));

	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(timerfd_gettime(16, &its) == 0 && its.it_value.tv_sec <= 3600 &&
	      its.it_value.tv_sec + now.tv_sec >= abs.it_value.tv_sec - 60 &&
	      its.it_value.tv_sec + now.tv_sec <= abs.it_value.tv_sec + 1,
	      "timerfd 16 fires in %ld s, not at its time", (long)its.it_value.tv_sec);

	CHECK(read(17, &ticks, 8) == 8 && ticks == 1, "timerfd 17 lost its expiry");
	CHECK(read(17, &ticks, 8) == -1 && errno == EAGAIN, "timerfd 17 fires again");
	CHECK(left_ms(18) == 0, "timerfd 18 is armed");
	CHECK(timerfd_gettime(18, &its) == 0 && !its.it_interval.tv_sec && !its.it_interval.tv_nsec,
	      "timerfd 18 has an interval");
	pass();
}
