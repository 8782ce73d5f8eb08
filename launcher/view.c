#include "view.h"

#include "util.h"

void view_add(struct view *v, const char *path, enum view_access access, const char *what)
{
	struct view_entry *e = ARRAY_PUSH(v->entries, v->n);
	e->path = xstrdup(path);
	e->access = access;
	e->what = what;
}

void view_free(struct view *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->entries[i].path);
	free(v->entries);
	v->entries = NULL;
	v->n = 0;
}

const char *view_access_name(enum view_access access)
{
	switch (access) {
	case VIEW_READ_EXEC: return "read+exec";
	case VIEW_READ: return "read";
	case VIEW_WRITE: return "read+write";
	case VIEW_WRITE_EXEC: return "read+write+exec";
	case VIEW_DEVICE: return "device";
	case VIEW_PROC: return "proc";
	}
	return "?";
}
