/*
 * zdtmtst: the tiny library every C/R test is built on.
 *
 * A test calls test_init() first (before it starts any thread), sets up its
 * state, calls test_daemon() to tell the runner it is ready, test_waitsig()
 * to wait for SIGTERM (the checkpoint and restore happen during this wait),
 * then checks its state and ends with pass() or fail("reason").
 *
 * The verdict goes to the file named by --out: the runner reads "READY",
 * then one of "PASS", "FAIL: reason" or "SKIP: reason".  The handshake is a
 * regular file, opened once and kept open, so that a test holds no pipe,
 * socket or tty but those it makes itself.
 *
 * Output never goes through malloc or stdio: tests such as brk00 and maps00
 * compare the heap and the memory map before and after the wait.
 */
#ifndef ZDTMTST_H
#define ZDTMTST_H

#include <signal.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Arguments left after the library's own options (argv[0] first). */
extern int test_argc;
extern char **test_argv;

void test_init(int argc, char **argv);
void test_daemon(void);
void test_waitsig(void);
/* Non-zero once SIGTERM arrived (for tests whose threads poll for the end). */
int test_sigterm_seen(void);

void pass(void) __attribute__((noreturn));
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void test_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* Small helpers shared by the tests. */
pid_t test_gettid(void);
uint64_t test_now_ns(clockid_t clk);
/* Sleep the whole time even when a restore makes the sleep return EINTR. */
void test_sleep_ms(unsigned ms);
/* Burn this much CPU time of the calling thread (for CPU-time timers). */
void test_burn_cpu_ms(unsigned ms);
/* Put fd at exactly the number want (closing fd unless it is want):
 * want, or -1 (fd < 0 included: test_fd_at(open(...), 10)). */
int test_fd_at(int fd, int want);
/* Read len bytes from fd (a pipe, a socket, a tty), waiting up to ms for
 * them; buf (len + 1 bytes) gets what came, NUL-terminated.  Returns how
 * many came. */
size_t test_read_for(int fd, char *buf, size_t len, unsigned ms);
/* Read a whole (small, /proc) file into buf, NUL-terminated; -1 on error. */
ssize_t test_read_file(const char *path, char *buf, size_t size);
/* The calling thread's blocked-signal mask as the kernel's 64-bit word. */
uint64_t test_sigmask(void);
/* Value of an "Key:\tvalue" line of /proc/self/status (or a task's), -1 if absent. */
long long test_status_field(const char *status_path, const char *key);
/* A child of the test, in the tree at the dump: it runs setup() (non-zero:
 * it exits with that), tells us it is ready, waits for SIGTERM, then exits
 * with after()'s value (0: all is well).  Returns once it is ready. */
pid_t test_child(int (*setup)(void), int (*after)(void));
/* SIGTERM to it; it must exit 0. */
void test_child_end(pid_t child);
/* A fast deterministic pseudo-random generator (splitmix64). */
uint64_t test_rand64(uint64_t *state);

#endif
