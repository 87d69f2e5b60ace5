#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "proc.h"
#include "util.h"

static char *read_proc(pid_t pid, const char *what)
{
	char path[64];
	char *text;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	text = read_file(path, NULL);
	if (!text)
		error_errno("pid %d: cannot read %s", pid, path);
	return text;
}

static const struct { char code[3]; unsigned flag; } vmflag_codes[] = {
	{ "gd", VMF_GROWSDOWN }, { "nh", VMF_NOHUGEPAGE }, { "hg", VMF_HUGEPAGE },
	{ "dd", VMF_DONTDUMP }, { "wf", VMF_WIPEONFORK }, { "dc", VMF_DONTCOPY },
	{ "mg", VMF_MERGEABLE }, { "io", VMF_IO }, { "pf", VMF_PFNMAP },
	{ "lo", VMF_LOCKED }, { "sr", VMF_SEQ_READ }, { "rr", VMF_RAND_READ },
	{ "mm", VMF_MIXEDMAP }, { "sh", VMF_SHARED }, { "ht", VMF_HUGETLB },
};

static unsigned parse_vmflags(const char *s)
{
	unsigned flags = 0;

	while (*s) {
		while (*s == ' ')
			s++;
		if (!s[0] || !s[1] || s[0] == '\n')
			break;
		for (size_t i = 0; i < ARRAY_SIZE(vmflag_codes); i++)
			if (s[0] == vmflag_codes[i].code[0] && s[1] == vmflag_codes[i].code[1])
				flags |= vmflag_codes[i].flag;
		s += 2;
	}
	return flags;
}

/* "start-end perms offset major:minor inode   path" */
static int parse_maps_line(const char *line, struct proc_vma *v)
{
	char perms[5];
	int pos = 0;

	memset(v, 0, sizeof(*v));
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 "%n",
		   &v->start, &v->end, perms, &v->pgoff, &v->dev_major, &v->dev_minor,
		   &v->ino, &pos) < 7)
		return -1;
	v->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	v->shared = perms[3] == 's';
	line += pos;
	while (*line == ' ')
		line++;
	if (*line && *line != '\n') {
		size_t len = strcspn(line, "\n");
		const char *del = " (deleted)";

		v->path = strndup(line, len);
		if (len > strlen(del) && !strcmp(v->path + len - strlen(del), del)) {
			v->path[len - strlen(del)] = 0;
			v->deleted = true;
		}
	}
	return 0;
}

int proc_parse_smaps_text(const char *text, struct proc_vma **vmas, size_t *n)
{
	struct proc_vma *v = NULL, *cur = NULL;
	size_t cnt = 0, cap = 0;

	for (const char *line = text; *line; ) {
		const char *next = strchr(line, '\n');
		unsigned long kb;

		next = next ? next + 1 : line + strlen(line);
		if (isxdigit((unsigned char)line[0]) && strchr(line, '-') &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (cnt == cap)
				v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
			cur = &v[cnt];
			if (parse_maps_line(line, cur)) {
				proc_free_vmas(v, cnt);
				return error("cannot parse maps line '%.*s'", (int)(next - line - 1), line);
			}
			cnt++;
		} else if (cur && sscanf(line, "Anonymous: %lu kB", &kb) == 1) {
			cur->anon_kb = kb;
		} else if (cur && !strncmp(line, "VmFlags:", 8)) {
			cur->vmflags = parse_vmflags(line + 8);
		}
		line = next;
	}
	*vmas = v;
	*n = cnt;
	return 0;
}

int proc_parse_smaps(pid_t pid, struct proc_vma **vmas, size_t *n)
{
	cleanup_free char *text = read_proc(pid, "smaps");

	if (!text)
		return -1;
	return proc_parse_smaps_text(text, vmas, n);
}

void proc_free_vmas(struct proc_vma *vmas, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(vmas[i].path);
	free(vmas);
}

int proc_parse_stat_text(const char *text, struct proc_stat *st)
{
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	unsigned long long f[52];
	int n = 0;
	const char *p;

	memset(st, 0, sizeof(*st));
	if (!open || !close || close < open)
		return error("cannot parse stat: '%.40s'", text);
	snprintf(st->comm, sizeof(st->comm), "%.*s", (int)(close - open - 1), open + 1);
	p = close + 2;
	st->state = *p;
	p += 1;
	/* fields 4.. as numbers; field 3 (state) done above */
	while (n < 49 && *p) {
		char *end;

		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		f[n++] = strtoull(p, &end, 10);
		p = end;
	}
	if (n < 49)
		return error("cannot parse stat: %d fields", n + 3);
	/* f[i] is field i + 4 of proc(5) */
	st->ppid = f[0];
	st->pgrp = f[1];
	st->sid = f[2];
	st->tty_nr = f[3];
	st->flags = f[5];
	st->nice = (long)f[15];
	st->start_time = f[18];
	st->num_threads = f[16];
	st->start_code = f[22];
	st->end_code = f[23];
	st->start_stack = f[24];
	st->exit_signal = f[34];
	st->start_data = f[41];
	st->end_data = f[42];
	st->start_brk = f[43];
	st->arg_start = f[44];
	st->arg_end = f[45];
	st->env_start = f[46];
	st->env_end = f[47];
	st->exit_code = f[48];
	return 0;
}

int proc_parse_stat(pid_t pid, pid_t tid, struct proc_stat *st)
{
	char what[48];
	cleanup_free char *text = NULL;

	if (tid && tid != pid)
		snprintf(what, sizeof(what), "task/%d/stat", tid);
	else
		snprintf(what, sizeof(what), "stat");
	text = read_proc(pid, what);
	if (!text)
		return -1;
	return proc_parse_stat_text(text, st);
}

int proc_parse_status_text(const char *text, struct proc_status *st)
{
	memset(st, 0, sizeof(*st));
	st->umask = 022;
	for (const char *line = text; *line; ) {
		const char *next = strchr(line, '\n');

		next = next ? next + 1 : line + strlen(line);
		if (!strncmp(line, "Uid:", 4))
			sscanf(line + 4, "%u %u %u %u", &st->uid[0], &st->uid[1], &st->uid[2], &st->uid[3]);
		else if (!strncmp(line, "Gid:", 4))
			sscanf(line + 4, "%u %u %u %u", &st->gid[0], &st->gid[1], &st->gid[2], &st->gid[3]);
		else if (!strncmp(line, "Groups:", 7)) {
			const char *p = line + 7;
			char *end;

			for (;;) {
				unsigned long g;

				while (*p == ' ' || *p == '\t')
					p++;
				if (!isdigit((unsigned char)*p))
					break;
				g = strtoul(p, &end, 10);
				st->groups = xrealloc(st->groups, (st->nr_groups + 1) * sizeof(unsigned));
				st->groups[st->nr_groups++] = g;
				p = end;
			}
		}
		else if (!strncmp(line, "CapInh:", 7))
			st->cap_inh = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "CapPrm:", 7))
			st->cap_prm = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "CapEff:", 7))
			st->cap_eff = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "CapBnd:", 7))
			st->cap_bnd = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "CapAmb:", 7))
			st->cap_amb = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigBlk:", 7))
			st->sig_blk = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigIgn:", 7))
			st->sig_ign = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "SigCgt:", 7))
			st->sig_cgt = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "ShdPnd:", 7))
			st->shd_pnd = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "NoNewPrivs:", 11))
			st->no_new_privs = atoi(line + 11);
		else if (!strncmp(line, "Seccomp:", 8))
			st->seccomp = atoi(line + 8);
		else if (!strncmp(line, "Umask:", 6))
			st->umask = strtoul(line + 6, NULL, 8);
		else if (!strncmp(line, "TracerPid:", 10))
			st->tracer = atoi(line + 10);
		else if (!strncmp(line, "Tgid:", 5))
			st->tgid = atoi(line + 5);
		else if (!strncmp(line, "NSpid:", 6)) {
			/* one number per level, outermost first */
			const char *q = line + 6;
			char *end;

			st->ns_levels = 0;
			for (long v; (v = strtol(q, &end, 10)), end != q && q < next; q = end) {
				st->nspid = v;
				st->ns_levels++;
			}
		}
		line = next;
	}
	return 0;
}

int proc_parse_status(pid_t pid, struct proc_status *st)
{
	cleanup_free char *text = read_proc(pid, "status");

	if (!text)
		return -1;
	return proc_parse_status_text(text, st);
}

pid_t proc_nspid(pid_t pid, pid_t tid)
{
	char path[64];
	cleanup_free char *text = NULL;
	struct proc_status st = { 0 };

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = read_file(path, NULL);
	if (!text || proc_parse_status_text(text, &st))
		return -1;
	proc_free_status(&st);
	return st.ns_levels ? st.nspid : -1;
}

void proc_free_status(struct proc_status *st)
{
	free(st->groups);
	st->groups = NULL;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int list_numeric_dir(const char *path, int **out, size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int *v = NULL;
	size_t cnt = 0, cap = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (cnt == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 32) * sizeof(*v));
		v[cnt++] = atoi(de->d_name);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_int);
	*out = v;
	*n = cnt;
	return 0;
}

int proc_list_tids(pid_t pid, pid_t **tids, size_t *n)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (list_numeric_dir(path, tids, n))
		return error_errno("pid %d: cannot list threads", pid);
	/* leader first */
	for (size_t i = 0; i < *n; i++)
		if ((*tids)[i] == pid) {
			(*tids)[i] = (*tids)[0];
			(*tids)[0] = pid;
		}
	if (*n && (*tids)[0] != pid)
		return error("pid %d: the thread group leader has exited", pid);
	return 0;
}

int proc_list_children(pid_t pid, pid_t **kids, size_t *n)
{
	pid_t *tids;
	size_t nt;
	int *v = NULL;
	size_t cnt = 0;

	if (proc_list_tids(pid, &tids, &nt))
		return -1;
	for (size_t i = 0; i < nt; i++) {
		char path[64];
		cleanup_free char *text = NULL;
		char *p, *end;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, tids[i]);
		text = read_file(path, NULL);
		if (!text)
			continue;	/* the thread is gone */
		for (p = text;; p = end) {
			long c = strtol(p, &end, 10);

			if (end == p)
				break;
			v = xrealloc(v, (cnt + 1) * sizeof(*v));
			v[cnt++] = c;
		}
	}
	free(tids);
	*kids = v;
	*n = cnt;
	return 0;
}

int proc_list_fds(pid_t pid, int **fds, size_t *n)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	if (list_numeric_dir(path, fds, n))
		return error_errno("pid %d: cannot list fds", pid);
	return 0;
}

/*
 * ID: 1
 * signal: 14/0000000000000000
 * notify: signal/pid.1234      (or thread/tid.N, none/..., or "thread" only)
 * ClockID: 0
 */
int proc_parse_timers_text(const char *text, struct proc_timer **out, size_t *n)
{
	struct proc_timer *t = NULL, *cur = NULL;
	size_t cnt = 0;

	for (const char *line = text; *line; ) {
		const char *next = strchr(line, '\n');

		next = next ? next + 1 : line + strlen(line);
		if (!strncmp(line, "ID:", 3)) {
			t = xrealloc(t, (cnt + 1) * sizeof(*t));
			cur = &t[cnt++];
			memset(cur, 0, sizeof(*cur));
			cur->id = atoi(line + 3);
		} else if (cur && !strncmp(line, "signal:", 7)) {
			sscanf(line + 7, "%d/%" SCNx64, &cur->signo, &cur->sival);
		} else if (cur && !strncmp(line, "notify:", 7)) {
			char how[16] = "", who[16] = "";
			int id = 0;

			sscanf(line + 7, " %15[a-z]/%15[a-z].%d", how, who, &id);
			cur->notify = !strcmp(how, "none") ? SIGEV_NONE :
				      !strcmp(how, "thread") ? SIGEV_THREAD : SIGEV_SIGNAL;
			if (!strcmp(who, "tid"))
				cur->notify |= SIGEV_THREAD_ID;
			cur->notify_tid = id;
		} else if (cur && !strncmp(line, "ClockID:", 8)) {
			cur->clockid = atoi(line + 8);
		}
		line = next;
	}
	*out = t;
	*n = cnt;
	return 0;
}

int proc_parse_timers(pid_t pid, struct proc_timer **t, size_t *n)
{
	cleanup_free char *text = read_proc(pid, "timers");

	if (!text)
		return -1;
	return proc_parse_timers_text(text, t, n);
}

/* "\t1: POSIX  ADVISORY  WRITE 1234 fe:00:5678 10 EOF" (lock_get_status()
 * of fs/locks.c); a lease says e.g. "LEASE  ACTIVE    READ". */
static int parse_lock_line(const char *s, struct proc_lock *l)
{
	char how[16], rw[16], end[24];
	unsigned long long start;

	memset(l, 0, sizeof(*l));
	if (sscanf(s, " %*d: %15s %15s %15s %d %*x:%*x:%*u %llu %23s", l->name, how, rw, &l->pid,
		   &start, end) != 6)
		return -1;
	l->type = !strcmp(l->name, "FLOCK") ? PROC_LOCK_FLOCK :
		  !strcmp(l->name, "POSIX") ? PROC_LOCK_POSIX :
		  !strcmp(l->name, "OFDLCK") ? PROC_LOCK_OFD : PROC_LOCK_OTHER;
	l->mandatory = !strcmp(how, "MANDATORY");
	l->write = !strcmp(rw, "WRITE");
	if (l->type != PROC_LOCK_OTHER && !l->write && strcmp(rw, "READ"))
		l->type = PROC_LOCK_OTHER;	/* neither: not a lock we know */
	l->start = start;
	l->end = !strcmp(end, "EOF") ? UINT64_MAX : strtoull(end, NULL, 10);
	return 0;
}

int proc_parse_fdinfo_text(const char *text, struct proc_fdinfo *fi)
{
	memset(fi, 0, sizeof(*fi));
	for (const char *line = text; *line; ) {
		const char *next = strchr(line, '\n');

		next = next ? next + 1 : line + strlen(line);
		if (!strncmp(line, "pos:", 4))
			fi->pos = strtoull(line + 4, NULL, 10);
		else if (!strncmp(line, "flags:", 6))
			fi->flags = strtoul(line + 6, NULL, 8);
		else if (!strncmp(line, "mnt_id:", 7))
			fi->mnt_id = atoi(line + 7);
		else if (!strncmp(line, "eventfd-count:", 14)) {
			fi->eventfd = true;
			fi->eventfd_count = strtoull(line + 14, NULL, 16);	/* printed in hex */
		} else if (!strncmp(line, "eventfd-semaphore:", 18)) {
			fi->eventfd_semaphore = atoi(line + 18);
		} else if (!strncmp(line, "lock:", 5)) {
			if (fi->n_locks >= 0 && fi->n_locks < PROC_FD_LOCKS &&
			    !parse_lock_line(line + 5, &fi->locks[fi->n_locks]))
				fi->n_locks++;
			else
				fi->n_locks = -1;
		}
		line = next;
	}
	return 0;
}

int proc_parse_fdinfo(pid_t pid, int fd, struct proc_fdinfo *fi)
{
	char what[32];
	cleanup_free char *text = NULL;

	snprintf(what, sizeof(what), "fdinfo/%d", fd);
	text = read_proc(pid, what);
	if (!text)
		return -1;
	return proc_parse_fdinfo_text(text, fi);
}
