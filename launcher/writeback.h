/* A file handed to an editor (grant-args edit) whose directory stays out of the sandbox: ~/notes.txt,
 * /tmp/draft.txt. Granted alone it is a mount point, and editors that save by writing a new copy
 * beside it and renaming it over it (GIO: mousepad, gedit) fail with EBUSY. Where the file lies
 * directly in one of the sandbox's private places (its home, /tmp, /var/tmp: discarded.h), the
 * sandbox gets a private copy there instead, which it may replace at will, and sbx writes the
 * sandbox's last version back to the host file once the sandbox has ended:
 *
 *   - sbx opens the host file and its directory before the sandbox exists (writeback_open); pid 1
 *     copies the file into the private place (STEP_COPY, mount.c), owned by the command, with the
 *     host file's permissions and times;
 *   - at exit sbx reads the copy through the place's root fd (discarded.h), never following a
 *     symlink, a regular file only; unchanged, nothing happens; changed, it is written beside the
 *     host file, synced and renamed over it, with the host file's permissions (writeback_finish);
 *   - a host file that changed meanwhile (another program saved it) is never overwritten: the
 *     sandbox's version is reported as discarded, and --keep-discarded keeps it.
 *
 * The sandbox can thus do to the file what a read-write grant of it allows, nothing more. */
#ifndef SBX_WRITEBACK_H
#define SBX_WRITEBACK_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "discarded.h"
#include "mount.h"
#include "util.h"

/* Largest file edited in a copy (copied at every start); a larger one is granted alone. */
#define WRITEBACK_MAX_SIZE (64ULL << 20)

/* Whether mount_plan_build edits m in a copy: its directory is the root of a discarding tmpfs of
 * the plan so far, and it is a regular file of at most WRITEBACK_MAX_SIZE. */
bool writeback_fits(const struct mount_plan *plan, const char *path);

/* Parent side, before the sandbox exists (not for --explain): opens each STEP_COPY's host file
 * (mount_step.copy_fd, read by pid 1) and its directory, and notes what the file was. 0 or -errno. */
int writeback_open(struct mount_plan *plan, struct sbx_error *err);

/* Parent side, after discard_collect: writes each changed copy back (see above) and takes it off d's
 * list, or leaves it there (adding it when the sandbox changed it in place) with a warning on out
 * saying why not. */
void writeback_finish(struct mount_plan *plan, struct discarded *d, const struct identity *id, bool quiet,
		      FILE *out);

#endif
