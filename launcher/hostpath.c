#include "hostpath.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAX_SYMLINKS 40  /* as the kernel's path walk */

int file_id_of(int fd, struct file_id *out)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	*out = (struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
	return 0;
}

/* The directory holding the non-directory open as fd: its name from /proc/self/fd, confirmed by
 * finding the same file under that name in the directory opened. -1 when it cannot be told. */
static int parent_of_file(int fd, const struct file_id *id)
{
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/')
		return -1;
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	*slash = '\0';
	int dir = open(slash == path ? "/" : path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (dir >= 0 && (fstatat(dir, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != id->dev ||
			 st.st_ino != id->ino)) {
		close(dir);
		return -1;
	}
	return dir;
}

bool fd_is_below(int fd, const struct file_id *dir)
{
	struct file_id id;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	id = (struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
	if (file_id_eq(&id, dir))
		return true;
	_cleanup_close_ int cur = S_ISDIR(st.st_mode) ? (int)fcntl(fd, F_DUPFD_CLOEXEC, 3) : parent_of_file(fd, &id);
	if (cur < 0)
		return false;
	for (unsigned depth = 0; depth < PATH_MAX / 2; depth++) {
		if (file_id_of(cur, &id) < 0)
			return false;
		if (file_id_eq(&id, dir))
			return true;
		int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			return false;
		struct file_id up_id = { 0 };
		bool top = file_id_of(up, &up_id) < 0 || file_id_eq(&up_id, &id);
		close(cur);
		cur = up;
		if (top)
			return false;
	}
	return false;
}

/* realpath(path) in two syscalls: the kernel's name of the file opened (glibc's realpath calls
 * readlink once per component, ~170 calls for desktop.inc's optional grants, 0.3 ms per start).
 * realpath itself where /proc is not there or the file went away meanwhile. */
static char *resolved_path(const char *path)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char link[32], buf[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof(buf));
	if (n <= 0 || (size_t)n >= sizeof(buf) || buf[0] != '/')
		return realpath(path, NULL);
	buf[n] = '\0';
	if (ends_with(buf, " (deleted)"))
		return realpath(path, NULL);
	return xstrdup(buf);
}

char *canonical_path(const char *path)
{
	char *real = resolved_path(path);
	if (real)
		return real;
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return xstrdup(path);
	_cleanup_free_ char *parent = xstrndup(path, (size_t)(slash - path));
	_cleanup_free_ char *head = canonical_path(parent);
	return xasprintf("%s%s", strcmp(head, "/") ? head : "", slash);
}

static int open_beneath_nofollow(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

int hostpath_open(const char *path, const struct file_id *anchors, size_t n_anchors, int *fd,
		  size_t *hit)
{
	if (path[0] != '/')
		return -EINVAL;
	_cleanup_close_ int cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -errno;
	_cleanup_free_ char *rest = xstrdup(path);
	unsigned links = 0;
	struct file_id here = { 0 };  /* cur's; known from the fstat that followed its open */
	if (file_id_of(cur, &here) < 0)
		return -errno;
	for (;;) {
		const char *p = rest;
		while (*p == '/')
			p++;
		if (!*p) {
			*fd = TAKE_FD(cur);
			return 0;
		}
		for (size_t i = 0; i < n_anchors; i++) {
			if (!file_id_eq(&here, &anchors[i]))
				continue;
			*hit = i;
			int r = open_beneath_nofollow(cur, p);
			if (r < 0)
				return r;
			*fd = r;
			return 0;
		}
		size_t len = strcspn(p, "/");
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		char name[NAME_MAX + 1];
		memcpy(name, p, len);
		name[len] = '\0';
		const char *after = p + len;
		int next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -errno;
		struct stat st;
		if (fstat(next, &st) < 0) {
			int e = errno;
			close(next);
			return -e;
		}
		if (!S_ISLNK(st.st_mode)) {
			close(cur);
			cur = next;
			here = (struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
			char *shorter = xstrdup(after);
			free(rest);
			rest = shorter;
			continue;
		}
		char target[PATH_MAX];
		ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);
		close(next);
		if (n < 0)
			return -errno;
		if (n == 0 || ++links > MAX_SYMLINKS)
			return n == 0 ? -ENOENT : -ELOOP;
		target[n] = '\0';
		if (target[0] == '/') {
			close(cur);
			cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (cur < 0 || file_id_of(cur, &here) < 0)
				return -errno;
		}
		char *longer = xasprintf("%s%s", target, after);
		free(rest);
		rest = longer;
	}
}
