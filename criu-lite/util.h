/* Small helpers shared by the whole tool. */
#ifndef CKPT_UTIL_H
#define CKPT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#undef PAGE_SIZE
#define PAGE_SIZE 4096UL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Cleanup by attribute instead of goto ladders. */
static inline void free_ptr(void *p) { extern void free(void *); free(*(void **)p); }
void close_ptr(int *fd);
#define cleanup_free  __attribute__((cleanup(free_ptr)))
#define cleanup_close __attribute__((cleanup(close_ptr)))

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole (small) file into a NUL-terminated buffer; NULL on failure. */
char *read_file_at(int dirfd, const char *path, size_t *len);
char *read_file(const char *path, size_t *len);
/* Write all of buf; -1 on a short write or error. */
int write_all(int fd, const void *buf, size_t len);
int pwrite_all(int fd, const void *buf, size_t len, off_t off);
int pread_all(int fd, void *buf, size_t len, off_t off);
/* fd of process pid itself (the same open file), as an fd of ours
 * (pidfd_getfd); -1 on error. */
int grab_fd(pid_t pid, int fd);
/* Put fd at exactly `to` (closing fd), keeping it across fork; -1 on error. */
int move_fd(int fd, int to);

uint64_t now_ns(int clock);
/* A sleep that is not cut short by signals. */
void sleep_ms(long ms);

/* Remove a directory tree (dirfd-relative); best effort. */
void remove_tree(int dirfd, const char *name);

#endif
