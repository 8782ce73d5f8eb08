/* What the parts of the firejail importer share: the resolved lines of a profile's include chain
 * (firejail_resolve.c), which the translation (firejail_import.c and the files it hands directives
 * to) maps onto sbx lines. */
#ifndef SBX_FIREJAIL_INTERNAL_H
#define SBX_FIREJAIL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/* ---- translation: one profile's sbx lines and report, built line by line ---- */

struct translator {
	FILE *out, *rep;
	char *out_buf, *rep_buf;
	size_t out_len, rep_len;
	struct fj_result *res;
	/* home grants collected first, written once */
	struct grant {
		char *path;  /* sbx path, e.g. ${HOME}/.config/x; "" once nowhitelist removed it */
		bool rw, file;
		const char *why;
	} *grants;
	size_t n_grants;
	char **noblacklist;  /* normalised patterns, in order of appearance */
	size_t n_noblacklist;
	bool home_whitelist, private_home, private_cache, net_none, net_seen, protocol_inet, protocol_seen;
	bool no_display;  /* x11 none, or /tmp/.X11-unix blacklisted */
	unsigned masks, masks_exempt, hidden, proc_sys, ro_ungranted, usr_whitelist;
	bool *nobl_own;  /* per noblacklist: written in the app's own file, not a shared disable-/-common include */
	char *first_mask;
	char *lost_kinds;
	/* mask lines: blacklists of /usr, /etc, /opt (globs expanded on this host), and blacklists of
	 * the home checked against the grants at the end */
	char **mask_paths;
	size_t n_mask_paths;
	unsigned mask_globs, home_masks;
	char **home_black;
	size_t n_home_black;
};

/* firejail_import.c: how every directive's translation writes. */
/* Counts a restrictive directive sbx cannot keep, and names its kind once in the summary. */
void fj_lost(struct translator *t, const char *kind);
/* One report line: OUTCOME file:line: directive: what. */
void fj_report(struct translator *t, const char *outcome, const struct fj_line *l, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A path line for the sbx profile; false, and nothing written, for a path that would need quoting. */
bool fj_emit_path_line(struct translator *t, const char *directive, const char *path);

/* firejail_lists.c: seccomp / seccomp.drop, and private-bin / private-etc. */
void fj_seccomp_list(struct translator *t, const struct fj_line *l, const char *list, bool firejail_default);
void fj_private_list(struct translator *t, const struct fj_line *l, const char *arg, bool bin);

/* firejail_masks.c: blacklist and noblacklist (ARG as written, NORM fj_normalise()'s form or NULL),
 * and the mask lines once every grant is known. */
void fj_blacklist(struct translator *t, const struct fj_line *l, const char *arg, enum path_class pc, const char *norm);
void fj_noblacklist(struct translator *t, const struct fj_line *l, const char *arg, const char *norm);
void fj_write_masks(struct translator *t);

/* firejail_grants.c: the other path directives (whitelist, mkdir, read-only, ...), and the grant
 * lines once the whole profile is read. */
void fj_grant_directive(struct translator *t, const struct fj_line *l, const char *word, const char *arg,
			enum path_class pc, const char *norm);
void fj_write_grants(struct translator *t);

#endif
