#include "overlay.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

int overlay_tree(int lower_fd, int statefd, bool tmp, const char *lower, int *tree, struct sbx_error *err)
{
	_cleanup_close_ int tmpfs = -1;
	if (tmp) {
		_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
		if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
		    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			return sbx_fail(err, errno, "overlay-tmp %s: cannot make its tmpfs", lower);
		tmpfs = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		if (tmpfs < 0)
			return sbx_fail(err, errno, "overlay-tmp %s: cannot mount its tmpfs", lower);
		if (mkdirat(tmpfs, "upper", 0755) < 0 || mkdirat(tmpfs, "work", 0700) < 0)
			return sbx_fail(err, errno, "overlay-tmp %s: cannot make its upper directory", lower);
		statefd = tmpfs;
	}
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
		return sbx_fail(err, e, "overlay %s: the kernel refuses the mount%s%s", lower, *why ? ": " : "", why);
	}
	int mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mfd < 0)
		return sbx_fail(err, errno, "overlay %s: cannot mount it", lower);
	*tree = mfd;
	return 0;
}

int overlay_main(int argc, char **argv, const struct identity *id)
{
	(void)argc;
	(void)argv;
	(void)id;
	fputs("usage: sbx overlay diff|commit|reset APP [PATH]\n", stderr);
	return SBX_EXIT_FAILURE;
}
