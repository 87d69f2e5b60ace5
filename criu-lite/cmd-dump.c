#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "dump.h"
#include "exitcodes.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt dump [-p PID] [-D DIR] [--leave-running] [--shell-job]\n\n"
		   "Freeze process PID and all its descendants, with all their threads, write a new\n"
		   "checkpoint version into the store DIR, then kill them (or let them go on with\n"
		   "--leave-running).  A PID in a pid namespace of ckpt's (`ckpt run`) or the\n"
		   "init of a pid namespace takes the whole namespace.\n\n"
		   "  -p, --pid PID         the process to dump (default: the job that\n"
		   "                        `ckpt run -D DIR` runs)\n"
		   "  -D, --dir DIR         the store (default ./checkpoint), created 0700\n"
		   "  -R, --leave-running   let the process run on after the dump\n"
		   "  -j, --shell-job       a job started from a shell: its terminal (outside\n"
		   "                        the tree) is taken from the restoring ckpt\n"
		   "  -w, --wait SECONDS    wait this long for another dump of the same store\n"
		   "                        (default 0: fail at once)\n"
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct dump_opts o = { .dir = "checkpoint" };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "p:D:Rjw:h", opts, NULL)) != -1) {
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
