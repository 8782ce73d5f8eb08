/* `sbx profile import-firejail`: converts a firejail profile (with its include chain) into an sbx
 * profile and a report of what was translated, approximated, left to sbx's defaults or dropped.
 * A one-time, offline converter (see README "Importing firejail profiles"): the output is meant to
 * be reviewed and kept, never shipped with sbx (firejail's profiles are GPL-2.0-or-later). */
#ifndef SBX_FIREJAIL_IMPORT_H
#define SBX_FIREJAIL_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Reads a file for the resolver: returns a heap copy of its bytes (and their count), or NULL with
 * errno set. The fuzz target and the unit tests read from memory; the command reads the disk. */
typedef char *(*fj_read_fn)(void *ctx, const char *path, size_t *len);

struct fj_source {
	const char *dir;  /* where `include NAME` looks (firejail's /etc/firejail) */
	fj_read_fn read;
	void *ctx;
};

enum fj_tier {
	FJ_FULL,     /* every restrictive directive translated, or sbx does it by default */
	FJ_PARTIAL,  /* at least one restrictive directive dropped or loosened (the report says which) */
	FJ_FAILED,   /* a parse error: the message names file:line */
};

struct fj_result {
	enum fj_tier tier;
	char *profile;      /* the sbx profile text (NULL when failed) */
	char *report;       /* one line per directive: what became of it, with file:line */
	char *error;        /* FJ_FAILED: "file:line: problem" */
	unsigned translated, approximated, defaults, dropped, lost;  /* lost: restrictive and dropped */
	unsigned files;     /* files read, the profile and its includes */
	char *lost_kinds;   /* the directives whose restriction was lost, space separated, each once */
};

/* Imports the firejail profile at `path`. Returns 0, or -1 when the import failed (result->error
 * says why). The result is filled either way; free it with fj_result_free. */
int fj_import(const char *path, const struct fj_source *src, struct fj_result *result);
void fj_result_free(struct fj_result *result);

/* Reads files from the disk: the fj_read_fn for real use. */
char *fj_read_disk(void *ctx, const char *path, size_t *len);

/* sbx profile import-firejail [--firejail-dir DIR] [-o OUT|--summary] [--report FILE] PROFILE... */
int firejail_import_main(int argc, char **argv);

#endif
