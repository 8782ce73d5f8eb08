/* The sandbox's filesystem view as the mount module builds it: every path inside the sandbox that
 * is reachable, with the access it was granted. Landlock mirrors it; --explain prints it. */
#ifndef SBX_VIEW_H
#define SBX_VIEW_H

#include <stddef.h>

enum view_access {
	VIEW_READ_EXEC,  /* read-only system dirs and ro-binds: read files, list dirs, execute */
	VIEW_READ,       /* read-only data (/etc): read and list, no execute */
	VIEW_WRITE,      /* private writable areas (/tmp, home tmpfs): read, write, no execute */
	VIEW_WRITE_EXEC, /* read-write binds: read, write and execute */
	VIEW_DEVICE,     /* device nodes (/dev/null...): read, write, device ioctls */
	VIEW_PROC,       /* /proc: read, and write to files (e.g. /proc/self/attr) */
};

struct view_entry {
	char *path;  /* absolute path inside the sandbox */
	enum view_access access;
	const char *what;  /* short label for --explain, e.g. "system", "grant", "device" */
};

struct view {
	struct view_entry *entries;
	size_t n;
};

void view_add(struct view *v, const char *path, enum view_access access, const char *what);
void view_free(struct view *v);
const char *view_access_name(enum view_access access);

#endif
