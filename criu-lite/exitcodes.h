/* Exit statuses of ckpt, for scripts and cron. */
#ifndef CKPT_EXITCODES_H
#define CKPT_EXITCODES_H

enum {
	EXIT_OK		= 0,
	EXIT_FAILED	= 1,	/* the command failed; a dumped process runs on as before */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_NO_PROCESS	= 3,	/* no such process, or not one ckpt may dump */
	EXIT_STORE	= 4,	/* the store or an image is missing, damaged or incompatible */
	EXIT_MISSING	= 5,	/* check: a required feature is missing */
};

#endif
