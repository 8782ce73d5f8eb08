/* The pieces of `sbx overlay commit` (overlay_commit.h says what it guarantees), shared by its files:
 *   overlay_commit_paths.c    paths below the overlaid directory and the upper layer (openat2, no
 *                             "..", symlink or mount followed), sorted directory listings
 *   overlay_commit_plan.c     the plan: the upper layer against the host tree, conflicts
 *   overlay_commit_journal.c  the plan on disk (the journal) and read back
 *   overlay_commit_apply.c    running a journal: the host side, synced, then the upper side
 *   overlay_commit.c          the command: lock, finish a pending journal, plan, journal, apply */
#ifndef SBX_OVERLAY_COMMIT_PARTS_H
#define SBX_OVERLAY_COMMIT_PARTS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "overlay_commit.h"
#include "util.h"

/* ---- paths (overlay_commit_paths.c) ---- */

/* rel below root (a directory fd) opened with flags; "" is root itself. fd or -errno. */
int commit_tree_open(int root, const char *rel, int flags);
/* The directory (an O_PATH fd below root) holding rel, and rel's last component in *name. */
int commit_tree_parent(int root, const char *rel, const char **name);
/* rel/name, or name when rel is "". */
char *commit_join(const char *rel, const char *name);
int commit_compare_names(const void *a, const void *b);
/* The names in directory fd, sorted; NULL-terminated. */
char **commit_list_dir(int fd, size_t *count);
void commit_free_names(char **names);
bool commit_same_dev(const struct statx *sx, dev_t dev);
/* The mode a file gets on the host: setuid and setgid bits are never committed. */
mode_t commit_host_mode(mode_t mode, bool dir);

/* ---- the plan (overlay_commit_plan.c) ---- */

/* One journal line: X (remove a host tree), D (make a host directory), W (write a host file from
 * the upper one), T (a host directory's metadata), U (unlink an upper entry), R (remove an upper
 * directory when empty). */
struct op {
	char kind;
	char *path;
};

struct commit {
	int host;   /* the overlaid directory on the host */
	int upper;  /* its upper layer */
	dev_t host_dev;
	bool root;  /* run by root: owners are applied too */
	const char *lower;
	FILE *out;
	struct op *ops;  /* host side, in order */
	size_t n_ops;
	struct op *clean;  /* upper side, once the host's side is synced */
	size_t n_clean;
	size_t added, modified, deleted, conflicts, skipped;
};

/* The upper directory ufd at rel. host_dir: the host has a directory there. opaque: nothing of the
 * host's below rel shows in the merged view (the app deleted the directory and made it again);
 * dir_born is then when. Returns whether everything below is planned (no conflict left). */
bool commit_plan_dir(struct commit *c, int ufd, const char *rel, bool host_dir, bool opaque,
	      const struct statx_timestamp *dir_born);
void commit_plan_free(struct commit *c);

/* ---- the journal (overlay_commit_journal.c) ---- */

/* The plan, synced under its final name (OVERLAY_COMMIT_JOURNAL in statefd) before the first host
 * write. 0 or -errno. */
int commit_write_journal(int statefd, const char *tag, const struct commit *c);
/* 0, -ENOENT (none), -EBADMSG (not one commit wrote) or another -errno. */
int commit_read_journal(int statefd, struct commit_journal *j);
void commit_journal_from_plan(const struct commit *c, struct commit_journal *j);

/* ---- applying (overlay_commit_apply.c) ---- */

struct pending {
	char *rel;
	char *tmp;
};

/* The upper directory of the last op, kept open for the next one in it (a journal's ops come
 * directory by directory): rel is NULL when none is kept. */
struct dir_cache {
	char *rel;
	int fd;
};

struct exec {
	int host;
	int upper;
	struct dir_cache upper_dir;
	dev_t host_dev;
	bool root;
	const char *tag;
	bool resumed;  /* finishing a journal an earlier run wrote: its temporary files may exist */
	long long steps, kill_after;
	struct pending *pending;
	size_t n_pending;
};

/* A test hook: SBX_TEST_COMMIT_KILL_AFTER=N makes commit SIGKILL itself after N steps, as a crash
 * at that point would stop it (tests/integration/overlay-commit.bats). */
void commit_step(struct exec *x);
/* Runs a journal to its end: the host side unless already applied, the "applied" line, the upper
 * side, and the journal's removal. 0 or the first -errno. */
int commit_finish(struct exec *x, int statefd, const struct commit_journal *j, const char *lower);

#endif
