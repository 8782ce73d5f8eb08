#include "userdirs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* user-dirs.dirs is a few hundred bytes; anything much larger is not one. */
#define USERDIRS_MAX_FILE (64 * 1024)
#define USERDIRS_MAX_PATH 4095

static const struct {
	const char *variable, *key, *fallback;
} userdir_table[USERDIR_COUNT] = {
	[USERDIR_DESKTOP] = { "DESKTOP", "XDG_DESKTOP_DIR", "Desktop" },
	[USERDIR_DOCUMENTS] = { "DOCUMENTS", "XDG_DOCUMENTS_DIR", "Documents" },
	[USERDIR_DOWNLOADS] = { "DOWNLOADS", "XDG_DOWNLOAD_DIR", "Downloads" },
	[USERDIR_MUSIC] = { "MUSIC", "XDG_MUSIC_DIR", "Music" },
	[USERDIR_PICTURES] = { "PICTURES", "XDG_PICTURES_DIR", "Pictures" },
	[USERDIR_PUBLICSHARE] = { "PUBLICSHARE", "XDG_PUBLICSHARE_DIR", "Public" },
	[USERDIR_TEMPLATES] = { "TEMPLATES", "XDG_TEMPLATES_DIR", "Templates" },
	[USERDIR_VIDEOS] = { "VIDEOS", "XDG_VIDEOS_DIR", "Videos" },
};

const char *userdir_variable(enum userdir d) { return d < USERDIR_COUNT ? userdir_table[d].variable : NULL; }
const char *userdir_key(enum userdir d) { return d < USERDIR_COUNT ? userdir_table[d].key : NULL; }

/* Takes ownership of value (a candidate path) and stores it, or NULL with the reason. */
static void userdir_set(struct userdirs *u, enum userdir d, char *value, const char *home)
{
	free(u->path[d]);
	u->path[d] = NULL;
	u->why[d] = NULL;
	size_t len = strlen(value);
	while (len > 1 && value[len - 1] == '/')
		value[--len] = '\0';
	if (!path_is_clean_absolute(value))
		u->why[d] = "not a clean absolute path in user-dirs.dirs";
	else if (home && path_within(home, value))
		u->why[d] = strcmp(home, value) == 0 ? "set to the home directory itself (xdg: disabled)"
						     : "set to a directory above the home directory";
	else {
		u->path[d] = value;
		return;
	}
	free(value);
}

static void set_defaults(struct userdirs *u, const char *home)
{
	for (int d = 0; d < USERDIR_COUNT; d++) {
		if (!home || home[0] != '/') {
			free(u->path[d]);
			u->path[d] = NULL;
			u->why[d] = "the home directory is unknown";
			continue;
		}
		userdir_set(u, (enum userdir)d,
			    xasprintf("%s%s%s", home, home[strlen(home) - 1] == '/' ? "" : "/",
				      userdir_table[d].fallback),
			    home);
	}
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses one line [s, end). Skips anything that is not a well-formed entry, as xdg-user-dirs does. */
static void parse_line(const char *s, const char *end, const char *home, struct userdirs *u)
{
	while (s < end && is_blank(*s))
		s++;
	int which = -1;
	for (int d = 0; d < USERDIR_COUNT; d++) {
		size_t n = strlen(userdir_table[d].key);
		if ((size_t)(end - s) >= n && memcmp(s, userdir_table[d].key, n) == 0 &&
		    (s + n == end || is_blank(s[n]) || s[n] == '=')) {
			which = d;
			s += n;
			break;
		}
	}
	if (which < 0)
		return;
	while (s < end && is_blank(*s))
		s++;
	if (s >= end || *s++ != '=')
		return;
	while (s < end && is_blank(*s))
		s++;
	if (s >= end || *s++ != '"')
		return;
	bool relative = false;
	if ((size_t)(end - s) >= 5 && memcmp(s, "$HOME", 5) == 0) {
		s += 5;
		relative = true;
		if (s < end && *s == '/')
			s++;
	} else if (s >= end || *s != '/') {
		return;
	}
	if (relative && (!home || home[0] != '/'))
		return;
	size_t cap = (size_t)(end - s) + 1, used = 0;
	_cleanup_free_ char *rest = xmalloc(cap);
	bool closed = false;
	while (s < end) {
		char c = *s++;
		if (c == '"') {
			closed = true;
			break;
		}
		if (c == '\\') {
			if (s >= end)
				break;
			c = *s++;
		}
		if (c == '\0')
			return;
		rest[used++] = c;
	}
	if (!closed)
		return;
	rest[used] = '\0';
	char *value;
	if (relative)
		value = xasprintf("%s%s%s", home, used && home[strlen(home) - 1] != '/' ? "/" : "", rest);
	else
		value = TAKE_PTR(rest);
	if (strlen(value) > USERDIRS_MAX_PATH) {
		free(value);
		free(u->path[which]);
		u->path[which] = NULL;
		u->why[which] = "path too long in user-dirs.dirs";
		return;
	}
	userdir_set(u, (enum userdir)which, value, home);
}

void userdirs_parse(const char *text, size_t len, const char *home, struct userdirs *out)
{
	set_defaults(out, home);
	const char *s = text, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *line_end = nl ? nl : end;
		parse_line(s, line_end, home, out);
		s = nl ? nl + 1 : end;
	}
}

int userdirs_load(const char *config_home, const char *home, struct userdirs *out, struct sbx_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/user-dirs.dirs", config_home);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			userdirs_parse("", 0, home, out);
			return 0;
		}
		return sbx_fail(err, errno, "%s", path);
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return sbx_fail(err, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return sbx_fail(err, 0, "%s: not a regular file", path);
	if (st.st_size > USERDIRS_MAX_FILE)
		return sbx_fail(err, EFBIG, "%s", path);
	_cleanup_free_ char *buf = xmalloc(USERDIRS_MAX_FILE + 1);
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, USERDIRS_MAX_FILE + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_fail(err, errno, "%s", path);
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > USERDIRS_MAX_FILE)
			return sbx_fail(err, EFBIG, "%s", path);
	}
	userdirs_parse(buf, used, home, out);
	return 0;
}

void userdirs_free(struct userdirs *u)
{
	for (int d = 0; d < USERDIR_COUNT; d++)
		free(u->path[d]);
	memset(u, 0, sizeof(*u));
}
