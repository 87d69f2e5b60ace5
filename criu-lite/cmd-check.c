#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "commands.h"
#include "exitcodes.h"

/* These belong in check.h, which this file's owner may not create yet. */
#include "check.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt check [--json]\n\n"
		   "Say, feature by feature, whether this kernel and machine give ckpt what it\n"
		   "needs.  Each feature is tried for real (a child is forked and traced, a pid\n"
		   "is asked for, pages are scanned), and each line says \"ok\", \"MISSING\" (a\n"
		   "feature ckpt needs) or \"no\" (an optional one), with a short reason.\n\n"
		   "  -j, --json    print one JSON object instead of lines\n"
		   "  -h, --help    this text\n\n"
		   "Exit status: 0 when ckpt has all it needs, %d when a required feature is\n"
		   "missing.\n", EXIT_MISSING);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct check_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
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
	return check(&o);
}
