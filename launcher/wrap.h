/* Plain commands through sbx: `sbx wrap APP` makes ~/.local/bin/APP (or /usr/local/bin/APP) a
 * symlink to sbx; sbx started under a name other than "sbx" runs the next APP in PATH that is not
 * a link to sbx, sandboxed with its profile. `sbx unwrap APP` removes only such links. */
#ifndef SBX_WRAP_H
#define SBX_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* The sbx binary that runs: what a wrap link points to. */
struct wrap_self {
	char *path;  /* absolute, from /proc/self/exe */
	dev_t dev;
	ino_t ino;
};

/* Of the running binary (/proc/self/exe), or of `path` (tests). 0 or -errno with err filled. */
int wrap_self_init(struct wrap_self *self, const char *path, struct sbx_error *err);
void wrap_self_free(struct wrap_self *self);

/* Whether path (symlinks followed) is sbx: the same file as self, or a file whose real path is
 * named "sbx" (another install of it). Such a file is never "the real program". */
bool wrap_is_sbx(const struct wrap_self *self, const char *path);

/* The program NAME (no '/') runs as: the first executable regular NAME in the ':'-separated
 * search list (NULL or empty: /usr/local/bin:/usr/bin:/bin; an empty entry is the working
 * directory, as for execvp) that is not sbx. Heap path, or NULL; *skipped counts the links to sbx
 * passed over. */
char *wrap_resolve(const struct wrap_self *self, const char *name, const char *search, size_t *skipped);

/* The name sbx was started under when that is not "sbx" (basename of argv0), else NULL. */
const char *wrap_invoked_name(const char *argv0);

/* For a wrapped start (`name` from wrap_invoked_name): argv for the normal path, "sbx -- REAL
 * ARG...", with REAL the resolved program; *new_argc set. NULL with err filled (and exit code
 * SBX_EXIT_NOT_FOUND fitting) when PATH has no real program of that name. The array is heap,
 * its strings borrowed from argv except REAL (argv[2], heap): wrap_argv_freep frees both. */
char **wrap_argv(const char *name, int argc, char **argv, int *new_argc, struct sbx_error *err);
static inline void wrap_argv_freep(char ***argvp)
{
	if (*argvp)
		free((*argvp)[2]);
	free(*argvp);
}

/* For `sbx [OPTIONS] NAME`: when the first NAME in PATH is a link to sbx, the real program's path
 * (heap), so that `sbx -- NAME` runs the program NAME and never sbx again; else NULL. */
char *wrap_unshadow(const char *name);

/* For `sbx profile which NAME`: when the first NAME in PATH is a link to sbx (sbx wrap), that
 * link's path (heap), with the program it runs in *real (heap; NULL when PATH has none); else
 * NULL and *real NULL. */
char *wrap_link_first(const char *name, char **real);

/* `sbx wrap ...` and `sbx unwrap ...`; argv[0] is "wrap" or "unwrap". Returns the exit code. */
int wrap_main(int argc, char **argv);

#endif
