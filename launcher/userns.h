/* Identity: who the sandboxed command is, and the user namespaces that give it that identity
 * without any host privilege. */
#ifndef SBX_USERNS_H
#define SBX_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* The unprivileged identity a root-started sbx gives the command (nobody/nogroup). */
#define SBX_ROOT_TARGET_ID 65534

/* Most supplementary groups an account may bring (one gid_map line each; the kernel takes 340). */
#define SBX_MAX_GROUPS 64

struct identity {
	uid_t outer_uid;   /* who started sbx */
	gid_t outer_gid;
	uid_t uid;         /* who the command is, inside and on the host (mapped 1:1) */
	gid_t gid;
	char *home;        /* $HOME (same path inside, an empty tmpfs unless granted) */
	char *runtime_dir; /* /run/user/UID inside */
	char *config_home; /* $XDG_CONFIG_HOME or ~/.config (host) */
	char *cwd;         /* the caller's working directory, or NULL */
	char *user;        /* root runs with `user NAME`: the account's name; NULL: nobody or the caller */
	gid_t groups[SBX_MAX_GROUPS];  /* with user: its groups from the group database (gid included) */
	size_t n_groups;
};

int identity_init(struct identity *id, struct sbx_error *err);
void identity_free(struct identity *id);

/* Root runs: the command runs as account `name` (its uid, primary gid and the supplementary groups
 * the group database gives it, as systemd's User= does), mapped 1:1 like nobody otherwise. Refuses
 * unknown accounts and uid or gid 0. ${HOME} stays root's (an empty tmpfs inside). */
int identity_set_user(struct identity *id, const char *name, const char *origin, struct sbx_error *err);

/* True when the child writes its own maps (userns_map_self): a user's own run maps one uid and
 * one gid, which the kernel lets the namespace's first process write itself, so the child need
 * not wait for sbx. Root's runs map more and need the parent (userns_write_maps). */
bool userns_maps_itself(const struct identity *id);

/* Parent side: writes the 1:1 uid/gid maps of the child `pid`, and setgroups=deny unless the
 * account's groups are mapped too (root runs with a user). */
int userns_write_maps(pid_t pid, const struct identity *id, struct sbx_error *err);

/* Child side, first thing when userns_maps_itself: its own 1:1 maps, setgroups=deny. */
int userns_map_self(const struct identity *id, struct sbx_error *err);

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
