/*
 * caps00: a root process with fewer capabilities: some dropped from the
 * bounding set, the permitted and effective sets cut down, an inheritable
 * and ambient capability, securebits and no_new_privs set.  All the same
 * after the wait.
 */
#include "zdtmtst.h"
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct caps {
	struct __user_cap_data_struct cap[2];
	uint64_t bounding, ambient;
	int securebits, nnp;
};

static int last_cap(void)
{
	char buf[16];

	if (test_read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) <= 0)
		return CAP_LAST_CAP;
	return atoi(buf);
}

static void take(struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(c, 0, sizeof(*c));
	syscall(SYS_capget, &h, c->cap);
	for (int i = 0; i <= last_cap(); i++) {
		if (prctl(PR_CAPBSET_READ, i) == 1)
			c->bounding |= 1ULL << i;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, i, 0, 0) == 1)
			c->ambient |= 1ULL << i;
	}
	c->securebits = prctl(PR_GET_SECUREBITS);
	c->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cap[2];
	struct caps before, after;

	test_init(argc, argv);
	if (getuid() != 0)
		skip("needs root");
	CHECK(prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT) == 0, "drop CAP_SYS_BOOT from bounding");
	CHECK(prctl(PR_CAPBSET_DROP, CAP_MKNOD) == 0, "drop CAP_MKNOD from bounding");
	CHECK(prctl(PR_CAPBSET_DROP, CAP_AUDIT_READ) == 0, "drop CAP_AUDIT_READ from bounding");
	CHECK(syscall(SYS_capget, &h, cap) == 0, "capget");
	cap[0].permitted &= ~(1u << CAP_SYS_BOOT | 1u << CAP_NET_RAW | 1u << CAP_SYS_MODULE);
	cap[0].effective = cap[0].permitted & ~(1u << CAP_DAC_OVERRIDE | 1u << CAP_FOWNER);
	cap[1].permitted &= ~(1u << (CAP_WAKE_ALARM - 32));
	cap[1].effective = cap[1].permitted & ~(1u << (CAP_SYSLOG - 32));
	cap[0].inheritable = 1u << CAP_NET_BIND_SERVICE | 1u << CAP_KILL;
	cap[1].inheritable = 0;
	CHECK(syscall(SYS_capset, &h, cap) == 0, "capset");
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0) == 0, "ambient raise");
	CHECK(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_NO_CAP_AMBIENT_RAISE) == 0, "securebits");
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");
	take(&before);
	test_daemon();
	test_waitsig();

	take(&after);
	for (int i = 0; i < 2; i++)
		CHECK(!memcmp(&after.cap[i], &before.cap[i], sizeof(cap[i])),
		      "capabilities word %d: eff %#x prm %#x inh %#x, were %#x %#x %#x", i,
		      after.cap[i].effective, after.cap[i].permitted, after.cap[i].inheritable,
		      before.cap[i].effective, before.cap[i].permitted, before.cap[i].inheritable);
	CHECK(after.bounding == before.bounding, "bounding set %#llx, was %#llx",
	      (unsigned long long)after.bounding, (unsigned long long)before.bounding);
	CHECK(after.ambient == before.ambient, "ambient set %#llx, was %#llx",
	      (unsigned long long)after.ambient, (unsigned long long)before.ambient);
	CHECK(after.securebits == before.securebits, "securebits %#x, was %#x", after.securebits,
	      before.securebits);
	CHECK(after.nnp == before.nnp, "no_new_privs %d, was %d", after.nnp, before.nnp);
	pass();
}
