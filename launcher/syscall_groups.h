/* systemd-compatible syscall groups (@system-service, @mount, ...), looked up from the table in
 * syscall_groups.def. Pure data and string handling: no libseccomp, no syscalls. */
#ifndef SBX_SYSCALL_GROUPS_H
#define SBX_SYSCALL_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

struct syscall_group {
	const char *name;         /* "@mount" */
	const char *description;  /* one line, from systemd */
	const char *members;      /* space-separated syscall names and @groups */
};

/* The group called name (with its leading '@'), or NULL. */
const struct syscall_group *syscall_group_find(const char *name);

/* All groups, in table order, for --explain and `sbx seccomp groups`-style listings. */
const struct syscall_group *syscall_groups_all(size_t *count);

/* Calls fn once per syscall name in the group, nested groups expanded (a name reached through
 * two paths is reported twice; callers dedupe). Returns 0, -ENOENT if name or a nested group is
 * unknown, -ELOOP if nesting is deeper than any real table, or fn's negative return value. */
int syscall_group_expand(const char *name, int (*fn)(const char *syscall, void *userdata),
			 void *userdata);

/* Same for a space-separated list of syscall names and @groups ("mount @swap"). */
int syscall_list_expand(const char *list, int (*fn)(const char *syscall, void *userdata),
			void *userdata);

/* True if the group contains syscall, directly or through nested groups. */
bool syscall_group_contains(const char *group, const char *syscall);

#endif
