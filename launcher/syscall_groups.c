/* Group table lookup and expansion; the data lives in syscall_groups.def. */
#include "syscall_groups.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const struct syscall_group groups[] = {
#define SYSCALL_GROUP(name, description, members) { name, description, members },
#include "syscall_groups.def"
#undef SYSCALL_GROUP
};

/* The real table nests two levels (@system-service -> @default); anything deeper is a cycle. */
#define MAX_GROUP_DEPTH 8

const struct syscall_group *syscall_group_find(const char *name)
{
	if (!name || name[0] != '@')
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	return NULL;
}

const struct syscall_group *syscall_groups_all(size_t *count)
{
	*count = ARRAY_SIZE(groups);
	return groups;
}

static int expand_list(const char *list, int depth, int (*fn)(const char *, void *), void *userdata);

static int expand(const char *name, int depth, int (*fn)(const char *, void *), void *userdata)
{
	const struct syscall_group *g = syscall_group_find(name);
	if (!g)
		return -ENOENT;
	if (depth > MAX_GROUP_DEPTH)
		return -ELOOP;
	return expand_list(g->members, depth + 1, fn, userdata);
}

static int expand_list(const char *list, int depth, int (*fn)(const char *, void *), void *userdata)
{
	const char *s = list;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t len = strcspn(s, " ");
		if (len == 0)
			break;
		char word[64];
		if (len >= sizeof(word))
			return -ENAMETOOLONG;
		snprintf(word, sizeof(word), "%.*s", (int)len, s);
		s += len;

		int r = word[0] == '@' ? expand(word, depth, fn, userdata) : fn(word, userdata);
		if (r < 0)
			return r;
	}
	return 0;
}

int syscall_group_expand(const char *name, int (*fn)(const char *syscall, void *userdata),
			 void *userdata)
{
	return expand(name, 0, fn, userdata);
}

int syscall_list_expand(const char *list, int (*fn)(const char *syscall, void *userdata),
			void *userdata)
{
	return expand_list(list, 0, fn, userdata);
}

static int match_one(const char *syscall, void *userdata)
{
	/* -EEXIST ends the walk early and means "found". */
	return strcmp(syscall, (const char *)userdata) == 0 ? -EEXIST : 0;
}

bool syscall_group_contains(const char *group, const char *syscall)
{
	return syscall_group_expand(group, match_one, (void *)syscall) == -EEXIST;
}
