/* The filesystem view: a plan of mount steps (pure data, printed by --explain), and its application
 * in the sandbox's mount namespace: a tmpfs root built with fd-based mounts, entered by pivot_root. */
#ifndef SBX_MOUNT_H
#define SBX_MOUNT_H

#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "hostpath.h"
#include "policy.h"
#include "userns.h"
#include "view.h"

enum step_kind {
	STEP_BIND,     /* bind a host path (recursive), from an fd opened once */
	STEP_TMPFS,    /* fresh tmpfs */
	STEP_SYMLINK,  /* symlink dst -> src */
	STEP_PROC,     /* fresh proc for the sandbox's pid namespace */
	STEP_DEVPTS,   /* new devpts instance */
	STEP_PROTECT,  /* make an existing sandbox path read-only (or an empty read-only tmpfs) */
	STEP_FILE,     /* a new 0600 file of the command's with data (the X cookie), in a private tmpfs */
	STEP_OVERLAY,  /* overlayfs: src is the lower (host path), upper and work in state_sub (overlay.h) */
	STEP_MASK,     /* an empty read-only directory or file over dst (mask.h); src: the host path hidden */
	STEP_COPY,     /* a private copy of the host file src at dst, in a discarding tmpfs (writeback.h) */
};

struct mount_step {
	enum step_kind kind;
	char *src;  /* STEP_BIND: host path; STEP_SYMLINK: link target */
	char *dst;  /* absolute path inside the sandbox */
	bool read_only;
	bool device;    /* STEP_BIND: keep device access (no nodev) */
	bool noexec;
	bool optional;  /* STEP_BIND: skip when the source is missing */
	bool hide;      /* STEP_TMPFS over sbx's state: skipped where the sandbox's uid cannot reach dst */
	bool pty;       /* STEP_BIND: /dev/console, whose source is the sandbox's pty (set at launch) */
	mode_t mode;    /* STEP_TMPFS: root directory mode */
	bool owned;     /* STEP_TMPFS: owned by the sandbox user rather than the mounter */
	enum view_access access;
	bool in_view;   /* Landlock grants this path */
	const char *label;    /* "system", "private", "grant", "device", "protect" */
	const char *origin;   /* borrowed from the policy, or NULL for the fixed skeleton */
	const unsigned char *data;  /* STEP_FILE: borrowed from the policy; NULL under --explain */
	size_t data_len;
	bool discards;  /* STEP_TMPFS: a private place whose writes are lost at exit (discarded.h) */
	/* Per-app state (appstate.h): the directory below APP that this step keeps its files in
	 * ("home", "overlay/ESCAPED"), or NULL; upper: the overlay's upper directory on the host, for
	 * --explain (NULL for overlay-tmp). state_fd: that directory, opened by sbx before the
	 * sandbox exists (mount_plan_open_state); -1 until then. */
	char *state_sub;
	char *upper;
	bool overlay_tmp;
	int state_fd;
	/* Filled while applying. */
	int src_fd;  /* O_PATH of the source, kept while other sources may resolve below it */
	int tree_fd;
	bool skipped;
	bool is_dir;
	/* discards: an fd on the tmpfs's root, and the inode number of a file made once the whole
	 * view is built (every later file has a larger one; tmpfs numbers each of its inodes in
	 * order). -1 when none. */
	int discard_fd;
	unsigned long long discard_first_ino;
	/* STEP_MASK: why it does nothing (dst is then the mask as written), or NULL; what it hides, as
	 * planned, checked again by the setup when mask_check. */
	const char *mask_noop;
	struct file_id mask_id;
	bool mask_check;
	/* STEP_PROTECT: only the mount at dst itself (a private directory's tmpfs, privdirs.h), not
	 * what is mounted inside it. STEP_FILE: data bound read-only over the existing file at dst
	 * (skipped when there is none) instead of a new file of the command's. */
	bool shallow;
	bool over;
	/* STEP_FILE: its data comes from sbx after the mounts (the X cookie, made meanwhile: x11.h);
	 * late_fd keeps the new, empty file open for it until mount_fill_late. */
	bool late;
	int late_fd;
	/* STEP_COPY: the host file, open for reading by sbx before the sandbox existed (writeback.h). */
	int copy_fd;
};

/* An existing directory above a protected one, and the path from it down to that one. */
struct protected_place {
	struct file_id id;
	char *rest;
};

/* A STEP_COPY's host side, opened before the sandbox exists (writeback_open). */
struct writeback_file {
	size_t step;
	int dirfd;   /* the host file's directory (O_PATH) */
	char *name;  /* the host file's name in it */
	struct stat st;  /* what it was: a later change on the host means it is not overwritten */
};

struct mount_plan {
	struct mount_step *steps;
	size_t n;
	struct writeback_file *writebacks;
	size_t n_writebacks;
	/* Profile directories the sandbox must never write (see mount_plan_build), by identity. */
	struct file_id *protected_dirs;
	size_t n_protected_dirs;
	struct protected_place *places;
	size_t n_places;
	/* Sources of writable grants: a grant resolved through one of them follows no symlink there
	 * (hostpath_open); anchor_step[i] is the step of anchors[i]. */
	struct file_id *anchors;
	size_t n_anchors;
	size_t *anchor_step;
	size_t n_anchor_steps;
	bool limit_nesting;  /* cap nested user namespaces once /proc exists (see userns.h) */
	char *app;  /* the per-app state's name (appstate.h), or NULL */
	const struct identity *id;  /* whose state: borrowed, set with app */
	char machine_id[34];  /* machine-id random: 32 hex digits and a newline */
};

/* Appends a step (strings copied); for the planners of other modules (privdirs.c). */
struct mount_step *mount_plan_add(struct mount_plan *plan, enum step_kind kind, const char *src,
				  const char *dst, const char *label);

struct sandbox_plan;

/* bind-create: creates each missing file a grant asks for (empty, 0600), before the plan opens
 * the sources. Not for --explain, which changes nothing. */
void mount_create_files(const struct sandbox_plan *pl);

/* Builds the mount steps: the fixed skeleton, the plan's grants in order, then read-only protection of
 * `protect` (NULL-terminated list of directories the sandbox must never write, e.g. profile dirs). */
int mount_plan_build(const struct sandbox_plan *pl, char *const *protect,
		     struct mount_plan *plan, struct sbx_error *err);
void mount_plan_free(struct mount_plan *plan);

/* Creates (0700, handed to the command's account when root runs sbx) and opens the per-app state
 * directories the plan uses, so that the sandbox's setup, which may not reach them by path (root's
 * home seen by nobody), gets them as fds. Not for --explain. */
int mount_plan_open_state(struct mount_plan *plan, const struct identity *id, const char *app,
			  struct sbx_error *err);

/* Names the host path of the sandbox's pty as the source of /dev/console. */
void mount_plan_set_console(struct mount_plan *plan, const char *pty_path);

/* Child side, in the new user and mount namespaces with full capabilities there: builds the root
 * and pivots into it. Fills `view` with what Landlock should allow. 0 or -errno. */
int mount_plan_apply(struct mount_plan *plan, const struct identity *id, struct view *view,
		     struct sbx_error *err);

/* Child side, after mount_plan_apply: writes data into the late file (mount_step.late) and closes
 * it. 0 or -errno. */
int mount_fill_late(struct mount_plan *plan, const unsigned char *data, size_t len, struct sbx_error *err);

/* mount_explain.c: the plan for --explain and --json. */
void mount_plan_explain(const struct mount_plan *plan, FILE *out);
void mount_plan_explain_json(const struct mount_plan *plan, FILE *out);

/* Shared by planning (mount_plan.c) and applying (mount.c), which checks protection again on the
 * sources it opens: a writable grant; whether a source open as fd lies in a protected directory;
 * the path inside the sandbox of a protected place below grant g. */
bool mount_writable_grant(const struct mount_step *s);
bool mount_inside_protected(const struct mount_plan *plan, int fd);
char *mount_protect_dst(const struct mount_step *g, const struct protected_place *pl);

#endif
