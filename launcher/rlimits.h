/* Resource limits: rlimits the sandboxed process itself applies, and the parsers for every limit
 * value (rlimits, cgroup sizes and cpu.max, durations) shared by the command line and profiles. */
#ifndef SBX_RLIMITS_H
#define SBX_RLIMITS_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"

/* Applies p->rlimits to the calling process (pid 1, inherited by COMMAND). 0 or -errno.
 * A hard limit above the current one cannot be raised without privilege: it is clamped to the
 * current hard limit (the sandbox ends up tighter, never looser) with a warning unless quiet. */
int rlimits_apply(const struct policy *p, struct sbx_error *err);

/* Parses "512M", "2G", "30s", "unlimited", plain numbers, for the rlimit named `name`
 * (e.g. "nofile", "as", "cpu"; "RLIMIT_NOFILE" works too): fills *resource and *value.
 * Sizes are binary (K = 1024). 0 or -EINVAL with err filled. */
int rlimit_parse(const char *name, const char *value, int *resource, rlim_t *out, struct sbx_error *err);
/* Like rlimit_parse but accepts "SOFT:HARD" as well (either side may be "unlimited"). */
int rlimit_parse_pair(const char *name, const char *value, int *resource, rlim_t *soft, rlim_t *hard,
		      struct sbx_error *err);
/* Short lowercase name of an RLIMIT_* resource ("nofile"), or NULL. */
const char *rlimit_name(int resource);

/* Parses a duration ("30s", "5m", "1500ms", "2h", "1d", "1.5s", "1m30s", plain number = seconds)
 * into milliseconds. 0 or -EINVAL (also on overflow). */
int duration_parse(const char *text, unsigned long long *ms);
/* Formats milliseconds the way duration_parse reads them: "30s", "1m30s", "1500ms". */
void duration_format(unsigned long long ms, char *buf, size_t size);

/* Parses a size in bytes: "1024", "512K", "512M", "2G", "1.5G", "1T" (binary units; an optional
 * trailing "B" or "iB" is accepted), or "max"/"unlimited"/"infinity" = ULLONG_MAX (no limit).
 * 0 or -EINVAL. */
int size_parse(const char *text, unsigned long long *bytes);
/* Formats bytes as the shortest exact binary unit: "64M", "1536K", "100", or "max". */
void size_format(unsigned long long bytes, char *buf, size_t size);

/* Parses a cpu.max value into l->cpu_quota_us / l->cpu_period_us: "50%" (of one CPU, period
 * 100ms), "150%" (1.5 CPUs), "QUOTA" or "QUOTA/PERIOD" in microseconds (period 1000..1000000,
 * quota >= 1000), or "max" (no limit: both 0). 0 or -EINVAL. */
int cpu_max_parse(const char *text, struct cgroup_limits *l);

/* One entry point for every cgroup limit, for profiles and the CLI: key is one of memory-max,
 * memory-high, memory-swap-max, pids-max, cpu-max, cpu-weight, io-weight (underscores and a
 * "memory.max"-style dot work too). Fills l; 0 or -EINVAL with err naming key and value. */
int cgroup_limit_parse(const char *key, const char *value, struct cgroup_limits *l, struct sbx_error *err);

void rlimits_explain(const struct policy *p, FILE *out);
void rlimits_explain_json(const struct policy *p, FILE *out);

#endif
