#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcodes.h"
#include "run.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt run [-D DIR] -- CMD [ARGS...]\n\n"
		   "Run CMD in a new pid namespace under a small init of ckpt's, so that its\n"
		   "checkpoints restore anywhere with the same PIDs.  CMD gets our stdin, stdout\n"
		   "and stderr; signals sent to ckpt run (Ctrl-C) go on to CMD; ckpt run exits\n"
		   "with CMD's exit status (128+N if signal N killed it).\n\n"
		   "  -D, --dir DIR   the store for its checkpoints: `ckpt dump -D DIR` then needs\n"
		   "                  no -p (it dumps the job), and `ckpt restore -D DIR` brings\n"
		   "                  the job back under a new init\n"
		   "  -h, --help      this text\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct run_opts o = { 0 };
	int c;

	/* "+": options end at the command, whose own options are its own */
	while ((c = getopt_long(argc, argv, "+D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o.dir = optarg;
			break;
		default:
			return help_or_usage(c, help);
		}
	}
	if (optind >= argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	o.argv = argv + optind;
	return run_job(&o);
}
