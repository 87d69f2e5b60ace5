/*
 * sysvshm00: SysV shared memory.  Segment A (a key of ours, 3 pages and
 * 100 bytes, mode 0640) is attached twice, once read-only, and our child
 * has both too (inherited at fork).  Segment B (IPC_PRIVATE, 4 pages) was
 * removed while attached (IPC_RMID), its third page unmapped and its
 * fourth made read-only.  After the restore both must be there with their
 * ids, keys, sizes, modes, contents and attach counts; A must still be
 * shared with the child; B must still be removed, cut and protected as it
 * was.  (A failed run leaves segment A behind, unattached: ipcrm it.)
 */
#include "zdtmtst.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL
#define A_SIZE (3 * PG + 100)
#define B_SIZE (4 * PG)

static volatile sig_atomic_t poked;

static void on_usr1(int sig)
{
	(void)sig;
	poked = 1;
}

/* The permissions of the area at addr in /proc/self/maps ("rw-s"), or "". */
static const char *perms_at(void *addr)
{
	static char buf[65536], perms[8];
	unsigned long a = (unsigned long)addr, s, e;
	char *line;

	perms[0] = 0;
	if (test_read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return perms;
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 && a >= s && a < e)
			return perms;
	perms[0] = 0;
	return perms;
}

static void fill(uint8_t *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = test_rand64(&seed);
}

static int same(const uint8_t *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)test_rand64(&seed))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	/* ours alone: in a pid namespace of its own our pid is 2 */
	key_t key = 0x5c000000 | ((getpid() ^ test_now_ns(CLOCK_MONOTONIC)) & 0xffffff);
	struct shmid_ds ds;
	uint8_t *a1, *a2, *b, one = 1;
	sigset_t none, usr1;
	int ida, idb, status;
	pid_t child;

	test_init(argc, argv);
	ida = shmget(key, A_SIZE, IPC_CREAT | IPC_EXCL | 0640);
	idb = shmget(IPC_PRIVATE, B_SIZE, IPC_CREAT | 0600);
	CHECK(ida >= 0 && idb >= 0, "shmget: %s", strerror(errno));
	a1 = shmat(ida, NULL, 0);
	a2 = shmat(ida, NULL, SHM_RDONLY);
	b = shmat(idb, NULL, 0);
	CHECK(a1 != (void *)-1 && a2 != (void *)-1 && b != (void *)-1, "shmat: %s", strerror(errno));
	fill(a1, A_SIZE, 1);
	fill(b, B_SIZE, 2);
	CHECK(shmctl(idb, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	CHECK(munmap(b + 2 * PG, PG) == 0, "munmap of B's third page: %s", strerror(errno));
	CHECK(mprotect(b + 3 * PG, PG, PROT_READ) == 0, "mprotect: %s", strerror(errno));

	signal(SIGUSR1, on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* a failed test leaves nothing attached */
		sigemptyset(&none);
		alarm(600);
		while (!poked)
			sigsuspend(&none);
		a1[A_SIZE - 1] ^= 0xff;	/* the parent must see it */
		_exit(0);
	}
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	test_daemon();
	test_waitsig();

	CHECK(shmctl(ida, IPC_STAT, &ds) == 0, "segment A %d is gone: %s", ida, strerror(errno));
	CHECK(ds.shm_perm.__key == key, "A's key is %#x, not %#x", ds.shm_perm.__key, key);
	CHECK(ds.shm_segsz == A_SIZE, "A has %zu bytes, not %lu", ds.shm_segsz, A_SIZE);
	CHECK((ds.shm_perm.mode & 0777) == 0640, "A's mode is %o", ds.shm_perm.mode);
	CHECK(!(ds.shm_perm.mode & SHM_DEST), "A was removed");
	/* ours two, and the child's two */
	CHECK(ds.shm_nattch == 4, "A has %lu attaches, not 4", (unsigned long)ds.shm_nattch);
	CHECK(same(a1, A_SIZE, 1), "A's content changed");
	CHECK(!strcmp(perms_at(a1), "rw-s"), "A's first attach is %s", perms_at(a1));
	CHECK(!strcmp(perms_at(a2), "r--s"), "A's read-only attach is %s", perms_at(a2));
	CHECK(a2[5000] == a1[5000], "A's two attaches differ");

	CHECK(shmctl(idb, IPC_STAT, &ds) == 0, "segment B %d is gone: %s", idb, strerror(errno));
	CHECK(ds.shm_perm.mode & SHM_DEST, "B is no longer removed");
	/* two areas each of ours and of the child's */
	CHECK(ds.shm_segsz == B_SIZE && ds.shm_nattch == 4, "B: %zu bytes, %lu attaches",
	      ds.shm_segsz, (unsigned long)ds.shm_nattch);
	CHECK(same(b, 2 * PG, 2), "B's first pages changed");
	CHECK(!strcmp(perms_at(b), "rw-s"), "B's start is %s", perms_at(b));
	CHECK(!perms_at(b + 2 * PG)[0], "B's third page is mapped again");
	CHECK(!strcmp(perms_at(b + 3 * PG), "r--s"), "B's last page is %s", perms_at(b + 3 * PG));
	{
		uint64_t seed = 2;
		uint8_t want[B_SIZE];

		for (size_t i = 0; i < B_SIZE; i++)
			want[i] = test_rand64(&seed);
		CHECK(!memcmp(b + 3 * PG, want + 3 * PG, PG), "B's last page changed");
	}

	one = a1[A_SIZE - 1] ^ 0xff;
	CHECK(kill(child, SIGUSR1) == 0, "the child %d is gone", child);
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status), "the child failed");
	CHECK(a1[A_SIZE - 1] == one, "A is no longer shared with the child");
	shmctl(ida, IPC_RMID, NULL);
	pass();
}
