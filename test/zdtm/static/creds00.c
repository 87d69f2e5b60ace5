/*
 * creds00: a root process turns itself into a user with all different ids:
 * uid r/e/s/fs = 1000/1001/0/0, gid 2000/2001/0/2002, supplementary groups,
 * keeping some capabilities (PR_SET_KEEPCAPS, then capset).  All of it,
 * and the dumpable flag, is the same after the wait.
 */
#include "zdtmtst.h"
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct creds {
	uid_t uid[4];
	gid_t gid[4];
	gid_t groups[32];
	int ngroups;
	struct __user_cap_data_struct cap[2];
	int dumpable, keepcaps;
};

static void take(struct creds *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(c, 0, sizeof(*c));
	getresuid(&c->uid[0], &c->uid[1], &c->uid[2]);
	getresgid(&c->gid[0], &c->gid[1], &c->gid[2]);
	c->uid[3] = setfsuid(-1);	/* an invalid id only reports the current one */
	c->gid[3] = setfsgid(-1);
	c->ngroups = getgroups(32, c->groups);
	syscall(SYS_capget, &h, c->cap);
	c->dumpable = prctl(PR_GET_DUMPABLE);
	c->keepcaps = prctl(PR_GET_KEEPCAPS);
}

int main(int argc, char **argv)
{
	static const gid_t groups[] = { 3001, 3003, 3002, 5 };
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cap[2];
	struct creds before, after;

	test_init(argc, argv);
	if (getuid() != 0)
		skip("needs root");
	CHECK(setgroups(4, groups) == 0, "setgroups");
	CHECK(setresgid(2000, 2001, 0) == 0, "setresgid");
	setfsgid(2002);
	CHECK(prctl(PR_SET_KEEPCAPS, 1) == 0, "PR_SET_KEEPCAPS");
	CHECK(setresuid(1000, 1001, 0) == 0, "setresuid");
	setfsuid(0);
	/* Keep a few capabilities in the effective set (permitted still has all). */
	CHECK(syscall(SYS_capget, &h, cap) == 0, "capget");
	cap[0].effective = 1u << CAP_KILL | 1u << CAP_NET_BIND_SERVICE | 1u << CAP_CHOWN;
	cap[1].effective = 1u << (CAP_SYSLOG - 32);
	cap[0].inheritable = 1u << CAP_KILL;
	CHECK(syscall(SYS_capset, &h, cap) == 0, "capset");
	prctl(PR_SET_DUMPABLE, 1);	/* changing ids cleared it */
	take(&before);
	CHECK(before.uid[1] == 1001 && before.gid[3] == 2002 && before.ngroups == 4, "setup did not work");
	test_daemon();
	test_waitsig();

	take(&after);
	for (int i = 0; i < 4; i++) {
		static const char *which[] = { "real", "effective", "saved", "fs" };
		CHECK(after.uid[i] == before.uid[i], "%s uid %d, was %d", which[i], after.uid[i], before.uid[i]);
		CHECK(after.gid[i] == before.gid[i], "%s gid %d, was %d", which[i], after.gid[i], before.gid[i]);
	}
	CHECK(after.ngroups == before.ngroups && !memcmp(after.groups, before.groups, sizeof(gid_t) * 4),
	      "supplementary groups changed (%d of them, first %d)", after.ngroups, after.groups[0]);
	for (int i = 0; i < 2; i++)
		CHECK(!memcmp(&after.cap[i], &before.cap[i], sizeof(cap[i])),
		      "capabilities word %d: eff %#x prm %#x inh %#x, were %#x %#x %#x", i,
		      after.cap[i].effective, after.cap[i].permitted, after.cap[i].inheritable,
		      before.cap[i].effective, before.cap[i].permitted, before.cap[i].inheritable);
	CHECK(after.dumpable == before.dumpable, "dumpable %d, was %d", after.dumpable, before.dumpable);
	CHECK(after.keepcaps == before.keepcaps, "keepcaps %d, was %d", after.keepcaps, before.keepcaps);
	pass();
}
