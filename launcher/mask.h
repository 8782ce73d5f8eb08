/* `mask PATH`: the host file or directory PATH names is covered, wherever the sandbox's view shows
 * it, by an empty read-only directory (a tmpfs) or an empty read-only file. Planned after every
 * grant, overlay and protection, so it also hides a path inside a granted tree (bind-rw ${HOME},
 * mask ${HOME}/.ssh), and applied last, on top of them.
 *
 * PATH names a host path. sbx opens it (a symlink is resolved, except inside a writable grant,
 * where the sandbox could have planted it: refused) and finds every place of the view whose
 * source contains what it opened: a second bind of a parent elsewhere gets the mask too, and a
 * source that holds it under a name sbx cannot work out (a bind mount on the host) is refused.
 * A sandbox path below a grant whose source differs from its place (bind /srv/x /data; mask
 * /data/y) masks the host file behind it (/srv/x/y) the same way. Nothing on the host, or nothing
 * of it in the view: the mask does nothing, and --explain says so. */
#ifndef SBX_MASK_H
#define SBX_MASK_H

#include <stdbool.h>
#include <stddef.h>

#include "hostpath.h"
#include "util.h"

/* A place of the view that a grant fills from a host path. */
struct mask_source {
	const char *src;  /* host path */
	const char *dst;  /* inside the sandbox */
	bool bind;        /* a bind (the sandbox sees the host's inodes), not an overlay */
	/* Filled by mask_sources_prepare: src with every symlink resolved, and the directory's
	 * identity (has_id false for a file or a missing source). */
	char *canon;
	struct file_id id;
	bool has_id;
};

void mask_sources_prepare(struct mask_source *sources, size_t n);
void mask_sources_free(struct mask_source *sources, size_t n);

/* One mount of a mask, or (dst NULL) the reason a mask does nothing. */
struct mask_place {
	char *dst;          /* inside the sandbox, or NULL */
	char *hidden;       /* the host path it hides (canonical) */
	const char *noop;   /* static text: why nothing is masked, or NULL */
	struct file_id id;  /* what it hides, checked again by the setup when check_id */
	bool check_id;
	bool is_dir;
};

/* Where mask `path` goes. anchors: sources of writable grants (mount.h), below which no symlink is
 * followed. Appends to *places (at least one entry: a no-op says why). 0 or -errno with err. */
int mask_plan(const char *path, const struct mask_source *sources, size_t n_sources,
	      const struct file_id *anchors, size_t n_anchors, const char *const *anchor_src,
	      struct mask_place **places, size_t *n_places, struct sbx_error *err);

void mask_places_free(struct mask_place *places, size_t n);

#endif
