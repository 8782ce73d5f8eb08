/* Resolving a firejail profile's include chain the way firejail does: conditionals, the
 * first-wins `ignore` list, `whitelist-ro`, missing *.local files skipped (firejail_internal.h). */
#include "firejail_internal.h"
#include "privdirs.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"

/* ---- small helpers ---------------------------------------------------------------------------- */

static void collapse(char *s)
{
	char *o = s;
	bool space = false;
	for (char *c = s; *c; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\r') {
			space = o != s;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = *c;
	}
	*o = '\0';
}

static bool starts_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	return strncmp(line, word, n) == 0 && (line[n] == '\0' || line[n] == ' ');
}

const char *fj_arg_of(const char *line)
{
	const char *sp = strchr(line, ' ');
	return sp ? sp + 1 : "";
}

static void fail_at(struct resolver *r, const char *file, unsigned lineno, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail_at(struct resolver *r, const char *file, unsigned lineno, const char *fmt, ...)
{
	if (r->error)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	r->error = lineno ? xasprintf("%s:%u: %s", file, lineno, msg ? msg : "error")
			  : xasprintf("%s: %s", file, msg ? msg : "error");
	free(msg);
}

char *fj_read_disk(void *ctx, const char *path, size_t *len)
{
	(void)ctx;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return NULL;
	}
	if (st.st_size > FJ_MAX_FILE) {
		errno = EFBIG;
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* ---- resolving the include chain -------------------------------------------------------------- */

static bool ignored(const struct resolver *r, const char *line)
{
	for (size_t i = 0; i < r->n_ignores; i++)
		if (starts_word(line, r->ignores[i]))
			return true;
	return false;
}

static void resolve_file(struct resolver *r, const char *path, int depth, const char *from, unsigned from_line);

static void add_line(struct resolver *r, const char *text, const char *file, unsigned lineno)
{
	if (r->n_lines >= FJ_MAX_LINES) {
		fail_at(r, file, lineno, "more than %d effective lines", FJ_MAX_LINES);
		return;
	}
	struct fj_line *l = ARRAY_PUSH(r->lines, r->n_lines);
	l->text = xstrdup(text);
	l->file = file;
	l->lineno = lineno;
	if (strcmp(text, "net none") == 0)
		r->net_none = true;
	else if (starts_word(text, "dbus-user") && strcmp(text, "dbus-user allow") != 0 &&
		 !starts_word(text, "dbus-user.talk"))
		r->nodbus = true;
	else if (strcmp(text, "nosound") == 0)
		r->nosound = true;
	else if (starts_word(text, "x11"))
		r->x11 = true;
}

/* `include X`: firejail's macros in X, then a bare name is looked up in the firejail directory. */
static void do_include(struct resolver *r, const char *name, const char *file, unsigned lineno, int depth)
{
	_cleanup_free_ char *path = NULL;
	if (strncmp(name, "${CFG}/", 7) == 0)
		path = xasprintf("%s/%s", r->src->dir, name + 7);
	else if (name[0] == '/')
		path = xstrdup(name);
	else if (strchr(name, '/') || strchr(name, '$') || strcmp(name, "..") == 0 || strcmp(name, ".") == 0) {
		/* ${HOME}/… and relative paths: user files, not read by an import. */
		if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".local") == 0)
			return;
		fail_at(r, file, lineno, "include '%s': only names in %s and absolute paths are read", name,
			r->src->dir);
		return;
	} else
		path = xasprintf("%s/%s", r->src->dir, name);
	resolve_file(r, path, depth + 1, file, lineno);
}

static void resolve_text(struct resolver *r, char *text, size_t len, const char *file, int depth)
{
	unsigned lineno = 0;
	char *p = text, *end = text + len;
	while (p < end && !r->error) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl ? nl : end;
		lineno++;
		if (memchr(p, '\0', (size_t)(stop - p))) {
			fail_at(r, file, lineno, "a NUL byte");
			return;
		}
		if (stop - p > FJ_MAX_LINE) {
			fail_at(r, file, lineno, "line longer than %d bytes", FJ_MAX_LINE);
			return;
		}
		*stop = '\0';
		char *hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		collapse(p);
		char *line = p;
		p = stop + 1;
		if (!*line)
			continue;
		/* ?COND: rest — evaluated against the state at this point of the parse. */
		if (line[0] == '?') {
			char *colon = strchr(line, ':');
			if (!colon) {
				fail_at(r, file, lineno, "conditional without ':': '%s'", line);
				return;
			}
			*colon = '\0';
			const char *cond = line + 1;
			bool on;
			if (strcmp(cond, "HAS_APPIMAGE") == 0 || strcmp(cond, "BROWSER_ALLOW_DRM") == 0 ||
			    strcmp(cond, "ALLOW_TRAY") == 0 || strcmp(cond, "HAS_PRIVATE") == 0)
				on = false;  /* no AppImage; firejail.config defaults */
			else if (strcmp(cond, "BROWSER_DISABLE_U2F") == 0)
				on = true;
			else if (strcmp(cond, "HAS_NET") == 0)
				on = r->net_none;
			else if (strcmp(cond, "HAS_NODBUS") == 0)
				on = r->nodbus;
			else if (strcmp(cond, "HAS_NOSOUND") == 0)
				on = r->nosound;
			else if (strcmp(cond, "HAS_X11") == 0)
				on = r->x11;
			else {
				fail_at(r, file, lineno, "unknown conditional '?%s:'", cond);
				return;
			}
			if (!on)
				continue;
			line = colon + 1;
			while (*line == ' ')
				line++;
			if (!*line)
				continue;
		}
		if (strcmp(line, "quiet") == 0)
			continue;
		/* whitelist-ro P is whitelist P plus read-only P, before the ignore list sees it */
		if (starts_word(line, "whitelist-ro")) {
			_cleanup_free_ char *w = xasprintf("whitelist %s", fj_arg_of(line));
			_cleanup_free_ char *ro = xasprintf("read-only %s", fj_arg_of(line));
			if (!ignored(r, w))
				add_line(r, w, file, lineno);
			if (!ignored(r, ro))
				add_line(r, ro, file, lineno);
			continue;
		}
		if (ignored(r, line))
			continue;
		if (starts_word(line, "ignore")) {
			if (!*fj_arg_of(line)) {
				fail_at(r, file, lineno, "'ignore' needs a directive");
				return;
			}
			*ARRAY_PUSH(r->ignores, r->n_ignores) = xstrdup(fj_arg_of(line));
			continue;
		}
		if (starts_word(line, "include")) {
			if (!*fj_arg_of(line)) {
				fail_at(r, file, lineno, "'include' needs a file");
				return;
			}
			do_include(r, fj_arg_of(line), file, lineno, depth);
			continue;
		}
		add_line(r, line, file, lineno);
	}
}

static void resolve_file(struct resolver *r, const char *path, int depth, const char *from, unsigned from_line)
{
	if (r->error)
		return;
	if (depth > FJ_MAX_DEPTH) {
		fail_at(r, from, from_line, "includes nested deeper than %d", FJ_MAX_DEPTH);
		return;
	}
	if (r->n_files >= FJ_MAX_FILES) {
		fail_at(r, from, from_line, "more than %d files included", FJ_MAX_FILES);
		return;
	}
	size_t len = 0;
	errno = 0;
	_cleanup_free_ char *text = r->src->read(r->src->ctx, path, &len);
	if (!text) {
		size_t n = strlen(path);
		/* A missing NAME.local is the normal case: nobody wrote one. */
		if (errno == ENOENT && n > 6 && strcmp(path + n - 6, ".local") == 0)
			return;
		int e = errno ? errno : EIO;
		if (from)
			fail_at(r, from, from_line, "include %s: %s", path, strerror(e));
		else
			fail_at(r, path, 0, "%s", strerror(e));
		return;
	}
	char *name = xstrdup(path);
	*ARRAY_PUSH(r->files, r->n_files) = name;
	resolve_text(r, text, len, name, depth);
}

void fj_resolve(struct resolver *r, const char *path) { resolve_file(r, path, 0, NULL, 0); }

void fj_resolver_free(struct resolver *r)
{
	for (size_t i = 0; i < r->n_lines; i++)
		free(r->lines[i].text);
	free(r->lines);
	for (size_t i = 0; i < r->n_ignores; i++)
		free(r->ignores[i]);
	free(r->ignores);
	for (size_t i = 0; i < r->n_files; i++)
		free(r->files[i]);
	free(r->files);
	free(r->error);
}
