/* Files handed over by a desktop launcher: `sbx --launched-from FILE -- COMMAND ARG...`, the Exec
 * of a managed desktop copy (desktop.h). sbx checks that FILE is a managed copy it may trust (a
 * regular file of the caller's or root's that no one else can write, carrying X-SBX-Managed),
 * finds the Exec line of FILE (main entry or a [Desktop Action]) whose template the command line
 * matches, and hands the profile the arguments that stand where the template has %f %F %u %U:
 * they are granted for this run (profile.c, read-only unless the profile says grant-args rw).
 * file:// URIs are granted as the path they name and passed on unchanged; other URIs are passed
 * on and not granted. */
#ifndef SBX_LAUNCHED_H
#define SBX_LAUNCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* One argument at a file field-code position. */
struct launched_arg {
	char *arg;   /* as passed to the app */
	char *path;  /* what is granted: the path, or the file URI decoded; NULL: not granted */
	const char *why;  /* path == NULL: why not (static text) */
};

struct launched {
	char *file;   /* the managed desktop file */
	char *group;  /* the group whose Exec matched: "Desktop Entry" or "Desktop Action NAME" */
	char *exec;   /* that Exec value, as written */
	struct launched_arg *args;
	size_t n_args;
	char **paths;  /* the granted paths alone (pointers into args), for profile_env */
	size_t n_paths;
};

/* Checks FILE and matches argv (COMMAND and its arguments, argc words) against its Exec lines.
 * caller: the uid that started sbx. 0, or -EINVAL/-errno with err set to one line. */
int launched_check(const char *file, uid_t caller, char *const *argv, size_t argc, struct launched *out,
		   struct sbx_error *err);
void launched_free(struct launched *l);

/* ---- Internals shared with the unit tests and fuzzers. ---- */

/* Matches args against an Exec template (the words after sbx's "--", field codes as written). On
 * a match returns true and sets at_field[i] (args' length) for each argument a file field code
 * produced, with the file's part of it in field_start[i]/field_len[i] (a code inside a word, as
 * in --file=%f, produces one argument of which only the middle is the file). */
bool launched_match(char *const *tmpl, size_t n_tmpl, char *const *args, size_t n_args, bool *at_field,
		    size_t *field_start, size_t *field_len);

/* The local path a file:// URI names (file:///p or file://localhost/p, percent-decoded): heap string,
 * or NULL with *why set when arg is another URI, a remote or malformed file URI, or not a URI at
 * all (then *why is NULL). */
char *launched_uri_path(const char *arg, const char **why);

#endif
