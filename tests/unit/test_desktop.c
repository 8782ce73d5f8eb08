/* Unit tests for the desktop-file parser and rewriter (desktop_entry.c): Exec quoting per the Desktop
 * Entry Specification, what makes a file unusable, and that a managed copy's Exec parses back to
 * sbx followed by the original arguments, field codes included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desktop_entry.h"
#include "util.h"

static void expect_args(const char *value, const char *const *want, size_t n)
{
	struct desktop_exec e;
	char why[256] = "";
	int r = desktop_exec_parse(value, &e, why, sizeof(why));
	if (r != 0)
		fail_msg("%s: %s", value, why);
	assert_int_equal(e.argc, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(e.argv[i], want[i]);
	desktop_exec_free(&e);
}

static void expect_exec_error(const char *value, const char *why_part)
{
	struct desktop_exec e;
	char why[256] = "";
	assert_int_equal(desktop_exec_parse(value, &e, why, sizeof(why)), -EINVAL);
	if (!strstr(why, why_part))
		fail_msg("%s: '%s' does not say '%s'", value, why, why_part);
	assert_int_equal(e.argc, 0);
}

static void test_exec_quoting(void **state)
{
	(void)state;
	/* The research's verified example: two escaping layers, a literal $ and quote inside quotes. */
	const char *a[] = { "/opt/my app/viewer", "arg with $dollar and \"quote\"", "%F" };
	expect_args("\"/opt/my app/viewer\" \"arg with \\\\$dollar and \\\\\"quote\\\\\"\" %F", a, 3);
	const char *b[] = { "vim", "%F" };
	expect_args("  vim   %F ", b, 2);
	/* \s is a key-file space, which then separates arguments like any space; a literal
	 * backslash is four characters in the file. */
	const char *c[] = { "a", "b", "back\\slash", "x y" };
	expect_args("a\\sb \"back\\\\\\\\slash\" \"x\\sy\"", c, 4);
	const char *d[] = { "app", "100%%", "--icon", "" };
	expect_args("app 100%% --icon \"\"", d, 4);
}

static void test_exec_errors(void **state)
{
	(void)state;
	expect_exec_error("", "empty");
	expect_exec_error("   ", "empty");
	expect_exec_error("\"open quote", "not closed");
	expect_exec_error("\"a\"b", "end at a space");
	expect_exec_error("a\"b\"", "outside quotes");
	expect_exec_error("app \\q", "invalid escape");
	expect_exec_error("app \\", "backslash ends");
}

static const char app[] =
	"# a comment\n"
	"[Desktop Entry]\n"
	"Type=Application\n"
	"Name=Viewer\n"
	"Name[de]=Betrachter\n"
	"Exec=\"/opt/my app/viewer\" --title \"a \\\\$b\" %U\n"
	"TryExec=/opt/my app/viewer\n"
	"DBusActivatable=true\n"
	"Actions=new;\n"
	"\n"
	"[Desktop Action new]\n"
	"Name=New\n"
	"Exec=viewer --new %f\n"
	"[X-Vendor Group]\n"
	"Exec=untouched\n";

static void test_parse_info(void **state)
{
	(void)state;
	struct desktop_info info;
	char why[256] = "";
	assert_int_equal(desktop_parse(app, strlen(app), DESKTOP_APP, &info, why, sizeof(why)), 0);
	assert_string_equal(info.program, "/opt/my app/viewer");
	assert_true(info.dbus_activatable);
	assert_false(info.runs_sbx);
	assert_null(info.managed_source);
	desktop_info_free(&info);
}

static void expect_file_error(const char *text, enum desktop_kind kind, const char *why_part)
{
	struct desktop_info info;
	char why[256] = "";
	assert_int_equal(desktop_parse(text, strlen(text), kind, &info, why, sizeof(why)), -EINVAL);
	if (!strstr(why, why_part))
		fail_msg("'%s' does not say '%s'", why, why_part);
	assert_null(info.program);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_file_error("", DESKTOP_APP, "no [Desktop Entry]");
	expect_file_error("root:x:0:0::/root:/bin/sh\n", DESKTOP_APP, "line 1: neither");
	expect_file_error("[Other]\nType=Application\n", DESKTOP_APP, "first group is [Other]");
	expect_file_error("Type=Application\n[Desktop Entry]\n", DESKTOP_APP, "before the first group");
	expect_file_error("[Desktop Entry]\nType=Link\nURL=x\n", DESKTOP_APP, "not Application");
	expect_file_error("[Desktop Entry]\nName=x\nExec=x\n", DESKTOP_APP, "no Type");
	expect_file_error("[Desktop Entry]\nType=Application\n", DESKTOP_APP, "no Exec");
	expect_file_error("[Desktop Entry]\nType=Application\nExec=a\nExec=b\n", DESKTOP_APP, "twice");
	expect_file_error("[Desktop Entry]\nType=Application\nExec=a %x\n", DESKTOP_APP, "unknown field code '%x'");
	expect_file_error("[Desktop Entry]\nType=Application\nExec=a\n[Desktop Entry]\n", DESKTOP_APP, "appears twice");
	expect_file_error("[Desktop Entry]\nType=Application\nExec=a\n[Desktop Action x]\nExec=\"b\n", DESKTOP_APP,
			  "line 5: cannot parse Exec: a quote is not closed");
	const char nul[] = "[Desktop Entry]\nType=Application\nExec=a\0b\n";
	struct desktop_info info;
	char why[256];
	assert_int_equal(desktop_parse(nul, sizeof(nul) - 1, DESKTOP_APP, &info, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "NUL"));
	expect_file_error("[D-BUS Service]\nExec=/usr/bin/x\n", DESKTOP_SERVICE, "no Name");
}

/* The value of the first line starting with key= in group, or NULL. Heap string. */
static char *value_in(const char *text, const char *group, const char *key)
{
	char *hdr = xasprintf("[%s]\n", group);
	const char *g = strstr(text, hdr);
	free(hdr);
	if (!g)
		return NULL;
	char *k = xasprintf("\n%s=", key);
	const char *p = strstr(g, k);
	const char *next = strstr(g + 1, "\n[");
	char *out = p && (!next || p < next) ? xstrndup(p + strlen(k), strcspn(p + strlen(k), "\n")) : NULL;
	free(k);
	return out;
}

static void test_rewrite(void **state)
{
	(void)state;
	char why[256] = "", sum[17];
	desktop_checksum(app, strlen(app), sum);
	char *copy = desktop_rewrite(app, strlen(app), DESKTOP_APP, "/opt/sbx dir/sbx", "/usr/share/applications/v.desktop",
				     sum, "/home/u/.local/share/applications/v 100%.desktop", why, sizeof(why));
	assert_non_null(copy);
	/* The main Exec parses back to sbx, --launched-from the copy itself ('%' doubled), "--", then
	 * exactly the original arguments. */
	char *exec = value_in(copy, "Desktop Entry", "Exec");
	const char *want[] = { "/opt/sbx dir/sbx", "--launched-from", "/home/u/.local/share/applications/v 100%%.desktop",
			       "--", "/opt/my app/viewer", "--title", "a $b", "%U" };
	expect_args(exec, want, 8);
	free(exec);
	exec = value_in(copy, "Desktop Action new", "Exec");
	const char *want_action[] = { "/opt/sbx dir/sbx", "--launched-from", "/home/u/.local/share/applications/v 100%%.desktop",
				      "--", "viewer", "--new", "%f" };
	expect_args(exec, want_action, 7);
	free(exec);
	char *vendor = value_in(copy, "X-Vendor Group", "Exec");
	assert_string_equal(vendor, "untouched");
	free(vendor);
	char *dbus = value_in(copy, "Desktop Entry", "DBusActivatable");
	assert_string_equal(dbus, "false");
	free(dbus);
	char *tryexec = value_in(copy, "Desktop Entry", "TryExec");
	assert_string_equal(tryexec, "/opt/my app/viewer");
	free(tryexec);
	/* The copy is a valid file that names its source and sum, and what it runs. */
	struct desktop_info info;
	assert_int_equal(desktop_parse(copy, strlen(copy), DESKTOP_APP, &info, why, sizeof(why)), 0);
	assert_string_equal(info.managed_source, "/usr/share/applications/v.desktop");
	assert_string_equal(info.managed_sum, sum);
	assert_true(info.runs_sbx);
	assert_string_equal(info.program, "/opt/my app/viewer");
	desktop_info_free(&info);
	/* A copy is never a source: its Exec runs sbx already. */
	assert_null(desktop_rewrite(copy, strlen(copy), DESKTOP_APP, "/usr/bin/sbx", "/x.desktop", sum, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "already runs sbx"));
	free(copy);
}

static void test_rewrite_odd_sbx_paths(void **state)
{
	(void)state;
	const char text[] = "[Desktop Entry]\nType=Application\nExec=app %f\n";
	char why[256] = "";
	char *copy = desktop_rewrite(text, strlen(text), DESKTOP_APP, "/o$d\\\"%/sbx", "/s\\x.desktop", "0123456789abcdef",
				     NULL, why, sizeof(why));
	assert_non_null(copy);
	char *exec = value_in(copy, "Desktop Entry", "Exec");
	/* '%' doubled for the launcher's field-code pass; the rest quoted and escaped. */
	const char *want[] = { "/o$d\\\"%%/sbx", "--", "app", "%f" };
	expect_args(exec, want, 4);
	free(exec);
	struct desktop_info info;
	assert_int_equal(desktop_parse(copy, strlen(copy), DESKTOP_APP, &info, why, sizeof(why)), 0);
	assert_string_equal(info.managed_source, "/s\\x.desktop");
	desktop_info_free(&info);
	free(copy);
	assert_null(desktop_rewrite(text, strlen(text), DESKTOP_APP, "/a\nb/sbx", "/s.desktop", "0123456789abcdef", NULL, why,
				    sizeof(why)));
	assert_null(desktop_rewrite(text, strlen(text), DESKTOP_APP, "/usr/bin/sbx", "/s\n.desktop", "0123456789abcdef", NULL, why,
				    sizeof(why)));
	/* A copy path no Exec line can hold: refused, never written without it. */
	assert_null(desktop_rewrite(text, strlen(text), DESKTOP_APP, "/usr/bin/sbx", "/s.desktop", "0123456789abcdef",
				    "/a\nb.desktop", why, sizeof(why)));
	assert_non_null(strstr(why, "copy's path"));
}

static void test_rewrite_service(void **state)
{
	(void)state;
	const char text[] = "[D-BUS Service]\nName=org.example.App\nExec=/usr/bin/app --gapplication-service\n";
	char why[256] = "";
	char *copy = desktop_rewrite(text, strlen(text), DESKTOP_SERVICE, "/opt/s b/sbx", "/usr/share/dbus-1/services/x.service",
				     "0123456789abcdef", "/x/x.service", why, sizeof(why));
	assert_non_null(copy);
	char *exec = value_in(copy, "D-BUS Service", "Exec");
	assert_string_equal(exec, "'/opt/s b/sbx' -- /usr/bin/app --gapplication-service");
	free(exec);
	struct desktop_info info;
	assert_int_equal(desktop_parse(copy, strlen(copy), DESKTOP_SERVICE, &info, why, sizeof(why)), 0);
	assert_string_equal(info.service_name, "org.example.App");
	assert_string_equal(info.program, "/usr/bin/app");
	assert_true(info.runs_sbx);
	desktop_info_free(&info);
	free(copy);
}

static void test_checksum(void **state)
{
	(void)state;
	char a[17], b[17];
	desktop_checksum("abc", 3, a);
	desktop_checksum("abd", 3, b);
	assert_int_equal(strlen(a), 16);
	assert_string_not_equal(a, b);
	desktop_checksum("", 0, a);
	assert_string_equal(a, "cbf29ce484222325");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_quoting),
		cmocka_unit_test(test_exec_errors),
		cmocka_unit_test(test_parse_info),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_rewrite_odd_sbx_paths),
		cmocka_unit_test(test_rewrite_service),
		cmocka_unit_test(test_checksum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
