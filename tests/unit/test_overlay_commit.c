/* Unit tests for the journal of `sbx overlay commit` (overlay_commit.c): what a commit writes is
 * read back, a torn or foreign journal is refused, and no accepted path can leave the overlaid
 * directory ("..", ".", empty components, an absolute path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "overlay_commit.h"

static int parse(const char *text, struct commit_journal *j)
{
	return overlay_commit_parse_journal(text, strlen(text), j);
}

static void test_parse_ok(void **state)
{
	(void)state;
	struct commit_journal j;
	assert_int_equal(parse("sbx-overlay-commit 1 0123456789abcdef\nX gone\nW a%20b/c%0Ad\nT \nU x\n", &j), 4);
	assert_string_equal(j.tag, "0123456789abcdef");
	assert_false(j.applied);
	assert_int_equal(j.kinds[0], 'X');
	assert_string_equal(j.paths[0], "gone");
	assert_string_equal(j.paths[1], "a b/c\nd");
	assert_int_equal(j.kinds[2], 'T');
	assert_string_equal(j.paths[2], "");
	overlay_commit_journal_free(&j);
	assert_int_equal(parse("sbx-overlay-commit 1 0123456789abcdef\nW a\napplied\n", &j), 1);
	assert_true(j.applied);
	overlay_commit_journal_free(&j);
	assert_int_equal(parse("sbx-overlay-commit 1 0123456789abcdef\n", &j), 0);
	overlay_commit_journal_free(&j);
}

static void test_parse_refused(void **state)
{
	(void)state;
	struct commit_journal j;
	static const char *const bad[] = {
		"",
		"sbx-overlay-commit 2 0123456789abcdef\n",
		"sbx-overlay-commit 1 0123456789abcdeg\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW a",         /* torn last line */
		"sbx-overlay-commit 1 0123456789abcdef\nQ a\n",       /* unknown kind */
		"sbx-overlay-commit 1 0123456789abcdef\nW ../x\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW a/../../x\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW %2E%2E/x\n", /* escaped dots are dots */
		"sbx-overlay-commit 1 0123456789abcdef\nW /etc/passwd\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW a//b\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW ./a\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW a%2F..%2Fb\n", /* %2F is '/': a/../b */
		"sbx-overlay-commit 1 0123456789abcdef\nW a%00b\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW a%4\n",
		"sbx-overlay-commit 1 0123456789abcdef\nW \n",        /* only T names the root */
		"sbx-overlay-commit 1 0123456789abcdef\napplied\nW a\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &j) >= 0)
			fail_msg("accepted: %s", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
