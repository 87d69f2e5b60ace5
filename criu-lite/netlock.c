/*
 * The network lock: between a dump that ends the job and its restore, the
 * packets of its TCP connections are dropped (an nftables table of ours,
 * through libnftables), so that a peer that sends meanwhile gets no reset
 * from a kernel that no longer knows the connection; it retransmits, and
 * the restored connection answers.  The table outlives the dump; the
 * restore deletes it once the connections are back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>

#include "log.h"
#include "netlock.h"
#include "util.h"

static int run(const char *cmd, const char *what)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int ret;

	if (!ctx)
		return error("%s: cannot use nftables", what);
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	ret = nft_run_cmd_from_buffer(ctx, cmd);
	if (ret) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		char line[256];

		snprintf(line, sizeof(line), "%s", e ? e : "");
		line[strcspn(line, "\n")] = 0;
		error("%s: nftables: %s", what, line[0] ? line : "failed");
	}
	nft_ctx_free(ctx);
	return ret ? -1 : 0;
}

/* "ip saddr A tcp sport P" (or ip6) of an address. */
static void match(char *buf, size_t len, const char *dir, const struct sockaddr_storage *ss)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, len, "ip %saddr %s tcp %sport %d", dir, a, dir, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "ip6 %saddr %s tcp %sport %d", dir, a, dir, ntohs(s->sin6_port));
	}
}

int netlock_add(char **table, const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst)
{
	char cmd[1024], in_s[128], in_d[128], out_s[128], out_d[128];

	if (!*table) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		*table = xasprintf("ckpt_lock_%d_%lx", getpid(),
				   (unsigned long)(ts.tv_sec * 1000000000ULL + ts.tv_nsec));
		snprintf(cmd, sizeof(cmd),
			 "add table inet %s\n"
			 "add chain inet %s in { type filter hook input priority -300; }\n"
			 "add chain inet %s out { type filter hook output priority -300; }\n",
			 *table, *table, *table);
		if (run(cmd, "the network lock")) {
			free(*table);
			*table = NULL;
			return -1;
		}
		pr_info("network lock: nftables table inet %s", *table);
	}
	/* what comes from the peer, and what would go to it */
	match(in_s, sizeof(in_s), "s", dst);
	match(in_d, sizeof(in_d), "d", src);
	match(out_s, sizeof(out_s), "s", src);
	match(out_d, sizeof(out_d), "d", dst);
	snprintf(cmd, sizeof(cmd), "add rule inet %s in %s %s drop\nadd rule inet %s out %s %s drop\n",
		 *table, in_s, in_d, *table, out_s, out_d);
	return run(cmd, "the network lock");
}

int netlock_del(const char *table)
{
	char cmd[256];

	if (!table)
		return 0;
	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", table);
	if (run(cmd, "the network lock"))
		return -1;
	pr_info("network lock %s released", table);
	return 0;
}
