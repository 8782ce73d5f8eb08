/* `sbx learn`: runs a command in the sandbox while recording its syscalls (eBPF tracepoints as
 * root, a seccomp user-notification supervisor otherwise) and writes a profile fragment from what it did: the syscall allow-set (collapsed into groups where a group is
 * wholly used), the host paths it opened that the base profile hides, and its network rules. */
#ifndef SBX_LEARN_H
#define SBX_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* argv[0] is "learn": sbx learn [-o FILE] [SBX-OPTIONS...] -- COMMAND [ARG...]. Returns the exit
 * code for sbx: COMMAND's (the fragment is written either way), or 125 when learning failed. */
int learn_main(int argc, char **argv);

/* ---- pure parts, unit-tested (learn_collapse: learn_profile.h) ---- */

/* True when a path the sandboxed program opened is worth granting: not under what every sbx view
 * already shows or makes private (/usr, /etc, /proc, /dev, /tmp, ...). */
bool learn_path_worth_granting(const char *path);

/* Whether uid (in group gid) may do want (R_OK | W_OK | X_OK) by the mode bits of a file owned by
 * owner:group. No ACLs, no supplementary groups: when unsure, it says no. */
bool learn_may_access(mode_t mode, uid_t owner, gid_t group, uid_t uid, gid_t gid, int want);

#endif
