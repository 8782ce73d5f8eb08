/* Unit tests for launched.c: matching a command line against an Exec template the way GLib expands
 * it (which arguments stand at file field codes), file:// URIs to paths, and the checks on the
 * desktop file itself (managed, owned by the caller or root, not writable by others, not a link). */
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

#include "launched.h"
#include "util.h"

/* Splits a space-separated list ("" for none) into words; '_' stands for a space inside a word. */
static size_t split(const char *text, char **out, size_t max)
{
	size_t n = 0;
	char *copy = xstrdup(text), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save)) {
		out[n] = xstrdup(w);
		for (char *c = out[n]; *c; c++)
			if (*c == '_')
				*c = ' ';
		n++;
	}
	free(copy);
	return n;
}

/* Matches args against tmpl; returns the handed-over parts joined by '|', or "NO MATCH". */
static char *handed(const char *tmpl, const char *args)
{
	char *t[32], *a[32];
	size_t nt = split(tmpl, t, 32), na = split(args, a, 32);
	bool at[32];
	size_t fs[32], fl[32];
	char *out;
	if (!launched_match(t, nt, a, na, at, fs, fl)) {
		out = xstrdup("NO MATCH");
	} else {
		out = xstrdup("");
		for (size_t i = 0; i < na; i++) {
			if (!at[i])
				continue;
			char *longer = xasprintf("%s%s%.*s", out, *out ? "|" : "", (int)fl[i], a[i] + fs[i]);
			free(out);
			out = longer;
		}
	}
	for (size_t i = 0; i < nt; i++)
		free(t[i]);
	for (size_t i = 0; i < na; i++)
		free(a[i]);
	return out;
}

#define EXPECT_HANDED(tmpl, args, want)                     \
	do {                                                \
		char *got_ = handed((tmpl), (args));        \
		assert_string_equal(got_, (want));          \
		free(got_);                                 \
	} while (0)

static void test_match_field_codes(void **state)
{
	(void)state;
	/* %U, %F: any number of files at their place, nothing else. */
	EXPECT_HANDED("evince %U", "evince file:///a.pdf file:///b.pdf", "file:///a.pdf|file:///b.pdf");
	EXPECT_HANDED("evince %U", "evince", "");
	EXPECT_HANDED("app --new %F --x", "app --new /a /b --x", "/a|/b");
	EXPECT_HANDED("app --new %F --x", "app --new --x", "");
	/* %f, %u: one or none. */
	EXPECT_HANDED("app %f", "app /a", "/a");
	EXPECT_HANDED("app %f", "app", "");
	EXPECT_HANDED("app %f", "app /a /b", "NO MATCH");
	/* The words that are not field codes must be as written. */
	EXPECT_HANDED("app --safe %f", "app --unsafe /a", "NO MATCH");
	EXPECT_HANDED("app --safe %f", "app /a", "NO MATCH");
	EXPECT_HANDED("app %f", "other /a", "NO MATCH");
	EXPECT_HANDED("app --title a_b %U", "app --title a_b /x", "/x");
	/* A file not at a field-code position is not handed over. */
	EXPECT_HANDED("app --config /etc/x %f", "app --config /etc/x /home/a", "/home/a");
	EXPECT_HANDED("app %f", "app /a --config /etc/x", "NO MATCH");
	/* A code inside a word: only the file's part. */
	EXPECT_HANDED("app --file=%f", "app --file=/a_b", "/a b");
	EXPECT_HANDED("app --file=%f", "app --file=", "");
	EXPECT_HANDED("app --file=%f", "app --other=/a", "NO MATCH");
	/* %% is one '%'; %i is "--icon NAME" or nothing; %c and %k any one word; deprecated codes nothing. */
	EXPECT_HANDED("app 100%% %f", "app 100% /a", "/a");
	EXPECT_HANDED("app 100%% %f", "app 100%% /a", "NO MATCH");
	EXPECT_HANDED("app %i %c %k %f", "app --icon ic Name /x.desktop /a", "/a");
	EXPECT_HANDED("app %i %c %k %f", "app Name /x.desktop /a", "/a");
	EXPECT_HANDED("app %i %c %k %f", "app /a", "NO MATCH");
	EXPECT_HANDED("app %d %D %n %N %v %m %f", "app /a", "/a");
	/* GLib appends %f to an Exec without a file code when it is given a file. */
	EXPECT_HANDED("app --x", "app --x /a", "/a");
	EXPECT_HANDED("app --x", "app --x", "");
	EXPECT_HANDED("app --x", "app --x /a /b", "NO MATCH");
	/* More codes in one word than are worth matching: refused. */
	EXPECT_HANDED("app %c%c%c%c%c", "app x", "NO MATCH");
	/* Each code takes the longest text after which the rest still matches. */
	EXPECT_HANDED("app --a=%c:%f:%c", "app --a=x:y:/p:q:r", "q");
	EXPECT_HANDED("app --a=%f:%c", "app --a=/p:q:r", "/p:q");
}

/* Four codes in one word against a long argument that almost matches: trying every split took
 * minutes (fuzz_launched); one pass per code answers at once. */
static void test_match_long_argument(void **state)
{
	(void)state;
	char *tmpl[] = { "app", "e%i%f%i%fe" };
	size_t n = 64 * 1024;
	char *arg = xmalloc(n + 1);
	memset(arg, 'e', n);
	arg[n - 1] = 'x';
	arg[n] = '\0';
	char *args[] = { "app", arg };
	bool at[2];
	size_t fs[2], fl[2];
	assert_false(launched_match(tmpl, 2, args, 2, at, fs, fl));
	arg[n - 1] = 'e';
	assert_true(launched_match(tmpl, 2, args, 2, at, fs, fl));
	/* The code before the file's takes all it can, up to the last "e": no file is left. */
	assert_false(at[1]);
	free(arg);
}

static void expect_uri(const char *uri, const char *want_path, bool want_why)
{
	const char *why = NULL;
	char *path = launched_uri_path(uri, &why);
	if (want_path) {
		assert_non_null(path);
		assert_string_equal(path, want_path);
	} else {
		assert_null(path);
	}
	assert_int_equal(why != NULL, want_why);
	free(path);
}

static void test_uris(void **state)
{
	(void)state;
	expect_uri("file:///home/u/Downloads/a%20b.pdf", "/home/u/Downloads/a b.pdf", false);
	expect_uri("file://localhost/tmp/x", "/tmp/x", false);
	expect_uri("FILE:///tmp/%C3%A9", "/tmp/\xc3\xa9", false);
	expect_uri("file://otherhost/tmp/x", NULL, true);
	expect_uri("file:/tmp/x", NULL, true);
	expect_uri("file:///tmp/a%2Fb", NULL, true);
	expect_uri("file:///tmp/a%00b", NULL, true);
	expect_uri("file:///tmp/a%zz", NULL, true);
	expect_uri("file:///tmp/a%2", NULL, true);
	expect_uri("file:///tmp/a#frag", NULL, true);
	expect_uri("https://example.org/a.pdf", NULL, true);
	expect_uri("mailto:a@example.org", NULL, true);
	/* Not URIs: paths. */
	expect_uri("/tmp/x", NULL, false);
	expect_uri("./a:b", NULL, false);
	expect_uri("a b.pdf", NULL, false);
}

struct fixture {
	char dir[64];
	char file[128];
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/sbx-launched-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->file, sizeof(f->file), "%s/app.desktop", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char link[160];
	snprintf(link, sizeof(link), "%s/link.desktop", f->dir);
	unlink(link);
	unlink(f->file);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_desktop(const char *path, const char *marker, const char *exec_file, mode_t mode)
{
	FILE *out = fopen(path, "we");
	assert_non_null(out);
	fprintf(out, "[Desktop Entry]\nType=Application\nName=App\n%sExec=/usr/bin/sbx --launched-from %s -- app --x %%U\n"
		"[Desktop Action new]\nName=New\nExec=/usr/bin/sbx --launched-from %s -- app --new %%f\n",
		marker, exec_file, exec_file);
	fclose(out);
	assert_int_equal(chmod(path, mode), 0);
}

static int check(const char *file, const char *args, struct launched *l, char *msg, size_t msg_len)
{
	char *a[16];
	size_t n = split(args, a, 16);
	struct sbx_error err = { 0 };
	int r = launched_check(file, getuid(), a, n, l, &err);
	snprintf(msg, msg_len, "%s", err.msg);
	for (size_t i = 0; i < n; i++)
		free(a[i]);
	return r;
}

static void test_check_file(void **state)
{
	struct fixture *f = *state;
	const char *marker = "X-SBX-Managed=/usr/share/applications/app.desktop;0123456789abcdef\n";
	char msg[512];
	struct launched l;
	write_desktop(f->file, marker, f->file, 0644);
	assert_int_equal(check(f->file, "app --x file:///tmp/a%20b https://example.org/c", &l, msg, sizeof(msg)), 0);
	assert_string_equal(l.group, "Desktop Entry");
	assert_int_equal(l.n_args, 2);
	assert_string_equal(l.args[0].path, "/tmp/a b");
	assert_null(l.args[1].path);
	assert_non_null(l.args[1].why);
	assert_int_equal(l.n_paths, 1);
	assert_string_equal(l.paths[0], "/tmp/a b");
	launched_free(&l);
	/* The action's template. */
	assert_int_equal(check(f->file, "app --new /tmp/z", &l, msg, sizeof(msg)), 0);
	assert_string_equal(l.group, "Desktop Action new");
	assert_int_equal(l.n_paths, 1);
	launched_free(&l);
	/* A command line neither template has. */
	assert_int_equal(check(f->file, "app --other /tmp/z", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "matches none of its Exec lines"));
	/* Writable by the group or others. */
	assert_int_equal(chmod(f->file, 0664), 0);
	assert_int_equal(check(f->file, "app --x /tmp/z", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "others may write it"));
	/* Not a managed copy. */
	write_desktop(f->file, "", f->file, 0644);
	assert_int_equal(check(f->file, "app --x /tmp/z", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "not a copy"));
	/* Exec lines that name another file: not this file's templates. */
	write_desktop(f->file, marker, "/elsewhere/app.desktop", 0644);
	assert_int_equal(check(f->file, "app --x /tmp/z", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "matches none"));
	/* A link to a managed copy, and a relative name. */
	write_desktop(f->file, marker, f->file, 0644);
	char link[160];
	snprintf(link, sizeof(link), "%s/link.desktop", f->dir);
	assert_int_equal(symlink(f->file, link), 0);
	assert_int_equal(check(link, "app --x /tmp/z", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "symbolic link"));
	assert_int_equal(check("app.desktop", "app --x /tmp/z", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "not an absolute path"));
	/* Not a desktop file at all, or gone. */
	assert_int_equal(check("/etc/passwd", "app", &l, msg, sizeof(msg)), -EINVAL);
	assert_int_equal(check("/nonexistent/x.desktop", "app", &l, msg, sizeof(msg)) < 0, 1);
	assert_int_equal(check(f->dir, "app", &l, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "not a regular file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_field_codes),
		cmocka_unit_test(test_match_long_argument),
		cmocka_unit_test(test_uris),
		cmocka_unit_test_setup_teardown(test_check_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
