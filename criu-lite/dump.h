#ifndef CKPT_DUMP_H
#define CKPT_DUMP_H

#include <stdbool.h>
#include <sys/types.h>

struct dump_opts {
	pid_t pid;
	const char *dir;
	bool leave_running;
	bool shell_job;		/* terminals outside the tree are the restorer's */
	int lock_wait_ms;	/* how long to wait for another dump of the store */
};

/* Returns 0, or an EXIT_* code of main.h after error() said why. */
int dump(const struct dump_opts *o);

#endif
