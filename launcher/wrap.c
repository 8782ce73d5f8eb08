/* sbx wrap / unwrap, and sbx started under another name (see wrap.h).
 *
 * A wrap link is a symlink named APP to sbx's absolute path. Started through it, sbx sees argv[0]
 * = APP (or a path ending in /APP) and runs "sbx -- REAL ARG...", REAL being the first APP in PATH
 * that is not sbx: not the running binary (st_dev and st_ino, so a copy or hard link of sbx counts
 * too) and not any file whose real path is named "sbx" (a link to another install, which would
 * otherwise start sbx inside sbx, and that one this one again). REAL is absolute, so nothing in the
 * sandbox looks PATH up again. No option can be given in wrapped mode: every argument is the
 * program's. */
#include "wrap.h"

#include <dirent.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int wrap_self_init(struct wrap_self *self, const char *path, struct sbx_error *err)
{
	*self = (struct wrap_self){ 0 };
	char buf[PATH_MAX];
	if (!path) {
		ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
		if (n <= 0)
			return sbx_fail(err, errno ? errno : ENOENT, "cannot find sbx's own path (/proc/self/exe)");
		buf[n] = '\0';
		path = buf;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return sbx_fail(err, errno, "%s", path);
	self->path = xstrdup(path);
	self->dev = st.st_dev;
	self->ino = st.st_ino;
	return 0;
}

void wrap_self_free(struct wrap_self *self)
{
	free(self->path);
	self->path = NULL;
}

bool wrap_is_sbx(const struct wrap_self *self, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && st.st_dev == self->dev && st.st_ino == self->ino)
		return true;
	/* A file that is no symlink is named by its own last component (a link in the directories
	 * above cannot rename it): no realpath, whose readlink per component each start of a command
	 * by name would pay. */
	if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
		return strcmp(base_of(path), "sbx") == 0;
	_cleanup_free_ char *real = realpath(path, NULL);
	return real && strcmp(base_of(real), "sbx") == 0;
}

/* A symlink that is, or was, a wrap link: to sbx, or dangling with a target named "sbx" (sbx
 * moved since). */
static bool is_wrap_link(const struct wrap_self *self, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return false;
	if (wrap_is_sbx(self, path))
		return true;
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strcmp(base_of(target), "sbx") == 0 && stat(path, &st) < 0;
}

/* Calls each(dir/name) in search order until it returns non-NULL. */
static char *search_path(const char *name, const char *search, char *(*each)(const char *cand, void *ctx),
			 void *ctx)
{
	if (!search || !*search)
		search = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = search;; ) {
		size_t n = strcspn(p, ":");
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, name) : xstrdup(name);
		char *found = each(cand, ctx);
		free(cand);
		if (found)
			return found;
		if (!p[n])
			return NULL;
		p += n + 1;
	}
}

struct resolve_ctx {
	const struct wrap_self *self;
	size_t skipped;
};

static bool executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static char *resolve_one(const char *cand, void *ctx)
{
	struct resolve_ctx *c = ctx;
	if (!executable_file(cand))
		return NULL;
	if (wrap_is_sbx(c->self, cand)) {
		c->skipped++;
		return NULL;
	}
	/* An empty PATH entry is the working directory: the program by its absolute path. */
	return cand[0] == '/' ? xstrdup(cand) : realpath(cand, NULL);
}

char *wrap_resolve(const struct wrap_self *self, const char *name, const char *search, size_t *skipped)
{
	struct resolve_ctx c = { .self = self };
	char *found = search_path(name, search, resolve_one, &c);
	if (skipped)
		*skipped = c.skipped;
	return found;
}

const char *wrap_invoked_name(const char *argv0)
{
	if (!argv0 || !*argv0)
		return NULL;
	const char *name = base_of(argv0);
	return *name && strcmp(name, "sbx") != 0 ? name : NULL;
}

char **wrap_argv(const char *name, int argc, char **argv, int *new_argc, struct sbx_error *err)
{
	struct wrap_self self;
	if (wrap_self_init(&self, NULL, err) < 0)
		return NULL;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		wrap_self_free(&self);
		sbx_fail(err, 0, "started as '%s', which names no program", argv[0]);
		return NULL;
	}
	size_t skipped = 0;
	char *real = wrap_resolve(&self, name, getenv("PATH"), &skipped);
	if (!real) {
		if (skipped)
			sbx_fail(err, 0, "%s: every '%s' in PATH is a link to sbx (%zu); no real program to run",
				 name, name, skipped);
		else
			sbx_fail(err, 0, "%s: started as '%s' (a link to %s), but PATH has no program '%s' "
				 "other than sbx", name, argv[0], self.path, name);
		sbx_hint(err, "'sbx unwrap %s' removes the link made by 'sbx wrap %s'", name, name);
		wrap_self_free(&self);
		return NULL;
	}
	wrap_self_free(&self);
	char **out = xcalloc((size_t)argc + 3, sizeof(char *));
	int k = 0;
	out[k++] = "sbx";
	out[k++] = "--";
	out[k++] = real;
	for (int i = 1; i < argc; i++)
		out[k++] = argv[i];
	*new_argc = k;
	return out;
}

static char *first_one(const char *cand, void *ctx)
{
	(void)ctx;
	return executable_file(cand) ? xstrdup(cand) : NULL;
}

char *wrap_unshadow(const char *name)
{
	if (!*name || strchr(name, '/'))
		return NULL;
	struct sbx_error err = { 0 };
	struct wrap_self self;
	if (wrap_self_init(&self, NULL, &err) < 0)
		return NULL;
	const char *search = getenv("PATH");
	_cleanup_free_ char *first = search_path(name, search, first_one, NULL);
	char *real = first && wrap_is_sbx(&self, first) ? wrap_resolve(&self, name, search, NULL) : NULL;
	wrap_self_free(&self);
	return real;
}

char *wrap_link_first(const char *name, char **real)
{
	*real = NULL;
	if (!*name || strchr(name, '/'))
		return NULL;
	struct sbx_error err = { 0 };
	struct wrap_self self;
	if (wrap_self_init(&self, NULL, &err) < 0)
		return NULL;
	const char *search = getenv("PATH");
	char *first = search_path(name, search, first_one, NULL);
	if (first && wrap_is_sbx(&self, first)) {
		*real = wrap_resolve(&self, name, search, NULL);
	} else {
		free(first);
		first = NULL;
	}
	wrap_self_free(&self);
	return first;
}

/* ---- sbx wrap / unwrap ---- */

static int usage(FILE *out, int code)
{
	fputs("usage: sbx wrap [--system] APP...     make ~/.local/bin/APP (/usr/local/bin/APP) run APP through sbx\n"
	      "       sbx wrap --list [--system]     list the links sbx wrap made\n"
	      "       sbx unwrap [--system] APP...   remove them (only links to sbx)\n"
	      "Started through such a link, sbx passes every argument to APP: no sbx option can be given.\n",
	      out);
	return code;
}

static char *link_dir(bool system, struct sbx_error *err)
{
	if (system) {
		if (geteuid() != 0) {
			sbx_fail(err, 0, "--system writes /usr/local/bin: only root can; without it, links go to "
				 "~/.local/bin");
			return NULL;
		}
		return xstrdup("/usr/local/bin");
	}
	const char *home = getenv("HOME");
	struct passwd *pw = NULL;
	if (!home || home[0] != '/')
		pw = getpwuid(getuid());
	if (pw)
		home = pw->pw_dir;
	if (!home || !path_is_clean_absolute(home)) {
		sbx_fail(err, 0, "cannot find your home directory (HOME is not a clean absolute path)");
		return NULL;
	}
	return xasprintf("%s/.local/bin", strcmp(home, "/") ? home : "");
}

static bool name_ok(const char *name)
{
	if (!*name || strchr(name, '/') || name[0] == '-' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "sbx") == 0 || strlen(name) > NAME_MAX)
		return false;
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x21 || *c == 0x7f)
			return false;
	return true;
}

static int make_dirs(const char *dir, struct sbx_error *err)
{
	_cleanup_free_ char *copy = xstrdup(dir);
	for (char *s = copy + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char saved = *s;
		*s = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return sbx_fail(err, errno, "cannot create %s", copy);
		if (!saved)
			return 0;
		*s = saved;
	}
}

/* Whether typing NAME reaches the link: said when the link's directory is not in PATH or an
 * earlier one has NAME. */
static void note_order(const char *name, const char *link, const char *dir)
{
	const char *search = getenv("PATH");
	_cleanup_free_ char *first = search_path(name, search, first_one, NULL);
	if (first && strcmp(first, link) == 0)
		return;
	if (first)
		fprintf(stderr, "sbx: note: %s comes before %s in PATH: typing '%s' still runs %s unsandboxed\n",
			first, dir, name, first);
	else
		fprintf(stderr, "sbx: note: %s is not in PATH: add it before the other directories for '%s' to run "
			"through sbx\n", dir, name);
}

/* DIR/NAME, or NULL (said why) when NAME is not a program name sbx may wrap. */
static char *link_path(const char *verb, const char *dir, const char *name)
{
	if (!name_ok(name)) {
		fprintf(stderr, "sbx: %s: '%s': expected a program name (no '/', not 'sbx', not an option)\n", verb, name);
		return NULL;
	}
	return xasprintf("%s/%s", dir, name);
}

static int wrap_one(const struct wrap_self *self, const char *dir, const char *name)
{
	_cleanup_free_ char *link = link_path("wrap", dir, name);
	if (!link)
		return 1;
	struct stat st;
	if (lstat(link, &st) == 0) {
		if (is_wrap_link(self, link) && wrap_is_sbx(self, link)) {
			printf("%s: already wrapped (%s)\n", name, link);
			return 0;
		}
		fprintf(stderr, "sbx: wrap: %s exists and is not a link to sbx; left alone\n", link);
		return 1;
	}
	_cleanup_free_ char *real = wrap_resolve(self, name, getenv("PATH"), NULL);
	if (!real) {
		fprintf(stderr, "sbx: wrap: %s: no program of that name in PATH (other than sbx)\n", name);
		return 1;
	}
	if (symlink(self->path, link) < 0) {
		fprintf(stderr, "sbx: wrap: cannot create %s: %s\n", link, strerror(errno));
		return 1;
	}
	printf("%s: %s -> %s (runs %s sandboxed)\n", name, link, self->path, real);
	note_order(name, link, dir);
	return 0;
}

static int unwrap_one(const struct wrap_self *self, const char *dir, const char *name)
{
	_cleanup_free_ char *link = link_path("unwrap", dir, name);
	if (!link)
		return 1;
	struct stat st;
	if (lstat(link, &st) < 0) {
		fprintf(stderr, "sbx: unwrap: %s: not wrapped (%s: %s)\n", name, link, strerror(errno));
		return 1;
	}
	if (!is_wrap_link(self, link)) {
		fprintf(stderr, "sbx: unwrap: %s is not a link to sbx; left alone\n", link);
		return 1;
	}
	if (unlink(link) < 0) {
		fprintf(stderr, "sbx: unwrap: cannot remove %s: %s\n", link, strerror(errno));
		return 1;
	}
	printf("%s: removed %s\n", name, link);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const struct wrap_self *self, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : (fprintf(stderr, "sbx: wrap: %s: %s\n", dir, strerror(errno)), 1);
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "sbx") == 0)
			continue;
		_cleanup_free_ char *link = xasprintf("%s/%s", dir, e->d_name);
		if (is_wrap_link(self, link))
			*(char **)array_push(&names, &n, sizeof(char *)) = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), by_name);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *real = wrap_resolve(self, names[i], getenv("PATH"), NULL);
		printf("%s\t%s/%s\t%s\n", names[i], dir, names[i], real ? real : "(no program of that name in PATH)");
		free(names[i]);
	}
	free(names);
	return 0;
}

int wrap_main(int argc, char **argv)
{
	bool unwrap = strcmp(argv[0], "unwrap") == 0, system = false, listing = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--system") == 0) {
			system = true;
		} else if (strcmp(argv[i], "--list") == 0 && !unwrap) {
			listing = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return usage(stdout, 0);
		} else {
			fprintf(stderr, "sbx: %s: unknown option '%s'\n", argv[0], argv[i]);
			return usage(stderr, 2);
		}
	}
	if (listing ? i < argc : i >= argc)
		return usage(stderr, 2);
	struct sbx_error err = { 0 };
	struct wrap_self self;
	_cleanup_free_ char *dir = link_dir(system, &err);
	if (!dir || wrap_self_init(&self, NULL, &err) < 0) {
		sbx_report(&err);
		return 1;
	}
	int code = 0;
	if (listing) {
		code = list(&self, dir);
	} else if (!unwrap && make_dirs(dir, &err) < 0) {
		sbx_report(&err);
		code = 1;
	} else {
		for (; i < argc; i++)
			code |= unwrap ? unwrap_one(&self, dir, argv[i]) : wrap_one(&self, dir, argv[i]);
	}
	wrap_self_free(&self);
	return code;
}
