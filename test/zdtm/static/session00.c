/*
 * session00: the runner starts every test as a session leader (setsid); the
 * restored process must again lead its own session and process group.
 */
#include "zdtmtst.h"
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t pid, sid, pgid;

	test_init(argc, argv);
	pid = getpid();
	sid = getsid(0);
	pgid = getpgid(0);
	CHECK(sid == pid && pgid == pid, "not started as a session leader (sid %d pgid %d)", sid, pgid);
	test_daemon();
	test_waitsig();

	CHECK(getsid(0) == sid, "session id %d, was %d", getsid(0), sid);
	CHECK(getpgid(0) == pgid, "process group %d, was %d", getpgid(0), pgid);
	pass();
}
