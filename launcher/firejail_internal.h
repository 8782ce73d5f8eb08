/* What the parts of the firejail importer share: the resolved lines of a profile's include chain
 * (firejail_resolve.c), which the translation (firejail_import.c) maps onto sbx lines. */
#ifndef SBX_FIREJAIL_INTERNAL_H
#define SBX_FIREJAIL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "firejail_import.h"

#define FJ_MAX_DEPTH 16         /* nested includes, as the study's resolver */
#define FJ_MAX_LINE 4096        /* firejail's own line limit is smaller */
#define FJ_MAX_FILE (1 << 20)
#define FJ_MAX_FILES 256
#define FJ_MAX_LINES 200000     /* effective lines (the largest real profile has about 3,900) */

struct fj_line {
	char *text;        /* whitespace collapsed, comment removed */
	const char *file;  /* owned by the resolver's file list */
	unsigned lineno;
};

struct resolver {
	const struct fj_source *src;
	struct fj_line *lines;
	size_t n_lines;
	char **ignores;
	size_t n_ignores;
	char **files;
	size_t n_files;
	/* state for conditionals */
	bool net_none, nodbus, nosound, x11;
	char *error;
};

/* Resolves PATH's include chain into r->lines (r->error says why it failed). */
void fj_resolve(struct resolver *r, const char *path);
void fj_resolver_free(struct resolver *r);
/* The argument of a directive line: what follows its first word, or "". */
const char *fj_arg_of(const char *line);

/* firejail_paths.c */
enum path_class { PC_HOME, PC_RUNUSER, PC_USR, PC_ETC, PC_TMP, PC_VAR, PC_RUN, PC_OPT, PC_PROC, PC_SYS,
		  PC_DEV, PC_MNT, PC_OTHER, PC_BAD };
/* firejail's path macros as sbx variables; NULL for what sbx cannot name (a glob, relative, ..). */
char *fj_normalise(const char *path);
enum path_class fj_classify(const char *raw);
/* Whether sbx's `noexec PATH` applies to this (normalised) path: a place every sandbox mounts. */
bool fj_noexec_visible(const char *path);

#endif
