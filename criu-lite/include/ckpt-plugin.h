/*
 * ckpt-plugin.h: the plugin API of ckpt, and the only header a plugin
 * includes.
 *
 * A plugin is a shared object in the plugin directory (`--plugins DIR`;
 * by default CKPT_PLUGIN_DIR, PREFIX/lib/ckpt/plugins) that exports one
 * symbol, `ckpt_plugin`, a `struct ckpt_plugin` made with CKPT_PLUGIN():
 *
 *	#include <ckpt-plugin.h>
 *
 *	static int my_init(const struct ckpt_plugin_env *env) { ... }
 *	CKPT_PLUGIN(.name = "mine", .version = "1.0", .init = my_init, ...);
 *
 * ckpt loads every *.so of the directory in name order and refuses one
 * built against a newer ABI than its own.  Per dump or restore (a
 * `stage`), each plugin's init() runs first and fini() last; in between
 * the hooks below, any of which may be NULL.  A hook returns
 *   0   nothing to do for this process (or it was done and needs nothing
 *       at restore),
 *   1   done, and the plugin took part: its name goes into the version's
 *       inventory, and a restore of the version needs the plugin,
 *  <0   failure (a negative errno): the dump or the restore fails, and
 *       says why with the words of env->error().
 * A failing dump still calls dump_end() with ok = 0, so that a plugin
 * gives back what it took (the tree runs on as before).
 *
 * Hooks run in ckpt's main thread, one at a time, never at once.
 */
#ifndef CKPT_PLUGIN_H
#define CKPT_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Raised when the struct or a hook's meaning changes; new hooks are
 * added at the end of struct ckpt_plugin without a raise (`size` tells
 * ckpt which a plugin has). */
#define CKPT_PLUGIN_ABI 1

enum ckpt_stage {
	CKPT_STAGE_DUMP = 1,
	CKPT_STAGE_RESTORE = 2,
};

/* What ckpt tells a plugin, and what it offers it. */
struct ckpt_plugin_env {
	enum ckpt_stage stage;
	bool leave_running;		/* dump: the tree runs on after it */
	const char *options;		/* restore: --plugin-opt for this plugin, or NULL */
	/* Files of the plugin's own in the version (their names get the
	 * prefix "plugin-NAME-"), checked like every image: write at dump
	 * (0 or -errno), read at restore (a malloc'd buffer, NULL if absent
	 * or damaged). */
	int (*write_file)(const struct ckpt_plugin_env *env, const char *name, const void *data,
			  size_t len);
	void *(*read_file)(const struct ckpt_plugin_env *env, const char *name, size_t *len);
	/* Say why a hook fails (one line, no newline), or what it did (info:
	 * in dump.log and with -v). */
	void (*error)(const struct ckpt_plugin_env *env, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	void (*info)(const struct ckpt_plugin_env *env, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	void *ckpt;			/* ckpt's own: do not touch */
};

struct ckpt_plugin {
	uint32_t abi;			/* CKPT_PLUGIN_ABI it was built with */
	uint32_t size;			/* sizeof(struct ckpt_plugin) it was built with */
	const char *name;		/* [a-z0-9_-]+, unique */
	const char *version;

	/* The stage begins: a plugin that has nothing to do on this machine
	 * (no driver) returns 0 and is quiet after; < 0 fails the stage. */
	int (*init)(const struct ckpt_plugin_env *env);
	void (*fini)(const struct ckpt_plugin_env *env, int ok);

	/* dump: process pid is about to be frozen (the tree is frozen from the
	 * root down: its parent is frozen already); it still runs. */
	int (*dump_before_freeze)(const struct ckpt_plugin_env *env, pid_t pid);
	/* dump: the whole tree is frozen; once per process. */
	int (*dump_frozen)(const struct ckpt_plugin_env *env, pid_t pid);
	/* dump: the version is written (ok) or the dump failed (!ok), and the
	 * tree runs again (or is gone: ok and !leave_running).  What a plugin
	 * stopped for the dump, it lets go on here. */
	int (*dump_end)(const struct ckpt_plugin_env *env, int ok);
	/* restore: before anything is made. */
	int (*restore_start)(const struct ckpt_plugin_env *env);
	/* restore: the tree runs; once per process, its pid as ckpt sees it. */
	int (*restore_running)(const struct ckpt_plugin_env *env, pid_t pid);
};

#define CKPT_PLUGIN(...)						\
	__attribute__((visibility("default")))				\
	const struct ckpt_plugin ckpt_plugin = {			\
		.abi = CKPT_PLUGIN_ABI,					\
		.size = sizeof(struct ckpt_plugin),			\
		__VA_ARGS__						\
	}

#endif
