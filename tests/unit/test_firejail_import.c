/* Unit tests of the firejail importer (launcher/firejail_*.c): the include chain as firejail
 * resolves it (conditionals, the first-wins ignore list, whitelist-ro, missing *.local), errors
 * with file:line, and that what it writes is an sbx profile the sbx parser accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firejail_import.h"
#include "profile.h"
#include "util.h"

/* An in-memory /etc/firejail: NAME=TEXT pairs. */
struct memfs {
	const char *const *files;  /* path, text, path, text, ..., NULL */
};

static char *mem_read(void *ctx, const char *path, size_t *len)
{
	const struct memfs *fs = ctx;
	for (size_t i = 0; fs->files[i]; i += 2)
		if (strcmp(fs->files[i], path) == 0) {
			*len = strlen(fs->files[i + 1]);
			return xstrdup(fs->files[i + 1]);
		}
	errno = ENOENT;
	return NULL;
}

static const struct profile_env env = {
	.home = "/home/u", .config_home = "/home/u/.config", .runtime_dir = "/run/user/1000",
	.uid = 1000, .gid = 100, .cwd = "/home/u/src/proj",
};

static void import(const char *const *files, struct fj_result *res, int want_rc)
{
	struct memfs fs = { files };
	struct fj_source src = { .dir = "/fj", .read = mem_read, .ctx = &fs };
	assert_int_equal(fj_import("/fj/app.profile", &src, res), want_rc);
}

/* The output parses as an sbx profile (with the shipped includes, for `include network`). */
static void assert_parses(const char *text)
{
	char *dirs[3] = { NULL, NULL, (char *)"profiles" };
	struct policy p;
	policy_init(&p);
	p.quiet = true;
	struct sbx_error err = { 0 };
	int rc = profile_parse_text(&p, text, strlen(text), "imported.profile", PROFILE_KIND_PROFILE, &env, dirs, true,
				    NULL, &err);
	if (rc != 0)
		fail_msg("%s\n---\n%s", err.msg, text);
	policy_free(&p);
}

static void has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("no '%s' in:\n%s", part, text);
}

static void lacks(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("'%s' in:\n%s", part, text);
}

static void resolves_includes_ignore_and_conditionals(void **state)
{
	(void)state;
	static const char *const files[] = {
		"/fj/app.profile",
		"# app\ninclude app.local\ninclude globals.local\nignore noexec\nnet none\n"
		"?HAS_NET: whitelist ${HOME}/.netonly\n?ALLOW_TRAY: whitelist ${HOME}/.tray\n"
		"include common.inc\nwhitelist-ro ${HOME}/.config/app\n  whitelist   ~/.local/share/app   # data\n"
		"mkfile ${HOME}/.apprc\nseccomp !chroot\nseccomp.drop kexec_load,no_such_call\nrmenv TOKEN\n"
		"env LANG=C\nhostname sbxhost\ncaps.drop all\nprivate-dev\n",
		"/fj/common.inc", "noexec /tmp\nblacklist /usr/bin/gcc\nnoblacklist /usr/bin/gcc\nblacklist ${HOME}/.ssh\n"
		"blacklist ${HOME}/.local/share/app/keys\n",
		NULL,
	};
	struct fj_result res;
	import(files, &res, 0);
	assert_int_equal(res.files, 2);
	has(res.profile, "net none\n");
	has(res.profile, "ro-bind-try ${HOME}/.config/app\n");  /* whitelist-ro: read-only */
	has(res.profile, "bind-try ${HOME}/.local/share/app\n");
	has(res.profile, "bind-create ${HOME}/.apprc\n");
	has(res.profile, "bind-try ${HOME}/.netonly\n");         /* ?HAS_NET after net none */
	lacks(res.profile, ".tray");                              /* ?ALLOW_TRAY is off */
	has(res.profile, "syscalls deny kexec_load\n");
	has(res.profile, "unsetenv TOKEN\n");
	has(res.profile, "setenv LANG C\n");
	has(res.profile, "hostname sbxhost\n");
	lacks(res.profile, "${CWD}");                             /* whitelist-mode home: exact */
	/* noexec ignored; the gcc blacklist was un-done by a later noblacklist? No: noblacklist acts on
	 * later blacklists only, so it becomes a mask. A blacklist inside a home grant is masked there;
	 * one of the home outside every grant needs nothing (not in the view). */
	lacks(res.report, "noexec /tmp");
	has(res.report, "1 blacklists under /usr, /etc and /opt: mask");
	has(res.report, "1 blacklists inside a grant of the home: mask");
	has(res.profile, "mask /usr/bin/gcc\n");
	has(res.profile, "mask ${HOME}/.local/share/app/keys\n");
	lacks(res.profile, "mask ${HOME}/.ssh");
	has(res.report, "seccomp.drop kexec_load,no_such_call: 1 syscalls denied by name; 1 groups or unknown");
	lacks(res.lost_kinds ? res.lost_kinds : "", "blacklist");
	assert_parses(res.profile);
	fj_result_free(&res);
}

static void blacklist_mode_home_grants_cwd_and_own_noblacklists(void **state)
{
	(void)state;
	static const char *const files[] = {
		"/fj/app.profile",
		"include disable-common.inc\nnoblacklist ${HOME}/.apprc\nnoblacklist /usr/bin/perl\nblacklist /usr/bin/perl\n"
		"protocol unix,inet\nprivate-cache\nnoblacklist ${HOME}/.cache/app\nnoblacklist ${HOME}/.a b\n",
		"/fj/disable-common.inc", "noblacklist ${HOME}/.shared\n",
		NULL,
	};
	struct fj_result res;
	import(files, &res, 0);
	has(res.profile, "bind-try ${CWD}\n");
	has(res.profile, "ro-bind-try ${HOME}/.apprc\n");
	lacks(res.profile, ".shared");     /* from a shared include: not the app's own */
	lacks(res.profile, ".cache/app");  /* private-cache shadows it */
	lacks(res.profile, ".a b");        /* cannot be spelt unquoted: left out */
	has(res.profile, "include network\n");
	has(res.report, "0 blacklists under /usr");  /* the one perl blacklist was un-hidden first */
	lacks(res.profile, "mask /usr/bin/perl");
	assert_int_equal(res.tier, FJ_FULL);
	assert_parses(res.profile);
	fj_result_free(&res);
}

static void protocol_without_inet_is_net_none(void **state)
{
	(void)state;
	static const char *const files[] = { "/fj/app.profile", "protocol unix\nprivate\n", NULL };
	struct fj_result res;
	import(files, &res, 0);
	has(res.profile, "net none\n");
	lacks(res.profile, "${CWD}");  /* private: an empty home */
	assert_parses(res.profile);
	fj_result_free(&res);
}

static void expect_failure(const char *text, const char *msg)
{
	const char *const files[] = { "/fj/app.profile", text, "/fj/loop.inc", "include loop.inc\n", NULL };
	struct fj_result res;
	import(files, &res, -1);
	assert_int_equal(res.tier, FJ_FAILED);
	assert_null(res.profile);
	if (!strstr(res.error, msg))
		fail_msg("'%s' does not contain '%s'", res.error, msg);
	fj_result_free(&res);
}

static void errors_name_file_and_line(void **state)
{
	(void)state;
	expect_failure("net none\ninclude missing.inc\n", "/fj/app.profile:2: include /fj/missing.inc: No such file");
	expect_failure("\n\n?NO_SUCH: net none\n", "/fj/app.profile:3: unknown conditional '?NO_SUCH:'");
	expect_failure("?HAS_X11 net none\n", "/fj/app.profile:1: conditional without ':'");
	expect_failure("include loop.inc\n", "/fj/loop.inc:1: includes nested deeper than 16");
	expect_failure("include\n", "/fj/app.profile:1: 'include' needs a file");
	expect_failure("include ${HOME}/x.inc\n", "/fj/app.profile:1: include '${HOME}/x.inc'");
}

static void unknown_directives_are_dropped_and_counted(void **state)
{
	(void)state;
	static const char *const files[] = {
		"/fj/app.profile", "frobnicate yes\nprivate-bin sh,sbx-no-such-app\nwhitelist /var/lib/app\nwhitelist /var/run/dbus\n"
		"private-etc hosts, sbx-no-entry,@tls-ca\nmachine-id\nprivate-bin ../x\n"
		"private-bin /toorlimit,/usr/bin/sbx-no-such-app,/usr/bin/x*\n", NULL
	};
	struct fj_result res;
	import(files, &res, 0);
	has(res.report, "dropped      /fj/app.profile:1: frobnicate yes: unknown to this importer");
	has(res.lost_kinds, "unknown");
	/* private-bin, private-etc and machine-id are translated; names not installed here go on a
	 * -try line, a 0.9.74 @group is left out (stricter) and said. */
	has(res.profile, "\nprivate-bin sh\nprivate-bin-try sbx-no-such-app\n");
	has(res.report, "translated   /fj/app.profile:2: private-bin sh,sbx-no-such-app: not installed here, on a -try line: sbx-no-such-app");
	has(res.profile, "\nprivate-etc hosts\nprivate-etc-try sbx-no-entry\n");
	has(res.report, "approximated /fj/app.profile:5: private-etc hosts, sbx-no-entry,@tls-ca: stricter: @tls-ca left out");
	has(res.profile, "\nmachine-id random\n");
	has(res.report, "translated   /fj/app.profile:6: machine-id\n");
	has(res.report, "dropped      /fj/app.profile:7: private-bin ../x: no name sbx can show: ../x");
	/* An absolute path sbx's private-bin refuses (outside the bin directories, or a glob) is left
	 * out, never written for the parser to refuse (found by fuzz_firejail_import). */
	has(res.profile, "\nprivate-bin-try /usr/bin/sbx-no-such-app\n");
	has(res.report, "approximated /fj/app.profile:8: private-bin /toorlimit,/usr/bin/sbx-no-such-app,/usr/bin/x*: "
			"stricter: /toorlimit /usr/bin/x* left out");
	has(res.lost_kinds, "private-bin");
	lacks(res.lost_kinds, "private-etc");
	lacks(res.lost_kinds, "machine-id");
	has(res.profile, "ro-bind-try /var/lib/app\n");
	lacks(res.profile, "/var/run");  /* a symlink to /run: never granted */
	assert_parses(res.profile);
	fj_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolves_includes_ignore_and_conditionals),
		cmocka_unit_test(blacklist_mode_home_grants_cwd_and_own_noblacklists),
		cmocka_unit_test(protocol_without_inet_is_net_none),
		cmocka_unit_test(errors_name_file_and_line),
		cmocka_unit_test(unknown_directives_are_dropped_and_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
