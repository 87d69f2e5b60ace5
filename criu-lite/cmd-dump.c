#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "dump.h"
#include "exitcodes.h"
#include "pagecomp.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt dump [-p PID] [-D DIR] [--leave-running [--no-track]\n"
		   "                 [--frozen-copy]] [--full] [--keep N]\n"
		   "                 [--compress zstd|lz4|none] [--shell-job] [--wait SECONDS]\n"
		   "                 [--plugins DIR]\n\n"
		   "Freeze process PID and all its descendants, with all their threads, write a new\n"
		   "checkpoint version into the store DIR, then kill them (or let them go on with\n"
		   "--leave-running).  A PID in a pid namespace of ckpt's (`ckpt run`) or the\n"
		   "init of a pid namespace takes the whole namespace.\n\n"
		   "  -p, --pid PID         the process to dump (default: the job that\n"
		   "                        `ckpt run -D DIR` runs)\n"
		   "  -D, --dir DIR         the store (default ./checkpoint), created 0700\n"
		   "  -R, --leave-running   let the process run on after the dump, and track\n"
		   "                        the pages it writes: the next dump of the store\n"
		   "                        stores only those (incremental).  The process\n"
		   "                        stands still only while its state is read: its\n"
		   "                        pages are copied from a copy-on-write snapshot\n"
		   "                        while it runs (a child of it named ckpt-snapshot)\n"
		   "      --frozen-copy     no snapshot: it stands still until all is copied\n"
		   "      --no-track        end the tracking: the next dump is a full one\n"
		   "      --full            store every page, even where the store's tracking\n"
		   "                        could make this dump incremental\n"
		   "  -k, --keep N          then remove all but the N newest versions (never\n"
		   "                        one that a kept version needs)\n"
		   "  -z, --compress ALGO   compress the page images: zstd (smaller) or lz4\n"
		   "                        (faster), in chunks of 1 MiB; none (the default)\n"
		   "                        keeps them raw, the fastest to dump and restore\n"
		   "  -j, --shell-job       a job started from a shell: its terminal (outside\n"
		   "                        the tree) is taken from the restoring ckpt\n"
		   "  -w, --wait SECONDS    wait this long for another dump of the same store\n"
		   "                        (default 0: fail at once)\n"
		   "      --plugins DIR     load the plugins (*.so) of DIR (default\n"
		   "                        " CKPT_PLUGIN_DIR ")\n"
		   "  -h, --help            this text\n");
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "dir", required_argument, NULL, 'D' },
		{ "leave-running", no_argument, NULL, 'R' },
		{ "shell-job", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		{ "no-track", no_argument, NULL, 'T' },
		{ "full", no_argument, NULL, 'F' },
		{ "frozen-copy", no_argument, NULL, 'C' },
		{ "plugins", required_argument, NULL, 'P' },
		{ "keep", required_argument, NULL, 'k' },
		{ "compress", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct dump_opts o = { .dir = "checkpoint" };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "p:D:Rjw:k:z:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.pid = strtol(optarg, &end, 10);
			if (*end || o.pid <= 0) {
				fprintf(stderr, "ckpt dump: '%s' is not a pid\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'D':
			o.dir = optarg;
			break;
		case 'R':
			o.leave_running = true;
			break;
		case 'j':
			o.shell_job = true;
			break;
		case 'T':
			o.no_track = true;
			break;
		case 'F':
			o.full = true;
			break;
		case 'C':
			o.frozen_copy = true;
			break;
		case 'P':
			o.plugins_dir = optarg;
			break;
		case 'z':
			o.compress = pz_algo_of(optarg);
			if (o.compress < 0) {
				fprintf(stderr, "ckpt dump: --compress '%s': zstd, lz4 or none\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			o.keep = strtoul(optarg, &end, 10);
			if (*end || !o.keep || optarg[0] == '-') {
				fprintf(stderr, "ckpt dump: --keep '%s' is not a number of versions\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'w':
			o.lock_wait_ms = strtol(optarg, &end, 10) * 1000;
			break;
		default:
			return help_or_usage(c, help);
		}
	}
	if (optind != argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	return dump(&o);
}
