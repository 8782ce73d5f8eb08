/* Profiles: the directives that bound what the command may use: rlimit, timeout, the cgroup
 * limits (memory-*, pids-max, cpu-*, io-weight) and limits-optional. */
#include "profile_internal.h"

#include <limits.h>
#include <string.h>

#include "rlimits.h"

int d_limits_optional(struct parser *ps, struct line *ln)
{
	int r = relaxation_allowed(ps, ln, ln->kw);
	if (r < 0)
		return r;
	ps->p->cgroup.requirement = REQ_OPTIONAL;
	return 0;
}

int d_rlimit(struct parser *ps, struct line *ln)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	struct token *t = arg(ln, 0);
	_cleanup_free_ char *name = NULL;
	const char *value;
	if (ln->n == 1) {
		const char *eq = strchr(t->text, '=');
		if (!eq)
			return FAIL_TOK(ps, ln, t, "expected NAME VALUE or NAME=VALUE, e.g. nofile 1024");
		name = xstrndup(t->text, (size_t)(eq - t->text));
		value = eq + 1;
	} else {
		name = xstrdup(t->text);
		value = arg(ln, 1)->text;
	}
	struct sbx_error e = { 0 };
	int resource;
	rlim_t soft, hard;
	if (rlimit_parse_pair(name, value, &resource, &soft, &hard, &e) < 0)
		return FAIL_TOK(ps, ln, ln->n == 1 ? t : arg(ln, 1), "%s", e.msg);
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return FAIL_TOK(ps, ln, t, "unknown resource limit");
	struct rlimit_setting *s = &ps->p->rlimits[resource];
	if (s->set && s->origin && (soft > s->soft || hard > s->hard)) {
		_cleanup_free_ char *what = xasprintf("the %s limit", name);
		r = loosens(ps, ln, what, s->origin);
		if (r < 0)
			return r;
	}
	free(s->origin);
	*s = (struct rlimit_setting){ .set = true, .soft = soft, .hard = hard, .origin = xstrdup(ln->origin) };
	return 0;
}

int d_timeout(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	unsigned long long ms;
	if (duration_parse(t->text, &ms) < 0 || ms == 0)
		return FAIL_TOK(ps, ln, t, "expected a duration such as 30s, 5m, 1h or 1500ms");
	if (ps->timeout_origin && ms > ps->p->timeout_ms) {
		int r = loosens(ps, ln, "the timeout", ps->timeout_origin);
		if (r < 0)
			return r;
	}
	ps->p->timeout_ms = ms;
	free(ps->timeout_origin);
	ps->timeout_origin = xstrdup(ln->origin);
	return 0;
}

/* "No limit" is the largest value, whether written max (ULLONG_MAX) or left at 0. */
static unsigned long long limit_value(unsigned long long v) { return v == 0 ? ULLONG_MAX : v; }

int d_cgroup(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	const char *key = ln->kw->text;
	struct cgroup_limits next = ps->p->cgroup;
	struct sbx_error e = { 0 };
	if (cgroup_limit_parse(key, t->text, &next, &e) < 0)
		return FAIL_TOK(ps, ln, t, "%s", e.msg);
	const struct cgroup_limits *old = &ps->p->cgroup;
	int which = -1;
	bool looser = false;
	if (strcmp(key, "memory-max") == 0) {
		which = CG_MEMORY_MAX;
		looser = limit_value(next.memory_max) > limit_value(old->memory_max);
	} else if (strcmp(key, "memory-high") == 0) {
		which = CG_MEMORY_HIGH;
		looser = limit_value(next.memory_high) > limit_value(old->memory_high);
	} else if (strcmp(key, "memory-swap-max") == 0) {
		which = CG_MEMORY_SWAP_MAX;
		/* swap 0 is a real limit (no swap) once set */
		looser = next.memory_swap_max > old->memory_swap_max;
	} else if (strcmp(key, "pids-max") == 0) {
		which = CG_PIDS_MAX;
		looser = limit_value(next.pids_max) > limit_value(old->pids_max);
	} else if (strcmp(key, "cpu-max") == 0) {
		which = CG_CPU_MAX;
		long double a = old->cpu_quota_us ? (long double)old->cpu_quota_us / (long double)(old->cpu_period_us ? old->cpu_period_us : 100000) : 1e30L;
		long double b = next.cpu_quota_us ? (long double)next.cpu_quota_us / (long double)(next.cpu_period_us ? next.cpu_period_us : 100000) : 1e30L;
		looser = b > a;
	}
	if (which >= 0 && looser && ps->cgroup_origin[which]) {
		_cleanup_free_ char *what = xasprintf("the %s limit", key);
		int r = loosens(ps, ln, what, ps->cgroup_origin[which]);
		if (r < 0)
			return r;
	}
	if (which >= 0) {
		free(ps->cgroup_origin[which]);
		ps->cgroup_origin[which] = xstrdup(ln->origin);
	}
	char *old_origin = ps->p->cgroup.origin;
	ps->p->cgroup = next;
	free(old_origin);
	ps->p->cgroup.origin = xstrdup(ln->origin);
	return 0;
}
