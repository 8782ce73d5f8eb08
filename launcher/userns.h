/* Identity: who the sandboxed command is, and the user namespaces that give it that identity
 * without any host privilege. */
#ifndef SBX_USERNS_H
#define SBX_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* The unprivileged identity a root-started sbx gives the command (nobody/nogroup). */
#define SBX_ROOT_TARGET_ID 65534

struct identity {
	uid_t outer_uid;   /* who started sbx */
	gid_t outer_gid;
	uid_t uid;         /* who the command is, inside and on the host (mapped 1:1) */
	gid_t gid;
	char *home;        /* $HOME (same path inside, an empty tmpfs unless granted) */
	char *runtime_dir; /* /run/user/UID inside */
	char *config_home; /* $XDG_CONFIG_HOME or ~/.config (host) */
	char *cwd;         /* the caller's working directory, or NULL */
};

int identity_init(struct identity *id, struct sbx_error *err);
void identity_free(struct identity *id);

/* Parent side: writes setgroups=deny and the 1:1 uid/gid maps of the child `pid`. */
int userns_write_maps(pid_t pid, const struct identity *id, struct sbx_error *err);

/* Child side, first thing after the maps exist: becomes id->uid/gid inside while keeping the
 * capabilities of the new namespace (needed when root started sbx), and drops supplementary groups
 * where the kernel allows. */
int userns_become(const struct identity *id, struct sbx_error *err);

/* Child side, with the sandbox's fresh /proc open as proc_fd: allows this user namespace only one
 * child namespace (the one userns_lock_nesting enters), so the command gets ENOSPC. */
int userns_limit_nesting(int proc_fd, struct sbx_error *err);

/* Child side, after the mounts: caps the number of user namespaces at one and enters it, so the
 * command can neither create user namespaces (ENOSPC) nor change the mounts it was given. */
int userns_lock_nesting(const struct identity *id, struct sbx_error *err);

#endif
