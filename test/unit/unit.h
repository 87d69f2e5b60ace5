/*
 * A tiny unit-test harness.
 *
 * Each test runs in a forked child, with a fresh empty directory (unit_dir)
 * that the parent removes afterwards, and at most UNIT_TIMEOUT seconds: a
 * crash, a hang or an early exit fails that test alone.  The parent prints
 * one line per test, "PASS name" or "FAIL name: why"; run.sh counts them.
 * UNIT_KEEP=1 keeps the scratch directories, to look at what a test made.
 *
 *   UNIT_TEST(name) { CHECK(...); CHECK_ERR("substring of first_error()"); }
 *   int main(int argc, char **argv) { return UNIT_MAIN(argc, argv, name, ...); }
 */
#ifndef CKPT_UNIT_H
#define CKPT_UNIT_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "log.h"
#include "util.h"

#define UNIT_TIMEOUT 60

struct unit_test {
	const char *name;
	void (*fn)(void);
};

static const char *unit_name;	/* the test running */
static char unit_dir[64];	/* its scratch directory */

static void __attribute__((noreturn, format(printf, 3, 4)))
unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: %s:%d: ", unit_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

#define CHECK(cond) do { \
	if (!(cond)) \
		unit_fail(__FILE__, __LINE__, "%s", #cond); \
} while (0)

#define CHECK_INT(a, b) do { \
	long long _a = (a), _b = (b); \
	if (_a != _b) \
		unit_fail(__FILE__, __LINE__, "%s is %lld, expected %lld", #a, _a, _b); \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || strcmp(_a, _b)) \
		unit_fail(__FILE__, __LINE__, "%s is '%s', expected '%s'", #a, \
			  _a ? _a : "(null)", _b); \
} while (0)

/* hay contains needle */
#define CHECK_HAS(hay, needle) do { \
	const char *_h = (hay), *_n = (needle); \
	if (!_h || !strstr(_h, _n)) \
		unit_fail(__FILE__, __LINE__, "%s is '%s', which lacks '%s'", #hay, \
			  _h ? _h : "(null)", _n); \
} while (0)

/* The first error recorded (by error()) contains each of the strings. */
#define CHECK_ERR(...) do { \
	const char *_needles[] = { __VA_ARGS__ }; \
	for (size_t _i = 0; _i < sizeof(_needles) / sizeof(_needles[0]); _i++) \
		CHECK_HAS(first_error(), _needles[_i]); \
} while (0)

/* A path inside unit_dir (a static buffer, one of a few). */
static inline const char *unit_path(const char *name)
{
	static char bufs[8][256];
	static unsigned next;
	char *p = bufs[next++ % 8];

	snprintf(p, 256, "%s/%s", unit_dir, name);
	return p;
}

static inline int unit_dirfd(void)
{
	int fd = open(unit_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		unit_fail(__FILE__, __LINE__, "cannot open '%s': %s", unit_dir, strerror(errno));
	return fd;
}

static inline int unit_run(const struct unit_test *t, size_t n, int argc, char **argv)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		int status;
		pid_t pid;

		/* A name on the command line runs only the tests it names. */
		if (argc > 1) {
			bool wanted = false;

			for (int a = 1; a < argc; a++)
				wanted |= !strcmp(argv[a], t[i].name);
			if (!wanted)
				continue;
		}
		snprintf(unit_dir, sizeof(unit_dir), "/tmp/ckpt-unit-XXXXXX");
		if (!mkdtemp(unit_dir)) {
			printf("FAIL %s: cannot make a scratch directory: %s\n", t[i].name,
			       strerror(errno));
			failed++;
			continue;
		}
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			unit_name = t[i].name;
			alarm(UNIT_TIMEOUT);
			log_init(LOG_ERROR);
			clear_error();
			t[i].fn();
			fflush(stdout);
			_exit(0);
		}
		while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (pid < 0) {
			printf("FAIL %s: fork: %s\n", t[i].name, strerror(errno));
			failed++;
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("PASS %s\n", t[i].name);
		} else {
			failed++;
			/* exit 1: the child printed its FAIL line */
			if (WIFSIGNALED(status))
				printf("FAIL %s: %s\n", t[i].name, WTERMSIG(status) == SIGALRM ?
				       "timed out" : strsignal(WTERMSIG(status)));
			else if (WEXITSTATUS(status) != 1)
				printf("FAIL %s: exited with status %d\n", t[i].name,
				       WEXITSTATUS(status));
		}
		if (!getenv("UNIT_KEEP")) remove_tree(AT_FDCWD, unit_dir); else printf("kept %s\n", unit_dir);
	}
	fflush(stdout);
	return failed ? 1 : 0;
}

#define UNIT_TEST(fn) static void fn(void)
#define UNIT_ENTRY(fn) { #fn, fn }
#define UNIT_MAIN(argc, argv, ...) ({ \
	static const struct unit_test _tests[] = { __VA_ARGS__ }; \
	unit_run(_tests, sizeof(_tests) / sizeof(_tests[0]), argc, argv); \
})

/* ---- files ---------------------------------------------------------- */

static inline void unit_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write_all(fd, buf, len) || close(fd))
		unit_fail(__FILE__, __LINE__, "cannot write '%s': %s", path, strerror(errno));
}

/* Overwrite len bytes at off. */
static inline void unit_patch(const char *path, off_t off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || pwrite_all(fd, buf, len, off) || close(fd))
		unit_fail(__FILE__, __LINE__, "cannot patch '%s': %s", path, strerror(errno));
}

static inline void unit_flip(const char *path, off_t off)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	unsigned char c;

	if (fd < 0 || pread_all(fd, &c, 1, off))
		unit_fail(__FILE__, __LINE__, "cannot read '%s': %s", path, strerror(errno));
	c ^= 0x01;
	if (pwrite_all(fd, &c, 1, off) || close(fd))
		unit_fail(__FILE__, __LINE__, "cannot flip '%s': %s", path, strerror(errno));
}

static inline void unit_truncate(const char *path, off_t len)
{
	if (truncate(path, len))
		unit_fail(__FILE__, __LINE__, "cannot truncate '%s': %s", path, strerror(errno));
}

static inline void unit_append(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0 || write_all(fd, buf, len) || close(fd))
		unit_fail(__FILE__, __LINE__, "cannot append to '%s': %s", path, strerror(errno));
}

static inline off_t unit_size(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		unit_fail(__FILE__, __LINE__, "cannot stat '%s': %s", path, strerror(errno));
	return st.st_size;
}

#endif
