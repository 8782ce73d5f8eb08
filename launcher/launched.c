/* Files handed over by a desktop launcher (see launched.h). Reads one desktop file through a
 * descriptor opened without following a link, and matches the command line against its Exec
 * templates the way GLib expands them: the raw Exec with each field code replaced, then split. */
#include "launched.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "desktop_entry.h"

#define LAUNCHED_MAX_ARGS 4096  /* arguments of the command matched against a template */

/* ---- file URIs ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *launched_uri_path(const char *arg, const char **why)
{
	*why = NULL;
	/* RFC 3986 scheme: a letter, then letters, digits, '+', '-', '.', then ':'. */
	size_t n = 0;
	if (!((arg[0] >= 'a' && arg[0] <= 'z') || (arg[0] >= 'A' && arg[0] <= 'Z')))
		return NULL;
	while (arg[n] && (strchr("+-.", arg[n]) || (arg[n] >= 'a' && arg[n] <= 'z') || (arg[n] >= 'A' && arg[n] <= 'Z') ||
			  (arg[n] >= '0' && arg[n] <= '9')))
		n++;
	if (arg[n] != ':')
		return NULL;
	if (n != 4 || strncasecmp(arg, "file", 4) != 0) {
		*why = "a URI, not a local file: passed on as it is";
		return NULL;
	}
	const char *p = arg + 5;
	if (strncmp(p, "//", 2) != 0) {
		*why = "a file URI without '//': passed on as it is";
		return NULL;
	}
	p += 2;
	const char *slash = strchr(p, '/');
	size_t host = slash ? (size_t)(slash - p) : strlen(p);
	if (!slash || (host && !(host == 9 && strncasecmp(p, "localhost", 9) == 0))) {
		*why = "a file URI of another host: passed on as it is";
		return NULL;
	}
	/* GLib refuses a fragment and an escaped '/' or NUL in a file URI; so does sbx. */
	if (strchr(slash, '#')) {
		*why = "a file URI with a fragment ('#'): passed on as it is";
		return NULL;
	}
	char *out = xmalloc(strlen(slash) + 1), *q = out;
	for (const char *c = slash; *c; c++) {
		if (*c != '%') {
			*q++ = *c;
			continue;
		}
		int hi = hex_digit(c[1]), lo = hi < 0 ? -1 : hex_digit(c[2]);
		if (lo < 0 || (hi == 0 && lo == 0) || (hi == 2 && (lo == 0xf))) {
			free(out);
			*why = "a malformed file URI (a bad %-escape, or an escaped '/' or NUL): passed on as it is";
			return NULL;
		}
		*q++ = (char)(hi * 16 + lo);
		c += 2;
	}
	*q = '\0';
	return out;
}

/* ---- matching a command line against a template ---- */

enum piece_kind { PIECE_TEXT, PIECE_ANY, PIECE_FILE };

struct piece {
	enum piece_kind kind;
	char *text;  /* PIECE_TEXT */
};

enum elem_kind {
	ELEM_WORD,      /* exactly one argument matching the pieces */
	ELEM_ONE_FILE,  /* %f or %u alone: one file or none */
	ELEM_FILES,     /* %F or %U alone: any number of files */
	ELEM_ICON,      /* %i alone: "--icon NAME" or nothing */
};

struct elem {
	enum elem_kind kind;
	struct piece *pieces;
	size_t n_pieces;
};

struct matcher {
	struct elem *elems;
	size_t n_elems;
	char *const *args;
	size_t n_args;
	unsigned char *failed;  /* (elem, arg) pairs known not to match */
	bool *at_field;
	size_t *start, *len;
};

static void elem_clear(struct elem *e)
{
	for (size_t j = 0; j < e->n_pieces; j++)
		free(e->pieces[j].text);
	free(e->pieces);
	*e = (struct elem){ 0 };
}

static void elems_free(struct elem *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		elem_clear(&e[i]);
	free(e);
}

static void add_piece(struct elem *e, enum piece_kind kind, const char *text, size_t len)
{
	if (kind == PIECE_TEXT && e->n_pieces && e->pieces[e->n_pieces - 1].kind == PIECE_TEXT) {
		struct piece *last = &e->pieces[e->n_pieces - 1];
		size_t old = strlen(last->text);
		last->text = realloc(last->text, old + len + 1);
		if (!last->text)
			abort();
		memcpy(last->text + old, text, len);
		last->text[old + len] = '\0';
		return;
	}
	struct piece *p = ARRAY_PUSH(e->pieces, e->n_pieces);
	p->kind = kind;
	p->text = kind == PIECE_TEXT ? xstrndup(text, len) : NULL;
}

#define MAX_WILDCARDS 4  /* codes inside one word; GLib's own templates have one */

/* One template word as GLib expands it: %% a '%', the deprecated codes nothing, %c %k the name or
 * the file's location (any text, one word: a desktop file always has both), the first file code of the word the file (a code alone may
 * stand for no argument, or for several). 1, 0 for a word that stands for nothing, -1 for one
 * with more than MAX_WILDCARDS codes (never matched). */
static int compile_word(const char *w, struct elem *out)
{
	*out = (struct elem){ .kind = ELEM_WORD };
	if (strlen(w) == 2 && w[0] == '%' && strchr("fuFUi", w[1])) {
		out->kind = w[1] == 'f' || w[1] == 'u' ? ELEM_ONE_FILE : w[1] == 'i' ? ELEM_ICON : ELEM_FILES;
		return 1;
	}
	bool file = false, any = false, text = false;
	unsigned wild = 0;
	for (const char *c = w; *c; c++) {
		if (*c != '%' || !c[1]) {
			add_piece(out, PIECE_TEXT, c, 1);
			text = true;
			continue;
		}
		char code = *++c;
		if (code == '%') {
			add_piece(out, PIECE_TEXT, "%", 1);
			text = true;
		} else if (strchr("fuFU", code) && !file) {
			add_piece(out, PIECE_FILE, NULL, 0);
			file = true;
			wild++;
		} else if (strchr("fuFUcki", code)) {
			/* A second file code in a word, or a name, a location, an icon: not checked. */
			add_piece(out, PIECE_ANY, NULL, 0);
			any = true;
			wild++;
		}
		/* %d %D %n %N %v %m: expand to nothing. */
	}
	if (wild > MAX_WILDCARDS)
		return -1;
	if (!text && !file && !any && *w)
		return 0;  /* only deprecated codes: no argument at all */
	return 1;
}

/* Whether arg matches the pieces; the file piece's span goes to *fs, *fl. Each code takes the
 * longest text after which the rest still matches. Worked out from the last piece back, one pass
 * over the argument per piece: `rest` says from which bytes the pieces after this one match, and
 * a code's choice is the last such byte (trying every split instead took the argument's length
 * to the power of the codes: a fuzzed template ran for minutes). */
static bool pieces_match(const struct piece *pc, size_t n, const char *arg, size_t *fs, size_t *fl)
{
	size_t len = strlen(arg);
	bool *here = xcalloc(len + 1, sizeof(bool)), *rest = xcalloc(len + 1, sizeof(bool));
	size_t *end = xcalloc(n + 1, sizeof(size_t));
	here[len] = true;  /* after the last piece: only the argument's end */
	for (size_t i = n; i-- > 0;) {
		bool *swap = rest;
		rest = here;
		here = swap;
		if (pc[i].kind == PIECE_TEXT) {
			size_t tl = strlen(pc[i].text);
			for (size_t at = 0; at <= len; at++)
				here[at] = at + tl <= len && rest[at + tl] && memcmp(arg + at, pc[i].text, tl) == 0;
			continue;
		}
		end[i] = SIZE_MAX;
		for (size_t e = len + 1; e-- > 0 && end[i] == SIZE_MAX;)
			if (rest[e])
				end[i] = e;
		for (size_t at = 0; at <= len; at++)
			here[at] = end[i] != SIZE_MAX && end[i] >= at;
	}
	bool match = here[0];
	for (size_t i = 0, at = 0; match && i < n; i++) {
		if (pc[i].kind == PIECE_TEXT) {
			at += strlen(pc[i].text);
			continue;
		}
		if (pc[i].kind == PIECE_FILE) {
			*fs = at;
			*fl = end[i] - at;
		}
		at = end[i];
	}
	free(here);
	free(rest);
	free(end);
	return match;
}

static bool match_from(struct matcher *m, size_t i, size_t j)
{
	if (i == m->n_elems)
		return j == m->n_args;
	unsigned char *failed = &m->failed[i * (m->n_args + 1) + j];
	if (*failed)
		return false;
	const struct elem *e = &m->elems[i];
	bool left = j < m->n_args;
	switch (e->kind) {
	case ELEM_WORD: {
		size_t fs = 0, fl = 0;
		if (left && pieces_match(e->pieces, e->n_pieces, m->args[j], &fs, &fl) && match_from(m, i + 1, j + 1)) {
			m->at_field[j] = fl > 0;
			m->start[j] = fs;
			m->len[j] = fl;
			return true;
		}
		break;
	}
	case ELEM_ICON:
		if ((left && j + 1 < m->n_args && strcmp(m->args[j], "--icon") == 0 && match_from(m, i + 1, j + 2)) ||
		    match_from(m, i + 1, j))
			return true;
		break;
	case ELEM_ONE_FILE:
	case ELEM_FILES: {
		size_t most = e->kind == ELEM_ONE_FILE ? (left ? 1 : 0) : m->n_args - j;
		for (size_t k = most + 1; k-- > 0;) {
			if (match_from(m, i + 1, j + k)) {
				for (size_t a = j; a < j + k; a++) {
					m->at_field[a] = m->args[a][0] != '\0';
					m->start[a] = 0;
					m->len[a] = strlen(m->args[a]);
				}
				return true;
			}
		}
		break;
	}
	}
	*failed = 1;
	return false;
}

bool launched_match(char *const *tmpl, size_t n_tmpl, char *const *args, size_t n_args, bool *at_field,
		    size_t *field_start, size_t *field_len)
{
	if (n_args > LAUNCHED_MAX_ARGS || n_tmpl > DESKTOP_MAX_ARGS)
		return false;
	struct elem *elems = NULL;
	size_t n_elems = 0;
	bool has_file = false;
	for (size_t i = 0; i < n_tmpl; i++) {
		struct elem e;
		int r = compile_word(tmpl[i], &e);
		if (r <= 0)
			elem_clear(&e);
		if (r < 0) {
			elems_free(elems, n_elems);
			return false;
		}
		if (r == 0)
			continue;
		for (size_t k = 0; k < e.n_pieces; k++)
			has_file = has_file || e.pieces[k].kind == PIECE_FILE;
		has_file = has_file || e.kind == ELEM_ONE_FILE || e.kind == ELEM_FILES;
		*ARRAY_PUSH(elems, n_elems) = e;
	}
	/* GLib appends %f to an Exec without a file code when it is given files ("what KDE does"). */
	if (!has_file)
		*ARRAY_PUSH(elems, n_elems) = (struct elem){ .kind = ELEM_ONE_FILE };
	for (size_t a = 0; a < n_args; a++) {
		at_field[a] = false;
		field_start[a] = field_len[a] = 0;
	}
	struct matcher m = {
		.elems = elems, .n_elems = n_elems, .args = args, .n_args = n_args,
		.failed = xcalloc((n_elems + 1) * (n_args + 1), 1),
		.at_field = at_field, .start = field_start, .len = field_len,
	};
	bool ok = match_from(&m, 0, 0);
	if (!ok)
		for (size_t a = 0; a < n_args; a++)
			at_field[a] = false;
	free(m.failed);
	elems_free(elems, n_elems);
	return ok;
}

/* ---- the desktop file ---- */

void launched_free(struct launched *l)
{
	free(l->file);
	free(l->group);
	free(l->exec);
	for (size_t i = 0; i < l->n_args; i++) {
		free(l->args[i].arg);
		free(l->args[i].path);
	}
	free(l->args);
	free(l->paths);
	*l = (struct launched){ 0 };
}

/* A word of the copy's Exec as the launcher passes it: "%%" is one '%'. */
static char *unpercent(const char *w)
{
	char *out = xstrdup(w), *q = out;
	for (const char *c = w; *c; c++) {
		*q++ = *c;
		if (c[0] == '%' && c[1] == '%')
			c++;
	}
	*q = '\0';
	return out;
}

static bool same_file(const char *path, const struct stat *st)
{
	struct stat other;
	return stat(path, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

/* The template of one Exec value: the words after sbx's own "--", when the words before it name
 * this very file with --launched-from (a line copied from another file does not count). */
static bool template_of(const struct desktop_exec *e, const char *file, const struct stat *st, size_t *first)
{
	bool names_file = false;
	for (size_t i = 1; i < e->argc; i++) {
		if (strcmp(e->argv[i], "--") == 0) {
			*first = i + 1;
			return names_file;
		}
		if (strcmp(e->argv[i], "--launched-from") == 0 && i + 1 < e->argc) {
			_cleanup_free_ char *named = unpercent(e->argv[++i]);
			names_file = strcmp(named, file) == 0 || same_file(named, st);
		}
	}
	return false;
}

/* Fills l from the first Exec line of text that argv matches. */
static bool match_lines(const char *text, size_t len, const char *file, const struct stat *st, char *const *argv,
			size_t argc, struct launched *l)
{
	_cleanup_free_ bool *at = xcalloc(argc + 1, sizeof(bool));
	_cleanup_free_ size_t *fs = xcalloc(argc + 1, sizeof(size_t));
	_cleanup_free_ size_t *fl = xcalloc(argc + 1, sizeof(size_t));
	_cleanup_free_ char *group = NULL;
	for (size_t pos = 0; pos < len;) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + 1;
		_cleanup_free_ char *line = xstrndup(start, n);
		const char *p = line + strspn(line, " \t");
		if (*p == '[') {
			free(group);
			group = xstrndup(p + 1, strcspn(p + 1, "]"));
			continue;
		}
		if (!group || (strcmp(group, "Desktop Entry") != 0 && strncmp(group, "Desktop Action ", 15) != 0) ||
		    strncmp(p, "Exec", 4) != 0)
			continue;
		const char *eq = p + 4 + strspn(p + 4, " \t");
		if (*eq != '=')
			continue;
		const char *value = eq + 1 + strspn(eq + 1, " \t");
		struct desktop_exec e;
		char why[256];
		size_t first = 0;
		if (desktop_exec_parse(value, &e, why, sizeof(why)) < 0)
			continue;
		bool ok = template_of(&e, file, st, &first) &&
			  launched_match(e.argv + first, e.argc - first, argv, argc, at, fs, fl);
		desktop_exec_free(&e);
		if (!ok)
			continue;
		l->group = TAKE_PTR(group);
		l->exec = xstrdup(value);
		for (size_t a = 0; a < argc; a++) {
			if (!at[a])
				continue;
			struct launched_arg *la = ARRAY_PUSH(l->args, l->n_args);
			la->arg = xstrdup(argv[a]);
			_cleanup_free_ char *part = xstrndup(argv[a] + fs[a], fl[a]);
			const char *uri_why = NULL;
			if (part[0] == '-') {
				la->why = "looks like an option: passed on, not granted";
			} else {
				la->path = launched_uri_path(part, &uri_why);
				la->why = uri_why;
				if (!la->path && !uri_why)
					la->path = TAKE_PTR(part);
			}
		}
		for (size_t i = 0; i < l->n_args; i++)
			if (l->args[i].path)
				*ARRAY_PUSH(l->paths, l->n_paths) = l->args[i].path;
		return true;
	}
	return false;
}

int launched_check(const char *file, uid_t caller, char *const *argv, size_t argc, struct launched *out,
		   struct sbx_error *err)
{
	*out = (struct launched){ 0 };
	if (file[0] != '/')
		return sbx_fail(err, 0, "--launched-from %s: not an absolute path", file);
	if (argc > LAUNCHED_MAX_ARGS)
		return sbx_fail(err, 0, "--launched-from %s: more than %d arguments to match", file, LAUNCHED_MAX_ARGS);
	/* O_NONBLOCK: a FIFO put in its place must not hang sbx; it is refused below. */
	_cleanup_close_ int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return sbx_fail(err, errno == ELOOP ? 0 : errno, "--launched-from %s%s", file,
				errno == ELOOP ? ": a symbolic link; sbx trusts only the managed copy itself" : "");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return sbx_fail(err, errno, "--launched-from %s", file);
	if (!S_ISREG(st.st_mode))
		return sbx_fail(err, 0, "--launched-from %s: not a regular file", file);
	if (st.st_uid != caller && st.st_uid != 0)
		return sbx_fail(err, 0, "--launched-from %s: owned by uid %u, neither you (uid %u) nor root; its grants "
				"are not believed", file, (unsigned)st.st_uid, (unsigned)caller);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return sbx_fail(err, 0, "--launched-from %s: others may write it (mode %04o); its grants are not "
				"believed", file, (unsigned)(st.st_mode & 07777));
	if (st.st_size > DESKTOP_MAX_FILE)
		return sbx_fail(err, 0, "--launched-from %s: larger than %d bytes", file, DESKTOP_MAX_FILE);
	_cleanup_free_ char *text = xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fd, text + len, (size_t)st.st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sbx_fail(err, errno, "--launched-from %s", file);
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > (size_t)st.st_size)
			return sbx_fail(err, 0, "--launched-from %s: changed while sbx read it", file);
	}
	struct desktop_info info;
	char why[300];
	if (desktop_parse(text, len, DESKTOP_APP, &info, why, sizeof(why)) < 0)
		return sbx_fail(err, 0, "--launched-from %s: not a valid desktop file: %s", file, why);
	bool managed = info.managed_source != NULL;
	desktop_info_free(&info);
	if (!managed)
		return sbx_fail(err, 0, "--launched-from %s: not a copy `sbx desktop enable` made (no " DESKTOP_MARKER
				" key)", file);
	if (!match_lines(text, len, file, &st, argv, argc, out)) {
		launched_free(out);
		return sbx_fail(err, 0, "--launched-from %s: the command line (%s%s) matches none of its Exec lines; "
				"nothing granted, nothing started", file, argc ? argv[0] : "", argc > 1 ? " ..." : "");
	}
	out->file = xstrdup(file);
	return 0;
}
