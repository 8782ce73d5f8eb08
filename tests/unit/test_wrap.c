/* Unit tests for wrap.c's PATH resolution: the real program is the first executable NAME in the
 * search list that is not sbx (the same file by inode, or a file whose real path is named sbx);
 * a search list of only links to sbx gives none, never sbx itself. A fake "sbx" file in a
 * temporary directory stands in for the running binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "util.h"
#include "wrap.h"

struct fixture {
	char root[64];
	struct wrap_self self;
};

static void put(const char *root, const char *rel, mode_t mode)
{
	char *path = xasprintf("%s/%s", root, rel);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

static void link_to(const char *root, const char *target, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
	free(path);
}

static void dir(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->root, "/tmp/sbx-test-wrap-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	dir(f->root, "self");
	put(f->root, "self/sbx", 0755);
	char *self = xasprintf("%s/self/sbx", f->root);
	struct sbx_error err = { 0 };
	int r = wrap_self_init(&f->self, self, &err);
	free(self);
	for (const char *const *d = (const char *const[]){ "a", "b", "c", "other", NULL }; *d; d++)
		dir(f->root, *d);
	*state = f;
	return r;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->root);
	int r = system(cmd);
	free(cmd);
	wrap_self_free(&f->self);
	free(f);
	return r == 0 ? 0 : -1;
}

/* The search list "a:b:c" (each under root) or any other list of root's subdirectories. */
static char *search(const struct fixture *f, const char *dirs)
{
	char *out = xstrdup("");
	char *copy = xstrdup(dirs);
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *next = xasprintf("%s%s%s/%s", out, *out ? ":" : "", f->root, d);
		free(out);
		out = next;
	}
	free(copy);
	return out;
}

static void expect(const struct fixture *f, const char *dirs, const char *name, const char *want_rel,
		   size_t want_skipped)
{
	char *s = search(f, dirs);
	size_t skipped = 99;
	char *got = wrap_resolve(&f->self, name, s, &skipped);
	if (want_rel) {
		char *want = xasprintf("%s/%s", f->root, want_rel);
		assert_non_null(got);
		assert_string_equal(got, want);
		free(want);
	} else {
		assert_null(got);
	}
	assert_int_equal(skipped, want_skipped);
	free(got);
	free(s);
}

static void test_link_then_real(void **state)
{
	struct fixture *f = *state;
	char *sbx = xasprintf("%s/self/sbx", f->root);
	link_to(f->root, sbx, "a/app");
	put(f->root, "b/app", 0755);
	expect(f, "a:b", "app", "b/app", 1);
	/* The real program first: nothing skipped. */
	expect(f, "b:a", "app", "b/app", 0);
	free(sbx);
}

static void test_only_links_is_none(void **state)
{
	struct fixture *f = *state;
	char *sbx = xasprintf("%s/self/sbx", f->root);
	link_to(f->root, sbx, "a/app");
	link_to(f->root, sbx, "b/app");
	expect(f, "a:b", "app", NULL, 2);
	/* A link to a link to sbx is sbx too. */
	char *la = xasprintf("%s/a/app", f->root);
	link_to(f->root, la, "c/app");
	expect(f, "c", "app", NULL, 1);
	/* sbx's own directory: sbx itself is never the program. */
	expect(f, "self", "sbx", NULL, 1);
	free(la);
	free(sbx);
}

static void test_hard_link_and_other_install(void **state)
{
	struct fixture *f = *state;
	char *sbx = xasprintf("%s/self/sbx", f->root);
	char *hard = xasprintf("%s/a/app", f->root);
	assert_int_equal(link(sbx, hard), 0);  /* a copy by another name, same inode */
	put(f->root, "other/sbx", 0755);       /* another install of sbx, by its name */
	char *other = xasprintf("%s/other/sbx", f->root);
	link_to(f->root, other, "b/app");
	put(f->root, "c/app", 0755);
	expect(f, "a:b:c", "app", "c/app", 2);
	free(other);
	free(hard);
	free(sbx);
}

static void test_not_executable_or_not_file(void **state)
{
	struct fixture *f = *state;
	put(f->root, "a/app", 0644);  /* not executable */
	dir(f->root, "b/app");        /* a directory */
	link_to(f->root, "/nonexistent/app", "c/app");  /* dangling */
	expect(f, "a:b:c", "app", NULL, 0);
	put(f->root, "other/app", 0755);
	expect(f, "a:b:c:other", "app", "other/app", 0);
	/* An empty entry is the working directory; no such file there. */
	char *s = search(f, "a");
	char *with_empty = xasprintf("%s::", s);
	assert_null(wrap_resolve(&f->self, "app-not-in-cwd", with_empty, NULL));
	free(with_empty);
	free(s);
}

static void test_invoked_name(void **state)
{
	(void)state;
	assert_null(wrap_invoked_name(NULL));
	assert_null(wrap_invoked_name(""));
	assert_null(wrap_invoked_name("sbx"));
	assert_null(wrap_invoked_name("/usr/bin/sbx"));
	assert_null(wrap_invoked_name("build/"));
	assert_string_equal(wrap_invoked_name("firefox"), "firefox");
	assert_string_equal(wrap_invoked_name("/home/u/.local/bin/evince"), "evince");
	assert_string_equal(wrap_invoked_name("sbx-old"), "sbx-old");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_then_real, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_links_is_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_link_and_other_install, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_executable_or_not_file, setup, teardown),
		cmocka_unit_test(test_invoked_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
