/* The grammar of a `syscalls` rule (seccomp_rules.h). */
#include "seccomp_rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "syscall_groups.h"

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR }, { "EIO", EIO },
	{ "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "ENOEXEC", ENOEXEC }, { "EBADF", EBADF },
	{ "ECHILD", ECHILD }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
	{ "EFAULT", EFAULT }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "EXDEV", EXDEV },
	{ "ENODEV", ENODEV }, { "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR }, { "EINVAL", EINVAL },
	{ "ENFILE", ENFILE }, { "EMFILE", EMFILE }, { "ENOTTY", ENOTTY }, { "ETXTBSY", ETXTBSY },
	{ "EFBIG", EFBIG }, { "ENOSPC", ENOSPC }, { "ESPIPE", ESPIPE }, { "EROFS", EROFS },
	{ "EMLINK", EMLINK }, { "EPIPE", EPIPE }, { "ENOSYS", ENOSYS }, { "ENOTSUP", ENOTSUP },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT }, { "ENETUNREACH", ENETUNREACH },
	{ "ECONNREFUSED", ECONNREFUSED },
};

bool seccomp_rule_parse_errno(const char *s, int *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++) {
		if (strcmp(s, errno_names[i].name) == 0) {
			*out = errno_names[i].value;
			return true;
		}
	}
	long long v;
	if (strspn(s, "0123456789") == strlen(s) && parse_int(s, 1, 4095, &v)) {
		*out = (int)v;
		return true;
	}
	return false;
}

bool seccomp_rule_name_valid(const char *s)
{
	bool group = s[0] == '@';
	size_t n = strlen(s + group);
	if (n == 0 || n > 64)
		return false;
	for (const char *c = s + group; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || (group && *c == '-')))
			return false;
	return true;
}

static bool parse_u64(const char *s, unsigned long long *out)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool seccomp_rule_parse_condition(const char *s, struct seccomp_arg_cond *c)
{
	if (strncmp(s, "arg", 3) != 0 || s[3] < '0' || s[3] > '5')
		return false;
	memset(c, 0, sizeof(*c));
	c->arg = (unsigned)(s[3] - '0');
	s += 4;
	_cleanup_free_ char *copy = NULL;
	if (*s == '&') {
		const char *eq = strstr(s, "==");
		if (!eq)
			return false;
		copy = xstrndup(s + 1, (size_t)(eq - s - 1));
		if (!parse_u64(copy, &c->mask))
			return false;
		c->op = SC_CMP_MASKED_EQ;
		return parse_u64(eq + 2, &c->value);
	}
	static const struct {
		const char *op;
		enum seccomp_cmp cmp;
	} ops[] = { { "==", SC_CMP_EQ }, { "!=", SC_CMP_NE }, { "<=", SC_CMP_LE },
		    { ">=", SC_CMP_GE }, { "<", SC_CMP_LT }, { ">", SC_CMP_GT } };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].op);
		if (strncmp(s, ops[i].op, n) == 0) {
			c->op = ops[i].cmp;
			return parse_u64(s + n, &c->value);
		}
	}
	return false;
}

struct overlap_ctx {
	const char *other;
};

static int overlap_member(const char *syscall, void *userdata)
{
	const struct overlap_ctx *o = userdata;
	bool hit = o->other[0] == '@' ? syscall_group_contains(o->other, syscall) : strcmp(o->other, syscall) == 0;
	return hit ? -EEXIST : 0;
}

bool seccomp_rules_overlap(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	if (a[0] != '@' && b[0] != '@')
		return false;
	if (a[0] == '@' && b[0] != '@')
		return syscall_group_contains(a, b);
	if (b[0] == '@' && a[0] != '@')
		return syscall_group_contains(b, a);
	struct overlap_ctx o = { .other = a };
	return syscall_group_expand(b, overlap_member, &o) == -EEXIST;
}

char *seccomp_rule_problem(const struct seccomp_rule *rule)
{
	if (!rule->name || !rule->name[0])
		return xstrdup("syscalls rule without a name");
	if (rule->action > SC_LOG)
		return xstrdup("unknown action");
	if (rule->action == SC_ERRNO && (rule->errno_value < 1 || rule->errno_value > 4095))
		return xasprintf("errno %d is out of range (1-4095)", rule->errno_value);
	if (rule->n_conds > ARRAY_SIZE(rule->conds))
		return xasprintf("more than %zu argument conditions", ARRAY_SIZE(rule->conds));
	if (rule->n_conds && rule->name[0] == '@')
		return xstrdup("argument conditions need a single syscall, not a group");
	for (unsigned i = 0; i < rule->n_conds; i++) {
		if (rule->conds[i].arg > 5)
			return xasprintf("argument %u does not exist (0-5)", rule->conds[i].arg);
		if (rule->conds[i].op > SC_CMP_MASKED_EQ)
			return xstrdup("unknown comparison");
		/* libseccomp refuses two comparisons of one argument in a rule (EINVAL). */
		for (unsigned j = 0; j < i; j++)
			if (rule->conds[j].arg == rule->conds[i].arg)
				return xasprintf("argument %u is compared twice in one rule; write two rules",
						 rule->conds[i].arg);
	}
	return NULL;
}
