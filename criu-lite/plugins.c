#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "log.h"
#include "plugins.h"
#include "store.h"
#include "util.h"

#ifndef CKPT_PLUGIN_DIR
#define CKPT_PLUGIN_DIR "/usr/local/lib/ckpt/plugins"
#endif

struct plugin {
	void *handle;
	const struct ckpt_plugin *p;
	struct ckpt_plugin_env env;
	bool started;		/* its init succeeded: fini is due */
	bool used;		/* a hook said it took part */
};

static struct plugin *plugins;
static size_t nr_plugins;
static struct version *dump_version;
static int restore_dfd = -1;

/* The hook if the plugin was built with a struct that has it. */
#define HOOK(pl, f) \
	(offsetof(struct ckpt_plugin, f) + sizeof((pl)->p->f) <= (pl)->p->size ? (pl)->p->f : NULL)

static const struct plugin *of_env(const struct ckpt_plugin_env *env)
{
	return env->ckpt;
}

static bool good_name(const char *s, bool dots)
{
	if (!s || !*s || strlen(s) > 40)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-' || (dots && (*s == '.' || (*s >= 'A' && *s <= 'Z')))))
			return false;
	return true;
}

static void file_name(const struct plugin *pl, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "plugin-%s-%s", pl->p->name, name);
}

static int env_write_file(const struct ckpt_plugin_env *env, const char *name, const void *data,
			  size_t len)
{
	const struct plugin *pl = of_env(env);
	struct img_out o;
	char full[128];
	uint64_t sum;

	if (!dump_version || !good_name(name, true))
		return -EINVAL;
	file_name(pl, name, full, sizeof(full));
	if (img_out_open(&o, dump_version->dfd, full))
		return -EIO;
	if (img_out_write(&o, data, len)) {
		img_out_abort(&o, dump_version->dfd);
		return -EIO;
	}
	if (img_out_close(&o, &sum))
		return -EIO;
	version_add_file(dump_version, full, o.size, sum);
	return 0;
}

static void *env_read_file(const struct ckpt_plugin_env *env, const char *name, size_t *len)
{
	char full[128];

	if (restore_dfd < 0 || !good_name(name, true))
		return NULL;
	file_name(of_env(env), name, full, sizeof(full));
	/* (checked with every file of the version before the restore) */
	return read_file_at(restore_dfd, full, len);
}

/* The plugin's words, into msg (a char array). */
#define FORMAT(msg, fmt) do {					\
	va_list ap;						\
	va_start(ap, fmt);					\
	vsnprintf(msg, sizeof(msg), fmt, ap);			\
	va_end(ap);						\
} while (0)

static void env_error(const struct ckpt_plugin_env *env, const char *fmt, ...)
{
	char msg[512];

	FORMAT(msg, fmt);
	error("plugin %s: %s", of_env(env)->p->name, msg);
}

static void env_info(const struct ckpt_plugin_env *env, const char *fmt, ...)
{
	char msg[512];

	FORMAT(msg, fmt);
	pr_info("plugin %s: %s", of_env(env)->p->name, msg);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_one(const char *dir, const char *file)
{
	char path[PATH_MAX];
	struct plugin *pl;
	void *h;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return error("cannot load the plugin %s: %s", path, dlerror());
	const struct ckpt_plugin *p = dlsym(h, "ckpt_plugin");
	if (!p) {
		dlclose(h);
		return error("%s is no ckpt plugin: it has no symbol ckpt_plugin", path);
	}
	/* (said before dlclose(), which takes p away) */
	if (p->abi > CKPT_PLUGIN_ABI) {
		error("the plugin %s is of plugin ABI %u, newer than this ckpt's %u: it needs a "
		      "newer ckpt", path, p->abi, CKPT_PLUGIN_ABI);
		dlclose(h);
		return -1;
	}
	if (p->abi < 1 || p->size < offsetof(struct ckpt_plugin, dump_before_freeze) ||
	    !good_name(p->name, false)) {
		error("the plugin %s is malformed (ABI %u, %u bytes, name '%s')", path, p->abi,
		      p->size, good_name(p->name, false) ? p->name : "?");
		dlclose(h);
		return -1;
	}
	for (size_t i = 0; i < nr_plugins; i++)
		if (!strcmp(plugins[i].p->name, p->name)) {
			error("two plugins are named %s (%s and another in %s)", p->name, file, dir);
			dlclose(h);
			return -1;
		}
	plugins = xrealloc(plugins, (nr_plugins + 1) * sizeof(*plugins));
	pl = &plugins[nr_plugins++];
	memset(pl, 0, sizeof(*pl));
	pl->handle = h;
	pl->p = p;
	return 0;
}

int plugins_start(const char *dir, enum ckpt_stage stage, bool leave_running,
		  struct version *v, int dfd)
{
	const char *where = dir ? dir : CKPT_PLUGIN_DIR;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	DIR *d = opendir(where);
	int ret = 0;

	dump_version = v;
	restore_dfd = dfd;
	if (!d) {
		if (!dir && errno == ENOENT)
			return 0;	/* no plugins installed */
		return error_errno("cannot open the plugin directory %s", where);
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 3 && !strcmp(de->d_name + len - 3, ".so")) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n && !ret; i++)
		ret = load_one(where, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	for (size_t i = 0; i < nr_plugins && !ret; i++) {
		struct plugin *pl = &plugins[i];

		pl->env = (struct ckpt_plugin_env){
			.stage = stage, .leave_running = leave_running,
			.write_file = env_write_file, .read_file = env_read_file,
			.error = env_error, .info = env_info, .ckpt = pl,
		};
		if (pl->p->init && pl->p->init(&pl->env) < 0) {
			if (!first_error())
				error("the plugin %s failed to start", pl->p->name);
			ret = -1;
			break;
		}
		pl->started = true;
		pr_info("plugin %s %s loaded", pl->p->name, pl->p->version ? pl->p->version : "");
	}
	if (ret)
		plugins_stop(0);
	return ret;
}

/* What one hook returned: < 0 fails (said), > 0 marks the plugin used. */
static int took(struct plugin *pl, int r, const char *hook, pid_t pid)
{
	if (r > 0)
		pl->used = true;
	if (r >= 0)
		return 0;
	if (!first_error())
		error("plugin %s: %s of pid %d failed: %s", pl->p->name, hook, pid, strerror(-r));
	return -1;
}

#define EACH_PID_HOOK(f, pid) do {							\
	for (size_t i = 0; i < nr_plugins; i++) {					\
		struct plugin *pl = &plugins[i];					\
		if (pl->started && HOOK(pl, f) && took(pl, HOOK(pl, f)(&pl->env, pid), #f, pid)) \
			return -1;							\
	}										\
	return 0;									\
} while (0)

int plugins_before_freeze(pid_t pid)
{
	EACH_PID_HOOK(dump_before_freeze, pid);
}

int plugins_frozen(pid_t pid)
{
	EACH_PID_HOOK(dump_frozen, pid);
}

int plugins_restore_running(pid_t pid)
{
	EACH_PID_HOOK(restore_running, pid);
}

int plugins_restore_start(void)
{
	for (size_t i = 0; i < nr_plugins; i++) {
		struct plugin *pl = &plugins[i];

		if (pl->started && HOOK(pl, restore_start) &&
		    took(pl, HOOK(pl, restore_start)(&pl->env), "restore_start", 0))
			return -1;
	}
	return 0;
}

void plugins_dump_end(int ok)
{
	for (size_t i = 0; i < nr_plugins; i++) {
		struct plugin *pl = &plugins[i];

		if (pl->started && HOOK(pl, dump_end) && pl->p->dump_end(&pl->env, ok) < 0) {
			pr_warn("plugin %s: dump_end failed%s%s", pl->p->name,
				first_error() ? ": " : "", first_error() ? first_error() : "");
			clear_error();
		}
	}
}

void plugins_record(Inventory *inv)
{
	for (size_t i = 0; i < nr_plugins; i++)
		if (plugins[i].used) {
			inv->plugins = xrealloc(inv->plugins, (inv->n_plugins + 1) * sizeof(char *));
			inv->plugins[inv->n_plugins++] = (char *)plugins[i].p->name;
		}
}

int plugins_require(const Inventory *inv)
{
	for (size_t k = 0; k < inv->n_plugins; k++) {
		bool found = false;

		for (size_t i = 0; i < nr_plugins && !found; i++)
			found = plugins[i].started && !strcmp(plugins[i].p->name, inv->plugins[k]);
		if (!found)
			return error("the checkpoint needs the plugin %s, which is not loaded (not in "
				     "the plugin directory; --plugins DIR)", inv->plugins[k]);
	}
	return 0;
}

void plugins_stop(int ok)
{
	for (size_t i = 0; i < nr_plugins; i++) {
		if (plugins[i].started && plugins[i].p->fini)
			plugins[i].p->fini(&plugins[i].env, ok);
		dlclose(plugins[i].handle);
	}
	free(plugins);
	plugins = NULL;
	nr_plugins = 0;
}
