/* Sockets (sockets.c): AF_UNIX, and AF_INET/AF_INET6 without connection state. */
#ifndef CKPT_SOCKETS_H
#define CKPT_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "images/fdinfo.pb-c.h"
#include "images/shared.pb-c.h"

/* fd `fd` of `pid`, whose link is "socket:[INO]": e gets its kind and
 * sk_ino, the socket goes into sh once. */
int dump_socket(pid_t pid, int fd, const char *link, SharedEntry *sh, FdEntry *e);
/* Whether the dump locks the network of the TCP connections it takes
 * (when the job will be gone: not with --leave-running). */
void sk_dump_lock_network(bool on);
/* The end of a dump: TCP connections stay in repair mode if the job is
 * gone (they end without a word to their peers), else they leave it. */
void sk_dump_end(bool job_gone);
/* The end of a restore: the TCP connections leave repair mode (ok) and
 * send what they had not sent, or stay in it and are closed silently. */
void sk_restore_end(bool ok);
/* Once the whole tree is dumped: peers outside the tree, refused or
 * reconnected by name. */
int sk_check_tree(SharedEntry *sh);

/* Where the sockets begin in the restorer's shared range: after the pipes
 * (two fds each), the shared memory objects, the deleted files and the
 * FIFOs. */
static inline size_t shared_sk_base(const SharedEntry *sh)
{
	return 2 * sh->n_pipes + sh->n_shmem + sh->n_deleted + sh->n_fifos;
}

/* Restore: the sockets take sk_count() places of the shared range from
 * `base` on; sk_make_all() makes them there, sk_slot() finds one. */
size_t sk_count(const SharedEntry *sh);
int sk_make_all(const SharedEntry *sh, int base);
int sk_slot(const SharedEntry *sh, int base, uint64_t ino, unsigned kind);

#endif
