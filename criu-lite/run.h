#ifndef CKPT_RUN_H
#define CKPT_RUN_H

struct run_opts {
	const char *dir;	/* the store for its dumps, or NULL */
	char **argv;		/* the command */
	unsigned interval;	/* seconds between dumps (--interval), 0: none */
	unsigned keep;		/* their --keep */
	const char *compress;	/* their --compress, or NULL */
};

/* ckpt run: the command in a new pid namespace under ckpt's init; returns
 * its exit status (128+N if signal N ended it), or an EXIT_* code. */
int run_job(const struct run_opts *o);

#endif
