/* files-reg.c: what a changed file is, and the message that says how. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "files.h"

UNIT_TEST(file_change_none)
{
	struct stat st = { .st_size = 100, .st_ino = 7 };
	char buf[160];

	st.st_mtim.tv_sec = 1000;
	st.st_mtim.tv_nsec = 5;
	CHECK(!file_change(100, 1000000000005ULL, 7, &st, buf, sizeof(buf)));
	/* what the dump did not know is not compared */
	CHECK(!file_change(100, 0, 0, &st, buf, sizeof(buf)));
}

UNIT_TEST(file_change_size_mtime_inode)
{
	struct stat st = { .st_size = 120, .st_ino = 7 };
	char buf[160];

	st.st_mtim.tv_sec = 1000;
	CHECK_STR(file_change(100, 1000000000000ULL, 7, &st, buf, sizeof(buf)),
		  "size 100 at dump, 120 now");
	st.st_size = 100;
	st.st_mtim.tv_nsec = 1;
	CHECK_HAS(file_change(100, 1000000000000ULL, 7, &st, buf, sizeof(buf)), "modified: mtime ");
	CHECK_HAS(buf, ".000000000 at dump, ");
	CHECK_HAS(buf, ".000000001 now");
	/* another file under the name says so before its size */
	st.st_size = 5;
	CHECK_STR(file_change(100, 1000000000000ULL, 8, &st, buf, sizeof(buf)),
		  "inode 8 at dump, 7 now: another file");
}

UNIT_TEST(changed_file_refused_or_warned)
{
	clear_error();
	CHECK(report_changed_file(42, "fd 3", "/x", "size 1 at dump, 2 now", NULL, false) == -1);
	CHECK_ERR("pid 42: fd 3: '/x' changed since the dump (size 1 at dump, 2 now); restore "
		  "with --allow-changed-files");
	clear_error();
	CHECK(report_changed_file(42, "fd 3", "/x", "size 1 at dump, 2 now", NULL, true) == 0);
	CHECK(!first_error());
}

/* One fd of kind/path/mode, as an image would have it. */
static FilesEntry *one_fd(unsigned kind, const char *path, unsigned mode)
{
	static FdEntry e, *fds[1];
	static FilesEntry files;

	fd_entry__init(&e);
	files_entry__init(&files);
	e.fd = 9;
	e.kind = kind;
	e.path = (char *)path;
	e.mode = mode;
	fds[0] = &e;
	files.fds = fds;
	files.n_fds = 1;
	return &files;
}

UNIT_TEST(paths_gone_or_other)
{
	clear_error();
	CHECK(files_check_paths(5, one_fd(FD_REG, "/nonexistent-ckpt-unit/f", S_IFREG | 0644),
				false, true) == -1);
	CHECK_ERR("pid 5: fd 9: '/nonexistent-ckpt-unit/f' is not there any more");
	const char *file = unit_path("file");
	int fd = open(file, O_WRONLY | O_CREAT, 0644);

	CHECK(fd >= 0);
	close(fd);
	clear_error();
	CHECK(files_check_paths(5, one_fd(FD_DIR, file, S_IFDIR | 0755), false, true) == -1);
	CHECK_ERR("' is a regular file now, it was a directory");
	/* the kernel's files are not checked: /proc/PID is there only later */
	CHECK(files_check_paths(5, one_fd(FD_DIR, "/proc/self/stat", S_IFDIR | 0755), false,
				false) == 0);
	CHECK(files_check_paths(5, one_fd(FD_REG, "/proc/999999999/stat", S_IFREG | 0444), false,
				false) == 0);
	clear_error();
	CHECK(files_check_paths(5, one_fd(FD_DELETED, "/nonexistent-ckpt-unit/f", S_IFREG | 0644),
				false, true) == -1);
	CHECK_ERR("the deleted file '/nonexistent-ckpt-unit/f' cannot be made again: its "
		  "directory '/nonexistent-ckpt-unit' is not there any more");
	clear_error();
	CHECK(files_check_paths(5, one_fd(FD_DELETED, "/x", S_IFREG | 0644), false, false) == 0);
	CHECK(files_check_paths(5, one_fd(FD_DIR, "/", S_IFDIR | 0755), false, false) == 0);
}

/* What an appending fd lets through, and what it does not. */
UNIT_TEST(appenders_and_changes)
{
	const char *log = unit_path("log");
	FilesEntry *files = one_fd(FD_REG, log, S_IFREG | 0644);
	FdEntry *e = files->fds[0];
	struct stat st;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10 && fstat(fd, &st) == 0);
	close(fd);
	e->has_size = e->has_mtime_ns = e->has_ino = true;
	e->size = 10;
	e->mtime_ns = st.st_mtim.tv_sec * 1000000000ULL + st.st_mtim.tv_nsec;
	e->ino = st.st_ino;
	e->flags = O_RDONLY;
	CHECK(files_check_paths(5, files, false, false) == 0);
	/* shrunk, or another file: only a write-only appender may go on */
	e->size = 20;
	clear_error();
	CHECK(files_check_paths(5, files, false, false) == -1);
	CHECK_ERR("size 20 at dump, 10 now");
	e->flags = O_RDWR | O_APPEND;
	CHECK(files_check_paths(5, files, false, false) == -1);
	e->flags = O_WRONLY | O_APPEND;
	CHECK(files_check_paths(5, files, false, false) == 0);
	e->ino++;
	CHECK(files_check_paths(5, files, false, false) == 0);
	e->flags = O_RDWR | O_APPEND;
	clear_error();
	CHECK(files_check_paths(5, files, true, false) == -1);
	CHECK_ERR("another file", "ran on after the --leave-running dump with it open for writing");
	/* grown, same file: a read-write appender too */
	e->ino--;
	e->size = 5;
	CHECK(files_check_paths(5, files, false, false) == 0);
	e->flags = O_RDWR;
	CHECK(files_check_paths(5, files, false, false) == -1);
	clear_error();
	CHECK(files_check_paths(5, files, false, true) == 0);
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv,
		UNIT_ENTRY(file_change_none),
		UNIT_ENTRY(file_change_size_mtime_inode),
		UNIT_ENTRY(changed_file_refused_or_warned),
		UNIT_ENTRY(paths_gone_or_other),
		UNIT_ENTRY(appenders_and_changes));
}
