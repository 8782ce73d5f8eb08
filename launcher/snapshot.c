#include "snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "appstate.h"
#include "filecopy.h"
#include "overlay_commit.h"
#include "policy.h"

/* What an app's state holds that a snapshot keeps, relative to APP/. */
static const char *const parts[] = { "home", "overlay" };

struct copy {
	bool root;  /* owners are copied too */
	size_t cloned, copied;
	int first;  /* the first error, -errno */
	const char *where;
};

static void failed(struct copy *c, int e, const char *rel)
{
	if (!c->first) {
		c->first = -e;
		fprintf(stderr, "sbx: %s: %s: %s\n", c->where, rel, strerror(e));
	}
}

/* Overlay work directories (overlayfs's scratch space) and commit journals stay out. */
static bool skipped(const char *rel)
{
	return fnmatch("overlay/*/work", rel, FNM_PATHNAME) == 0 ||
	       fnmatch("overlay/*/" OVERLAY_COMMIT_JOURNAL "*", rel, FNM_PATHNAME) == 0;
}

/* The extended attributes of sdir/name on ddir/name, by /proc/self/fd paths (a whiteout cannot be
 * opened, a symlink's are not followed). user.* ones must copy; others (security.*, trusted.*) are
 * copied where the caller may. */
static int copy_xattrs(int sdir, const char *name, int ddir)
{
	char sp[PATH_MAX], dp[PATH_MAX];
	snprintf(sp, sizeof(sp), "/proc/self/fd/%d/%s", sdir, name);
	snprintf(dp, sizeof(dp), "/proc/self/fd/%d/%s", ddir, name);
	ssize_t n = llistxattr(sp, NULL, 0);
	if (n <= 0)
		return 0;
	_cleanup_free_ char *names = xmalloc((size_t)n);
	n = llistxattr(sp, names, (size_t)n);
	for (ssize_t off = 0; off < n; off += (ssize_t)strlen(names + off) + 1) {
		const char *x = names + off;
		ssize_t len = lgetxattr(sp, x, NULL, 0);
		if (len < 0)
			continue;
		_cleanup_free_ char *value = xmalloc((size_t)len + 1);
		len = lgetxattr(sp, x, value, (size_t)len);
		if (len >= 0 && lsetxattr(dp, x, value, (size_t)len, 0) < 0 && strncmp(x, "user.", 5) == 0)
			return -errno;
	}
	return 0;
}

static void copy_dir(struct copy *c, int sfd, int dfd, const char *rel);

/* sdir/name to ddir/name, of any type; metadata last. */
static void copy_entry(struct copy *c, int sdir, int ddir, const char *name, const char *rel)
{
	struct stat st;
	if (skipped(rel))
		return;
	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return failed(c, errno, rel);
	const struct timespec times[2] = { st.st_atim, st.st_mtim };
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(ddir, name, 0700) < 0)
			return failed(c, errno, rel);
		_cleanup_close_ int sfd = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int dfd = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0 || dfd < 0)
			return failed(c, errno, rel);
		copy_dir(c, sfd, dfd, rel);
		int r = copy_xattrs(sdir, name, ddir);
		if (r < 0)
			return failed(c, -r, rel);
		if ((c->root && fchown(dfd, st.st_uid, st.st_gid) < 0) || fchmod(dfd, st.st_mode & 07777) < 0 ||
		    futimens(dfd, times) < 0)
			return failed(c, errno, rel);
		return;
	}
	if (S_ISREG(st.st_mode)) {
		_cleanup_close_ int src = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int dst = src < 0 ? -1
					: openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (dst < 0)
			return failed(c, errno, rel);
		bool cloned = false;
		int r = file_copy_data(src, dst, &cloned);
		if (r < 0)
			return failed(c, -r, rel);
		*(cloned ? &c->cloned : &c->copied) += 1;
		r = copy_xattrs(sdir, name, ddir);
		if (r < 0)
			return failed(c, -r, rel);
		if ((c->root && fchown(dst, st.st_uid, st.st_gid) < 0) || fchmod(dst, st.st_mode & 07777) < 0 ||
		    futimens(dst, times) < 0)
			return failed(c, errno, rel);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return failed(c, errno, rel);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return failed(c, errno, rel);
	} else if (S_ISFIFO(st.st_mode)) {
		if (mkfifoat(ddir, name, 0600) < 0)
			return failed(c, errno, rel);
	} else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		/* A whiteout: the kernel lets anyone make a 0/0 character device. */
		if (mknodat(ddir, name, S_IFCHR | 0600, makedev(0, 0)) < 0)
			return failed(c, errno, rel);
	} else {
		fprintf(stderr, "sbx: %s: %s: a socket or device node is not copied\n", c->where, rel);
		return;
	}
	int r = copy_xattrs(sdir, name, ddir);
	if (r < 0)
		return failed(c, -r, rel);
	if ((c->root && fchownat(ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0) ||
	    (!S_ISLNK(st.st_mode) && fchmodat(ddir, name, st.st_mode & 07777, 0) < 0) ||
	    utimensat(ddir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return failed(c, errno, rel);
}

static void copy_dir(struct copy *c, int sfd, int dfd, const char *rel)
{
	int dup_fd = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return failed(c, errno, rel);
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", rel, e->d_name);
		copy_entry(c, sfd, dfd, e->d_name, sub);
	}
	closedir(d);
}

/* The kept parts of the state directory from to the directory to (made here, 0700). */
static int copy_state(struct copy *c, int from, int to_parent, const char *to)
{
	if (mkdirat(to_parent, to, 0700) < 0)
		return -errno;
	_cleanup_close_ int dfd = openat(to_parent, to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (faccessat(from, parts[i], F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			copy_entry(c, from, dfd, parts[i], parts[i]);
	}
	return c->first;
}

static const char *how(const struct copy *c)
{
	return c->cloned && !c->copied ? "reflinks (FICLONE)"
	     : c->cloned		? "reflinks where the filesystem allowed, copies elsewhere"
	     : c->copied		? "copies: this filesystem has no reflinks"
					: "nothing to copy";
}

static int remove_dir(int parent, const char *name)
{
	_cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int r = appstate_remove_below(fd);
	if (r == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

static int open_app(const struct identity *id, const char *app, const char *sub, bool create)
{
	struct sbx_error err = { 0 };
	int fd = appstate_open(id, app, sub, create, false, &err);
	if (fd < 0) {
		if (err.code == ENOENT && !sub)
			fprintf(stderr, "sbx: %s has no state kept\n", app);
		else if (err.code == ENOENT)
			fprintf(stderr, "sbx: %s has no snapshots\n", app);
		else
			sbx_report(&err);
	}
	return fd;
}

static int take(const struct identity *id, const char *app, const char *name_arg)
{
	char name[64];
	if (name_arg) {
		snprintf(name, sizeof(name), "%s", name_arg);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		strftime(name, sizeof(name), "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	}
	if (!app_name_valid(name)) {
		fprintf(stderr, "sbx: apps snapshot %s: snapshot name '%s': expected 1 to 64 letters, digits, "
			"'.', '_', '+' or '-'\n", app, name);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_close_ int appfd = open_app(id, app, NULL, false);
	if (appfd < 0)
		return SBX_EXIT_FAILURE;
	_cleanup_close_ int snaps = open_app(id, app, "snapshots", true);
	if (snaps < 0)
		return SBX_EXIT_FAILURE;
	if (faccessat(snaps, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		fprintf(stderr, "sbx: apps snapshot %s: a snapshot named %s exists\n", app, name);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_free_ char *tmp = xasprintf(".new-%s", name);
	remove_dir(snaps, tmp);
	struct copy c = { .root = geteuid() == 0, .where = "apps snapshot" };
	int r = copy_state(&c, appfd, snaps, tmp);
	if (r == 0 && renameat(snaps, tmp, snaps, name) < 0)
		r = -errno;
	if (r < 0) {
		remove_dir(snaps, tmp);
		if (!c.first)
			fprintf(stderr, "sbx: apps snapshot %s: %s\n", app, strerror(-r));
		return SBX_EXIT_FAILURE;
	}
	printf("%s: snapshot %s taken (%zu files; %s)\n", app, name, c.cloned + c.copied, how(&c));
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const struct identity *id, const char *app)
{
	_cleanup_close_ int snaps = open_app(id, app, "snapshots", false);
	if (snaps < 0)
		return SBX_EXIT_FAILURE;
	int dup_fd = openat(snaps, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return SBX_EXIT_FAILURE;
	}
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (app_name_valid(e->d_name))
			*ARRAY_PUSH(names, n) = xstrdup(e->d_name);
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		_cleanup_close_ int fd = openat(snaps, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0) {
			char when[32];
			struct tm tm;
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&st.st_mtim.tv_sec, &tm));
			printf("%-24s %s  %llu bytes\n", names[i], when, appstate_usage(fd));
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* The snapshot is copied next to the live state first; then each part of the live state is moved
 * aside and the copy renamed into its place, and what was moved aside is deleted. */
static int rollback(const struct identity *id, const char *app, const char *name)
{
	if (!app_name_valid(name)) {
		fprintf(stderr, "sbx: apps rollback %s: '%s' is not a snapshot name\n", app, name);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_close_ int appfd = open_app(id, app, NULL, false);
	if (appfd < 0)
		return SBX_EXIT_FAILURE;
	_cleanup_free_ char *sub = xasprintf("snapshots/%s", name);
	struct sbx_error err = { 0 };
	_cleanup_close_ int snap = appstate_open(id, app, sub, false, false, &err);
	if (snap < 0) {
		if (err.code == ENOENT)
			fprintf(stderr, "sbx: apps rollback %s: no snapshot named %s (sbx apps snapshots %s)\n", app, name, app);
		else
			sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	remove_dir(appfd, ".rollback-new");
	remove_dir(appfd, ".rollback-old");
	struct copy c = { .root = geteuid() == 0, .where = "apps rollback" };
	int r = copy_state(&c, snap, appfd, ".rollback-new");
	if (r == 0 && mkdirat(appfd, ".rollback-old", 0700) < 0)
		r = -errno;
	_cleanup_close_ int newfd = openat(appfd, ".rollback-new", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int oldfd = openat(appfd, ".rollback-old", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r == 0 && (newfd < 0 || oldfd < 0))
		r = -errno;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(parts); i++) {
		if (renameat(appfd, parts[i], oldfd, parts[i]) < 0 && errno != ENOENT)
			r = -errno;
		else if (renameat(newfd, parts[i], appfd, parts[i]) < 0 && errno != ENOENT)
			r = -errno;
	}
	remove_dir(appfd, ".rollback-new");
	remove_dir(appfd, ".rollback-old");
	if (r < 0) {
		if (!c.first)
			fprintf(stderr, "sbx: apps rollback %s: %s\n", app, strerror(-r));
		return SBX_EXIT_FAILURE;
	}
	printf("%s: rolled back to snapshot %s (%zu files; %s)\n", app, name, c.cloned + c.copied, how(&c));
	return 0;
}

int snapshot_main(int argc, char **argv, const struct identity *id)
{
	if (strcmp(argv[0], "snapshot") == 0 && (argc == 2 || argc == 3) && app_name_valid(argv[1]))
		return take(id, argv[1], argc == 3 ? argv[2] : NULL);
	if (strcmp(argv[0], "snapshots") == 0 && argc == 2 && app_name_valid(argv[1]))
		return list(id, argv[1]);
	if (strcmp(argv[0], "rollback") == 0 && argc == 3 && app_name_valid(argv[1]))
		return rollback(id, argv[1], argv[2]);
	fputs("usage: sbx apps snapshot APP [NAME]\n"
	      "       sbx apps snapshots APP\n"
	      "       sbx apps rollback APP NAME\n", stderr);
	return SBX_EXIT_FAILURE;
}
