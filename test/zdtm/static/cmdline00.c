/*
 * cmdline00: what exec gave the process: /proc/self/cmdline, environ, exe,
 * comm, the kernel's copy of the auxiliary vector (/proc/self/auxv) and the
 * mm fields that locate argv/env (arg_start..env_end in /proc/self/stat).
 * The runner starts us with odd arguments and an environment variable.
 */
#include "zdtmtst.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

struct snap {
	char cmdline[4096], environ[1 << 16], exe[4096], comm[64], auxv[1024], stat_mm[256];
	ssize_t cmdline_len, environ_len, auxv_len;
};

static struct snap before, after;

/* Fields 45-51 of /proc/self/stat: start_data end_data start_brk arg_start arg_end env_start env_end. */
static void stat_mm(char *out, size_t size)
{
	static char buf[4096];
	char *p;
	int field = 2;

	CHECK(test_read_file("/proc/self/stat", buf, sizeof(buf)) > 0, "read stat");
	p = strrchr(buf, ')') + 1;
	while (field < 45 && p)
		p = strchr(p + 1, ' '), field++;
	CHECK(p, "short /proc/self/stat");
	snprintf(out, size, "%s", p + 1);
	out[strcspn(out, "\n")] = '\0';
}

static void take(struct snap *s)
{
	ssize_t n;

	s->cmdline_len = test_read_file("/proc/self/cmdline", s->cmdline, sizeof(s->cmdline));
	s->environ_len = test_read_file("/proc/self/environ", s->environ, sizeof(s->environ));
	s->auxv_len = test_read_file("/proc/self/auxv", s->auxv, sizeof(s->auxv));
	CHECK(s->cmdline_len > 0 && s->environ_len > 0 && s->auxv_len > 0, "read /proc/self/*");
	n = readlink("/proc/self/exe", s->exe, sizeof(s->exe) - 1);
	CHECK(n > 0, "readlink exe");
	s->exe[n] = '\0';
	CHECK(test_read_file("/proc/self/comm", s->comm, sizeof(s->comm)) > 0, "read comm");
	stat_mm(s->stat_mm, sizeof(s->stat_mm));
}

int main(int argc, char **argv)
{
	static const unsigned long types[] = { AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE,
		AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_CLKTCK, AT_HWCAP2,
		AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_SYSINFO_EHDR, AT_SECURE, AT_MINSIGSTKSZ };
	const char *env;

	test_init(argc, argv);
	env = getenv("ZDTM_CMDLINE_ENV");
	CHECK(env && !strcmp(env, "value with spaces=and=equals"), "environment variable missing");
	CHECK(test_argc == 3 && !strcmp(test_argv[1], "arg with space") && !strcmp(test_argv[2], ""),
	      "unexpected arguments (the .desc gives two)");
	take(&before);
	test_daemon();
	test_waitsig();

	take(&after);
	CHECK(after.cmdline_len == before.cmdline_len &&
	      !memcmp(after.cmdline, before.cmdline, before.cmdline_len), "/proc/self/cmdline changed");
	CHECK(after.environ_len == before.environ_len &&
	      !memcmp(after.environ, before.environ, before.environ_len), "/proc/self/environ changed");
	CHECK(!strcmp(after.exe, before.exe), "/proc/self/exe is %s, was %s", after.exe, before.exe);
	CHECK(!strcmp(after.comm, before.comm), "comm is %s", after.comm);
	CHECK(!strcmp(after.stat_mm, before.stat_mm), "mm fields of /proc/self/stat: %s, were %s",
	      after.stat_mm, before.stat_mm);
	CHECK(after.auxv_len == before.auxv_len && !memcmp(after.auxv, before.auxv, before.auxv_len),
	      "/proc/self/auxv changed (%zd bytes, was %zd)", after.auxv_len, before.auxv_len);
	/* glibc's copy (getauxval) agrees with the kernel's (not AT_HWCAP: glibc rewrites it). */
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		unsigned long *a = (unsigned long *)after.auxv, v = 0;
		for (; a[0] != AT_NULL; a += 2)
			if (a[0] == types[i])
				v = a[1];
		CHECK(getauxval(types[i]) == v, "auxv type %lu: kernel %#lx, getauxval %#lx",
		      types[i], v, getauxval(types[i]));
	}
	pass();
}
