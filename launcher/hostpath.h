/* Host paths compared by what they are, not by how they are spelled: a symlink, a bind mount on
 * the host or a planted link inside a writable grant can give one directory many names, so every
 * security decision about "is this inside that" is made on (device, inode) of opened files. */
#ifndef SBX_HOSTPATH_H
#define SBX_HOSTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* The identity of an open file. 0 or -errno. */
int file_id_of(int fd, struct file_id *out);
static inline bool file_id_eq(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* True when the file open as fd is the directory `dir` or lies below it, found by walking ".."
 * from fd to the root (which crosses mount points as path lookup does). */
bool fd_is_below(int fd, const struct file_id *dir);

/* The path with every symlink resolved (realpath of the longest existing prefix, the missing rest
 * appended as written), so that two names of one directory compare equal as text. Never NULL. */
char *canonical_path(const char *path);

/* Opens a host path (O_PATH, following symlinks like open(2)), except that once the walk enters
 * one of the directories `anchors` with components left, the rest is resolved below it without
 * following any symlink and without leaving it: a sandbox may have planted links there. 0 and
 * *fd, or -errno; -ELOOP/-EXDEV mean a symlink inside anchor *hit was refused. */
int hostpath_open(const char *path, const struct file_id *anchors, size_t n_anchors, int *fd,
		  size_t *hit);

#endif
