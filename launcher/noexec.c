/* `noexec PATH` (noexec.h): marks the mount plan's steps; mount.c applies the flag and landlock.c
 * derives its rules from the same steps. */
#include "noexec.h"

#include <errno.h>
#include <string.h>

#include "view.h"

/* Symlinks are not mounts (/var/run -> ../run): the flag belongs on what they point to. */
static bool mount_kind(enum step_kind kind)
{
	return kind != STEP_SYMLINK;
}

static enum view_access without_exec(enum view_access access)
{
	switch (access) {
	case VIEW_READ_EXEC:
		return VIEW_READ;
	case VIEW_WRITE_EXEC:
		return VIEW_WRITE;
	default:
		return access;
	}
}

int noexec_plan(struct mount_plan *plan, const struct policy *p, struct sbx_error *err)
{
	for (size_t i = 0; i < p->n_noexecs; i++) {
		const struct noexec_entry *e = &p->noexecs[i];
		bool found = false;
		for (size_t k = 0; k < plan->n; k++) {
			struct mount_step *s = &plan->steps[k];
			if (!mount_kind(s->kind) || !path_within(s->dst, e->path))
				continue;
			s->noexec = true;
			s->access = without_exec(s->access);
			found = true;
		}
		if (!found) {
			sbx_fail(err, 0, "%s: noexec %s: nothing is mounted at or below it in the sandbox",
				 e->origin ? e->origin : "?", e->path);
			sbx_hint(err, "name the home, /tmp, /dev/shm, the runtime directory, a grant, or a "
				      "directory above them");
			return -EINVAL;
		}
	}
	return 0;
}
