/*
 * Plugins (include/ckpt-plugin.h is their side): loading them, and calling
 * their hooks at the points of a dump and a restore.  One stage per ckpt
 * process, so the set of plugins is ckpt's own, not passed around.
 */
#ifndef CKPT_PLUGINS_H
#define CKPT_PLUGINS_H

#include <stdbool.h>
#include <sys/types.h>

#include "ckpt-plugin.h"
#include "images/inventory.pb-c.h"

struct version;

/* Load every plugin of dir (NULL: the default, CKPT_PLUGIN_DIR, which may
 * be missing) and start it for the stage: at dump the version being
 * written (its files), at restore the version directory it reads.  -1
 * after error() said which plugin and why (a newer ABI, no such symbol, a
 * failed init). */
int plugins_start(const char *dir, enum ckpt_stage stage, bool leave_running,
		  struct version *dump_version, int restore_dfd);
/* A hook of every plugin for one process: -1 at the first that fails. */
int plugins_before_freeze(pid_t pid);
int plugins_frozen(pid_t pid);
int plugins_restore_running(pid_t pid);
int plugins_restore_start(void);
/* Every plugin's dump_end(ok); failures are only said. */
void plugins_dump_end(int ok);
/* The names of the plugins that took part, into the inventory. */
void plugins_record(Inventory *inv);
/* Restore: every plugin the version names is here and started. */
int plugins_require(const Inventory *inv);
/* fini(ok) of each, and unload them. */
void plugins_stop(int ok);

#endif
