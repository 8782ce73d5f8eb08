/* Applying the mount plan in the sandbox's setup: each step opened beneath the new root, never
 * following a symlink out of it; and the per-app state trees root runs prepare beforehand. */
#include "mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "appstate.h"
#include "cli.h"
#include "devnodes.h"
#include "filecopy.h"
#include "hostpath.h"
#include "mask.h"
#include "noexec.h"
#include "overlay.h"
#include "privdirs.h"
#include "tty.h"

/* ---- applying (child side) ---- */

/* Opens a path below dirfd without following any symlink or leaving the tree: a destination can
 * never land outside the new root, whatever a bound host directory contains. */
static int open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* Creates the directories of `rel` below rootfd as needed and returns an O_PATH fd of the last
 * one. */
static int make_dirs(int rootfd, const char *rel, struct sbx_error *err, const char *dst)
{
	/* Mostly there already (/dev for each device node, the home's parents): one lookup. Else, or
	 * with a symlink in the way, the walk below makes what is missing or names the problem. */
	int fd = open_beneath(rootfd, rel, O_PATH | O_DIRECTORY);
	if (fd >= 0)
		return fd;
	fd = (int)fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return sbx_fail(err, errno, "dup");
	_cleanup_free_ char *copy = xstrdup(rel);
	char *save = NULL;
	for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			close(fd);
			return sbx_fail(err, e, "cannot create mount point %s", dst);
		}
		int next = open_beneath(fd, comp, O_PATH | O_DIRECTORY);
		close(fd);
		if (next < 0)
			return sbx_fail(err, -next, "cannot open mount point %s%s", dst,
					next == -ELOOP ? " (a symlink is in the way)" : "");
		fd = next;
	}
	return fd;
}

/* Returns an O_PATH fd for dst (absolute path inside the new root), creating it as a directory or
 * an empty file. */
static int prepare_target(int rootfd, const char *dst, bool is_dir, struct sbx_error *err)
{
	_cleanup_free_ char *parent = xstrdup(dst + 1);
	char *slash = strrchr(parent, '/');
	const char *name = slash ? slash + 1 : parent;
	if (slash)
		*slash = '\0';
	_cleanup_close_ int pfd = slash ? make_dirs(rootfd, parent, err, dst)
					: (int)fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (pfd < 0)
		return slash ? pfd : sbx_fail(err, errno, "dup");
	if (is_dir) {
		if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST)
			return sbx_fail(err, errno, "cannot create mount point %s", dst);
	} else {
		int fd = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
		else if (errno != EEXIST)
			return sbx_fail(err, errno, "cannot create mount point %s", dst);
	}
	int fd = open_beneath(pfd, name, O_PATH | (is_dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return sbx_fail(err, -fd, "cannot open mount point %s%s", dst,
				fd == -ELOOP ? " (it is a symlink)" : fd == -ENOTDIR ? " (not a directory)" : "");
	return fd;
}

static int attach(int mount_fd, int target_fd, const char *dst, struct sbx_error *err)
{
	if (move_mount(mount_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sbx_fail(err, errno, "cannot mount %s", dst);
	return 0;
}

static int set_attrs(int tree_fd, unsigned long long attrs, bool recursive, const char *what,
		     struct sbx_error *err)
{
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(tree_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		return sbx_fail(err, errno, "cannot set mount flags on %s", what);
	return 0;
}

/* The sandbox's setup checks again, on the source it opened, what plan_protect_grants decided on
 * its own open: a directory swapped in between must not make a protected directory writable. */
static int recheck_protected(const struct mount_plan *plan, struct mount_step *s, struct sbx_error *err)
{
	if (mount_inside_protected(plan, s->src_fd)) {
		s->read_only = true;
		s->access = VIEW_READ_EXEC;
		return 0;
	}
	struct file_id id;
	if (file_id_of(s->src_fd, &id) < 0)
		return sbx_fail(err, errno, "bind source %s", s->src);
	/* Other grants were resolved against the writable sources the plan saw: one that was not
	 * there then, or is another directory now, could hide a planted link. */
	bool anchored = false;
	for (size_t i = 0; i < plan->n_anchors && !anchored; i++)
		anchored = file_id_eq(&id, &plan->anchors[i]);
	if (!anchored)
		return sbx_fail(err, 0, "bind source %s changed while the sandbox was set up", s->src);
	for (size_t k = 0; k < plan->n_places; k++) {
		if (!file_id_eq(&id, &plan->places[k].id))
			continue;
		_cleanup_free_ char *inside = mount_protect_dst(s, &plan->places[k]);
		bool planned = false;
		for (size_t i = 0; i < plan->n && !planned; i++)
			planned = plan->steps[i].kind == STEP_PROTECT && strcmp(plan->steps[i].dst, inside) == 0;
		if (!planned)
			return sbx_fail(err, 0, "bind source %s changed while the sandbox was set up: it now holds "
					"a profile directory (%s)", s->src, inside);
	}
	return 0;
}

/* An optional overlay the kernel refuses is skipped with a warning; a required one fails. */
static int overlay_skip_optional(struct mount_step *s, int r, struct sbx_error *err)
{
	if (r >= 0 || !s->optional)
		return r;
	sbx_warn("%s%s%s; optional, so skipped", err->msg, err->code ? ": " : "", err->code ? strerror(err->code) : "");
	*err = (struct sbx_error){ 0 };
	s->skipped = true;
	return 0;
}

/* Opens a bind source once, clones its mount tree from that fd, and sets the flags on the detached
 * tree: a symlink swapped in afterwards cannot redirect the mount. Runs before anything is mounted,
 * while the host paths are still where the user named them. A grant is resolved by hostpath_open:
 * below a writable grant's source, where the sandbox may have planted links, no symlink is
 * followed. */
static int open_source(struct mount_plan *plan, size_t index, struct sbx_error *err)
{
	struct mount_step *s = &plan->steps[index];
	if (s->src_fd >= 0 || s->skipped)
		return 0;
	if (!s->src) {  /* the console of a sandbox started without its pty (unit tests) */
		s->skipped = true;
		return 0;
	}
	if (s->tree_fd >= 0)  /* made by sbx before the sandbox existed (root runs) */
		return 0;
	int src;
	if (s->state_sub && s->kind == STEP_BIND) {
		/* Opened again here, in the sandbox's mount namespace (a mount of the host's cannot be
		 * cloned from it), along the same walk that refuses symlinks. */
		src = appstate_open(plan->id, plan->app, s->state_sub, false, false, err);
		if (src < 0)
			return src;
	} else if (strcmp(s->label, "grant") == 0 || s->kind == STEP_OVERLAY) {
		size_t hit = SIZE_MAX;
		int r = hostpath_open(s->src, plan->anchors, plan->n_anchors, &src, &hit);
		if ((r == -ELOOP || r == -EXDEV) && hit < plan->n_anchors) {
			sbx_fail(err, 0, "bind source %s: a symlink inside the writable grant %s, which the sandbox "
				 "could have planted; refusing to follow it", s->src,
				 plan->steps[plan->anchor_step[hit]].src);
			sbx_hint(err, "grant the symlink's target by its real path");
			return -ELOOP;
		}
		if (r < 0)
			src = r;
	} else {
		src = open(s->src, O_PATH | O_CLOEXEC);
		if (src < 0)
			src = -errno;
	}
	if (src < 0) {
		/* An optional source that is missing, or that the sandbox's identity may not open
		 * (root runs as nobody), is skipped: --explain lists it. */
		if ((src == -ENOENT || src == -EACCES) && s->optional) {
			s->skipped = true;
			return 0;
		}
		return sbx_fail(err, -src, "bind source %s", s->src);
	}
	s->src_fd = src;
	if (mount_writable_grant(s)) {
		int r = recheck_protected(plan, s, err);
		if (r < 0)
			return r;
	}
	struct stat st;
	if (fstat(src, &st) < 0)
		return sbx_fail(err, errno, "bind source %s", s->src);
	s->is_dir = S_ISDIR(st.st_mode);
	if (s->kind == STEP_OVERLAY) {
		if (!s->is_dir)
			return sbx_fail(err, ENOTDIR, "overlay %s", s->src);
		if (s->overlay_tmp)
			return 0;  /* made once the sandbox root exists: tmp_overlays */
		_cleanup_close_ int state = appstate_open(plan->id, plan->app, s->state_sub, false, false, err);
		int r = state >= 0 ? overlay_tree(src, state, NULL, s->src, &s->tree_fd, err) : state;
		return overlay_skip_optional(s, r, err);
	}
	s->tree_fd = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (s->tree_fd < 0)
		return sbx_fail(err, errno, "cannot clone mount of %s", s->src);
	unsigned long long attrs = MOUNT_ATTR_NOSUID | (s->device ? 0 : MOUNT_ATTR_NODEV) |
				   (s->read_only ? MOUNT_ATTR_RDONLY : 0) | (s->noexec ? MOUNT_ATTR_NOEXEC : 0);
	return set_attrs(s->tree_fd, attrs, true, s->src, err);
}

static int new_fs(const char *type, const char *const *options, unsigned attrs, const char *dst,
		  struct sbx_error *err)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return sbx_fail(err, errno, "cannot create %s for %s", type, dst);
	for (const char *const *o = options; o && o[0]; o += 2)
		if (fsconfig(fs, FSCONFIG_SET_STRING, o[0], o[1], 0) < 0)
			return sbx_fail(err, errno, "%s option %s=%s for %s", type, o[0], o[1], dst);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sbx_fail(err, errno, "cannot create %s for %s", type, dst);
	int mfd = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mfd < 0)
		return sbx_fail(err, errno, "cannot mount %s for %s", type, dst);
	return mfd;
}

/* A new filesystem instance mounted at dst (created as a directory below the new root). With
 * keep, *keep receives an fd on the new filesystem's root. */
static int mount_new_fs(int rootfd, const char *type, const char *const *options, unsigned attrs,
			const char *dst, int *keep, struct sbx_error *err)
{
	_cleanup_close_ int mfd = new_fs(type, options, attrs, dst, err);
	if (mfd < 0)
		return mfd;
	_cleanup_close_ int target = prepare_target(rootfd, dst, true, err);
	if (target < 0)
		return target;
	int r = attach(mfd, target, dst, err);
	if (r == 0 && keep)
		*keep = TAKE_FD(mfd);
	return r;
}

static int apply_tmpfs(int rootfd, struct mount_step *s, const struct identity *id,
		       struct sbx_error *err)
{
	char mode[16], uid[16], gid[16];
	snprintf(mode, sizeof(mode), "%o", (unsigned)s->mode);
	snprintf(uid, sizeof(uid), "%u", (unsigned)id->uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)id->gid);
	const char *const owned[] = { "mode", mode, "uid", uid, "gid", gid, NULL, NULL };
	const char *const plain[] = { "mode", mode, NULL, NULL };
	return mount_new_fs(rootfd, "tmpfs", s->owned ? owned : plain,
			    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (s->noexec ? MOUNT_ATTR_NOEXEC : 0) |
				    (s->read_only ? MOUNT_ATTR_RDONLY : 0),
			    s->dst, s->discards ? &s->discard_fd : NULL, err);
}

static int apply_symlink(int rootfd, const struct mount_step *s, struct sbx_error *err)
{
	_cleanup_free_ char *parent = xstrdup(s->dst + 1);
	char *slash = strrchr(parent, '/');
	_cleanup_close_ int pfd = -1;
	const char *name = parent;
	if (slash) {
		*slash = '\0';
		name = slash + 1;
		pfd = make_dirs(rootfd, parent, err, s->dst);
		if (pfd < 0)
			return pfd;
	}
	if (symlinkat(s->src, slash ? pfd : rootfd, name) < 0 && errno != EEXIST)
		return sbx_fail(err, errno, "cannot create symlink %s", s->dst);
	return 0;
}

/* Makes an existing path read-only by binding it onto itself; a missing one becomes an empty
 * read-only tmpfs, so nothing can be created there either. */
static int apply_protect(int rootfd, const struct mount_step *s, const struct identity *id,
			 struct sbx_error *err)
{
	_cleanup_close_ int fd = open_beneath(rootfd, s->dst + 1, O_PATH);
	if (fd == -ENOENT) {
		if (s->optional)
			return 0;
		/* No mount point can be made (a directory of another user, a read-only file system):
		 * this setup holds every capability over the sandbox's own uid's files, the command
		 * holds none, so it cannot create the directory either. */
		int target = prepare_target(rootfd, s->dst, true, err);
		if (target == -EACCES || target == -EPERM || target == -EROFS) {
			*err = (struct sbx_error){ 0 };
			return 0;
		}
		if (target < 0)
			return target;
		close(target);
		struct mount_step ro = *s;
		ro.kind = STEP_TMPFS;
		ro.mode = 0555;
		ro.read_only = true;
		return apply_tmpfs(rootfd, &ro, id, err);
	}
	/* Unreachable for the sandbox's own uid (root's 0700 home seen by nobody): the command, with
	 * the same uid and no capabilities, cannot reach it either. */
	if (fd == -EACCES)
		return 0;
	if (fd < 0)
		return sbx_fail(err, -fd, "cannot open %s to make it read-only", s->dst);
	if (s->shallow)
		return set_attrs(fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				 false, s->dst, err);
	_cleanup_close_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return sbx_fail(err, errno, "cannot clone %s to make it read-only", s->dst);
	int r = set_attrs(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				    (s->noexec ? MOUNT_ATTR_NOEXEC : 0), true, s->dst, err);
	if (r < 0)
		return r;
	return attach(tree, fd, s->dst, err);
}

/* mask (mask.h): what the view shows at dst now is covered by an empty read-only tmpfs (a
 * directory) or an empty read-only file, bound from a file made and removed again in the new root. */
static int apply_mask(int rootfd, struct mount_step *s, const struct identity *id, struct sbx_error *err)
{
	if (s->mask_noop)
		return 0;
	_cleanup_close_ int fd = open_beneath(rootfd, s->dst + 1, O_PATH);
	/* Gone with the optional grant that showed it, or out of reach of the sandbox's uid (root's
	 * 0700 home seen by nobody), which the command, without capabilities, cannot reach either. */
	if (fd == -ENOENT || fd == -EACCES) {
		s->skipped = true;
		return 0;
	}
	if (fd < 0)
		return sbx_fail(err, -fd, "mask %s: cannot open %s%s", s->src, s->dst,
				fd == -ELOOP ? " (a symlink is in the way)" : "");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return sbx_fail(err, errno, "mask %s", s->dst);
	if (s->mask_check && (st.st_dev != s->mask_id.dev || st.st_ino != s->mask_id.ino))
		return sbx_fail(err, 0, "mask %s: %s changed while the sandbox was set up", s->src, s->dst);
	if (S_ISDIR(st.st_mode)) {
		struct mount_step ro = *s;
		ro.kind = STEP_TMPFS;
		ro.mode = 0555;
		ro.owned = false;
		ro.noexec = true;
		ro.discards = false;
		return apply_tmpfs(rootfd, &ro, id, err);
	}
	static const char name[] = ".sbx-mask";
	_cleanup_close_ int empty = openat(rootfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (empty < 0)
		return sbx_fail(err, errno, "mask %s: cannot make an empty file", s->dst);
	_cleanup_close_ int tree = open_tree(rootfd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int r = tree < 0 ? sbx_fail(err, errno, "mask %s: cannot clone an empty file", s->dst)
			 : set_attrs(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				     false, s->dst, err);
	if (r == 0)
		r = attach(tree, fd, s->dst, err);
	/* The mount keeps the file; its name in the root goes (the kernel refuses to attach an
	 * unlinked one, so only now). */
	if (unlinkat(rootfd, name, 0) < 0 && r == 0)
		r = sbx_fail(err, errno, "mask %s: cannot remove its empty file", s->dst);
	return r;
}

static int write_all(int fd, const unsigned char *data, size_t len, const char *dst, struct sbx_error *err)
{
	for (size_t done = 0; data && done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return sbx_fail(err, n < 0 ? errno : EIO, "cannot write %s", dst);
		done += (size_t)n;
	}
	return 0;
}

/* STEP_FILE over: the data in a read-only file bound over the file the view shows at dst (made in
 * the new root and unlinked again, as apply_mask does); nothing there: skipped. */
static int apply_file_over(int rootfd, struct mount_step *s, struct sbx_error *err)
{
	_cleanup_close_ int fd = open_beneath(rootfd, s->dst + 1, O_PATH);
	if (fd == -ENOENT || fd == -EACCES) {
		s->skipped = true;
		return 0;
	}
	if (fd < 0)
		return sbx_fail(err, -fd, "cannot open %s%s", s->dst,
				fd == -ELOOP ? " (a symlink is in the way)" : "");
	static const char name[] = ".sbx-file";
	_cleanup_close_ int file =
		openat(rootfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (file < 0)
		return sbx_fail(err, errno, "cannot make the file for %s", s->dst);
	int r = write_all(file, s->data, s->data_len, s->dst, err);
	_cleanup_close_ int tree = r < 0 ? -1 : open_tree(rootfd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (r == 0 && tree < 0)
		r = sbx_fail(err, errno, "cannot clone the file for %s", s->dst);
	if (r == 0)
		r = set_attrs(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			      false, s->dst, err);
	if (r == 0)
		r = attach(tree, fd, s->dst, err);
	if (unlinkat(rootfd, name, 0) < 0 && r == 0)
		r = sbx_fail(err, errno, "cannot remove the file made for %s", s->dst);
	return r;
}

/* Made before the command exists, so it is never counted as discarded (a late file's data, written
 * after the mounts, does not change that), and owned by the command's uid so that it can read it
 * (root runs: nobody). */
static int apply_file(int rootfd, struct mount_step *s, const struct identity *id, struct sbx_error *err)
{
	if (s->over)
		return apply_file_over(rootfd, s, err);
	_cleanup_free_ char *parent = xstrdup(s->dst + 1);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return sbx_fail(err, EINVAL, "cannot create %s", s->dst);
	*slash = '\0';
	_cleanup_close_ int pfd = make_dirs(rootfd, parent, err, s->dst);
	if (pfd < 0)
		return pfd;
	_cleanup_close_ int fd = openat(pfd, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sbx_fail(err, errno, "cannot create %s", s->dst);
	if (fchown(fd, id->uid, id->gid) < 0)
		return sbx_fail(err, errno, "cannot hand %s to uid %u", s->dst, (unsigned)id->uid);
	if (s->late) {
		s->late_fd = TAKE_FD(fd);
		return 0;
	}
	return write_all(fd, s->data, s->data_len, s->dst, err);
}

/* writeback.h: a copy of the host file that sbx opened (copy_fd), in the private place at dst, the
 * command's, with the host file's permissions and times. Made before the view is complete, so it
 * counts as discarded only once the sandbox replaces it. */
static int apply_copy(int rootfd, struct mount_step *s, const struct identity *id, struct sbx_error *err)
{
	_cleanup_close_ int in = TAKE_FD(s->copy_fd);
	struct stat st;
	if (in < 0 || fstat(in, &st) < 0)
		return sbx_fail(err, in < 0 ? EBADF : errno, "cannot copy %s", s->src);
	_cleanup_free_ char *parent = xstrdup(s->dst + 1);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return sbx_fail(err, EINVAL, "cannot copy %s to %s", s->src, s->dst);
	*slash = '\0';
	_cleanup_close_ int pfd = open_beneath(rootfd, parent, O_PATH | O_DIRECTORY);
	if (pfd < 0)
		return sbx_fail(err, -pfd, "cannot copy %s to %s", s->src, s->dst);
	_cleanup_close_ int out = openat(pfd, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return sbx_fail(err, errno, "cannot copy %s to %s", s->src, s->dst);
	int r = file_copy_data(in, out, NULL);
	if (r < 0)
		return sbx_fail(err, -r, "cannot copy %s to %s", s->src, s->dst);
	const struct timespec times[2] = { st.st_atim, st.st_mtim };
	if (fchown(out, id->uid, id->gid) < 0 || fchmod(out, st.st_mode & 0777) < 0 || futimens(out, times) < 0)
		return sbx_fail(err, errno, "cannot hand %s to uid %u", s->dst, (unsigned)id->uid);
	return 0;
}

int mount_fill_late(struct mount_plan *plan, const unsigned char *data, size_t len, struct sbx_error *err)
{
	int r = 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		if (s->late_fd < 0)
			continue;
		if (r == 0)
			r = write_all(s->late_fd, data, len, s->dst, err);
		close(s->late_fd);
		s->late_fd = -1;
	}
	return r;
}

static int apply_step(int rootfd, struct mount_step *s, const struct mount_plan *plan,
		      const struct identity *id, struct sbx_error *err)
{
	switch (s->kind) {
	case STEP_BIND:
	case STEP_OVERLAY: {
		if (s->skipped)
			return 0;
		_cleanup_close_ int target = prepare_target(rootfd, s->dst, s->is_dir, err);
		if (target < 0)
			return target;
		/* noexec (noexec.h) also on trees made before the sandbox existed and on overlays. */
		int r = s->noexec ? set_attrs(s->tree_fd, MOUNT_ATTR_NOEXEC, true, s->dst, err) : 0;
		if (r == 0)
			r = attach(s->tree_fd, target, s->dst, err);
		close(s->tree_fd);
		s->tree_fd = -1;
		return r;
	}
	case STEP_TMPFS:
		if (s->hide) {
			/* Out of reach of the sandbox's uid (root's 0700 home seen by nobody): the command,
			 * with the same uid and no capabilities, cannot reach it either. */
			int fd = open_beneath(rootfd, s->dst + 1, O_PATH);
			if (fd == -EACCES) {
				s->skipped = true;
				return 0;
			}
			if (fd >= 0)
				close(fd);
		}
		return apply_tmpfs(rootfd, s, id, err);
	case STEP_SYMLINK:
		return apply_symlink(rootfd, s, err);
	case STEP_PROTECT:
		return apply_protect(rootfd, s, id, err);
	case STEP_FILE:
		return apply_file(rootfd, s, id, err);
	case STEP_COPY:
		return apply_copy(rootfd, s, id, err);
	case STEP_MASK:
		return apply_mask(rootfd, s, id, err);
	case STEP_PROC: {
		int r = mount_new_fs(rootfd, "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				     s->dst, NULL, err);
		if (r < 0 && err->code == EPERM)
			sbx_hint(err, "the kernel refuses a new /proc when the host's /proc is partly hidden "
				      "(e.g. inside an unprivileged container)");
		if (r == 0 && plan->limit_nesting) {
			_cleanup_close_ int proc = open_beneath(rootfd, "proc", O_DIRECTORY | O_RDONLY);
			if (proc < 0)
				return sbx_fail(err, -proc, "cannot open the new /proc");
			r = userns_limit_nesting(proc, err);
		}
		return r;
	}
	case STEP_DEVPTS: {
		const char *const opts[] = { "ptmxmode", "0666", "mode", "0620", NULL, NULL };
		return mount_new_fs(rootfd, "devpts", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, s->dst, NULL, err);
	}
	}
	return 0;
}

/* Marks where sbx's own files end in each place whose writes are discarded: a nameless file made
 * now takes its tmpfs's next inode number, so every file the command makes has a larger one, and
 * the mount points and placeholders made above have smaller ones. */
static int mark_discard_start(struct mount_plan *plan, struct sbx_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		if (s->discard_fd < 0)
			continue;
		_cleanup_close_ int fd = openat(s->discard_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			return sbx_fail(err, errno, "cannot mark the start of %s", s->dst);
		s->discard_first_ino = st.st_ino;
	}
	return 0;
}

/* The overlay-tmp trees, made while the sandbox root (a tmpfs at /tmp of this namespace, rootfd)
 * can hold each one's upper tmpfs for a moment (overlay_tree); their lower directories were
 * opened with the other sources. */
static int tmp_overlays(struct mount_plan *plan, int rootfd, struct sbx_error *err)
{
	static const char scratch[] = ".sbx-overlay-tmp";
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		if (s->kind != STEP_OVERLAY || !s->overlay_tmp || s->src_fd < 0)
			continue;
		if (mkdirat(rootfd, scratch, 0700) < 0)
			return sbx_fail(err, errno, "overlay-tmp %s: cannot make a place for its tmpfs", s->src);
		int r = overlay_tree(s->src_fd, -1, "/tmp/.sbx-overlay-tmp", s->src, &s->tree_fd, err);
		if (unlinkat(rootfd, scratch, AT_REMOVEDIR) < 0 && r == 0)
			r = sbx_fail(err, errno, "overlay-tmp %s: cannot remove the place of its tmpfs", s->src);
		close(s->src_fd);
		s->src_fd = -1;
		r = overlay_skip_optional(s, r, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int mount_plan_apply(struct mount_plan *plan, const struct identity *id, struct view *view,
		     struct sbx_error *err)
{
	/* Nothing done here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return sbx_fail(err, errno, "cannot make the mount namespace private");
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->steps[i].kind != STEP_BIND && plan->steps[i].kind != STEP_OVERLAY)
			continue;
		int r = open_source(plan, i, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->steps[i].src_fd >= 0 && !(plan->steps[i].kind == STEP_OVERLAY && plan->steps[i].overlay_tmp)) {
			close(plan->steps[i].src_fd);
			plan->steps[i].src_fd = -1;
		}
	}

	/* The new root is a tmpfs over /tmp of this private namespace; after pivot_root neither it
	 * nor the old root is reachable. */
	_cleanup_close_ int root_mnt = new_fs("tmpfs", (const char *const[]){ "mode", "0755", NULL, NULL },
					      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "/", err);
	if (root_mnt < 0)
		return root_mnt;
	if (move_mount(root_mnt, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sbx_fail(err, errno, "cannot mount the sandbox root");
	_cleanup_close_ int rootfd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return sbx_fail(err, errno, "cannot open the sandbox root");
	int r = tmp_overlays(plan, rootfd, err);
	if (r < 0)
		return r;

	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		r = apply_step(rootfd, s, plan, id, err);
		if (r < 0)
			return r;
		if (s->in_view && !s->skipped)
			view_add(view, s->dst, s->access, s->label);
	}
	r = mark_discard_start(plan, err);
	if (r < 0)
		return r;
	/* Nothing outside the granted mounts is writable, not even the root directory itself. */
	r = set_attrs(rootfd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false, "/", err);
	if (r < 0)
		return r;

	if (fchdir(rootfd) < 0)
		return sbx_fail(err, errno, "cannot enter the sandbox root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return sbx_fail(err, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return sbx_fail(err, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return sbx_fail(err, errno, "chdir /");
	return 0;
}

/* Root runs: the command's account (nobody) cannot reach root's home, where the state is, so sbx
 * makes the mount here, before the sandbox exists, and the sandbox's setup attaches it. The overlay's
 * lower directory is opened by root, as named; overlayfs checks every access of the command against
 * the lower files' own owners and modes. */
static int root_state_tree(struct mount_step *s, int statefd, struct sbx_error *err)
{
	if (s->kind == STEP_BIND) {
		s->tree_fd = open_tree(statefd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
		if (s->tree_fd < 0)
			return sbx_fail(err, errno, "cannot clone mount of %s", s->src);
		s->is_dir = true;
		return set_attrs(s->tree_fd, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true, s->src, err);
	}
	_cleanup_close_ int lower = open(s->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = lower < 0 ? sbx_fail(err, errno, "overlay %s", s->src)
			  : overlay_tree(lower, statefd, NULL, s->src, &s->tree_fd, err);
	s->is_dir = true;
	return overlay_skip_optional(s, r, err);
}

int mount_plan_open_state(struct mount_plan *plan, const struct identity *id, const char *app,
			  struct sbx_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		if (!s->state_sub || s->state_fd >= 0)
			continue;
		int fd = appstate_open(id, app, s->state_sub, true, true, err);
		if (fd >= 0 && s->kind == STEP_OVERLAY) {
			int r = overlay_prepare_dirs(fd, id, s->src, err);
			if (r < 0) {
				close(fd);
				fd = r;
			}
		}
		if (fd < 0)
			return fd;
		s->state_fd = fd;
		if (id->outer_uid == 0) {
			int r = root_state_tree(s, fd, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
