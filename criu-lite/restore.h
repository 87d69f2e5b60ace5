#ifndef CKPT_RESTORE_H
#define CKPT_RESTORE_H

#include <stdbool.h>

struct restore_opts {
	const char *dir;
	unsigned version;	/* 0: the newest */
	bool detach;
	bool pidns;		/* into a new pid and mount namespace */
	bool allow_changed_files;	/* files changed since the dump: warn, go on */
	bool shell_job;		/* the job's terminal is ours */
	const char *plugins_dir;	/* NULL: the default (plugins.h) */
};

/* Returns the exit status for ckpt: without --detach, the restored
 * process's own (128+N when killed by signal N). */
int restore(const struct restore_opts *o);

#endif
