/* Profiles: reading files (bounded, and as root only files root alone can change), includes,
 * .local files, and the lookup of a command's profile across the user, admin and distro
 * directories; the entry points profile_load and profile_apply_options. */
#include "profile_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

/* ---- files -------------------------------------------------------------------------------- */

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
int parse_file(struct parser *ps, const char *path, enum profile_kind kind, struct line *from)
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

/* ---- includes ----------------------------------------------------------------------------- */

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

int d_include(struct parser *ps, struct line *ln) { return do_include(ps, ln, false); }
int d_include_try(struct parser *ps, struct line *ln) { return do_include(ps, ln, true); }

/* ---- entry points ------------------------------------------------------------------------- */

void print_errors(const struct parser *ps, FILE *out)
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

void dirs_free(char *dirs[3])
{
	for (int i = 0; i < 3; i++) {
		free(dirs[i]);
		dirs[i] = NULL;
	}
}

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
		char *claim = claimant(dirs, i, name, NULL, &second, true);
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

int choose_profile(char *const dirs[3], const char *command, const char *requested,
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

void choice_free(struct choice *c)
{
	free(c->name);
	free(c->path);
	free(c->matched);
	free(c->via);
	free(c->claimed_by);
}

/* Parses the chosen profile and its .local files into p. */
int load_into(struct parser *ps, const struct choice *c)
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
