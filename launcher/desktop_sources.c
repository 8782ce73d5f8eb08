/* `sbx desktop`'s places (where the copies go, where their sources are) and the sources found there.
 * Sources are the desktop files below $XDG_DATA_DIRS; the first directory wins, as launchers decide. */
#include "desktop_internal.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void source_free(struct source *s)
{
	free(s->id);
	free(s->path);
	free(s->text);
	desktop_info_free(&s->info);
}

int load_text(const char *path, char **text, size_t *len)
{
	struct stat st;
	if (!path)
		return -ENOENT;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > DESKTOP_MAX_FILE)
		return -EFBIG;
	return read_file(path, text, len);
}

void source_load(struct source *s, enum desktop_kind kind)
{
	int r = load_text(s->path, &s->text, &s->len);
	if (r < 0) {
		s->parsed = r;
		snprintf(s->why, sizeof(s->why), "%s", r == -EINVAL ? "not a regular file" : strerror(-r));
		return;
	}
	s->parsed = desktop_parse(s->text, s->len, kind, &s->info, s->why, sizeof(s->why));
}

bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Adds the *.desktop files below dir (IDs prefixed by `prefix`), skipping IDs already found:
 * the first directory in $XDG_DATA_DIRS order wins, as launchers decide. */
void collect_sources(const char *dir, const char *prefix, int depth, struct source **out, size_t *n)
{
	struct dirent **names = NULL;
	int count = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < count; i++) {
		const char *name = names[i]->d_name;
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
		_cleanup_free_ char *id = xasprintf("%s%s", prefix, name);
		struct stat st;
		if (name[0] == '.' || stat(path, &st) < 0) {
			free(names[i]);
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth < 3) {
			_cleanup_free_ char *sub = xasprintf("%s-", id);
			collect_sources(path, sub, depth + 1, out, n);
		} else if (S_ISREG(st.st_mode) && ends_with(name, ".desktop")) {
			bool seen = false;
			for (size_t j = 0; j < *n && !seen; j++)
				seen = strcmp((*out)[j].id, id) == 0;
			if (!seen) {
				struct source *s = ARRAY_PUSH(*out, *n);
				s->id = TAKE_PTR(id);
				s->path = TAKE_PTR(path);
				source_load(s, DESKTOP_APP);
			}
		}
		free(names[i]);
	}
	free(names);
}

void sources_free(struct source *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		source_free(&s[i]);
	free(s);
}

void scan_sources(const struct places *pl, struct source **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < pl->n_data; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/applications", pl->data[i]);
		collect_sources(dir, "", 0, out, n);
	}
}

/* The D-Bus service file that activates `name`, in the source directories (the copies' own
 * share directory is not one of them). */
char *find_service(const struct places *pl, const char *name)
{
	for (size_t i = 0; i < pl->n_data; i++) {
		char *path = xasprintf("%s/dbus-1/services/%s.service", pl->data[i], name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return path;
		free(path);
	}
	return NULL;
}

static void split_dirs(const char *value, const char *fallback, char ***out, size_t *n)
{
	_cleanup_free_ char *copy = xstrdup(value && *value ? value : fallback);
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;  /* the spec: relative entries are invalid and ignored */
		size_t len = strlen(d);
		while (len > 1 && d[len - 1] == '/')
			d[--len] = '\0';
		char **slot = ARRAY_PUSH(*out, *n);
		*slot = xstrdup(d);
	}
}

void places_free(struct places *pl)
{
	free(pl->apps);
	free(pl->services);
	free(pl->autostart);
	names_free(pl->data, pl->n_data);
	names_free(pl->config, pl->n_config);
	free(pl->sbx);
}

int places_init(struct places *pl, bool system, const char *prefix, const struct profile_env *env,
		struct sbx_error *err)
{
	*pl = (struct places){ .system = system, .env = env };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return sbx_fail(err, errno, "desktop: cannot find sbx's own path (/proc/self/exe)");
	self[n] = '\0';
	pl->sbx = xstrdup(self);
	if (system) {
		const char *share = prefix ? prefix : "/usr/local/share";
		if (share[0] != '/')
			return sbx_fail(err, 0, "desktop: --prefix %s: not an absolute path", share);
		pl->apps = xasprintf("%s/applications", share);
		pl->services = xasprintf("%s/dbus-1/services", share);
	} else {
		const char *home = getenv("HOME");
		const char *data_home = getenv("XDG_DATA_HOME");
		_cleanup_free_ char *fallback = home && home[0] == '/' ? xasprintf("%s/.local/share", home) : NULL;
		if (!(data_home && data_home[0] == '/'))
			data_home = fallback;
		if (!data_home || !env->config_home || env->config_home[0] != '/')
			return sbx_fail(err, 0, "desktop: neither $XDG_DATA_HOME nor $HOME is an absolute path");
		pl->apps = xasprintf("%s/applications", data_home);
		pl->services = xasprintf("%s/dbus-1/services", data_home);
		pl->autostart = xasprintf("%s/autostart", env->config_home);
	}
	char **data = NULL;
	size_t n_data = 0;
	split_dirs(getenv("XDG_DATA_DIRS"), "/usr/local/share:/usr/share", &data, &n_data);
	for (size_t i = 0; i < n_data; i++) {
		_cleanup_free_ char *apps = xasprintf("%s/applications", data[i]);
		/* The copies' own directory is never a source (--system's /usr/local/share is in the
		 * default $XDG_DATA_DIRS). */
		if (strcmp(apps, pl->apps) == 0 || same_dir(apps, pl->apps)) {
			free(data[i]);
			continue;
		}
		char **slot = ARRAY_PUSH(pl->data, pl->n_data);
		*slot = data[i];
	}
	free(data);
	split_dirs(getenv("XDG_CONFIG_DIRS"), "/etc/xdg", &pl->config, &pl->n_config);
	return 0;
}
