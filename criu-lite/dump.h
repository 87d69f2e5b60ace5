#ifndef CKPT_DUMP_H
#define CKPT_DUMP_H

#include <stdbool.h>
#include <sys/types.h>

struct dump_opts {
	pid_t pid;
	const char *dir;
	bool leave_running;
	bool no_track;		/* no write tracking after a --leave-running dump */
	bool full;		/* every page, even when an incremental dump could do */
	bool frozen_copy;	/* --leave-running: copy the pages while frozen (no snapshot) */
	int compress;		/* PZ_* (pagecomp.h) */
	unsigned keep;		/* after the dump, remove all but this many versions (0: all stay) */
	bool shell_job;		/* terminals outside the tree are the restorer's */
	int lock_wait_ms;	/* how long to wait for another dump of the store */
	const char *plugins_dir;	/* NULL: the default (plugins.h) */
};

/* Returns 0, or an EXIT_* code of main.h after error() said why. */
int dump(const struct dump_opts *o);

#endif
