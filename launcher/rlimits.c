#include "rlimits.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

/* How an rlimit's value is written by people, so "as=2G" and "cpu=30s" both read naturally. */
enum rlimit_kind {
	RLK_BYTES,    /* sizes: 512M, 2G */
	RLK_SECONDS,  /* RLIMIT_CPU: durations in whole seconds */
	RLK_MICROS,   /* RLIMIT_RTTIME: durations, plain numbers in microseconds */
	RLK_COUNT,    /* plain counts */
};

struct rlimit_info {
	const char *name;
	int resource;
	enum rlimit_kind kind;
	rlim_t max;  /* largest meaningful finite value; RLIM_INFINITY when unbounded */
};

static const struct rlimit_info rlimit_table[] = {
	{ "as", RLIMIT_AS, RLK_BYTES, RLIM_INFINITY },
	{ "core", RLIMIT_CORE, RLK_BYTES, RLIM_INFINITY },
	{ "cpu", RLIMIT_CPU, RLK_SECONDS, RLIM_INFINITY },
	{ "data", RLIMIT_DATA, RLK_BYTES, RLIM_INFINITY },
	{ "fsize", RLIMIT_FSIZE, RLK_BYTES, RLIM_INFINITY },
	{ "locks", RLIMIT_LOCKS, RLK_COUNT, RLIM_INFINITY },
	{ "memlock", RLIMIT_MEMLOCK, RLK_BYTES, RLIM_INFINITY },
	{ "msgqueue", RLIMIT_MSGQUEUE, RLK_BYTES, RLIM_INFINITY },
	{ "nice", RLIMIT_NICE, RLK_COUNT, 40 },     /* ceiling = 20 - value, as in setrlimit(2) */
	{ "nofile", RLIMIT_NOFILE, RLK_COUNT, RLIM_INFINITY },
	{ "nproc", RLIMIT_NPROC, RLK_COUNT, RLIM_INFINITY },
	{ "rss", RLIMIT_RSS, RLK_BYTES, RLIM_INFINITY },
	{ "rtprio", RLIMIT_RTPRIO, RLK_COUNT, 99 },
	{ "rttime", RLIMIT_RTTIME, RLK_MICROS, RLIM_INFINITY },
	{ "sigpending", RLIMIT_SIGPENDING, RLK_COUNT, RLIM_INFINITY },
	{ "stack", RLIMIT_STACK, RLK_BYTES, RLIM_INFINITY },
};

static const struct rlimit_info *rlimit_lookup(const char *name)
{
	if (strncasecmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_table); i++)
		if (strcasecmp(rlimit_table[i].name, name) == 0)
			return &rlimit_table[i];
	return NULL;
}

static const struct rlimit_info *rlimit_by_resource(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_table); i++)
		if (rlimit_table[i].resource == resource)
			return &rlimit_table[i];
	return NULL;
}

const char *rlimit_name(int resource)
{
	const struct rlimit_info *info = rlimit_by_resource(resource);
	return info ? info->name : NULL;
}

static bool is_unlimited_word(const char *s)
{
	return strcasecmp(s, "unlimited") == 0 || strcasecmp(s, "infinity") == 0 ||
	       strcasecmp(s, "max") == 0;
}

/* Reads "DIGITS[.DIGITS]" at *s and returns value * mult (fraction floored); false on garbage or
 * overflow. Leaves *s after the number. */
static bool read_scaled(const char **s, unsigned long long mult, unsigned long long *out,
			bool *has_fraction)
{
	const char *p = *s;
	unsigned long long whole = 0, frac = 0, den = 1;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (__builtin_mul_overflow(whole, 10ULL, &whole) ||
		    __builtin_add_overflow(whole, (unsigned long long)(*p - '0'), &whole))
			return false;
	}
	*has_fraction = false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		*has_fraction = true;
		for (; isdigit((unsigned char)*p); p++) {
			if (den >= 1000000000ULL)
				continue;  /* beyond nanosecond/byte precision: ignored */
			frac = frac * 10 + (unsigned long long)(*p - '0');
			den *= 10;
		}
	}
	unsigned long long v;
	if (__builtin_mul_overflow(whole, mult, &v))
		return false;
	/* frac < den <= 1e9 and mult <= 2^60 could overflow; split mult to stay exact enough. */
	unsigned long long part = (mult / den) * frac + ((mult % den) * frac) / den;
	if (__builtin_add_overflow(v, part, &v))
		return false;
	*out = v;
	*s = p;
	return true;
}

int size_parse(const char *text, unsigned long long *bytes)
{
	if (!text || !*text)
		return -EINVAL;
	if (is_unlimited_word(text)) {
		*bytes = ULLONG_MAX;
		return 0;
	}
	/* Find the unit first: the multiplier must be known before scaling a fraction. */
	const char *unit = text;
	while (isdigit((unsigned char)*unit) || *unit == '.')
		unit++;
	unsigned long long mult = 1;
	const char *rest = unit;
	if (*rest) {
		const char *letters = "kmgtpe";
		const char *hit = strchr(letters, tolower((unsigned char)*rest));
		if (hit && *rest) {
			mult = 1ULL << (10 * (unsigned)(hit - letters + 1));
			rest++;
			if (*rest == 'i' || *rest == 'I')
				rest++;
		}
		if (*rest == 'b' || *rest == 'B')
			rest++;
		if (*rest)
			return -EINVAL;
	}
	const char *p = text;
	bool frac;
	unsigned long long v;
	if (!read_scaled(&p, mult, &v, &frac) || p != unit)
		return -EINVAL;
	*bytes = v;
	return 0;
}

void size_format(unsigned long long bytes, char *buf, size_t size)
{
	if (bytes == ULLONG_MAX) {
		snprintf(buf, size, "max");
		return;
	}
	static const char units[] = "KMGTPE";
	int u = -1;
	while (bytes && bytes % 1024 == 0 && u < 5) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%llu", bytes);
	else
		snprintf(buf, size, "%llu%c", bytes, units[u]);
}

struct time_unit {
	const char *name;
	unsigned long long ms;
};

static const struct time_unit time_units[] = {
	{ "ms", 1 }, { "msec", 1 }, { "s", 1000 }, { "sec", 1000 }, { "m", 60000 }, { "min", 60000 },
	{ "h", 3600000 }, { "hr", 3600000 }, { "d", 86400000 },
};

int duration_parse(const char *text, unsigned long long *ms)
{
	if (!text || !*text)
		return -EINVAL;
	const char *p = text;
	unsigned long long total = 0;
	bool any = false;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* Number, then unit letters; the number's scale depends on the unit. */
		const char *num = p;
		while (isdigit((unsigned char)*p) || *p == '.')
			p++;
		const char *unit = p;
		while (isalpha((unsigned char)*p))
			p++;
		size_t unit_len = (size_t)(p - unit);
		unsigned long long mult = 0;
		if (unit_len == 0) {
			/* A bare number means seconds, but only as the whole text ("90", not "1m30"). */
			if (any || *p)
				return -EINVAL;
			mult = 1000;
		}
		for (size_t i = 0; i < ARRAY_SIZE(time_units) && !mult; i++)
			if (strlen(time_units[i].name) == unit_len &&
			    strncasecmp(time_units[i].name, unit, unit_len) == 0)
				mult = time_units[i].ms;
		if (!mult)
			return -EINVAL;
		const char *q = num;
		bool frac;
		unsigned long long v;
		if (!read_scaled(&q, mult, &v, &frac) || q != unit)
			return -EINVAL;
		if (__builtin_add_overflow(total, v, &total))
			return -EINVAL;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*ms = total;
	return 0;
}

void duration_format(unsigned long long ms, char *buf, size_t size)
{
	if (ms == 0 || ms % 1000) {
		snprintf(buf, size, "%llums", ms);
		return;
	}
	unsigned long long s = ms / 1000;
	unsigned long long h = s / 3600, m = (s / 60) % 60, sec = s % 60;
	size_t used = 0;
	buf[0] = '\0';
	if (h)
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%lluh", h);
	if (m)
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%llum", m);
	if (sec || (!h && !m))
		snprintf(buf + used, used < size ? size - used : 0, "%llus", sec);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int rlimit_value_parse(const struct rlimit_info *info, const char *value, rlim_t *out,
			      struct sbx_error *err)
{
	unsigned long long v;
	if (is_unlimited_word(value)) {
		*out = RLIM_INFINITY;
		return 0;
	}
	switch (info->kind) {
	case RLK_BYTES:
		if (size_parse(value, &v) < 0)
			return sbx_fail(err, 0, "rlimit %s: '%s' is not a size (e.g. 512M, 2G, unlimited)",
					info->name, value);
		break;
	case RLK_SECONDS:
		if (duration_parse(value, &v) < 0)
			return sbx_fail(err, 0, "rlimit %s: '%s' is not a duration (e.g. 30s, 5m, unlimited)",
					info->name, value);
		if (v % 1000)
			return sbx_fail(err, 0, "rlimit %s: '%s' is not a whole number of seconds",
					info->name, value);
		v /= 1000;
		break;
	case RLK_MICROS:
		if (all_digits(value)) {
			if (!parse_int(value, 0, LLONG_MAX, (long long *)&v))
				return sbx_fail(err, 0, "rlimit %s: '%s' is out of range", info->name, value);
		} else if (duration_parse(value, &v) < 0 || __builtin_mul_overflow(v, 1000ULL, &v)) {
			return sbx_fail(err, 0, "rlimit %s: '%s' is not a duration (e.g. 500ms, 2s)",
					info->name, value);
		}
		break;
	case RLK_COUNT: {
		long long n;
		if (!all_digits(value) || !parse_int(value, 0, LLONG_MAX, &n))
			return sbx_fail(err, 0, "rlimit %s: '%s' is not a number (or unlimited)",
					info->name, value);
		v = (unsigned long long)n;
		break;
	}
	default:
		return sbx_fail(err, 0, "rlimit %s: unknown kind", info->name);
	}
	if (info->max != RLIM_INFINITY && v > info->max)
		return sbx_fail(err, 0, "rlimit %s: '%s' is above the maximum %llu", info->name, value,
				(unsigned long long)info->max);
	/* RLIM_INFINITY is all ones: a finite value must stay below it. */
	if (v >= (unsigned long long)RLIM_INFINITY)
		v = RLIM_INFINITY;
	*out = (rlim_t)v;
	return 0;
}

static const struct rlimit_info *rlimit_lookup_or_fail(const char *name, struct sbx_error *err)
{
	const struct rlimit_info *info = rlimit_lookup(name);
	if (!info) {
		sbx_fail(err, 0, "unknown rlimit '%s'", name);
		sbx_hint(err, "known: as core cpu data fsize locks memlock msgqueue nice nofile nproc "
			      "rss rtprio rttime sigpending stack");
	}
	return info;
}

int rlimit_parse(const char *name, const char *value, int *resource, rlim_t *out, struct sbx_error *err)
{
	const struct rlimit_info *info = rlimit_lookup_or_fail(name, err);
	if (!info)
		return -EINVAL;
	int r = rlimit_value_parse(info, value, out, err);
	if (r < 0)
		return r;
	*resource = info->resource;
	return 0;
}

int rlimit_parse_pair(const char *name, const char *value, int *resource, rlim_t *soft, rlim_t *hard,
		      struct sbx_error *err)
{
	const struct rlimit_info *info = rlimit_lookup_or_fail(name, err);
	if (!info)
		return -EINVAL;
	const char *colon = strchr(value, ':');
	if (!colon) {
		int r = rlimit_value_parse(info, value, soft, err);
		if (r < 0)
			return r;
		*hard = *soft;
	} else {
		_cleanup_free_ char *left = xstrndup(value, (size_t)(colon - value));
		int r = rlimit_value_parse(info, left, soft, err);
		if (r < 0)
			return r;
		r = rlimit_value_parse(info, colon + 1, hard, err);
		if (r < 0)
			return r;
		if (*soft > *hard)
			return sbx_fail(err, 0, "rlimit %s: soft limit '%s' is above the hard limit",
					info->name, value);
	}
	*resource = info->resource;
	return 0;
}

int cpu_max_parse(const char *text, struct cgroup_limits *l)
{
	if (!text || !*text)
		return -EINVAL;
	if (strcasecmp(text, "max") == 0) {
		l->cpu_quota_us = 0;
		l->cpu_period_us = 0;
		return 0;
	}
	unsigned long long quota, period = 100000;
	size_t len = strlen(text);
	if (text[len - 1] == '%') {
		/* Percent of one CPU over the default 100 ms period: 1% = 1000 us. */
		_cleanup_free_ char *num = xstrndup(text, len - 1);
		const char *p = num;
		bool frac;
		if (!read_scaled(&p, 1000, &quota, &frac) || *p)
			return -EINVAL;
	} else {
		const char *slash = strchr(text, '/');
		long long q, per = (long long)period;
		_cleanup_free_ char *qs = slash ? xstrndup(text, (size_t)(slash - text)) : xstrdup(text);
		if (!all_digits(qs) || !parse_int(qs, 1, LLONG_MAX, &q))
			return -EINVAL;
		if (slash && (!all_digits(slash + 1) || !parse_int(slash + 1, 1000, 1000000, &per)))
			return -EINVAL;
		quota = (unsigned long long)q;
		period = (unsigned long long)per;
	}
	/* The kernel refuses quotas below 1 ms. */
	if (quota < 1000)
		return -EINVAL;
	l->cpu_quota_us = quota;
	l->cpu_period_us = period;
	return 0;
}

/* "memory.max", "memory_max" and "memory-max" are the same key. */
static bool key_is(const char *key, const char *want)
{
	for (; *key && *want; key++, want++) {
		char k = *key == '_' || *key == '.' ? '-' : (char)tolower((unsigned char)*key);
		if (k != *want)
			return false;
	}
	return !*key && !*want;
}

int cgroup_limit_parse(const char *key, const char *value, struct cgroup_limits *l, struct sbx_error *err)
{
	bool max = key_is(key, "memory-max"), high = key_is(key, "memory-high");
	bool swap = key_is(key, "memory-swap-max");
	if (max || high || swap) {
		unsigned long long bytes;
		if (size_parse(value, &bytes) < 0)
			return sbx_fail(err, 0, "%s '%s': expected a size such as 512M or 2G, or max", key, value);
		if (max)
			l->memory_max = bytes;
		else if (high)
			l->memory_high = bytes;
		else {
			l->memory_swap_max = bytes;
			l->memory_swap_max_set = true;
		}
		return 0;
	}
	long long n;
	if (key_is(key, "pids-max")) {
		if (strcasecmp(value, "max") == 0) {
			l->pids_max = 0;
			return 0;
		}
		if (!all_digits(value) || !parse_int(value, 1, 4194304, &n))
			return sbx_fail(err, 0, "%s '%s': expected a number of processes (1..4194304)", key, value);
		l->pids_max = (unsigned long long)n;
		return 0;
	}
	if (key_is(key, "cpu-max")) {
		if (cpu_max_parse(value, l) < 0)
			return sbx_fail(err, 0, "%s '%s': expected N%% (of one CPU) or QUOTA[/PERIOD] in microseconds",
					key, value);
		return 0;
	}
	if (key_is(key, "cpu-weight") || key_is(key, "io-weight")) {
		if (!all_digits(value) || !parse_int(value, 1, 10000, &n))
			return sbx_fail(err, 0, "%s '%s': expected a weight 1..10000 (default 100)", key, value);
		if (key_is(key, "cpu-weight"))
			l->cpu_weight = (unsigned long long)n;
		else
			l->io_weight = (unsigned long long)n;
		return 0;
	}
	sbx_fail(err, 0, "unknown cgroup limit '%s'", key);
	sbx_hint(err, "known: memory-max memory-high memory-swap-max pids-max cpu-max cpu-weight io-weight");
	return -EINVAL;
}

int rlimits_apply(const struct policy *p, struct sbx_error *err)
{
	for (int res = 0; res < RLIM_NLIMITS; res++) {
		const struct rlimit_setting *s = &p->rlimits[res];
		if (!s->set)
			continue;
		struct rlimit want = { .rlim_cur = s->soft, .rlim_max = s->hard };
		if (setrlimit(res, &want) == 0)
			continue;
		if (errno != EPERM)
			return sbx_fail(err, errno, "setrlimit %s", rlimit_name(res) ? rlimit_name(res) : "?");
		/* Raising a hard limit needs CAP_SYS_RESOURCE in the initial namespace: keep the current
		 * (tighter) hard limit rather than refuse to run. */
		struct rlimit cur;
		if (getrlimit(res, &cur) < 0)
			return sbx_fail(err, errno, "getrlimit %s", rlimit_name(res));
		if (want.rlim_max <= cur.rlim_max)
			return sbx_fail(err, EPERM, "setrlimit %s", rlimit_name(res));
		want.rlim_max = cur.rlim_max;
		if (want.rlim_cur > want.rlim_max)
			want.rlim_cur = want.rlim_max;
		if (setrlimit(res, &want) < 0)
			return sbx_fail(err, errno, "setrlimit %s", rlimit_name(res));
		if (!p->quiet)
			sbx_warn("rlimit %s: cannot raise the hard limit above the current %llu; kept it",
				 rlimit_name(res), (unsigned long long)cur.rlim_max);
	}
	return 0;
}

static void rlimit_value_format(int resource, rlim_t v, char *buf, size_t size)
{
	const struct rlimit_info *info = rlimit_by_resource(resource);
	if (v == RLIM_INFINITY) {
		snprintf(buf, size, "unlimited");
		return;
	}
	switch (info ? info->kind : RLK_COUNT) {
	case RLK_BYTES:
		size_format(v, buf, size);
		break;
	case RLK_SECONDS:
		duration_format((unsigned long long)v * 1000, buf, size);
		break;
	case RLK_MICROS:
		snprintf(buf, size, "%lluus", (unsigned long long)v);
		break;
	case RLK_COUNT:
		snprintf(buf, size, "%llu", (unsigned long long)v);
		break;
	}
}

void rlimits_explain(const struct policy *p, FILE *out)
{
	bool any = false;
	for (int res = 0; res < RLIM_NLIMITS; res++) {
		const struct rlimit_setting *s = &p->rlimits[res];
		if (!s->set)
			continue;
		if (!any)
			fputs("rlimits (setrlimit in the sandbox, inherited by COMMAND):\n", out);
		any = true;
		char soft[32], hard[32];
		rlimit_value_format(res, s->soft, soft, sizeof(soft));
		rlimit_value_format(res, s->hard, hard, sizeof(hard));
		const char *name = rlimit_name(res) ? rlimit_name(res) : "?";
		if (s->soft == s->hard)
			fprintf(out, "  %-10s %s", name, soft);
		else
			fprintf(out, "  %-10s %s (soft), %s (hard)", name, soft, hard);
		fprintf(out, "  [%s]\n", s->origin ? s->origin : "default");
	}
	if (!any)
		fputs("rlimits: inherited from the caller\n", out);
}

static void json_rlim(FILE *out, rlim_t v)
{
	if (v == RLIM_INFINITY)
		fputs("\"unlimited\"", out);
	else
		fprintf(out, "%llu", (unsigned long long)v);
}

void rlimits_explain_json(const struct policy *p, FILE *out)
{
	bool first = true;
	fputc('{', out);
	for (int res = 0; res < RLIM_NLIMITS; res++) {
		const struct rlimit_setting *s = &p->rlimits[res];
		if (!s->set || !rlimit_name(res))
			continue;
		fprintf(out, "%s\"%s\":{\"soft\":", first ? "" : ",", rlimit_name(res));
		json_rlim(out, s->soft);
		fputs(",\"hard\":", out);
		json_rlim(out, s->hard);
		fputs(",\"origin\":", out);
		json_string(out, s->origin ? s->origin : "default");
		fputc('}', out);
		first = false;
	}
	fputc('}', out);
}
