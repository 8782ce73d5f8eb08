/* `sbx overlay commit APP [PATH] [--dry-run]`: the changes an app made in an overlay's upper layer,
 * applied to the host directory it overlays.
 *
 * Every host-side write goes through one directory fd of the overlaid directory and openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV: no "..", symlink
 * or mount point in the host tree can send a write outside it. Files are replaced atomically (a
 * temporary file in the same host directory, synced, renamed over the old one); symlinks are made
 * as symlinks, never followed; a file the upper layer holds is copied by content (a hard link in the
 * upper to some other file never makes commit write that file).
 *
 * Conflicts: an upper entry is made when the app first changes a path (overlayfs copies the host
 * file up, or makes a whiteout or a new file); the kernel stamps it with its birth time (statx
 * btime). The host path changed after that moment when its ctime is not older than that birth time:
 * a write, chmod, chown, rename or replacement of the host file sets ctime to the current time, and
 * no unprivileged process can set ctime back. Such paths are refused (listed as conflicts, left in
 * the upper layer); the others are applied. An upper layer on a filesystem without birth times
 * makes every existing host path a conflict.
 *
 * Crash safety: the plan is written to a journal in the overlay's state directory and synced
 * before the first host write; each step is idempotent; a commit that finds a journal finishes it
 * first (without judging conflicts again: the journal is the decision). A run of the app is refused
 * while a journal is pending. The upper layer is emptied of what was applied only once the host's
 * changes are synced. */
#ifndef SBX_OVERLAY_COMMIT_H
#define SBX_OVERLAY_COMMIT_H

#include <stdbool.h>

#include "userns.h"

#define OVERLAY_COMMIT_JOURNAL "commit.journal"

/* Commits the overlay of `lower` kept in APP/overlay/ESC. dry_run: says what would happen, changes
 * nothing. Returns 0 (all applied), 1 (some conflicts left in the upper layer) or SBX_EXIT_FAILURE. */
int overlay_commit_one(const struct identity *id, const char *app, const char *esc, const char *lower,
		       bool dry_run);

/* The journal format, for the fuzz target and the unit tests: parses text (len bytes) into ops.
 * Returns the number of operations, or -1 for text that commit did not write. */
struct commit_journal {
	char tag[17];
	bool applied;
	size_t n;
	char *kinds;
	char **paths;
};
int overlay_commit_parse_journal(const char *text, size_t len, struct commit_journal *j);
void overlay_commit_journal_free(struct commit_journal *j);

#endif
