/* The subcommands: each parses its own options and calls the library. */
#ifndef CKPT_COMMANDS_H
#define CKPT_COMMANDS_H

#include <stdio.h>
#include <stdlib.h>

#include "exitcodes.h"

int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* The end of every command's option switch: -h prints the help and
 * succeeds; anything else unknown prints it to stderr, a usage error. */
static inline int help_or_usage(int opt, void (*help)(FILE *))
{
	help(opt == 'h' ? stdout : stderr);
	return opt == 'h' ? 0 : EXIT_USAGE;
}

/* A version number argument (--version N): 0 and prints why if it is none. */
static inline unsigned version_arg(const char *cmd, const char *arg)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (*end || !n || n > 0x7fffffff || arg[0] == '-') {
		fprintf(stderr, "ckpt %s: '%s' is not a version number\n", cmd, arg);
		return 0;
	}
	return n;
}

#endif
