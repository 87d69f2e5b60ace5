/*
 * The command line of the ckpt binary, and `ckpt show` / `ckpt check` run as
 * a user runs them.  `show` reads a checkpoint built here with the library,
 * with awkward strings in it; its JSON is parsed by python3.
 */
#include <signal.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/user.h>

#include "unit.h"
#include "exitcodes.h"
#include "image.h"
#include "mm.h"
#include "proc.h"
#include "store.h"
#include "images/core.pb-c.h"
#include "images/fdinfo.pb-c.h"
#include "images/mm.pb-c.h"
#include "images/pstree.pb-c.h"

static char *out, *err;

/* Run ckpt with args (NULL-terminated); its stdout and stderr land in out
 * and err.  Returns its exit status, or 128+N if signal N killed it. */
static int run_args(const char *const *args)
{
	const char *bin = getenv("CKPT") ? getenv("CKPT") : "../../criu-lite/ckpt";
	const char *argv[32] = { bin };
	int status = 0, n = 1;
	pid_t pid;

	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	free(out);
	free(err);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int o = open(unit_path("out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(unit_path("err"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int i = open("/dev/null", O_RDONLY);

		if (o < 0 || e < 0 || i < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(bin, (char **)argv);
		_exit(127);
	}
	for (int waited = 0; waitpid(pid, &status, WNOHANG) != pid; waited += 10) {
		if (waited > 30000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			unit_fail(__FILE__, __LINE__, "'%s %s' hung", bin, argv[1]);
		}
		sleep_ms(10);
	}
	out = read_file(unit_path("out"), NULL);
	err = read_file(unit_path("err"), NULL);
	CHECK(out && err);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		unit_fail(__FILE__, __LINE__, "cannot run '%s' (set CKPT)", bin);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define RUN(...) run_args((const char *const[]){ __VA_ARGS__, NULL })

UNIT_TEST(cli_dump_without_pid)
{
	/* Without -p the store's job (of `ckpt run -D`) is dumped: none here. */
	CHECK_INT(RUN("dump", "-D", unit_path("st")), EXIT_NO_PROCESS);
	CHECK_HAS(err, "no pid given");
	CHECK_HAS(err, unit_path("st"));
	CHECK(access(unit_path("st"), F_OK) == -1);	/* nothing made */
	CHECK_INT(RUN("dump", "-D", unit_path("st"), "extra"), EXIT_USAGE);
	CHECK_HAS(err, "usage: ckpt dump");
}

UNIT_TEST(cli_run_usage)
{
	CHECK_INT(RUN("run"), EXIT_USAGE);
	CHECK_HAS(err, "usage: ckpt run");
	CHECK_INT(RUN("run", "--bogus", "--", "true"), EXIT_USAGE);
	CHECK_INT(RUN("run", "--help"), 0);
	CHECK_HAS(out, "pid namespace");
}

UNIT_TEST(cli_dump_bad_pid)
{
	CHECK_INT(RUN("dump", "-p", "abc"), EXIT_USAGE);
	CHECK_HAS(err, "'abc' is not a pid");
	CHECK_INT(RUN("dump", "-p", "12x"), EXIT_USAGE);
	CHECK_INT(RUN("dump", "-p", "0"), EXIT_USAGE);
	CHECK_INT(RUN("dump", "-p", "-5"), EXIT_USAGE);
	CHECK_INT(RUN("dump", "-p", "1", "extra"), EXIT_USAGE);
	CHECK_INT(RUN("dump", "--no-such-option", "-p", "1"), EXIT_USAGE);
}

UNIT_TEST(cli_help)
{
	CHECK_INT(RUN("--help"), 0);
	CHECK_HAS(out, "usage: ckpt");
	CHECK_HAS(out, "dump");
	CHECK_HAS(out, "restore");
	CHECK_HAS(out, "show");
	CHECK_HAS(out, "check");
	CHECK_INT(RUN("-h"), 0);
	CHECK_INT(RUN("--version"), 0);
	CHECK_HAS(out, "ckpt ");
}

UNIT_TEST(cli_command_help)
{
	static const char *cmds[] = { "dump", "restore", "show", "check" };

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char want[32];

		CHECK_INT(RUN(cmds[i], "--help"), 0);
		snprintf(want, sizeof(want), "usage: ckpt %s", cmds[i]);
		CHECK_HAS(out, want);
		CHECK_STR(err, "");
	}
	/* Every option of show and check is described. */
	CHECK_INT(RUN("show", "--help"), 0);
	CHECK_HAS(out, "--dir");
	CHECK_HAS(out, "--version");
	CHECK_HAS(out, "--json");
	CHECK_INT(RUN("check", "--help"), 0);
	CHECK_HAS(out, "--json");
}

UNIT_TEST(cli_unknown)
{
	CHECK_INT(RUN("frobnicate"), EXIT_USAGE);
	CHECK_HAS(err, "unknown command 'frobnicate'");
	CHECK_INT(RUN("--bogus"), EXIT_USAGE);
	CHECK_HAS(err, "unknown option '--bogus'");
	CHECK_INT(run_args((const char *const[]){ NULL }), EXIT_USAGE);
	CHECK_HAS(err, "usage: ckpt");
}

UNIT_TEST(cli_show_usage)
{
	CHECK_INT(RUN("show", "--version", "0"), EXIT_USAGE);
	CHECK_HAS(err, "'0' is not a version number");
	CHECK_INT(RUN("show", "-n", "abc"), EXIT_USAGE);
	CHECK_INT(RUN("show", "-n", "-1"), EXIT_USAGE);
	CHECK_INT(RUN("show", "extra"), EXIT_USAGE);
	CHECK_INT(RUN("show", "--bogus"), EXIT_USAGE);
	CHECK_INT(RUN("check", "extra"), EXIT_USAGE);
	CHECK_INT(RUN("check", "--bogus"), EXIT_USAGE);
}

UNIT_TEST(cli_show_no_store)
{
	char want[128];

	CHECK_INT(RUN("show", "-D", unit_path("nothere")), EXIT_STORE);
	snprintf(want, sizeof(want), "ckpt show: error: cannot open store '%s': No such file",
		 unit_path("nothere"));
	CHECK_HAS(err, want);
	CHECK_STR(out, "");
	CHECK_INT(RUN("restore", "-D", unit_path("nothere")), EXIT_STORE);
}

UNIT_TEST(cli_show_empty_store)
{
	CHECK(mkdir(unit_path("st"), 0700) == 0);
	CHECK_INT(RUN("show", "-D", unit_path("st")), EXIT_STORE);
	CHECK_HAS(err, "ckpt show: error: the store holds no checkpoint");
	CHECK_INT(RUN("show", "-D", unit_path("st"), "--json"), EXIT_STORE);
	CHECK_STR(out, "");
}

/* ---- a checkpoint made here ------------------------------------------ */

#define PID 4242
/* Every kind of awkward byte: quote, backslash, newline, tab, a control
 * character, a byte that is not UTF-8, and UTF-8. */
#define AWKWARD "a\"b\\c\nd\te\x01" "f\xff" "g caf\xc3\xa9"

static SiginfoEntry *siginfo(int sig, int code, pid_t from)
{
	SiginfoEntry *e = xzalloc(sizeof(*e));
	siginfo_t *si = xzalloc(sizeof(*si));

	siginfo_entry__init(e);
	si->si_signo = sig;
	si->si_code = code;
	si->si_pid = from;
	e->raw.data = (void *)si;
	e->raw.len = sizeof(*si);
	return e;
}

static ThreadCore *thread(pid_t tid, uint64_t rip)
{
	ThreadCore *t = xzalloc(sizeof(*t));
	struct user_regs_struct *regs = xzalloc(sizeof(*regs));
	static uint8_t cpus[2] = { 0x0f, 0x01 };	/* 0-3,8 */

	thread_core__init(t);
	t->tid = tid;
	regs->rip = rip;
	regs->rsp = 0x7ffd00001000;
	regs->orig_rax = 230;
	t->regs.data = (void *)regs;
	t->regs.len = sizeof(*regs);
	t->xstate.data = xzalloc(832);
	t->xstate.len = 832;
	t->sigmask = 1ULL << (SIGUSR2 - 1);
	t->rseq_ptr = 0x7f0000002000;
	t->rseq_len = 32;
	t->rseq_sig = 0x53053053;
	t->comm = tid == PID ? AWKWARD : "worker";
	t->altstack_flags = SS_DISABLE;
	t->has_affinity = true;
	t->affinity.data = cpus;
	t->affinity.len = sizeof(cpus);
	return t;
}

static VmaEntry *vma(uint64_t start, uint64_t end, unsigned prot, unsigned kind, const char *path)
{
	VmaEntry *e = xzalloc(sizeof(*e));

	vma_entry__init(e);
	e->start = start;
	e->end = end;
	e->prot = prot;
	e->kind = kind;
	e->flags = kind == VMA_ANON_SHARED || kind == VMA_FILE_SHARED ? MAP_SHARED : MAP_PRIVATE;
	e->path = (char *)path;
	e->madv = kind == VMA_ANON_PRIVATE ? VMF_NOHUGEPAGE : 0;
	return e;
}

static PageRun *run(uint64_t vaddr, uint64_t nr, uint64_t off)
{
	PageRun *r = xzalloc(sizeof(*r));

	page_run__init(r);
	r->vaddr = vaddr;
	r->nr = nr;
	r->off = off;
	return r;
}

static FdEntry *fd(int n, const char *path, unsigned mode, unsigned flags, uint64_t pos)
{
	FdEntry *e = xzalloc(sizeof(*e));

	fd_entry__init(e);
	e->fd = n;
	e->path = (char *)path;
	e->mode = mode;
	e->flags = flags;
	e->pos = pos;
	return e;
}

/* A version of the store "st" holding one process with two threads. */
static void make_version(const char *command)
{
	int sfd = store_open(unit_path("st"), true);
	int32_t tids[] = { PID, PID + 1 };
	PstreeTask pt = PSTREE_TASK__INIT, *ptp = &pt;
	Pstree tree = PSTREE__INIT;
	TaskCore core = TASK_CORE__INIT;
	CredsEntry cr = CREDS_ENTRY__INIT;
	MmFields mmf = MM_FIELDS__INIT;
	MmEntry mm = MM_ENTRY__INIT;
	FilesEntry files = FILES_ENTRY__INIT;
	Inventory inv = INVENTORY__INIT;
	uint32_t ids[4] = { 1000, 1000, 1000, 1000 }, groups[2] = { 4, 27 };
	RlimitEntry rl[3] = { RLIMIT_ENTRY__INIT, RLIMIT_ENTRY__INIT, RLIMIT_ENTRY__INIT };
	RlimitEntry *rlp[3] = { &rl[0], &rl[1], &rl[2] };
	SigactionEntry sa[2] = { SIGACTION_ENTRY__INIT, SIGACTION_ENTRY__INIT };
	SigactionEntry *sap[2] = { &sa[0], &sa[1] };
	ItimerEntry it[3] = { ITIMER_ENTRY__INIT, ITIMER_ENTRY__INIT, ITIMER_ENTRY__INIT };
	ItimerEntry *itp[3] = { &it[0], &it[1], &it[2] };
	PosixTimerEntry pte = POSIX_TIMER_ENTRY__INIT, *ptep = &pte;
	ThreadCore *threads[2] = { thread(PID, 0x401234), thread(PID + 1, 0x401300) };
	SiginfoEntry *pending[1] = { siginfo(SIGUSR1, SI_USER, 77) };
	VmaEntry *vmas[4] = {
		vma(0x400000, 0x401000, PROT_READ | PROT_EXEC, VMA_FILE_PRIVATE, "/usr/bin/" AWKWARD),
		vma(0x600000, 0x604000, PROT_READ | PROT_WRITE, VMA_ANON_PRIVATE, NULL),
		vma(0x700000, 0x710000, PROT_READ | PROT_WRITE, VMA_ANON_SHARED, NULL),
		vma(0x7ffd00000000, 0x7ffd00002000, PROT_READ | PROT_EXEC, VMA_VDSO, "[vdso]"),
	};
	/* 2 pages in the second area, 1 in the third. */
	PageRun *runs[2] = { run(0x601000, 2, 0), run(0x70f000, 1, 2 * PAGE_SIZE) };
	FdEntry *fds[3] = {
		fd(0, "/dev/null", S_IFCHR | 0666, O_RDONLY, 0),
		fd(3, "/tmp/" AWKWARD, S_IFREG | 0644, O_RDWR | O_APPEND | 0100000 | O_CLOEXEC, 1234),
		fd(4, "/tmp/" AWKWARD, S_IFREG | 0644, O_RDWR | O_APPEND | 0100000, 1234),
	};
	struct version v;
	struct img_out o;
	uint8_t page[PAGE_SIZE];
	uint64_t sum;

	CHECK(sfd >= 0);
	CHECK(version_begin(sfd, &v, 0) == 0);
	pt.pid = PID;
	pt.pgid = PID;
	pt.sid = PID - 2;
	pt.threads = tids;
	pt.n_threads = 2;
	tree.tasks = &ptp;
	tree.n_tasks = 1;
	CHECK(version_write_img(&v, "pstree.img", IMG_PSTREE, &tree.base) == 0);

	cr.uid = cr.gid = ids;
	cr.n_uid = cr.n_gid = 4;
	cr.groups = groups;
	cr.n_groups = 2;
	cr.cap_eff = cr.cap_prm = 1ULL << 5 | 1ULL << 13;	/* kill, net_raw */
	cr.cap_bnd = 0x1ffffffffffULL;
	core.creds = &cr;
	rl[0].resource = RLIMIT_NOFILE, rl[0].cur = 1024, rl[0].max = 4096;
	rl[1].resource = RLIMIT_STACK, rl[1].cur = rl[1].max = RLIM_INFINITY;
	rl[2].resource = RLIMIT_CORE, rl[2].cur = 0, rl[2].max = RLIM_INFINITY;
	core.rlimits = rlp;
	core.n_rlimits = 3;
	sa[0].sig = SIGINT, sa[0].handler = 0x401100, sa[0].flags = SA_RESTART | 0x04000000;
	sa[1].sig = SIGPIPE, sa[1].handler = (uintptr_t)SIG_IGN;
	core.sigactions = sap;
	core.n_sigactions = 2;
	core.shared_pending = pending;
	core.n_shared_pending = 1;
	it[0].value_us = 1500000, it[0].interval_us = 2000000;
	core.itimers = itp;
	core.n_itimers = 3;
	pte.id = 3, pte.clockid = CLOCK_MONOTONIC, pte.signo = SIGALRM;
	pte.value_ns = 250000000, pte.interval_ns = 1000000000;
	core.timers = &ptep;
	core.n_timers = 1;
	core.pid = PID;
	core.threads = threads;
	core.n_threads = 2;
	core.comm = AWKWARD;
	core.cwd = "/tmp/" AWKWARD;
	core.root = "/";
	core.umask = 027;
	core.exit_signal = SIGCHLD;
	core.dumpable = 1;
	mmf.exe = "/usr/bin/" AWKWARD;
	mmf.start_brk = 0x604000, mmf.brk = 0x625000;
	core.mm = &mmf;
	CHECK(version_write_img(&v, "core-4242.img", IMG_CORE, &core.base) == 0);

	mm.vmas = vmas;
	mm.n_vmas = 4;
	mm.pages = runs;
	mm.n_pages = 2;
	mm.pages_bytes = 3 * PAGE_SIZE;
	CHECK(version_write_img(&v, "mm-4242.img", IMG_MM, &mm.base) == 0);
	files.fds = fds;
	files.n_fds = 3;
	fds[2]->has_dup_of = true;
	fds[2]->dup_of = 3;
	CHECK(version_write_img(&v, "files-4242.img", IMG_FILES, &files.base) == 0);

	CHECK(img_out_open(&o, v.dfd, "pages-4242.img") == 0);
	for (int i = 0; i < 3; i++) {
		memset(page, 'a' + i, sizeof(page));
		CHECK(img_out_write(&o, page, sizeof(page)) == 0);
	}
	CHECK(img_out_close(&o, &sum) == 0);
	version_add_file(&v, "pages-4242.img", o.size, sum);

	inv.format_version = IMAGE_FORMAT_VERSION;
	inv.ckpt_version = "unit-test";
	inv.kernel = "6.18.0-test";
	inv.arch = "x86_64";
	inv.xfeatures = 0x2e7;
	inv.xsave_size = 832;
	inv.time_ns = 1700000000123456789ULL;
	inv.root_pid = PID;
	inv.leave_running = true;
	inv.command = (char *)command;
	inv.has_freeze_ns = inv.has_dump_ns = true;
	inv.freeze_ns = 12300000;
	inv.dump_ns = 45600000;
	CHECK(version_commit(&v, &inv) == 0);
	close(sfd);
}

/* python3 parses the JSON in out and runs the asserts in `script` on d. */
static void check_json(const char *script)
{
	char prog[4096];

	unit_write_file(unit_path("show.json"), out, strlen(out));
	snprintf(prog, sizeof(prog),
		 "import json, sys\n"
		 "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
		 "AWKWARD = 'a\"b\\\\c\\nd\\te\\x01f\\xffg caf\\u00e9'\n"
		 "%s\n", script);
	unit_write_file(unit_path("check.py"), prog, strlen(prog));
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		execlp("python3", "python3", unit_path("check.py"), unit_path("show.json"), NULL);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		unit_fail(__FILE__, __LINE__, "the JSON check failed (status %#x): %s", status, out);
}

UNIT_TEST(show_human)
{
	make_version("./job --lr 0.1");
	CHECK_INT(RUN("show", "-D", unit_path("st")), 0);
	CHECK_STR(err, "");
	CHECK_HAS(out, "version        1 (the newest)");
	CHECK_HAS(out, "verified       yes\n");
	CHECK_HAS(out, "kernel         6.18.0-test\n");
	CHECK_HAS(out, "arch           x86_64\n");
	CHECK_HAS(out, "xfeatures      0x2e7");
	CHECK_HAS(out, "freeze time    12.3 ms");
	CHECK_HAS(out, "dump time      45.6 ms");
	CHECK_HAS(out, "leave running  yes");
	CHECK_HAS(out, "command        ./job --lr 0.1\n");
	CHECK_HAS(out, "  4242     0        4242     4240     4242 4243\n");
	CHECK_HAS(out, "uid            1000 1000 1000 1000");
	CHECK_HAS(out, "groups         4 27\n");
	CHECK_HAS(out, "effective      cap_kill cap_net_raw\n");
	CHECK_HAS(out, "nofile       1024 / 4096\n");
	CHECK_HAS(out, "core         0 B / unlimited\n");
	CHECK(!strstr(out, "\n    stack "));	/* unlimited: not listed */
	CHECK_HAS(out, "umask          0027\n");
	CHECK_HAS(out, "SIGINT     0x401100");
	CHECK_HAS(out, "SA_RESTORER|SA_RESTART");
	CHECK_HAS(out, "SIGPIPE    SIG_IGN\n");
	CHECK_HAS(out, "SIGUSR1 (user from pid 77");
	CHECK_HAS(out, "real 1.500 s, every 2.000 s");
	CHECK_HAS(out, "MONOTONIC");
	CHECK_HAS(out, "0.250 s");
	CHECK_HAS(out, "thread 4243 \"worker\"");
	CHECK_HAS(out, "rip        0x401300  rsp 0x7ffd00001000  (in system call 230)");
	CHECK_HAS(out, "sigmask    0x800 (SIGUSR2)");
	CHECK_HAS(out, "rseq       0x7f0000002000, 32 bytes, signature 0x53053053");
	CHECK_HAS(out, "cpus       0-3,8\n");
	CHECK_HAS(out, "memory (4 areas), 3 pages saved (12.0 KiB) in pages-4242.img (12.0 KiB)");
	CHECK_HAS(out, "000000600000 000000604000 rw-p anon          16.0 KiB    8.0 KiB  nh\n");
	CHECK_HAS(out, "000000700000 000000710000 rw-s anon-shared   64.0 KiB    4.0 KiB\n");
	CHECK_HAS(out, "000000400000 000000401000 r-xp file           4.0 KiB          -");
	CHECK_HAS(out, "O_RDWR|O_APPEND|O_LARGEFILE|O_CLOEXEC");
	CHECK_HAS(out, "(same open file as fd 3)");
	CHECK_HAS(out, "pages-4242.img             12.0 KiB");
	CHECK_HAS(out, "inventory.img");
	/* Names are escaped for the terminal: no raw control bytes. */
	CHECK_HAS(out, "process 4242 \"a\"b\\\\c\\nd\\te\\x01f\\xffg caf\xc3\xa9\"\n");
	CHECK_HAS(out, "  cwd            /tmp/a\"b\\\\c\\nd");
	for (const char *c = out; *c; c++)
		CHECK(*c == '\n' || (unsigned char)*c >= 0x20);
	/* and no line ends in padding */
	CHECK(!strstr(out, " \n"));
}

UNIT_TEST(show_json)
{
	make_version(AWKWARD);
	CHECK_INT(RUN("show", "-D", unit_path("st"), "--json"), 0);
	CHECK_STR(err, "");
	check_json(
		"assert d['version'] == 1 and d['versions'] == [1]\n"
		"assert d['verified'] is True and d['verify_error'] is None\n"
		"assert d['command'] == AWKWARD, repr(d['command'])\n"
		"assert d['time_ns'] == 1700000000123456789\n"
		"assert d['xfeatures'] == '0x2e7' and d['leave_running'] is True\n"
		"assert d['freeze_ms'] == 12.3 and d['dump_ms'] == 45.6\n"
		"assert d['pstree'] == [{'pid': 4242, 'ppid': 0, 'pgid': 4242, 'sid': 4240,"
		" 'threads': [4242, 4243]}]\n"
		"p = d['processes'][0]\n"
		"assert p['comm'] == AWKWARD and p['cwd'] == '/tmp/' + AWKWARD\n"
		"assert p['exe'] == '/usr/bin/' + AWKWARD\n"
		"assert p['creds']['cap_eff_names'] == ['cap_kill', 'cap_net_raw']\n"
		"assert p['creds']['groups'] == [4, 27]\n"
		"assert p['rlimits'] == [{'resource': 'nofile', 'cur': 1024, 'max': 4096},"
		" {'resource': 'core', 'cur': 0, 'max': None}]\n"
		"assert p['umask'] == '0027'\n"
		"assert [s['signal'] for s in p['sigactions']] == ['SIGINT', 'SIGPIPE']\n"
		"assert p['sigactions'][1]['handler'] == 'SIG_IGN'\n"
		"assert p['pending'][0]['signal'] == 'SIGUSR1' and p['pending'][0]['from_pid'] == 77\n"
		"assert p['itimers'][0] == {'which': 'real', 'value_us': 1500000,"
		" 'interval_us': 2000000}\n"
		"assert p['posix_timers'][0]['id'] == 3\n"
		"t = p['threads']\n"
		"assert [x['tid'] for x in t] == [4242, 4243] and t[0]['comm'] == AWKWARD\n"
		"assert t[0]['rip'] == '0x401234' and t[1]['rip'] == '0x401300'\n"
		"assert t[0]['syscall'] == 230 and t[0]['cpus'] == '0-3,8'\n"
		"m = p['memory']\n"
		"assert m['pages_saved'] == 3 and m['pages_file_size'] == 3 * 4096\n"
		"assert [a['saved'] for a in m['areas']] == [0, 8192, 4096, 0]\n"
		"assert m['areas'][0]['path'] == '/usr/bin/' + AWKWARD\n"
		"assert m['areas'][1]['path'] is None and m['areas'][2]['shared'] is True\n"
		"assert [f['fd'] for f in p['fds']] == [0, 3, 4]\n"
		"assert p['fds'][1]['offset'] == 1234 and p['fds'][2]['dup_of'] == 3\n"
		"assert p['fds'][1]['path'] == '/tmp/' + AWKWARD\n"
		"names = [f['name'] for f in d['files']]\n"
		"assert names == sorted(names) and 'pages-4242.img' in names\n"
		"assert all(f['in_inventory'] for f in d['files'] if f['name'] != 'inventory.img')\n");
}

UNIT_TEST(show_not_verified)
{
	make_version("job");
	unit_flip(unit_path("st/1/pages-4242.img"), 5000);
	CHECK_INT(RUN("show", "-D", unit_path("st")), 0);
	CHECK_HAS(out, "verified       NO (image 'pages-4242.img' is corrupt (checksum mismatch))");
	CHECK_STR(err, "");
	CHECK_INT(RUN("show", "-D", unit_path("st"), "--json"), 0);
	check_json("assert d['verified'] is False\n"
		   "assert 'pages-4242.img' in d['verify_error'] and 'checksum' in d['verify_error']\n");
}

UNIT_TEST(show_unreadable_image)
{
	make_version("job");
	unit_flip(unit_path("st/1/core-4242.img"), 40);
	CHECK_INT(RUN("show", "-D", unit_path("st")), EXIT_STORE);
	CHECK_HAS(err, "ckpt show: error: image 'core-4242.img' is corrupt (checksum mismatch)");
	CHECK_STR(out, "");
	CHECK(unlink(unit_path("st/1/core-4242.img")) == 0);
	CHECK_INT(RUN("show", "-D", unit_path("st"), "--json"), EXIT_STORE);
	CHECK_HAS(err, "cannot read image 'core-4242.img'");
	CHECK_STR(out, "");
}

UNIT_TEST(show_versions)
{
	make_version("first");
	make_version("second");
	CHECK_INT(RUN("show", "-D", unit_path("st")), 0);
	CHECK_HAS(out, "version        2 (the newest)");
	CHECK_HAS(out, "versions       1 2\n");
	CHECK_HAS(out, "command        second\n");
	CHECK_INT(RUN("show", "-D", unit_path("st"), "--version", "1"), 0);
	CHECK_HAS(out, "version        1\n");
	CHECK_HAS(out, "command        first\n");
	CHECK_INT(RUN("show", "-D", unit_path("st"), "-n", "3"), EXIT_STORE);
	CHECK_HAS(err, "ckpt show: error: cannot open version 3");
}

/* The verdict of check depends on the machine; what must hold anywhere is
 * that the JSON parses, covers every feature, and agrees with the status. */
UNIT_TEST(check_json_agrees)
{
	int rc = RUN("check", "--json");
	char script[512];

	CHECK(rc == 0 || rc == EXIT_MISSING);
	snprintf(script, sizeof(script),
		 "f = d['features']\n"
		 "assert d['ok'] == %s\n"
		 "assert len(f) >= 14 and len({x['name'] for x in f}) == len(f)\n"
		 "assert all(x['status'] in ('ok', 'missing', 'no') and x['detail'] for x in f)\n"
		 "assert all((x['status'] == 'missing') == (x['required'] and x['status'] != 'ok')"
		 " for x in f)\n"
		 "assert d['ok'] == all(x['status'] == 'ok' for x in f if x['required'])\n",
		 rc == 0 ? "True" : "False");
	check_json(script);
	if (rc)
		CHECK_HAS(err, "ckpt check: error: ");
}

UNIT_TEST(check_lines)
{
	int rc = RUN("check");
	int lines = 0, missing = 0;

	CHECK(rc == 0 || rc == EXIT_MISSING);
	for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
		char name[32], verdict[16];

		CHECK(strchr(l, '\n'));
		CHECK(sscanf(l, "%31s %15s", name, verdict) == 2);
		CHECK(!strcmp(verdict, "ok") || !strcmp(verdict, "MISSING") || !strcmp(verdict, "no"));
		missing += !strcmp(verdict, "MISSING");
		lines++;
	}
	CHECK(lines >= 14);
	CHECK_INT(rc == EXIT_MISSING, missing > 0);
	CHECK_HAS(out, "privileges ");
	CHECK_HAS(out, "pagemap-scan ");
	CHECK_HAS(out, "cuda ");
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv,
		UNIT_ENTRY(cli_dump_without_pid),
		UNIT_ENTRY(cli_dump_bad_pid),
		UNIT_ENTRY(cli_run_usage),
		UNIT_ENTRY(cli_help),
		UNIT_ENTRY(cli_command_help),
		UNIT_ENTRY(cli_unknown),
		UNIT_ENTRY(cli_show_usage),
		UNIT_ENTRY(cli_show_no_store),
		UNIT_ENTRY(cli_show_empty_store),
		UNIT_ENTRY(show_human),
		UNIT_ENTRY(show_json),
		UNIT_ENTRY(show_not_verified),
		UNIT_ENTRY(show_unreadable_image),
		UNIT_ENTRY(show_versions),
		UNIT_ENTRY(check_json_agrees),
		UNIT_ENTRY(check_lines));
}
