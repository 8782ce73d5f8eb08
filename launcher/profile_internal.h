/* What the profile files (profile*.c) share: the parser's state, a line and its words, the error
 * and note helpers, and the functions one part calls in another. Only profile*.c include it; the
 * interface to the rest of sbx is profile.h.
 *
 *   profile_lex.c       errors and notes, the parser's variables, the tokenizer
 *   profile.c           loosening, the directives' word checks, the line dispatch and the table
 *   profile_load.c      files, includes, .local files, the lookup, profile_load and friends
 *   profile_cmd.c       sbx profile check|show|which|dirs|directives|import-firejail
 *   profile_fs.c        directives of the file system: binds, tmpfs, grant-args, home, overlay, mask
 *   profile_security.c  allow, syscalls, landlock, apparmor, caps-keep, BPF-LSM and network rules
 *   profile_limits.c    rlimit, timeout, the cgroup limits, limits-optional
 *   profile_desktop.c   socket, device, D-Bus names
 *   profile_process.c   user, hostname, the environment */
#ifndef SBX_PROFILE_INTERNAL_H
#define SBX_PROFILE_INTERNAL_H

#include <stdio.h>
#include <sys/types.h>

#include "profile.h"
#include "userdirs.h"

#define PROFILE_MAX_WORD 4096  /* bytes in one word after expansion (PATH_MAX) */
#define PROFILE_MAX_NAME 128   /* profile and include names */
/* ---- parser state ------------------------------------------------------------------------- */

struct lint_error {
	char *file;
	unsigned line, column;
	char *message;
	char *text;  /* the offending text, or NULL */
	char *hint;  /* what to do about it, or NULL */
};

/* One applied line, for `sbx profile show`. */
struct shown_line {
	char *file;
	unsigned line;
	char *text;  /* the directive with its variables expanded */
	bool override;
	char *note;  /* e.g. why a -try grant was skipped; NULL */
};

struct frame {
	dev_t dev;
	ino_t ino;
	char *path;
	char *from;  /* "file:line" of the include line, or NULL */
};

/* cgroup settings that can be loosened, each with the line that set it. */
enum cg_key { CG_MEMORY_MAX, CG_MEMORY_HIGH, CG_MEMORY_SWAP_MAX, CG_PIDS_MAX, CG_CPU_MAX, CG_KEYS };

struct parser {
	struct policy *p;
	const struct profile_env *env;
	char *const *dirs;  /* 3 search directories, entries may be NULL */
	const char *app;

	/* Variables. */
	char *home, *config_home, *runtime_dir, *cache_home, *data_home, *state_home;
	char uid[24], gid[24];
	bool cwd_resolved;    /* resolve_cwd ran */
	char *cwd;            /* NULL: ${CWD} is undefined, cwd_why says why */
	char *cwd_why;
	bool git_top_resolved;
	char *git_top;        /* NULL: ${GIT_TOP} is undefined, git_top_why says why */
	char *git_top_why;
	bool git_top_refused; /* a repository was found but may not be granted */
	struct userdirs userdirs;
	bool userdirs_loaded;
	char *userdirs_error; /* reading user-dirs.dirs failed */
	bool lint;            /* undefined variables expand to placeholders (profile check) */

	/* Includes. */
	struct frame stack[PROFILE_MAX_DEPTH + 2];
	size_t depth;
	unsigned files;

	/* Lines that set something an include must not loosen. */
	char *net_origin;
	char *timeout_origin;
	char *cgroup_origin[CG_KEYS];

	/* grant-args with files handed over by a launcher (env->handed_by): the strongest mode asked. */
	bool handed_rw, handed_edit;
	char *handed_origin;  /* the grant-args line that asked for rw or edit */

	/* Output. */
	bool quiet;
	bool keep_going;  /* collect every error instead of stopping at the first */
	struct lint_error *errors;
	size_t n_errors;
	bool record;
	struct shown_line *shown;
	size_t n_shown;
	struct sbx_error *err;
};

struct token {
	char *text;              /* after expansion */
	unsigned col;            /* 1-based byte column of the word */
	const char *undefined;   /* name of an undefined variable the word uses, or NULL */
	const char *why;         /* why it is undefined */
};

struct line {
	const char *file;
	unsigned lineno;
	enum profile_kind kind;
	struct token *tok;
	size_t n;         /* words after the keyword */
	struct token *kw; /* the directive's keyword */
	bool override;
	char *origin;     /* "file:line" */
	char *note;       /* set by a directive for `profile show` */
	bool skipped;
	char *text;       /* the directive without comments, as messages quote it */
};
/* ---- errors and notes (profile_lex.c) ---------------------------------------------------- */

/* Records an error at file:line:column and returns -EINVAL. text may be NULL. */
int __attribute__((format(printf, 6, 7)))
fail_at(struct parser *ps, const char *file, unsigned lineno, unsigned col, const char *text,
	const char *fmt, ...);
/* Adds a hint to the error just recorded. */
void __attribute__((format(printf, 2, 3))) hint(struct parser *ps, const char *fmt, ...);
/* Says something about the line on stderr (unless quiet) and in `profile show`. */
void __attribute__((format(printf, 3, 4))) note(struct parser *ps, struct line *ln, const char *fmt, ...);

#define FAIL_TOK(ps, ln, t, ...) fail_at((ps), (ln)->file, (ln)->lineno, (t)->col, (t)->text, __VA_ARGS__)
#define FAIL_LINE(ps, ln, ...) fail_at((ps), (ln)->file, (ln)->lineno, (ln)->kw->col, (ln)->text, __VA_ARGS__)

/* ---- small helpers (profile_lex.c) ------------------------------------------------------- */

static inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
/* Profile and include names: what a file name in a search directory may be. */
bool valid_name(const char *s);
/* The first dir/name that is a regular file, or NULL. */
char *find_in_dirs(char *const dirs[3], const char *name);
/* The directories, for a message: "a, b, c". */
char *dirs_list(char *const dirs[3]);

/* ---- the parser and its variables (profile_lex.c) ---------------------------------------- */

void parser_init(struct parser *ps, struct policy *p, const struct profile_env *env, char *const dirs[3],
		 const char *app, struct sbx_error *err);
void parser_free(struct parser *ps);
/* Why `path` must not be granted implicitly (the rules of ${CWD}), or NULL. */
char *refusal(struct parser *ps, const char *what, const char *path);
/* The working directory, clean and absolute, or NULL. */
char *working_directory(struct parser *ps);

/* ---- words (profile_lex.c) --------------------------------------------------------------- */

/* Splits a line into words and expands their variables. */
int tokenize(struct parser *ps, const char *file, unsigned lineno, const char *line, struct token **out,
	     size_t *count);
void tokens_free(struct token *tok, size_t n);
/* The keyword and its words, quoted where needed: "net host", "setenv A \"b c\"". */
char *join_words(const struct token *tok, size_t n);

/* ---- loosening and the directives' words (profile.c) ------------------------------------- */

/* Called when the line loosens what `earlier` (file:line) set: 0 where that is allowed. */
int loosens(struct parser *ps, struct line *ln, const char *what, const char *earlier);
/* A relaxation of an always-on protection: only profiles and .local files may say it. */
int relaxation_allowed(struct parser *ps, struct line *ln, const struct token *t);
static inline struct token *arg(struct line *ln, size_t i) { return &ln->kw[1 + i]; }
/* A path argument: absolute, no '.'/'..', no glob, trailing '/' dropped. 1: it uses an undefined
 * variable (the caller decides). */
int path_arg(struct parser *ps, struct line *ln, struct token *t);
/* The error for a word that uses an undefined variable. */
int undefined_word(struct parser *ps, struct line *ln, struct token *t);
/* That error for the first such word of the line, or 0. */
int no_undefined(struct parser *ps, struct line *ln);

/* ---- lines and files (profile.c, profile_load.c) ----------------------------------------- */

/* Runs one line's words (tok[0] is the keyword or `override`) through its directive. */
int run_line(struct parser *ps, struct line *ln, struct token *tok, size_t n);
/* Tokenizes and runs one line of a file. */
int parse_line(struct parser *ps, const char *file, unsigned lineno, const char *text, enum profile_kind kind);
/* Parses a file; `from` is the include line that named it (NULL for a top-level file). */
int parse_file(struct parser *ps, const char *path, enum profile_kind kind, struct line *from);
/* Every error kept (keep_going), one a line, as `profile check` prints them. */
void print_errors(const struct parser *ps, FILE *out);

/* ---- the lookup (profile_load.c) --------------------------------------------------------- */

/* Where the profile comes from: name and path (NULL path: the built-in default), and why. */
struct choice {
	char *name;
	char *path;
	bool fallback;     /* the app has no profile; "default" stands in */
	char *matched;     /* the command name that found it */
	char *via;         /* the symlink that led to that name, or NULL (the typed name) */
	char *claimed_by;  /* the profile whose `names` lists it, or NULL (NAME.profile) */
};

/* The profile in dirs[i] whose `names` claims `name` (heap path), or NULL; a second claimant is
 * returned in *second. Only a directory's effective profiles count: a file shadowed by a profile
 * of the same name in an earlier directory (the user's copy) claims nothing. `skip` (a path) is
 * left out. With use_index, a fresh names index of the directory answers instead of its files
 * (profile_names.c). */
char *claimant(char *const dirs[3], int i, const char *name, const char *skip, char **second, bool use_index);

/* The profile for COMMAND, or REQUESTED (a name, or a path with a '/'); 0 or -errno. */
int choose_profile(char *const dirs[3], const char *command, const char *requested, struct choice *c,
		   struct sbx_error *err);
void choice_free(struct choice *c);
/* Parses the chosen profile and its .local files into ps's policy. */
int load_into(struct parser *ps, const struct choice *c);
void dirs_free(char *dirs[3]);
/* The files a desktop launcher handed over, granted as grant-args says (profile_fs.c). */
void grant_handed(struct parser *ps);

/* ---- the directives, each a line of the table in profile.c ------------------------------- */

/* profile_fs.c */
int d_bind(struct parser *ps, struct line *ln);
int d_bind_create(struct parser *ps, struct line *ln);
int d_bind_try(struct parser *ps, struct line *ln);
int d_ro_bind(struct parser *ps, struct line *ln);
int d_ro_bind_try(struct parser *ps, struct line *ln);
int d_dev_bind(struct parser *ps, struct line *ln);
int d_dev_bind_try(struct parser *ps, struct line *ln);
int d_tmpfs(struct parser *ps, struct line *ln);
int d_names(struct parser *ps, struct line *ln);
int d_grant_args(struct parser *ps, struct line *ln);
int d_ssh_agent(struct parser *ps, struct line *ln);
int d_home(struct parser *ps, struct line *ln);
int d_mask(struct parser *ps, struct line *ln);
int d_overlay(struct parser *ps, struct line *ln);
int d_overlay_tmp(struct parser *ps, struct line *ln);
int d_private_bin(struct parser *ps, struct line *ln);
int d_private_bin_try(struct parser *ps, struct line *ln);
int d_private_etc(struct parser *ps, struct line *ln);
int d_private_etc_try(struct parser *ps, struct line *ln);
int d_machine_id(struct parser *ps, struct line *ln);
int d_noexec(struct parser *ps, struct line *ln);
/* profile_security.c */
int d_memory_deny_write_execute(struct parser *ps, struct line *ln);
int d_net(struct parser *ps, struct line *ln);
int d_net_connect(struct parser *ps, struct line *ln);
int d_net_bind(struct parser *ps, struct line *ln);
int d_exec_allow(struct parser *ps, struct line *ln);
int d_exec_allow_try(struct parser *ps, struct line *ln);
int d_open_deny(struct parser *ps, struct line *ln);
int d_open_deny_try(struct parser *ps, struct line *ln);
int d_lsm_rules(struct parser *ps, struct line *ln);
int d_net_rules(struct parser *ps, struct line *ln);
int d_allow(struct parser *ps, struct line *ln);
int d_caps_keep(struct parser *ps, struct line *ln);
int d_apparmor(struct parser *ps, struct line *ln);
int d_landlock(struct parser *ps, struct line *ln);
int d_syscalls(struct parser *ps, struct line *ln);
/* profile_limits.c */
int d_limits_optional(struct parser *ps, struct line *ln);
int d_rlimit(struct parser *ps, struct line *ln);
int d_timeout(struct parser *ps, struct line *ln);
int d_cgroup(struct parser *ps, struct line *ln);
/* profile_desktop.c */
int d_socket(struct parser *ps, struct line *ln);
int d_device(struct parser *ps, struct line *ln);
int d_device_try(struct parser *ps, struct line *ln);
int d_dbus(struct parser *ps, struct line *ln);
/* profile_process.c */
int d_user(struct parser *ps, struct line *ln);
int d_hostname(struct parser *ps, struct line *ln);
int d_setenv(struct parser *ps, struct line *ln);
int d_unsetenv(struct parser *ps, struct line *ln);
int d_keepenv(struct parser *ps, struct line *ln);
int d_clearenv(struct parser *ps, struct line *ln);
/* profile_load.c */
int d_include(struct parser *ps, struct line *ln);
int d_include_try(struct parser *ps, struct line *ln);

#endif
