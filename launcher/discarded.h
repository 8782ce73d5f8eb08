/* Files the sandbox wrote where they do not outlive it. Its private home, /tmp and /var/tmp are tmpfs
 * instances that end with it; sbx may discard what is written there, but never silently.
 *
 * pid 1 hands sbx an fd on the root of each of them during setup (discard_send), with the inode
 * number where sbx's own mount points end. That fd keeps the tmpfs alive after the sandbox's mount
 * namespace is gone, so once COMMAND has exited sbx walks it at leisure (discard_collect): bounded,
 * one component at a time, never following a symlink or crossing a mount, counting regular files
 * made after the setup. It reports them (discarded_report, discarded_report_json) and with
 * --keep-discarded copies them out (discard_keep).
 *
 * /run/user/UID and /dev/shm are private tmpfs too, but left out: they hold runtime state (sockets,
 * locks, shared memory) that the host also wipes at logout, and would make the report fire on
 * every desktop app. A tmpfs asked for with --tmpfs is scratch by the user's own choice. */
#ifndef SBX_DISCARDED_H
#define SBX_DISCARDED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "mount.h"
#include "userns.h"

/* Bounds of the walk: directory entries looked at in all places together, and depth. The check
 * runs at every exit and must stay cheap; a run that leaves more behind is reported as "and
 * more". */
#define DISCARD_MAX_ENTRIES 4096
#define DISCARD_MAX_DEPTH 32
/* Paths listed on stderr; --json lists every file found. */
#define DISCARD_SHOWN 5

struct discard_place {
	int fd;      /* its root */
	char *path;  /* in the sandbox: "/tmp" */
};

struct discarded_file {
	char *path;   /* as the sandbox saw it, e.g. "/home/u/new.txt" */
	unsigned long long size;
	ino_t ino;
	mode_t mode;
	size_t place;  /* index into discarded.places */
	bool kept;
	char *not_kept;  /* with --keep-discarded: why it was not copied, or NULL */
};

struct discarded {
	struct discarded_file *files;  /* largest first, then by path (discard_collect sorts) */
	size_t n;
	bool more;            /* a bound was reached: there may be more files than n */
	unsigned unreadable;  /* directories sbx could not open */
	size_t entries;       /* entries looked at so far */
	struct discard_place *places;  /* the places walked */
	size_t n_places;
	/* --keep-discarded */
	char *kept_dir;  /* absolute; NULL without the option */
	size_t n_kept;
};

/* More than the places sbx discards (home, /tmp, /var/tmp). */
#define DISCARD_MAX_ROOTS 8

/* What pid 1 sends for each place, with its root fd alongside (SCM_RIGHTS, in the same order). */
struct discard_msg {
	uint32_t step;  /* index into the plan, which parent and child share */
	uint32_t pad;
	uint64_t first_ino;
};

/* The message as sbx received it, and the fds it holds until the walk. */
struct discard_roots {
	bool received;
	struct discard_msg msg[DISCARD_MAX_ROOTS];
	size_t n_msg;
	int fds[DISCARD_MAX_ROOTS];
	size_t n_fds;
};

/* Child side (pid 1, after the mounts, before Landlock and seccomp): sends the roots of the places
 * mount_plan_apply kept (mount_step.discard_fd) over sock, and closes them; always one message,
 * without fds when there is no place. 0 or -errno. */
int discard_send(int sock, struct mount_plan *plan, struct sbx_error *err);

/* Parent side: takes discard_send's message off sock if it is there (never waits), and holds its
 * fds in roots. sbx takes it as soon as pid 1 has sent it: an fd in flight counts against the
 * user's RLIMIT_NOFILE until it is received, and beyond that every SCM_RIGHTS send of that user
 * fails with ETOOMANYREFS, the user's other programs' too. true once received. */
bool discard_receive(int sock, struct discard_roots *roots);

/* Parent side, after the sandbox has ended: receives the message if that has not happened yet (a
 * sandbox that failed before sending leaves d empty) and walks each place. */
void discard_collect(int sock, const struct mount_plan *plan, struct discard_roots *roots, struct discarded *d);

/* Walks the directory tree open as rootfd (the place root_path in the sandbox; d takes the fd over)
 * and records each regular file whose inode number is above first_ino, within the bounds above. */
void discard_walk(struct discarded *d, int rootfd, const char *root_path, unsigned long long first_ino);

/* Sorts d->files: largest first, then by path. */
void discard_sort(struct discarded *d);

/* The file at path (in the sandbox) of one of the places walked, opened below its root as the walk
 * opens: never following a symlink or crossing a mount. Its index in *place; an fd or -errno
 * (-ESRCH: in no place walked). */
int discard_open(const struct discarded *d, const char *path, int flags, size_t *place);
/* Adds a file of place (found by other means than the walk: writeback.h) to d->files, unsorted. */
void discard_add(struct discarded *d, size_t place, const char *path, const struct stat *st);
/* Whether the file at path is on d->files; discard_forget takes it off. */
bool discard_listed(const struct discarded *d, const char *path);
void discard_forget(struct discarded *d, const char *path);
/* A sandbox path as the user knows it ("~/new.txt"), control characters shown as '?'. */
char *discard_display_path(const char *path, const struct identity *id);

/* --keep-discarded DIR, before the sandbox exists: creates DIR (0700) if missing and opens it, so
 * that nothing the sandbox does can redirect it later. Relative to cwd; resolved like a grant: no
 * symlink inside a writable grant (anchors) is followed. Sets d->kept_dir. 0 and *fd, or -errno. */
int discard_keep_open(const char *dir, const char *cwd, const struct mount_plan *plan, struct discarded *d,
		      int *fd, struct sbx_error *err);

/* Copies every file found into the directory open as keep_fd, at its path in the sandbox
 * (DIR/home/u/new.txt): regular files only, read and written without following any symlink on
 * either side, never over an existing file, permissions without setuid/setgid/sticky bits and
 * always readable and writable by the caller. */
void discard_keep(struct discarded *d, int keep_fd);

/* On stderr, when something was discarded: one line, then up to DISCARD_SHOWN paths
 * ("~/new.txt  3 B") with the grant that would have kept each where there is a sensible one.
 * Printed under --quiet too: a lost file is not a note. Only the line saying that every file was
 * kept is left out under --quiet. */
void discarded_report(const struct discarded *d, const struct identity *id, const char *cmd, bool quiet,
		      FILE *out);
/* The same for --json, as members of the status object (no braces): "discarded":[{"path":..,
 * "size":..[,"kept":..]}...],"discarded_more":..[,"kept_in":..]. */
void discarded_report_json(const struct discarded *d, FILE *out);

void discarded_free(struct discarded *d);

/* Formats a size for people: "3 B", "1.2 KiB", "40 MiB". */
void discard_size_format(unsigned long long bytes, char *buf, size_t size);

#endif
