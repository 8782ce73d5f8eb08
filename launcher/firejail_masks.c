/* firejail's blacklists as sbx masks, and the noblacklist lines that exempt paths from them.
 * Masked are blacklists of /usr, /etc and /opt (globs and ${PATH} expanded on this host) and
 * blacklists of the home inside a grant; the others fall outside what sbx shows. */
#include "firejail_internal.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool noblacklisted(const struct translator *t, const char *norm)
{
	for (size_t i = 0; i < t->n_noblacklist; i++)
		if (fnmatch(t->noblacklist[i], norm, 0) == 0 || strcmp(t->noblacklist[i], norm) == 0)
			return true;
	return false;
}

static void add_mask(struct translator *t, const char *path)
{
	for (size_t i = 0; i < t->n_mask_paths; i++)
		if (strcmp(t->mask_paths[i], path) == 0)
			return;
	*ARRAY_PUSH(t->mask_paths, t->n_mask_paths) = xstrdup(path);
}

/* firejail's ${PATH}: the directories it expands it to. */
static const char *const fj_path_dirs[] = { "/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin",
					    "/bin", "/sbin", "/usr/games", "/usr/local/games" };

/* noblacklist, also in firejail's ${PATH} form, un-hides the host path `path`. */
static bool noblacklisted_host(const struct translator *t, const char *path)
{
	const char *slash = strrchr(path, '/');
	for (size_t i = 0; i < t->n_noblacklist; i++) {
		const char *nb = t->noblacklist[i];
		if (fnmatch(nb, path, 0) == 0 || strcmp(nb, path) == 0)
			return true;
		if (strncmp(nb, "${PATH}/", 8) != 0 || !slash)
			continue;
		for (size_t d = 0; d < ARRAY_SIZE(fj_path_dirs); d++)
			if (strlen(fj_path_dirs[d]) == (size_t)(slash - path) &&
			    strncmp(fj_path_dirs[d], path, (size_t)(slash - path)) == 0 && fnmatch(nb + 8, slash + 1, 0) == 0)
				return true;
	}
	return false;
}

/* The names in a host directory, read once per process (--summary imports hundreds of profiles
 * that expand the same patterns over /usr/bin). */
static struct dir_names {
	char *dir;
	char **names;
	size_t n;
} *dir_cache;
static size_t n_dir_cache;

static const struct dir_names *names_in(const char *path)
{
	for (size_t i = 0; i < n_dir_cache; i++)
		if (strcmp(dir_cache[i].dir, path) == 0)
			return &dir_cache[i];
	struct dir_names *c = ARRAY_PUSH(dir_cache, n_dir_cache);
	*c = (struct dir_names){ .dir = xstrdup(path) };
	DIR *dir = opendir(path);
	for (struct dirent *e; dir && (e = readdir(dir));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			*ARRAY_PUSH(c->names, c->n) = xstrdup(e->d_name);
	if (dir)
		closedir(dir);
	return c;
}

/* A blacklist of /usr, /etc or /opt that fj_normalise() cannot name: ${PATH}/NAME, or a glob in the
 * last component, expanded on this host as firejail would when the app starts. -1 when the
 * pattern has another form; else how many paths it gave (0: it matches nothing here), with the
 * names a profile cannot write (holding * ? [, such as /usr/bin/[) counted in *unnamable. */
static int expand_blacklist(struct translator *t, const char *arg, int *unnamable)
{
	const char *const *dirs = fj_path_dirs;
	size_t n_dirs = ARRAY_SIZE(fj_path_dirs);
	_cleanup_free_ char *one = NULL;
	const char *pat;
	if (strncmp(arg, "${PATH}/", 8) == 0) {
		pat = arg + 8;
	} else {
		const char *slash = strrchr(arg, '/');
		if (arg[0] != '/' || !slash)
			return -1;
		one = slash == arg ? xstrdup("/") : xstrndup(arg, (size_t)(slash - arg));
		dirs = (const char *const *)&one;
		n_dirs = 1;
		pat = slash + 1;
	}
	if (!*pat || strchr(pat, '/') || strpbrk(dirs[0], "*?[$") || strstr(arg, "/../") || strstr(arg, "/./"))
		return -1;
	int found = 0;
	char **seen = NULL;
	size_t n_seen = 0;
	for (size_t d = 0; d < n_dirs; d++) {
		/* /bin is /usr/bin on a merged-/usr system: name each file once. */
		char *real = realpath(dirs[d], NULL);
		bool dup = !real;
		for (size_t k = 0; real && k < n_seen && !dup; k++)
			dup = strcmp(seen[k], real) == 0;
		if (dup) {
			free(real);
			continue;
		}
		*ARRAY_PUSH(seen, n_seen) = real;
		const struct dir_names *c = names_in(dirs[d]);
		for (size_t k = 0; k < c->n; k++) {
			if (fnmatch(pat, c->names[k], FNM_PERIOD) != 0)
				continue;
			if (strpbrk(c->names[k], "*?[")) {  /* a profile path has no way to quote them */
				(*unnamable)++;
				continue;
			}
			_cleanup_free_ char *path = xasprintf("%s/%s", strcmp(dirs[d], "/") ? dirs[d] : "", c->names[k]);
			if (noblacklisted_host(t, path))
				continue;
			add_mask(t, path);
			found++;
		}
	}
	for (size_t k = 0; k < n_seen; k++)
		free(seen[k]);
	free(seen);
	return found;
}

/* blacklist, blacklist-nolog: a mask where sbx shows the path, else a count for the report (sbx's
 * view leaves the path out). */
void fj_blacklist(struct translator *t, const struct fj_line *l, const char *arg, enum path_class pc, const char *norm)
{
	if (pc == PC_USR || pc == PC_ETC || pc == PC_OPT || pc == PC_OTHER || pc == PC_BAD) {
		if (norm && noblacklisted(t, norm)) {
			t->masks_exempt++;
			t->res->defaults++;
			return;
		}
		for (size_t i = 0; !norm && i < t->n_noblacklist; i++)
			if (strcmp(t->noblacklist[i], arg) == 0) {
				t->masks_exempt++;
				t->res->defaults++;
				return;
			}
		if (pc == PC_OTHER && strncmp(arg, "/boot", 5) != 0 && strncmp(arg, "/snap", 5) != 0 &&
		    strncmp(arg, "/vmlinuz", 8) != 0 && strncmp(arg, "/initrd", 7) != 0 &&
		    strncmp(arg, "/lost+found", 11) != 0 && strncmp(arg, "/root", 5) != 0 &&
		    strncmp(arg, "/selinux", 8) != 0) {
			t->hidden++;
			t->res->defaults++;
			return;
		}
		if (pc == PC_OTHER) {
			t->hidden++;
			t->res->defaults++;
			return;
		}
		if (norm && pc != PC_BAD) {
			add_mask(t, norm);
			t->masks++;
			t->res->translated++;
			return;
		}
		int unnamable = 0;
		int found = pc == PC_BAD ? -1 : expand_blacklist(t, arg, &unnamable);
		if (found >= 0 && unnamable) {
			t->res->dropped++;
			fj_report(t, "dropped", l, "%d file%s whose name holds * ? or [ cannot be named in a profile and stay%s visible",
			       unnamable, unnamable == 1 ? "" : "s", unnamable == 1 ? "s" : "");
			fj_lost(t, "blacklist(/usr,/etc)");
		}
		if (found >= 0) {
			t->mask_globs++;
			if (strpbrk(arg, "*?["))
				fj_report(t, "approximated", l, "masked by name: %d path%s on this host (a file made later is not hidden)",
				       found, found == 1 ? "" : "s");
			else
				fj_report(t, "translated", l, "mask of each ${PATH} directory's (%d on this host)", found);
			return;
		}
		t->res->dropped++;
		if (!t->first_mask)
			t->first_mask = xasprintf("%s:%u: %s", l->file, l->lineno, arg);
		fj_report(t, "dropped", l, "a pattern sbx cannot mask");
		fj_lost(t, "blacklist(/usr,/etc)");
		return;
	}
	if (pc == PC_HOME && norm)
		*ARRAY_PUSH(t->home_black, t->n_home_black) = xstrdup(norm);
	if (pc == PC_PROC || pc == PC_SYS)
		t->proc_sys++;
	else
		t->hidden++;
	t->res->defaults++;
}

/* noblacklist: remembered for the blacklists after it, and for the grants of a blacklist-mode home. */
void fj_noblacklist(struct translator *t, const struct fj_line *l, const char *arg, const char *norm)
{
	const char *base = strrchr(l->file, '/') ? strrchr(l->file, '/') + 1 : l->file;
	bool own = strncmp(base, "disable-", 8) != 0 && !strstr(base, "-common") && strncmp(base, "allow-", 6) != 0;
	size_t k = t->n_noblacklist;
	*ARRAY_PUSH(t->nobl_own, k) = own;
	*ARRAY_PUSH(t->noblacklist, t->n_noblacklist) = norm ? xstrdup(norm) : xstrdup(arg);
	t->res->defaults++;
}

/* The mask lines, after the grants (a blacklist of the home is masked only inside one), and the
 * report's count of the blacklists. */
void fj_write_masks(struct translator *t)
{
	/* A blacklist of the home inside what sbx grants is masked there. */
	for (size_t i = 0; i < t->n_home_black; i++) {
		bool inside = false;
		for (size_t k = 0; k < t->n_grants && !inside; k++)
			inside = t->grants[k].path[0] && path_within(t->home_black[i], t->grants[k].path);
		if (inside && !noblacklisted(t, t->home_black[i])) {
			add_mask(t, t->home_black[i]);
			t->home_masks++;
		}
	}
	if (t->n_mask_paths)
		fprintf(t->out, "# firejail's blacklists: an empty read-only file or directory over each\n");
	for (size_t i = 0; i < t->n_mask_paths; i++)
		if (!fj_emit_path_line(t, "mask", t->mask_paths[i]))
			fprintf(t->rep, "%-12s mask %s: a path sbx profiles cannot spell unquoted\n", "dropped", t->mask_paths[i]);
	fprintf(t->rep, "%-12s %u blacklists under /usr, /etc and /opt: mask; %u patterns masked by name on this host; "
		        "%u blacklists inside a grant of the home: mask; %u more are un-hidden by noblacklist\n",
		"translated", t->masks, t->mask_globs, t->home_masks, t->masks_exempt);
	if (t->first_mask)
		fprintf(t->rep, "%-12s blacklists sbx cannot mask (first: %s)\n", "dropped", t->first_mask);
	fprintf(t->rep, "%-12s %u blacklists of the home, /run, /tmp, /var and other system paths: not in sbx's view; "
		        "%u of /proc and /sys: own /proc, no /sys\n",
		"sbx-default", t->hidden, t->proc_sys);
}
