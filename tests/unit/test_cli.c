/* Unit tests of the pure parts of the core: command line, environment, mount plan, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"
#include "env.h"
#include "init.h"
#include "mount.h"
#include "plan.h"

/* The environment the options are applied in: a user's, working in cwd. */
static const struct profile_env *env_at(const char *cwd)
{
	static struct profile_env env;
	env = (struct profile_env){ .home = "/home/u", .cwd = cwd, .uid = 1000, .gid = 1000 };
	return &env;
}

static int scan(char **argv, struct cli *cli, struct sbx_error *err)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return cli_scan(argc, argv, cli, err);
}

static void test_command_after_double_dash_is_not_parsed(void **state)
{
	char *argv[] = { "sbx", "--", "--bind=/", "x", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_int_equal(scan(argv, &cli, &err), 0);
	assert_int_equal(cli.command_index, 2);
	struct policy p;
	policy_init(&p);
	assert_int_equal(cli_apply(4, argv, &cli, env_at("/"), &p, &err), 0);
	assert_int_equal(p.argc, 2);
	assert_string_equal(p.argv[0], "--bind=/");
	assert_int_equal(p.n_mounts, 0);
	policy_free(&p);
}

static void test_options_stop_at_command(void **state)
{
	char *argv[] = { "sbx", "--net", "host", "ls", "--bind", "/x", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_int_equal(scan(argv, &cli, &err), 0);
	assert_int_equal(cli.command_index, 3);
	struct policy p;
	policy_init(&p);
	assert_int_equal(cli_apply(6, argv, &cli, env_at("/"), &p, &err), 0);
	assert_int_equal(p.net, NET_HOST);
	assert_int_equal(p.n_mounts, 0);
	assert_int_equal(p.argc, 3);
	policy_free(&p);
}

static void test_unknown_option_names_it(void **state)
{
	char *argv[] = { "sbx", "--frobnicate", "ls", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_true(scan(argv, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "--frobnicate"));
}

static void test_missing_argument(void **state)
{
	char *argv[] = { "sbx", "--bind", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_true(scan(argv, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "--bind"));
}

static void test_bind_forms(void **state)
{
	char *argv[] = { "sbx", "--bind", "rel/dir", "--ro-bind=/a:/b", "--bind-try", "/c", "--tmpfs", "/t", "true", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_int_equal(scan(argv, &cli, &err), 0);
	struct policy p;
	policy_init(&p);
	assert_int_equal(cli_apply(9, argv, &cli, env_at("/home/u"), &p, &err), 0);
	assert_int_equal(p.n_mounts, 4);
	assert_string_equal(p.mounts[0].src, "/home/u/rel/dir");
	assert_string_equal(p.mounts[0].dst, "/home/u/rel/dir");
	assert_int_equal(p.mounts[1].kind, MOUNT_RO_BIND);
	assert_string_equal(p.mounts[1].dst, "/b");
	assert_true(p.mounts[2].optional);
	assert_int_equal(p.mounts[3].kind, MOUNT_TMPFS);
	policy_free(&p);
}

static void test_destination_with_dotdot_is_refused(void **state)
{
	char *argv[] = { "sbx", "--bind", "/a:/home/../etc", "true", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_int_equal(scan(argv, &cli, &err), 0);
	struct policy p;
	policy_init(&p);
	assert_true(cli_apply(4, argv, &cli, env_at("/"), &p, &err) < 0);
	assert_non_null(strstr(err.msg, "/home/../etc"));
	policy_free(&p);
}

static void test_clean_paths(void **state)
{
	assert_true(path_is_clean_absolute("/"));
	assert_true(path_is_clean_absolute("/a/b"));
	assert_true(path_is_clean_absolute("/a/b/"));
	assert_true(path_is_clean_absolute("/a/.hidden"));
	assert_false(path_is_clean_absolute("a/b"));
	assert_false(path_is_clean_absolute("/a/../b"));
	assert_false(path_is_clean_absolute("/a/./b"));
	assert_false(path_is_clean_absolute("/a//b"));
	assert_false(path_is_clean_absolute("/.."));
	assert_false(path_is_clean_absolute(""));
}

static void test_env_scrubs_loader_variables(void **state)
{
	char *host[] = { "LD_PRELOAD=/evil.so", "LD_AUDIT=x", "PYTHONPATH=/p", "GST_PLUGIN_PATH=/g",
			 "VK_ICD_FILENAMES=/v", "TMPDIR=/hosttmp", "LANG=C", "PATH=/usr/bin", NULL };
	struct policy p;
	policy_init(&p);
	policy_add_env(&p, ENV_SET, "FOO", "bar", NULL);
	policy_add_env(&p, ENV_UNSET, "LANG", NULL, NULL);
	struct sandbox_env e = { 0 };
	env_build(&e, host, &p, p.env, p.n_env, "/home/u", "/run/user/1000");
	assert_null(env_get(&e, "LD_PRELOAD"));
	assert_null(env_get(&e, "LD_AUDIT"));
	assert_null(env_get(&e, "PYTHONPATH"));
	assert_null(env_get(&e, "GST_PLUGIN_PATH"));
	assert_null(env_get(&e, "VK_ICD_FILENAMES"));
	assert_null(env_get(&e, "TMPDIR"));
	assert_null(env_get(&e, "LANG"));
	assert_string_equal(env_get(&e, "PATH"), "/usr/bin");
	assert_string_equal(env_get(&e, "FOO"), "bar");
	assert_string_equal(env_get(&e, "HOME"), "/home/u");
	assert_string_equal(env_get(&e, "XDG_RUNTIME_DIR"), "/run/user/1000");
	env_free(&e);
	policy_free(&p);
}

static void test_env_allow_list_and_keepenv(void **state)
{
	char *host[] = { "GITHUB_TOKEN=t", "SSH_AUTH_SOCK=/a", "GIT_DIR=/g", "LC_ALL=C", "LD_PRELOAD=/evil.so",
			 "PYTHONPATH=/p", NULL };
	struct policy p;
	policy_init(&p);
	policy_add_env(&p, ENV_KEEP, "GIT_*", NULL, NULL);
	policy_add_env(&p, ENV_KEEP, "LD_*", NULL, NULL);
	policy_add_env(&p, ENV_KEEP, "PYTHONPATH", NULL, NULL);
	struct sandbox_env e = { 0 };
	env_build(&e, host, &p, p.env, p.n_env, "/home/u", "/run/user/1000");
	assert_null(env_get(&e, "GITHUB_TOKEN"));
	assert_null(env_get(&e, "SSH_AUTH_SOCK"));
	assert_string_equal(env_get(&e, "GIT_DIR"), "/g");
	assert_string_equal(env_get(&e, "LC_ALL"), "C");
	assert_null(env_get(&e, "LD_PRELOAD"));  /* a pattern never keeps a loader variable */
	assert_string_equal(env_get(&e, "PYTHONPATH"), "/p");  /* its exact name does */
	env_free(&e);
	policy_free(&p);
}

static void test_clearenv_keeps_only_policy_vars(void **state)
{
	char *host[] = { "LANG=C", "PATH=/usr/bin", NULL };
	struct policy p;
	policy_init(&p);
	policy_add_env(&p, ENV_SET, "ONLY", "1", NULL);
	p.clearenv = true;
	struct sandbox_env e = { 0 };
	env_build(&e, host, &p, p.env, p.n_env, "/home/u", "/run/user/1000");
	assert_int_equal(e.n, 1);
	assert_string_equal(e.vars[0], "ONLY=1");
	env_free(&e);
	policy_free(&p);
}

static const struct mount_step *find_step(const struct mount_plan *plan, const char *dst)
{
	const struct mount_step *found = NULL;
	for (size_t i = 0; i < plan->n; i++)
		if (strcmp(plan->steps[i].dst, dst) == 0)
			found = &plan->steps[i];
	return found;
}

static void test_plan_skeleton_and_grants(void **state)
{
	/* Protection goes by identity, so the home must exist: a scratch one. */
	char home[] = "/tmp/sbx-unit-home.XXXXXX";
	assert_non_null(mkdtemp(home));
	char *config = xasprintf("%s/.config", home), *sbx_dir = xasprintf("%s/.config/sbx", home);
	assert_int_equal(mkdir(config, 0700), 0);
	assert_int_equal(mkdir(sbx_dir, 0700), 0);
	struct identity id = { .uid = 1000, .gid = 1000, .home = home, .runtime_dir = "/run/user/1000",
			       .config_home = config };
	struct policy p;
	policy_init(&p);
	policy_add_mount(&p, MOUNT_BIND, home, home, false, "cli");
	char *protect[] = { sbx_dir, "/etc/sbx/profiles", NULL };
	struct mount_plan plan;
	struct sbx_error err = { 0 };
	struct sandbox_plan pl;
	plan_init(&pl, &p, &id, false);
	assert_int_equal(mount_plan_build(&pl, protect, &plan, &err), 0);
	const struct mount_step *s = find_step(&plan, "/usr");
	assert_non_null(s);
	assert_true(s->read_only);
	s = find_step(&plan, "/etc");
	assert_true(s && s->read_only);
	s = find_step(&plan, "/tmp");
	assert_true(s && s->kind == STEP_TMPFS);
	assert_non_null(find_step(&plan, "/proc"));
	assert_non_null(find_step(&plan, "/dev/null"));
	assert_null(find_step(&plan, "/sys"));
	s = find_step(&plan, "/run/user/1000");
	assert_true(s && s->kind == STEP_TMPFS && s->mode == 0700 && s->owned);
	/* The read-write grant over the home exposes the user profile dir: it must be protected. */
	s = find_step(&plan, sbx_dir);
	assert_true(s && s->kind == STEP_PROTECT);
	/* /etc is read-only anyway: nothing to add. */
	assert_null(find_step(&plan, "/etc/sbx/profiles"));
	mount_plan_free(&plan);
	plan_free(&pl);
	policy_free(&p);
	rmdir(sbx_dir);
	rmdir(config);
	rmdir(home);
	free(sbx_dir);
	free(config);
}

static void test_plan_refuses_root_destination(void **state)
{
	struct identity id = { .uid = 1000, .gid = 1000, .home = "/home/u", .runtime_dir = "/run/user/1000" };
	struct policy p;
	policy_init(&p);
	policy_add_mount(&p, MOUNT_BIND, "/", "/", false, "cli");
	struct mount_plan plan;
	struct sbx_error err = { 0 };
	struct sandbox_plan pl;
	plan_init(&pl, &p, &id, false);
	assert_true(mount_plan_build(&pl, NULL, &plan, &err) < 0);
	mount_plan_free(&plan);
	plan_free(&pl);
	policy_free(&p);
}

static void test_user_and_caps_keep(void **state)
{
	char *argv[] = { "sbx", "--user", "www-data", "--caps-keep=net_bind_service", "nginx", NULL };
	struct cli cli;
	struct sbx_error err = { 0 };
	assert_int_equal(scan(argv, &cli, &err), 0);
	assert_string_equal(cli.user, "www-data");
	assert_true(cli.caps_keep);
	struct policy p;
	policy_init(&p);
	assert_int_equal(cli_apply(5, argv, &cli, env_at("/"), &p, &err), 0);
	assert_string_equal(p.user, "www-data");
	assert_true(p.bind_service);
	assert_string_equal(p.bind_service_origin, "command line");
	policy_free(&p);
	char *bad_cap[] = { "sbx", "--caps-keep", "sys_admin", "ls", NULL };
	assert_int_equal(scan(bad_cap, &cli, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "only capability"));
	char *bad_user[] = { "sbx", "--user", "a b", "ls", NULL };
	assert_int_equal(scan(bad_user, &cli, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--user 'a b'"));
}

static void test_socket(void **state)
{
	struct cli cli;
	struct sbx_error err = { 0 };
	struct policy p;
	static const struct { const char *word; enum x11_mode mode; bool optional; } good[] = {
		{ "x11", X11_UNTRUSTED, false },
		{ "x11-trusted", X11_TRUSTED, false },
		{ "x11-optional", X11_UNTRUSTED, true },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *argv[] = { "sbx", "--socket", (char *)good[i].word, "xterm", NULL };
		assert_int_equal(scan(argv, &cli, &err), 0);
		policy_init(&p);
		assert_int_equal(cli_apply(4, argv, &cli, env_at("/"), &p, &err), 0);
		assert_int_equal(p.x11.mode, good[i].mode);
		assert_int_equal(p.x11.optional, good[i].optional);
		assert_string_equal(p.x11.origin, "command line");
		policy_free(&p);
	}
	char *bad[] = { "sbx", "--socket=cups", "xterm", NULL };
	assert_int_equal(scan(bad, &cli, &err), 0);
	policy_init(&p);
	assert_int_equal(cli_apply(3, bad, &cli, env_at("/"), &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--socket 'cups': expected x11"));
	policy_free(&p);
}

static void test_exit_codes(void **state)
{
	assert_int_equal(init_exit_code(42 << 8), 42);
	assert_int_equal(init_exit_code(SIGKILL), 137);
	assert_int_equal(init_exit_code(SIGTERM), 143);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_after_double_dash_is_not_parsed),
		cmocka_unit_test(test_options_stop_at_command),
		cmocka_unit_test(test_unknown_option_names_it),
		cmocka_unit_test(test_missing_argument),
		cmocka_unit_test(test_bind_forms),
		cmocka_unit_test(test_destination_with_dotdot_is_refused),
		cmocka_unit_test(test_clean_paths),
		cmocka_unit_test(test_env_scrubs_loader_variables),
		cmocka_unit_test(test_env_allow_list_and_keepenv),
		cmocka_unit_test(test_clearenv_keeps_only_policy_vars),
		cmocka_unit_test(test_plan_skeleton_and_grants),
		cmocka_unit_test(test_plan_refuses_root_destination),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_user_and_caps_keep),
		cmocka_unit_test(test_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
