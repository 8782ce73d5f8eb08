/* Per-app state kept on the host: ~/.local/share/sbx/apps/APP/{home,overlay/ESCAPED-PATH/{upper,work}}
 * of the user who starts sbx (root's home when root starts it), and `sbx apps` (list, reset).
 *
 * Every directory is reached from the home with openat(O_NOFOLLOW | O_DIRECTORY), one component at
 * a time, and created 0700 where missing: a symlink planted anywhere on that path is refused, not
 * followed. As root, the directories the command writes (home, an overlay's upper and work) are
 * handed to the account the command runs as (nobody or `user`); the ones above stay root's, so that
 * no other process of that account on the host can reach them. */
#ifndef SBX_APPSTATE_H
#define SBX_APPSTATE_H

#include <stdbool.h>
#include <stdio.h>

#include "userns.h"
#include "util.h"

/* "HOME/.local/share/sbx" and "HOME/.local/share/sbx/apps/APP[/SUB]" as text (nothing opened). */
char *appstate_root(const struct identity *id);
char *appstate_path(const struct identity *id, const char *app, const char *sub);

/* Opens (creating 0700 where missing, when create) HOME/.local/share/sbx/apps/APP/SUB, SUB being a
 * relative path of one or more components. With hand_over, the last directory is chowned to the
 * command's uid/gid when root runs sbx. Returns an O_RDONLY|O_DIRECTORY fd or -errno (err set). */
int appstate_open(const struct identity *id, const char *app, const char *sub, bool create,
		  bool hand_over, struct sbx_error *err);

/* The name of an overlaid PATH in the state directory: '/' becomes '-', letters, digits and
 * "._+,@=" stay (a leading '.' does not), every other byte is %XX. Injective, never "." or "..". */
char *appstate_escape_path(const char *path);
/* The inverse; NULL for a name that appstate_escape_path cannot have made. */
char *appstate_unescape_path(const char *name);

/* Removes everything below the directory dirfd (not dirfd itself), never following a symlink out
 * of it. 0 or -errno of the first failure. */
int appstate_remove_below(int dirfd);

/* Bytes of disk used below dirfd (st_blocks), hard links counted once per walk. */
unsigned long long appstate_usage(int dirfd);

/* `sbx apps [reset APP [--yes]]`; argv[0] is "apps". Returns an exit code. */
int apps_main(int argc, char **argv, const struct identity *id);

#endif
