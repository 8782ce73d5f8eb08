#include "overlay_commit_parts.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Every host-side path below the overlaid directory, and every upper-layer path below the upper
 * directory, is resolved with these: no "..", no symlink (not even in the middle of the path), no
 * /proc magic link, no other mount. */
#define RESOLVE_TREE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

int commit_tree_open(int root, const char *rel, int flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = RESOLVE_TREE };
	long fd = syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int commit_tree_parent(int root, const char *rel, const char **name)
{
	const char *slash = strrchr(rel, '/');
	*name = slash ? slash + 1 : rel;
	if (!slash)
		return commit_tree_open(root, ".", O_PATH | O_DIRECTORY);
	_cleanup_free_ char *dir = xstrndup(rel, (size_t)(slash - rel));
	return commit_tree_open(root, dir, O_PATH | O_DIRECTORY);
}

char *commit_join(const char *rel, const char *name)
{
	return *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
}

int commit_compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **commit_list_dir(int fd, size_t *count)
{
	char **names = NULL;
	*count = 0;
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d && dup_fd >= 0)
		close(dup_fd);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			*ARRAY_PUSH(names, *count) = xstrdup(e->d_name);
	if (d)
		closedir(d);
	if (*count)
		qsort(names, *count, sizeof(*names), commit_compare_names);
	*ARRAY_PUSH(names, *count) = NULL;
	(*count)--;
	return names;
}

void commit_free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

bool commit_same_dev(const struct statx *sx, dev_t dev)
{
	return makedev(sx->stx_dev_major, sx->stx_dev_minor) == dev;
}

mode_t commit_host_mode(mode_t mode, bool dir)
{
	return mode & (dir ? 07777 : 01777);
}
