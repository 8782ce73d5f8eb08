/* sbx learn, the pure parts: collapsing a used syscall set into groups (wholly used groups only,
 * no group listed that a larger chosen one covers, the rest sorted and unique) and which opened
 * paths are worth granting. The supervisor itself is tested by tests/integration/learn.bats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "learn.h"
#include "learn_profile.h"
#include "workdir.h"
#include "syscall_groups.h"
#include "util.h"

struct out {
	char items[64][64];
	bool group[64];
	size_t n;
};

static void collect(const char *item, bool is_group, void *userdata)
{
	struct out *o = userdata;
	assert_true(o->n < 64);
	snprintf(o->items[o->n], sizeof(o->items[0]), "%s", item);
	o->group[o->n++] = is_group;
}

static bool has(const struct out *o, const char *item)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->items[i], item) == 0)
			return true;
	return false;
}

struct names {
	const char *v[256];
	size_t n;
};

/* syscall_group_expand reuses its buffer: keep copies (freed with names_free). */
static int add_name(const char *syscall, void *userdata)
{
	struct names *n = userdata;
	if (n->n < 250)
		n->v[n->n++] = xstrdup(syscall);
	return 0;
}

static void names_free(struct names *n, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		free((char *)n->v[i]);
}

static void test_whole_group_collapses(void **state)
{
	(void)state;
	struct names used = { 0 };
	assert_int_equal(syscall_group_expand("@chown", add_name, &used), 0);
	size_t copies = used.n;
	used.v[used.n++] = "read";
	used.v[used.n++] = "read";  /* duplicates are fine */
	struct out o = { 0 };
	learn_collapse(used.v, used.n, collect, &o);
	names_free(&used, copies);
	assert_true(has(&o, "@chown"));
	assert_true(has(&o, "read"));
	assert_false(has(&o, "fchown"));  /* covered by the group */
	size_t reads = 0;
	for (size_t i = 0; i < o.n; i++)
		reads += strcmp(o.items[i], "read") == 0;
	assert_int_equal(reads, 1);
}

static void test_partial_group_stays_names(void **state)
{
	(void)state;
	const char *used[] = { "write", "chown", "fchown" };  /* @chown only in part */
	struct out o = { 0 };
	learn_collapse(used, ARRAY_SIZE(used), collect, &o);
	assert_int_equal(o.n, 3);
	for (size_t i = 0; i < o.n; i++)
		assert_false(o.group[i]);
	/* sorted */
	assert_string_equal(o.items[0], "chown");
	assert_string_equal(o.items[1], "fchown");
	assert_string_equal(o.items[2], "write");
}

static void test_nested_group_not_repeated(void **state)
{
	(void)state;
	/* All of @file-system: any group it wholly contains must not be listed again. */
	struct names used = { 0 };
	assert_int_equal(syscall_group_expand("@file-system", add_name, &used), 0);
	struct out o = { 0 };
	learn_collapse(used.v, used.n, collect, &o);
	names_free(&used, used.n);
	assert_true(has(&o, "@file-system"));
	for (size_t i = 0; i < o.n; i++)
		if (strcmp(o.items[i], "@file-system") != 0)
			fail_msg("%s listed although @file-system covers it", o.items[i]);
}

static void test_paths_worth_granting(void **state)
{
	(void)state;
	assert_true(learn_path_worth_granting("/home/u/.curlrc"));
	assert_true(learn_path_worth_granting("/opt/app/data"));
	assert_true(learn_path_worth_granting("/var/lib/app"));
	assert_true(learn_path_worth_granting("/usrlocal/x"));  /* prefix match is per component */
	assert_false(learn_path_worth_granting("/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_false(learn_path_worth_granting("/etc/ssl/certs/ca-certificates.crt"));
	assert_false(learn_path_worth_granting("/proc/self/maps"));
	assert_false(learn_path_worth_granting("/dev/null"));
	assert_false(learn_path_worth_granting("/tmp/x"));
	assert_false(learn_path_worth_granting("/run/user/1000/bus"));
	assert_false(learn_path_worth_granting("relative"));
	assert_false(learn_path_worth_granting("/"));
	assert_false(learn_path_worth_granting(NULL));
}

static void test_paths_sensitive(void **state)
{
	(void)state;
	const char *home = "/home/u", *cfg = "/home/u/.cfg";
	/* the files and directories themselves, and below them */
	assert_true(path_is_sensitive(home, cfg, "/home/u/.bashrc"));
	assert_true(path_is_sensitive(home, cfg, "/home/u/.profile"));
	assert_true(path_is_sensitive(home, cfg, "/home/u/.ssh/id_rsa"));
	assert_true(path_is_sensitive(home, cfg, "/home/u/.gnupg"));
	assert_true(path_is_sensitive(home, cfg, "/home/u/.config/autostart/evil.desktop"));
	assert_true(path_is_sensitive(home, cfg, "/home/u/.cfg/autostart"));  /* XDG_CONFIG_HOME */
	assert_true(path_is_sensitive(home, cfg, "/home/u/.cfg/sbx/profiles/x.profile"));
	assert_true(path_is_sensitive(home, cfg, "/etc/sbx/profiles"));
	/* directories holding one */
	assert_true(path_is_sensitive(home, cfg, "/home/u"));
	assert_true(path_is_sensitive(home, cfg, "/home/u/.config"));
	assert_true(path_is_sensitive(home, cfg, "/home"));
	/* ordinary ones */
	assert_false(path_is_sensitive(home, cfg, "/home/u/Documents/a.txt"));
	assert_false(path_is_sensitive(home, cfg, "/home/u/.config/app"));
	assert_false(path_is_sensitive(home, cfg, "/home/u/.profile.d"));  /* per component */
	assert_false(path_is_sensitive(home, cfg, "/opt/app"));
	assert_false(path_is_sensitive(NULL, NULL, "/home/u/.ssh"));
}

static void test_may_access(void **state)
{
	(void)state;
	assert_true(learn_may_access(0600, 1000, 1000, 1000, 1000, R_OK | W_OK));
	assert_false(learn_may_access(0600, 1000, 1000, 1001, 1000, R_OK));  /* group bits: none */
	assert_true(learn_may_access(0640, 0, 1000, 1001, 1000, R_OK));
	assert_false(learn_may_access(0640, 0, 1000, 1001, 1000, W_OK));
	assert_true(learn_may_access(0755, 0, 0, 65534, 65534, R_OK | X_OK));
	assert_false(learn_may_access(0755, 0, 0, 65534, 65534, W_OK));
	assert_false(learn_may_access(0444, 1000, 1000, 1000, 1000, W_OK));  /* owner bits win */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_group_collapses),
		cmocka_unit_test(test_partial_group_stays_names),
		cmocka_unit_test(test_nested_group_not_repeated),
		cmocka_unit_test(test_paths_worth_granting),
		cmocka_unit_test(test_paths_sensitive),
		cmocka_unit_test(test_may_access),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
