/*
 * ckpt: checkpoint and restore of running Linux processes.
 * The command table, global flags, and the mapping of failure to one line
 * and an exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exitcodes.h"
#include "log.h"
#include "track.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "dump",    cmd_dump,    "checkpoint a running process into a store" },
	{ "restore", cmd_restore, "bring a checkpointed process back" },
	{ "check",   cmd_check,   "say whether this kernel and machine give ckpt what it needs" },
	{ "show",    cmd_show,    "print what a checkpoint holds" },
	{ "ls",      cmd_ls,      "list the versions of a store" },
	{ "verify",  cmd_verify,  "check every checksum of a store's versions" },
	{ "run",     cmd_run,     "run a command in a pid namespace of its own, ready to dump" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ckpt [-v|-q] COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nglobal options:\n"
		   "  -v, --verbose   more messages on stderr (twice: debug)\n"
		   "  -q, --quiet     only errors on stderr\n"
		   "  -V, --version   print the version\n"
		   "\n'ckpt COMMAND --help' describes the options of each command.\n");
}

int main(int argc, char **argv)
{
	int level = LOG_WARN, i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			level = level < LOG_INFO ? LOG_INFO : LOG_DEBUG;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			level = LOG_ERROR;
		else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("ckpt %s\n", CKPT_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "ckpt: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	log_init(level);
	/* Not a command of people's: the holder of write tracking (track.c). */
	if (!strcmp(argv[i], "track-hold"))
		return track_hold_main();
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		int ret = commands[c].run(argc - i, argv + i);
		const char *err = first_error();

		if (ret && err)
			fprintf(stderr, "ckpt %s: error: %s\n", commands[c].name, err);
		return ret;
	}
	fprintf(stderr, "ckpt: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
