#include "appstate.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "snapshot.h"

#define APPS_REL ".local/share/sbx/apps"

static const char *home_of(const struct identity *id)
{
	return strcmp(id->home, "/") ? id->home : "";
}

char *appstate_root(const struct identity *id)
{
	return xasprintf("%s/.local/share/sbx", home_of(id));
}

char *appstate_path(const struct identity *id, const char *app, const char *sub)
{
	return sub ? xasprintf("%s/" APPS_REL "/%s/%s", home_of(id), app, sub)
		   : xasprintf("%s/" APPS_REL "/%s", home_of(id), app);
}

/* One component below dirfd: opened without following a symlink, created 0700 first when asked. */
static int step_into(int dirfd, const char *name, bool create)
{
	if (create && mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int walk(int fd, const char *rel, bool create, const char *what, struct sbx_error *err)
{
	_cleanup_free_ char *copy = xstrdup(rel);
	char *save = NULL;
	for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, "..") == 0 || strcmp(comp, ".") == 0) {
			close(fd);
			return sbx_fail(err, EINVAL, "%s: '%s' in the path", what, comp);
		}
		int next = step_into(fd, comp, create);
		close(fd);
		if (next < 0)
			return sbx_fail(err, -next, "%s: %s%s", what, comp,
					next == -ELOOP || next == -ENOTDIR ? " is not a directory (a symlink is refused)" : "");
		fd = next;
	}
	return fd;
}

int appstate_open(const struct identity *id, const char *app, const char *sub, bool create,
		  bool hand_over, struct sbx_error *err)
{
	_cleanup_free_ char *what = appstate_path(id, app, sub);
	if (!app_name_valid(app))
		return sbx_fail(err, 0, "app name '%s': expected 1 to 64 letters, digits, '.', '_', '+' or '-'", app);
	int fd = open(*home_of(id) ? home_of(id) : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sbx_fail(err, errno, "%s", home_of(id));
	_cleanup_free_ char *rel = sub ? xasprintf(APPS_REL "/%s/%s", app, sub) : xasprintf(APPS_REL "/%s", app);
	fd = walk(fd, rel, create, what, err);
	if (fd < 0)
		return fd;
	if (hand_over && id->outer_uid == 0 && fchown(fd, id->uid, id->gid) < 0) {
		int e = errno;
		close(fd);
		return sbx_fail(err, e, "cannot hand %s to uid %u", what, (unsigned)id->uid);
	}
	return fd;
}

static bool keep_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._+,@=", c);
}

char *appstate_escape_path(const char *path)
{
	while (*path == '/')
		path++;
	size_t n = strlen(path);
	char *out = xmalloc(3 * n + 2), *w = out;
	if (n == 0)
		*w++ = '-';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '/')
			*w++ = '-';
		else if (keep_byte(c) && !(c == '.' && i == 0))
			*w++ = (char)c;
		else
			w += sprintf(w, "%%%02X", c);
	}
	*w = '\0';
	return out;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *appstate_unescape_path(const char *name)
{
	size_t n = strlen(name);
	char *out = xmalloc(n + 2), *w = out;
	*w++ = '/';
	if (strcmp(name, "-") == 0) {
		*w = '\0';
		return out;
	}
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '-') {
			*w++ = '/';
		} else if (name[i] == '%' && i + 2 < n + 1 && hex_digit(name[i + 1]) >= 0 && hex_digit(name[i + 2]) >= 0) {
			*w++ = (char)(hex_digit(name[i + 1]) * 16 + hex_digit(name[i + 2]));
			i += 2;
		} else if (keep_byte((unsigned char)name[i]) && !(name[i] == '.' && i == 0)) {
			*w++ = name[i];
		} else {
			free(out);
			return NULL;
		}
	}
	*w = '\0';
	return out;
}

int appstate_remove_below(int dirfd)
{
	int first = 0;
	int dup_fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	DIR *d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -errno;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			first = first ? first : -errno;
			continue;
		}
		/* A directory (unlink says EISDIR, or EPERM on some filesystems): emptied through an fd
		 * that refuses a symlink put in its place meanwhile. */
		_cleanup_close_ int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == EACCES) {
			/* overlayfs leaves work/work mode 000: made searchable through an O_PATH fd of
			 * the directory itself, never through a name a link could stand in for. */
			_cleanup_close_ int p = openat(dirfd, e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_free_ char *self = p < 0 ? NULL : xasprintf("/proc/self/fd/%d", p);
			if (self && chmod(self, 0700) == 0)
				sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		int r = sub < 0 ? -errno : appstate_remove_below(sub);
		if (r == 0 && unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
			r = -errno;
		first = first ? first : r;
	}
	closedir(d);
	return first;
}

unsigned long long appstate_usage(int dirfd)
{
	unsigned long long total = 0;
	int dup_fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return 0;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		/* A file with several links is shared out among them. */
		total += (unsigned long long)st.st_blocks * 512 / (st.st_nlink ? st.st_nlink : 1);
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				total += appstate_usage(sub);
		}
	}
	closedir(d);
	return total;
}

static void human_size(unsigned long long n, char *buf, size_t len)
{
	static const char units[] = "BKMGT";
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lluB", n);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
}

/* The overlays of an app: the unescaped names in APP/overlay, comma-separated, or "". */
static char *overlay_list(int appfd, size_t *count)
{
	*count = 0;
	char *list = xstrdup("");
	int fd = openat(appfd, "overlay", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return list;
	}
	for (struct dirent *e; (e = readdir(d));) {
		_cleanup_free_ char *path = e->d_name[0] == '.' ? NULL : appstate_unescape_path(e->d_name);
		if (!path)
			continue;
		char *next = xasprintf("%s%s%s", list, *list ? "," : "", path);
		free(list);
		list = next;
		(*count)++;
	}
	closedir(d);
	return list;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int apps_list(const struct identity *id)
{
	struct sbx_error err = { 0 };
	int fd = open(*home_of(id) ? home_of(id) : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		sbx_fail(&err, errno, "%s", home_of(id));
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_free_ char *root = xasprintf("%s/" APPS_REL, home_of(id));
	fd = walk(fd, APPS_REL, false, root, &err);
	if (fd < 0) {
		if (err.code == ENOENT)
			return 0;  /* no app has kept anything yet */
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return SBX_EXIT_FAILURE;
	}
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (app_name_valid(e->d_name))
			*ARRAY_PUSH(names, n) = xstrdup(e->d_name);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	if (n)
		printf("%-24s %8s  %s\n", "APP", "SIZE", "STATE");
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int appfd = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (appfd < 0) {
			free(names[i]);
			continue;
		}
		char size[32];
		human_size(appstate_usage(appfd), size, sizeof(size));
		struct stat st;
		bool home = fstatat(appfd, "home", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
		size_t n_over;
		_cleanup_free_ char *overlays = overlay_list(appfd, &n_over);
		printf("%-24s %8s  %s%s%s%s\n", names[i], size, home ? "home" : "",
		       home && n_over ? ", " : "", n_over ? (n_over == 1 ? "overlay " : "overlays ") : "", overlays);
		free(names[i]);
	}
	free(names);
	closedir(d);
	return 0;
}

static int apps_reset(const struct identity *id, const char *app, bool yes)
{
	struct sbx_error err = { 0 };
	if (!app_name_valid(app)) {
		sbx_fail(&err, 0, "apps reset '%s': not an app name", app);
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	_cleanup_free_ char *path = appstate_path(id, app, NULL);
	_cleanup_close_ int fd = appstate_open(id, app, NULL, false, false, &err);
	if (fd < 0) {
		if (err.code == ENOENT) {
			printf("%s: no state kept\n", app);
			return 0;
		}
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			sbx_fail(&err, 0, "apps reset %s: would delete %s; stdin is not a terminal to confirm on, "
				 "add --yes", app, path);
			sbx_report(&err);
			return SBX_EXIT_FAILURE;
		}
		char size[32];
		human_size(appstate_usage(fd), size, sizeof(size));
		fprintf(stderr, "Delete the state of %s (%s, %s)? [y/N] ", app, path, size);
		fflush(stderr);
		char line[16] = "";
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
			fputs("nothing deleted\n", stderr);
			return 1;
		}
	}
	int r = appstate_remove_below(fd);
	if (r < 0) {
		sbx_fail(&err, -r, "apps reset %s: cannot delete everything in %s", app, path);
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	/* The app's directory itself goes too; a new run makes it again. */
	int pfd = open(*home_of(id) ? home_of(id) : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd >= 0)
		pfd = walk(pfd, APPS_REL, false, "apps", &err);
	if (pfd >= 0) {
		unlinkat(pfd, app, AT_REMOVEDIR);
		close(pfd);
	}
	printf("%s: state deleted\n", app);
	return 0;
}

int apps_main(int argc, char **argv, const struct identity *id)
{
	if (argc == 1)
		return apps_list(id);
	if (strcmp(argv[1], "snapshot") == 0 || strcmp(argv[1], "snapshots") == 0 || strcmp(argv[1], "rollback") == 0)
		return snapshot_main(argc - 1, argv + 1, id);
	if (strcmp(argv[1], "reset") == 0 && (argc == 3 || (argc == 4 && strcmp(argv[3], "--yes") == 0) ||
					      (argc == 4 && strcmp(argv[2], "--yes") == 0)))
		return apps_reset(id, strcmp(argv[2], "--yes") == 0 ? argv[3] : argv[2],
				  argc == 4);
	fputs("usage: sbx apps\n"
	      "       sbx apps reset APP [--yes]\n"
	      "       sbx apps snapshot APP [NAME]\n"
	      "       sbx apps snapshots APP\n"
	      "       sbx apps rollback APP NAME\n", stderr);
	return SBX_EXIT_FAILURE;
}
