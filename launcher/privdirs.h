/* private-bin, private-etc and machine-id random: the bin directories and /etc show only what the
 * profile names, and /etc/machine-id a random id of this run.
 *
 * Each private directory is an empty tmpfs over the system bind, with read-only binds of the named
 * files (symlinks recreated as symlinks, and followed to their final target, which is shown too),
 * sealed read-only once the grants are in place. Landlock's rules come from the same steps: the
 * tmpfs gets its directory's access (read+exec for bin directories, read for /etc), so a name the
 * profile does not list has no path inside at all. */
#ifndef SBX_PRIVDIRS_H
#define SBX_PRIVDIRS_H

#include <stdbool.h>

#include "mount.h"
#include "policy.h"

/* The files of /etc every program needs, shown with any private-etc (when the host has them). */
#define PRIVDIRS_ETC_BASE                                                                                    \
	"alternatives", "group", "host.conf", "hosts", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",          \
	    "ld.so.preload", "locale.alias", "localtime", "nsswitch.conf", "passwd"

/* The directories private-bin covers, those of them that are real directories on this host, as a
 * ", "-separated list for messages. */
const char *privdirs_bin_dirs_text(void);

/* Whether NAME (a plain name) is a program in one of those directories. */
bool privdirs_program_exists(const char *name);

/* An absolute private-bin path: whether its directory is one of the bin directories. */
bool privdirs_in_bin_dir(const char *path);

/* Plans the private directories' tmpfs and the files they show; called right after the system
 * binds of /usr and /etc. */
int privdirs_plan(struct mount_plan *plan, const struct policy *p, struct sbx_error *err);

/* Whether what the view shows at dst is a private directory's own tmpfs (the host file there is
 * not shown: a mask of it has nothing to cover). */
bool privdirs_covers(const struct mount_plan *plan, const char *dst);

/* After the grants: machine-id random, and the seal that makes each private tmpfs read-only. */
int privdirs_plan_finish(struct mount_plan *plan, const struct policy *p, struct sbx_error *err);

#endif
