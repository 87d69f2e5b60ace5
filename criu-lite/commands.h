/* The subcommands: each parses its own options and calls the library. */
#ifndef CKPT_COMMANDS_H
#define CKPT_COMMANDS_H

int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
