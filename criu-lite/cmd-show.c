#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcodes.h"

/* These belong in show.h, which this file's owner may not create yet. */
#include "show.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt show [-D DIR] [--version N] [--json]\n\n"
		   "Print what a checkpoint version holds: when and how it was made, whether its\n"
		   "checksums verify, the process tree, and per process its credentials, limits,\n"
		   "signals, timers, threads, memory areas (with the bytes of pages saved for each)\n"
		   "and open files; then the files of the version.  A version whose checksums do\n"
		   "not verify is still shown, marked \"verified: NO\" with the reason.\n\n"
		   "  -D, --dir DIR      the store (default ./checkpoint)\n"
		   "  -n, --version N    show version N instead of the newest\n"
		   "  -j, --json         print one JSON object with the same information\n"
		   "  -h, --help         this text\n\n"
		   "Exit status: 0, or %d when the store or the version cannot be read.\n",
		EXIT_STORE);
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "version", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct show_opts o = { .dir = "checkpoint" };
	int c;

	while ((c = getopt_long(argc, argv, "D:n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o.dir = optarg;
			break;
		case 'n':
			if (!(o.version = version_arg("show", optarg)))
				return EXIT_USAGE;
			break;
		case 'j':
			o.json = true;
			break;
		default:
			return help_or_usage(c, help);
		}
	}
	if (optind != argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	return show(&o);
}
