#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcodes.h"
#include "log.h"
#include "store.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt verify [-D DIR] [--version N]\n\n"
		   "Check every file of every version of the store DIR (or of version N only)\n"
		   "against the checksums of its inventory, and for an incremental version the\n"
		   "page images it takes from earlier versions.  One line per version: \"ok\", or\n"
		   "what is wrong.  `ckpt restore` checks the same before the job runs, and\n"
		   "without --version falls back to the newest version that is whole.\n\n"
		   "  -D, --dir DIR      the store (default ./checkpoint)\n"
		   "  -n, --version N    only version N\n"
		   "  -h, --help         this text\n\n"
		   "Exit status: 0 when all are whole, %d when one is not (or the store cannot\n"
		   "be read).\n", EXIT_STORE);
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "version", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *dir = "checkpoint";
	unsigned *all, one = 0;
	int c, n, store_fd, bad = 0;

	while ((c = getopt_long(argc, argv, "D:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		case 'n':
			if (!(one = version_arg("verify", optarg)))
				return EXIT_USAGE;
			break;
		default:
			return help_or_usage(c, help);
		}
	}
	if (optind != argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	store_fd = store_open(dir, false);
	if (store_fd < 0)
		return EXIT_STORE;
	if (one) {
		all = &one;
		n = 1;
	} else if ((n = store_list(store_fd, &all)) < 0) {
		return EXIT_STORE;
	}
	if (n == 0)
		return error("the store '%s' holds no checkpoint", dir), EXIT_STORE;
	for (int i = 0; i < n; i++) {
		char err[1024];

		if (store_check_version(store_fd, all[i], err, sizeof(err))) {
			printf("version %u: DAMAGED: %s\n", all[i], err);
			bad++;
		} else {
			printf("version %u: ok\n", all[i]);
		}
	}
	if (all != &one)
		free(all);
	if (bad)
		return error("%d of %d versions damaged", bad, n), EXIT_STORE;
	return EXIT_OK;
}
