#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Copies src to dst from their current offsets to src's end: a reflink where the filesystem shares
 * blocks (*cloned set; cloned may be NULL), else copy_file_range, else read and write. 0 or -errno. */
int file_copy_data(int src, int dst, bool *cloned);

/* Replacing dirfd/name without ever following what a sandbox may have put there: file_replace_begin
 * makes a new file beside it (a random name starting ".NAME.sbx-", O_EXCL so never through a symlink)
 * and returns its fd, or -errno; *tmp receives the name. file_replace_commit syncs and closes fd and
 * renames tmp over name (replacing a symlink or file there, never following it); on failure, or
 * when error is non-zero (the caller's own failure to fill it), it closes fd and removes tmp.
 * Returns 0 or -errno; frees *tmp either way. */
int file_replace_begin(int dirfd, const char *name, mode_t mode, char **tmp);
int file_replace_commit(int dirfd, int fd, char **tmp, const char *name, int error);
