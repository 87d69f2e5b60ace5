/* ckpt check: does this kernel and machine give ckpt what it needs? */
#ifndef CKPT_CHECK_H
#define CKPT_CHECK_H

#include <stdbool.h>

struct check_opts {
	bool json;
};
int check(const struct check_opts *o);
/* Whether this kernel keeps soft-dirty bits that clear_refs clears (asked
 * once, in a child): the tracking where userfaultfd cannot do it. */
bool check_soft_dirty(void);

#endif
