/* The mount plan, built in the parent from the policy: the fixed skeleton, the grants in order, and
 * the protection of what the sandbox must never write (mount.h). Pure data; nothing is mounted here. */
#include "mount.h"
#include "plan.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "appstate.h"
#include "cli.h"
#include "devnodes.h"
#include "hostpath.h"
#include "mask.h"
#include "noexec.h"
#include "overlay.h"
#include "privdirs.h"
#include "tty.h"
#include "writeback.h"

/* ---- planning (pure data) ---- */

static struct mount_step *plan_add(struct mount_plan *plan, enum step_kind kind, const char *src,
				   const char *dst, const char *label)
{
	struct mount_step *s = ARRAY_PUSH(plan->steps, plan->n);
	s->kind = kind;
	s->src = src ? xstrdup(src) : NULL;
	s->dst = xstrdup(dst);
	s->label = label;
	s->src_fd = -1;
	s->tree_fd = -1;
	s->discard_fd = -1;
	s->state_fd = -1;
	s->late_fd = -1;
	s->copy_fd = -1;
	return s;
}

struct mount_step *mount_plan_add(struct mount_plan *plan, enum step_kind kind, const char *src,
				  const char *dst, const char *label)
{
	return plan_add(plan, kind, src, dst, label);
}

static void plan_tmpfs(struct mount_plan *plan, const char *dst, mode_t mode, bool owned,
		       const char *label)
{
	struct mount_step *s = plan_add(plan, STEP_TMPFS, NULL, dst, label);
	s->mode = mode;
	s->owned = owned;
	s->access = VIEW_WRITE;
	s->in_view = true;
}

static void plan_bind(struct mount_plan *plan, const char *src, const char *dst, bool ro,
		      enum view_access access, const char *label)
{
	struct mount_step *s = plan_add(plan, STEP_BIND, src, dst, label);
	s->read_only = ro;
	s->access = access;
	s->in_view = true;
}

/* /bin, /lib... are symlinks into /usr on merged-/usr systems (recreated as symlinks), real
 * directories elsewhere (bound read-only). */
static void plan_usr_links(struct mount_plan *plan)
{
	static const char *const dirs[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[32], target[256];
		snprintf(path, sizeof(path), "/%s", dirs[i]);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(path, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			plan_add(plan, STEP_SYMLINK, target, path, "system");
		} else if (S_ISDIR(st.st_mode)) {
			plan_bind(plan, path, path, true, VIEW_READ_EXEC, "system");
		}
	}
}

/* With a terminal on a standard fd, the sandbox's own pty (see tty.h) is also reachable as
 * /dev/console: the command already holds it open, and this lets ttyname() (`tty`, shells, ssh)
 * find it inside, where the pty's host devpts is not mounted. Its host path is only known at launch
 * (mount_plan_set_console); until then the step has no source. */
static void plan_console(struct mount_plan *plan)
{
	struct mount_step *s = plan_add(plan, STEP_BIND, NULL, "/dev/console", "device");
	s->device = true;
	s->noexec = true;
	s->optional = true;
	s->pty = true;
	s->access = VIEW_DEVICE;
	s->in_view = true;
}

void mount_plan_set_console(struct mount_plan *plan, const char *pty_path)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		if (s->pty) {
			free(s->src);
			s->src = xstrdup(pty_path);
		}
	}
}

static void plan_dev(struct mount_plan *plan)
{
	struct mount_step *s = plan_add(plan, STEP_TMPFS, NULL, "/dev", "device");
	s->mode = 0755;
	s->noexec = true;
	bool terminal = tty_std_is_terminal();
	for (size_t i = 0; i < n_sandbox_dev_nodes; i++) {
		if (sandbox_dev_nodes[i].terminal_only && !terminal)
			continue;
		char path[32];
		snprintf(path, sizeof(path), "/dev/%s", sandbox_dev_nodes[i].name);
		s = plan_add(plan, STEP_BIND, path, path, "device");
		s->device = true;
		s->noexec = true;
		s->access = VIEW_DEVICE;
		s->in_view = true;
	}
	s = plan_add(plan, STEP_DEVPTS, NULL, "/dev/pts", "device");
	s->access = VIEW_DEVICE;
	s->in_view = true;
	plan_add(plan, STEP_SYMLINK, "pts/ptmx", "/dev/ptmx", "device");
	plan_tmpfs(plan, "/dev/shm", 01777, false, "private");
	plan_add(plan, STEP_SYMLINK, "/proc/self/fd", "/dev/fd", "device");
	plan_add(plan, STEP_SYMLINK, "/proc/self/fd/0", "/dev/stdin", "device");
	plan_add(plan, STEP_SYMLINK, "/proc/self/fd/1", "/dev/stdout", "device");
	plan_add(plan, STEP_SYMLINK, "/proc/self/fd/2", "/dev/stderr", "device");
	if (terminal)
		plan_console(plan);
}

bool mount_writable_grant(const struct mount_step *s)
{
	return s->kind == STEP_BIND && !s->read_only && strcmp(s->label, "grant") == 0;
}

/* The directories the sandbox must never write, by identity: each existing one, and each of their
 * existing ancestors with the path from there down (a grant of an ancestor gets a read-only step
 * at that path). Canonical paths, so that a symlinked ~/.config/sbx is found at its target. */
static void plan_protected(struct mount_plan *plan, char *const *protect)
{
	char **canon = NULL;
	size_t n = 0;
	for (char *const *dir = protect; dir && *dir; dir++)
		*ARRAY_PUSH(canon, n) = canonical_path(*dir);
	for (size_t i = 0; i < n; i++) {
		bool nested = false;
		for (size_t j = 0; j < n; j++)
			nested |= j != i && path_within(canon[i], canon[j]) && (strcmp(canon[i], canon[j]) || j < i);
		if (nested)
			continue;
		struct stat st;
		if (stat(canon[i], &st) == 0)
			*ARRAY_PUSH(plan->protected_dirs, plan->n_protected_dirs) =
				(struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
		/* Every proper ancestor: "/", "/home", "/home/u", ... */
		for (char *slash = canon[i]; slash; slash = strchr(slash + 1, '/')) {
			_cleanup_free_ char *above = slash == canon[i] ? xstrdup("/") : xstrndup(canon[i], (size_t)(slash - canon[i]));
			if (stat(above, &st) < 0)
				break;
			struct protected_place *pl = ARRAY_PUSH(plan->places, plan->n_places);
			pl->id = (struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
			pl->rest = xstrdup(slash + 1);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(canon[i]);
	free(canon);
}

/* Whether a writable grant whose source is open as fd lies in a protected directory. */
bool mount_inside_protected(const struct mount_plan *plan, int fd)
{
	for (size_t i = 0; i < plan->n_protected_dirs; i++)
		if (fd_is_below(fd, &plan->protected_dirs[i]))
			return true;
	return false;
}

char *mount_protect_dst(const struct mount_step *g, const struct protected_place *pl)
{
	return xasprintf("%s/%s", strcmp(g->dst, "/") ? g->dst : "", pl->rest);
}

/* A writable grant of a protected directory, or of something inside one, becomes read-only; a
 * writable grant of a directory above one gets a read-only step over it. Host paths are opened
 * here only to learn what they are; the sandbox's setup opens them again and checks again. */
static void plan_protect_grants(struct mount_plan *plan)
{
	size_t n_before = plan->n;
	for (size_t i = 0; i < n_before; i++) {
		struct mount_step *g = &plan->steps[i];
		if (!mount_writable_grant(g))
			continue;
		_cleanup_close_ int fd = open(g->src, O_PATH | O_CLOEXEC);
		struct file_id id;
		if (fd < 0 || file_id_of(fd, &id) < 0)
			continue;
		*ARRAY_PUSH(plan->anchors, plan->n_anchors) = id;
		*ARRAY_PUSH(plan->anchor_step, plan->n_anchor_steps) = i;
		if (mount_inside_protected(plan, fd)) {
			g->read_only = true;
			g->access = VIEW_READ_EXEC;
			continue;
		}
		for (size_t k = 0; k < plan->n_places; k++) {
			if (!file_id_eq(&id, &plan->places[k].id))
				continue;
			/* plan_add may move the array: g is not used past this point. */
			_cleanup_free_ char *inside = mount_protect_dst(&plan->steps[i], &plan->places[k]);
			plan_add(plan, STEP_PROTECT, NULL, inside, "protect");
		}
	}
}

/* sbx's per-app state (appstate.h) is never visible inside, not even read-only: a grant or overlay
 * of a directory that contains it gets an empty read-only tmpfs over it, so that no app reads
 * another's home or upper layer, nor writes its own upper layer other than through its overlay.
 * Compared as canonical paths (a symlinked ~/.local is found at its target). */
static void plan_hide_state(struct mount_plan *plan, const struct identity *id)
{
	_cleanup_free_ char *root = appstate_root(id);
	_cleanup_free_ char *canon = canonical_path(root);
	/* No state yet: nothing to hide, and a mount point for the tmpfs would have to be made in
	 * the host's directory through the grant (refused in a read-only one). */
	struct stat st;
	if (stat(canon, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	size_t n_before = plan->n;
	for (size_t i = 0; i < n_before; i++) {
		struct mount_step *g = &plan->steps[i];
		if (!((g->kind == STEP_BIND && strcmp(g->label, "grant") == 0) || g->kind == STEP_OVERLAY))
			continue;
		_cleanup_free_ char *src = canonical_path(g->src);
		if (!path_within(canon, src))
			continue;
		const char *rest = canon + strlen(src);
		while (*rest == '/')
			rest++;
		_cleanup_free_ char *inside = *rest ? xasprintf("%s/%s", strcmp(g->dst, "/") ? g->dst : "", rest)
						    : xstrdup(g->dst);
		struct mount_step *s = plan_add(plan, STEP_TMPFS, NULL, inside, "protect");
		s->mode = 0555;
		s->read_only = true;
		s->hide = true;
		s->access = VIEW_READ;
		s->in_view = true;
	}
}

/* bind-create: a file a tool must be able to add to (ssh's known_hosts) cannot be bound before it
 * exists. Made empty and private, only where its directory already exists, never through a
 * symlink in its own name; failing that, the optional grant is skipped as usual. */
static void create_missing_file(const char *path)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = xstrndup(path, (size_t)(slash - path));
	_cleanup_close_ int dfd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	int fd = openat(dfd, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

void mount_create_files(const struct sandbox_plan *pl)
{
	for (size_t i = 0; i < pl->n_mounts; i++)
		if (pl->mounts[i].create && pl->mounts[i].src)
			create_missing_file(pl->mounts[i].src);
}

/* mask PATH (mask.h): planned last, over every place a grant, overlay or system bind shows it. */
static int plan_masks(struct mount_plan *plan, const struct policy *p, struct sbx_error *err)
{
	if (!p->n_masks)
		return 0;
	struct mask_source *sources = NULL;
	size_t n_sources = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct mount_step *s = &plan->steps[i];
		if ((s->kind == STEP_BIND && s->src && !s->state_sub) || s->kind == STEP_OVERLAY)
			*ARRAY_PUSH(sources, n_sources) = (struct mask_source){ .src = s->src, .dst = s->dst,
										 .bind = s->kind == STEP_BIND };
	}
	mask_sources_prepare(sources, n_sources);
	const char **anchor_src = xcalloc(plan->n_anchors + 1, sizeof(*anchor_src));
	for (size_t i = 0; i < plan->n_anchors; i++)
		anchor_src[i] = plan->steps[plan->anchor_step[i]].src;
	int r = 0;
	for (size_t m = 0; m < p->n_masks && r == 0; m++) {
		struct mask_place *places = NULL;
		size_t n = 0;
		r = mask_plan(p->masks[m].path, sources, n_sources, plan->anchors, plan->n_anchors, anchor_src,
			      &places, &n, err);
		for (size_t i = 0; r == 0 && i < n; i++) {
			/* Two masks of one place (/sbin and /usr/sbin on a merged-/usr system): one. */
			bool dup = false;
			for (size_t k = 0; places[i].dst && k < plan->n && !dup; k++)
				dup = plan->steps[k].kind == STEP_MASK && !plan->steps[k].mask_noop &&
				      strcmp(plan->steps[k].dst, places[i].dst) == 0;
			if (dup || (places[i].dst && privdirs_covers(plan, places[i].dst)))
				continue;
			struct mount_step *s = plan_add(plan, STEP_MASK, places[i].dst ? places[i].hidden : NULL,
							places[i].dst ? places[i].dst : p->masks[m].path, "mask");
			s->mask_noop = places[i].noop;
			s->mask_id = places[i].id;
			s->mask_check = places[i].check_id;
			s->is_dir = places[i].is_dir;
			s->read_only = true;
			s->origin = p->masks[m].origin;
		}
		mask_places_free(places, n);
	}
	free(anchor_src);
	mask_sources_free(sources, n_sources);
	return r;
}

int mount_plan_build(const struct sandbox_plan *pl, char *const *protect, struct mount_plan *plan,
		     struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	const struct identity *id = pl->id;
	memset(plan, 0, sizeof(*plan));
	plan->limit_nesting = !(p->relax & RELAX_USERNS);
	plan->app = p->app ? xstrdup(p->app) : NULL;
	plan->id = id;

	plan_bind(plan, "/usr", "/usr", true, VIEW_READ_EXEC, "system");
	plan_usr_links(plan);
	plan_bind(plan, "/etc", "/etc", true, VIEW_READ, "system");
	int r = privdirs_plan(plan, p, err);
	if (r < 0)
		return r;
	plan_tmpfs(plan, "/tmp", 01777, false, "private");
	plan->steps[plan->n - 1].discards = true;
	plan_tmpfs(plan, "/var/tmp", 01777, false, "private");
	plan->steps[plan->n - 1].discards = true;
	struct stat st;
	if (lstat("/var/run", &st) == 0 && S_ISLNK(st.st_mode))
		plan_add(plan, STEP_SYMLINK, "../run", "/var/run", "system");

	struct mount_step *s = plan_add(plan, STEP_PROC, NULL, "/proc", "system");
	s->access = VIEW_PROC;
	s->in_view = true;
	/* Kernel knobs stay read-only even where namespace ownership would allow a write. */
	static const char *const proc_ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus" };
	for (size_t i = 0; i < ARRAY_SIZE(proc_ro); i++) {
		s = plan_add(plan, STEP_PROTECT, NULL, proc_ro[i], "protect");
		s->optional = true;
	}
	plan_dev(plan);
	plan_tmpfs(plan, id->runtime_dir, 0700, true, "private");
	if (p->home == HOME_PERSISTENT) {
		if (strcmp(id->home, "/") == 0)
			return sbx_fail(err, 0, "home persistent (%s): the account has no home directory (HOME is /)",
					p->home_origin ? p->home_origin : "default");
		_cleanup_free_ char *dir = appstate_path(id, p->app, "home");
		s = plan_add(plan, STEP_BIND, dir, id->home, "private");
		s->state_sub = xstrdup("home");
		s->access = VIEW_WRITE;
		s->in_view = true;
		s->origin = p->home_origin;
	} else if (strcmp(id->home, "/") != 0) {
		plan_tmpfs(plan, id->home, 0700, true, "private");
		plan->steps[plan->n - 1].discards = true;
	}

	for (size_t i = 0; i < pl->n_mounts; i++) {
		const struct mount_entry *m = &pl->mounts[i];
		if (strcmp(m->dst, "/") == 0)
			return sbx_fail(err, 0, "%s %s: cannot mount over the sandbox's root", mount_kind_name(m->kind),
					m->src ? m->src : m->dst);
		/* A required source that is missing now fails here, before any process exists; the
		 * setup checks it again on what it opens. */
		if (m->kind != MOUNT_TMPFS && !m->optional && access(m->src, F_OK) < 0 && errno != EACCES)
			return sbx_fail(err, errno, "bind source %s", m->src);
		if (m->kind == MOUNT_TMPFS) {
			plan_tmpfs(plan, m->dst, 0755, true, "grant");
		} else if (m->edit_alone && writeback_fits(plan, m->src)) {
			plan_add(plan, STEP_COPY, m->src, m->dst, "grant");
			if (!p->quiet)
				sbx_note("%s: %s is edited in a private copy, written back when the sandbox ends "
					 "(its directory stays out: %s)", m->origin, m->src, m->edit_alone);
		} else {
			if (m->edit_alone && !p->quiet)
				sbx_note("%s: granted %s alone (saving by rename will fail), not its directory: %s",
					 m->origin, m->src, m->edit_alone);
			s = plan_add(plan, STEP_BIND, m->src, m->dst, "grant");
			s->read_only = m->kind == MOUNT_RO_BIND;
			s->device = m->kind == MOUNT_DEV_BIND;
			s->optional = m->optional;
			/* A missing optional source (most of desktop.inc's, in a fresh home) costs pid 1 a
			 * walk of ~10 syscalls; skip it here. Made meanwhile, it is missed, as it would be
			 * a moment later. */
			s->skipped = m->optional && access(m->src, F_OK) < 0 && errno == ENOENT;
			s->access = m->kind == MOUNT_RO_BIND ? VIEW_READ_EXEC
				  : m->kind == MOUNT_DEV_BIND ? VIEW_DEVICE : VIEW_WRITE_EXEC;
			s->in_view = true;
		}
		plan->steps[plan->n - 1].origin = m->origin;
	}

	for (size_t i = 0; i < p->n_overlays; i++) {
		const struct overlay_entry *o = &p->overlays[i];
		_cleanup_free_ char *esc = appstate_escape_path(o->path);
		s = plan_add(plan, STEP_OVERLAY, o->path, o->path, "overlay");
		s->optional = o->optional;
		s->overlay_tmp = o->tmp;
		s->state_sub = o->tmp ? NULL : xasprintf("overlay/%s", esc);
		s->upper = o->tmp ? NULL : appstate_path(id, p->app, s->state_sub);
		s->access = VIEW_WRITE_EXEC;
		s->in_view = true;
		s->origin = o->origin;
	}
	plan_hide_state(plan, id);

	if (p->x11.mode != X11_NONE && pl->x11.xauth_path) {
		s = plan_add(plan, STEP_FILE, NULL, pl->x11.xauth_path, "private");
		s->late = pl->x11.late;
		s->data = pl->x11.xauth;
		s->data_len = pl->x11.xauth_len;
		s->origin = p->x11.origin;
	}

	if (pl->pulse_conf_path) {  /* socket pulseaudio (sockets.h) */
		s = plan_add(plan, STEP_FILE, NULL, pl->pulse_conf_path, "private");
		s->data = (const unsigned char *)pl->pulse_conf;
		s->data_len = strlen(pl->pulse_conf);
		s->origin = p->sockets[SBX_SOCK_PULSEAUDIO].origin;
	}

	r = privdirs_plan_finish(plan, p, err);
	if (r < 0)
		return r;
	plan_protected(plan, protect);
	plan_protect_grants(plan);
	r = noexec_plan(plan, p, err);
	return r < 0 ? r : plan_masks(plan, p, err);
}

void mount_plan_free(struct mount_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->steps[i].src);
		free(plan->steps[i].dst);
		if (plan->steps[i].tree_fd >= 0)
			close(plan->steps[i].tree_fd);
		if (plan->steps[i].src_fd >= 0)
			close(plan->steps[i].src_fd);
		if (plan->steps[i].discard_fd >= 0)
			close(plan->steps[i].discard_fd);
		if (plan->steps[i].state_fd >= 0)
			close(plan->steps[i].state_fd);
		if (plan->steps[i].copy_fd >= 0)
			close(plan->steps[i].copy_fd);
		free(plan->steps[i].state_sub);
		free(plan->steps[i].upper);
	}
	free(plan->steps);
	for (size_t i = 0; i < plan->n_writebacks; i++) {
		close(plan->writebacks[i].dirfd);
		free(plan->writebacks[i].name);
	}
	free(plan->writebacks);
	for (size_t i = 0; i < plan->n_places; i++)
		free(plan->places[i].rest);
	free(plan->places);
	free(plan->protected_dirs);
	free(plan->anchors);
	free(plan->anchor_step);
	free(plan->app);
	memset(plan, 0, sizeof(*plan));
}
