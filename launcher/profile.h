/* Profiles: lookup by app name, the profile language (sbx-profile(5)), includes, .local overrides,
 * and `sbx profile check|show`. Text in, struct policy out; the only syscalls are file reads. */
#ifndef SBX_PROFILE_H
#define SBX_PROFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "policy.h"

struct profile_env {
	const char *home;         /* the user's home (host path; same path inside the sandbox) */
	const char *config_home;  /* $XDG_CONFIG_HOME or ~/.config */
	const char *runtime_dir;  /* /run/user/UID */
	uid_t uid;
	gid_t gid;                /* ids inside the sandbox */
	const char *cwd;          /* the working directory for ${CWD}; NULL: getcwd() */
	char *const *args;        /* the command's arguments (after COMMAND), for grant-args */
	size_t n_args;
	/* --launched-from (launched.h): the files a desktop launcher handed over, granted for this run
	 * (read-only, or as the profile's grant-args says) instead of args; handed_by names the file. */
	char *const *handed;
	size_t n_handed;
	const char *handed_by;
};

/* Loads into p the profile for `command` (the command as resolved through PATH on the host, e.g.
 * "/usr/bin/curl", or the bare name when not found) — or, when `requested` is non-NULL, that
 * profile NAME or PATH (contains a '/') — then its .local overrides (admin dir, then user dir).
 * Sets p->profile_name and p->profile_path. Without a profile for the app, loads "default" and
 * prints one line on stderr saying so unless p->quiet. Returns 0 or -errno with err naming
 * file:line:column. */
int profile_load(struct policy *p, const char *command, const char *requested,
		 const struct profile_env *env, struct sbx_error *err);

/* The command as PATH resolves it on the host (the sandbox keeps PATH and sees the same /usr): a
 * heap string, the name itself when it contains a '/' or is not found. */
char *profile_resolve_command(const char *name);

/* Implements `sbx profile check [--json] FILE...` and `sbx profile show [--json] APP`; argv[0] is
 * "profile". Returns an exit code: 0, 1 when a file has errors, 2 on a usage error. */
int profile_main(int argc, char **argv, const struct profile_env *env);

/* A word as a profile line must spell it to read back exactly `word`: as is, or in double quotes
 * with \" \\ \$ escaped when it has blanks, '#', quotes, '\', '$' or starts with '~'. NULL when
 * no line can hold it (a control character other than a tab, such as a newline). Heap string. */
char *profile_quote_word(const char *word);

/* Which profile COMMAND gets, as `sbx profile which` decides: 1 with its name (heap) and the
 * directory it came from in *tier (0 user, 1 admin, 2 distro), 0 when the default applies, -errno
 * when the lookup fails. */
int profile_find(const struct profile_env *env, const char *command, char **name, int *tier);
/* DIR/.names-index: the names index of the profile directory DIR, which answers which
 * of its profiles claims a name (`names`) while nothing in DIR changed since it was written. */
char *names_index_path(const char *dir);
/* Writes DIR's names index (*n_files: the profiles it covers); 0 or -errno. */
int names_index_write(const char *dir, size_t *n_files, struct sbx_error *err);

/* The profile directories in search order (user, admin, distro), heap strings, for the mount
 * module to protect from writes inside the sandbox. SBX_PROFILES_DIR replaces the distro dir. */
void profile_search_dirs(const struct profile_env *env, char *out[3]);
/* False when sbx runs as root and DIR (SBX_PROFILES_DIR) could be changed by someone else than
 * root: profile_search_dirs then ignores it. */
bool profiles_dir_trusted(const char *dir);

/* ---- The directive table, shared with the command line (cli.h). ---- */

/* How `--OPTION VALUE` becomes the words of the profile line `NAME ...`. */
enum option_form {
	OPTION_NONE,   /* profile only: no command-line spelling */
	OPTION_FLAG,   /* no value: the line is the name alone */
	OPTION_WORD,   /* VALUE is one word */
	OPTION_WORDS,  /* VALUE is the line's words, separated by blanks */
	OPTION_PATH,   /* VALUE is a path; a relative one is the caller's, made absolute */
	OPTION_BIND,   /* SRC[:DST], "\\:" a colon in a path; a relative SRC is made absolute */
};

struct directive_spelling {
	const char *name;      /* in profiles */
	const char *option;    /* on the command line, or NULL (OPTION_NONE) */
	enum option_form form;
	const char *value;     /* what VALUE looks like, for --help; NULL for a flag */
	const char *help;      /* one line for --help */
	const char *usage;     /* the profile line's usage */
};

/* The i-th directive of the table; false past its end. */
bool profile_directive(size_t i, struct directive_spelling *out);

/* A command-line option turned into a profile line: words[0] is the directive's name. */
struct option_line {
	char *label;  /* the option as typed, for messages: "--hostname 'a b'" */
	char **words;
	size_t n_words;
};

/* Applies option lines after the profile, as lines of kind PROFILE_KIND_COMMAND_LINE with origin
 * "command line": the same checks as in a profile, errors named by the option. */
int profile_apply_options(struct policy *p, const struct profile_env *env, const struct option_line *lines,
			  size_t n, bool quiet, struct sbx_error *err);

/* ---- Internals shared with the unit tests and fuzzers. ---- */

/* Limits of the language; longer input is an error, never truncated. */
#define PROFILE_MAX_LINE 4096          /* bytes per line, without the newline */
#define PROFILE_MAX_FILE (1024 * 1024) /* bytes per file */
#define PROFILE_MAX_DEPTH 8            /* nested includes */
#define PROFILE_MAX_FILES 64           /* files read for one profile, includes and overrides */
#define PROFILE_MAX_ARGS 128           /* words per line */

enum profile_kind {
	PROFILE_KIND_PROFILE,  /* NAME.profile: may relax protections and use `override` */
	PROFILE_KIND_LOCAL,    /* NAME.local: the same rights as a profile */
	PROFILE_KIND_INCLUDE,  /* NAME.inc: may grant, never relax or override */
	PROFILE_KIND_COMMAND_LINE,  /* an option: the caller's own choice, may loosen the profile */
};

/* The kind a file name implies: *.inc, *.local, anything else a profile. */
enum profile_kind profile_kind_of(const char *path);

/* Parses text (len bytes, named `filename` in messages) as a file of `kind` into p, resolving
 * includes in dirs (3 directories, entries may be NULL). With errors == NULL it stops at the first
 * error (returned in err); otherwise it prints every error, one line each, to errors and returns
 * -EINVAL if there was any. `quiet` silences notes on stderr. */
int profile_parse_text(struct policy *p, const char *text, size_t len, const char *filename,
		       enum profile_kind kind, const struct profile_env *env, char *const dirs[3],
		       bool quiet, FILE *errors, struct sbx_error *err);

#endif
