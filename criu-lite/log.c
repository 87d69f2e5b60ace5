#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

#include "log.h"

static int stderr_level = LOG_WARN;
static int log_fd = -1;
static char first_err[1024];
/* The dump writes pages from several threads: the first error is kept whole. */
static pthread_mutex_t err_mu = PTHREAD_MUTEX_INITIALIZER;

void log_init(int level)
{
	stderr_level = level;
}

int log_open_file(int dirfd, const char *name)
{
	log_close_file();
	log_fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	return log_fd < 0 ? -1 : 0;
}

void log_close_file(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}

static const char *level_name[] = { "error", "warning", "info", "debug" };

static void vlog(enum log_level lvl, const char *fmt, va_list ap, int err)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (n < 0)
		return;
	if (err && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err));
	if (lvl == LOG_ERROR) {
		pthread_mutex_lock(&err_mu);
		if (!first_err[0])
			snprintf(first_err, sizeof(first_err), "%s", msg);
		pthread_mutex_unlock(&err_mu);
	}

	if (log_fd >= 0) {
		struct timespec ts;
		char line[1200];

		clock_gettime(CLOCK_MONOTONIC, &ts);
		n = snprintf(line, sizeof(line), "(%5ld.%06ld) %d %s: %s\n", (long)ts.tv_sec,
			     ts.tv_nsec / 1000, getpid(), level_name[lvl], msg);
		if (write(log_fd, line, n) < 0) {
			/* nothing better to do */
		}
	}
	/* Errors reach the terminal once, from main(); others by level. */
	if (lvl != LOG_ERROR && (int)lvl <= stderr_level)
		fprintf(stderr, "ckpt: %s: %s\n", level_name[lvl], msg);
	else if (lvl == LOG_ERROR && stderr_level >= LOG_DEBUG)
		fprintf(stderr, "ckpt: error: %s\n", msg);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, fmt, ap, 0);
	va_end(ap);
}

int error(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERROR, fmt, ap, 0);
	va_end(ap);
	errno = saved;
	return -1;
}

int error_errno(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERROR, fmt, ap, saved);
	va_end(ap);
	errno = saved;
	return -1;
}

const char *first_error(void)
{
	return first_err[0] ? first_err : NULL;
}

void clear_error(void)
{
	pthread_mutex_lock(&err_mu);
	first_err[0] = 0;
	pthread_mutex_unlock(&err_mu);
}
