#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcodes.h"
#include "restore.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt restore [-D DIR] [--version N] [--detach] [--pidns]\n"
		   "                    [--allow-changed-files] [--shell-job] [--plugins DIR]\n\n"
		   "Recreate the checkpointed process from the newest version in the store DIR,\n"
		   "with its original PID and thread IDs.  Without --detach ckpt stays its parent\n"
		   "and exits with its exit status (128+N if signal N killed it).\n\n"
		   "  -D, --dir DIR      the store (default ./checkpoint)\n"
		   "  -n, --version N    restore version N instead of the newest\n"
		   "  -d, --detach       return once the process runs\n"
		   "      --pidns        restore into a new pid and mount namespace, under a\n"
		   "                     small init of ckpt's (PID 1) with its own /proc, so that\n"
		   "                     the processes get their PIDs even where those are taken\n"
		   "      --allow-changed-files\n"
		   "                     restore even where a file that an fd or a private mapping\n"
		   "                     reopens changed since the dump (size, mtime, inode): a\n"
		   "                     warning instead of the refusal\n"
		   "  -j, --shell-job    a job dumped with --shell-job: it gets our terminal\n"
		   "                     (stdin, stdout or stderr) for its own, and becomes its\n"
		   "                     foreground process group where it leads one\n"
		   "      --plugins DIR  load the plugins (*.so) of DIR (default\n"
		   "                     " CKPT_PLUGIN_DIR "); a checkpoint that a plugin\n"
		   "                     took part in needs it\n"
		   "  -h, --help         this text\n");
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "version", required_argument, NULL, 'n' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pidns", no_argument, NULL, 'P' },
		{ "allow-changed-files", no_argument, NULL, 'C' },
		{ "shell-job", no_argument, NULL, 'j' },
		{ "plugins", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct restore_opts o = { .dir = "checkpoint" };
	int c;

	while ((c = getopt_long(argc, argv, "D:n:djh", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o.dir = optarg;
			break;
		case 'n':
			if (!(o.version = version_arg("restore", optarg)))
				return EXIT_USAGE;
			break;
		case 'd':
			o.detach = true;
			break;
		case 'P':
			o.pidns = true;
			break;
		case 'C':
			o.allow_changed_files = true;
			break;
		case 'j':
			o.shell_job = true;
			break;
		case 'L':
			o.plugins_dir = optarg;
			break;
		default:
			return help_or_usage(c, help);
		}
	}
	if (optind != argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	return restore(&o);
}
