/* Snapshots of an app's whole state (its home and overlays' upper layers):
 * `sbx apps snapshot APP [NAME]`, `sbx apps snapshots APP`, `sbx apps rollback APP NAME`.
 *
 * A snapshot is a copy in ~/.local/share/sbx/apps/APP/snapshots/NAME (0700, the caller's). Files
 * are cloned with FICLONE (reflinks: no data copied until either side changes) where the filesystem
 * has them, and copied by content elsewhere; never hard-linked, so a later change to the live state
 * does not reach the snapshot. Symlinks stay symlinks (never followed), modes, times, xattrs
 * (user.overlay.* of opaque directories and whiteouts included), whiteouts (0/0 character devices,
 * which the kernel lets anyone make) and, when root takes it, owners are kept. Overlay work
 * directories and commit journals are not part of a snapshot. */
#ifndef SBX_SNAPSHOT_H
#define SBX_SNAPSHOT_H

#include "userns.h"

/* argv[0] is "snapshot", "snapshots" or "rollback" (after "apps"). Returns an exit code. */
int snapshot_main(int argc, char **argv, const struct identity *id);

#endif
