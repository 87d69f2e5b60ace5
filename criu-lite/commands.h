/* The subcommands: each parses its own options and calls the library. */
#ifndef CKPT_COMMANDS_H
#define CKPT_COMMANDS_H

#include <stdio.h>

#include "exitcodes.h"

int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_run(int argc, char **argv);

/* The end of every command's option switch: -h prints the help and
 * succeeds; anything else unknown prints it to stderr, a usage error. */
static inline int help_or_usage(int opt, void (*help)(FILE *))
{
	help(opt == 'h' ? stdout : stderr);
	return opt == 'h' ? 0 : EXIT_USAGE;
}

#endif
