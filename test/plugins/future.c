/* future: a plugin built against a plugin ABI newer than ckpt's, which
 * ckpt must refuse by name. */
#include <ckpt-plugin.h>

__attribute__((visibility("default")))
const struct ckpt_plugin ckpt_plugin = {
	.abi = CKPT_PLUGIN_ABI + 98,
	.size = sizeof(struct ckpt_plugin),
	.name = "future",
	.version = "99",
};
