/* ckpt show: what a checkpoint version holds, for people or as JSON. */
#ifndef CKPT_SHOW_H
#define CKPT_SHOW_H

#include <stdbool.h>

struct show_opts {
	const char *dir;
	unsigned version;	/* 0: the newest */
	bool json;
};
int show(const struct show_opts *o);

#endif
