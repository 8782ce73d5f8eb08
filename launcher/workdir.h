/* The working directory as a grant: ${CWD} changes with every launch, so sbx decides here whether
 * the directory the user happens to be in may be handed to the sandbox at all. */
#ifndef SBX_WORKDIR_H
#define SBX_WORKDIR_H

#include <stdbool.h>

/* Why `cwd` must not be granted, or NULL when it may be. Refused: / and every directory that is
 * or holds the home; a world-writable or sticky directory (/tmp, /var/tmp, /dev/shm: every other
 * user's sockets live there); one that directly holds a Unix socket (tmux, gpg-agent, ssh-agent:
 * connect() needs no write permission, so even a read-only grant would hand them out); anything
 * under /run, /proc, /sys, /dev or the runtime directory; and a directory that is, holds or lies
 * in one of `secret_dirs` (NULL-terminated: ~/.ssh, ~/.gnupg, the profile directories). All
 * compared after resolving symlinks. The caller frees the reason. */
char *workdir_refusal(const char *cwd, const char *home, const char *runtime_dir,
		      const char *const *secret_dirs);
/* The same rules for any path about to be granted (the repository's top level, a path named on
 * the command line): `what` starts the reason, e.g. "the path". */
char *path_refusal(const char *what, const char *path, const char *home, const char *runtime_dir,
		   const char *const *secret_dirs);

/* A path the host runs or trusts later, or a secret: shell start-up files, autostart entries,
 * user units, ~/.ssh, ~/.gnupg, sbx's profiles; true also for a directory holding one (a grant of
 * ~ holds ~/.ssh). Never granted writable by a heuristic (learn, grant-args). */
bool path_is_sensitive(const char *home, const char *config_home, const char *path);

#endif
