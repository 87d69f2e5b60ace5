/* umask00: the file mode creation mask is kept and still applies. */
#include "zdtmtst.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	mode_t m;
	int fd;

	test_init(argc, argv);
	umask(0027);
	test_daemon();
	test_waitsig();

	m = umask(0027);
	CHECK(m == 0027, "umask is %04o, was 0027", m);
	CHECK(test_status_field("/proc/self/status", "Umask") == 27, "/proc/self/status Umask is not 0027");
	fd = open("umask00.file", O_WRONLY | O_CREAT | O_EXCL, 0666);
	CHECK(fd >= 0 && fstat(fd, &st) == 0, "create a file");
	CHECK((st.st_mode & 0777) == 0640, "new file has mode %04o, want 0640", st.st_mode & 0777);
	close(fd);
	pass();
}
