#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "exitcodes.h"
#include "log.h"
#include "store.h"

static void help(FILE *f)
{
	fprintf(f, "usage: ckpt ls [-D DIR]\n\n"
		   "List the versions of the store DIR, oldest first: when each was made, its\n"
		   "size on disk, whether it is full or incremental (and on which version),\n"
		   "how long the job stood still, and the job's command.  The newest is\n"
		   "marked '*'.  `ckpt verify` checks them.\n\n"
		   "  -D, --dir DIR      the store (default ./checkpoint)\n"
		   "  -h, --help         this text\n\n"
		   "Exit status: 0, or %d when the store cannot be read.\n", EXIT_STORE);
}

static const char *size_str(uint64_t b, char *buf, size_t len)
{
	if (b >= (1ull << 30))
		snprintf(buf, len, "%.1f GiB", b / (double)(1ull << 30));
	else if (b >= (1ull << 20))
		snprintf(buf, len, "%.1f MiB", b / (double)(1ull << 20));
	else
		snprintf(buf, len, "%.1f KiB", b / 1024.0);
	return buf;
}

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *dir = "checkpoint";
	unsigned *all, latest;
	int c, n, store_fd;

	while ((c = getopt_long(argc, argv, "D:h", opts, NULL)) != -1) {
		if (c == 'D')
			dir = optarg;
		else
			return help_or_usage(c, help);
	}
	if (optind != argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	store_fd = store_open(dir, false);
	if (store_fd < 0 || (n = store_list(store_fd, &all)) < 0)
		return EXIT_STORE;
	latest = store_latest(store_fd);
	printf("  %-8s %-19s %10s  %-14s %10s  %s\n", "VERSION", "MADE", "SIZE", "KIND", "FREEZE",
	       "COMMAND");
	for (int i = 0; i < n; i++) {
		Inventory *inv;
		int dfd = version_open(store_fd, all[i], false, &inv, NULL);
		char made[32] = "?", size[32], kind[32];
		uint64_t bytes = 0;

		if (dfd < 0) {
			printf("%c %-8u (unreadable: %s)\n", all[i] == latest ? '*' : ' ', all[i],
			       first_error());
			clear_error();
			continue;
		}
		time_t t = inv->time_ns / 1000000000;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(made, sizeof(made), "%Y-%m-%d %H:%M:%S", &tm);
		for (size_t k = 0; k < inv->n_files; k++)
			bytes += inv->files[k]->size;
		if (inv->has_parent_version)
			snprintf(kind, sizeof(kind), "incr. on %u", inv->parent_version);
		else
			snprintf(kind, sizeof(kind), "full");
		printf("%c %-8u %-19s %10s  %-14s", all[i] == latest ? '*' : ' ', all[i], made,
		       size_str(bytes, size, sizeof(size)), kind);
		if (inv->has_freeze_ns)
			printf(" %7.1f ms", inv->freeze_ns / 1e6);
		else
			printf(" %10s", "-");
		printf("  %s\n", inv->command ? inv->command : "");
		inventory__free_unpacked(inv, NULL);
		close(dfd);
	}
	free(all);
	return EXIT_OK;
}
