/* The network lock of TCP connections between dump and restore (netlock.c). */
#ifndef CKPT_NETLOCK_H
#define CKPT_NETLOCK_H

#include <sys/socket.h>

/* Drop the packets of connection src -> dst; *table is made (and named)
 * on first use. */
int netlock_add(char **table, const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst);
/* Take the lock away (NULL: none). */
int netlock_del(const char *table);

#endif
