/* Desktop entry files and D-Bus service files (see desktop_entry.h): a parser and a rewriter that
 * touch no file. The commands that write the managed copies are in desktop.c. */
#include "desktop_entry.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* ---- a growable string ---- */

static void buf_str(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static int why_set(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int why_set(char *why, size_t why_len, const char *fmt, ...)
{
	if (why && why_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- Exec values ---- */

void desktop_exec_free(struct desktop_exec *e)
{
	for (size_t i = 0; i < e->argc; i++)
		free(e->argv[i]);
	free(e->argv);
	e->argv = NULL;
	e->argc = 0;
}

/* Undoes the key-file escapes of a string value. GLib refuses a value with any other escape, so
 * no launcher could have run it: refusing it here changes nothing. */
static char *unescape_value(const char *v, char *why, size_t why_len)
{
	size_t n = strlen(v);
	char *out = xmalloc(n + 1), *q = out;
	for (const char *p = v; *p; p++) {
		if (*p != '\\') {
			*q++ = *p;
			continue;
		}
		switch (*++p) {
		case 's': *q++ = ' '; break;
		case 'n': *q++ = '\n'; break;
		case 't': *q++ = '\t'; break;
		case 'r': *q++ = '\r'; break;
		case '\\': *q++ = '\\'; break;
		case '\0':
			free(out);
			why_set(why, why_len, "a backslash ends the value");
			return NULL;
		default:
			free(out);
			why_set(why, why_len, "invalid escape '\\%c'", *p);
			return NULL;
		}
	}
	*q = '\0';
	return out;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

int desktop_exec_parse(const char *value, struct desktop_exec *out, char *why, size_t why_len)
{
	*out = (struct desktop_exec){ 0 };
	_cleanup_free_ char *s = unescape_value(value, why, why_len);
	if (!s)
		return -EINVAL;
	const char *p = s;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		if (out->argc >= DESKTOP_MAX_ARGS) {
			desktop_exec_free(out);
			return why_set(why, why_len, "more than %d arguments", DESKTOP_MAX_ARGS);
		}
		struct buf arg = { 0 };
		buf_add(&arg, "", 0);
		if (*p == '"') {
			/* Inside quotes a backslash escapes " ` $ and \ (the spec's list); before any other
			 * character it stays, as GLib's launcher keeps it. */
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] && strchr("\"`$\\", p[1]))
					p++;
				buf_add(&arg, p, 1);
			}
			if (*p != '"') {
				free(arg.s);
				desktop_exec_free(out);
				return why_set(why, why_len, "a quote is not closed");
			}
			p++;
			if (*p && !is_blank(*p)) {
				free(arg.s);
				desktop_exec_free(out);
				return why_set(why, why_len, "a quoted argument must end at a space");
			}
		} else {
			for (; *p && !is_blank(*p); p++) {
				if (*p == '"' || *p == '\\') {
					free(arg.s);
					desktop_exec_free(out);
					return why_set(why, why_len, "'%c' outside quotes", *p);
				}
				buf_add(&arg, p, 1);
			}
		}
		char **slot = ARRAY_PUSH(out->argv, out->argc);
		*slot = arg.s;
	}
	if (out->argc == 0)
		return why_set(why, why_len, "the Exec value is empty");
	return 0;
}

/* Field codes the spec defines; an unknown one makes launchers refuse the entry. */
static int check_field_codes(const struct desktop_exec *e, char *why, size_t why_len)
{
	for (size_t i = 0; i < e->argc; i++) {
		for (const char *p = e->argv[i]; (p = strchr(p, '%')); p += 2) {
			if (!p[1] || !strchr("fFuUdDnNickvm%", p[1]))
				return why_set(why, why_len, "unknown field code '%%%.1s'", p + 1);
		}
	}
	if (e->argv[0][0] == '%' || strchr(e->argv[0], '='))
		return why_set(why, why_len, "the program '%s' is a field code or contains '='", e->argv[0]);
	return 0;
}

/* ---- files ---- */

void desktop_info_free(struct desktop_info *info)
{
	free(info->program);
	free(info->service_name);
	free(info->managed_source);
	free(info->managed_sum);
	*info = (struct desktop_info){ 0 };
}

void desktop_checksum(const char *text, size_t len, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* What a rewrite adds; NULL in a plain parse. */
struct rewrite {
	const char *sbx_word;  /* sbx's path, quoted for this kind of Exec */
	const char *marker;    /* the X-SBX-Managed value, escaped */
	const char *source;
	const char *copy_word; /* the copy's own path, quoted, for --launched-from; NULL: none */
};

#define MAX_GROUPS 1024

/* The spec allows A-Za-z0-9- in keys; GLib accepts more, and vendors use it, so anything printable
 * but '=', '[', ']' and blanks. */
static bool key_char(char c) { return (unsigned char)c > 0x20 && c != 0x7f && c != '=' && c != '[' && c != ']'; }

/* Reads the marker value: an escaped path, ';', the checksum. */
static int parse_marker(const char *value, struct desktop_info *info, char *why, size_t why_len)
{
	_cleanup_free_ char *v = unescape_value(value, why, why_len);
	char *semi = v ? strrchr(v, ';') : NULL;
	if (!semi || v[0] != '/' || strlen(semi + 1) != 16)
		return v ? why_set(why, why_len, "a malformed " DESKTOP_MARKER " value") : -EINVAL;
	*semi = '\0';
	free(info->managed_source);
	free(info->managed_sum);
	info->managed_source = xstrdup(v);
	info->managed_sum = xstrdup(semi + 1);
	return 0;
}

/* The main Exec: what it runs, and whether that is sbx (then the program is what follows "--"). */
static int note_main_exec(const char *value, enum desktop_kind kind, struct desktop_info *info, char *why,
			  size_t why_len)
{
	if (kind == DESKTOP_SERVICE) {
		/* dbus-daemon splits a service's Exec by shell rules; only its first word matters here. */
		const char *p = value + strspn(value, " \t");
		bool quoted = *p == '\'';
		size_t n = quoted ? strcspn(p + 1, "'") : strcspn(p, " \t");
		if (n == 0 || (quoted && !p[n + 1]))
			return why_set(why, why_len, "the Exec value is empty or has an open quote");
		_cleanup_free_ char *word = xstrndup(p + quoted, n);
		info->runs_sbx = strcmp(path_base_name(word), "sbx") == 0;
		const char *rest = info->runs_sbx ? strstr(p, " -- ") : NULL;
		free(info->program);
		info->program = !info->runs_sbx ? TAKE_PTR(word)
				: rest ? xstrndup(rest + 4, strcspn(rest + 4, " \t")) : NULL;
		return 0;
	}
	struct desktop_exec e;
	int r = desktop_exec_parse(value, &e, why, why_len);
	if (r == 0)
		r = check_field_codes(&e, why, why_len);
	if (r < 0) {
		desktop_exec_free(&e);
		return r;
	}
	info->runs_sbx = strcmp(path_base_name(e.argv[0]), "sbx") == 0;
	size_t prog = 0;
	if (info->runs_sbx) {
		prog = e.argc;
		for (size_t i = 1; i + 1 < e.argc; i++) {
			if (strcmp(e.argv[i], "--") == 0) {
				prog = i + 1;
				break;
			}
		}
	}
	free(info->program);
	info->program = prog < e.argc ? xstrdup(e.argv[prog]) : NULL;
	desktop_exec_free(&e);
	return 0;
}

/* One pass over the file: checks every line and, with rw, writes the managed copy to out. Both
 * uses share it, so a copy is written only from a file that parsed completely. */
static int scan(const char *text, size_t len, enum desktop_kind kind, struct desktop_info *info,
		const struct rewrite *rw, struct buf *out, char *why, size_t why_len)
{
	const char *main_group = kind == DESKTOP_APP ? "Desktop Entry" : "D-BUS Service";
	*info = (struct desktop_info){ 0 };
	if (len > DESKTOP_MAX_FILE)
		return why_set(why, why_len, "larger than %d bytes", DESKTOP_MAX_FILE);
	if (memchr(text, '\0', len))
		return why_set(why, why_len, "contains a NUL byte");
	if (rw) {
		buf_str(out, "# Written by `sbx desktop` from ");
		buf_str(out, rw->source);
		buf_str(out, ": `sbx desktop sync` rewrites it, `sbx desktop disable` removes it.\n");
	}
	char *groups[MAX_GROUPS];
	size_t n_groups = 0;
	bool in_main = false, in_action = false, group_exec = false;
	bool seen_type = false, seen_exec = false, seen_dbus = false, seen_marker = false, seen_name = false,
	     seen_hidden = false, seen_nodisplay = false;
	_cleanup_free_ char *type = NULL;
	int r = 0;
	unsigned line = 0;
	for (size_t pos = 0; pos < len && r == 0;) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + 1;
		line++;
		_cleanup_free_ char *l = xstrndup(start, n);
		const char *p = l + strspn(l, " \t");
		bool copy = true;
		if (*p == '\0' || *p == '#') {
			/* blank or comment */
		} else if (*p == '[') {
			char *close = strchr(p, ']');
			if (!close || close[strspn(close + 1, " \t\r") + 1] != '\0' || close == p + 1) {
				r = why_set(why, why_len, "line %u: a malformed group header", line);
				break;
			}
			_cleanup_free_ char *name = xstrndup(p + 1, (size_t)(close - p - 1));
			for (const char *c = name; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == '[' || *c == 0x7f)
					r = why_set(why, why_len, "line %u: a control character or '[' in a group name", line);
			for (size_t i = 0; i < n_groups && r == 0; i++)
				if (strcmp(groups[i], name) == 0)
					r = why_set(why, why_len, "line %u: group [%s] appears twice", line, name);
			if (r == 0 && n_groups == 0 && strcmp(name, main_group) != 0)
				r = why_set(why, why_len, "line %u: the first group is [%s], not [%s]", line, name, main_group);
			if (r == 0 && n_groups >= MAX_GROUPS)
				r = why_set(why, why_len, "line %u: more than %d groups", line, MAX_GROUPS);
			if (r < 0)
				break;
			in_main = n_groups == 0;
			in_action = kind == DESKTOP_APP && strncmp(name, "Desktop Action ", 15) == 0;
			group_exec = false;
			groups[n_groups++] = TAKE_PTR(name);
			if (rw && in_main) {
				buf_add(out, start, n);
				buf_str(out, "\n" DESKTOP_MARKER "=");
				buf_str(out, rw->marker);
				buf_str(out, "\n");
				copy = false;
			}
		} else {
			const char *k = p;
			while (key_char(*k))
				k++;
			size_t key_len = (size_t)(k - p);
			bool localized = *k == '[';
			if (localized) {
				const char *close = strchr(k, ']');
				k = close ? close + 1 : k;
			}
			const char *eq = k + strspn(k, " \t");
			if (key_len == 0 || *eq != '=' || (localized && k[-1] != ']')) {
				r = why_set(why, why_len, "line %u: neither a group, a key=value pair nor a comment", line);
				break;
			}
			if (n_groups == 0) {
				r = why_set(why, why_len, "line %u: a key before the first group", line);
				break;
			}
			const char *value = eq + 1 + strspn(eq + 1, " \t");
			_cleanup_free_ char *key = xstrndup(p, key_len);
			bool exec = !localized && strcmp(key, "Exec") == 0;
			if (exec && (in_main || in_action)) {
				if (group_exec) {
					r = why_set(why, why_len, "line %u: Exec appears twice in [%s]", line, groups[n_groups - 1]);
					break;
				}
				group_exec = true;
				if (in_main) {
					seen_exec = true;
					r = note_main_exec(value, kind, info, why, why_len);
				} else {
					struct desktop_exec e;
					r = desktop_exec_parse(value, &e, why, why_len);
					if (r == 0)
						r = check_field_codes(&e, why, why_len);
					desktop_exec_free(&e);
				}
				if (r < 0) {
					char inner[256];
					snprintf(inner, sizeof(inner), "%s", why ? why : "");
					r = why_set(why, why_len, "line %u: cannot parse Exec: %s", line, inner);
					break;
				}
				if (rw) {
					buf_str(out, "Exec=");
					buf_str(out, rw->sbx_word);
					if (rw->copy_word) {
						/* sbx then grants what the launcher puts at the field codes (launched.h). */
						buf_str(out, " --launched-from ");
						buf_str(out, rw->copy_word);
					}
					buf_str(out, " -- ");
					buf_str(out, value);
					buf_str(out, "\n");
					copy = false;
				}
			} else if (in_main && !localized) {
				bool *seen = strcmp(key, "Type") == 0 ? &seen_type
					     : strcmp(key, "DBusActivatable") == 0 ? &seen_dbus
					     : strcmp(key, DESKTOP_MARKER) == 0 ? &seen_marker
					     : strcmp(key, "Name") == 0 ? &seen_name
					     : strcmp(key, "Hidden") == 0 ? &seen_hidden
					     : strcmp(key, "NoDisplay") == 0 ? &seen_nodisplay : NULL;
				if (seen && *seen) {
					r = why_set(why, why_len, "line %u: %s appears twice", line, key);
					break;
				}
				if (seen)
					*seen = true;
				if (seen == &seen_type) {
					type = xstrdup(value);
				} else if (seen == &seen_dbus && strcmp(value, "true") == 0) {
					info->dbus_activatable = true;
					if (rw && kind == DESKTOP_APP) {
						/* Else menus ask the bus, and the bus starts the app without sbx. */
						buf_str(out, "DBusActivatable=false\n");
						copy = false;
					}
				} else if ((seen == &seen_hidden || seen == &seen_nodisplay) && strcmp(value, "true") == 0) {
					info->hidden = true;
				} else if (seen == &seen_marker) {
					r = parse_marker(value, info, why, why_len);
					copy = false;  /* a copy gets a fresh marker */
				} else if (seen == &seen_name && kind == DESKTOP_SERVICE) {
					info->service_name = xstrdup(value);
				}
			}
		}
		if (rw && copy) {
			buf_add(out, start, n);
			buf_str(out, "\n");
		}
	}
	for (size_t i = 0; i < n_groups; i++)
		free(groups[i]);
	if (r == 0 && n_groups == 0)
		r = why_set(why, why_len, "no [%s] group", main_group);
	if (r == 0 && kind == DESKTOP_APP && !type)
		r = why_set(why, why_len, "no Type key");
	if (r == 0 && kind == DESKTOP_APP && type && strcmp(type, "Application") != 0)
		r = why_set(why, why_len, "Type is '%s', not Application", type);
	if (r == 0 && !seen_exec)
		r = why_set(why, why_len, "no Exec key in [%s]", main_group);
	if (r == 0 && kind == DESKTOP_SERVICE && !info->service_name)
		r = why_set(why, why_len, "no Name key in [%s]", main_group);
	if (r < 0)
		desktop_info_free(info);
	return r;
}

int desktop_parse(const char *text, size_t len, enum desktop_kind kind, struct desktop_info *info,
		  char *why, size_t why_len)
{
	return scan(text, len, kind, info, NULL, NULL, why, why_len);
}

/* sbx's path as the first word of a desktop Exec: '%' doubled, quoted when it holds a reserved
 * character, then key-file escaped. NULL for a control character, which no line can hold. */
static char *exec_word(const char *path, enum desktop_kind kind)
{
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return NULL;
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	if (kind == DESKTOP_SERVICE) {
		/* dbus-daemon's shell-like splitting: single quotes hold anything but a quote, and no
		 * escape is needed inside them. */
		if (strchr(path, '\'')) {
			free(b.s);
			return NULL;
		}
		bool plain = strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_.+-,:@") == strlen(path);
		if (!plain)
			buf_str(&b, "'");
		buf_str(&b, path);
		if (!plain)
			buf_str(&b, "'");
		return b.s;
	}
	bool quote = strpbrk(path, " \t\n\"'\\><~|&;$*?#()`") != NULL;
	if (quote)
		buf_str(&b, "\"");
	for (const char *c = path; *c; c++) {
		if (*c == '%')
			buf_str(&b, "%%");
		else if (quote && *c == '\\')
			buf_str(&b, "\\\\\\\\");  /* quoting escape, then key-file escape: 4 characters */
		else if (quote && strchr("\"`$", *c)) {
			buf_str(&b, "\\\\");
			buf_add(&b, c, 1);
		} else
			buf_add(&b, c, 1);
	}
	if (quote)
		buf_str(&b, "\"");
	return b.s;
}

/* The source path as a key-file string value. */
static char *marker_value(const char *source, const char *sum)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	for (const char *c = source; *c; c++) {
		if (*c == '\\')
			buf_str(&b, "\\\\");
		else
			buf_add(&b, c, 1);
	}
	buf_str(&b, ";");
	buf_str(&b, sum);
	return b.s;
}

char *desktop_rewrite(const char *text, size_t len, enum desktop_kind kind, const char *sbx,
		      const char *source, const char *sum, const char *copy, char *why, size_t why_len)
{
	for (const char *c = source; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			why_set(why, why_len, "the path has a control character");
			return NULL;
		}
	}
	/* Freed by hand, not with _cleanup_free_: clang 14's analyzer does not see cleanup attributes
	 * and would report these buffers (grown with realloc) as leaks. */
	char *word = exec_word(sbx, kind);
	if (!word) {
		why_set(why, why_len, "sbx's path '%s' cannot be written into an Exec line", sbx);
		return NULL;
	}
	char *copy_word = copy && kind == DESKTOP_APP ? exec_word(copy, kind) : NULL;
	if (copy && kind == DESKTOP_APP && !copy_word) {
		free(word);
		why_set(why, why_len, "the copy's path '%s' cannot be written into an Exec line", copy);
		return NULL;
	}
	char *marker = marker_value(source, sum);
	struct rewrite rw = { .sbx_word = word, .marker = marker, .source = source, .copy_word = copy_word };
	struct buf out = { 0 };
	struct desktop_info info;
	int r = scan(text, len, kind, &info, &rw, &out, why, why_len);
	free(word);
	free(copy_word);
	free(marker);
	if (r < 0) {
		free(out.s);
		return NULL;
	}
	if (info.runs_sbx) {
		desktop_info_free(&info);
		free(out.s);
		why_set(why, why_len, "its Exec already runs sbx");
		return NULL;
	}
	desktop_info_free(&info);
	return out.s;
}
