/* The /proc parsers (proc.c), fed with saved text. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "unit.h"
#include "proc.h"

/* Two full smaps blocks as this kernel writes them, then shorter ones: a path
 * with spaces, deleted files, the vdso trio, a thread stack (nh), the stack. */
static const char smaps[] =
"55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1234567                    /usr/bin/my prog\n"
"Size:                  8 kB\n"
"KernelPageSize:        4 kB\n"
"MMUPageSize:           4 kB\n"
"Rss:                   8 kB\n"
"Pss:                   8 kB\n"
"Pss_Dirty:             0 kB\n"
"Shared_Clean:          0 kB\n"
"Shared_Dirty:          0 kB\n"
"Private_Clean:         8 kB\n"
"Private_Dirty:         0 kB\n"
"Referenced:            8 kB\n"
"Anonymous:             0 kB\n"
"KSM:                   0 kB\n"
"LazyFree:              0 kB\n"
"AnonHugePages:         0 kB\n"
"ShmemPmdMapped:        0 kB\n"
"FilePmdMapped:         0 kB\n"
"Shared_Hugetlb:        0 kB\n"
"Private_Hugetlb:       0 kB\n"
"Swap:                  0 kB\n"
"SwapPss:               0 kB\n"
"Locked:                0 kB\n"
"THPeligible:           0\n"
"ProtectionKey:         0\n"
"VmFlags: rd mr mw me sd \n"
"55d0c0a02000-55d0c0a03000 rw-p 00002000 08:01 1234567                    /usr/bin/my prog\n"
"Size:                  4 kB\n"
"Rss:                   4 kB\n"
"Anonymous:             4 kB\n"
"AnonHugePages:         0 kB\n"
"VmFlags: rd wr mr mw me ac sd \n"
"55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0                          [heap]\n"
"Anonymous:           132 kB\n"
"VmFlags: rd wr mr mw me ac sd \n"
"7f1234000000-7f1234010000 rw-s 00000000 00:01 42                         /dev/zero (deleted)\n"
"Anonymous:             0 kB\n"
"VmFlags: rd wr sh mr mw me ms sd \n"
"7f1234010000-7f1234011000 r--p 00001000 08:01 99                         /tmp/a (deleted) b.so (deleted)\n"
"VmFlags: rd mr mw me sd \n"
"7f1234100000-7f1234101000 ---p 00000000 00:00 0 \n"
"VmFlags: mr mw me nh sd \n"
"7f1234101000-7f1234901000 rw-p 00000000 00:00 0 \n"
"Anonymous:          2048 kB\n"
"VmFlags: rd wr mr mw me ac nh sd \n"
"7f1234a00000-7f1234a01000 rw-p 00000000 00:00 0\n"
"VmFlags: rd wr mr mw me dc wf lo sd \n"
"7ffd00000000-7ffd00004000 r--p 00000000 00:00 0                          [vvar]\n"
"VmFlags: rd mr pf io de dd sd \n"
"7ffd00004000-7ffd00006000 r--p 00000000 00:00 0                          [vvar_vclock]\n"
"VmFlags: rd mr pf io de dd sd \n"
"7ffd00006000-7ffd00008000 r-xp 00000000 00:00 0                          [vdso]\n"
"VmFlags: rd ex mr mw me de sd \n"
"7ffd10000000-7ffd10021000 rw-p 00000000 00:00 0                          [stack]\n"
"Anonymous:            12 kB\n"
"VmFlags: rd wr mr mw me gd ac \n"
"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
"VmFlags: ex \n";

UNIT_TEST(smaps_sample)
{
	struct proc_vma *v;
	size_t n;

	CHECK(proc_parse_smaps_text(smaps, &v, &n) == 0);
	CHECK_INT(n, 13);

	CHECK(v[0].start == 0x55d0c0a00000 && v[0].end == 0x55d0c0a02000);
	CHECK_INT(v[0].prot, PROT_READ);
	CHECK(!v[0].shared);
	CHECK_INT(v[0].dev_major, 8);
	CHECK_INT(v[0].dev_minor, 1);
	CHECK_INT(v[0].ino, 1234567);
	CHECK_STR(v[0].path, "/usr/bin/my prog");
	CHECK(!v[0].deleted);
	CHECK_INT(v[0].anon_kb, 0);
	CHECK_INT(v[0].vmflags, 0);

	CHECK_INT(v[1].pgoff, 0x2000);
	CHECK_INT(v[1].prot, PROT_READ | PROT_WRITE);
	CHECK_INT(v[1].anon_kb, 4);
	CHECK_STR(v[1].path, "/usr/bin/my prog");

	CHECK_STR(v[2].path, "[heap]");
	CHECK_INT(v[2].anon_kb, 132);

	CHECK(v[3].shared);
	CHECK_STR(v[3].path, "/dev/zero");
	CHECK(v[3].deleted);
	CHECK_INT(v[3].vmflags, VMF_SHARED);

	/* Only the last " (deleted)" is the kernel's. */
	CHECK_STR(v[4].path, "/tmp/a (deleted) b.so");
	CHECK(v[4].deleted);
	CHECK_INT(v[4].ino, 99);

	/* Anonymous, with and without the space after the inode. */
	CHECK(!v[5].path);
	CHECK_INT(v[5].prot, 0);
	CHECK_INT(v[5].vmflags, VMF_NOHUGEPAGE);
	CHECK(!v[6].path);
	CHECK_INT(v[6].anon_kb, 2048);
	CHECK_INT(v[6].vmflags, VMF_NOHUGEPAGE);
	CHECK(!v[7].path);
	CHECK_INT(v[7].vmflags, VMF_DONTCOPY | VMF_WIPEONFORK | VMF_LOCKED);

	CHECK_STR(v[8].path, "[vvar]");
	CHECK_INT(v[8].vmflags, VMF_PFNMAP | VMF_IO | VMF_DONTDUMP);
	CHECK_STR(v[9].path, "[vvar_vclock]");
	CHECK(v[9].start == 0x7ffd00004000 && v[9].end == 0x7ffd00006000);
	CHECK_INT(v[9].vmflags, VMF_PFNMAP | VMF_IO | VMF_DONTDUMP);
	CHECK_STR(v[10].path, "[vdso]");
	CHECK_INT(v[10].prot, PROT_READ | PROT_EXEC);

	CHECK_STR(v[11].path, "[stack]");
	CHECK_INT(v[11].vmflags, VMF_GROWSDOWN);
	CHECK_INT(v[11].anon_kb, 12);

	CHECK(v[12].start == 0xffffffffff600000ULL);
	CHECK_STR(v[12].path, "[vsyscall]");
	CHECK_INT(v[12].prot, PROT_EXEC);
	proc_free_vmas(v, n);
}

UNIT_TEST(smaps_empty)
{
	struct proc_vma *v = (void *)1;
	size_t n = 99;

	CHECK(proc_parse_smaps_text("", &v, &n) == 0);
	CHECK_INT(n, 0);
	proc_free_vmas(v, n);
}

UNIT_TEST(smaps_bad_line)
{
	struct proc_vma *v;
	size_t n;

	CHECK(proc_parse_smaps_text("55d0c0a00000-55d0c0a02000 r--p\nVmFlags: rd\n", &v, &n) == -1);
	CHECK_ERR("cannot parse maps line '55d0c0a00000-55d0c0a02000 r--p'");
}

UNIT_TEST(smaps_of_self)
{
	struct proc_vma *v;
	size_t n;
	bool stack = false, vdso = false;

	CHECK(proc_parse_smaps(getpid(), &v, &n) == 0);
	CHECK(n > 5);
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i].start < v[i].end);
		CHECK(i == 0 || v[i - 1].end <= v[i].start);
		stack |= v[i].path && !strcmp(v[i].path, "[stack]") &&
			 (v[i].vmflags & VMF_GROWSDOWN);
		vdso |= v[i].path && !strcmp(v[i].path, "[vdso]");
	}
	CHECK(stack);
	CHECK(vdso);
	proc_free_vmas(v, n);
}

/* Fields 4..52 of proc(5) after "PID (COMM) S". */
static char *stat_line(const char *comm, int nr_fields)
{
	static const char *f[49] = {
		"1", "4321", "4300", "34816", "4321", "4194560", "100", "0", "0", "0",	/* 4-13 */
		"5", "3", "0", "0", "20", "-5", "2", "0", "12345", "10000000",		/* 14-23 */
		"200", "18446744073709551615", "94000000000000", "94000000010000",	/* 24-27 */
		"140730000000000", "0", "0", "0", "0", "4096", "16386", "0", "0", "0",	/* 28-37 */
		"17", "3", "0", "0", "0", "0", "0",					/* 38-44 */
		"94000000020000", "94000000030000", "94000001000000",			/* 45-47 */
		"140730000001000", "140730000001100", "140730000001100",			/* 48-50 */
		"140730000004000", "0",							/* 51-52 */
	};
	static char buf[1024];
	size_t len = snprintf(buf, sizeof(buf), "4321 (%s) S", comm);

	for (int i = 0; i < nr_fields; i++)
		len += snprintf(buf + len, sizeof(buf) - len, " %s", f[i]);
	snprintf(buf + len, sizeof(buf) - len, "\n");
	return buf;
}

UNIT_TEST(stat_comm_with_spaces_and_parens)
{
	struct proc_stat st;

	CHECK(proc_parse_stat_text(stat_line("a) b (c d", 49), &st) == 0);
	CHECK_STR(st.comm, "a) b (c d");
	CHECK_INT(st.state, 'S');
	CHECK_INT(st.ppid, 1);
	CHECK_INT(st.pgrp, 4321);
	CHECK_INT(st.sid, 4300);
	CHECK_INT(st.flags, 4194560);
	CHECK_INT(st.nice, -5);
	CHECK_INT(st.num_threads, 2);
	CHECK(st.start_code == 94000000000000ULL);
	CHECK(st.end_code == 94000000010000ULL);
	CHECK(st.start_stack == 140730000000000ULL);
	CHECK_INT(st.exit_signal, 17);
	CHECK(st.start_data == 94000000020000ULL);
	CHECK(st.end_data == 94000000030000ULL);
	CHECK(st.start_brk == 94000001000000ULL);
	CHECK(st.arg_start == 140730000001000ULL);
	CHECK(st.arg_end == 140730000001100ULL);
	CHECK(st.env_start == 140730000001100ULL);
	CHECK(st.env_end == 140730000004000ULL);
}

UNIT_TEST(stat_comm_only_parens)
{
	struct proc_stat st;

	CHECK(proc_parse_stat_text(stat_line(")) ((", 49), &st) == 0);
	CHECK_STR(st.comm, ")) ((");
	CHECK_INT(st.ppid, 1);
	CHECK(proc_parse_stat_text(stat_line("", 49), &st) == 0);
	CHECK_STR(st.comm, "");
	CHECK_INT(st.exit_signal, 17);
}

UNIT_TEST(stat_too_few_fields)
{
	struct proc_stat st;

	CHECK(proc_parse_stat_text(stat_line("x", 30), &st) == -1);
	CHECK_ERR("cannot parse stat");
	clear_error();
	CHECK(proc_parse_stat_text("4321 no comm here", &st) == -1);
	CHECK_ERR("cannot parse stat");
}

UNIT_TEST(stat_of_self)
{
	struct proc_stat st;

	CHECK(proc_parse_stat(getpid(), 0, &st) == 0);
	CHECK_INT(st.ppid, getppid());
	CHECK_INT(st.sid, getsid(0));
	CHECK_INT(st.pgrp, getpgrp());
	CHECK_INT(st.state, 'R');
	CHECK(st.start_code && st.start_code < st.end_code);
	CHECK(st.arg_start < st.arg_end && st.arg_end <= st.env_start);
}

static const char status[] =
"Name:\tmy prog\n"
"Umask:\t0027\n"
"State:\tS (sleeping)\n"
"Tgid:\t4321\n"
"Ngid:\t0\n"
"Pid:\t4321\n"
"PPid:\t1\n"
"TracerPid:\t77\n"
"Uid:\t1000\t1001\t1002\t1003\n"
"Gid:\t2000\t2001\t2002\t2003\n"
"FDSize:\t64\n"
"Groups:\t4 24 27 1000 \n"
"NStgid:\t4321\n"
"NSpid:\t4321\n"
"VmPeak:\t    9876 kB\n"
"Threads:\t2\n"
"SigQ:\t0/63459\n"
"SigPnd:\t0000000000000000\n"
"ShdPnd:\t0000000000000100\n"
"SigBlk:\t0000000000010000\n"
"SigIgn:\t0000000000001000\n"
"SigCgt:\t0000000180000000\n"
"CapInh:\t0000000000000001\n"
"CapPrm:\t000001ffffffffff\n"
"CapEff:\t000001fffeffffff\n"
"CapBnd:\t000001ffffffffff\n"
"CapAmb:\t0000000000000400\n"
"NoNewPrivs:\t1\n"
"Seccomp:\t2\n"
"Seccomp_filters:\t1\n"
"Speculation_Store_Bypass:\tthread vulnerable\n"
"Cpus_allowed_list:\t0-15\n";

UNIT_TEST(status_sample)
{
	struct proc_status st;

	CHECK(proc_parse_status_text(status, &st) == 0);
	CHECK_INT(st.umask, 027);
	CHECK_INT(st.tgid, 4321);
	CHECK_INT(st.tracer, 77);
	CHECK(st.uid[0] == 1000 && st.uid[1] == 1001 && st.uid[2] == 1002 && st.uid[3] == 1003);
	CHECK(st.gid[0] == 2000 && st.gid[1] == 2001 && st.gid[2] == 2002 && st.gid[3] == 2003);
	CHECK_INT(st.nr_groups, 4);
	CHECK(st.groups[0] == 4 && st.groups[1] == 24 && st.groups[2] == 27 && st.groups[3] == 1000);
	CHECK(st.shd_pnd == 0x100);
	CHECK(st.sig_blk == 0x10000);
	CHECK(st.cap_inh == 1);
	CHECK(st.cap_prm == 0x1ffffffffffULL);
	CHECK(st.cap_eff == 0x1fffeffffffULL);
	CHECK(st.cap_bnd == 0x1ffffffffffULL);
	CHECK(st.cap_amb == 0x400);
	CHECK_INT(st.no_new_privs, 1);
	CHECK_INT(st.seccomp, 2);
	CHECK_INT(st.nspid, 4321);
	CHECK_INT(st.ns_levels, 1);
	proc_free_status(&st);
}

UNIT_TEST(status_nested_pid_namespaces)
{
	struct proc_status st;

	/* outermost first: the last number is the pid inside */
	CHECK(proc_parse_status_text("NStgid:\t9000\t2\nNSpid:\t9000\t17\t2\nNSpgid:\t5\n", &st) == 0);
	CHECK_INT(st.nspid, 2);
	CHECK_INT(st.ns_levels, 3);
	proc_free_status(&st);
}

UNIT_TEST(nspid_of_self)
{
	CHECK_INT(proc_nspid(getpid(), 0), getpid());
	CHECK_INT(proc_nspid(getpid(), getpid()), getpid());
	CHECK_INT(proc_nspid(999999999, 0), -1);
}

UNIT_TEST(status_no_groups_no_umask)
{
	struct proc_status st;

	CHECK(proc_parse_status_text("Groups:\t\nUid:\t0\t0\t0\t0\nTgid:\t1\n", &st) == 0);
	CHECK_INT(st.nr_groups, 0);
	CHECK_INT(st.umask, 022);	/* kernels before 4.7 had no Umask line */
	CHECK_INT(st.tgid, 1);
	proc_free_status(&st);
}

UNIT_TEST(status_of_self)
{
	struct proc_status st;

	CHECK(proc_parse_status(getpid(), &st) == 0);
	CHECK_INT(st.tgid, getpid());
	CHECK_INT(st.uid[0], getuid());
	CHECK_INT(st.uid[1], geteuid());
	CHECK_INT(st.gid[0], getgid());
	proc_free_status(&st);
}

/* The kernel writes SIGEV_THREAD_ID as "signal/tid.N" (the how without the
 * THREAD_ID bit, then tid for the target). */
static const char timers[] =
"ID: 0\n"
"signal: 14/0000000000000000\n"
"notify: signal/pid.4321\n"
"ClockID: 1\n"
"ID: 1\n"
"signal: 34/00007f0000001234\n"
"notify: signal/tid.4322\n"
"ClockID: 0\n"
"ID: 7\n"
"signal: 0/0000000000000000\n"
"notify: none/pid.4321\n"
"ClockID: 7\n";

UNIT_TEST(timers_sample)
{
	struct proc_timer *t;
	size_t n;

	CHECK(proc_parse_timers_text(timers, &t, &n) == 0);
	CHECK_INT(n, 3);
	CHECK_INT(t[0].id, 0);
	CHECK_INT(t[0].signo, SIGALRM);
	CHECK(t[0].sival == 0);
	CHECK_INT(t[0].notify, SIGEV_SIGNAL);
	CHECK_INT(t[0].notify_tid, 4321);
	CHECK_INT(t[0].clockid, 1);
	CHECK_INT(t[1].id, 1);
	CHECK_INT(t[1].signo, 34);
	CHECK(t[1].sival == 0x7f0000001234ULL);
	CHECK_INT(t[1].notify, SIGEV_SIGNAL | SIGEV_THREAD_ID);
	CHECK_INT(t[1].notify_tid, 4322);
	CHECK_INT(t[1].clockid, 0);
	CHECK_INT(t[2].id, 7);
	CHECK_INT(t[2].notify, SIGEV_NONE);
	CHECK_INT(t[2].clockid, 7);
	free(t);
}

UNIT_TEST(timers_none)
{
	struct proc_timer *t;
	size_t n = 5;

	CHECK(proc_parse_timers_text("", &t, &n) == 0);
	CHECK_INT(n, 0);
	free(t);
}

UNIT_TEST(fdinfo_sample)
{
	struct proc_fdinfo fi;

	CHECK(proc_parse_fdinfo_text("pos:\t1234567890123\nflags:\t02104002\nmnt_id:\t29\n"
				     "ino:\t123456\n", &fi) == 0);
	CHECK(fi.pos == 1234567890123ULL);
	CHECK_INT(fi.flags, 02104002);	/* O_CLOEXEC|O_LARGEFILE|O_NONBLOCK|O_RDWR */
	CHECK_INT(fi.mnt_id, 29);
}

UNIT_TEST(fdinfo_eventfd)
{
	struct proc_fdinfo fi;

	/* Lines of other kinds of fd must not be taken for ours. */
	CHECK(proc_parse_fdinfo_text("pos:\t0\nflags:\t02004000\nmnt_id:\t15\nino:\t1057\n"
				     "eventfd-count:                5\neventfd-id: 3\n", &fi) == 0);
	CHECK_INT(fi.pos, 0);
	CHECK_INT(fi.flags, 02004000);
	CHECK_INT(fi.mnt_id, 15);
	CHECK(fi.eventfd && fi.eventfd_count == 5 && !fi.eventfd_semaphore);
	/* the kernel prints the count in hex */
	CHECK(proc_parse_fdinfo_text("flags:\t04002\neventfd-count:               29\n"
				     "eventfd-semaphore: 1\n", &fi) == 0);
	CHECK(fi.eventfd && fi.eventfd_count == 41 && fi.eventfd_semaphore);
	CHECK(proc_parse_fdinfo_text("pos:\t0\nflags:\t02\n", &fi) == 0 && !fi.eventfd);
}

UNIT_TEST(fdinfo_locks)
{
	struct proc_fdinfo fi;

	/* as this kernel (6.18) writes them */
	CHECK(proc_parse_fdinfo_text("pos:\t0\nflags:\t0100002\nmnt_id:\t27\nino:\t10954510\n"
				     "lock:\t1: POSIX  ADVISORY  WRITE 29916 fe:00:10954510 10 29\n"
				     "lock:\t2: POSIX  ADVISORY  READ 29916 fe:00:10954510 100 EOF\n"
				     "lock:\t3: FLOCK  ADVISORY  WRITE 29916 fe:00:10954509 0 EOF\n"
				     "lock:\t4: OFDLCK ADVISORY  WRITE -1 fe:00:10954511 0 4\n"
				     "lock:\t5: LEASE  ACTIVE    READ 77 00:2a:12 0 EOF\n", &fi) == 0);
	CHECK_INT(fi.n_locks, 5);
	CHECK(fi.locks[0].type == PROC_LOCK_POSIX && fi.locks[0].write && fi.locks[0].pid == 29916);
	CHECK(fi.locks[0].start == 10 && fi.locks[0].end == 29 && !fi.locks[0].mandatory);
	CHECK(fi.locks[1].type == PROC_LOCK_POSIX && !fi.locks[1].write);
	CHECK(fi.locks[1].start == 100 && fi.locks[1].end == UINT64_MAX);
	CHECK(fi.locks[2].type == PROC_LOCK_FLOCK && fi.locks[2].write);
	CHECK(fi.locks[3].type == PROC_LOCK_OFD && fi.locks[3].pid == -1 && fi.locks[3].end == 4);
	CHECK(fi.locks[4].type == PROC_LOCK_OTHER && fi.locks[4].pid == 77);
	CHECK_STR(fi.locks[4].name, "LEASE");
	CHECK(proc_parse_fdinfo_text("lock:\t1: POSIX  MANDATORY WRITE 5 fe:00:1 0 EOF\n", &fi) == 0);
	CHECK(fi.n_locks == 1 && fi.locks[0].mandatory);
	/* a line we cannot read, or too many, is not silently dropped */
	CHECK(proc_parse_fdinfo_text("lock:\tsomething new\n", &fi) == 0 && fi.n_locks == -1);
	CHECK(proc_parse_fdinfo_text("pos:\t0\n", &fi) == 0 && fi.n_locks == 0);
}

UNIT_TEST(fdinfo_of_self)
{
	struct proc_fdinfo fi;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	char buf[7];

	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) == sizeof(buf));
	CHECK(proc_parse_fdinfo(getpid(), fd, &fi) == 0);
	CHECK_INT(fi.pos, 7);
	CHECK_INT(fi.flags & (O_ACCMODE | O_CLOEXEC), O_RDONLY | O_CLOEXEC);
	close(fd);
}

/* In misc.c, without a header yet. */

UNIT_TEST(limits_of_self)
{
	uint64_t cur[RLIM_NLIMITS], max[RLIM_NLIMITS];
	cleanup_free char *text = read_file("/proc/self/limits", NULL);

	CHECK(text);
	CHECK(proc_parse_limits_text(text, cur, max) == 0);
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit rl;

		CHECK(getrlimit(r, &rl) == 0);
		if (cur[r] != rl.rlim_cur || max[r] != rl.rlim_max)
			unit_fail(__FILE__, __LINE__, "rlimit %d: parsed %" PRIu64 "/%" PRIu64
				  ", getrlimit says %lu/%lu", r, cur[r], max[r],
				  (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
	}
}

UNIT_TEST(limits_short)
{
	uint64_t cur[RLIM_NLIMITS], max[RLIM_NLIMITS];

	CHECK(proc_parse_limits_text("Limit                     Soft Limit           Hard Limit"
				     "           Units     \n"
				     "Max cpu time              unlimited            unlimited"
				     "            seconds   \n", cur, max) == -1);
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv,
		UNIT_ENTRY(smaps_sample),
		UNIT_ENTRY(smaps_empty),
		UNIT_ENTRY(smaps_bad_line),
		UNIT_ENTRY(smaps_of_self),
		UNIT_ENTRY(stat_comm_with_spaces_and_parens),
		UNIT_ENTRY(stat_comm_only_parens),
		UNIT_ENTRY(stat_too_few_fields),
		UNIT_ENTRY(stat_of_self),
		UNIT_ENTRY(status_sample),
		UNIT_ENTRY(status_no_groups_no_umask),
		UNIT_ENTRY(status_nested_pid_namespaces),
		UNIT_ENTRY(nspid_of_self),
		UNIT_ENTRY(status_of_self),
		UNIT_ENTRY(timers_sample),
		UNIT_ENTRY(timers_none),
		UNIT_ENTRY(fdinfo_sample),
		UNIT_ENTRY(fdinfo_eventfd),
		UNIT_ENTRY(fdinfo_locks),
		UNIT_ENTRY(fdinfo_of_self),
		UNIT_ENTRY(limits_of_self),
		UNIT_ENTRY(limits_short));
}
