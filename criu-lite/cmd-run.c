#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcodes.h"
#include "pagecomp.h"
#include "run.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt run [-D DIR] [--interval SECONDS [--keep N] [--compress ALGO]]\n"
		   "                -- CMD [ARGS...]\n\n"
		   "Run CMD in a new pid namespace under a small init of ckpt's, so that its\n"
		   "checkpoints restore anywhere with the same PIDs.  CMD gets our stdin, stdout\n"
		   "and stderr; signals sent to ckpt run (Ctrl-C) go on to CMD; ckpt run exits\n"
		   "with CMD's exit status (128+N if signal N killed it).\n\n"
		   "  -D, --dir DIR   the store for its checkpoints: `ckpt dump -D DIR` then needs\n"
		   "                  no -p (it dumps the job), and `ckpt restore -D DIR` brings\n"
		   "                  the job back under a new init\n"
		   "  -i, --interval SECONDS\n"
		   "                  dump the job into DIR every SECONDS, leaving it running\n"
		   "                  (incremental after the first).  Run again with the same\n"
		   "                  DIR after the job or the machine died, ckpt run restores\n"
		   "                  the newest good version and goes on from there; a job\n"
		   "                  that exited by itself is done, and starts afresh\n"
		   "  -k, --keep N    the dumps keep the N newest versions (see ckpt dump)\n"
		   "  -z, --compress ALGO\n"
		   "                  the dumps compress their pages: zstd or lz4\n"
		   "  -h, --help      this text\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "interval", required_argument, NULL, 'i' },
		{ "keep", required_argument, NULL, 'k' },
		{ "compress", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct run_opts o = { 0 };
	unsigned long n;
	char *end;
	int c;

	/* "+": options end at the command, whose own options are its own */
	while ((c = getopt_long(argc, argv, "+D:i:k:z:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o.dir = optarg;
			break;
		case 'i':
		case 'k':
			n = strtoul(optarg, &end, 10);
			if (*end || !n || n > 1000000 || optarg[0] == '-') {
				fprintf(stderr, "ckpt run: '%s' is not a positive number\n", optarg);
				return EXIT_USAGE;
			}
			*(c == 'i' ? &o.interval : &o.keep) = n;
			break;
		case 'z':
			if (pz_algo_of(optarg) < 0) {
				fprintf(stderr, "ckpt run: --compress '%s': zstd, lz4 or none\n", optarg);
				return EXIT_USAGE;
			}
			o.compress = optarg;
			break;
		default:
			return help_or_usage(c, help);
		}
	}
	if (optind >= argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	if ((o.interval || o.keep || o.compress) && !o.dir) {
		fprintf(stderr, "ckpt run: --interval, --keep and --compress need -D DIR\n");
		return EXIT_USAGE;
	}
	o.argv = argv + optind;
	return run_job(&o);
}
