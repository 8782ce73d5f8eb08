/* Profiles, the lexical layer: errors with file:line:column, the parser's state and variables,
 * and the tokenizer that splits a line into words (sbx-profile(5) "Syntax"). */
#include "profile_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "hostpath.h"
#include "workdir.h"

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
int __attribute__((format(printf, 6, 7)))
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
void __attribute__((format(printf, 2, 3))) hint(struct parser *ps, const char *fmt, ...)
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

void __attribute__((format(printf, 3, 4))) note(struct parser *ps, struct line *ln, const char *fmt, ...)
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

/* Profile and include names: what a file name in a search directory may be. */
bool valid_name(const char *s)
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

enum profile_kind profile_kind_of(const char *path)
{
	if (ends_with(path, ".inc"))
		return PROFILE_KIND_INCLUDE;
	if (ends_with(path, ".local"))
		return PROFILE_KIND_LOCAL;
	return PROFILE_KIND_PROFILE;
}

/* The first dir/name that is a regular file, or NULL. */
char *find_in_dirs(char *const dirs[3], const char *name)
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

char *dirs_list(char *const dirs[3])
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

void parser_init(struct parser *ps, struct policy *p, const struct profile_env *env,
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
char *refusal(struct parser *ps, const char *what, const char *path)
{
	struct secrets sc;
	secrets_init(ps, &sc);
	char *why = path_refusal(what, path, ps->home, ps->runtime_dir, sc.list);
	secrets_free(&sc);
	return why;
}

char *working_directory(struct parser *ps)
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

void parser_free(struct parser *ps)
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

/* Appends n bytes; false when the word would exceed PROFILE_MAX_WORD. */
static bool word_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > PROFILE_MAX_WORD)
		return false;
	buf_add(b, s, n);
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
		return word_add(b, "$", 1) ? 0 : fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes", PROFILE_MAX_WORD);
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
	bool ok = word_add(b, value, strlen(value));
	return ok ? 0 : fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes after expansion", PROFILE_MAX_WORD);
}

/* Splits a line into words, the way a shell would without its surprises: blanks separate words,
 * "double quotes" keep blanks (escapes inside: \" \\ \$) and may be part of a word
 * (NAME="a b"), # at the start of a word begins a comment, ~ or ~/ at the start of a word is
 * ${HOME}, and ${NAME} expands everywhere except in the directive's keyword. */
int tokenize(struct parser *ps, const char *file, unsigned lineno, const char *line,
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
		word_add(&b, "", 0);
		/* The keyword (the first word, or the second after `override`) is taken literally. */
		bool keyword = *count == 1 || (*count == 2 && strcmp((*out)[0].text, "override") == 0);
		int r = 0;
		if (!keyword && *s == '~' && (s[1] == '/' || s[1] == '\0' || is_blank(s[1]))) {
			word_add(&b, ps->home, strlen(ps->home));
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
				else if (!word_add(&b, s + 1, 1))
					r = fail_at(ps, file, lineno, t->col, NULL, "word longer than %d bytes", PROFILE_MAX_WORD);
				else
					s += 2;
			} else if (*s == '$' && !keyword) {
				const char *end = s;
				while (*end && *end != '"' && (quoted || !is_blank(*end)))
					end++;
				r = expand_variable(ps, file, lineno, line, &s, end, &b, t);
			} else if (!word_add(&b, s, 1)) {
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

void tokens_free(struct token *tok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tok[i].text);
	free(tok);
}

static char *quote_word(const char *w);

/* The keyword and its words, quoted where needed: "net host", "setenv A \"b c\"". */
char *join_words(const struct token *tok, size_t n)
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
