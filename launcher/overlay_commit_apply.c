#include "overlay_commit_parts.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filecopy.h"

/* Host renames waiting for one syncfs: the data of many files is synced at once, and each file is
 * renamed into place only after its data is on disk. */
#define PENDING_MAX 8192

void commit_step(struct exec *x)
{
	if (++x->steps == x->kill_after)
		kill(getpid(), SIGKILL);
}

static void drop_dir(struct dir_cache *dc)
{
	if (dc->rel) {
		close(dc->fd);
		free(dc->rel);
		dc->rel = NULL;
	}
}

/* The upper directory holding rel (an O_PATH fd below the upper root, resolved as commit_tree_parent
 * does) and rel's last component in *name; kept from the last op when it was in the same directory.
 * The fd belongs to the cache: not closed by the caller. Only for the upper layer, which lives in the
 * caller's 0700 state directory and which no run changes while commit holds its lock; host paths
 * are resolved afresh for every op, so that a host directory moved or swapped for a symlink while
 * commit runs is never written through. */
static int cached_upper_parent(struct dir_cache *dc, int root, const char *rel, const char **name)
{
	const char *slash = strrchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;
	if (dc->rel && strlen(dc->rel) == len && strncmp(dc->rel, rel, len) == 0) {
		*name = slash ? slash + 1 : rel;
		return dc->fd;
	}
	drop_dir(dc);
	int fd = commit_tree_parent(root, rel, name);
	if (fd >= 0) {
		dc->rel = xstrndup(rel, len);
		dc->fd = fd;
	}
	return fd;
}

/* W: the upper entry at rel made again as a temporary file next to the host's, renamed into place at
 * the next flush. The upper file is read, never written, and never opened through a link. */
static int exec_write(struct exec *x, const char *rel, size_t index)
{
	const char *name, *uname;
	_cleanup_close_ int parent = commit_tree_parent(x->host, rel, &name);
	if (parent < 0)
		return parent;
	int uparent = cached_upper_parent(&x->upper_dir, x->upper, rel, &uname);
	if (uparent < 0)
		return uparent;
	struct stat st;
	if (fstatat(uparent, uname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ".sbx-commit.%s.%zu", x->tag, index);
	if (x->resumed && unlinkat(parent, tmp, 0) < 0 && errno != ENOENT)  /* left by the interrupted run */
		return -errno;
	const struct timespec times[2] = { st.st_atim, st.st_mtim };
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(uparent, uname, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlinkat(target, parent, tmp) < 0)
			return -errno;
		commit_step(x);
		if (x->root && fchownat(parent, tmp, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	} else if (S_ISFIFO(st.st_mode)) {
		if (mkfifoat(parent, tmp, 0600) < 0)
			return -errno;
		commit_step(x);
		if ((x->root && fchownat(parent, tmp, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0) ||
		    fchmodat(parent, tmp, commit_host_mode(st.st_mode, false), 0) < 0 ||
		    utimensat(parent, tmp, times, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		_cleanup_close_ int src = openat(uparent, uname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0)
			return -errno;
		_cleanup_close_ int dst = openat(parent, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (dst < 0)
			return -errno;
		commit_step(x);
		bool cloned;
		int r = file_copy_data(src, dst, &cloned);
		if (r < 0)
			return r;
		if ((x->root && fchown(dst, st.st_uid, st.st_gid) < 0) || fchmod(dst, commit_host_mode(st.st_mode, false)) < 0 ||
		    futimens(dst, times) < 0)
			return -errno;
		commit_step(x);
	} else {
		return -EINVAL;
	}
	struct pending *p = ARRAY_PUSH(x->pending, x->n_pending);
	p->rel = xstrdup(rel);
	p->tmp = xstrdup(tmp);
	return 0;
}

/* The temporary files written so far are synced (one syncfs), then renamed over the host's. */
static int flush(struct exec *x)
{
	int first = 0;
	if (x->n_pending && syncfs(x->host) < 0)
		return -errno;
	for (size_t i = 0; i < x->n_pending; i++) {
		struct pending *p = &x->pending[i];
		const char *name;
		_cleanup_close_ int parent = commit_tree_parent(x->host, p->rel, &name);
		int r = parent < 0 ? parent : renameat(parent, p->tmp, parent, name) < 0 ? -errno : 0;
		if (r == 0)
			commit_step(x);
		first = first ? first : r;
		free(p->rel);
		free(p->tmp);
	}
	free(x->pending);
	x->pending = NULL;
	x->n_pending = 0;
	return first;
}

/* Everything at parent/name, a directory emptied first; never leaves the host's filesystem. */
static int remove_tree(struct exec *x, int parent, const char *name)
{
	struct statx sx;
	if (statx(parent, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!commit_same_dev(&sx, x->host_dev))
		return -EXDEV;
	if (S_ISDIR(sx.stx_mode)) {
		_cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		size_t n;
		char **names = commit_list_dir(fd, &n);
		int r = 0;
		for (size_t i = 0; i < n && r == 0; i++)
			r = remove_tree(x, fd, names[i]);
		commit_free_names(names);
		if (r < 0)
			return r;
	}
	if (unlinkat(parent, name, S_ISDIR(sx.stx_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
		return -errno;
	commit_step(x);
	return 0;
}

/* T: a host directory gets the upper's mode, times and (root) owner. */
static int exec_dir_meta(struct exec *x, const char *rel)
{
	struct stat st;
	_cleanup_close_ int up = commit_tree_open(x->upper, rel, O_PATH | O_DIRECTORY);
	if (up < 0 || fstat(up, &st) < 0)
		return up < 0 ? up : -errno;
	_cleanup_close_ int fd = commit_tree_open(x->host, rel, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	const struct timespec times[2] = { st.st_atim, st.st_mtim };
	if ((x->root && fchownat(fd, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0) ||
	    chmod(self, commit_host_mode(st.st_mode, true)) < 0 || utimensat(AT_FDCWD, self, times, 0) < 0)
		return -errno;
	commit_step(x);
	return 0;
}

static int exec_op(struct exec *x, char kind, const char *rel, size_t index)
{
	const char *name;
	if (kind == 'W')
		return exec_write(x, rel, index);
	if (kind == 'T')
		return 0;  /* after the renames (exec_all) */
	if (kind == 'U') {
		int parent = cached_upper_parent(&x->upper_dir, x->upper, rel, &name);
		if (parent < 0)
			return parent == -ENOENT ? 0 : parent;
		if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
			return -errno;
		commit_step(x);
		return 0;
	}
	/* R removes an upper directory: the one kept open may be it. */
	if (kind == 'R')
		drop_dir(&x->upper_dir);
	_cleanup_close_ int parent = commit_tree_parent(kind == 'R' ? x->upper : x->host, rel, &name);
	if (parent < 0)
		return kind == 'R' && parent == -ENOENT ? 0 : parent;
	switch (kind) {
	case 'X':
		return remove_tree(x, parent, name);
	case 'D': {
		if (mkdirat(parent, name, 0700) == 0) {
			commit_step(x);
			return 0;
		}
		struct stat st;
		return errno == EEXIST && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)
			       ? 0 : -EEXIST;
	}
	case 'R':
		if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != ENOTEMPTY)
			return -errno;
		commit_step(x);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Runs the host side (upper == false) or the upper side of a journal. Host: X, D and W in order
 * (W's renames batched), then every T, then a syncfs. Returns 0 or the first error. */
static int exec_all(struct exec *x, const struct commit_journal *j, bool upper_side, const char *lower)
{
	int first = 0;
	for (size_t i = 0; i < j->n; i++) {
		char k = j->kinds[i];
		if ((k == 'U' || k == 'R') != upper_side)
			continue;
		int r = exec_op(x, k, j->paths[i], i);
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s: %s\n", lower, j->paths[i], strerror(-r));
			first = first ? first : r;
		}
		if (x->n_pending >= PENDING_MAX) {
			r = flush(x);
			first = first ? first : r;
		}
	}
	if (upper_side) {
		drop_dir(&x->upper_dir);
		return first;
	}
	int r = flush(x);
	drop_dir(&x->upper_dir);
	first = first ? first : r;
	for (size_t i = 0; i < j->n; i++) {
		if (j->kinds[i] != 'T')
			continue;
		r = exec_dir_meta(x, j->paths[i]);
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s: %s\n", lower, j->paths[i], strerror(-r));
			first = first ? first : r;
		}
	}
	if (syncfs(x->host) < 0)
		first = first ? first : -errno;
	return first;
}

int commit_finish(struct exec *x, int statefd, const struct commit_journal *j, const char *lower)
{
	if (!j->applied) {
		int r = exec_all(x, j, false, lower);
		if (r < 0)
			return r;
		_cleanup_close_ int fd = openat(statefd, OVERLAY_COMMIT_JOURNAL, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || write(fd, "applied\n", 8) != 8 || fsync(fd) < 0)
			return -errno;
		commit_step(x);
	}
	int r = exec_all(x, j, true, lower);
	if (r < 0)
		return r;
	if (unlinkat(statefd, OVERLAY_COMMIT_JOURNAL, 0) < 0 || fsync(statefd) < 0)
		return -errno;
	return 0;
}
