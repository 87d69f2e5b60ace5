/*
 * Logging and errors.
 *
 * A failing function calls error() once, where the failure is known, with a
 * message that names the pid and the object; error() returns -1 so that
 * `return error(...)` reads naturally.  The first error of a command is kept:
 * main() prints it as the one line a person sees.  Everything also goes to the
 * log file of the command (a file in the store) when one is open.
 */
#ifndef CKPT_LOG_H
#define CKPT_LOG_H

#include <errno.h>
#include <string.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_init(int stderr_level);
int log_open_file(int dirfd, const char *name);	/* also log to this file */
void log_close_file(void);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record the first error of the command (one line) and log it; returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As error(), with ": strerror(errno)" appended. */
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first error recorded, or NULL. */
const char *first_error(void);
void clear_error(void);

#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
