#include "overlay.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appstate.h"
#include "overlay_commit.h"
#include "policy.h"

static int make_dir(int statefd, const char *name, mode_t mode, const struct identity *id,
		    const char *lower, struct sbx_error *err)
{
	if (mkdirat(statefd, name, mode) < 0 && errno != EEXIST)
		return sbx_fail(err, errno, "overlay %s: cannot create its %s directory", lower, name);
	_cleanup_close_ int fd = openat(statefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sbx_fail(err, errno, "overlay %s: its %s directory%s", lower, name,
				errno == ELOOP || errno == ENOTDIR ? " is not a directory (a symlink is refused)" : "");
	if (id->outer_uid == 0 && fchown(fd, id->uid, id->gid) < 0)
		return sbx_fail(err, errno, "overlay %s: cannot hand its %s directory to uid %u", lower, name,
				(unsigned)id->uid);
	return 0;
}

int overlay_prepare_dirs(int statefd, const struct identity *id, const char *lower, struct sbx_error *err)
{
	/* Held for the run (statefd lives as long as the mount plan): `sbx overlay commit` takes it
	 * exclusively, so that it never works on an upper layer a running app changes. */
	if (flock(statefd, LOCK_SH | LOCK_NB) < 0)
		return sbx_fail(err, 0, "overlay %s: a commit of this overlay is running; start the app when it "
				"has finished", lower);
	if (faccessat(statefd, OVERLAY_COMMIT_JOURNAL, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return sbx_fail(err, 0, "overlay %s: an interrupted commit is pending; finish it with "
				"`sbx overlay commit APP %s` (or drop the changes with `sbx overlay reset`)", lower, lower);
	int r = make_dir(statefd, "upper", 0755, id, lower, err);
	return r < 0 ? r : make_dir(statefd, "work", 0700, id, lower, err);
}

/* The kernel's messages about a refused mount (fs context log: "e overlayfs: ..."), joined. */
static void kernel_says(int fs, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	char line[256];
	for (int i = 0; i < 8; i++) {
		ssize_t n = read(fs, line, sizeof(line) - 1);
		if (n <= 0)
			break;
		line[n] = '\0';
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		const char *text = strlen(line) > 2 && line[1] == ' ' ? line + 2 : line;
		int w = snprintf(buf + used, len - used, "%s%s", used ? "; " : "", text);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

static int set_string(int fs, const char *key, const char *value, const char *lower, struct sbx_error *err)
{
	if (fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0) < 0) {
		int e = errno;
		char why[400];
		kernel_says(fs, why, sizeof(why));
		return sbx_fail(err, e, "overlay %s: the kernel refuses %s%s%s", lower, key, *why ? ": " : "", why);
	}
	return 0;
}

static int make_overlay(int lower_fd, int statefd, const char *lower, int *tree, struct sbx_error *err)
{
	/* The layers by fd, as /proc/self/fd paths: the sandbox's setup may not be able to reach them
	 * by name (root's home, seen by nobody), and no comma or colon of a path needs escaping. */
	char lowerdir[64], upperdir[64], workdir[64];
	snprintf(lowerdir, sizeof(lowerdir), "/proc/self/fd/%d", lower_fd);
	snprintf(upperdir, sizeof(upperdir), "/proc/self/fd/%d/upper", statefd);
	snprintf(workdir, sizeof(workdir), "/proc/self/fd/%d/work", statefd);
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return sbx_fail(err, errno, "overlay %s: this kernel has no overlayfs", lower);
	int r = set_string(fs, "lowerdir", lowerdir, lower, err);
	if (r == 0)
		r = set_string(fs, "upperdir", upperdir, lower, err);
	if (r == 0)
		r = set_string(fs, "workdir", workdir, lower, err);
	if (r < 0)
		return r;
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		return sbx_fail(err, errno, "overlay %s: this kernel has no unprivileged overlayfs (userxattr, Linux 5.11)",
				lower);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int e = errno;
		char why[400];
		kernel_says(fs, why, sizeof(why));
		sbx_fail(err, e, "overlay %s: the kernel refuses the mount%s%s", lower, *why ? ": " : "", why);
		if (!*why)
			sbx_hint(err, "an unprivileged overlay needs Linux 5.11, a lower directory on a filesystem "
				      "overlayfs can stack on (not /proc), an upper one with user xattrs, and at most "
				      "two overlays stacked; the kernel log (dmesg) names the reason");
		return -e;
	}
	int mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mfd < 0)
		return sbx_fail(err, errno, "overlay %s: cannot mount it", lower);
	*tree = mfd;
	return 0;
}

/* The upper layer of an overlay-tmp: a tmpfs attached at the empty directory `at`. Linux before
 * 6.15 takes layers only from mounts of the caller's namespace ("failed to clone upperpath" for a
 * detached one); the overlay keeps its own clone, so the caller detaches this one afterwards. */
static int attach_tmp_upper(const char *at, const char *lower, struct sbx_error *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sbx_fail(err, errno, "overlay-tmp %s: cannot make its tmpfs", lower);
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0 || move_mount(mnt, "", AT_FDCWD, at, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sbx_fail(err, errno, "overlay-tmp %s: cannot mount its tmpfs", lower);
	int fd = open(at, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || mkdirat(fd, "upper", 0755) < 0 || mkdirat(fd, "work", 0700) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		umount2(at, MNT_DETACH);
		return sbx_fail(err, e, "overlay-tmp %s: cannot make its upper directory", lower);
	}
	/* The upper layer keeps whiteouts and copy-up marks in user.overlay.* xattrs, which tmpfs has
	 * only since Linux 6.6; without them every write would fail (EOVERFLOW) after the start. */
	_cleanup_free_ char *upper = xasprintf("%s/upper", at);
	if (setxattr(upper, "user.overlay.sbx-probe", "", 0, 0) < 0 || removexattr(upper, "user.overlay.sbx-probe") < 0) {
		int e = errno;
		close(fd);
		umount2(at, MNT_DETACH);
		int r = sbx_fail(err, e, "overlay-tmp %s: this kernel's tmpfs keeps no user xattrs (Linux 6.6), which the "
				 "upper layer of an unprivileged overlay needs", lower);
		sbx_hint(err, "use 'overlay %s' (its upper layer is in the app's state directory)", lower);
		return r;
	}
	return fd;
}

int overlay_tree(int lower_fd, int statefd, const char *tmp_at, const char *lower, int *tree, struct sbx_error *err)
{
	_cleanup_close_ int tmpfs = -1;
	if (tmp_at) {
		tmpfs = attach_tmp_upper(tmp_at, lower, err);
		if (tmpfs < 0)
			return tmpfs;
		statefd = tmpfs;
	}
	int r = make_overlay(lower_fd, statefd, lower, tree, err);
	if (tmp_at && umount2(tmp_at, MNT_DETACH) < 0 && r == 0)
		r = sbx_fail(err, errno, "overlay-tmp %s: cannot detach its tmpfs", lower);
	return r;
}

/* ---- sbx overlay diff | reset ---- */

/* A whiteout in a userxattr upper layer: a 0/0 character device (what the kernel makes), or a
 * zero-size file marked user.overlay.whiteout (the format of nested overlays). */
bool overlay_is_whiteout(int dirfd, const char *name, const struct stat *st)
{
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 0 && minor(st->st_rdev) == 0)
		return true;
	if (!S_ISREG(st->st_mode) || st->st_size != 0)
		return false;
	_cleanup_free_ char *path = xasprintf("/proc/self/fd/%d/%s", dirfd, name);
	return lgetxattr(path, "user.overlay.whiteout", NULL, 0) >= 0;
}

bool overlay_is_opaque(int fd)
{
	char v[4] = "";
	ssize_t n = fgetxattr(fd, "user.overlay.opaque", v, sizeof(v));
	return n >= 1 && (v[0] == 'y' || v[0] == 'x');
}

enum change_kind { CH_ADDED, CH_MODIFIED, CH_MODE, CH_DELETED };
struct change {
	enum change_kind kind;
	char *path;  /* relative to the overlaid directory */
	bool dir;
	long long old_size, new_size;
	mode_t old_mode, new_mode;
	bool renamed;  /* matched as one side of a rename */
	char *rename_to;
};

struct diff {
	struct change *c;
	size_t n;
	int lower_root;  /* the host's directory */
	int upper_root;
};

static void add_change(struct diff *d, enum change_kind kind, const char *path, bool dir, long long old_size,
		       long long new_size, mode_t old_mode, mode_t new_mode)
{
	struct change *c = ARRAY_PUSH(d->c, d->n);
	*c = (struct change){ .kind = kind, .path = xstrdup(path), .dir = dir, .old_size = old_size,
			      .new_size = new_size, .old_mode = old_mode, .new_mode = new_mode };
}

/* Whether two regular files below the two roots hold the same bytes. */
static bool same_content(int root_a, const char *a, int root_b, const char *b)
{
	_cleanup_close_ int fa = openat(root_a, a, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int fb = openat(root_b, b, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fa < 0 || fb < 0)
		return false;
	char ba[65536], bb[65536];
	for (;;) {
		ssize_t na = read(fa, ba, sizeof(ba));
		ssize_t nb = na <= 0 ? na : read(fb, bb, (size_t)na);
		if (na < 0 || nb != na)
			return false;
		if (na == 0)
			return read(fb, bb, 1) == 0;
		if (memcmp(ba, bb, (size_t)na) != 0)
			return false;
	}
}

static void walk_added(struct diff *d, int fd, const char *rel);
static void walk_deleted(struct diff *d, const char *rel, const struct stat *st);

/* Everything of the host's below rel, reported deleted (a whited-out or opaque-replaced tree). */
static void walk_deleted(struct diff *d, const char *rel, const struct stat *st)
{
	if (S_ISDIR(st->st_mode)) {
		_cleanup_close_ int fd = openat(d->lower_root, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int dup_fd = fd < 0 ? -1 : openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *dir = dup_fd < 0 ? NULL : fdopendir(dup_fd);
		for (struct dirent *e; dir && (e = readdir(dir));) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			struct stat sub;
			_cleanup_free_ char *path = xasprintf("%s/%s", rel, e->d_name);
			if (fstatat(fd, e->d_name, &sub, AT_SYMLINK_NOFOLLOW) == 0)
				walk_deleted(d, path, &sub);
		}
		if (dir)
			closedir(dir);
	}
	add_change(d, CH_DELETED, rel, S_ISDIR(st->st_mode), S_ISDIR(st->st_mode) ? 0 : st->st_size, 0,
		   st->st_mode, 0);
}

/* The upper directory fd at rel (its lower counterpart read by the same relative path). */
static void walk_upper(struct diff *d, int fd, const char *rel, bool opaque)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!dir)
		return;
	char **seen = NULL;
	size_t n_seen = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		*ARRAY_PUSH(seen, n_seen) = xstrdup(e->d_name);
		_cleanup_free_ char *path = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		struct stat up, low;
		if (fstatat(fd, e->d_name, &up, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		bool in_lower = !opaque && fstatat(d->lower_root, path, &low, AT_SYMLINK_NOFOLLOW) == 0;
		if (overlay_is_whiteout(fd, e->d_name, &up)) {
			if (in_lower)
				walk_deleted(d, path, &low);
			continue;
		}
		if (S_ISDIR(up.st_mode)) {
			_cleanup_close_ int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			if (!in_lower || !S_ISDIR(low.st_mode)) {
				if (in_lower)
					walk_deleted(d, path, &low);
				walk_added(d, sub, path);
				continue;
			}
			bool op = overlay_is_opaque(sub);
			if ((low.st_mode & 07777) != (up.st_mode & 07777))
				add_change(d, CH_MODE, path, true, 0, 0, low.st_mode, up.st_mode);
			if (op) {
				/* A directory deleted and made again: the host's entries are all gone, the
				 * upper's are all new. */
				walk_deleted(d, path, &low);
				d->n--;  /* the directory itself stays */
				free(d->c[d->n].path);
				walk_added(d, sub, path);
				d->n--;
				free(d->c[d->n].path);
			} else {
				walk_upper(d, sub, path, false);
			}
			continue;
		}
		if (!in_lower) {
			add_change(d, CH_ADDED, path, false, 0, S_ISREG(up.st_mode) ? up.st_size : 0, 0, up.st_mode);
		} else if (S_ISDIR(low.st_mode)) {
			walk_deleted(d, path, &low);
			add_change(d, CH_ADDED, path, false, 0, up.st_size, 0, up.st_mode);
		} else if (S_ISREG(up.st_mode) && S_ISREG(low.st_mode) && up.st_size == low.st_size &&
			   same_content(d->lower_root, path, d->upper_root, path)) {
			if ((low.st_mode & 07777) != (up.st_mode & 07777))
				add_change(d, CH_MODE, path, false, low.st_size, up.st_size, low.st_mode, up.st_mode);
			/* else: copied up with nothing changed (e.g. opened for writing) */
		} else {
			add_change(d, CH_MODIFIED, path, false, low.st_size, up.st_size, low.st_mode, up.st_mode);
		}
	}
	closedir(dir);
	/* In an opaque directory nothing of the host's shows: walk_deleted reported it. */
	for (size_t i = 0; i < n_seen; i++)
		free(seen[i]);
	free(seen);
}

static void walk_added(struct diff *d, int fd, const char *rel)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	for (struct dirent *e; dir && (e = readdir(dir));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", rel, e->d_name);
		struct stat st;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || overlay_is_whiteout(fd, e->d_name, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk_added(d, sub, path);
		} else {
			add_change(d, CH_ADDED, path, false, 0, S_ISREG(st.st_mode) ? st.st_size : 0, 0, st.st_mode);
		}
	}
	if (dir)
		closedir(dir);
	struct stat self;
	if (fstat(fd, &self) == 0)
		add_change(d, CH_ADDED, rel, true, 0, 0, 0, self.st_mode);
}

/* A file deleted and one added with the same bytes: reported as one rename (overlayfs with
 * userxattr keeps no record of renames; this is the best guess from content). */
static void match_renames(struct diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct change *del = &d->c[i];
		if (del->kind != CH_DELETED || del->dir || del->renamed)
			continue;
		for (size_t j = 0; j < d->n; j++) {
			struct change *add = &d->c[j];
			if (add->kind != CH_ADDED || add->dir || add->renamed || add->new_size != del->old_size ||
			    !S_ISREG(add->new_mode) || !S_ISREG(del->old_mode))
				continue;
			if (!same_content(d->lower_root, del->path, d->upper_root, add->path))
				continue;
			del->renamed = add->renamed = true;
			del->rename_to = xstrdup(add->path);
			break;
		}
	}
}

static int compare_changes(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->path, ((const struct change *)b)->path);
}

static void print_diff(const struct diff *d, const char *lower, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct change *c = &d->c[i];
		const char *slash = c->dir ? "/" : "";
		if (c->renamed && c->kind == CH_ADDED)
			continue;
		if (c->renamed)
			fprintf(out, "renamed   %s/%s -> %s/%s  %lld bytes\n", lower, c->path, lower, c->rename_to,
				c->old_size);
		else if (c->kind == CH_ADDED)
			fprintf(out, "added     %s/%s%s  %lld bytes\n", lower, c->path, slash, c->new_size);
		else if (c->kind == CH_DELETED)
			fprintf(out, "deleted   %s/%s%s  %lld bytes\n", lower, c->path, slash, c->old_size);
		else if (c->kind == CH_MODIFIED)
			fprintf(out, "modified  %s/%s  %lld -> %lld bytes\n", lower, c->path, c->old_size, c->new_size);
		else
			fprintf(out, "mode      %s/%s%s  %04o -> %04o\n", lower, c->path, slash,
				(unsigned)(c->old_mode & 07777), (unsigned)(c->new_mode & 07777));
	}
}

static void diff_free(struct diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->c[i].path);
		free(d->c[i].rename_to);
	}
	free(d->c);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The overlays of app, or only the one of `only` (an absolute path): calls fn for each. */
typedef int (*overlay_fn)(const struct identity *id, const char *app, const char *esc, const char *lower,
			  void *ctx);

static int each_overlay(const struct identity *id, const char *app, const char *only, overlay_fn fn, void *ctx)
{
	struct sbx_error err = { 0 };
	_cleanup_close_ int fd = appstate_open(id, app, "overlay", false, false, &err);
	if (fd < 0 && err.code == ENOENT) {
		if (only) {
			fprintf(stderr, "sbx: %s has no overlay of %s\n", app, only);
			return SBX_EXIT_FAILURE;
		}
		return 0;
	}
	if (fd < 0) {
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *e; dir && (e = readdir(dir));)
		if (e->d_name[0] != '.')
			*ARRAY_PUSH(names, n) = xstrdup(e->d_name);
	if (dir)
		closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	int code = 0;
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *lower = appstate_unescape_path(names[i]);
		if (lower && (!only || strcmp(only, lower) == 0)) {
			found = true;
			int c = fn(id, app, names[i], lower, ctx);
			code = code ? code : c;
		}
		free(names[i]);
	}
	free(names);
	if (only && !found) {
		fprintf(stderr, "sbx: %s has no overlay of %s\n", app, only);
		return SBX_EXIT_FAILURE;
	}
	return code;
}

static int diff_one(const struct identity *id, const char *app, const char *esc, const char *lower, void *ctx)
{
	(void)ctx;
	struct sbx_error err = { 0 };
	_cleanup_free_ char *sub = xasprintf("overlay/%s/upper", esc);
	_cleanup_close_ int upper = appstate_open(id, app, sub, false, false, &err);
	if (upper < 0) {
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_close_ int low = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (low < 0) {
		fprintf(stderr, "sbx: overlay %s: %s\n", lower, strerror(errno));
		return SBX_EXIT_FAILURE;
	}
	struct diff d = { .lower_root = low, .upper_root = upper };
	walk_upper(&d, upper, "", overlay_is_opaque(upper));
	match_renames(&d);
	if (d.n)
		qsort(d.c, d.n, sizeof(*d.c), compare_changes);
	print_diff(&d, strcmp(lower, "/") ? lower : "", stdout);
	diff_free(&d);
	return 0;
}

static int reset_one(const struct identity *id, const char *app, const char *esc, const char *lower, void *ctx)
{
	(void)ctx;
	struct sbx_error err = { 0 };
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *sub = xasprintf("overlay/%s/%s", esc, i ? "work" : "upper");
		_cleanup_close_ int fd = appstate_open(id, app, sub, false, false, &err);
		if (fd < 0 && err.code == ENOENT)
			continue;
		int r = fd < 0 ? fd : appstate_remove_below(fd);
		if (r < 0) {
			if (fd >= 0)
				sbx_fail(&err, -r, "overlay reset %s: cannot empty its %s directory", lower, i ? "work" : "upper");
			sbx_report(&err);
			return SBX_EXIT_FAILURE;
		}
	}
	/* An interrupted commit's plan goes with the upper layer it was made from. */
	_cleanup_free_ char *sub = xasprintf("overlay/%s", esc);
	_cleanup_close_ int statefd = appstate_open(id, app, sub, false, false, &err);
	if (statefd >= 0)
		unlinkat(statefd, OVERLAY_COMMIT_JOURNAL, 0);
	printf("%s: changes to %s discarded\n", app, lower);
	return 0;
}

static int commit_one(const struct identity *id, const char *app, const char *esc, const char *lower, void *ctx)
{
	return overlay_commit_one(id, app, esc, lower, *(const bool *)ctx);
}

int overlay_main(int argc, char **argv, const struct identity *id)
{
	bool dry_run = false;
	if (argc >= 2 && strcmp(argv[1], "commit") == 0) {
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--dry-run") == 0) {
				dry_run = true;
				memmove(argv + i, argv + i + 1, (size_t)(argc - i) * sizeof(*argv));
				argc--;
				break;
			}
		}
	}
	if (argc < 3 || argc > 4 ||
	    (strcmp(argv[1], "diff") != 0 && strcmp(argv[1], "reset") != 0 && strcmp(argv[1], "commit") != 0)) {
		fputs("usage: sbx overlay diff|reset APP [PATH]\n"
		      "       sbx overlay commit APP [PATH] [--dry-run]\n", stderr);
		return SBX_EXIT_FAILURE;
	}
	const char *app = argv[2];
	if (!app_name_valid(app)) {
		fprintf(stderr, "sbx: overlay %s: '%s' is not an app name\n", argv[1], app);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_free_ char *only = argc == 4 ? path_join_clean(id->cwd ? id->cwd : "/", argv[3]) : NULL;
	if (strcmp(argv[1], "commit") == 0)
		return each_overlay(id, app, only, commit_one, &dry_run);
	return each_overlay(id, app, only, strcmp(argv[1], "diff") == 0 ? diff_one : reset_one, NULL);
}
