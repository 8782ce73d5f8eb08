/* Copy-on-write views of host directories: `overlay PATH` (upper layer kept per app in
 * ~/.local/share/sbx/apps/APP/overlay/ESCAPED/{upper,work}) and `overlay-tmp PATH` (upper on a tmpfs
 * of the run). Unprivileged overlayfs in the sandbox's user namespace (Linux >= 5.11) with
 * `userxattr`: whiteouts are 0/0 character devices, opaque directories carry user.overlay.opaque. */
#ifndef SBX_OVERLAY_H
#define SBX_OVERLAY_H

#include <stdbool.h>
#include <sys/stat.h>

#include "userns.h"
#include "util.h"

/* Parent side: makes upper/ and work/ in the overlay's state directory statefd (0755 and 0700),
 * handed to the command's account when root runs sbx. lower is named in errors. */
int overlay_prepare_dirs(int statefd, const struct identity *id, const char *lower, struct sbx_error *err);

/* Child side, in the sandbox's user and mount namespaces before pivot_root: an overlay mount of
 * lower_fd with the upper and work directories in statefd as a detached mount in *tree; with
 * tmp_at (overlay-tmp) in a fresh tmpfs instead, attached at the empty directory tmp_at while the
 * overlay is made. The kernel's own words for a refusal (fsopen's log) go into err. */
int overlay_tree(int lower_fd, int statefd, const char *tmp_at, const char *lower, int *tree, struct sbx_error *err);

/* Whether the entry name in the upper directory dirfd (lstat st) is a whiteout, and whether the
 * upper directory fd is opaque (user.overlay.opaque). */
bool overlay_is_whiteout(int dirfd, const char *name, const struct stat *st);
bool overlay_is_opaque(int fd);

/* `sbx overlay diff|reset|commit APP [PATH]`; argv[0] is "overlay". Returns an exit code. */
int overlay_main(int argc, char **argv, const struct identity *id);

#endif
