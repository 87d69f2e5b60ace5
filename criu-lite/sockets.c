/*
 * Sockets: AF_UNIX of every type, and AF_INET/AF_INET6 sockets that hold no
 * connection state (TCP listening or not yet connected, UDP).
 *
 * Dump: the fd is taken from the task with pidfd_getfd() (the same socket,
 * not a copy); sock_diag (NETLINK_SOCK_DIAG, through libnl) says what a
 * unix socket is bound and connected to, its backlog and its connections
 * not yet accepted; getsockopt() and getsockname() say the rest.  Unread
 * data is peeked, message by message, from SO_PEEK_OFF onwards, so that it
 * stays in the socket.  Each socket goes once into the tree's shared.img.
 *
 * Restore: ckpt makes every socket before the tree (sk_make_all), connected
 * pairs with socketpair(), listeners bound and listening before the clients
 * whose connections they had not accepted connect again; each process then
 * dup2()s its fds from there, as with pipes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "files.h"
#include "log.h"
#include "netlock.h"
#include "sockets.h"
#include "util.h"

#define QUEUE_MAX	(64U << 20)	/* unread data we carry per socket */

/* ---- dump ---- */

struct unix_diag_result {
	bool found;
	uint8_t state;
	uint32_t peer;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	size_t name_len;
	uint32_t vfs_ino;
	bool has_vfs;
	uint32_t *icons;
	size_t n_icons;
	uint32_t rqueue, wqueue;
	uint8_t shutdown;
};

static int unix_diag_cb(struct nl_msg *msg, void *arg)
{
	struct unix_diag_result *res = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct unix_diag_msg *m = nlmsg_data(h);
	struct nlattr *tb[UNIX_DIAG_MAX + 1];

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlmsg_parse(h, sizeof(*m), tb, UNIX_DIAG_MAX, NULL))
		return NL_SKIP;
	res->found = true;
	res->state = m->udiag_state;
	if (tb[UNIX_DIAG_PEER])
		res->peer = nla_get_u32(tb[UNIX_DIAG_PEER]);
	if (tb[UNIX_DIAG_NAME]) {
		res->name_len = nla_len(tb[UNIX_DIAG_NAME]);
		if (res->name_len > sizeof(res->name) - 1)
			res->name_len = sizeof(res->name) - 1;
		memcpy(res->name, nla_data(tb[UNIX_DIAG_NAME]), res->name_len);
	}
	if (tb[UNIX_DIAG_VFS]) {
		struct unix_diag_vfs *v = nla_data(tb[UNIX_DIAG_VFS]);

		res->has_vfs = true;
		res->vfs_ino = v->udiag_vfs_ino;
	}
	if (tb[UNIX_DIAG_ICONS]) {
		res->n_icons = nla_len(tb[UNIX_DIAG_ICONS]) / sizeof(uint32_t);
		res->icons = xmalloc(res->n_icons * sizeof(uint32_t) + 1);
		memcpy(res->icons, nla_data(tb[UNIX_DIAG_ICONS]), res->n_icons * sizeof(uint32_t));
	}
	if (tb[UNIX_DIAG_RQLEN]) {
		struct unix_diag_rqlen *q = nla_data(tb[UNIX_DIAG_RQLEN]);

		res->rqueue = q->udiag_rqueue;
		res->wqueue = q->udiag_wqueue;
	}
	if (tb[UNIX_DIAG_SHUTDOWN])
		res->shutdown = nla_get_u8(tb[UNIX_DIAG_SHUTDOWN]);
	return NL_OK;
}

/* sock_diag of unix socket `ino`, in our network namespace. */
static int unix_diag(uint64_t ino, struct unix_diag_result *res)
{
	struct unix_diag_req req = {
		.sdiag_family = AF_UNIX,
		.udiag_states = ~0U,
		.udiag_ino = ino,
		.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
			      UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN,
		.udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE },
	};
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!sk || nl_connect(sk, NETLINK_SOCK_DIAG))
		goto out;
	/* (the kernel answers an exact request with one message, no ACK) */
	nl_socket_disable_auto_ack(sk);
	msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST);
	if (!msg || nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO) ||
	    nl_send_auto(sk, msg) < 0)
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, unix_diag_cb, res);
	ret = nl_recvmsgs_default(sk) < 0 && !res->found ? -1 : 0;
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	if (ret || !res->found)
		return error("unix socket %lu: sock_diag does not know it (in another network "
			     "namespace?)", (unsigned long)ino);
	return 0;
}

static int getsockopt_int(int fd, int level, int name)
{
	int v = 0;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) ? -1 : v;
}

/* Options a user sets and restore sets again: those that differ from a
 * fresh socket of the same kind (a buffer size set by hand only). */
static const struct { int level, name; } opt_table[] = {
	{ SOL_SOCKET, SO_REUSEADDR }, { SOL_SOCKET, SO_REUSEPORT }, { SOL_SOCKET, SO_KEEPALIVE },
	{ SOL_SOCKET, SO_BROADCAST }, { SOL_SOCKET, SO_PASSCRED }, { SOL_SOCKET, SO_SNDBUF },
	{ SOL_SOCKET, SO_RCVBUF }, { SOL_SOCKET, SO_RCVLOWAT }, { SOL_SOCKET, SO_PRIORITY },
	{ SOL_SOCKET, SO_OOBINLINE }, { SOL_SOCKET, SO_MARK },
	{ IPPROTO_TCP, TCP_NODELAY }, { IPPROTO_TCP, TCP_KEEPIDLE }, { IPPROTO_TCP, TCP_KEEPINTVL },
	{ IPPROTO_TCP, TCP_KEEPCNT }, { IPPROTO_TCP, TCP_CORK }, { IPPROTO_TCP, TCP_DEFER_ACCEPT },
	{ IPPROTO_TCP, TCP_USER_TIMEOUT },
	{ IPPROTO_IP, IP_TOS }, { IPPROTO_IP, IP_TTL }, { IPPROTO_IP, IP_FREEBIND },
	{ IPPROTO_IP, IP_TRANSPARENT }, { IPPROTO_IPV6, IPV6_V6ONLY },
};

static bool opt_applies(int family, int proto, int level)
{
	if (level == IPPROTO_TCP)
		return proto == IPPROTO_TCP;
	if (level == IPPROTO_IP)
		return family == AF_INET;
	if (level == IPPROTO_IPV6)
		return family == AF_INET6;
	return true;
}

static void dump_opts(int fd, int family, int type, int proto, SkOpt ***opts, size_t *n)
{
	int fresh = socket(family, type | SOCK_CLOEXEC, family == AF_UNIX ? 0 : proto);

	for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++) {
		int level = opt_table[i].level, name = opt_table[i].name, v, d;
		SkOpt *o;

		if (!opt_applies(family, proto, level))
			continue;
		v = getsockopt_int(fd, level, name);
		d = fresh >= 0 ? getsockopt_int(fresh, level, name) : -2;
		if (v == d || v < 0)
			continue;
		o = xmalloc(sizeof(*o));
		sk_opt__init(o);
		o->level = level;
		o->name = name;
		/* the kernel doubles what it is given, and shows the double */
		o->value = level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF) ? v / 2 : v;
		*opts = xrealloc(*opts, (*n + 1) * sizeof(o));
		(*opts)[(*n)++] = o;
	}
	if (fresh >= 0)
		close(fresh);
}

/*
 * What the socket holds, unread, peeked from SO_PEEK_OFF 0 on: a stream in
 * one piece, messages one by one.  The task's own peek offset is put back.
 * fds in flight (SCM_RIGHTS) are refused: peeking them gave us copies,
 * closed at once.
 */
static int peek_queue(int sfd, bool stream, ProtobufCBinaryData **out, size_t *n, pid_t pid,
		      int fd, const char *what)
{
	int old = getsockopt_int(sfd, SOL_SOCKET, SO_PEEK_OFF), zero = 0, ret = 0;
	size_t cap = 1 << 16, total = 0;
	uint8_t *buf = xmalloc(cap);
	uint8_t *stream_buf = NULL;

	if (setsockopt(sfd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)))
		return free(buf), error_errno("pid %d: fd %d (%s): SO_PEEK_OFF", pid, fd, what);
	for (;;) {
		char cbuf[CMSG_SPACE(256 * sizeof(int))];
		struct iovec iov = { buf, cap };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t got = recvmsg(sfd, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC |
				      (stream ? 0 : MSG_TRUNC));
		bool fds = false;

		if (got < 0) {
			if (errno != EAGAIN)
				ret = error_errno("pid %d: fd %d (%s): cannot read its queue", pid,
						  fd, what);
			break;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				int *f = (int *)CMSG_DATA(c);

				for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++)
					close(f[k]);
				fds = true;
			}
		if (fds) {
			ret = error("pid %d: fd %d (%s) has file descriptors in flight (SCM_RIGHTS) "
				    "in its queue, which ckpt cannot carry yet", pid, fd, what);
			break;
		}
		if (got == 0 && stream)
			break;
		if (!stream && (size_t)got > cap) {	/* MSG_TRUNC: its real length */
			cap = got;
			buf = xrealloc(buf, cap);
			int back = total;	/* peek it again, whole */
			setsockopt(sfd, SOL_SOCKET, SO_PEEK_OFF, &back, sizeof(back));
			continue;
		}
		total += got;
		if (total > QUEUE_MAX) {
			ret = error("pid %d: fd %d (%s) holds more than %u MiB unread", pid, fd,
				    what, QUEUE_MAX >> 20);
			break;
		}
		if (stream) {
			stream_buf = xrealloc(stream_buf, total);
			memcpy(stream_buf + total - got, buf, got);
			continue;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].len = got;
		(*out)[*n].data = xmalloc(got + 1);
		memcpy((*out)[*n].data, buf, got);
		(*n)++;
	}
	if (stream && total && !ret) {
		*out = xrealloc(*out, sizeof(**out));
		(*out)[0].len = total;
		(*out)[0].data = stream_buf;
		*n = 1;
		stream_buf = NULL;
	}
	free(stream_buf);
	free(buf);
	setsockopt(sfd, SOL_SOCKET, SO_PEEK_OFF, &old, sizeof(old));
	return ret;
}

static UnixSkEntry *find_unix(const SharedEntry *sh, uint64_t ino)
{
	for (size_t i = 0; i < sh->n_unix_sks; i++)
		if (sh->unix_sks[i]->ino == ino)
			return sh->unix_sks[i];
	return NULL;
}

static InetSkEntry *find_inet(const SharedEntry *sh, uint64_t ino)
{
	for (size_t i = 0; i < sh->n_inet_sks; i++)
		if (sh->inet_sks[i]->ino == ino)
			return sh->inet_sks[i];
	return NULL;
}

static int dump_unix(pid_t pid, int fd, int sfd, uint64_t ino, int type, SharedEntry *sh)
{
	struct unix_diag_result d;
	UnixSkEntry *u;
	char what[64];

	snprintf(what, sizeof(what), "unix socket %lu", (unsigned long)ino);
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return error("pid %d: fd %d is a unix socket of type %d, which ckpt cannot carry",
			     pid, fd, type);
	if (unix_diag(ino, &d))
		return -1;
	u = xmalloc(sizeof(*u));
	unix_sk_entry__init(u);
	u->ino = ino;
	u->type = type;
	u->state = d.state;
	if (d.name_len) {
		if (d.name[0] && d.name[0] != '/')
			return error("pid %d: fd %d is a unix socket bound to the relative path "
				     "'%s', which ckpt cannot carry", pid, fd, d.name);
		u->has_name = true;
		u->name.len = d.name_len;
		u->name.data = xmalloc(d.name_len + 1);
		memcpy(u->name.data, d.name, d.name_len);
		if (d.name[0]) {
			struct stat st;

			d.name[d.name_len] = 0;
			if (stat(d.name, &st) || !d.has_vfs || st.st_ino != d.vfs_ino) {
				u->has_name_gone = u->name_gone = true;
			} else {
				u->has_name_mode = u->has_name_uid = u->has_name_gid = true;
				u->name_mode = st.st_mode & 07777;
				u->name_uid = st.st_uid;
				u->name_gid = st.st_gid;
			}
		}
	}
	if (d.peer) {
		u->has_peer_ino = true;
		u->peer_ino = d.peer;
	}
	if (d.shutdown) {
		u->has_shutdown = true;
		u->shutdown = d.shutdown;
	}
	if (d.state == TCP_LISTEN) {
		u->has_backlog = true;
		u->backlog = d.wqueue;
		/* its connections not yet accepted: sock_diag names their
		 * clients, which connect again at restore */
		u->pending = xmalloc((d.n_icons + 1) * sizeof(uint64_t));
		u->n_pending = d.n_icons;
		for (size_t i = 0; i < d.n_icons; i++)
			u->pending[i] = d.icons[i];
	} else if (type != SOCK_DGRAM && d.state == TCP_ESTABLISHED && !d.peer && d.wqueue) {
		/* the peer of a client not yet accepted has no inode: 0 */
		return error("pid %d: fd %d (%s) has sent %u bytes on a connection its listener "
			     "has not accepted yet, which ckpt cannot carry yet", pid, fd, what,
			     d.wqueue);
	} else if (peek_queue(sfd, type == SOCK_STREAM, &u->queue, &u->n_queue, pid, fd, what)) {
		return -1;
	}
	dump_opts(sfd, AF_UNIX, type, 0, &u->opts, &u->n_opts);
	free(d.icons);
	sh->unix_sks = xrealloc(sh->unix_sks, (sh->n_unix_sks + 1) * sizeof(u));
	sh->unix_sks[sh->n_unix_sks++] = u;
	return 0;
}

static const char *inet_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		port = ntohs(s->sin_port);
		snprintf(buf, len, "%s:%d", a, port);
	} else {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		port = ntohs(s->sin6_port);
		snprintf(buf, len, "[%s]:%d", a, port);
	}
	return buf;
}

/* Sockets the dump put in repair mode: they stay so until the job is gone
 * (closed in repair mode, a connection ends without a word to the peer),
 * or leave it before the job runs on (sk_dump_end). */
static int *repairing;
static size_t nr_repairing;
static bool lock_network;

void sk_dump_lock_network(bool on)
{
	lock_network = on;
}

static int peek_tcp(int sfd, int queue, size_t len, ProtobufCBinaryData *out)
{
	size_t got = 0;

	out->data = xmalloc(len + 1);
	out->len = len;
	if (setsockopt(sfd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &queue, sizeof(queue)))
		return -1;
	while (got < len) {
		ssize_t n = recv(sfd, out->data + got, len - got, MSG_PEEK | MSG_DONTWAIT);

		if (n <= 0)
			return -1;
		/* a peek starts at the queue's head each time: it is all or nothing */
		got = n;
		if (got < len)
			return errno = EAGAIN, -1;
	}
	return 0;
}

static int dump_tcp_conn(pid_t pid, int fd, int sfd, const char *what, InetSkEntry *s,
			 SharedEntry *sh)
{
	TcpConnEntry *t = xmalloc(sizeof(*t));
	int on = TCP_REPAIR_ON, q, outq = 0, unsq = 0, inq = 0, mss;
	struct tcp_repair_window w;
	struct tcp_info ti;
	socklen_t l;
	uint32_t seq;

	tcp_conn_entry__init(t);
	s->tcp = t;
	/* first the lock, then the state: no packet changes it meanwhile */
	if (lock_network && netlock_add(&sh->netlock, (const void *)s->src.data,
					(const void *)s->dst.data))
		return error("pid %d: fd %d (%s): cannot hold its packets back (the network "
			     "lock); --leave-running needs none", pid, fd, what);
	if (setsockopt(sfd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)))
		return error_errno("pid %d: fd %d (%s): cannot put it in repair mode (TCP_REPAIR "
				   "needs CAP_NET_ADMIN)", pid, fd, what);
	repairing = xrealloc(repairing, (nr_repairing + 1) * sizeof(int));
	repairing[nr_repairing++] = dup(sfd);
	l = sizeof(ti);
	if (ioctl(sfd, SIOCOUTQ, &outq) || ioctl(sfd, SIOCOUTQNSD, &unsq) ||
	    ioctl(sfd, SIOCINQ, &inq) || getsockopt(sfd, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return error_errno("pid %d: fd %d (%s): cannot read its queues", pid, fd, what);
	q = TCP_SEND_QUEUE;
	l = sizeof(seq);
	if (setsockopt(sfd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	    getsockopt(sfd, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, &l))
		return error_errno("pid %d: fd %d (%s): TCP_QUEUE_SEQ", pid, fd, what);
	t->snd_seq = seq;
	q = TCP_RECV_QUEUE;
	if (setsockopt(sfd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	    getsockopt(sfd, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, &l))
		return error_errno("pid %d: fd %d (%s): TCP_QUEUE_SEQ", pid, fd, what);
	t->rcv_seq = seq;
	if ((size_t)outq > QUEUE_MAX || (size_t)inq > QUEUE_MAX)
		return error("pid %d: fd %d (%s) holds more than %u MiB unsent or unread", pid, fd,
			     what, QUEUE_MAX >> 20);
	if ((outq && peek_tcp(sfd, TCP_SEND_QUEUE, outq, &t->send_queue)) ||
	    (inq && peek_tcp(sfd, TCP_RECV_QUEUE, inq, &t->recv_queue)))
		return error_errno("pid %d: fd %d (%s): cannot read its queues", pid, fd, what);
	t->unsent = unsq;
	q = TCP_NO_QUEUE;
	setsockopt(sfd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q));
	l = sizeof(mss);
	t->mss = getsockopt(sfd, IPPROTO_TCP, TCP_MAXSEG, &mss, &l) ? 536 : mss;
	t->wscale = ti.tcpi_options & TCPI_OPT_WSCALE;
	t->snd_wscale = ti.tcpi_snd_wscale;
	t->rcv_wscale = ti.tcpi_rcv_wscale;
	t->sack = ti.tcpi_options & TCPI_OPT_SACK;
	t->timestamps = ti.tcpi_options & TCPI_OPT_TIMESTAMPS;
	l = sizeof(seq);
	if (t->timestamps && !getsockopt(sfd, IPPROTO_TCP, TCP_TIMESTAMP, &seq, &l))
		t->ts_val = seq;
	l = sizeof(w);
	if (getsockopt(sfd, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, &l))
		return error_errno("pid %d: fd %d (%s): TCP_REPAIR_WINDOW", pid, fd, what);
	t->snd_wl1 = w.snd_wl1;
	t->snd_wnd = w.snd_wnd;
	t->max_window = w.max_window;
	t->rcv_wnd = w.rcv_wnd;
	t->rcv_wup = w.rcv_wup;
	return 0;
}

void sk_dump_end(bool job_gone)
{
	int off = TCP_REPAIR_OFF_NO_WP;

	for (size_t i = 0; i < nr_repairing; i++) {
		if (!job_gone && setsockopt(repairing[i], IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off)))
			pr_warn("a TCP connection did not leave repair mode: %s", strerror(errno));
		close(repairing[i]);
	}
	free(repairing);
	repairing = NULL;
	nr_repairing = 0;
}

static void set_addr(ProtobufCBinaryData *b, const struct sockaddr_storage *ss, socklen_t len)
{
	b->len = len;
	b->data = xmalloc(len);
	memcpy(b->data, ss, len);
}

static int dump_inet(pid_t pid, int fd, int sfd, uint64_t ino, int family, int type,
		     int proto, SharedEntry *sh)
{
	struct sockaddr_storage src = { 0 }, dst = { 0 };
	socklen_t slen = sizeof(src), dlen = sizeof(dst);
	char a[80], b[80], what[64];
	struct tcp_info ti = { 0 };
	socklen_t tl = sizeof(ti);
	InetSkEntry *s;
	int state;

	snprintf(what, sizeof(what), "%s socket %lu", proto == IPPROTO_TCP ? "TCP" : "UDP",
		 (unsigned long)ino);
	if (!(type == SOCK_STREAM && proto == IPPROTO_TCP) &&
	    !(type == SOCK_DGRAM && proto == IPPROTO_UDP))
		return error("pid %d: fd %d is an IP socket of type %d, protocol %d, which ckpt "
			     "cannot carry yet", pid, fd, type, proto);
	getsockname(sfd, (struct sockaddr *)&src, &slen);
	if (getpeername(sfd, (struct sockaddr *)&dst, &dlen))
		dlen = 0;
	if (proto == IPPROTO_TCP) {
		if (getsockopt(sfd, IPPROTO_TCP, TCP_INFO, &ti, &tl))
			return error_errno("pid %d: fd %d (%s): TCP_INFO", pid, fd, what);
		state = ti.tcpi_state;
		if (state == TCP_LISTEN) {
			if (ti.tcpi_unacked)	/* a listener's accept queue */
				return error("pid %d: fd %d (%s, listening on %s) has %u connections "
					     "not yet accepted, which ckpt cannot carry yet", pid, fd,
					     what, inet_str(&src, a, sizeof(a)), ti.tcpi_unacked);
		} else if (state != TCP_CLOSE && state != TCP_ESTABLISHED) {
			return error("pid %d: fd %d (%s) is a TCP connection %s -> %s in state %d "
				     "(closing), which ckpt cannot carry yet", pid, fd, what,
				     inet_str(&src, a, sizeof(a)), dlen ? inet_str(&dst, b, sizeof(b)) :
				     "?", state);
		}
	} else {
		state = dlen ? TCP_ESTABLISHED : TCP_CLOSE;
	}
	s = xmalloc(sizeof(*s));
	inet_sk_entry__init(s);
	s->ino = ino;
	s->family = family;
	s->type = type;
	s->proto = proto;
	s->state = state;
	if (slen && ((family == AF_INET && ((struct sockaddr_in *)&src)->sin_port) ||
		     (family == AF_INET6 && ((struct sockaddr_in6 *)&src)->sin6_port))) {
		s->has_src = true;
		set_addr(&s->src, &src, slen);
	}
	if (dlen) {
		s->has_dst = true;
		set_addr(&s->dst, &dst, dlen);
	}
	if (state == TCP_LISTEN) {
		s->has_backlog = true;
		s->backlog = ti.tcpi_sacked;	/* a listener's: its backlog */
	}
	if (proto == IPPROTO_UDP &&
	    peek_queue(sfd, false, &s->queue, &s->n_queue, pid, fd, what))
		return -1;
	if (proto == IPPROTO_TCP && state == TCP_ESTABLISHED) {
		if (!s->has_src || !s->has_dst)
			return error("pid %d: fd %d (%s): a connection without addresses", pid, fd,
				     what);
		if (dump_tcp_conn(pid, fd, sfd, what, s, sh))
			return -1;
		pr_info("pid %d: fd %d: TCP connection %s -> %s, %zu bytes to send (%u unsent), "
			"%zu unread", pid, fd, inet_str(&src, a, sizeof(a)),
			inet_str(&dst, b, sizeof(b)), s->tcp->send_queue.len, s->tcp->unsent,
			s->tcp->recv_queue.len);
	}
	dump_opts(sfd, family, type, proto, &s->opts, &s->n_opts);
	sh->inet_sks = xrealloc(sh->inet_sks, (sh->n_inet_sks + 1) * sizeof(s));
	sh->inet_sks[sh->n_inet_sks++] = s;
	return 0;
}

int dump_socket(pid_t pid, int fd, const char *link, SharedEntry *sh, FdEntry *e)
{
	uint64_t ino = strtoull(link + 8, NULL, 10);	/* "socket:[INO]" */
	cleanup_close int sfd = -1;
	int family, type, proto;

	if (!sh)
		return error("pid %d: fd %d is a socket, and no tree to keep it in", pid, fd);
	e->has_sk_ino = true;
	e->sk_ino = ino;
	sfd = grab_fd(pid, fd);
	if (sfd < 0)
		return error_errno("pid %d: fd %d (%s): cannot take hold of it", pid, fd, link);
	family = getsockopt_int(sfd, SOL_SOCKET, SO_DOMAIN);
	type = getsockopt_int(sfd, SOL_SOCKET, SO_TYPE);
	proto = getsockopt_int(sfd, SOL_SOCKET, SO_PROTOCOL);
	e->kind = family == AF_UNIX ? FD_UNIX_SK : FD_INET_SK;
	if (find_unix(sh, ino) || find_inet(sh, ino))
		return 0;	/* another fd of it, here or in another process */
	if (family == AF_UNIX)
		return dump_unix(pid, fd, sfd, ino, type, sh);
	if (family == AF_INET || family == AF_INET6)
		return dump_inet(pid, fd, sfd, ino, family, type, proto, sh);
	return error("pid %d: fd %d is a socket of family %d (%s), which ckpt cannot carry yet",
		     pid, fd, family, family == AF_NETLINK ? "netlink" :
		     family == AF_PACKET ? "packet" : "?");
}

/*
 * Once the tree is dumped: every connected unix socket's peer must be a
 * socket of the tree (or a connection it has not accepted yet), except a
 * datagram socket connected to a named one outside, which connects again
 * by that name.
 */
int sk_check_tree(SharedEntry *sh)
{
	for (size_t i = 0; i < sh->n_unix_sks; i++) {
		UnixSkEntry *l = sh->unix_sks[i];

		for (size_t k = 0; k < l->n_pending; k++) {
			UnixSkEntry *c = find_unix(sh, l->pending[k]);

			if (!c)
				return error("unix socket %lu (listening) has a connection not yet "
					     "accepted from socket %lu outside the tree, which ckpt "
					     "cannot carry", (unsigned long)l->ino,
					     (unsigned long)l->pending[k]);
			c->has_pending_of = true;
			c->pending_of = l->ino;
			c->has_peer_ino = false;
		}
	}
	for (size_t i = 0; i < sh->n_unix_sks; i++) {
		UnixSkEntry *u = sh->unix_sks[i];
		UnixSkEntry *p = u->has_peer_ino ? find_unix(sh, u->peer_ino) : NULL;
		struct unix_diag_result d;

		if (!u->has_peer_ino || p || u->state == TCP_LISTEN)
			continue;
		if (u->type != SOCK_DGRAM)
			return error("unix socket %lu is connected to socket %lu outside the tree, "
				     "which ckpt cannot carry", (unsigned long)u->ino,
				     (unsigned long)u->peer_ino);
		if (unix_diag(u->peer_ino, &d))
			return -1;
		free(d.icons);
		if (!d.name_len)
			return error("unix socket %lu is connected to socket %lu outside the tree, "
				     "which has no name to connect to again", (unsigned long)u->ino,
				     (unsigned long)u->peer_ino);
		u->has_peer_name = true;
		u->peer_name.len = d.name_len;
		u->peer_name.data = xmalloc(d.name_len);
		memcpy(u->peer_name.data, d.name, d.name_len);
		u->has_peer_ino = false;
	}
	return 0;
}

/* ---- restore ---- */

size_t sk_count(const SharedEntry *sh)
{
	return sh->n_unix_sks + sh->n_inet_sks;
}

int sk_slot(const SharedEntry *sh, int base, uint64_t ino, unsigned kind)
{
	if (kind == FD_UNIX_SK) {
		for (size_t i = 0; i < sh->n_unix_sks; i++)
			if (sh->unix_sks[i]->ino == ino)
				return base + i;
	} else {
		for (size_t i = 0; i < sh->n_inet_sks; i++)
			if (sh->inet_sks[i]->ino == ino)
				return base + sh->n_unix_sks + i;
	}
	return -1;
}

static int set_opts(int fd, SkOpt **opts, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (setsockopt(fd, opts[i]->level, opts[i]->name, &opts[i]->value, sizeof(int)))
			return error_errno("%s: cannot set socket option %d/%d to %d", what,
					   opts[i]->level, opts[i]->name, opts[i]->value);
	return 0;
}

static socklen_t unix_addr(const ProtobufCBinaryData *name, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name->data, name->len < sizeof(sa->sun_path) ? name->len :
	       sizeof(sa->sun_path));
	return offsetof(struct sockaddr_un, sun_path) + name->len;
}

/* The socket file of a path name, left by the dumped process: gone if
 * nobody listens there any more. */
static int clear_stale_name(const UnixSkEntry *u, const char *what)
{
	struct sockaddr_un sa;
	socklen_t len = unix_addr(&u->name, &sa);
	struct stat st;
	int probe, r;

	if (!u->name.len || !sa.sun_path[0] || lstat(sa.sun_path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return error("%s: '%s' is there and is no socket", what, sa.sun_path);
	probe = socket(AF_UNIX, u->type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	r = probe >= 0 ? connect(probe, (struct sockaddr *)&sa, len) : -1;
	if (probe >= 0)
		close(probe);
	if (r == 0 || errno == EAGAIN)
		return error("%s: '%s' is in use by another socket (the dumped job still runs?)",
			     what, sa.sun_path);
	if (unlink(sa.sun_path) && errno != ENOENT)
		return error_errno("%s: cannot remove the stale '%s'", what, sa.sun_path);
	return 0;
}

static int bind_unix(int fd, const UnixSkEntry *u, const char *what)
{
	struct sockaddr_un sa;
	socklen_t len = unix_addr(&u->name, &sa);

	if (clear_stale_name(u, what))
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, len))
		return error_errno("%s: cannot bind to '%s%s'", what, sa.sun_path[0] ? "" : "@",
				   sa.sun_path[0] ? sa.sun_path : sa.sun_path + 1);
	if (sa.sun_path[0] && u->has_name_mode &&
	    (chmod(sa.sun_path, u->name_mode) || lchown(sa.sun_path, u->name_uid, u->name_gid)))
		return error_errno("%s: cannot give '%s' its mode and owner", what, sa.sun_path);
	return 0;
}

/* Put back what a socket had unread: sent from its peer, in order. */
static int refill(int from, ProtobufCBinaryData *queue, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		size_t off = 0;

		while (off < queue[i].len) {
			ssize_t w = send(from, queue[i].data + off, queue[i].len - off, MSG_DONTWAIT);

			if (w < 0)
				return error_errno("%s: cannot put back its %zu unread bytes", what,
						   queue[i].len);
			off += w;
		}
	}
	return 0;
}

static int make_unix(const SharedEntry *sh, int base, size_t i, bool *made)
{
	const UnixSkEntry *u = sh->unix_sks[i];
	const UnixSkEntry *p = NULL;
	char what[64];
	int fds[2] = { -1, -1 };
	size_t j = 0;

	snprintf(what, sizeof(what), "unix socket %lu", (unsigned long)u->ino);
	if (u->has_peer_ino && !u->has_pending_of)
		for (j = 0; j < sh->n_unix_sks; j++)
			if (sh->unix_sks[j]->ino == u->peer_ino) {
				p = sh->unix_sks[j];
				break;
			}
	if (p && !u->has_pending_of && !p->has_pending_of) {
		/* A connected pair, both ends ours.  A stream end's name is most
		 * likely its listener's (accepted there): it is not bound again. */
		bool stream = u->type != SOCK_DGRAM;

		if (socketpair(AF_UNIX, u->type | SOCK_CLOEXEC, 0, fds))
			return error_errno("%s: socketpair", what);
		if ((!stream && u->has_name && bind_unix(fds[0], u, what)) ||
		    (!stream && p->has_name && bind_unix(fds[1], p, what)) ||
		    set_opts(fds[0], u->opts, u->n_opts, what) ||
		    set_opts(fds[1], p->opts, p->n_opts, what) ||
		    refill(fds[1], u->queue, u->n_queue, what) ||
		    refill(fds[0], p->queue, p->n_queue, what) ||
		    (u->has_shutdown && shutdown(fds[0], u->shutdown - 1) && errno != ENOTCONN) ||
		    (p->has_shutdown && shutdown(fds[1], p->shutdown - 1) && errno != ENOTCONN))
			goto fail;
		if (move_fd(fds[0], base + i) || move_fd(fds[1], base + j))
			return error_errno("%s: cannot keep it", what);
		made[i] = made[j] = true;
		return 0;
	}
	if (u->type != SOCK_DGRAM && u->state == TCP_ESTABLISHED && !u->has_peer_ino) {
		/* its peer has closed: what it had sent, then the end */
		if (socketpair(AF_UNIX, u->type | SOCK_CLOEXEC, 0, fds))
			return error_errno("%s: socketpair", what);
		if (set_opts(fds[0], u->opts, u->n_opts, what) ||
		    refill(fds[1], u->queue, u->n_queue, what))
			goto fail;
		close(fds[1]);
		if (move_fd(fds[0], base + i))
			return error_errno("%s: cannot keep it", what);
		made[i] = true;
		return 0;
	}
	fds[0] = socket(AF_UNIX, u->type | SOCK_CLOEXEC, 0);
	if (fds[0] < 0)
		return error_errno("%s: socket", what);
	if (set_opts(fds[0], u->opts, u->n_opts, what) ||
	    (u->has_name && !u->has_pending_of && bind_unix(fds[0], u, what)))
		goto fail;
	if (u->state == TCP_LISTEN && listen(fds[0], u->backlog)) {
		error_errno("%s: listen", what);
		goto fail;
	}
	if (u->has_peer_name) {
		struct sockaddr_un sa;
		socklen_t len = unix_addr(&u->peer_name, &sa);

		if (connect(fds[0], (struct sockaddr *)&sa, len)) {
			error_errno("%s: cannot connect again to '%s'", what, sa.sun_path);
			goto fail;
		}
	}
	if (u->state != TCP_LISTEN && u->n_queue) {
		/* no peer of ours: from a socket of our own, unbound */
		if (u->type == SOCK_STREAM || u->has_peer_name)
			return close(fds[0]), error("%s: unread data and no peer to send it", what);
		struct sockaddr_un me;
		socklen_t ml = sizeof(me);
		int tmp = socket(AF_UNIX, u->type | SOCK_CLOEXEC, 0);

		if (tmp < 0 || getsockname(fds[0], (struct sockaddr *)&me, &ml) ||
		    connect(tmp, (struct sockaddr *)&me, ml) || refill(tmp, u->queue, u->n_queue, what)) {
			if (tmp >= 0)
				close(tmp);
			error_errno("%s: cannot put back its unread messages", what);
			goto fail;
		}
		close(tmp);
	}
	if (move_fd(fds[0], base + i))
		return error_errno("%s: cannot keep it", what);
	made[i] = true;
	return 0;
fail:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return -1;
}

/* A client whose connection its listener had not accepted: it connects
 * again (the caller goes in the order of the listener's queue). */
static int make_pending(const SharedEntry *sh, int base, const UnixSkEntry *listener,
			uint64_t ino, bool *made)
{
	const UnixSkEntry *client = NULL;
	struct sockaddr_un sa;
	char what[64];
	socklen_t len;
	size_t c = 0;
	int fd;

	for (size_t k = 0; k < sh->n_unix_sks && !client; k++)
		if (sh->unix_sks[k]->ino == ino)
			client = sh->unix_sks[c = k];
	snprintf(what, sizeof(what), "unix socket %lu", (unsigned long)ino);
	if (!client || !listener->has_name)
		return error("%s: a connection not yet accepted whose client is not in the tree, "
			     "or whose listener has no name", what);
	fd = socket(AF_UNIX, client->type | SOCK_CLOEXEC, 0);
	len = unix_addr(&listener->name, &sa);
	if (fd < 0 || set_opts(fd, client->opts, client->n_opts, what) ||
	    connect(fd, (struct sockaddr *)&sa, len)) {
		if (fd >= 0)
			close(fd);
		return error_errno("%s: cannot connect again to its listener", what);
	}
	if (move_fd(fd, base + c))
		return error_errno("%s: cannot keep it", what);
	made[c] = true;
	return 0;
}

static socklen_t inet_addr_of(const ProtobufCBinaryData *b, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, b->data, b->len < sizeof(*ss) ? b->len : sizeof(*ss));
	return b->len;
}

/* Repair-mode sockets of the restore: they leave it once the tree runs
 * (sk_restore_end), or are closed in it if the restore fails. */
static int *restoring;
static const TcpConnEntry **restoring_tcp;
static size_t nr_restoring;

static int send_repair(int fd, int queue, const uint8_t *data, size_t len)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &queue, sizeof(queue)))
		return -1;
	while (len) {
		ssize_t n = send(fd, data, len, 0);

		if (n <= 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

/* Before bind and connect: the sequence numbers where the queues begin. */
static int tcp_repair_seqs(int fd, const TcpConnEntry *t)
{
	int on = TCP_REPAIR_ON, q = TCP_RECV_QUEUE;
	uint32_t rcv = t->rcv_seq - t->recv_queue.len, snd = t->snd_seq - t->send_queue.len;

	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, &rcv, sizeof(rcv)))
		return -1;
	q = TCP_SEND_QUEUE;
	return setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	       setsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, &snd, sizeof(snd)) ? -1 : 0;
}

/* After connect (which made it established without a packet): options,
 * window, clock, then what it had received and had sent. */
static int tcp_repair_state(int fd, const TcpConnEntry *t)
{
	struct tcp_repair_opt opts[4];
	struct tcp_repair_window w = { t->snd_wl1, t->snd_wnd, t->max_window, t->rcv_wnd,
				       t->rcv_wup };
	int n = 0, nq = TCP_NO_QUEUE;

	opts[n++] = (struct tcp_repair_opt){ TCPOPT_MAXSEG, t->mss };
	if (t->wscale)
		opts[n++] = (struct tcp_repair_opt){ TCPOPT_WINDOW,
						     t->snd_wscale | (t->rcv_wscale << 16) };
	if (t->sack)
		opts[n++] = (struct tcp_repair_opt){ TCPOPT_SACK_PERMITTED, 0 };
	if (t->timestamps)
		opts[n++] = (struct tcp_repair_opt){ TCPOPT_TIMESTAMP, 0 };
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_OPTIONS, opts, n * sizeof(opts[0])))
		return error_errno("TCP_REPAIR_OPTIONS");
	if (t->timestamps && setsockopt(fd, IPPROTO_TCP, TCP_TIMESTAMP, &t->ts_val,
					sizeof(t->ts_val)))
		return error_errno("TCP_TIMESTAMP");
	if (send_repair(fd, TCP_RECV_QUEUE, t->recv_queue.data, t->recv_queue.len) ||
	    send_repair(fd, TCP_SEND_QUEUE, t->send_queue.data, t->send_queue.len - t->unsent))
		return error_errno("cannot put back %zu bytes received and %zu sent",
				   t->recv_queue.len, t->send_queue.len - t->unsent);
	/* the window is checked against the queues: after them */
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, sizeof(w)))
		return error_errno("TCP_REPAIR_WINDOW");
	return setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &nq, sizeof(nq));
}

void sk_restore_end(bool ok)
{
	int off = TCP_REPAIR_OFF;

	for (size_t i = 0; i < nr_restoring; i++) {
		const TcpConnEntry *t = restoring_tcp[i];
		const uint8_t *unsent = t->send_queue.data + t->send_queue.len - t->unsent;
		size_t left = t->unsent;

		if (ok && setsockopt(restoring[i], IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off)))
			pr_warn("a TCP connection did not leave repair mode: %s", strerror(errno));
		/* what it had not sent yet goes now, as any new data would */
		while (ok && left) {
			ssize_t n = send(restoring[i], unsent, left, MSG_NOSIGNAL);

			if (n <= 0) {
				pr_warn("a TCP connection lost %zu bytes it had not sent: %s", left,
					strerror(errno));
				break;
			}
			unsent += n;
			left -= n;
		}
		close(restoring[i]);
	}
	free(restoring);
	free(restoring_tcp);
	restoring = NULL;
	restoring_tcp = NULL;
	nr_restoring = 0;
}

static int make_inet(const InetSkEntry *s, int slot, int spare)
{
	struct sockaddr_storage ss;
	char what[64], a[80];
	int fd;

	snprintf(what, sizeof(what), "%s socket %lu", s->proto == IPPROTO_TCP ? "TCP" : "UDP",
		 (unsigned long)s->ino);
	fd = socket(s->family, s->type | SOCK_CLOEXEC, s->proto);
	if (fd < 0)
		return error_errno("%s: socket", what);
	if (set_opts(fd, s->opts, s->n_opts, what))
		goto fail;
	if (s->tcp && tcp_repair_seqs(fd, s->tcp)) {
		error_errno("%s: cannot repair it (TCP_REPAIR needs CAP_NET_ADMIN)", what);
		goto fail;
	}
	if (s->has_src) {
		socklen_t len = inet_addr_of(&s->src, &ss);

		if (bind(fd, (struct sockaddr *)&ss, len)) {
			error_errno("%s: cannot bind to %s%s", what, inet_str(&ss, a, sizeof(a)),
				    errno == EADDRINUSE ? " (in use: the dumped job still runs?)" : "");
			goto fail;
		}
	}
	if (s->state == TCP_LISTEN && listen(fd, s->backlog)) {
		error_errno("%s: listen", what);
		goto fail;
	}
	if (s->has_dst) {
		socklen_t len = inet_addr_of(&s->dst, &ss);

		if (connect(fd, (struct sockaddr *)&ss, len)) {
			error_errno("%s: cannot connect again to %s", what,
				    inet_str(&ss, a, sizeof(a)));
			goto fail;
		}
	}
	if (s->tcp) {
		if (tcp_repair_state(fd, s->tcp)) {
			error("%s: cannot repair its connection", what);
			goto fail;
		}
		restoring = xrealloc(restoring, (nr_restoring + 1) * sizeof(int));
		restoring_tcp = xrealloc(restoring_tcp, (nr_restoring + 1) * sizeof(*restoring_tcp));
		restoring_tcp[nr_restoring] = s->tcp;
		restoring[nr_restoring++] = fcntl(fd, F_DUPFD_CLOEXEC, spare);
	}
	if (s->n_queue) {
		/* datagrams it had not read: sent to it again, from a socket of ours */
		socklen_t ml = sizeof(ss);
		int tmp = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);

		if (tmp < 0 || getsockname(fd, (struct sockaddr *)&ss, &ml) ||
		    connect(tmp, (struct sockaddr *)&ss, ml)) {
			if (tmp >= 0)
				close(tmp);
			error_errno("%s: cannot put back its unread datagrams", what);
			goto fail;
		}
		int r = refill(tmp, s->queue, s->n_queue, what);
		close(tmp);
		if (r)
			goto fail;
		if (s->has_dst)
			pr_warn("%s: %zu unread datagrams put back come from another address now",
				what, s->n_queue);
	}
	if (move_fd(fd, slot))
		return error_errno("%s: cannot keep it", what);
	return 0;
fail:
	close(fd);
	return -1;
}

int sk_make_all(const SharedEntry *sh, int base)
{
	bool *made = xzalloc(sh->n_unix_sks + 1);
	int ret = 0;

	/* listeners and every other socket first, then the clients that
	 * connect to listeners again */
	for (size_t i = 0; !ret && i < sh->n_unix_sks; i++)
		if (!made[i] && !sh->unix_sks[i]->has_pending_of)
			ret = make_unix(sh, base, i, made);
	for (size_t i = 0; !ret && i < sh->n_unix_sks; i++)
		for (size_t k = 0; !ret && k < sh->unix_sks[i]->n_pending; k++)
			ret = make_pending(sh, base, sh->unix_sks[i], sh->unix_sks[i]->pending[k],
					   made);
	for (size_t i = 0; !ret && i < sh->n_unix_sks; i++)
		if (!made[i])
			ret = error("unix socket %lu was not made", (unsigned long)sh->unix_sks[i]->ino);
	for (size_t i = 0; !ret && i < sh->n_inet_sks; i++)
		ret = make_inet(sh->inet_sks[i], base + sh->n_unix_sks + i,
				base + sk_count(sh) + 64);
	/* names that had been unlinked go again, now that clients connected */
	for (size_t i = 0; !ret && i < sh->n_unix_sks; i++) {
		const UnixSkEntry *u = sh->unix_sks[i];
		struct sockaddr_un sa;

		unix_addr(&u->name, &sa);
		if (u->has_name && u->name_gone && sa.sun_path[0] &&
		    (u->state == TCP_LISTEN || u->type == SOCK_DGRAM))
			unlink(sa.sun_path);
	}
	free(made);
	return ret;
}
