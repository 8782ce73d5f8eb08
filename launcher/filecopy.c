#include "filecopy.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "util.h"

int file_copy_data(int src, int dst, bool *cloned)
{
	off_t start = lseek(src, 0, SEEK_CUR), dst_start = lseek(dst, 0, SEEK_CUR);
	bool clone = start == 0 && dst_start == 0 && ioctl(dst, FICLONE, src) == 0;
	if (cloned)
		*cloned = clone;
	if (clone)
		return 0;
	for (;;) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
	}
	/* Across filesystems (or a kernel without it): bytes through a buffer, from where we began. */
	if (start < 0 || dst_start < 0 || lseek(src, start, SEEK_SET) < 0 || lseek(dst, dst_start, SEEK_SET) < 0 ||
	    ftruncate(dst, dst_start) < 0)
		return -errno;
	char buf[65536];
	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(dst, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -errno;
			off += w;
		}
	}
}

int file_replace_begin(int dirfd, const char *name, mode_t mode, char **tmp)
{
	*tmp = NULL;
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned long long rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			rnd ^= (unsigned long long)getpid() << 20 ^ (unsigned long long)attempt;
		/* At most NAME_MAX bytes, however long the file's own name. */
		char *t = xasprintf(".%.200s.sbx-%012llx", name, rnd & 0xffffffffffffULL);
		int fd = openat(dirfd, t, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0) {
			*tmp = t;
			return fd;
		}
		int e = errno;
		free(t);
		if (e != EEXIST)
			return -e;
	}
	return -EEXIST;
}

int file_replace_commit(int dirfd, int fd, char **tmp, const char *name, int error)
{
	int r = error;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, *tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, *tmp, 0);
	free(*tmp);
	*tmp = NULL;
	return r;
}
