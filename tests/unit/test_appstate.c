/* Unit tests for the per-app state names (appstate.c): escaping an overlaid path into one
 * directory name and back, app names, and the parts of the state path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "appstate.h"
#include "policy.h"

static void roundtrip(const char *path, const char *escaped)
{
	char *e = appstate_escape_path(path);
	assert_string_equal(e, escaped);
	char *back = appstate_unescape_path(e);
	assert_non_null(back);
	assert_string_equal(back, path);
	free(e);
	free(back);
}

static void test_escape(void **state)
{
	(void)state;
	roundtrip("/home/u/proj", "home-u-proj");
	roundtrip("/home/u/my-proj", "home-u-my%2Dproj");
	roundtrip("/a/.hidden/x", "a-.hidden-x");
	roundtrip("/.git", "%2Egit");
	roundtrip("/a b/c%d/é", "a%20b-c%25d-%C3%A9");
	roundtrip("/", "-");
	/* Distinct paths give distinct names: '-' in a name is escaped, '/' is not kept. */
	char *a = appstate_escape_path("/a-b"), *b = appstate_escape_path("/a/b");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	/* Never "." or ".." or a name with a slash. */
	char *dots = appstate_escape_path("/..");
	assert_string_equal(dots, "%2E.");
	free(dots);
	/* Names the escape cannot have made are refused. */
	assert_null(appstate_unescape_path("a/b"));
	assert_null(appstate_unescape_path(".."));
	assert_null(appstate_unescape_path("a b"));
	assert_null(appstate_unescape_path("%2"));
}

static void test_app_names(void **state)
{
	(void)state;
	assert_true(app_name_valid("firefox-esr"));
	assert_true(app_name_valid("python3.11"));
	assert_true(app_name_valid("g++"));
	assert_false(app_name_valid(""));
	assert_false(app_name_valid(".."));
	assert_false(app_name_valid(".hidden"));
	assert_false(app_name_valid("-x"));
	assert_false(app_name_valid("a/b"));
	assert_false(app_name_valid("a b"));
	char long_name[80];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(app_name_valid(long_name));
}

static void test_paths(void **state)
{
	(void)state;
	struct identity id = { .home = (char *)"/home/u" };
	char *p = appstate_path(&id, "sh", "home");
	assert_string_equal(p, "/home/u/.local/share/sbx/apps/sh/home");
	free(p);
	p = appstate_root(&id);
	assert_string_equal(p, "/home/u/.local/share/sbx");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_app_names),
		cmocka_unit_test(test_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
