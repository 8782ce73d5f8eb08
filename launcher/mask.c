#include "mask.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The path of an open file as the kernel names it (every symlink resolved). NULL when it has none. */
static char *fd_path(int fd)
{
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = '\0';
	return strstr(buf, " (deleted)") ? NULL : xstrdup(buf);
}

static char *join(const char *dir, const char *rest)
{
	if (!*rest)
		return xstrdup(dir);
	return xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", rest);
}

static const char *after(const char *path, const char *outer)
{
	const char *rest = path + (strcmp(outer, "/") ? strlen(outer) : 0);
	while (*rest == '/')
		rest++;
	return rest;
}

static void add_place(struct mask_place **places, size_t *n, size_t first, const char *dst,
		      const char *hidden, const struct stat *st, bool check_id)
{
	for (size_t i = first; i < *n; i++) {
		struct mask_place *p = &(*places)[i];
		if (!p->dst || strcmp(p->dst, dst) != 0)
			continue;
		/* Two host files shown at one place (a grant nested in another): the setup masks what
		 * is on top, whichever it is. */
		if (p->id.dev != st->st_dev || p->id.ino != st->st_ino)
			p->check_id = false;
		return;
	}
	struct mask_place *p = ARRAY_PUSH(*places, *n);
	*p = (struct mask_place){ .dst = xstrdup(dst), .hidden = xstrdup(hidden),
				  .id = { .dev = st->st_dev, .ino = st->st_ino },
				  .check_id = check_id, .is_dir = S_ISDIR(st->st_mode) };
}

/* Every place of the view that shows the host file `target`. 1 when it exists on the host, 0 when
 * not (or sbx may not reach it, and so neither may the sandbox, which has sbx's uid or less),
 * -errno with err. */
static int place_target(const char *what, const char *target, const struct mask_source *sources,
			size_t n_sources, const struct file_id *anchors, size_t n_anchors,
			const char *const *anchor_src, struct mask_place **places, size_t *n, size_t first,
			struct sbx_error *err)
{
	int fd = -1;
	size_t hit = SIZE_MAX;
	int r = hostpath_open(target, anchors, n_anchors, &fd, &hit);
	if ((r == -ELOOP || r == -EXDEV) && hit < n_anchors) {
		sbx_fail(err, 0, "mask %s: a symlink inside the writable grant %s, which the sandbox could have "
			 "planted; refusing to follow it", what, anchor_src[hit]);
		sbx_hint(err, "mask the symlink's target by its real path");
		return -ELOOP;
	}
	if (r == -ENOENT || r == -ENOTDIR || r == -EACCES)
		return 0;
	if (r < 0)
		return sbx_fail(err, -r, "mask %s", what);
	_cleanup_close_ int tfd = fd;
	struct stat st;
	if (fstat(tfd, &st) < 0)
		return sbx_fail(err, errno, "mask %s", what);
	_cleanup_free_ char *real = fd_path(tfd);
	if (!real)
		return sbx_fail(err, 0, "mask %s: cannot name what it opened", what);
	if (strcmp(real, "/") == 0)
		return sbx_fail(err, 0, "mask %s: it is the host's root directory", what);
	/* The directories above it, by identity: real has no symlink, so each prefix is one. */
	struct file_id above[64];
	size_t n_above = 0;
	_cleanup_free_ char *dir = xstrdup(real);
	for (char *slash; n_above < ARRAY_SIZE(above) && (slash = strrchr(dir, '/'));) {
		bool top = slash == dir;
		slash[top] = '\0';
		struct stat ast;
		if (stat(dir, &ast) == 0)
			above[n_above++] = (struct file_id){ .dev = ast.st_dev, .ino = ast.st_ino };
		if (top)
			break;
	}
	for (size_t i = 0; i < n_sources; i++) {
		const struct mask_source *s = &sources[i];
		const char *src = s->canon;
		if (path_within(real, src)) {
			_cleanup_free_ char *dst = join(s->dst, after(real, src));
			add_place(places, n, first, dst, real, &st, s->bind);
			continue;
		}
		/* Below this source under another name (a bind mount on the host): its place inside
		 * cannot be worked out from names, and leaving it open would defeat the mask. */
		bool below = s->has_id && s->id.dev == st.st_dev && s->id.ino == st.st_ino;
		for (size_t k = 0; k < n_above && s->has_id && !below; k++)
			below = file_id_eq(&s->id, &above[k]);
		if (below) {
			sbx_fail(err, 0, "mask %s: %s is also below the grant %s under another name", what, real, s->src);
			sbx_hint(err, "grant it by the name the mask uses, or mask it as seen through %s", s->src);
			return -EINVAL;
		}
	}
	return 1;
}

int mask_plan(const char *path, const struct mask_source *sources, size_t n_sources,
	      const struct file_id *anchors, size_t n_anchors, const char *const *anchor_src,
	      struct mask_place **places, size_t *n_places, struct sbx_error *err)
{
	size_t first = *n_places;
	int r = place_target(path, path, sources, n_sources, anchors, n_anchors, anchor_src, places,
			     n_places, first, err);
	if (r < 0)
		return r;
	bool exists = r == 1;
	/* A sandbox path below a place filled from another host path: the host file behind it. */
	for (size_t i = 0; i < n_sources; i++) {
		const struct mask_source *s = &sources[i];
		if (strcmp(s->src, s->dst) == 0 || !path_within(path, s->dst))
			continue;
		_cleanup_free_ char *behind = join(s->src, after(path, s->dst));
		r = place_target(path, behind, sources, n_sources, anchors, n_anchors, anchor_src, places,
				 n_places, first, err);
		if (r < 0)
			return r;
		exists |= r == 1;
	}
	if (*n_places == first) {
		struct mask_place *p = ARRAY_PUSH(*places, *n_places);
		*p = (struct mask_place){ .noop = exists ? "no-op: not in the sandbox's view"
							 : "no-op: not on the host" };
	}
	return 0;
}

void mask_sources_prepare(struct mask_source *sources, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct mask_source *s = &sources[i];
		s->canon = canonical_path(s->src);
		struct stat st;
		s->has_id = stat(s->src, &st) == 0 && S_ISDIR(st.st_mode);
		if (s->has_id)
			s->id = (struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
	}
}

void mask_sources_free(struct mask_source *sources, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(sources[i].canon);
	free(sources);
}

void mask_places_free(struct mask_place *places, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(places[i].dst);
		free(places[i].hidden);
	}
	free(places);
}
