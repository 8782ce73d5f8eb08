/* The managed copies: written atomically, recognised by X-SBX-Managed, removed, and listed.
 * Never a file sbx did not write: each write and removal checks the marker first. */
#include "desktop_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

/* 1 when path is a file sbx wrote (regular, parses, carries the marker), 0 when absent, -EEXIST
 * when it is someone else's; info and text filled for a managed file. */
int managed_state(const char *path, enum desktop_kind kind, struct desktop_info *info, char **text,
		  size_t *len)
{
	struct stat st;
	*info = (struct desktop_info){ 0 };
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISREG(st.st_mode))
		return -EEXIST;
	_cleanup_free_ char *t = NULL;
	size_t n = 0;
	int r = load_text(path, &t, &n);
	if (r < 0)
		return r;
	char why[256];
	if (desktop_parse(t, n, kind, info, why, sizeof(why)) < 0)
		return -EEXIST;
	if (!info->managed_source) {
		desktop_info_free(info);
		return -EEXIST;
	}
	if (text) {
		*text = TAKE_PTR(t);
		*len = n;
	}
	return 1;
}

int not_ours(const char *path, struct sbx_error *err)
{
	return sbx_fail(err, 0, "desktop: %s is not a copy sbx made; leaving it alone", path);
}

/* A desktop file changed in the copies' directory: the MIME cache is refreshed at the end. (pl->apps
 * is never NULL once places_init succeeded; the check keeps the analyzer from assuming it.) */
static void note_apps_change(struct places *pl, const char *path, enum desktop_kind kind)
{
	if (kind == DESKTOP_APP && pl->apps && strncmp(path, pl->apps, strlen(pl->apps)) == 0)
		pl->apps_changed = true;
}

/* Writes content to path through a temporary file and rename, so that a launcher never reads half
 * a file, and only over a file sbx wrote. */
static int install(struct places *pl, const char *path, enum desktop_kind kind, const char *content,
		   struct sbx_error *err)
{
	struct desktop_info old;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = managed_state(path, kind, &old, &text, &len);
	desktop_info_free(&old);
	if (r == -EEXIST)
		return not_ours(path, err);
	if (r < 0)
		return sbx_fail(err, -r, "desktop: %s", path);
	if (r == 1 && text && len == strlen(content) && memcmp(text, content, len) == 0)
		return 0;  /* unchanged: sync leaves the file, and its mtime, alone */
	r = mkdir_parents(path);
	if (r < 0)
		return sbx_fail(err, -r, "desktop: cannot create the directory of %s", path);
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *tmp = xasprintf("%.*s/.%s.sbx-XXXXXX", (int)(slash - path), path, slash + 1);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sbx_fail(err, errno, "desktop: cannot write %s", path);
	size_t n = strlen(content), done = 0;
	r = fchmod(fd, 0644) < 0 ? -errno : 0;
	while (r == 0 && done < n) {
		ssize_t w = write(fd, content + done, n - done);
		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return sbx_fail(err, -r, "desktop: cannot write %s", path);
	}
	note_apps_change(pl, path, kind);
	printf("wrote %s\n", path);
	return 0;
}

int remove_managed(struct places *pl, const char *path, enum desktop_kind kind, struct sbx_error *err)
{
	struct desktop_info info;
	int r = managed_state(path, kind, &info, NULL, NULL);
	desktop_info_free(&info);
	if (r == -EEXIST)
		return not_ours(path, err);
	if (r <= 0)
		return r == 0 ? 0 : sbx_fail(err, -r, "desktop: %s", path);
	if (unlink(path) < 0)
		return sbx_fail(err, errno, "desktop: cannot remove %s", path);
	note_apps_change(pl, path, kind);
	printf("removed %s\n", path);
	return 0;
}

/* Rewrites the file at source (read into text) into target. */
int write_copy(struct places *pl, const char *source, const char *text, size_t len,
	       enum desktop_kind kind, const char *target, struct sbx_error *err)
{
	char sum[17], why[300];
	desktop_checksum(text, len, sum);
	_cleanup_free_ char *content = desktop_rewrite(text, len, kind, pl->sbx, source, sum, target, why,
							 sizeof(why));
	if (!content)
		return sbx_fail(err, 0, "desktop: %s: %s; skipped", source, why);
	return install(pl, target, kind, content, err);
}

/* Managed files directly in dir (*.desktop or *.service), sorted. */
char **list_dir(const char *dir, const char *suffix, size_t *n)
{
	struct dirent **names = NULL;
	char **out = NULL;
	*n = 0;
	if (!dir)
		return NULL;
	int count = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < count; i++) {
		if (names[i]->d_name[0] != '.' && ends_with(names[i]->d_name, suffix)) {
			char **slot = ARRAY_PUSH(out, *n);
			*slot = xstrdup(names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

void names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Whether a managed file's source still has the bytes it was made from. */
const char *staleness(const struct desktop_info *info)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = load_text(info->managed_source, &text, &len);
	if (r == -ENOENT || r == -ENOTDIR)
		return "source gone; sync removes it";
	if (r < 0)
		return "source unreadable";
	char sum[17];
	desktop_checksum(text, len, sum);
	return strcmp(sum, info->managed_sum) == 0 ? NULL : "source changed; sync rewrites it";
}

/* Menus and `xdg-open` read mimeinfo.cache: refresh it where the copies are, if the tool exists. */
void refresh_mime_cache(const struct places *pl)
{
	_cleanup_free_ char *tool = profile_resolve_command("update-desktop-database");
	if (!strchr(tool, '/') || !pl->apps_changed)
		return;
	char *argv[] = { tool, (char *)"-q", pl->apps, NULL };
	extern char **environ;
	pid_t pid;
	int status;
	if (posix_spawn(&pid, tool, NULL, NULL, argv, environ) != 0)
		return;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* A cache listing nothing is what sbx left behind: disable removes everything it made. */
	_cleanup_free_ char *cache = xasprintf("%s/mimeinfo.cache", pl->apps);
	_cleanup_free_ char *text = NULL;
	if (read_file(cache, &text, NULL) == 0) {
		char *start = text + strspn(text, " \n");
		size_t n = strlen(start);
		while (n && strchr(" \n", start[n - 1]))
			start[--n] = '\0';
		if (strcmp(start, "[MIME Cache]") == 0)
			unlink(cache);
	}
}
