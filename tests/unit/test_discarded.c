/* Unit tests for the report of discarded files (discarded.c): the walk over a directory tree, its
 * bounds, the copy-out, and the text and JSON reports. A plain directory stands in for the
 * sandbox's tmpfs (first_ino 0: every file counts). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "discarded.h"

static char tmpl[] = "/tmp/sbx-unit-discard.XXXXXX";
static char *base;

static void put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", base, rel);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void mkdir_in(const char *rel)
{
	char *path = xasprintf("%s/%s", base, rel);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static int setup(void **state)
{
	(void)state;
	base = mkdtemp(tmpl);
	return base ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", base);
	int r = system(cmd);
	free(cmd);
	return r;
}

static void walk(struct discarded *d, const char *rel, const char *as)
{
	char *path = xasprintf("%s/%s", base, rel);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	discard_walk(d, fd, as, 0);
	discard_sort(d);
	free(path);
}

static char *report(const struct discarded *d, bool quiet)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct identity id = { .home = "/home/u", .runtime_dir = "/run/user/1000",
			       .config_home = "/home/u/.config" };
	discarded_report(d, &id, "app", quiet, f);
	fclose(f);
	return buf;
}

static void test_walk_and_report(void **state)
{
	(void)state;
	mkdir_in("home");
	mkdir_in("home/d");
	mkdir_in("home/empty");
	put("home/new.txt", "hi\n");
	put("home/d/big", "0123456789");
	/* Symlinks are neither counted nor followed. */
	char *link = xasprintf("%s/home/link", base);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	free(link);
	struct discarded d = { 0 };
	walk(&d, "home", "/home/u");
	assert_int_equal(d.n, 2);
	assert_false(d.more);
	assert_string_equal(d.files[0].path, "/home/u/d/big");
	assert_int_equal(d.files[0].size, 10);
	assert_string_equal(d.files[1].path, "/home/u/new.txt");
	char *s = report(&d, true);
	assert_string_equal(s, "sbx: warning: app wrote 2 files that the sandbox discarded (keep files with "
			       "--bind DIR or --keep-discarded DIR):\n"
			       "  ~/d/big  10 B\n"
			       "  ~/new.txt  3 B\n");
	free(s);

	char *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);
	discarded_report_json(&d, f);
	fclose(f);
	assert_string_equal(json, ",\"discarded\":[{\"path\":\"/home/u/d/big\",\"size\":10},"
				  "{\"path\":\"/home/u/new.txt\",\"size\":3}],\"discarded_more\":false");
	free(json);

	/* Copied out at their sandbox paths; a second copy overwrites nothing. */
	mkdir_in("keep");
	char *keep = xasprintf("%s/keep", base);
	int kfd = open(keep, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(kfd >= 0);
	d.kept_dir = xstrdup(keep);
	discard_keep(&d, kfd);
	assert_int_equal(d.n_kept, 2);
	char *copy = xasprintf("%s/home/u/d/big", keep);
	struct stat st;
	assert_int_equal(stat(copy, &st), 0);
	assert_int_equal(st.st_size, 10);
	free(copy);
	s = report(&d, true);
	assert_string_equal(s, "");
	free(s);
	for (size_t i = 0; i < d.n; i++) {
		free(d.files[i].not_kept);
		d.files[i].not_kept = NULL;
	}
	d.n_kept = 0;
	discard_keep(&d, kfd);
	assert_int_equal(d.n_kept, 0);
	assert_string_equal(d.files[1].not_kept, "a file of that name is already there");
	close(kfd);
	free(keep);
	discarded_free(&d);
}

static void test_bounds_and_names(void **state)
{
	(void)state;
	mkdir_in("many");
	for (int i = 0; i < DISCARD_MAX_ENTRIES + 10; i++) {
		char name[32];
		snprintf(name, sizeof(name), "many/%d", i);
		put(name, "");
	}
	struct discarded d = { 0 };
	walk(&d, "many", "/tmp");
	assert_true(d.more);
	assert_int_equal(d.n, DISCARD_MAX_ENTRIES);
	char *s = report(&d, true);
	assert_non_null(strstr(s, "app wrote at least 4096 files"));
	assert_non_null(strstr(s, "\n  ... and more: sbx stops looking after 4096 entries"));
	free(s);
	discarded_free(&d);

	/* Names from the sandbox cannot drive the terminal. */
	mkdir_in("esc");
	put("esc/a\033[2Jb\n", "x");
	walk(&d, "esc", "/tmp");
	s = report(&d, false);
	assert_non_null(strstr(s, "  /tmp/a?[2Jb?  1 B\n"));
	free(s);
	discarded_free(&d);
}

static void test_size_format(void **state)
{
	(void)state;
	char buf[32];
	discard_size_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 B");
	discard_size_format(1023, buf, sizeof(buf));
	assert_string_equal(buf, "1023 B");
	discard_size_format(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 KiB");
	discard_size_format(40ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "40 MiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_and_report),
		cmocka_unit_test(test_bounds_and_names),
		cmocka_unit_test(test_size_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
