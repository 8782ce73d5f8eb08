#include "privdirs.h"

#include <dirent.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostpath.h"

/* firejail's list: every directory a PATH lookup may find a program in. On a merged-/usr system
 * /bin and /sbin are symlinks into /usr, recreated as such, and need no tmpfs of their own. */
static const char *const bin_dirs[] = {"/usr/bin",	 "/usr/sbin",	    "/bin",	  "/sbin",
				       "/usr/local/bin", "/usr/local/sbin", "/usr/games", "/usr/local/games"};

#define MAX_HOPS 16	      /* symlinks followed from one name */
#define MAX_DIR_ENTRIES 65536 /* entries a glob looks at in one directory */

static bool real_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *privdirs_bin_dirs_text(void)
{
	static char text[256];
	if (!text[0])
		for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++)
			if (real_dir(bin_dirs[i]))
				snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s",
					 text[0] ? ", " : "", bin_dirs[i]);
	return text;
}

bool privdirs_program_exists(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++) {
		if (!real_dir(bin_dirs[i]))
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", bin_dirs[i], name);
		struct stat st;
		if (lstat(path, &st) == 0)
			return true;
	}
	return false;
}

static const char *covering_bin_dir(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++)
		if (strcmp(dir, bin_dirs[i]) == 0 && real_dir(bin_dirs[i]))
			return bin_dirs[i];
	return NULL;
}

bool privdirs_in_bin_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return false;
	_cleanup_free_ char *parent = slash > path ? xstrndup(path, (size_t)(slash - path)) : xstrdup("/");
	_cleanup_free_ char *dir = canonical_path(parent);
	return covering_bin_dir(dir) != NULL;
}

/* ---- planning ---- */

struct privctx {
	struct mount_plan *plan;
	const struct policy *p;
	size_t first; /* the first step of ours */
	bool etc;     /* private-etc is on */
};

/* Whether a step of ours already shows dst, or a directory above it. */
static bool shown(const struct privctx *c, const char *dst)
{
	for (size_t i = c->first; i < c->plan->n; i++) {
		const struct mount_step *s = &c->plan->steps[i];
		if ((s->kind == STEP_BIND || s->kind == STEP_SYMLINK) && path_within(dst, s->dst))
			return true;
	}
	return false;
}

static void add_bind(struct privctx *c, const char *src, const char *dst, bool bin, const char *origin)
{
	struct mount_step *s =
	    mount_plan_add(c->plan, STEP_BIND, src, dst, bin ? "private-bin" : "private-etc");
	s->read_only = true;
	s->optional = true; /* gone between the plan and the setup: nothing to show */
	s->access = bin ? VIEW_READ_EXEC : VIEW_READ;
	s->origin = origin;
}

/* Shows the host file `path` at the same place when it lies in a private directory: a symlink as a
 * symlink, followed to the file it names (alternatives: vi -> /etc/alternatives/vi ->
 * /usr/bin/vim.basic), which is shown too. Outside the private directories a file is already
 * visible (or not) as the rest of the view says; a symlink there is still followed. */
static void show_path(struct privctx *c, const char *path, const char *origin, unsigned hops)
{
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1] || hops > MAX_HOPS)
		return;
	_cleanup_free_ char *parent = slash > path ? xstrndup(path, (size_t)(slash - path)) : xstrdup("/");
	_cleanup_free_ char *dir = canonical_path(parent);
	_cleanup_free_ char *real = xasprintf("%s%s", strcmp(dir, "/") ? dir : "", slash);
	bool bin = c->p->private_bin.on && covering_bin_dir(dir);
	bool covered = bin || (c->etc && path_within(dir, "/etc"));
	struct stat st;
	if (lstat(real, &st) < 0)
		return;
	bool add = covered && !shown(c, real);
	if (!S_ISLNK(st.st_mode)) {
		if (add)
			add_bind(c, real, real, bin, origin);
		return;
	}
	char target[PATH_MAX];
	ssize_t n = readlink(real, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	if (add) {
		struct mount_step *s =
		    mount_plan_add(c->plan, STEP_SYMLINK, target, real, bin ? "private-bin" : "private-etc");
		s->origin = origin;
	}
	_cleanup_free_ char *next = target[0] == '/' ? xstrdup(target) : path_join_clean(dir, target);
	show_path(c, next, origin, hops + 1);
}

/* A private directory: an empty tmpfs over the system bind, noexec itself (the files bound into it
 * keep their own mounts' flags), with the directory's Landlock access. */
static void add_tmpfs(struct privctx *c, const char *dst, bool bin, const char *origin)
{
	struct mount_step *s =
	    mount_plan_add(c->plan, STEP_TMPFS, NULL, dst, bin ? "private-bin" : "private-etc");
	s->mode = 0755;
	s->noexec = true;
	s->access = bin ? VIEW_READ_EXEC : VIEW_READ;
	s->in_view = true;
	s->origin = origin;
}

static int plan_bin_name(struct privctx *c, const struct private_name *n, struct sbx_error *err)
{
	if (n->name[0] == '/') {
		struct stat st;
		if (lstat(n->name, &st) < 0 && !n->optional)
			return sbx_fail(err, errno, "private-bin %s [%s]", n->name, n->origin);
		show_path(c, n->name, n->origin, 0);
		return 0;
	}
	bool glob = strpbrk(n->name, "*?[") != NULL, found = false;
	for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++) {
		if (!real_dir(bin_dirs[i]))
			continue;
		if (!glob) {
			_cleanup_free_ char *path = xasprintf("%s/%s", bin_dirs[i], n->name);
			struct stat st;
			if (lstat(path, &st) == 0) {
				found = true;
				show_path(c, path, n->origin, 0);
			}
			continue;
		}
		DIR *d = opendir(bin_dirs[i]);
		struct dirent *e;
		for (unsigned k = 0; d && k < MAX_DIR_ENTRIES && (e = readdir(d)); k++) {
			if (e->d_name[0] == '.' || fnmatch(n->name, e->d_name, FNM_PERIOD) != 0)
				continue;
			_cleanup_free_ char *path = xasprintf("%s/%s", bin_dirs[i], e->d_name);
			show_path(c, path, n->origin, 0);
		}
		if (d)
			closedir(d);
	}
	if (!found && !glob && !n->optional)
		return sbx_fail(err, ENOENT, "private-bin %s [%s]: no such program in %s", n->name, n->origin,
				privdirs_bin_dirs_text());
	return 0;
}

static int plan_etc(struct privctx *c, struct sbx_error *err)
{
	const struct private_list *l = &c->p->private_etc;
	add_tmpfs(c, "/etc", false, l->origin);
	static const char *const base[] = {PRIVDIRS_ETC_BASE};
	for (size_t i = 0; i < ARRAY_SIZE(base); i++) {
		_cleanup_free_ char *path = xasprintf("/etc/%s", base[i]);
		show_path(c, path, l->origin, 0);
	}
	for (size_t i = 0; i < l->n; i++) {
		_cleanup_free_ char *path = xasprintf("/etc/%s", l->names[i].name);
		struct stat st;
		if (lstat(path, &st) < 0) {
			if (l->names[i].optional)
				continue;
			return sbx_fail(err, errno, "private-etc %s [%s]", path, l->names[i].origin);
		}
		/* A link out of /etc into a place the view does not show (resolv.conf ->
		 * /run/systemd/resolve/...): the file it names, bound at its name. */
		_cleanup_free_ char *real = canonical_path(path);
		if (S_ISLNK(st.st_mode) && !path_within(real, "/etc") && !path_within(real, "/usr") &&
		    !path_within(real, "/proc") && !shown(c, path))
			add_bind(c, path, path, false, l->names[i].origin);
		else
			show_path(c, path, l->names[i].origin, 0);
	}
	/* machine-id random needs a file to cover even when /etc/machine-id is not listed. */
	if (c->p->machine_id_random && !shown(c, "/etc/machine-id")) {
		struct mount_step *s =
		    mount_plan_add(c->plan, STEP_FILE, NULL, "/etc/machine-id", "machine-id");
		s->origin = c->p->machine_id_origin;
	}
	return 0;
}

int privdirs_plan(struct mount_plan *plan, const struct policy *p, struct sbx_error *err)
{
	struct privctx c = {.plan = plan, .p = p, .first = plan->n, .etc = p->private_etc.on};
	if (p->private_bin.on)
		for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++)
			if (real_dir(bin_dirs[i]))
				add_tmpfs(&c, bin_dirs[i], true, p->private_bin.origin);
	/* /etc's own files first: a program's link into /etc/alternatives then finds its place. */
	int r = p->private_etc.on ? plan_etc(&c, err) : 0;
	for (size_t i = 0; r == 0 && p->private_bin.on && i < p->private_bin.n; i++)
		r = plan_bin_name(&c, &p->private_bin.names[i], err);
	return r;
}

bool privdirs_covers(const struct mount_plan *plan, const char *dst)
{
	for (size_t i = plan->n; i-- > 0;) {
		const struct mount_step *s = &plan->steps[i];
		if ((s->kind == STEP_BIND || s->kind == STEP_TMPFS || s->kind == STEP_OVERLAY ||
		     s->kind == STEP_SYMLINK) &&
		    path_within(dst, s->dst))
			return s->kind == STEP_TMPFS &&
			       (strcmp(s->label, "private-bin") == 0 || strcmp(s->label, "private-etc") == 0);
	}
	return false;
}

int privdirs_plan_finish(struct mount_plan *plan, const struct policy *p, struct sbx_error *err)
{
	if (p->machine_id_random) {
		unsigned char bytes[16];
		if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
			return sbx_fail(err, errno, "machine-id random: getrandom");
		for (size_t i = 0; i < sizeof(bytes); i++)
			snprintf(plan->machine_id + 2 * i, 3, "%02x", bytes[i]);
		plan->machine_id[32] = '\n';
		static const char *const files[] = {"/etc/machine-id", "/var/lib/dbus/machine-id"};
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			struct mount_step *s = mount_plan_add(plan, STEP_FILE, NULL, files[i], "machine-id");
			s->over = true;
			s->data = (const unsigned char *)plan->machine_id;
			s->data_len = 33;
			s->origin = p->machine_id_origin;
		}
	}
	/* Sealed after the grants, whose mount points may be new names in a private directory. */
	size_t n = plan->n;
	for (size_t i = 0; i < n; i++) {
		struct mount_step *t = &plan->steps[i];
		if (t->kind != STEP_TMPFS ||
		    (strcmp(t->label, "private-bin") && strcmp(t->label, "private-etc")))
			continue;
		const char *dst = t->dst, *origin = t->origin;
		struct mount_step *s = mount_plan_add(plan, STEP_PROTECT, NULL, dst, t->label);
		s->shallow = true;
		s->origin = origin;
	}
	return 0;
}
