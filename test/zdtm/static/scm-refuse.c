/*
 * scm-refuse: a unix socket (fd 12) holds a message with an fd in flight
 * (SCM_RIGHTS), which ckpt does not carry: the dump must refuse, naming
 * our pid, fd 12 and SCM_RIGHTS, and leave us running; the message and
 * its fd are still there afterwards (the dump's peek put nothing of ours
 * in our fd table).
 */
#include "zdtmtst.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, data = 'x';
	struct iovec iov = { &data, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int sv[2], got;

	test_init(argc, argv);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0 && dup2(sv[0], 12) == 12 &&
	      dup2(sv[1], 13) == 13, "socketpair");
	close(sv[0]);
	close(sv[1]);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &(int){ 0 }, sizeof(int));	/* our stdin in flight */
	CHECK(sendmsg(13, &mh, 0) == 1, "sendmsg: %s", strerror(errno));
	test_daemon();
	test_waitsig();

	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_controllen = sizeof(cbuf);
	CHECK(recvmsg(12, &mh, 0) == 1 && data == 'x', "the message is gone: %s", strerror(errno));
	c = CMSG_FIRSTHDR(&mh);
	CHECK(c && c->cmsg_type == SCM_RIGHTS, "its fd is gone");
	memcpy(&got, CMSG_DATA(c), sizeof(int));
	CHECK(got > 2 && close(got) == 0, "the fd in flight came as %d", got);
	pass();
}
