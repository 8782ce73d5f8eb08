/* Unit tests for the limit parsers (rlimits, sizes, durations, cpu.max, cgroup keys) and the
 * outcome report. */
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "bpf.h"
#include "cgroup.h"
#include "outcome.h"
#include "plan.h"
#include "policy.h"
#include "rlimits.h"

static unsigned long long size_of(const char *s)
{
	unsigned long long v = 12345;
	assert_int_equal(size_parse(s, &v), 0);
	return v;
}

static void test_size_units(void **state)
{
	(void)state;
	assert_int_equal(size_of("0"), 0);
	assert_int_equal(size_of("100"), 100);
	assert_int_equal(size_of("1K"), 1024);
	assert_int_equal(size_of("1k"), 1024);
	assert_int_equal(size_of("512M"), 512ULL << 20);
	assert_int_equal(size_of("2G"), 2ULL << 30);
	assert_int_equal(size_of("2GiB"), 2ULL << 30);
	assert_int_equal(size_of("2GB"), 2ULL << 30);
	assert_int_equal(size_of("1.5G"), 3ULL << 29);
	assert_int_equal(size_of("1T"), 1ULL << 40);
	assert_int_equal(size_of("100B"), 100);
	assert_true(size_of("max") == ULLONG_MAX);
	assert_true(size_of("unlimited") == ULLONG_MAX);
}

static void test_size_rejects(void **state)
{
	(void)state;
	unsigned long long v = 7;
	const char *bad[] = { "", "M", "-1", "1X", "1MM", "1 M", "1.", ".5M", "1.5.2M", "abc",
			      "99999999999999999999", "16384P", "1Mi B", "0x10" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (size_parse(bad[i], &v) == 0)
			fail_msg("size_parse accepted '%s'", bad[i]);
	}
	assert_int_equal(v, 7);  /* untouched on failure */
}

static void test_size_format(void **state)
{
	(void)state;
	char buf[32];
	size_format(64ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "64M");
	size_format(1536ULL << 10, buf, sizeof(buf));
	assert_string_equal(buf, "1536K");
	size_format(100, buf, sizeof(buf));
	assert_string_equal(buf, "100");
	size_format(ULLONG_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "max");
}

static unsigned long long ms_of(const char *s)
{
	unsigned long long v = 12345;
	if (duration_parse(s, &v) != 0)
		fail_msg("duration_parse rejected '%s'", s);
	return v;
}

static void test_duration(void **state)
{
	(void)state;
	assert_int_equal(ms_of("30"), 30000);
	assert_int_equal(ms_of("30s"), 30000);
	assert_int_equal(ms_of("1500ms"), 1500);
	assert_int_equal(ms_of("1.5s"), 1500);
	assert_int_equal(ms_of("5m"), 300000);
	assert_int_equal(ms_of("5min"), 300000);
	assert_int_equal(ms_of("2h"), 7200000);
	assert_int_equal(ms_of("1d"), 86400000);
	assert_int_equal(ms_of("1m30s"), 90000);
	assert_int_equal(ms_of("1h 1s"), 3601000);
	assert_int_equal(ms_of("0"), 0);
}

static void test_duration_rejects(void **state)
{
	(void)state;
	unsigned long long v = 3;
	const char *bad[] = { "", "s", "-1s", "10x", "1m30", "1.s", "ms", "30 s x",
			      "999999999999999999999s", "1e3", " " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (duration_parse(bad[i], &v) == 0)
			fail_msg("duration_parse accepted '%s'", bad[i]);
	assert_int_equal(v, 3);
}

static void test_duration_format(void **state)
{
	(void)state;
	char buf[32];
	duration_format(30000, buf, sizeof(buf));
	assert_string_equal(buf, "30s");
	duration_format(90000, buf, sizeof(buf));
	assert_string_equal(buf, "1m30s");
	duration_format(1500, buf, sizeof(buf));
	assert_string_equal(buf, "1500ms");
	duration_format(7200000, buf, sizeof(buf));
	assert_string_equal(buf, "2h");
	/* What is formatted reads back the same. */
	unsigned long long back;
	duration_format(3723000, buf, sizeof(buf));
	assert_int_equal(duration_parse(buf, &back), 0);
	assert_int_equal(back, 3723000);
}

static void test_rlimit_names_and_units(void **state)
{
	(void)state;
	struct sbx_error err = { 0 };
	int res = -1;
	rlim_t v = 0;
	assert_int_equal(rlimit_parse("nofile", "1024", &res, &v, &err), 0);
	assert_int_equal(res, RLIMIT_NOFILE);
	assert_int_equal(v, 1024);
	assert_int_equal(rlimit_parse("RLIMIT_AS", "2G", &res, &v, &err), 0);
	assert_int_equal(res, RLIMIT_AS);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(rlimit_parse("cpu", "2m", &res, &v, &err), 0);
	assert_int_equal(res, RLIMIT_CPU);
	assert_int_equal(v, 120);  /* seconds */
	assert_int_equal(rlimit_parse("cpu", "30", &res, &v, &err), 0);
	assert_int_equal(v, 30);
	assert_int_equal(rlimit_parse("fsize", "unlimited", &res, &v, &err), 0);
	assert_true(v == RLIM_INFINITY);
	assert_int_equal(rlimit_parse("core", "0", &res, &v, &err), 0);
	assert_int_equal(res, RLIMIT_CORE);
	assert_int_equal(v, 0);
	assert_int_equal(rlimit_parse("rttime", "500ms", &res, &v, &err), 0);
	assert_int_equal(v, 500000);  /* microseconds */
	assert_int_equal(rlimit_parse("rttime", "250", &res, &v, &err), 0);
	assert_int_equal(v, 250);
	assert_int_equal(rlimit_parse("stack", "8M", &res, &v, &err), 0);
	assert_int_equal(v, 8ULL << 20);
	assert_int_equal(rlimit_parse("nice", "10", &res, &v, &err), 0);
	assert_int_equal(res, RLIMIT_NICE);
	const char *names[] = { "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
				"nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (rlimit_parse(names[i], "0", &res, &v, &err) != 0)
			fail_msg("rlimit %s: %s", names[i], err.msg);
		assert_string_equal(rlimit_name(res), names[i]);
	}
}

static void test_rlimit_rejects(void **state)
{
	(void)state;
	struct sbx_error err = { 0 };
	int res;
	rlim_t v;
	assert_int_equal(rlimit_parse("bogus", "1", &res, &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown rlimit 'bogus'"));
	assert_int_equal(rlimit_parse("nofile", "1K", &res, &v, &err), -EINVAL);  /* counts take no units */
	assert_non_null(strstr(err.msg, "nofile"));
	assert_int_equal(rlimit_parse("nofile", "-1", &res, &v, &err), -EINVAL);
	assert_int_equal(rlimit_parse("as", "lots", &res, &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "'lots'"));
	assert_int_equal(rlimit_parse("cpu", "1500ms", &res, &v, &err), -EINVAL);  /* whole seconds */
	assert_int_equal(rlimit_parse("nice", "41", &res, &v, &err), -EINVAL);
	assert_int_equal(rlimit_parse("rtprio", "100", &res, &v, &err), -EINVAL);
	assert_int_equal(rlimit_parse("nofile", "", &res, &v, &err), -EINVAL);
}

static void test_rlimit_pair(void **state)
{
	(void)state;
	struct sbx_error err = { 0 };
	int res;
	rlim_t soft, hard;
	assert_int_equal(rlimit_parse_pair("nofile", "256:1024", &res, &soft, &hard, &err), 0);
	assert_int_equal(soft, 256);
	assert_int_equal(hard, 1024);
	assert_int_equal(rlimit_parse_pair("as", "1G:unlimited", &res, &soft, &hard, &err), 0);
	assert_int_equal(soft, 1ULL << 30);
	assert_true(hard == RLIM_INFINITY);
	assert_int_equal(rlimit_parse_pair("nofile", "64", &res, &soft, &hard, &err), 0);
	assert_int_equal(soft, 64);
	assert_int_equal(hard, 64);
	assert_int_equal(rlimit_parse_pair("nofile", "2048:1024", &res, &soft, &hard, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "above the hard limit"));
}

static void test_cpu_max(void **state)
{
	(void)state;
	struct cgroup_limits l = { 0 };
	assert_int_equal(cpu_max_parse("50%", &l), 0);
	assert_int_equal(l.cpu_quota_us, 50000);
	assert_int_equal(l.cpu_period_us, 100000);
	assert_int_equal(cpu_max_parse("150%", &l), 0);
	assert_int_equal(l.cpu_quota_us, 150000);
	assert_int_equal(cpu_max_parse("12.5%", &l), 0);
	assert_int_equal(l.cpu_quota_us, 12500);
	assert_int_equal(cpu_max_parse("50000/100000", &l), 0);
	assert_int_equal(l.cpu_quota_us, 50000);
	assert_int_equal(l.cpu_period_us, 100000);
	assert_int_equal(cpu_max_parse("20000/50000", &l), 0);
	assert_int_equal(l.cpu_quota_us, 20000);
	assert_int_equal(l.cpu_period_us, 50000);
	assert_int_equal(cpu_max_parse("30000", &l), 0);
	assert_int_equal(l.cpu_period_us, 100000);
	assert_int_equal(cpu_max_parse("max", &l), 0);
	assert_int_equal(l.cpu_quota_us, 0);
	const char *bad[] = { "", "%", "0%", "0.5%", "abc", "50000/", "/100000", "50000/10",
			      "50000/2000000", "500", "-5%", "50%%", "1e5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cpu_max_parse(bad[i], &l) == 0)
			fail_msg("cpu_max_parse accepted '%s'", bad[i]);
}

static void test_cgroup_limit_keys(void **state)
{
	(void)state;
	struct cgroup_limits l = { 0 };
	struct sbx_error err = { 0 };
	assert_false(cgroup_limits_wanted(&l));
	assert_int_equal(cgroup_limit_parse("memory-max", "64M", &l, &err), 0);
	assert_int_equal(l.memory_max, 64ULL << 20);
	assert_true(cgroup_limits_wanted(&l));
	assert_int_equal(cgroup_limit_parse("memory.high", "48M", &l, &err), 0);
	assert_int_equal(l.memory_high, 48ULL << 20);
	assert_int_equal(cgroup_limit_parse("memory_swap_max", "0", &l, &err), 0);
	assert_true(l.memory_swap_max_set);
	assert_int_equal(l.memory_swap_max, 0);
	assert_int_equal(cgroup_limit_parse("pids-max", "32", &l, &err), 0);
	assert_int_equal(l.pids_max, 32);
	assert_int_equal(cgroup_limit_parse("cpu-max", "25%", &l, &err), 0);
	assert_int_equal(l.cpu_quota_us, 25000);
	assert_int_equal(cgroup_limit_parse("cpu-weight", "50", &l, &err), 0);
	assert_int_equal(l.cpu_weight, 50);
	assert_int_equal(cgroup_limit_parse("io-weight", "200", &l, &err), 0);
	assert_int_equal(l.io_weight, 200);

	assert_int_equal(cgroup_limit_parse("pids-max", "0", &l, &err), -EINVAL);
	assert_int_equal(cgroup_limit_parse("pids-max", "1x", &l, &err), -EINVAL);
	assert_int_equal(cgroup_limit_parse("cpu-weight", "10001", &l, &err), -EINVAL);
	assert_int_equal(cgroup_limit_parse("memory-max", "lots", &l, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "memory-max 'lots'"));
	assert_int_equal(cgroup_limit_parse("memory-maximum", "1G", &l, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown cgroup limit"));

	/* "max" means no limit: nothing to ask a cgroup for. */
	struct cgroup_limits none = { 0 };
	assert_int_equal(cgroup_limit_parse("memory-max", "max", &none, &err), 0);
	assert_int_equal(cgroup_limit_parse("pids-max", "max", &none, &err), 0);
	assert_false(cgroup_limits_wanted(&none));
}

/* A sandbox gets a cgroup of its own only for limits or for eBPF programs to attach to it (which
 * needs CAP_BPF and CAP_NET_ADMIN; where they load, every root run carries the device program, so
 * its cgroup is not wasted). With neither, the planner touches nothing and teardown is a no-op. The
 * capabilities are dropped from the effective set for the call, so the test means the same as
 * root and as a user, and never makes a cgroup on the host. */
static void test_cgroup_plan_nothing_wanted(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct identity id = { 0 };
	struct sandbox_plan pl;
	plan_init(&pl, &p, &id, false);
	struct sbx_error err = { 0 };

	cap_t saved = cap_get_proc();
	assert_non_null(saved);
	cap_t none = cap_dup(saved);
	assert_non_null(none);
	assert_int_equal(cap_clear_flag(none, CAP_EFFECTIVE), 0);
	assert_int_equal(cap_set_proc(none), 0);
	bpf_probe_host(&pl.host, false);
	int r = cgroup_plan(&pl, &err);
	int restored = cap_set_proc(saved);  /* permitted kept them: effective can be raised again */
	cap_free(none);
	cap_free(saved);
	assert_int_equal(restored, 0);

	assert_false(pl.host.cgroup_bpf);
	assert_int_equal(r, 0);
	assert_int_equal(pl.cgroup.dirfd, -1);
	assert_null(pl.cgroup.path);
	assert_null(pl.cgroup.note);
	plan_free(&pl);
	policy_free(&p);
}

static char *report(const struct policy *p, const struct sandbox_outcome *o, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (json)
		outcome_report_json(p, o, f);
	else
		outcome_report(p, o, f);
	fclose(f);
	return buf;
}

static void test_outcome_report(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	p.argv = (char *[]){ "hog", NULL };
	p.cgroup.memory_max = 64ULL << 20;
	p.cgroup.pids_max = 32;
	p.timeout_ms = 30000;

	struct sandbox_outcome ok = { .exit_code = 0 };
	char *s = report(&p, &ok, false);
	assert_string_equal(s, "");
	free(s);

	struct sandbox_outcome oom = { .exit_code = 137, .signal = SIGKILL, .oom_killed = true, .oom_kills = 1 };
	s = report(&p, &oom, false);
	assert_string_equal(s, "sbx: hog was killed: out of memory (memory.max 64M)\n");
	free(s);

	struct sandbox_outcome to = { .exit_code = 143, .signal = SIGTERM, .timed_out = true };
	s = report(&p, &to, false);
	assert_string_equal(s, "sbx: timed out after 30s: hog was stopped with SIGTERM\n");
	free(s);

	struct sandbox_outcome pids = { .exit_code = 1, .pids_max_hit = true, .pids_max_events = 5 };
	s = report(&p, &pids, false);
	assert_string_equal(s, "sbx: pids limit reached (pids.max 32): 5 forks were refused\n");
	free(s);

	struct sandbox_outcome segv = { .exit_code = 139, .signal = SIGSEGV };
	s = report(&p, &segv, false);
	assert_string_equal(s, "sbx: hog was killed by signal 11 (SIGSEGV)\n");
	free(s);

	s = report(&p, &oom, true);
	assert_string_equal(s, "{\"exit_code\":137,\"signal\":9,\"signal_name\":\"SIGKILL\",\"oom_killed\":true,"
			       "\"oom_kills\":1,\"pids_limit_reached\":false,\"pids_max_events\":0,"
			       "\"timed_out\":false,\"timeout_ms\":30000,\"stage\":\"command\",\"error\":null}");
	free(s);

	/* A setup error: printed once with its hint, and in JSON as stage "setup" with the same line. */
	struct sbx_error err = { 0 };
	sbx_fail(&err, ENOENT, "bind source /x");
	sbx_hint(&err, "check \"it\"");
	assert_int_equal(sbx_error_prefix(&err, "setup"), -ENOENT);
	struct sandbox_outcome failed = { .exit_code = 125, .setup_error = &err };
	s = report(&p, &failed, false);
	assert_string_equal(s, "sbx: setup: bind source /x: No such file or directory\nsbx: hint: check \"it\"\n");
	free(s);
	s = report(&p, &failed, true);
	assert_non_null(strstr(s, ",\"stage\":\"setup\",\"error\":{\"message\":\"setup: bind source /x: No such file or "
				  "directory\",\"errno\":2,\"refused\":false,\"hint\":\"check \\\"it\\\"\"}}"));
	free(s);
	assert_int_equal(sbx_refuse(&err, "cannot apply %s", "it"), -EPERM);
	assert_true(err.refused);
	assert_int_equal(sbx_error_prefix(&err, "step %d", 2), -EPERM);
	assert_string_equal(err.msg, "step 2: cannot apply it");
	s = report(&p, &failed, true);
	assert_non_null(strstr(s, "\"error\":{\"message\":\"step 2: cannot apply it\",\"errno\":null,\"refused\":true,"
				  "\"hint\":null}"));
	free(s);
	/* A long message keeps its context and loses its end. */
	char longer[600];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	sbx_fail(&err, 0, "%s", longer);
	sbx_error_prefix(&err, "setup");
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "setup: aaa", 10);
	p.argv = NULL;
	policy_free(&p);
}

static void test_explain(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	p.cgroup.memory_max = 64ULL << 20;
	p.cgroup.cpu_quota_us = 50000;
	p.cgroup.cpu_period_us = 100000;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sandbox_plan pl;
	plan_init(&pl, &p, &(struct identity){ 0 }, true);
	cgroup_explain(&pl, f);
	plan_free(&pl);
	rlimits_explain(&p, f);
	fclose(f);
	assert_non_null(strstr(buf, "memory.max 64M, cpu.max 50000 100000"));
	assert_non_null(strstr(buf, "required"));
	assert_non_null(strstr(buf, "core       0"));  /* the default core limit */
	free(buf);
	f = open_memstream(&buf, &len);
	cgroup_explain_json(&p, f);
	fputc('\n', f);
	rlimits_explain_json(&p, f);
	fclose(f);
	assert_non_null(strstr(buf, "\"memory.max\":67108864"));
	assert_non_null(strstr(buf, "\"core\":{\"soft\":0,\"hard\":0"));
	free(buf);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_units),
		cmocka_unit_test(test_size_rejects),
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_duration_rejects),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_rlimit_names_and_units),
		cmocka_unit_test(test_rlimit_rejects),
		cmocka_unit_test(test_rlimit_pair),
		cmocka_unit_test(test_cpu_max),
		cmocka_unit_test(test_cgroup_limit_keys),
		cmocka_unit_test(test_cgroup_plan_nothing_wanted),
		cmocka_unit_test(test_outcome_report),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
