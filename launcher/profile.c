/* Profiles: the language of sbx-profile(5) and its lookup.
 *
 * A profile is a list of lines, one directive each, applied in order to a struct policy that
 * starts strict (policy_init). Design rules, each one a lesson from firejail:
 *   - Everything is a grant on top of a strict default; there is nothing to blacklist, so there
 *     is no first-wins `ignore`/`noblacklist` ordering puzzle. Later lines win.
 *   - An include (*.inc) may grant, but never loosen what an earlier line set (net none -> host,
 *     a larger limit, rw over ro, allow over deny) and never relax an always-on protection
 *     (`allow`, `landlock optional`, `limits-optional`). A profile or a .local file loosens only
 *     with an explicit `override` prefix, and sbx prints a note when it does.
 *   - Everything unknown or not built yet is an error with file:line:column; nothing is ignored.
 *   - Bounded everything: line length, file size, words per line, include depth, files read.
 *     No global state: all of it lives in struct parser. */
#include "profile.h"
#include "wrap.h"
#include "firejail_import.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf.h"
#include "cli.h"
#include "hostpath.h"
#include "rlimits.h"
#include "seccomp.h"
#include "syscall_groups.h"
#include "userdirs.h"
#include "workdir.h"
#include "x11.h"
#include "sockets.h"
#include "devices.h"
#include "dbus_proxy.h"

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

/* ---- errors and notes --------------------------------------------------------------------- */

/* Copies text for a message: control bytes escaped, cut at 80 bytes. */
static char *printable(const char *text)
{
	size_t len = strlen(text), cap = 4 * (len < 80 ? len : 80) + 4, o = 0;
	char *out = xmalloc(cap + 1);
	for (size_t i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, cap + 1 - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (len > 80)
		o += (size_t)snprintf(out + o, cap + 1 - o, "...");
	out[o] = '\0';
	return out;
}

/* Records an error at file:line:column and returns -EINVAL. text may be NULL. */
static int __attribute__((format(printf, 6, 7)))
fail_at(struct parser *ps, const char *file, unsigned lineno, unsigned col, const char *text,
	const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *message;
	if (vasprintf(&message, fmt, ap) < 0)
		abort();
	va_end(ap);
	/* An error inside an include names the line that included it. */
	if (ps->depth > 0 && ps->stack[ps->depth - 1].from && strcmp(file, ps->stack[ps->depth - 1].path) == 0) {
		char *longer = xasprintf("%s (included from %s)", message, ps->stack[ps->depth - 1].from);
		free(message);
		message = longer;
	}
	_cleanup_free_ char *shown = text ? printable(text) : NULL;
	_cleanup_free_ char *quoted = shown ? xasprintf("'%s'", shown) : NULL;
	if (lineno == 0 && shown && !strstr(file, quoted))  /* an option: "LABEL: message: 'word'" */
		sbx_fail(ps->err, 0, "%s: %s: %s", file, message, quoted);
	else if (lineno == 0)
		sbx_fail(ps->err, 0, "%s: %s", file, message);
	else if (shown)
		sbx_fail(ps->err, 0, "%s:%u:%u: %s: '%s'", file, lineno, col, message, shown);
	else
		sbx_fail(ps->err, 0, "%s:%u:%u: %s", file, lineno, col, message);
	if (ps->keep_going) {
		struct lint_error *e = ARRAY_PUSH(ps->errors, ps->n_errors);
		e->file = xstrdup(file);
		e->line = lineno;
		e->column = col;
		e->message = message;
		e->text = shown ? xstrdup(shown) : NULL;
	} else {
		free(message);
		ps->n_errors++;
	}
	return -EINVAL;
}

/* Adds a hint to the error just recorded. */
static void __attribute__((format(printf, 2, 3))) hint(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err->hint, sizeof(ps->err->hint), fmt, ap);
	va_end(ap);
	if (ps->keep_going && ps->n_errors) {
		free(ps->errors[ps->n_errors - 1].hint);
		ps->errors[ps->n_errors - 1].hint = xstrdup(ps->err->hint);
	}
}

#define FAIL_TOK(ps, ln, t, ...) fail_at((ps), (ln)->file, (ln)->lineno, (t)->col, (t)->text, __VA_ARGS__)
#define FAIL_LINE(ps, ln, ...) fail_at((ps), (ln)->file, (ln)->lineno, (ln)->kw->col, (ln)->text, __VA_ARGS__)

static void __attribute__((format(printf, 3, 4))) note(struct parser *ps, struct line *ln, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text;
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (!ps->quiet)
		sbx_note("%s: %s", ln->origin, text);
	free(ln->note);
	ln->note = text;
}

/* ---- small helpers ------------------------------------------------------------------------ */

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Profile and include names: what a file name in a search directory may be. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > PROFILE_MAX_NAME || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.' || c == '+' || c == '@'))
			return false;
	}
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum profile_kind profile_kind_of(const char *path)
{
	if (ends_with(path, ".inc"))
		return PROFILE_KIND_INCLUDE;
	if (ends_with(path, ".local"))
		return PROFILE_KIND_LOCAL;
	return PROFILE_KIND_PROFILE;
}

/* The first dir/name that is a regular file, or NULL. */
static char *find_in_dirs(char *const dirs[3], const char *name)
{
	for (int i = 0; i < 3; i++) {
		if (!dirs[i])
			continue;
		char *path = xasprintf("%s/%s", dirs[i], name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return path;
		free(path);
	}
	return NULL;
}

static char *dirs_list(char *const dirs[3])
{
	char *out = xstrdup("");
	for (int i = 0; i < 3; i++) {
		if (!dirs[i])
			continue;
		char *next = xasprintf("%s%s%s", out, *out ? ", " : "", dirs[i]);
		free(out);
		out = next;
	}
	return out;
}

/* ---- variables ---------------------------------------------------------------------------- */

static char *strip_slashes(char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	return path;
}

static char *xdg_dir(const char *var, const char *home, const char *fallback)
{
	const char *v = getuid() == 0 ? NULL : getenv(var);  /* see pick_home in userns.c */
	/* The XDG spec: relative values are invalid and ignored. */
	if (v && v[0] == '/' && path_is_clean_absolute(v))
		return strip_slashes(xstrdup(v));
	return xasprintf("%s/%s", strcmp(home, "/") == 0 ? "" : home, fallback);
}

static void parser_init(struct parser *ps, struct policy *p, const struct profile_env *env,
			char *const dirs[3], const char *app, struct sbx_error *err)
{
	memset(ps, 0, sizeof(*ps));
	ps->p = p;
	ps->env = env;
	ps->dirs = dirs;
	ps->app = app ? app : "default";
	ps->err = err;
	ps->home = strip_slashes(xstrdup(env->home && env->home[0] == '/' ? env->home : "/"));
	ps->config_home = strip_slashes(env->config_home && env->config_home[0] == '/'
						? xstrdup(env->config_home)
						: xasprintf("%s/.config", strcmp(ps->home, "/") == 0 ? "" : ps->home));
	ps->runtime_dir = strip_slashes(env->runtime_dir && env->runtime_dir[0] == '/'
						? xstrdup(env->runtime_dir)
						: xasprintf("/run/user/%u", (unsigned)env->uid));
	ps->cache_home = xdg_dir("XDG_CACHE_HOME", ps->home, ".cache");
	ps->data_home = xdg_dir("XDG_DATA_HOME", ps->home, ".local/share");
	ps->state_home = xdg_dir("XDG_STATE_HOME", ps->home, ".local/state");
	snprintf(ps->uid, sizeof(ps->uid), "%u", (unsigned)env->uid);
	snprintf(ps->gid, sizeof(ps->gid), "%u", (unsigned)env->gid);

}

/* ${CWD} is an implicit grant that changes with every launch: it must never silently become the
 * home, /, a shared directory or a socket directory (workdir.h). Decided on first use. */
/* The places no implicit grant may reach, for path_refusal (workdir.h). */
struct secrets {
	char *ssh, *gnupg, *config;
	const char *list[7];
};

static void secrets_init(struct parser *ps, struct secrets *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->ssh = xasprintf("%s/.ssh", ps->home);
	sc->gnupg = xasprintf("%s/.gnupg", ps->home);
	sc->config = xasprintf("%s/sbx", ps->config_home);
	sc->list[0] = sc->ssh;
	sc->list[1] = sc->gnupg;
	sc->list[2] = sc->config;
	for (size_t i = 0, n = 3; ps->dirs && i < 3; i++)
		if (ps->dirs[i])
			sc->list[n++] = ps->dirs[i];
}

static void secrets_free(struct secrets *sc)
{
	free(sc->ssh);
	free(sc->gnupg);
	free(sc->config);
}

/* Why `path` must not be granted implicitly (the rules of ${CWD}), or NULL. */
static char *refusal(struct parser *ps, const char *what, const char *path)
{
	struct secrets sc;
	secrets_init(ps, &sc);
	char *why = path_refusal(what, path, ps->home, ps->runtime_dir, sc.list);
	secrets_free(&sc);
	return why;
}

static char *working_directory(struct parser *ps)
{
	char *cwd = ps->env->cwd ? xstrdup(ps->env->cwd) : getcwd(NULL, 0);
	if (cwd && path_is_clean_absolute(cwd))
		return cwd;
	free(cwd);
	return NULL;
}

static void resolve_cwd(struct parser *ps)
{
	ps->cwd_resolved = true;
	char *cwd = working_directory(ps);
	if (!cwd) {
		ps->cwd_why = xstrdup("the working directory is unknown");
		return;
	}
	ps->cwd_why = refusal(ps, "the working directory", cwd);
	if (ps->cwd_why)
		free(cwd);
	else
		ps->cwd = strip_slashes(cwd);
}

/* ${GIT_TOP}: git run from a subdirectory needs the whole work tree. Found as git finds it:
 * walking up from the working directory to the first directory holding .git (a directory, or a
 * file in a linked work tree), not across a mount point. The same refusals as ${CWD}. */
static void resolve_git_top(struct parser *ps)
{
	ps->git_top_resolved = true;
	_cleanup_free_ char *cwd = working_directory(ps);
	if (!cwd) {
		ps->git_top_why = xstrdup("the working directory is unknown");
		return;
	}
	char *dir = canonical_path(cwd);
	struct stat st;
	dev_t dev = stat(dir, &st) == 0 ? st.st_dev : 0;
	for (unsigned depth = 0; depth < PATH_MAX / 2; depth++) {
		_cleanup_free_ char *dotgit = xasprintf("%s/.git", strcmp(dir, "/") ? dir : "");
		if (lstat(dotgit, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
			ps->git_top_why = refusal(ps, "the repository's top level", dir);
			ps->git_top_refused = ps->git_top_why != NULL;
			if (ps->git_top_why)
				free(dir);
			else
				ps->git_top = dir;
			return;
		}
		char *slash = strrchr(dir, '/');
		if (strcmp(dir, "/") == 0 || !slash)
			break;
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (stat(dir, &st) < 0 || st.st_dev != dev)
			break;
	}
	ps->git_top_why = xasprintf("the working directory %s is not in a git repository (no .git above it on "
				    "its file system)", cwd);
	free(dir);
}

static void parser_free(struct parser *ps)
{
	free(ps->home);
	free(ps->config_home);
	free(ps->runtime_dir);
	free(ps->cache_home);
	free(ps->data_home);
	free(ps->state_home);
	free(ps->cwd);
	free(ps->cwd_why);
	free(ps->git_top);
	free(ps->git_top_why);
	userdirs_free(&ps->userdirs);
	free(ps->userdirs_error);
	for (size_t i = 0; i < ps->depth; i++) {
		free(ps->stack[i].path);
		free(ps->stack[i].from);
	}
	free(ps->net_origin);
	free(ps->timeout_origin);
	free(ps->handed_origin);
	for (int i = 0; i < CG_KEYS; i++)
		free(ps->cgroup_origin[i]);
	for (size_t i = 0; i < ps->n_errors && ps->errors; i++) {
		free(ps->errors[i].file);
		free(ps->errors[i].message);
		free(ps->errors[i].text);
		free(ps->errors[i].hint);
	}
	free(ps->errors);
	for (size_t i = 0; i < ps->n_shown; i++) {
		free(ps->shown[i].file);
		free(ps->shown[i].text);
		free(ps->shown[i].note);
	}
	free(ps->shown);
	memset(ps, 0, sizeof(*ps));
}

static const char *const variable_names[] = {
	"HOME", "UID", "GID", "APP", "CWD", "GIT_TOP", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME",
	"XDG_DATA_HOME", "XDG_STATE_HOME", "DESKTOP", "DOCUMENTS", "DOWNLOADS", "MUSIC", "PICTURES",
	"PUBLICSHARE", "TEMPLATES", "VIDEOS",
};

enum var_result { VAR_UNKNOWN, VAR_DEFINED, VAR_UNDEFINED, VAR_FAILED };

/* Looks a variable up: its value, or why it has none. */
static enum var_result variable(struct parser *ps, const char *name, const char **value, const char **why)
{
	const struct {
		const char *name;
		const char *value;
	} fixed[] = {
		{ "HOME", ps->home }, { "UID", ps->uid }, { "GID", ps->gid }, { "APP", ps->app },
		{ "XDG_CONFIG_HOME", ps->config_home }, { "XDG_RUNTIME_DIR", ps->runtime_dir },
		{ "XDG_CACHE_HOME", ps->cache_home }, { "XDG_DATA_HOME", ps->data_home },
		{ "XDG_STATE_HOME", ps->state_home },
	};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (strcmp(name, fixed[i].name) == 0) {
			*value = fixed[i].value;
			return VAR_DEFINED;
		}
	}
	if (strcmp(name, "CWD") == 0) {
		if (!ps->cwd_resolved)
			resolve_cwd(ps);
		*value = ps->cwd;
		*why = ps->cwd_why;
		return ps->cwd ? VAR_DEFINED : VAR_UNDEFINED;
	}
	if (strcmp(name, "GIT_TOP") == 0) {
		if (!ps->git_top_resolved)
			resolve_git_top(ps);
		*value = ps->git_top;
		*why = ps->git_top_why;
		return ps->git_top ? VAR_DEFINED : VAR_UNDEFINED;
	}
	for (int d = 0; d < USERDIR_COUNT; d++) {
		if (strcmp(name, userdir_variable((enum userdir)d)) != 0)
			continue;
		if (!ps->userdirs_loaded && !ps->userdirs_error) {
			struct sbx_error e = { 0 };
			if (userdirs_load(ps->config_home, ps->home, &ps->userdirs, &e) < 0)
				ps->userdirs_error = e.code ? xasprintf("%s: %s", e.msg, strerror(e.code))
							    : xstrdup(e.msg);
			else
				ps->userdirs_loaded = true;
		}
		if (ps->userdirs_error) {
			*why = ps->userdirs_error;
			return VAR_FAILED;
		}
		*value = ps->userdirs.path[d];
		*why = ps->userdirs.why[d];
		return *value ? VAR_DEFINED : VAR_UNDEFINED;
	}
	return VAR_UNKNOWN;
}

/* ---- words -------------------------------------------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
};

/* Appends n bytes; false when the word would exceed PROFILE_MAX_WORD. */
static bool buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > PROFILE_MAX_WORD)
		return false;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *grown = realloc(b->s, cap);
		if (!grown)
			abort();
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return true;
}

/* Expands ${NAME} at *pp (pointing at '$'), within the word that ends at `end` (exclusive). */
static int expand_variable(struct parser *ps, const char *file, unsigned lineno, const char *line,
			   const char **pp, const char *end, struct buf *b, struct token *t)
{
	const char *s = *pp;
	unsigned col = (unsigned)(s - line) + 1;
	if (s + 1 < end && s[1] == '$') {
		*pp = s + 2;
		return buf_add(b, "$", 1) ? 0 : fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes", PROFILE_MAX_WORD);
	}
	if (s + 1 >= end || s[1] != '{') {
		_cleanup_free_ char *text = xstrndup(s, (size_t)(end - s));
		return fail_at(ps, file, lineno, col, text, "'$' starts a variable: write ${NAME} (or $$ for a dollar sign)");
	}
	const char *close = memchr(s + 2, '}', (size_t)(end - s - 2));
	if (!close) {
		_cleanup_free_ char *text = xstrndup(s, (size_t)(end - s));
		return fail_at(ps, file, lineno, col, text, "unterminated variable (missing '}')");
	}
	_cleanup_free_ char *name = xstrndup(s + 2, (size_t)(close - s - 2));
	_cleanup_free_ char *text = xstrndup(s, (size_t)(close - s + 1));
	const char *value = NULL, *why = NULL;
	enum var_result r = variable(ps, name, &value, &why);
	if (r == VAR_UNKNOWN) {
		int ret = fail_at(ps, file, lineno, col, text, "unknown variable");
		hint(ps, "variables: ${HOME} ${UID} ${GID} ${APP} ${CWD} ${GIT_TOP} ${XDG_CONFIG_HOME} "
				  "${XDG_RUNTIME_DIR} ${XDG_CACHE_HOME} ${XDG_DATA_HOME} ${XDG_STATE_HOME} "
				  "${DESKTOP} ${DOCUMENTS} ${DOWNLOADS} ${MUSIC} ${PICTURES} ${PUBLICSHARE} "
				  "${TEMPLATES} ${VIDEOS}");
		return ret;
	}
	if (r == VAR_FAILED)
		return fail_at(ps, file, lineno, col, text, "cannot read %s", why);
	*pp = close + 1;
	if (r == VAR_UNDEFINED) {
		for (size_t i = 0; i < ARRAY_SIZE(variable_names); i++)
			if (strcmp(variable_names[i], name) == 0 && !t->undefined)
				t->undefined = variable_names[i];
		if (!t->why)
			t->why = why;
		if (ps->lint) {
			/* `profile check` validates the rest of the line with a stand-in path. */
			value = "/sbx-undefined";
		} else {
			value = text;
		}
	}
	bool ok = buf_add(b, value, strlen(value));
	return ok ? 0 : fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes after expansion", PROFILE_MAX_WORD);
}

/* Splits a line into words, the way a shell would without its surprises: blanks separate words,
 * "double quotes" keep blanks (escapes inside: \" \\ \$) and may be part of a word
 * (NAME="a b"), # at the start of a word begins a comment, ~ or ~/ at the start of a word is
 * ${HOME}, and ${NAME} expands everywhere except in the directive's keyword. */
static int tokenize(struct parser *ps, const char *file, unsigned lineno, const char *line,
		    struct token **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	const char *s = line;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (*s == '\0' || *s == '#')
			return 0;
		if (*count >= PROFILE_MAX_ARGS)
			return fail_at(ps, file, lineno, (unsigned)(s - line) + 1, NULL, "more than %d words on one line",
				       PROFILE_MAX_ARGS);
		struct token *t = ARRAY_PUSH(*out, *count);
		t->col = (unsigned)(s - line) + 1;
		struct buf b = { 0 };
		buf_add(&b, "", 0);
		/* The keyword (the first word, or the second after `override`) is taken literally. */
		bool keyword = *count == 1 || (*count == 2 && strcmp((*out)[0].text, "override") == 0);
		int r = 0;
		if (!keyword && *s == '~' && (s[1] == '/' || s[1] == '\0' || is_blank(s[1]))) {
			buf_add(&b, ps->home, strlen(ps->home));
			s++;
			if (strcmp(ps->home, "/") == 0 && *s == '/')
				s++;
		}
		bool quoted = false;
		const char *quote_start = NULL;
		while (r == 0 && *s && (quoted || !is_blank(*s))) {
			if (*s == '"') {
				quoted = !quoted;
				quote_start = s++;
			} else if (quoted && *s == '\\') {
				if (s[1] != '"' && s[1] != '\\' && s[1] != '$')
					r = fail_at(ps, file, lineno, (unsigned)(s - line) + 1, s,
						    "unknown escape inside quotes (only \\\" \\\\ \\$)");
				else if (!buf_add(&b, s + 1, 1))
					r = fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes", PROFILE_MAX_WORD);
				else
					s += 2;
			} else if (*s == '$' && !keyword) {
				const char *end = s;
				while (*end && *end != '"' && (quoted || !is_blank(*end)))
					end++;
				r = expand_variable(ps, file, lineno, line, &s, end, &b, t);
			} else if (!buf_add(&b, s, 1)) {
				r = fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes", PROFILE_MAX_WORD);
			} else {
				s++;
			}
		}
		if (r == 0 && quoted)
			r = fail_at(ps, file, lineno, (unsigned)(quote_start - line) + 1, quote_start, "unterminated quote");
		t->text = b.s;
		if (r < 0)
			return r;
	}
}

static void tokens_free(struct token *tok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tok[i].text);
	free(tok);
}

static char *quote_word(const char *w);

/* The keyword and its words, quoted where needed: "net host", "setenv A \"b c\"". */
static char *join_words(const struct token *tok, size_t n)
{
	size_t len = 1;
	char **words = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		words[i] = quote_word(tok[i].text);
		len += strlen(words[i]) + 1;
	}
	char *text = xmalloc(len), *o = text;
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);
		if (i)
			*o++ = ' ';
		memcpy(o, words[i], wl);
		o += wl;
		free(words[i]);
	}
	*o = '\0';
	free(words);
	return text;
}

/* ---- loosening ---------------------------------------------------------------------------- */

/* Called when the line loosens what `earlier` (file:line) set. Includes never may; profiles and
 * .local files may with `override`, and then sbx says so. */
static int loosens(struct parser *ps, struct line *ln, const char *what, const char *earlier)
{
	if (ln->kind == PROFILE_KIND_COMMAND_LINE)
		return 0;  /* the caller's own choice; --explain names the command line as its origin */
	if (ln->kind == PROFILE_KIND_INCLUDE) {
		int r = FAIL_LINE(ps, ln, "loosens %s set at %s; an include may add grants but never loosen what came before it",
				  what, earlier);
		hint(ps, "put the line, with 'override' in front, in the profile or a .local file");
		return r;
	}
	if (!ln->override) {
		int r = FAIL_LINE(ps, ln, "loosens %s set at %s", what, earlier);
		hint(ps, "write 'override %s' to loosen it on purpose", ln->text);
		return r;
	}
	note(ps, ln, "override loosens %s set at %s", what, earlier);
	return 0;
}

/* A relaxation of an always-on protection: only profiles and .local files may say it. */
static int relaxation_allowed(struct parser *ps, struct line *ln, const struct token *t)
{
	if (ln->kind != PROFILE_KIND_INCLUDE)
		return 0;
	int r = FAIL_TOK(ps, ln, t, "relaxes an always-on protection, which only a profile or a .local file may do, not an include");
	return r;
}

/* ---- directives --------------------------------------------------------------------------- */

static int parse_file(struct parser *ps, const char *path, enum profile_kind kind, struct line *from);

static struct token *arg(struct line *ln, size_t i) { return &ln->kw[1 + i]; }

/* A path argument: absolute, no '.'/'..', no glob, trailing '/' dropped. 1: it uses an undefined
 * variable (the caller decides). */
static int path_arg(struct parser *ps, struct line *ln, struct token *t)
{
	if (t->undefined && !ps->lint)
		return 1;
	size_t n = strlen(t->text);
	while (n > 1 && t->text[n - 1] == '/')
		t->text[--n] = '\0';
	if (strpbrk(t->text, "*?["))
		return FAIL_TOK(ps, ln, t, "globs are not supported yet; name the path");
	if (!path_is_clean_absolute(t->text))
		return FAIL_TOK(ps, ln, t, "expected an absolute path without '.' or '..' components");
	return 0;
}

static int undefined_word(struct parser *ps, struct line *ln, struct token *t)
{
	int r = FAIL_TOK(ps, ln, t, "${%s} is not defined: %s", t->undefined, t->why ? t->why : "no value");
	if (strcmp(t->undefined, "CWD") == 0)
		hint(ps, "cd into the directory the app should work on, or grant one with --bind; "
				  "a -try line would skip the grant instead");
	return r;
}

static int mount_rank(enum mount_kind k)
{
	switch (k) {
	case MOUNT_TMPFS: return 0;
	case MOUNT_RO_BIND: return 1;
	case MOUNT_BIND: return 2;
	case MOUNT_DEV_BIND: return 3;
	}
	return 3;
}

static int do_mount(struct parser *ps, struct line *ln, enum mount_kind kind, bool optional)
{
	struct token *src = kind == MOUNT_TMPFS ? NULL : arg(ln, 0);
	struct token *dst = kind == MOUNT_TMPFS ? arg(ln, 0) : ln->n > 1 ? arg(ln, 1) : src;
	/* The path words, each once: tmpfs has only DST, a bind SRC and maybe a DST of its own. */
	struct token *words[2] = { kind == MOUNT_TMPFS ? dst : src, dst };
	size_t n_words = kind != MOUNT_TMPFS && ln->n > 1 ? 2 : 1;
	for (size_t i = 0; i < n_words; i++) {
		int r = path_arg(ps, ln, words[i]);
		if (r < 0)
			return r;
		if (r == 1) {
			if (!optional)
				return undefined_word(ps, ln, words[i]);
			ln->skipped = true;
			/* Outside a repository there is nothing to say; a refused one is worth a line. */
			if (strcmp(words[i]->undefined, "GIT_TOP") == 0 && !ps->git_top_refused) {
				ln->note = xasprintf("skipped: ${GIT_TOP} is not defined: %s", words[i]->why);
				return 0;
			}
			note(ps, ln, "skipped: ${%s} is not defined: %s%s", words[i]->undefined,
			     words[i]->why ? words[i]->why : "no value",
			     strcmp(words[i]->undefined, "CWD") == 0 ? " (grant a directory with --bind DIR)" : "");
			ln->skipped = true;
			return 0;
		}
	}
	/* A writable grant of the home itself or of a directory above it throws away most of
	 * what the sandbox is for; it is never written by accident. */
	if ((kind == MOUNT_BIND || kind == MOUNT_DEV_BIND) && path_within(ps->home, src->text)) {
		if (ln->kind == PROFILE_KIND_INCLUDE || (!ln->override && ln->kind != PROFILE_KIND_COMMAND_LINE)) {
			int r = FAIL_TOK(ps, ln, src, "grants %s read-write",
					 strcmp(src->text, ps->home) == 0 ? "your whole home" : "a directory that contains your home");
			hint(ps, ln->kind == PROFILE_KIND_INCLUDE
						  ? "an include cannot do that; grant the directories the app needs"
						  : "grant the directories the app needs, or write 'override' in front to mean it");
			return r;
		}
		note(ps, ln, "%sgrants %s read-write", ln->override ? "override " : "", src->text);
	}
	const struct policy *p = ps->p;
	bool writable = kind == MOUNT_BIND || kind == MOUNT_DEV_BIND;
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct mount_entry *m = &p->mounts[i];
		/* Looser at the same place inside, or the same host files writable at another place:
		 * `bind ~/.ssh /mnt/ssh` after `ro-bind ~/.ssh` loosens as much as `bind ~/.ssh`. A
		 * writable grant of something inside a read-only one is a new, narrower grant. */
		bool same_place = mount_rank(kind) > mount_rank(m->kind) && path_within(m->dst, dst->text);
		bool same_files = writable && m->kind == MOUNT_RO_BIND && m->src && path_within(m->src, src->text);
		if (same_place || same_files) {
			_cleanup_free_ char *what = same_place ? xasprintf("'%s %s'", mount_kind_name(m->kind), m->dst)
							       : xasprintf("'%s %s' (the same host files)",
									   mount_kind_name(m->kind), m->src);
			int r = loosens(ps, ln, what, m->origin ? m->origin : "?");
			if (r < 0)
				return r;
			break;
		}
	}
	policy_add_mount(ps->p, kind, src ? src->text : NULL, dst->text, optional, ln->origin);
	return 0;
}

static int d_bind(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_BIND, false); }
/* bind-create FILE: bind-try that first creates the file, empty and private, when only the file is
 * missing (known_hosts before ssh first remembers a host: a bind needs an existing file). */
static int d_bind_create(struct parser *ps, struct line *ln)
{
	size_t before = ps->p->n_mounts;
	int r = do_mount(ps, ln, MOUNT_BIND, true);
	if (r == 0 && ps->p->n_mounts > before)
		ps->p->mounts[ps->p->n_mounts - 1].create = true;
	return r;
}
static int d_bind_try(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_BIND, true); }
static int d_ro_bind(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_RO_BIND, false); }
static int d_ro_bind_try(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_RO_BIND, true); }
static int d_dev_bind(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_DEV_BIND, false); }
static int d_dev_bind_try(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_DEV_BIND, true); }
static int d_tmpfs(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_TMPFS, false); }

/* ---- names: a profile's other names ------------------------------------------------------- */

/* A profile file's text for a `names` scan: the bounds and, as root, the ownership rules of
 * read_profile; NULL when it does not qualify. */
static char *read_for_scan(const char *path)
{
	bool root = getuid() == 0;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (root ? O_NOFOLLOW : 0));
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PROFILE_MAX_FILE)
		return NULL;
	if (root && (st.st_uid != 0 || (st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0)))
		return NULL;
	char *buf = xmalloc(PROFILE_MAX_FILE + 2);
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, PROFILE_MAX_FILE + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || used + (size_t)n > PROFILE_MAX_FILE) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return buf;
}

/* True when a `names` line of the text lists `name`. Names are plain words (valid_name), so a
 * split on blanks is exact; the parser rejects anything else when the profile is loaded. */
static bool text_claims(const char *text, const char *name)
{
	size_t len = strlen(name);
	for (const char *s = text; *s;) {
		const char *eol = strchr(s, '\n');
		const char *end = eol ? eol : s + strlen(s);
		while (s < end && is_blank(*s))
			s++;
		if (end - s > 5 && strncmp(s, "names", 5) == 0 && is_blank(s[5])) {
			for (s += 5; s < end && *s != '#';) {
				while (s < end && (is_blank(*s) || *s == '\r'))
					s++;
				const char *w = s;
				while (s < end && !is_blank(*s) && *s != '\r')
					s++;
				if (w < s && *w == '#')
					break;
				if ((size_t)(s - w) == len && strncmp(w, name, len) == 0)
					return true;
			}
		}
		s = eol ? eol + 1 : end;
	}
	return false;
}

/* The profile in dirs[i] whose `names` claims `name` (heap path), or NULL; a second claimant is
 * returned in *second. Only a directory's effective profiles count: a file shadowed by a profile
 * of the same name in an earlier directory (the user's copy) claims nothing. `skip` (a path) is
 * left out. */
static char *claimant(char *const dirs[3], int i, const char *name, const char *skip, char **second)
{
	*second = NULL;
	DIR *d = opendir(dirs[i]);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *e;
	for (unsigned n = 0; n < 4096 && (e = readdir(d)); n++) {
		size_t len = strlen(e->d_name);
		if (len <= 8 || !ends_with(e->d_name, ".profile") || strcmp(e->d_name, "default.profile") == 0)
			continue;
		_cleanup_free_ char *base = xstrndup(e->d_name, len - 8);
		if (!valid_name(base))
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", dirs[i], e->d_name);
		if (skip && strcmp(path, skip) == 0)
			continue;
		bool shadowed = false;
		for (int j = 0; j < i && !shadowed; j++) {
			_cleanup_free_ char *earlier = dirs[j] ? xasprintf("%s/%s", dirs[j], e->d_name) : NULL;
			struct stat st;
			shadowed = earlier && stat(earlier, &st) == 0 && S_ISREG(st.st_mode);
		}
		_cleanup_free_ char *text = shadowed ? NULL : read_for_scan(path);
		if (!text || !text_claims(text, name))
			continue;
		if (found) {
			*second = TAKE_PTR(path);
			break;
		}
		found = TAKE_PTR(path);
	}
	closedir(d);
	return found;
}

/* names NAME...: the commands this profile is also for (python3.11, zcat), when they have no
 * profile of their own. Read by the lookup with a plain scan; here only checked. */
static int d_names(struct parser *ps, struct line *ln)
{
	if (ln->kind != PROFILE_KIND_PROFILE)
		return FAIL_LINE(ps, ln, "'names' belongs in a profile (NAME.profile), not in an include or a .local file");
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		if (!valid_name(t->text) || strcmp(t->text, "default") == 0 || strpbrk(t->text, "\"#"))
			return FAIL_TOK(ps, ln, t, "expected a command name (letters, digits, '-', '_', '.', '+', '@'), not 'default'");
	}
	if (!ps->lint)
		return 0;
	/* sbx profile check: a name two profiles of one directory claim has no clear owner, and a
	 * claim of a name that has its own profile there is never used. */
	const char *slash = strrchr(ln->file, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(ln->file, (size_t)(slash - ln->file)) : xstrdup(".");
	_cleanup_free_ char *self = xstrdup(slash ? slash + 1 : ln->file);
	if (ends_with(self, ".profile"))
		self[strlen(self) - 8] = '\0';
	char *one[3] = { *dir ? dir : "/", NULL, NULL };
	int first = 0;
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		if (strcmp(t->text, self) == 0)
			continue;
		_cleanup_free_ char *own = xasprintf("%s/%s.profile", one[0], t->text);
		struct stat st;
		int r = 0;
		char *second = NULL;
		_cleanup_free_ char *other = NULL;
		if (stat(own, &st) == 0 && S_ISREG(st.st_mode))
			r = FAIL_TOK(ps, ln, t, "has a profile of its own in this directory (%s), which wins", own);
		else if ((other = claimant(one, 0, t->text, ln->file, &second)))
			r = FAIL_TOK(ps, ln, t, "also claimed by %s; a name belongs to one profile per directory", other);
		free(second);
		if (r < 0 && !first)
			first = r;
	}
	return first;
}

/* ---- grant-args --------------------------------------------------------------------------- */

/* True when an earlier grant already gives `path` at the same place with at least `kind`'s rights
 * (a file in the working directory: a second mount on it would only make it busy for rename). */
static bool already_granted(const struct policy *p, const char *path, enum mount_kind kind)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct mount_entry *m = &p->mounts[i];
		if (m->kind != MOUNT_TMPFS && m->src && strcmp(m->src, m->dst) == 0 && path_within(path, m->src) &&
		    mount_rank(m->kind) >= mount_rank(kind))
			return true;
	}
	return false;
}

/* grant-args edit: an existing file's directory instead of the file, read-write, because editors
 * save by writing a new copy beside the file and renaming it over the old one, which a file mount
 * refuses (EBUSY). Only a directory the file grant itself could have had; otherwise NULL and the
 * file alone, with a note. */
static char *edit_dir(struct parser *ps, struct line *ln, const char *word, const char *file)
{
	_cleanup_free_ char *dir = xstrdup(file);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return NULL;
	*slash = '\0';
	_cleanup_free_ char *why = refusal(ps, "the directory", dir);
	if (!why && path_is_sensitive(ps->home, ps->config_home, dir))
		why = xstrdup("a start-up, autostart, key or profile directory");
	if (why) {
		note(ps, ln, "granted %s alone (saving by rename will fail), not its directory: %s", word, why);
		return NULL;
	}
	return TAKE_PTR(dir);
}

/* One command-line word: an existing path is granted; a path with a '/' that does not exist yet
 * (an output file) gets its directory, read-write only. Everything by its real path. */
static void grant_arg(struct parser *ps, struct line *ln, const char *cwd, const char *word, bool rw, bool edit)
{
	_cleanup_free_ char *abs = word[0] == '/' ? xstrdup(word) : xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", word);
	/* A new directory named with a trailing slash (rsync -a src/ ../backup/new/) gets its parent:
	 * without the slash, not the empty name after it. */
	for (size_t len = strlen(abs); len > 1 && abs[len - 1] == '/'; len--)
		abs[len - 1] = '\0';
	struct stat st;
	bool exists = stat(abs, &st) == 0;
	if (!exists && !(rw && strchr(word, '/')))
		return;  /* a plain word (tar's "xzf"), not a path */
	_cleanup_free_ char *target = canonical_path(abs);
	if (!exists) {
		char *slash = strrchr(target, '/');
		if (slash)
			*(slash == target ? slash + 1 : slash) = '\0';
		if (stat(target, &st) < 0 || !S_ISDIR(st.st_mode))
			return;
	}
	if (!path_is_clean_absolute(target))
		return;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		note(ps, ln, "left out %s: not a regular file or a directory", word);
		return;
	}
	_cleanup_free_ char *why = refusal(ps, "the path", target);
	if (why) {
		note(ps, ln, "left out %s: %s", word, why);
		return;
	}
	/* Naming ~/.bashrc to an archiver must not let it rewrite the file: what the host runs or
	 * trusts later goes in read-only, and is never the directory of a new output. */
	if (rw && path_is_sensitive(ps->home, ps->config_home, target)) {
		if (!exists) {
			note(ps, ln, "left out %s: a start-up file, autostart entry, key or profile directory", word);
			return;
		}
		note(ps, ln, "%s granted read-only: a start-up file, autostart entry, key or profile directory", word);
		rw = false;
	}
	enum mount_kind kind = rw ? MOUNT_BIND : MOUNT_RO_BIND;
	if (rw && edit && exists && S_ISREG(st.st_mode) && !already_granted(ps->p, target, kind)) {
		char *dir = edit_dir(ps, ln, word, target);
		if (dir) {
			free(target);
			target = dir;
		}
	}
	if (!already_granted(ps->p, target, kind))
		policy_add_mount(ps->p, kind, target, target, true, ln->origin);
}

/* grant-args [ro|rw|edit]: the paths named on the command line (tar xzf ../data.tgz), resolved
 * before the sandbox starts, relative to the working directory, never a place ${CWD} refuses.
 * edit is rw with each file's directory in place of the file (edit_dir). */
static int d_grant_args(struct parser *ps, struct line *ln)
{
	bool rw = false, edit = false;
	if (ln->n == 1) {
		struct token *t = arg(ln, 0);
		if (strcmp(t->text, "rw") == 0)
			rw = true;
		else if (strcmp(t->text, "edit") == 0)
			rw = edit = true;
		else if (strcmp(t->text, "ro") != 0)
			return FAIL_TOK(ps, ln, t, "expected 'ro', 'rw', 'edit' or nothing");
	}
	if (ps->env->handed_by && !ps->lint) {
		/* Launched from a desktop entry: the handed-over files alone, after the profile (grant_handed). */
		if (rw && !ps->handed_origin)
			ps->handed_origin = xstrdup(ln->origin);
		ps->handed_rw |= rw;
		ps->handed_edit |= edit;
		return 0;
	}
	_cleanup_free_ char *cwd = working_directory(ps);
	if (!cwd || ps->lint)
		return 0;
	for (size_t i = 0; i < ps->env->n_args; i++) {
		const char *a = ps->env->args[i];
		if (a[0] == '-') {  /* options; --file=PATH gives its value */
			const char *eq = strchr(a, '=');
			if (a[1] != '-' || !eq)
				continue;
			a = eq + 1;
		}
		if (*a)
			grant_arg(ps, ln, cwd, a, rw, edit);
	}
	return 0;
}

/* The files a desktop launcher handed over (--launched-from, launched.h): each granted as grant-args
 * grants a path, with its refusals, read-only unless a grant-args line of the profile says rw or
 * edit. Only these: the other words of the command line come from the desktop file, not the user. */
static void grant_handed(struct parser *ps)
{
	_cleanup_free_ char *cwd = working_directory(ps);
	struct line ln = {
		.file = ps->env->handed_by,
		.origin = ps->handed_origin ? xasprintf("handed over by %s; read-write: grant-args at %s",
							 ps->env->handed_by, ps->handed_origin)
					    : xasprintf("handed over by %s", ps->env->handed_by),
	};
	for (size_t i = 0; i < ps->env->n_handed; i++) {
		const char *path = ps->env->handed[i];
		if (!*path || (path[0] != '/' && !cwd))
			continue;
		grant_arg(ps, &ln, cwd ? cwd : "/", path, ps->handed_rw, ps->handed_edit);
	}
	free(ln.origin);
	free(ln.note);
}

/* ssh-agent: the agent's socket alone (from SSH_AUTH_SOCK, a socket of the caller's own) at a
 * fixed place in the private runtime directory, and SSH_AUTH_SOCK pointing there. */
static int d_ssh_agent(struct parser *ps, struct line *ln)
{
	if (ps->lint)
		return 0;
	const char *sock = getenv("SSH_AUTH_SOCK");
	if (!sock || !*sock) {
		ln->note = xstrdup("skipped: SSH_AUTH_SOCK is not set");  /* not worth a line on stderr */
		ln->skipped = true;
		return 0;
	}
	struct stat st;
	const char *why = NULL;
	if (getuid() == 0)
		why = "as root the command runs as nobody, which may not use root's agent";
	else if (!path_is_clean_absolute(sock))
		why = "not a clean absolute path";
	else if (lstat(sock, &st) < 0)
		why = strerror(errno);
	else if (!S_ISSOCK(st.st_mode))
		why = "not a socket";
	else if (st.st_uid != getuid())
		why = "not your own socket";
	if (why) {
		note(ps, ln, "skipped the ssh agent: SSH_AUTH_SOCK=%s: %s", sock, why);
		ln->skipped = true;
		return 0;
	}
	_cleanup_free_ char *inside = xasprintf("%s/ssh-agent.sock", ps->runtime_dir);
	policy_add_mount(ps->p, MOUNT_BIND, sock, inside, true, ln->origin);
	policy_add_env(ps->p, ENV_SET, "SSH_AUTH_SOCK", inside, ln->origin);
	return 0;
}

/* socket NAME [optional]: a display socket alone, with a cookie of its own (x11.h). Trusted
 * after untrusted loosens; optional relaxes the refusal of a server without SECURITY. */
static int d_socket(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	const char *why = NULL;
	enum x11_mode mode;
	bool optional;
	int which = sockets_parse(t->text, &optional);
	if (which >= 0) {  /* wayland, pulseaudio, pipewire (sockets.h) */
		if (ln->n == 2 && strcmp(arg(ln, 1)->text, "optional") != 0)
			return FAIL_TOK(ps, ln, arg(ln, 1), "expected 'optional' or nothing");
		sockets_grant(ps->p, which, optional || ln->n == 2, ln->origin);
		return 0;
	}
	enum dbus_bus bus;
	if (dbus_socket_name(t->text, &bus)) {
		if (ln->n == 2)
			return FAIL_TOK(ps, ln, arg(ln, 1), "a bus socket has no 'optional'");
		dbus_add_raw(ps->p, bus, ln->origin);
		return 0;
	}
	if (x11_socket_parse(t->text, &mode, &optional, &why) < 0)
		return FAIL_TOK(ps, ln, t, "%s", why);
	if (ln->n == 2) {
		if (strcmp(arg(ln, 1)->text, "optional") != 0)
			return FAIL_TOK(ps, ln, arg(ln, 1), "expected 'optional' or nothing");
		optional = true;
	}
	if (optional && mode == X11_TRUSTED)
		return FAIL_TOK(ps, ln, arg(ln, ln->n - 1), "x11-trusted needs no SECURITY extension; drop 'optional'");
	struct x11_grant *g = &ps->p->x11;
	if (optional && !(g->mode == X11_UNTRUSTED && g->optional)) {
		int r = relaxation_allowed(ps, ln, arg(ln, ln->n - 1));
		if (r < 0)
			return r;
	}
	if (mode == X11_TRUSTED && g->mode == X11_UNTRUSTED) {
		int r = loosens(ps, ln, "the untrusted X11 cookie", g->origin);
		if (r < 0)
			return r;
	}
	g->mode = mode;
	g->optional = optional;
	free(g->origin);
	g->origin = xstrdup(ln->origin);
	return 0;
}

/* device NAME... / device-try NAME...: classes of device nodes (devices.h). */
static int device_lines(struct parser *ps, struct line *ln, bool optional)
{
	for (size_t i = 0; i < ln->n; i++)
		if (devices_parse(arg(ln, i)->text) < 0)
			return FAIL_TOK(ps, ln, arg(ln, i), "unknown device class; expected dri, snd or video");
	for (size_t i = 0; i < ln->n; i++)
		devices_grant(ps->p, devices_parse(arg(ln, i)->text), optional, ln->origin);
	return 0;
}

static int d_device(struct parser *ps, struct line *ln) { return device_lines(ps, ln, false); }
static int d_device_try(struct parser *ps, struct line *ln) { return device_lines(ps, ln, true); }

static int no_undefined(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++)
		if (arg(ln, i)->undefined && !ps->lint)
			return undefined_word(ps, ln, arg(ln, i));
	return 0;
}

static int do_include(struct parser *ps, struct line *ln, bool optional)
{
	struct token *t = arg(ln, 0);
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	_cleanup_free_ char *name = xstrdup(t->text);
	if (ends_with(name, ".inc"))
		name[strlen(name) - 4] = '\0';
	if (!valid_name(name))
		return FAIL_TOK(ps, ln, t, "expected an include name (letters, digits, '-', '_', '.'; no '/')");
	_cleanup_free_ char *file = xasprintf("%s.inc", name);
	_cleanup_free_ char *path = find_in_dirs(ps->dirs, file);
	if (!path) {
		if (optional) {
			note(ps, ln, "no %s; nothing included", file);
			ln->skipped = true;
			return 0;
		}
		_cleanup_free_ char *where = dirs_list(ps->dirs);
		return FAIL_TOK(ps, ln, t, "include not found (looked for %s in %s)", file, *where ? where : "no directory");
	}
	return parse_file(ps, path, PROFILE_KIND_INCLUDE, ln);
}

static int d_include(struct parser *ps, struct line *ln) { return do_include(ps, ln, false); }
static int d_include_try(struct parser *ps, struct line *ln) { return do_include(ps, ln, true); }

static int d_net(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (strcmp(t->text, "none") == 0) {
		ps->p->net = NET_NONE;
	} else if (strcmp(t->text, "host") == 0) {
		if (ps->p->net == NET_NONE && ps->net_origin) {
			int r = loosens(ps, ln, "'net none'", ps->net_origin);
			if (r < 0)
				return r;
		}
		ps->p->net = NET_HOST;
	} else {
		return FAIL_TOK(ps, ln, t, "expected 'none' or 'host'");
	}
	free(ps->net_origin);
	ps->net_origin = xstrdup(ln->origin);
	return 0;
}

/* net-connect / net-bind: the rules of --connect / --bind-port, parsed by net_rule_parse (bpf.h).
 * Where sbx has the privilege eBPF enforces them as written; otherwise bpf_plan turns port-only
 * rules into Landlock TCP port rules and refuses address rules (or widens them when optional). */
static int do_net_rules(struct parser *ps, struct line *ln, bool bind)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		struct sbx_error e = { 0 };
		if (net_rule_parse(t->text, bind, ps->p, ln->origin, &e) == 0)
			continue;
		/* The message names the rule; the error already points at it. */
		_cleanup_free_ char *prefix = xasprintf("network rule '%s': ", t->text);
		const char *what = strncmp(e.msg, prefix, strlen(prefix)) == 0 ? e.msg + strlen(prefix) : e.msg;
		return FAIL_TOK(ps, ln, t, "%s", what);
	}
	return 0;
}

static int d_net_connect(struct parser *ps, struct line *ln) { return do_net_rules(ps, ln, false); }
static int d_net_bind(struct parser *ps, struct line *ln) { return do_net_rules(ps, ln, true); }

/* exec-allow / open-deny (and -try): BPF-LSM file rules (bpf.h), paths as the host sees them,
 * like bind sources. bpf_plan resolves them to (device, inode): a missing path is an error
 * there, unless the line is a -try line. */
static int do_lsm_rules(struct parser *ps, struct line *ln, enum lsm_rule_kind kind, bool optional)
{
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		int r = path_arg(ps, ln, t);
		if (r < 0)
			return r;
		if (r == 1) {
			if (!optional)
				return undefined_word(ps, ln, t);
			note(ps, ln, "skipped %s: ${%s} is not defined: %s", t->text, t->undefined,
			     t->why ? t->why : "no value");
			continue;
		}
		policy_add_lsm_rule(ps->p, kind, t->text, optional, ln->origin);
	}
	return 0;
}

static int d_exec_allow(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_EXEC_ALLOW, false); }
static int d_exec_allow_try(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_EXEC_ALLOW, true); }
static int d_open_deny(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_OPEN_DENY, false); }
static int d_open_deny_try(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_OPEN_DENY, true); }

/* A "required|optional" word into *out; optional is a relaxation (an include cannot say it). */
static int requirement_arg(struct parser *ps, struct line *ln, enum requirement *out)
{
	struct token *t = arg(ln, 0);
	enum requirement want;
	if (requirement_from_string(t->text, &want) < 0)
		return FAIL_TOK(ps, ln, t, "expected 'required' or 'optional'");
	int r = want == REQ_OPTIONAL ? relaxation_allowed(ps, ln, t) : 0;
	if (r == 0)
		*out = want;
	return r;
}

/* lsm-rules required|optional: whether sbx refuses to run where BPF-LSM cannot enforce the file
 * rules (the default), or runs without them. */
static int d_lsm_rules(struct parser *ps, struct line *ln)
{
	return requirement_arg(ps, ln, &ps->p->lsm_rules_requirement);
}

/* net-rules required|optional: whether sbx refuses to run where the address rules of net-connect
 * and net-bind cannot be enforced as written (the default), or widens them to ports. */
static int d_net_rules(struct parser *ps, struct line *ln)
{
	return requirement_arg(ps, ln, &ps->p->net_rules_requirement);
}

static int d_hostname(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	size_t n = strlen(t->text);
	bool ok = n >= 1 && n <= 64 && t->text[0] != '-' && t->text[0] != '.';
	for (size_t i = 0; ok && i < n; i++) {
		char c = t->text[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
	}
	if (!ok)
		return FAIL_TOK(ps, ln, t, "expected a host name of 1 to 64 letters, digits, '-' and '.'");
	free(ps->p->hostname);
	ps->p->hostname = xstrdup(t->text);
	return 0;
}

/* home tmpfs|persistent (appstate.h). */
static int d_home(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (strcmp(t->text, "tmpfs") == 0)
		ps->p->home = HOME_TMPFS;
	else if (strcmp(t->text, "persistent") == 0)
		ps->p->home = HOME_PERSISTENT;
	else
		return FAIL_TOK(ps, ln, t, "expected 'tmpfs' or 'persistent'");
	free(ps->p->home_origin);
	ps->p->home_origin = xstrdup(ln->origin);
	return 0;
}

/* A path word, defined, that is not / itself (`refusal` says why not). */
static int path_below_root(struct parser *ps, struct line *ln, struct token *t, const char *refusal)
{
	int r = path_arg(ps, ln, t);
	if (r == 1)
		return undefined_word(ps, ln, t);
	if (r == 0 && strcmp(t->text, "/") == 0)
		return FAIL_TOK(ps, ln, t, "%s", refusal);
	return r;
}

/* overlay PATH [optional] / overlay-tmp PATH [optional] (overlay.h). */
static int do_overlay(struct parser *ps, struct line *ln, bool tmp)
{
	struct token *t = arg(ln, 0);
	int r = path_below_root(ps, ln, t, "cannot overlay the sandbox's root; name a directory");
	if (r < 0)
		return r;
	bool optional = false;
	if (ln->n == 2) {
		if (strcmp(arg(ln, 1)->text, "optional") != 0)
			return FAIL_TOK(ps, ln, arg(ln, 1), "expected 'optional' or nothing");
		optional = true;
	}
	policy_add_overlay(ps->p, t->text, tmp, optional, ln->origin);
	return 0;
}

/* mask PATH (mask.h): more restrictive only, so any file may add one. */
static int d_mask(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	int r = path_below_root(ps, ln, t, "cannot mask the sandbox's root; name a file or directory");
	if (r < 0)
		return r;
	policy_add_mask(ps->p, t->text, ln->origin);
	return 0;
}
static int d_overlay(struct parser *ps, struct line *ln) { return do_overlay(ps, ln, false); }
static int d_overlay_tmp(struct parser *ps, struct line *ln) { return do_overlay(ps, ln, true); }

static bool valid_env_name(const char *s, size_t n)
{
	if (n == 0 || n > 255 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static int d_setenv(struct parser *ps, struct line *ln)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	struct token *t = arg(ln, 0);
	const char *eq = strchr(t->text, '=');
	_cleanup_free_ char *name = NULL;
	const char *value;
	if (ln->n == 1) {
		if (!eq)
			return FAIL_TOK(ps, ln, t, "expected NAME=VALUE or NAME VALUE");
		name = xstrndup(t->text, (size_t)(eq - t->text));
		value = eq + 1;
	} else {
		if (eq)
			return FAIL_TOK(ps, ln, t, "expected NAME VALUE (the name has no '=')");
		name = xstrdup(t->text);
		value = arg(ln, 1)->text;
	}
	if (!valid_env_name(name, strlen(name)))
		return FAIL_TOK(ps, ln, t, "expected a variable name (letters, digits, '_')");
	policy_add_env(ps->p, ENV_SET, name, value, ln->origin);
	return 0;
}

static int d_unsetenv(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		if (!valid_env_name(t->text, strlen(t->text)))
			return FAIL_TOK(ps, ln, t, "expected a variable name (letters, digits, '_')");
	}
	for (size_t i = 0; i < ln->n; i++)
		policy_add_env(ps->p, ENV_UNSET, arg(ln, i)->text, NULL, ln->origin);
	return 0;
}

/* keepenv NAME... : from the caller's environment; NAME* keeps every name with that prefix. */
static int d_keepenv(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++) {
		const char *name = arg(ln, i)->text;
		size_t n = strlen(name);
		if (n > 1 && name[n - 1] == '*')
			n--;
		if (!valid_env_name(name, n) || name[n] != (n == strlen(name) ? '\0' : '*'))
			return FAIL_TOK(ps, ln, arg(ln, i), "expected a variable name (letters, digits, '_'), or a prefix ending in '*'");
	}
	for (size_t i = 0; i < ln->n; i++)
		policy_add_env(ps->p, ENV_KEEP, arg(ln, i)->text, NULL, ln->origin);
	return 0;
}

static int d_clearenv(struct parser *ps, struct line *ln)
{
	ps->p->clearenv = true;
	return 0;
}

static int d_allow(struct parser *ps, struct line *ln)
{
	int r = relaxation_allowed(ps, ln, ln->kw);
	if (r < 0)
		return r;
	/* Checked whole before any takes effect. */
	struct policy scratch;
	policy_init(&scratch);
	for (size_t i = 0; i < ln->n; i++)
		if (policy_allow(&scratch, arg(ln, i)->text) < 0) {
			policy_free(&scratch);
			return FAIL_TOK(ps, ln, arg(ln, i), "expected " POLICY_ALLOW_NAMES);
		}
	policy_free(&scratch);
	for (size_t i = 0; i < ln->n; i++)
		policy_allow(ps->p, arg(ln, i)->text);
	return 0;
}

/* user NAME: the account a root-started sbx runs COMMAND as, instead of nobody (userns.h). It
 * decides whose files the server may touch, so an include cannot set it. Root is never one. */
static int d_user(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	if (ln->kind == PROFILE_KIND_INCLUDE)
		return FAIL_LINE(ps, ln, "chooses the account the command runs as, which only a profile or a .local file may do, not an include");
	if (!user_name_valid(t->text))
		return FAIL_TOK(ps, ln, t, "expected an account name (letters, digits, '_', '-', '.')");
	if (strcmp(t->text, "root") == 0)
		return FAIL_TOK(ps, ln, t, "sbx never runs a command as root");
	free(ps->p->user);
	free(ps->p->user_origin);
	ps->p->user = xstrdup(t->text);
	ps->p->user_origin = xstrdup(ln->origin);
	return 0;
}

/* caps-keep net_bind_service: the command may bind the ports below 1024 that its bind rules grant
 * (root runs; bpf.h says how). Any other capability is refused: sbx keeps none. */
static int d_caps_keep(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (!capability_keepable(t->text))
		return FAIL_TOK(ps, ln, t, "net_bind_service is the only capability sbx can keep");
	int r = relaxation_allowed(ps, ln, ln->kw);
	if (r < 0)
		return r;
	ps->p->bind_service = true;
	free(ps->p->bind_service_origin);
	ps->p->bind_service_origin = xstrdup(ln->origin);
	return 0;
}

/* apparmor NAME [optional]: stack a loaded AppArmor profile on COMMAND (apparmor.h). Accepting its
 * absence is a relaxation, which an include may not make. */
static int d_apparmor(struct parser *ps, struct line *ln)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	struct token *name = arg(ln, 0);
	for (const char *c = name->text; *c; c++)
		if (*c <= ' ' || *c == 0x7f)
			return FAIL_TOK(ps, ln, name, "expected an AppArmor profile name without spaces");
	enum requirement req = REQ_REQUIRED;
	if (ln->n == 2) {
		struct token *t = arg(ln, 1);
		if (strcmp(t->text, "optional") != 0)
			return FAIL_TOK(ps, ln, t, "expected 'optional' or nothing");
		r = relaxation_allowed(ps, ln, t);
		if (r < 0)
			return r;
		req = REQ_OPTIONAL;
	}
	free(ps->p->apparmor_profile);
	free(ps->p->apparmor_origin);
	ps->p->apparmor_profile = xstrdup(name->text);
	ps->p->apparmor_origin = xstrdup(ln->origin);
	ps->p->apparmor = req;
	return 0;
}

static int d_landlock(struct parser *ps, struct line *ln)
{
	return requirement_arg(ps, ln, &ps->p->landlock);
}

static int d_limits_optional(struct parser *ps, struct line *ln)
{
	int r = relaxation_allowed(ps, ln, ln->kw);
	if (r < 0)
		return r;
	ps->p->cgroup.requirement = REQ_OPTIONAL;
	return 0;
}

/* --- syscalls --- */

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR }, { "EIO", EIO },
	{ "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "ENOEXEC", ENOEXEC }, { "EBADF", EBADF },
	{ "ECHILD", ECHILD }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
	{ "EFAULT", EFAULT }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "EXDEV", EXDEV },
	{ "ENODEV", ENODEV }, { "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR }, { "EINVAL", EINVAL },
	{ "ENFILE", ENFILE }, { "EMFILE", EMFILE }, { "ENOTTY", ENOTTY }, { "ETXTBSY", ETXTBSY },
	{ "EFBIG", EFBIG }, { "ENOSPC", ENOSPC }, { "ESPIPE", ESPIPE }, { "EROFS", EROFS },
	{ "EMLINK", EMLINK }, { "EPIPE", EPIPE }, { "ENOSYS", ENOSYS }, { "ENOTSUP", ENOTSUP },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT }, { "ENETUNREACH", ENETUNREACH },
	{ "ECONNREFUSED", ECONNREFUSED },
};

static bool parse_errno(const char *s, int *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++) {
		if (strcmp(s, errno_names[i].name) == 0) {
			*out = errno_names[i].value;
			return true;
		}
	}
	long long v;
	if (strspn(s, "0123456789") == strlen(s) && parse_int(s, 1, 4095, &v)) {
		*out = (int)v;
		return true;
	}
	return false;
}

static bool valid_syscall_name(const char *s)
{
	bool group = s[0] == '@';
	size_t n = strlen(s + group);
	if (n == 0 || n > 64)
		return false;
	for (const char *c = s + group; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || (group && *c == '-')))
			return false;
	return true;
}

static bool parse_u64(const char *s, unsigned long long *out)
{
	if (!*s || *s == '-' || *s == '+' || is_blank(*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* argN==V, argN!=V, argN<V, argN<=V, argN>V, argN>=V, argN&MASK==V */
static bool parse_condition(const char *s, struct seccomp_arg_cond *c)
{
	if (strncmp(s, "arg", 3) != 0 || s[3] < '0' || s[3] > '5')
		return false;
	memset(c, 0, sizeof(*c));
	c->arg = (unsigned)(s[3] - '0');
	s += 4;
	_cleanup_free_ char *copy = NULL;
	if (*s == '&') {
		const char *eq = strstr(s, "==");
		if (!eq)
			return false;
		copy = xstrndup(s + 1, (size_t)(eq - s - 1));
		if (!parse_u64(copy, &c->mask))
			return false;
		c->op = SC_CMP_MASKED_EQ;
		return parse_u64(eq + 2, &c->value);
	}
	static const struct {
		const char *op;
		enum seccomp_cmp cmp;
	} ops[] = { { "==", SC_CMP_EQ }, { "!=", SC_CMP_NE }, { "<=", SC_CMP_LE },
		    { ">=", SC_CMP_GE }, { "<", SC_CMP_LT }, { ">", SC_CMP_GT } };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].op);
		if (strncmp(s, ops[i].op, n) == 0) {
			c->op = ops[i].cmp;
			return parse_u64(s + n, &c->value);
		}
	}
	return false;
}

struct overlap_ctx {
	const char *other;
};

static int overlap_member(const char *syscall, void *userdata)
{
	const struct overlap_ctx *o = userdata;
	bool hit = o->other[0] == '@' ? syscall_group_contains(o->other, syscall) : strcmp(o->other, syscall) == 0;
	return hit ? -EEXIST : 0;
}

/* True when the two rule names (syscalls or @groups) share a syscall. */
static bool rules_overlap(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	if (a[0] != '@' && b[0] != '@')
		return false;
	if (a[0] == '@' && b[0] != '@')
		return syscall_group_contains(a, b);
	if (b[0] == '@' && a[0] != '@')
		return syscall_group_contains(b, a);
	struct overlap_ctx o = { .other = a };
	return syscall_group_expand(b, overlap_member, &o) == -EEXIST;
}

static int d_syscalls(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (strcmp(t->text, "allowlist") == 0) {
		if (ln->n != 1)
			return FAIL_TOK(ps, ln, arg(ln, 1), "'syscalls allowlist' takes no names");
		ps->p->syscall_allowlist = true;
		return 0;
	}
	enum seccomp_action action;
	int errno_value = 0;
	size_t first = 1;
	if (strcmp(t->text, "allow") == 0) {
		action = SC_ALLOW;
	} else if (strcmp(t->text, "log") == 0) {
		action = SC_LOG;
	} else if (strcmp(t->text, "kill") == 0) {
		action = SC_KILL;
	} else if (strcmp(t->text, "deny") == 0) {
		action = SC_ERRNO;
		errno_value = EPERM;
	} else if (strcmp(t->text, "errno") == 0) {
		action = SC_ERRNO;
		if (ln->n < 2 || !parse_errno(arg(ln, 1)->text, &errno_value))
			return FAIL_TOK(ps, ln, ln->n < 2 ? t : arg(ln, 1),
					"expected an errno name (EPERM, EACCES, ENOSYS...) or number 1-4095");
		first = 2;
	} else {
		return FAIL_TOK(ps, ln, t, "expected allow, deny, errno ERRNO, kill, log or allowlist");
	}
	size_t n_names = 0, n_conds = 0;
	struct seccomp_arg_cond conds[6];
	for (size_t i = first; i < ln->n; i++) {
		struct token *w = arg(ln, i);
		if (strncmp(w->text, "arg", 3) == 0 && w->text[3] >= '0' && w->text[3] <= '9') {
			if (n_conds >= ARRAY_SIZE(conds))
				return FAIL_TOK(ps, ln, w, "more than 6 argument conditions");
			if (!parse_condition(w->text, &conds[n_conds]))
				return FAIL_TOK(ps, ln, w, "expected a condition such as arg1==0x5401, arg0!=0, "
							   "arg2&0x3==1 (arguments 0-5)");
			n_conds++;
		} else {
			if (n_conds)
				return FAIL_TOK(ps, ln, w, "argument conditions come after the syscall name");
			if (!valid_syscall_name(w->text))
				return FAIL_TOK(ps, ln, w, "expected a syscall name or an @group");
			n_names++;
		}
	}
	if (n_names == 0)
		return FAIL_LINE(ps, ln, "no syscall named");
	if (n_conds && (n_names != 1 || arg(ln, first)->text[0] == '@'))
		return FAIL_TOK(ps, ln, arg(ln, first), "argument conditions need exactly one syscall, not a group or a list");
	if (action == SC_ALLOW || action == SC_LOG) {
		bool checked = false;
		for (size_t i = first; i < first + n_names && !checked; i++) {
			for (size_t k = 0; k < ps->p->n_syscalls; k++) {
				const struct seccomp_rule *old = &ps->p->syscalls[k];
				if ((old->action == SC_ERRNO || old->action == SC_KILL) &&
				    rules_overlap(old->name, arg(ln, i)->text)) {
					_cleanup_free_ char *what = xasprintf("the rule denying %s", old->name);
					int r = loosens(ps, ln, what, old->origin ? old->origin : "?");
					if (r < 0)
						return r;
					checked = true;
					break;
				}
			}
		}
	}
	for (size_t i = first; i < first + n_names; i++) {
		struct seccomp_rule *rule = ARRAY_PUSH(ps->p->syscalls, ps->p->n_syscalls);
		rule->name = xstrdup(arg(ln, i)->text);
		rule->action = action;
		rule->errno_value = errno_value;
		memcpy(rule->conds, conds, sizeof(conds[0]) * n_conds);
		rule->n_conds = (unsigned)n_conds;
		rule->origin = xstrdup(ln->origin);
	}
	return 0;
}

/* --- limits --- */

static int d_rlimit(struct parser *ps, struct line *ln)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	struct token *t = arg(ln, 0);
	_cleanup_free_ char *name = NULL;
	const char *value;
	if (ln->n == 1) {
		const char *eq = strchr(t->text, '=');
		if (!eq)
			return FAIL_TOK(ps, ln, t, "expected NAME VALUE or NAME=VALUE, e.g. nofile 1024");
		name = xstrndup(t->text, (size_t)(eq - t->text));
		value = eq + 1;
	} else {
		name = xstrdup(t->text);
		value = arg(ln, 1)->text;
	}
	struct sbx_error e = { 0 };
	int resource;
	rlim_t soft, hard;
	if (rlimit_parse_pair(name, value, &resource, &soft, &hard, &e) < 0)
		return FAIL_TOK(ps, ln, ln->n == 1 ? t : arg(ln, 1), "%s", e.msg);
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return FAIL_TOK(ps, ln, t, "unknown resource limit");
	struct rlimit_setting *s = &ps->p->rlimits[resource];
	if (s->set && s->origin && (soft > s->soft || hard > s->hard)) {
		_cleanup_free_ char *what = xasprintf("the %s limit", name);
		r = loosens(ps, ln, what, s->origin);
		if (r < 0)
			return r;
	}
	free(s->origin);
	*s = (struct rlimit_setting){ .set = true, .soft = soft, .hard = hard, .origin = xstrdup(ln->origin) };
	return 0;
}

static int d_timeout(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	unsigned long long ms;
	if (duration_parse(t->text, &ms) < 0 || ms == 0)
		return FAIL_TOK(ps, ln, t, "expected a duration such as 30s, 5m, 1h or 1500ms");
	if (ps->timeout_origin && ms > ps->p->timeout_ms) {
		int r = loosens(ps, ln, "the timeout", ps->timeout_origin);
		if (r < 0)
			return r;
	}
	ps->p->timeout_ms = ms;
	free(ps->timeout_origin);
	ps->timeout_origin = xstrdup(ln->origin);
	return 0;
}

/* "No limit" is the largest value, whether written max (ULLONG_MAX) or left at 0. */
static unsigned long long limit_value(unsigned long long v) { return v == 0 ? ULLONG_MAX : v; }

static int d_cgroup(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	const char *key = ln->kw->text;
	struct cgroup_limits next = ps->p->cgroup;
	struct sbx_error e = { 0 };
	if (cgroup_limit_parse(key, t->text, &next, &e) < 0)
		return FAIL_TOK(ps, ln, t, "%s", e.msg);
	const struct cgroup_limits *old = &ps->p->cgroup;
	int which = -1;
	bool looser = false;
	if (strcmp(key, "memory-max") == 0) {
		which = CG_MEMORY_MAX;
		looser = limit_value(next.memory_max) > limit_value(old->memory_max);
	} else if (strcmp(key, "memory-high") == 0) {
		which = CG_MEMORY_HIGH;
		looser = limit_value(next.memory_high) > limit_value(old->memory_high);
	} else if (strcmp(key, "memory-swap-max") == 0) {
		which = CG_MEMORY_SWAP_MAX;
		/* swap 0 is a real limit (no swap) once set */
		looser = next.memory_swap_max > old->memory_swap_max;
	} else if (strcmp(key, "pids-max") == 0) {
		which = CG_PIDS_MAX;
		looser = limit_value(next.pids_max) > limit_value(old->pids_max);
	} else if (strcmp(key, "cpu-max") == 0) {
		which = CG_CPU_MAX;
		long double a = old->cpu_quota_us ? (long double)old->cpu_quota_us / (long double)(old->cpu_period_us ? old->cpu_period_us : 100000) : 1e30L;
		long double b = next.cpu_quota_us ? (long double)next.cpu_quota_us / (long double)(next.cpu_period_us ? next.cpu_period_us : 100000) : 1e30L;
		looser = b > a;
	}
	if (which >= 0 && looser && ps->cgroup_origin[which]) {
		_cleanup_free_ char *what = xasprintf("the %s limit", key);
		int r = loosens(ps, ln, what, ps->cgroup_origin[which]);
		if (r < 0)
			return r;
	}
	if (which >= 0) {
		free(ps->cgroup_origin[which]);
		ps->cgroup_origin[which] = xstrdup(ln->origin);
	}
	char *old_origin = ps->p->cgroup.origin;
	ps->p->cgroup = next;
	free(old_origin);
	ps->p->cgroup.origin = xstrdup(ln->origin);
	return 0;
}

/* talk-name, own-name, see-name NAME; call, broadcast NAME=RULE; system-*: D-Bus names through
 * the filtering proxy (dbus_proxy.h). */
static int d_dbus(struct parser *ps, struct line *ln)
{
	enum dbus_bus bus;
	enum dbus_rule_kind kind;
	if (!dbus_directive(ln->kw->text, &bus, &kind))
		return FAIL_LINE(ps, ln, "not a D-Bus directive");
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		const char *why = NULL;
		size_t at = 0;
		if (dbus_rule_check(kind, t->text, &why, &at) < 0)
			return fail_at(ps, ln->file, ln->lineno, t->col + (unsigned)at, t->text, "%s", why);
		dbus_add_rule(ps->p, bus, kind, t->text, ln->origin);
	}
	return 0;
}

/* noexec PATH... (noexec.h): more restrictive only, so any file may add one. Whether PATH is a
 * place of the sandbox's view is known once the view is planned (noexec_plan). */
static int d_noexec(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		int r = path_below_root(ps, ln, t, "cannot make the sandbox's root noexec; name a directory");
		if (r < 0)
			return r;
		policy_add_noexec(ps->p, t->text, ln->origin);
	}
	return 0;
}

/* memory-deny-write-execute (mdwe.h): more restrictive only; there is no way to turn it off. */
static int d_memory_deny_write_execute(struct parser *ps, struct line *ln)
{
	ps->p->mdwe = true;
	free(ps->p->mdwe_origin);
	ps->p->mdwe_origin = xstrdup(ln->origin);
	return 0;
}

/* --- the table --- */

typedef int (*directive_fn)(struct parser *ps, struct line *ln);

struct directive {
	const char *name;
	directive_fn fn;
	unsigned min, max;  /* words after the keyword */
	const char *usage;
	const char *option;  /* the command line's spelling; NULL: "--" NAME */
	enum option_form form;
	const char *value;   /* VALUE of --help */
	const char *help;
};

#define MAXW PROFILE_MAX_ARGS
#define DBUS_NAME "NAME (org.example.App or org.example.*)"
#define DBUS_RULE "NAME (RULE: [IFACE.METHOD|IFACE.*|*][@PATH[/*]])"

/* One entry per directive: its profile line and its command-line option (`--NAME VALUE` is
 * applied as the line `NAME VALUE`, after the profile). */
static const struct directive directives[] = {
	{ "include", d_include, 1, 1, "include NAME", NULL, OPTION_WORD, "NAME", "add the grants of NAME.inc" },
	{ "include-try", d_include_try, 1, 1, "include-try NAME", NULL, OPTION_WORD, "NAME", "the same, nothing when there is no NAME.inc" },
	{ "bind", d_bind, 1, 2, "bind SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "grant a host path read-write" },
	{ "bind-try", d_bind_try, 1, 2, "bind-try SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "like --bind, skipped when SRC is missing" },
	{ "ro-bind", d_ro_bind, 1, 2, "ro-bind SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "grant a host path read-only" },
	{ "ro-bind-try", d_ro_bind_try, 1, 2, "ro-bind-try SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "like --ro-bind, skipped when SRC is missing" },
	{ "dev-bind", d_dev_bind, 1, 2, "dev-bind SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "grant a host device node" },
	{ "dev-bind-try", d_dev_bind_try, 1, 2, "dev-bind-try SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "like --dev-bind, skipped when SRC is missing" },
	{ "bind-create", d_bind_create, 1, 1, "bind-create FILE", NULL, OPTION_PATH, "FILE", "grant FILE read-write, created empty first when only the file is missing" },
	{ "tmpfs", d_tmpfs, 1, 1, "tmpfs DST", NULL, OPTION_PATH, "DST", "mount a private empty tmpfs at DST" },
	{ "grant-args", d_grant_args, 0, 1, "grant-args [ro|rw|edit]", NULL, OPTION_WORD, "ro|rw|edit", "grant the paths COMMAND's arguments name (instead of the working directory)" },
	{ "ssh-agent", d_ssh_agent, 0, 0, "ssh-agent", NULL, OPTION_FLAG, NULL, "the ssh agent's socket (SSH_AUTH_SOCK) alone" },
	{ "socket", d_socket, 1, 2, "socket x11|x11-trusted|wayland|pulseaudio|pipewire [optional] | socket session-bus|system-bus", NULL, OPTION_WORDS,
	  "x11|x11-trusted|x11-optional|wayland|pulseaudio|pipewire|session-bus|system-bus",
	  "that display or sound server's socket alone (X11: with an untrusted cookie; NAME-optional: run without it when missing); session-bus, system-bus: the bus itself, unfiltered (a hole)" },
	{ "device", d_device, 1, 3, "device dri|snd|video...", NULL, OPTION_WORD, "dri|snd|video", "the GPU, ALSA or camera device nodes (refused when there are none)" },
	{ "device-try", d_device_try, 1, 3, "device-try dri|snd|video...", NULL, OPTION_WORD, "dri|snd|video", "the same, skipped with a note when there are none" },
	{ "talk-name", d_dbus, 1, MAXW, "talk-name NAME...", NULL, OPTION_WORD, "NAME", "session bus through a filtering proxy: call " DBUS_NAME },
	{ "own-name", d_dbus, 1, MAXW, "own-name NAME...", NULL, OPTION_WORD, "NAME", "session bus proxy: may own NAME" },
	{ "see-name", d_dbus, 1, MAXW, "see-name NAME...", NULL, OPTION_WORD, "NAME", "session bus proxy: NAME is visible, not callable" },
	{ "call", d_dbus, 1, MAXW, "call NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "session bus proxy: only these calls to " DBUS_RULE },
	{ "broadcast", d_dbus, 1, MAXW, "broadcast NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "session bus proxy: receive NAME's signals matching RULE" },
	{ "system-talk-name", d_dbus, 1, MAXW, "system-talk-name NAME...", NULL, OPTION_WORD, "NAME", "system bus through a filtering proxy: call NAME" },
	{ "system-own-name", d_dbus, 1, MAXW, "system-own-name NAME...", NULL, OPTION_WORD, "NAME", "system bus proxy: may own NAME" },
	{ "system-see-name", d_dbus, 1, MAXW, "system-see-name NAME...", NULL, OPTION_WORD, "NAME", "system bus proxy: NAME is visible, not callable" },
	{ "system-call", d_dbus, 1, MAXW, "system-call NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "system bus proxy: only these calls to NAME" },
	{ "system-broadcast", d_dbus, 1, MAXW, "system-broadcast NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "system bus proxy: receive NAME's signals matching RULE" },
	{ "names", d_names, 1, MAXW, "names NAME...", NULL, OPTION_NONE, NULL, NULL },
	{ "net", d_net, 1, 1, "net none|host", NULL, OPTION_WORD, "none|host", "network: own namespace with lo only (default), or the host's" },
	{ "net-connect", d_net_connect, 1, MAXW, "net-connect [ADDR[/N]:]PORT[-PORT]...", "--connect", OPTION_WORD, "[ADDR[/N]:]PORT[-PORT]",
	  "allow connecting/sending only to these (repeatable; eBPF as root, else Landlock TCP ports)" },
	{ "net-bind", d_net_bind, 1, MAXW, "net-bind [ADDR[/N]:]PORT[-PORT]...", "--bind-port", OPTION_WORD, "[ADDR[/N]:]PORT[-PORT]", "allow binding only these local ports (repeatable)" },
	{ "net-rules", d_net_rules, 1, 1, "net-rules required|optional", NULL, OPTION_WORD, "required|optional", "refuse to run when address rules cannot be enforced (default), or widen them to ports" },
	{ "exec-allow", d_exec_allow, 1, MAXW, "exec-allow PATH...", NULL, OPTION_PATH, "PATH", "only these files may be executed (repeatable; BPF-LSM, root only)" },
	{ "exec-allow-try", d_exec_allow_try, 1, MAXW, "exec-allow-try PATH...", NULL, OPTION_PATH, "PATH", "like --exec-allow, skipped when PATH is missing" },
	{ "open-deny", d_open_deny, 1, MAXW, "open-deny PATH...", NULL, OPTION_PATH, "PATH", "refuse opening this file or anything below this directory (repeatable; BPF-LSM)" },
	{ "open-deny-try", d_open_deny_try, 1, MAXW, "open-deny-try PATH...", NULL, OPTION_PATH, "PATH", "like --open-deny, skipped when PATH is missing" },
	{ "lsm-rules", d_lsm_rules, 1, 1, "lsm-rules required|optional", NULL, OPTION_WORD, "required|optional", "refuse to run when BPF-LSM cannot enforce the file rules (default), or run without them" },
	{ "hostname", d_hostname, 1, 1, "hostname NAME", NULL, OPTION_WORD, "NAME", "hostname inside (default: sbx)" },
	{ "user", d_user, 1, 1, "user NAME", NULL, OPTION_WORD, "NAME", "root only: run the command as this account instead of nobody" },
	{ "caps-keep", d_caps_keep, 1, 1, "caps-keep net_bind_service", NULL, OPTION_WORD, "net_bind_service", "root only: the command may bind the ports below 1024 that its bind rules grant" },
	{ "setenv", d_setenv, 1, 2, "setenv NAME VALUE", NULL, OPTION_WORD, "NAME=VALUE", "set an environment variable" },
	{ "unsetenv", d_unsetenv, 1, MAXW, "unsetenv NAME...", NULL, OPTION_WORD, "NAME", "remove an environment variable" },
	{ "keepenv", d_keepenv, 1, MAXW, "keepenv NAME|PREFIX*...", NULL, OPTION_WORD, "NAME|PREFIX*", "pass this variable of yours (only locale, terminal, PATH and XDG dirs go in by default)" },
	{ "clearenv", d_clearenv, 0, 0, "clearenv", NULL, OPTION_FLAG, NULL, "start from an empty environment" },
	{ "allow", d_allow, 1, 6, "allow devel|userns|multiarch|jit|abstract-unix|signals...", NULL, OPTION_WORD, "devel|userns|multiarch|jit|abstract-unix|signals", "relax an always-on protection (visible in --explain)" },
	{ "syscalls", d_syscalls, 1, MAXW, "syscalls allow|deny|errno E|kill|log NAME... | syscalls allowlist", NULL, OPTION_WORDS, "RULE", "a syscall rule, as the profile line after 'syscalls' (e.g. 'deny ptrace')" },
	{ "landlock", d_landlock, 1, 1, "landlock required|optional", NULL, OPTION_WORD, "required|optional", "refuse to run without Landlock (default), or best effort" },
	{ "apparmor", d_apparmor, 1, 2, "apparmor NAME [optional]", NULL, OPTION_WORDS, "NAME", "stack the loaded AppArmor profile NAME on COMMAND (refused where AppArmor is off; 'NAME optional': run without it)" },
	{ "limits-optional", d_limits_optional, 0, 0, "limits-optional", NULL, OPTION_FLAG, NULL, "run even when cgroup limits cannot be applied" },
	{ "rlimit", d_rlimit, 1, 2, "rlimit NAME VALUE", NULL, OPTION_WORD, "NAME=SOFT[:HARD]", "set a resource limit, e.g. nofile=1024, as=2G, cpu=30s:40s" },
	{ "timeout", d_timeout, 1, 1, "timeout DURATION", NULL, OPTION_WORD, "DURATION", "SIGTERM after DURATION, SIGKILL 5 s later" },
	{ "memory-max", d_cgroup, 1, 1, "memory-max SIZE", NULL, OPTION_WORD, "SIZE", "cgroup memory.max" },
	{ "memory-high", d_cgroup, 1, 1, "memory-high SIZE", NULL, OPTION_WORD, "SIZE", "cgroup memory.high" },
	{ "memory-swap-max", d_cgroup, 1, 1, "memory-swap-max SIZE", NULL, OPTION_WORD, "SIZE", "cgroup memory.swap.max" },
	{ "pids-max", d_cgroup, 1, 1, "pids-max N", NULL, OPTION_WORD, "N", "cgroup pids.max" },
	{ "cpu-max", d_cgroup, 1, 1, "cpu-max N%|QUOTA[/PERIOD]", NULL, OPTION_WORD, "QUOTA[/PERIOD]|N%", "cgroup cpu.max" },
	{ "cpu-weight", d_cgroup, 1, 1, "cpu-weight N", NULL, OPTION_WORD, "N", "cgroup cpu.weight (1-10000)" },
	{ "io-weight", d_cgroup, 1, 1, "io-weight N", NULL, OPTION_WORD, "N", "cgroup io.weight (1-10000)" },
	{ "home", d_home, 1, 1, "home tmpfs|persistent", NULL, OPTION_WORD, "tmpfs|persistent", "the home inside: empty each run (default), or the app's own, kept" },
	{ "overlay", d_overlay, 1, 2, "overlay PATH [optional]", NULL, OPTION_PATH, "PATH", "PATH shows the host's files; changes go to the app's upper layer (sbx overlay diff|commit|reset)" },
	{ "overlay-tmp", d_overlay_tmp, 1, 2, "overlay-tmp PATH [optional]", NULL, OPTION_PATH, "PATH", "like --overlay, changes discarded at exit" },
	{ "mask", d_mask, 1, 1, "mask PATH", NULL, OPTION_PATH, "PATH", "cover PATH with an empty read-only file or directory, also inside grants" },
	{ "noexec", d_noexec, 1, MAXW, "noexec PATH...", NULL, OPTION_PATH, "PATH", "nothing at or below PATH can be executed or mapped executable, grants below it included" },
	{ "memory-deny-write-execute", d_memory_deny_write_execute, 0, 0, "memory-deny-write-execute", NULL, OPTION_FLAG, NULL, "no writable and executable memory, no memory made executable later (breaks JITs)" },
};

bool profile_directive(size_t i, struct directive_spelling *out)
{
	if (i >= ARRAY_SIZE(directives))
		return false;
	const struct directive *d = &directives[i];
	static char options[ARRAY_SIZE(directives)][40];
	if (d->form != OPTION_NONE && !d->option && !options[i][0])
		snprintf(options[i], sizeof(options[i]), "--%s", d->name);
	*out = (struct directive_spelling){
		.name = d->name,
		.option = d->form == OPTION_NONE ? NULL : d->option ? d->option : options[i],
		.form = d->form,
		.value = d->value,
		.help = d->help,
		.usage = d->usage,
	};
	return true;
}

/* firejail habits, answered. */
static const struct {
	const char *name;
	const char *hint;
} firejail_hints[] = {
	{ "whitelist", "nothing is visible unless granted: use bind or ro-bind" },
	{ "whitelist-ro", "use ro-bind" },
	{ "read-only", "use ro-bind" },
	{ "blacklist", "nothing is visible unless granted; to hide a path inside a grant use 'mask PATH'" },
	{ "noblacklist", "nothing is hidden that needs un-hiding; grant what the app needs" },
	{ "private", "the home is always private (an empty tmpfs)" },
	{ "private-tmp", "/tmp is always private" },
	{ "private-dev", "/dev is always minimal" },
	{ "nonewprivs", "always on" },
	{ "noroot", "always on" },
	{ "caps.drop", "capabilities are always dropped" },
	{ "caps.keep", "use caps-keep net_bind_service (the only one)" },
	{ "seccomp", "the always-on filter is built in; add rules with 'syscalls'" },
	{ "env", "use setenv NAME VALUE" },
	{ "rmenv", "use unsetenv NAME" },
	{ "ignore", "a later line wins; to loosen on purpose write 'override' in front of it" },
	{ "quiet", "use sbx --quiet" },
	{ "x11", "use 'socket x11' (an untrusted cookie) or 'socket x11-trusted'" },
	{ "dbus-user", "use talk-name, own-name, see-name, call or broadcast (filtered by xdg-dbus-proxy)" },
	{ "dbus-system", "use system-talk-name, system-call... (filtered by xdg-dbus-proxy)" },
	{ "wayland", "use 'socket wayland'" },
	{ "pulseaudio", "use 'socket pulseaudio'" },
	{ "pipewire", "use 'socket pipewire'" },
};

/* ---- lines and files ---------------------------------------------------------------------- */

char *profile_quote_word(const char *w)
{
	for (const char *c = w; *c; c++)
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
			return NULL;  /* a newline would end the line; others are not worth the risk */
	return quote_word(w);
}

/* Quotes a word for `profile show` when it needs it. */
static char *quote_word(const char *w)
{
	if (*w && *w != '~' && !strpbrk(w, " \t\"#\\$"))
		return xstrdup(w);
	size_t n = strlen(w);
	char *out = xmalloc(2 * n + 3), *o = out;
	*o++ = '"';
	for (const char *c = w; *c; c++) {
		if (*c == '"' || *c == '\\' || *c == '$')
			*o++ = '\\';
		*o++ = *c;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Fills the `profile show` entry reserved at index slot (before an include's own lines). */
static void record_line(struct parser *ps, struct line *ln, size_t slot)
{
	if (!ps->record || slot >= ps->n_shown)
		return;
	struct shown_line *s = &ps->shown[slot];
	s->file = xstrdup(ln->file);
	s->line = ln->lineno;
	s->text = ln->override ? xasprintf("override %s", ln->text) : xstrdup(ln->text);
	s->override = ln->override;
	s->note = ln->note ? xstrdup(ln->note) : NULL;
}

static int run_line(struct parser *ps, struct line *ln, struct token *tok, size_t n)
{
	size_t k = 0;
	if (strcmp(tok[0].text, "override") == 0) {
		if (ln->kind == PROFILE_KIND_INCLUDE)
			return fail_at(ps, ln->file, ln->lineno, tok[0].col, "override",
				       "'override' is allowed in a profile or a .local file, not in an include");
		if (n < 2)
			return fail_at(ps, ln->file, ln->lineno, tok[0].col, "override", "'override' needs a directive after it");
		ln->override = true;
		k = 1;
	}
	ln->kw = &tok[k];
	ln->n = n - k - 1;
	ln->text = join_words(ln->kw, ln->n + 1);
	const char *name = ln->kw->text;
	if (ln->override && (strcmp(name, "include") == 0 || strcmp(name, "include-try") == 0))
		return FAIL_TOK(ps, ln, ln->kw, "'override' does not apply to include; an included file cannot loosen anything");
	for (size_t i = 0; i < ARRAY_SIZE(directives); i++) {
		const struct directive *d = &directives[i];
		if (strcmp(name, d->name) != 0)
			continue;
		if (ln->n < d->min || ln->n > d->max) {
			struct token *at = ln->n > d->max ? arg(ln, d->max) : ln->kw;
			return fail_at(ps, ln->file, ln->lineno, at->col, ln->text, "%s: usage: %s", ln->n > d->max ? "too many words" : "missing words", d->usage);
		}
		size_t slot = ps->n_shown;
		if (ps->record)
			ARRAY_PUSH(ps->shown, ps->n_shown);
		int r = d->fn(ps, ln);
		record_line(ps, ln, slot);
		return r;
	}
	int r = FAIL_TOK(ps, ln, ln->kw, "unknown directive");
	for (size_t i = 0; i < ARRAY_SIZE(firejail_hints); i++)
		if (strcmp(name, firejail_hints[i].name) == 0)
			hint(ps, "%s", firejail_hints[i].hint);
	return r;
}

static int parse_line(struct parser *ps, const char *file, unsigned lineno, const char *text, enum profile_kind kind)
{
	struct token *tok = NULL;
	size_t n = 0;
	int r = tokenize(ps, file, lineno, text, &tok, &n);
	if (r == 0 && n > 0) {
		struct line ln = {
			.file = file,
			.lineno = lineno,
			.kind = kind,
			.origin = xasprintf("%s:%u", file, lineno),
		};
		r = run_line(ps, &ln, tok, n);
		free(ln.origin);
		free(ln.note);
		free(ln.text);
	}
	tokens_free(tok, n);
	return r;
}

static int parse_buffer(struct parser *ps, const char *text, size_t len, const char *file, enum profile_kind kind)
{
	const char *s = text, *end = text + len;
	unsigned lineno = 0;
	int first_error = 0;
	while (s < end) {
		lineno++;
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *line_end = nl ? nl : end;
		size_t n = (size_t)(line_end - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		int r = 0;
		if (n > PROFILE_MAX_LINE) {
			_cleanup_free_ char *head = xstrndup(s, 40);
			r = fail_at(ps, file, lineno, PROFILE_MAX_LINE + 1, head, "line longer than %d bytes", PROFILE_MAX_LINE);
		} else if (memchr(s, '\0', n)) {
			r = fail_at(ps, file, lineno, (unsigned)((const char *)memchr(s, '\0', n) - s) + 1, NULL,
				    "NUL byte in the line");
		} else {
			_cleanup_free_ char *copy = xstrndup(s, n);
			r = parse_line(ps, file, lineno, copy, kind);
		}
		if (r < 0) {
			if (!first_error)
				first_error = r;
			if (!ps->keep_going)
				return r;
		}
		s = nl ? nl + 1 : end;
	}
	return first_error;
}

/* Reads a profile file with bounds: a regular file of at most PROFILE_MAX_FILE bytes. */
static int read_profile(struct parser *ps, const char *path, struct line *from, char **out, size_t *len,
			struct stat *st)
{
	const char *file = from ? from->file : path;
	unsigned lineno = from ? from->lineno : 0, col = from ? arg(from, 0)->col : 0;
	/* As root, a profile is code that runs with root's authority: no symlink (to /etc/shadow, say)
	 * and nothing another user could have written. */
	bool root = getuid() == 0;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (root ? O_NOFOLLOW : 0));
	if (fd < 0)
		return fail_at(ps, file, lineno, col, path, "cannot open: %s",
			       errno == ELOOP && root ? "a symlink, which sbx does not follow as root" : strerror(errno));
	if (fstat(fd, st) < 0)
		return fail_at(ps, file, lineno, col, path, "cannot stat: %s", strerror(errno));
	if (!S_ISREG(st->st_mode))
		return fail_at(ps, file, lineno, col, path, "not a regular file");
	if (root && (st->st_uid != 0 || (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0)))
		return fail_at(ps, file, lineno, col, path, "refused as root: owned by uid %u or writable by others "
			       "(as root, sbx reads only profile files that only root can change)", (unsigned)st->st_uid);
	if (st->st_size > PROFILE_MAX_FILE)
		return fail_at(ps, file, lineno, col, path, "larger than %d bytes", PROFILE_MAX_FILE);
	/* st_size is a hint (the file may change while read); the bound is what matters. */
	size_t cap = (size_t)st->st_size + 1, used = 0;
	_cleanup_free_ char *buf = xmalloc(cap + 1);
	for (;;) {
		if (used == cap) {
			if (cap > PROFILE_MAX_FILE)
				return fail_at(ps, file, lineno, col, path, "larger than %d bytes", PROFILE_MAX_FILE);
			cap = cap * 2 > PROFILE_MAX_FILE + 1 ? PROFILE_MAX_FILE + 1 : cap * 2;
			char *grown = realloc(buf, cap + 1);
			if (!grown)
				abort();
			buf = grown;
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_at(ps, file, lineno, col, path, "cannot read: %s", strerror(errno));
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > PROFILE_MAX_FILE)
			return fail_at(ps, file, lineno, col, path, "larger than %d bytes", PROFILE_MAX_FILE);
	}
	buf[used] = '\0';
	*out = TAKE_PTR(buf);
	*len = used;
	return 0;
}

/* Parses a file; `from` is the include line that named it (NULL for a top-level file). */
static int parse_file(struct parser *ps, const char *path, enum profile_kind kind, struct line *from)
{
	const char *file = from ? from->file : path;
	unsigned lineno = from ? from->lineno : 0, col = from ? arg(from, 0)->col : 0;
	if (ps->depth > PROFILE_MAX_DEPTH)
		return fail_at(ps, file, lineno, col, path, "includes nested deeper than %d", PROFILE_MAX_DEPTH);
	if (ps->files >= PROFILE_MAX_FILES)
		return fail_at(ps, file, lineno, col, path, "more than %d files read for one profile", PROFILE_MAX_FILES);
	ps->files++;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct stat st = { 0 };
	int r = read_profile(ps, path, from, &text, &len, &st);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ps->depth; i++)
		if (ps->stack[i].dev == st.st_dev && ps->stack[i].ino == st.st_ino)
			return fail_at(ps, file, lineno, col, path, "include cycle: %s is already being read",
				       ps->stack[i].path);
	ps->stack[ps->depth++] = (struct frame){ .dev = st.st_dev, .ino = st.st_ino, .path = xstrdup(path),
						 .from = from ? xstrdup(from->origin) : NULL };
	r = parse_buffer(ps, text, len, path, kind);
	ps->depth--;
	free(ps->stack[ps->depth].path);
	free(ps->stack[ps->depth].from);
	return r;
}

/* ---- entry points ------------------------------------------------------------------------- */

static void print_errors(const struct parser *ps, FILE *out)
{
	for (size_t i = 0; i < ps->n_errors && ps->errors; i++) {
		const struct lint_error *e = &ps->errors[i];
		if (e->line == 0)
			fprintf(out, "%s: %s", e->file, e->message);
		else if (e->text)
			fprintf(out, "%s:%u:%u: %s: '%s'", e->file, e->line, e->column, e->message, e->text);
		else
			fprintf(out, "%s:%u:%u: %s", e->file, e->line, e->column, e->message);
		if (e->hint)
			fprintf(out, " (hint: %s)", e->hint);
		fputc('\n', out);
	}
}

int profile_parse_text(struct policy *p, const char *text, size_t len, const char *filename,
		       enum profile_kind kind, const struct profile_env *env, char *const dirs[3],
		       bool quiet, FILE *errors, struct sbx_error *err)
{
	struct parser ps;
	parser_init(&ps, p, env, dirs, NULL, err);
	ps.quiet = quiet;
	ps.keep_going = errors != NULL;
	int r = parse_buffer(&ps, text, len, filename, kind);
	if (errors)
		print_errors(&ps, errors);
	if (ps.n_errors && r == 0)
		r = -EINVAL;
	parser_free(&ps);
	return r;
}

bool profiles_dir_trusted(const char *dir)
{
	/* su keeps a user's environment: as root, only a directory that only root can change. */
	struct stat st;
	return getuid() != 0 || (stat(dir, &st) == 0 && st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)));
}

void profile_search_dirs(const struct profile_env *env, char *out[3])
{
	const char *home = env->home && env->home[0] == '/' ? env->home : "/";
	if (env->config_home && env->config_home[0] == '/')
		out[0] = xasprintf("%s/sbx/profiles", env->config_home);
	else
		out[0] = xasprintf("%s/.config/sbx/profiles", strcmp(home, "/") == 0 ? "" : home);
	out[1] = xstrdup(SBX_SYSCONFDIR "/sbx/profiles");
	const char *override = getenv("SBX_PROFILES_DIR");
	if (override && *override && !profiles_dir_trusted(override))
		override = NULL;
	if (override && override[0] == '/') {
		out[2] = xstrdup(override);
	} else if (override && *override) {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		out[2] = xasprintf("%s/%s", cwd ? cwd : "", override);
	} else {
		out[2] = xstrdup(SBX_DATADIR "/sbx/profiles");
	}
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(out[i]);
		while (n > 1 && out[i][n - 1] == '/')
			out[i][--n] = '\0';
	}
}

static void dirs_free(char *dirs[3])
{
	for (int i = 0; i < 3; i++) {
		free(dirs[i]);
		dirs[i] = NULL;
	}
}

/* Where the profile comes from: name and path (NULL path: the built-in default), and why. */
struct choice {
	char *name;
	char *path;
	bool fallback;     /* the app has no profile; "default" stands in */
	char *matched;     /* the command name that found it */
	char *via;         /* the symlink that led to that name, or NULL (the typed name) */
	char *claimed_by;  /* the profile whose `names` lists it, or NULL (NAME.profile) */
};

char *profile_resolve_command(const char *name)
{
	if (strchr(name, '/'))
		return xstrdup(name);
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *candidate = xasprintf("%s/%s", dir, name);
		struct stat st;
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
	}
	return xstrdup(name);
}

/* The profile for one command name: per directory (user, admin, distro), NAME.profile, then an
 * effective profile there whose `names` lists it. 1 found, 0 not, -EINVAL when two profiles of
 * one directory claim it. */
static int find_for_name(char *const dirs[3], const char *name, struct choice *c, struct sbx_error *err)
{
	for (int i = 0; i < 3; i++) {
		if (!dirs[i])
			continue;
		_cleanup_free_ char *own = xasprintf("%s/%s.profile", dirs[i], name);
		struct stat st;
		if (stat(own, &st) == 0 && S_ISREG(st.st_mode)) {
			c->path = TAKE_PTR(own);
			c->name = xstrdup(name);
			return 1;
		}
		_cleanup_free_ char *second = NULL;
		char *claim = claimant(dirs, i, name, NULL, &second);
		if (second) {
			sbx_fail(err, 0, "'%s' is claimed by two profiles ('names'): %s and %s", name, claim, second);
			sbx_hint(err, "remove it from one of them (sbx profile check reports this)");
			free(claim);
			return -EINVAL;
		}
		if (claim) {
			const char *base = strrchr(claim, '/') + 1;
			c->name = xstrndup(base, strlen(base) - 8);
			c->path = claim;
			c->claimed_by = xstrdup(claim);
			return 1;
		}
	}
	return 0;
}

#define LOOKUP_MAX_LINKS 8  /* symlinks followed from the command: alternatives take two */

/* Adds to names[] (and the link that led there to via[]) each new name along the symlinks of
 * command, a path; returns the new count (at most LOOKUP_MAX_LINKS + 1). */
static size_t link_names(const char *command, char **names, char **via, size_t n)
{
	char *cur = xstrdup(command);
	for (int k = 0; k < LOOKUP_MAX_LINKS; k++) {
		struct stat st;
		char target[PATH_MAX];
		ssize_t len;
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode) || (len = readlink(cur, target, sizeof(target) - 1)) <= 0)
			break;
		target[len] = '\0';
		const char *slash = strrchr(cur, '/');
		char *next = target[0] == '/' ? xstrdup(target) : xasprintf("%.*s/%s", (int)(slash - cur), cur, target);
		const char *last = strrchr(next, '/');
		const char *name = last ? last + 1 : next;
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen |= strcmp(names[i], name) == 0;
		if (!seen) {
			names[n] = xstrdup(name);
			via[n++] = xstrdup(cur);
		}
		free(cur);
		cur = next;
	}
	free(cur);
	return n;
}

static int choose_profile(char *const dirs[3], const char *command, const char *requested,
			  struct choice *c, struct sbx_error *err)
{
	memset(c, 0, sizeof(*c));
	if (requested && strchr(requested, '/')) {
		const char *base = strrchr(requested, '/') + 1;
		c->name = xstrdup(base);
		if (ends_with(c->name, ".profile"))
			c->name[strlen(c->name) - 8] = '\0';
		c->path = xstrdup(requested);
		return 0;
	}
	if (requested) {
		if (!valid_name(requested))
			return sbx_fail(err, 0, "--profile '%s': expected a profile name or a path", requested);
		_cleanup_free_ char *file = xasprintf("%s.profile", requested);
		c->path = find_in_dirs(dirs, file);
		if (!c->path) {
			_cleanup_free_ char *where = dirs_list(dirs);
			return sbx_fail(err, ENOENT, "profile '%s' (looked for %s in %s)", requested, file, where);
		}
		c->name = xstrdup(requested);
		return 0;
	}
	/* The typed name first, then each name along the command's symlinks in order
	 * (/usr/bin/python3 -> python3.11, /usr/bin/vi -> /etc/alternatives/vi -> /usr/bin/vim.basic):
	 * what the user typed is what they meant; a link only says what it happens to run. */
	char *names[LOOKUP_MAX_LINKS + 1] = { NULL }, *via[LOOKUP_MAX_LINKS + 1] = { NULL };
	size_t n = 0;
	const char *base = command ? strrchr(command, '/') : NULL;
	names[n++] = xstrdup(base ? base + 1 : command ? command : "");
	if (command && strchr(command, '/'))
		n = link_names(command, names, via, n);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!valid_name(names[i]) || strcmp(names[i], "default") == 0)
			continue;
		r = find_for_name(dirs, names[i], c, err);
		if (r == 1) {
			c->matched = TAKE_PTR(names[i]);
			c->via = TAKE_PTR(via[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(via[i]);
	}
	if (r != 0)
		return r < 0 ? r : 0;
	c->fallback = true;
	c->name = xstrdup("default");
	c->path = find_in_dirs(dirs, "default.profile");
	return 0;
}

static void choice_free(struct choice *c)
{
	free(c->name);
	free(c->path);
	free(c->matched);
	free(c->via);
	free(c->claimed_by);
}

/* Parses the chosen profile and its .local files into p. */
static int load_into(struct parser *ps, const struct choice *c)
{
	int r = 0, first = 0;
	if (c->path) {
		r = parse_file(ps, c->path, profile_kind_of(c->path), NULL);
		if (r < 0) {
			first = r;
			if (!ps->keep_going)
				return r;
		}
	}
	if (!valid_name(c->name))
		return first;
	/* Admin overrides first, then the user's, so the user's own choice wins. */
	_cleanup_free_ char *local = xasprintf("%s.local", c->name);
	for (int i = 1; i >= 0; i--) {
		if (!ps->dirs[i])
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", ps->dirs[i], local);
		struct stat st;
		if (stat(path, &st) < 0)
			continue;
		r = parse_file(ps, path, PROFILE_KIND_LOCAL, NULL);
		if (r < 0) {
			if (!first)
				first = r;
			if (!ps->keep_going)
				return r;
		}
	}
	return first;
}

int profile_load(struct policy *p, const char *command, const char *requested,
		 const struct profile_env *env, struct sbx_error *err)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	struct choice c;
	int r = choose_profile(dirs, command, requested, &c, err);
	if (r == 0) {
		const char *base = command ? strrchr(command, '/') : NULL;
		base = base ? base + 1 : command;
		if (c.fallback && !p->quiet) {
			if (c.path)
				sbx_note("no profile for '%s'; using the default profile (%s): no network, "
					 "empty home, the working directory if it is a project directory. Write "
					 "%s/%s.profile to grant more.",
					base ? base : "?", c.path, dirs[0], base ? base : "APP");
			else
				sbx_note("no profile for '%s' and no default.profile; using the built-in "
					 "defaults: no network, empty home.",
					base ? base : "?");
		}
		free(p->profile_name);
		free(p->profile_path);
		p->profile_name = xstrdup(c.name);
		p->profile_path = c.path ? xstrdup(c.path) : NULL;
		struct parser ps;
		parser_init(&ps, p, env, dirs, c.fallback && base ? base : c.name, err);
		ps.quiet = p->quiet;
		r = load_into(&ps, &c);
		if (r == 0 && env->handed_by)
			grant_handed(&ps);
		parser_free(&ps);
	}
	choice_free(&c);
	dirs_free(dirs);
	return r;
}

int profile_apply_options(struct policy *p, const struct profile_env *env, const struct option_line *lines,
			  size_t n, bool quiet, struct sbx_error *err)
{
	if (n == 0)
		return 0;
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	struct parser ps;
	parser_init(&ps, p, env, dirs, p->profile_name, err);
	ps.quiet = quiet;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct option_line *o = &lines[i];
		struct token *tok = xcalloc(o->n_words, sizeof(*tok));
		for (size_t k = 0; k < o->n_words; k++)
			tok[k] = (struct token){ .text = xstrdup(o->words[k]), .col = 1 };
		/* Line 0: messages read "LABEL: what is wrong". */
		struct line ln = {
			.file = o->label,
			.kind = PROFILE_KIND_COMMAND_LINE,
			.origin = xstrdup("command line"),
		};
		r = run_line(&ps, &ln, tok, o->n_words);
		free(ln.origin);
		free(ln.note);
		free(ln.text);
		tokens_free(tok, o->n_words);
	}
	parser_free(&ps);
	dirs_free(dirs);
	return r;
}

/* ---- sbx profile check | show ------------------------------------------------------------- */

static void json_error_list(const struct parser *ps, FILE *out, bool *first)
{
	for (size_t i = 0; i < ps->n_errors && ps->errors; i++) {
		const struct lint_error *e = &ps->errors[i];
		fputs(*first ? "" : ",", out);
		*first = false;
		fputs("{\"file\":", out);
		json_string(out, e->file);
		fprintf(out, ",\"line\":%u,\"column\":%u,\"message\":", e->line, e->column);
		json_string(out, e->message);
		fputs(",\"text\":", out);
		if (e->text)
			json_string(out, e->text);
		else
			fputs("null", out);
		fputs(",\"hint\":", out);
		if (e->hint)
			json_string(out, e->hint);
		else
			fputs("null", out);
		fputc('}', out);
	}
}

static int check_main(int n, char **files, bool json, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	unsigned bad = 0;
	bool first = true;
	if (json)
		fputs("{\"errors\":[", stdout);
	for (int i = 0; i < n; i++) {
		struct policy p;
		policy_init(&p);
		struct sbx_error err = { 0 };
		struct parser ps;
		const char *base = strrchr(files[i], '/');
		_cleanup_free_ char *app = xstrdup(base ? base + 1 : files[i]);
		char *dot = strrchr(app, '.');
		if (dot && dot != app)
			*dot = '\0';
		parser_init(&ps, &p, env, dirs, app, &err);
		ps.quiet = true;
		ps.keep_going = true;
		ps.lint = true;
		int r = parse_file(&ps, files[i], profile_kind_of(files[i]), NULL);
		if (r == 0 && ps.n_errors == 0) {
			struct sbx_error se = { 0 };
			if (seccomp_validate(&p, &se) < 0) {
				struct lint_error *e = ARRAY_PUSH(ps.errors, ps.n_errors);
				e->file = xstrdup(files[i]);
				e->message = xstrdup(se.msg);
			}
		}
		if (ps.n_errors)
			bad++;
		if (json) {
			json_error_list(&ps, stdout, &first);
		} else if (ps.n_errors) {
			print_errors(&ps, stdout);
		} else {
			printf("%s: ok\n", files[i]);
		}
		parser_free(&ps);
		policy_free(&p);
	}
	if (json)
		printf("],\"ok\":%s}\n", bad ? "false" : "true");
	dirs_free(dirs);
	return bad ? 1 : 0;
}

static int show_main(const char *app, bool json, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	struct policy p;
	policy_init(&p);
	struct sbx_error err = { 0 };
	struct choice c;
	bool path_given = strchr(app, '/') != NULL;
	int r = choose_profile(dirs, path_given ? NULL : app, path_given ? app : NULL, &c, &err);
	struct parser ps = { 0 };
	bool ps_ready = false;
	if (r == 0) {
		parser_init(&ps, &p, env, dirs, c.fallback ? app : c.name, &err);
		ps_ready = true;
		ps.quiet = true;
		ps.record = true;
		r = load_into(&ps, &c);
	}
	int code = 0;
	if (r < 0) {
		sbx_report(&err);
		code = 1;
	} else if (json) {
		fputs("{\"profile\":", stdout);
		json_string(stdout, c.name);
		fputs(",\"path\":", stdout);
		if (c.path)
			json_string(stdout, c.path);
		else
			fputs("null", stdout);
		printf(",\"default_used\":%s,\"lines\":[", c.fallback ? "true" : "false");
		for (size_t i = 0; i < ps.n_shown; i++) {
			const struct shown_line *s = &ps.shown[i];
			fputs(i ? ",{\"file\":" : "{\"file\":", stdout);
			json_string(stdout, s->file);
			printf(",\"line\":%u,\"text\":", s->line);
			json_string(stdout, s->text);
			printf(",\"override\":%s,\"note\":", s->override ? "true" : "false");
			if (s->note)
				json_string(stdout, s->note);
			else
				fputs("null", stdout);
			fputc('}', stdout);
		}
		fputs("]}\n", stdout);
	} else {
		if (c.fallback)
			printf("# no profile for '%s': the default profile applies\n", app);
		printf("# profile %s: %s\n", c.name, c.path ? c.path : "(built-in defaults)");
		for (size_t i = 0; i < ps.n_shown; i++) {
			const struct shown_line *s = &ps.shown[i];
			printf("%s:%u: %s", s->file, s->line, s->text);
			if (s->note)
				printf("  # %s", s->note);
			putchar('\n');
		}
	}
	if (ps_ready)
		parser_free(&ps);
	choice_free(&c);
	policy_free(&p);
	dirs_free(dirs);
	return code;
}

/* sbx profile which CMD: the profile file COMMAND gets, and why, on one line. */
static int which_main(const char *command, bool json, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	/* A link `sbx wrap` made, first in PATH: typing the name runs the real program sandboxed. */
	_cleanup_free_ char *wrap_real = NULL;
	_cleanup_free_ char *wrap_link = wrap_link_first(command, &wrap_real);
	_cleanup_free_ char *resolved = wrap_real ? xstrdup(wrap_real) : profile_resolve_command(command);
	struct sbx_error err = { 0 };
	struct choice c;
	int r = choose_profile(dirs, resolved, NULL, &c, &err);
	int code = 0;
	if (r < 0) {
		sbx_report(&err);
		code = 1;
	} else if (json) {
		const char *how = c.fallback ? "default" : c.claimed_by ? "names" : c.via ? "symlink" : "typed";
		const char *fields[][2] = { { "command", command }, { "resolved", resolved }, { "profile", c.name },
					    { "path", c.path }, { "how", how }, { "name", c.matched },
					    { "symlink", c.via }, { "names_file", c.claimed_by }, { "wrap_link", wrap_link } };
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			printf(i ? ",\"%s\":" : "{\"%s\":", fields[i][0]);
			if (fields[i][1])
				json_string(stdout, fields[i][1]);
			else
				fputs("null", stdout);
		}
		fputs("}\n", stdout);
	} else {
		_cleanup_free_ char *link = c.via ? xasprintf("via symlink %s -> %s", c.via, c.matched) : NULL;
		_cleanup_free_ char *claim = c.claimed_by ? xasprintf("via 'names' in %s", c.claimed_by) : NULL;
		const char *base = strrchr(resolved, '/');
		_cleanup_free_ char *why = c.fallback ? xasprintf("default: no profile for '%s'", base ? base + 1 : resolved)
				       : link && claim ? xasprintf("%s, %s", link, claim)
				       : xstrdup(link ? link : claim ? claim : "typed name");
		printf("%s: %s (%s)\n", command, c.path ? c.path : "built-in defaults", why);
		if (wrap_link && wrap_real)
			printf("%s: first in PATH is %s, a link to sbx (sbx wrap): typing %s runs %s sandboxed\n", command,
			       wrap_link, command, wrap_real);
		else if (wrap_link)
			printf("%s: first in PATH is %s, a link to sbx (sbx wrap), but PATH has no other %s: typing it "
			       "fails\n", command, wrap_link, command);
	}
	choice_free(&c);
	dirs_free(dirs);
	return code;
}

int profile_find(const struct profile_env *env, const char *command, char **name, int *tier)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	_cleanup_free_ char *resolved = profile_resolve_command(command);
	struct sbx_error err = { 0 };
	struct choice c;
	int r = choose_profile(dirs, resolved, NULL, &c, &err);
	if (r == 0 && !c.fallback) {
		*tier = -1;
		for (int i = 0; i < 3 && *tier < 0; i++)
			if (c.path && path_within(c.path, dirs[i]))
				*tier = i;
		*name = TAKE_PTR(c.name);
		r = 1;
	}
	choice_free(&c);
	dirs_free(dirs);
	return r;
}

static void profile_usage(FILE *out)
{
	fputs("usage: sbx profile check [--json] FILE...\n"
	      "       sbx profile show [--json] APP|PATH\n"
	      "       sbx profile which [--json] COMMAND\n"
	      "       sbx profile dirs\n"
	      "       sbx profile directives\n"
	      "       sbx profile import-firejail [--firejail-dir DIR] [-o FILE|DIR] [--report FILE] [--summary] PROFILE...\n",
	      out);
}

int profile_main(int argc, char **argv, const struct profile_env *env)
{
	if (argc < 2) {
		profile_usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "import-firejail") == 0)
		return firejail_import_main(argc - 1, argv + 1);
	bool json = false;
	_cleanup_free_ char **rest = xcalloc((size_t)argc, sizeof(char *));
	int n = 0;
	bool options_done = false;
	for (int i = 2; i < argc; i++) {
		if (!options_done && strcmp(argv[i], "--json") == 0)
			json = true;
		else if (!options_done && strcmp(argv[i], "--") == 0)
			options_done = true;
		else if (!options_done && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sbx profile: unknown option '%s'\n", argv[i]);
			profile_usage(stderr);
			return 2;
		} else
			rest[n++] = argv[i];
	}
	if (strcmp(sub, "check") == 0 && n >= 1)
		return check_main(n, rest, json, env);
	if (strcmp(sub, "show") == 0 && n == 1)
		return show_main(rest[0], json, env);
	if (strcmp(sub, "which") == 0 && n == 1)
		return which_main(rest[0], json, env);
	if (strcmp(sub, "dirs") == 0 && n == 0) {
		char *dirs[3] = { NULL };
		profile_search_dirs(env, dirs);
		static const char *const labels[] = { "user", "admin", "distro" };
		for (int i = 0; i < 3; i++)
			printf("%s\t%s\n", labels[i], dirs[i]);
		dirs_free(dirs);
		return 0;
	}
	if (strcmp(sub, "directives") == 0 && n == 0) {
		/* The table: NAME, the option (or '-' for profile-only), the profile line's usage. */
		struct directive_spelling d;
		for (size_t i = 0; profile_directive(i, &d); i++)
			printf("%s\t%s\t%s\n", d.name, d.option ? d.option : "-", d.usage);
		return 0;
	}
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		profile_usage(stdout);
		return 0;
	}
	profile_usage(stderr);
	return 2;
}
