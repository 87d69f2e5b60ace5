/*
 * Credentials and capabilities.  Dump reads them with libcap and
 * /proc/PID/status; restore sets them last, from inside each thread (they
 * are per thread), in an order that never needs a right the thread will no
 * longer have: see the steps in restore_creds().
 */
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include "infect.h"
#include "log.h"
#include "objects.h"
#include "proc.h"
#include "util.h"

static uint64_t cap_set_bits(cap_t caps, cap_flag_t which)
{
	uint64_t bits = 0;

	for (int c = 0; c <= CAP_LAST_CAP && c < 64; c++) {
		cap_flag_value_t v;

		if (cap_get_flag(caps, c, which, &v) == 0 && v == CAP_SET)
			bits |= 1ULL << c;
	}
	return bits;
}

int dump_creds(struct task *task)
{
	CredsEntry *cr = xmalloc(sizeof(*cr));
	struct proc_status st;
	cap_t caps;
	long bits;

	creds_entry__init(cr);
	task->core->creds = cr;
	if (proc_parse_status(task->pid, &st))
		return -1;
	cr->n_uid = cr->n_gid = 4;
	cr->uid = xmalloc(4 * sizeof(uint32_t));
	cr->gid = xmalloc(4 * sizeof(uint32_t));
	memcpy(cr->uid, st.uid, sizeof(st.uid));
	memcpy(cr->gid, st.gid, sizeof(st.gid));
	cr->n_groups = st.nr_groups;
	cr->groups = xmalloc(st.nr_groups * sizeof(uint32_t) + 1);
	memcpy(cr->groups, st.groups, st.nr_groups * sizeof(uint32_t));
	cr->cap_bnd = st.cap_bnd;
	cr->cap_amb = st.cap_amb;
	cr->no_new_privs = st.no_new_privs;
	proc_free_status(&st);

	caps = cap_get_pid(task->pid);
	if (!caps)
		return error_errno("pid %d: cannot read capabilities", task->pid);
	cr->cap_eff = cap_set_bits(caps, CAP_EFFECTIVE);
	cr->cap_prm = cap_set_bits(caps, CAP_PERMITTED);
	cr->cap_inh = cap_set_bits(caps, CAP_INHERITABLE);
	cap_free(caps);

	if (task_syscall_ok(task, &task->threads[0], SYS_prctl, "PR_GET_SECUREBITS", &bits,
			    PR_GET_SECUREBITS, 0, 0, 0, 0, 0))
		return -1;
	cr->securebits = bits;
	return 0;
}

#define CALL(what, nr, ...) \
	task_syscall_ok(task, leader, nr, what, NULL, __VA_ARGS__)

int restore_creds(struct task *task, struct thread *t)
{
	const CredsEntry *cr = task->core->creds;
	struct thread *leader = t;
	struct {
		struct __user_cap_header_struct hdr;
		struct __user_cap_data_struct data[2];
	} capbuf;
	long r;

	if (cr->n_uid != 4 || cr->n_gid != 4)
		return error("pid %d: bad credentials record", task->pid);
	/* 1. the bounding set, while we hold CAP_SETPCAP */
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (!(cr->cap_bnd & (1ULL << c)) &&
		    CALL("drop from the bounding set", SYS_prctl, PR_CAPBSET_DROP, c, 0, 0, 0, 0))
			return -1;
	/* 2. ids, with NO_SETUID_FIXUP so that no uid change touches the
	 *    capability sets, and we keep CAP_SETUID for setfsuid */
	if (CALL("set securebits", SYS_prctl, PR_SET_SECUREBITS,
		 SECBIT_NO_SETUID_FIXUP | SECBIT_KEEP_CAPS, 0, 0, 0, 0))
		return -1;
	if (infect_write(task->pid, task->scratch, cr->groups, cr->n_groups * sizeof(uint32_t)))
		return error("pid %d: %s", task->pid, infect_why());
	if (CALL("setgroups", SYS_setgroups, cr->n_groups, task->scratch, 0, 0, 0, 0) ||
	    CALL("setresgid", SYS_setresgid, cr->gid[0], cr->gid[1], cr->gid[2], 0, 0, 0) ||
	    CALL("setresuid", SYS_setresuid, cr->uid[0], cr->uid[1], cr->uid[2], 0, 0, 0))
		return -1;
	/* setfsuid/setfsgid return the old value, never an error: ask again. */
	if (task_syscall(task, leader, SYS_setfsgid, &r, cr->gid[3], 0, 0, 0, 0, 0) ||
	    task_syscall(task, leader, SYS_setfsuid, &r, cr->uid[3], 0, 0, 0, 0, 0) ||
	    task_syscall(task, leader, SYS_setfsgid, &r, -1, 0, 0, 0, 0, 0))
		return -1;
	if (r != (long)cr->gid[3])
		return error("pid %d: thread %d: cannot set fs gid %u", task->pid, t->tid, cr->gid[3]);
	if (task_syscall(task, leader, SYS_setfsuid, &r, -1, 0, 0, 0, 0, 0))
		return -1;
	if (r != (long)cr->uid[3])
		return error("pid %d: thread %d: cannot set fs uid %u", task->pid, t->tid, cr->uid[3]);

	/* 3. inheritable first, then ambient (needs permitted and inheritable,
	 *    and no NO_CAP_AMBIENT_RAISE yet) */
	memset(&capbuf, 0, sizeof(capbuf));
	capbuf.hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (infect_write(task->pid, task->scratch, &capbuf, sizeof(capbuf)) ||
	    CALL("capget", SYS_capget, task->scratch, task->scratch + sizeof(capbuf.hdr), 0, 0, 0, 0) ||
	    infect_read(task->pid, task->scratch, &capbuf, sizeof(capbuf)))
		return error("pid %d: thread %d: cannot read its capabilities", task->pid, t->tid);
	for (int i = 0; i < 2; i++)
		capbuf.data[i].inheritable = cr->cap_inh >> (32 * i);
	if (infect_write(task->pid, task->scratch, &capbuf, sizeof(capbuf)) ||
	    CALL("capset", SYS_capset, task->scratch, task->scratch + sizeof(capbuf.hdr), 0, 0, 0, 0))
		return -1;
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if ((cr->cap_amb & (1ULL << c)) &&
		    CALL("raise an ambient capability", SYS_prctl, PR_CAP_AMBIENT,
			 PR_CAP_AMBIENT_RAISE, c, 0, 0, 0))
			return -1;
	/* 4. the saved securebits, while we still hold CAP_SETPCAP */
	if (CALL("set securebits", SYS_prctl, PR_SET_SECUREBITS, cr->securebits, 0, 0, 0, 0))
		return -1;
	/* 5. the saved sets: lowering is always allowed */
	for (int i = 0; i < 2; i++) {
		capbuf.data[i].effective = cr->cap_eff >> (32 * i);
		capbuf.data[i].permitted = cr->cap_prm >> (32 * i);
		capbuf.data[i].inheritable = cr->cap_inh >> (32 * i);
	}
	if (infect_write(task->pid, task->scratch, &capbuf, sizeof(capbuf)))
		return error("pid %d: %s", task->pid, infect_why());
	if (CALL("capset", SYS_capset, task->scratch, task->scratch + sizeof(capbuf.hdr), 0, 0, 0, 0))
		return -1;
	/* A uid change resets dumpable; put the task's own value back. */
	if (CALL("set dumpable", SYS_prctl, PR_SET_DUMPABLE, task->core->dumpable, 0, 0, 0, 0))
		return -1;
	if (cr->no_new_privs &&
	    CALL("set no_new_privs", SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0))
		return -1;
	return 0;
}
