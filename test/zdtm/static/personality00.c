/*
 * personality00: the execution domain flags.  ADDR_NO_RANDOMIZE (harmless:
 * it only matters at exec) and UNAME26 (uname then reports a 2.6 release,
 * which we can see).
 */
#include "zdtmtst.h"
#include <string.h>
#include <sys/personality.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
	struct utsname u;
	int want = PER_LINUX | ADDR_NO_RANDOMIZE | UNAME26, now;

	test_init(argc, argv);
	CHECK(personality(want) != -1, "personality");
	CHECK(personality(0xffffffff) == want, "personality did not take");
	test_daemon();
	test_waitsig();

	now = personality(0xffffffff);
	CHECK(now == want, "personality is %#x, was %#x", now, want);
	CHECK(uname(&u) == 0 && !strncmp(u.release, "2.6.", 4), "UNAME26 has no effect: release %s",
	      u.release);
	pass();
}
