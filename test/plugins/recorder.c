/*
 * recorder: a plugin for the tests.  It appends every call it gets to the
 * file $CKPT_TEST_PLUGIN_LOG ("init dump", "before_freeze PID", ...), takes
 * part in a dump (its dump_frozen of the root returns 1 and writes a file
 * of its own into the version), and at restore checks that file.
 * $CKPT_TEST_PLUGIN_FAIL=HOOK makes that hook fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ckpt-plugin.h>

static pid_t first;	/* the first process it was told of: the root */

static void note(const char *fmt, ...)
{
	const char *path = getenv("CKPT_TEST_PLUGIN_LOG");
	char line[256];
	va_list ap;
	int fd, n;

	if (!path)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, line, n) != n)
			n = -1;
		close(fd);
	}
}

static int fails(const struct ckpt_plugin_env *env, const char *hook)
{
	const char *f = getenv("CKPT_TEST_PLUGIN_FAIL");

	if (!f || strcmp(f, hook))
		return 0;
	env->error(env, "%s fails as the test asked", hook);
	return -EIO;
}

static int rec_init(const struct ckpt_plugin_env *env)
{
	note("init %s%s", env->stage == CKPT_STAGE_DUMP ? "dump" : "restore",
	     env->leave_running ? " leave-running" : "");
	return fails(env, "init");
}

static void rec_fini(const struct ckpt_plugin_env *env, int ok)
{
	(void)env;
	note("fini ok=%d", ok);
}

static int rec_before_freeze(const struct ckpt_plugin_env *env, pid_t pid)
{
	if (!first)
		first = pid;
	note("before_freeze %d", pid);
	return fails(env, "before_freeze");
}

static int rec_frozen(const struct ckpt_plugin_env *env, pid_t pid)
{
	char blob[64];
	int n;

	note("frozen %d", pid);
	if (fails(env, "frozen"))
		return -EIO;
	if (pid != first)
		return 0;
	n = snprintf(blob, sizeof(blob), "root %d", pid);
	if (env->write_file(env, "state", blob, n))
		return -EIO;
	env->info(env, "the root's state written");
	return 1;	/* took part: a restore needs us */
}

static int rec_dump_end(const struct ckpt_plugin_env *env, int ok)
{
	(void)env;
	note("dump_end ok=%d", ok);
	return 0;
}

static int rec_restore_start(const struct ckpt_plugin_env *env)
{
	size_t len;
	char *blob = env->read_file(env, "state", &len);

	note("restore_start %.*s", blob ? (int)len : 4, blob ? blob : "none");
	free(blob);
	if (!blob) {
		env->error(env, "no state of its own in the checkpoint");
		return -ENOENT;
	}
	return fails(env, "restore_start");
}

static int rec_restore_running(const struct ckpt_plugin_env *env, pid_t pid)
{
	note("running %d", pid);
	return fails(env, "restore_running");
}

CKPT_PLUGIN(.name = "recorder", .version = "1",
	    .init = rec_init, .fini = rec_fini,
	    .dump_before_freeze = rec_before_freeze, .dump_frozen = rec_frozen,
	    .dump_end = rec_dump_end, .restore_start = rec_restore_start,
	    .restore_running = rec_restore_running);
