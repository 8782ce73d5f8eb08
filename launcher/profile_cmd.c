/* `sbx profile check|show|which|dirs|directives|import-firejail`: the profile tools. */
#include "profile_internal.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firejail_import.h"
#include "plan.h"
#include "seccomp.h"
#include "wrap.h"

/* ---- sbx profile check | show ------------------------------------------------------------- */

static void json_error_list(const struct parser *ps, FILE *out, bool *first)
{
	for (size_t i = 0; i < ps->n_errors && ps->errors; i++) {
		const struct lint_error *e = &ps->errors[i];
		fputs(*first ? "" : ",", out);
		*first = false;
		fputs("{\"file\":", out);
		json_string(out, e->file);
		fprintf(out, ",\"line\":%u,\"column\":%u,\"message\":", e->line, e->column);
		json_string(out, e->message);
		fputs(",\"text\":", out);
		if (e->text)
			json_string(out, e->text);
		else
			fputs("null", out);
		fputs(",\"hint\":", out);
		if (e->hint)
			json_string(out, e->hint);
		else
			fputs("null", out);
		fputc('}', out);
	}
}

static int check_main(int n, char **files, bool json, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	unsigned bad = 0;
	bool first = true;
	if (json)
		fputs("{\"errors\":[", stdout);
	for (int i = 0; i < n; i++) {
		struct policy p;
		policy_init(&p);
		struct sbx_error err = { 0 };
		struct parser ps;
		const char *base = strrchr(files[i], '/');
		_cleanup_free_ char *app = xstrdup(base ? base + 1 : files[i]);
		char *dot = strrchr(app, '.');
		if (dot && dot != app)
			*dot = '\0';
		parser_init(&ps, &p, env, dirs, app, &err);
		ps.quiet = true;
		ps.keep_going = true;
		ps.lint = true;
		int r = parse_file(&ps, files[i], profile_kind_of(files[i]), NULL);
		if (r == 0 && ps.n_errors == 0) {
			struct sbx_error se = { 0 };
			struct sandbox_plan pl;
			plan_init(&pl, &p, NULL, true);
			if (seccomp_validate(&pl, &se) < 0) {
				struct lint_error *e = ARRAY_PUSH(ps.errors, ps.n_errors);
				e->file = xstrdup(files[i]);
				e->message = xstrdup(se.msg);
			}
			plan_free(&pl);
		}
		if (ps.n_errors)
			bad++;
		if (json) {
			json_error_list(&ps, stdout, &first);
		} else if (ps.n_errors) {
			print_errors(&ps, stdout);
		} else {
			printf("%s: ok\n", files[i]);
		}
		parser_free(&ps);
		policy_free(&p);
	}
	if (json)
		printf("],\"ok\":%s}\n", bad ? "false" : "true");
	dirs_free(dirs);
	return bad ? 1 : 0;
}

static int show_main(const char *app, bool json, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	struct policy p;
	policy_init(&p);
	struct sbx_error err = { 0 };
	struct choice c;
	bool path_given = strchr(app, '/') != NULL;
	int r = choose_profile(dirs, path_given ? NULL : app, path_given ? app : NULL, &c, &err);
	struct parser ps = { 0 };
	bool ps_ready = false;
	if (r == 0) {
		parser_init(&ps, &p, env, dirs, c.fallback ? app : c.name, &err);
		ps_ready = true;
		ps.quiet = true;
		ps.record = true;
		r = load_into(&ps, &c);
	}
	int code = 0;
	if (r < 0) {
		sbx_report(&err);
		code = 1;
	} else if (json) {
		fputs("{\"profile\":", stdout);
		json_string(stdout, c.name);
		fputs(",\"path\":", stdout);
		if (c.path)
			json_string(stdout, c.path);
		else
			fputs("null", stdout);
		printf(",\"default_used\":%s,\"lines\":[", c.fallback ? "true" : "false");
		for (size_t i = 0; i < ps.n_shown; i++) {
			const struct shown_line *s = &ps.shown[i];
			fputs(i ? ",{\"file\":" : "{\"file\":", stdout);
			json_string(stdout, s->file);
			printf(",\"line\":%u,\"text\":", s->line);
			json_string(stdout, s->text);
			printf(",\"override\":%s,\"note\":", s->override ? "true" : "false");
			if (s->note)
				json_string(stdout, s->note);
			else
				fputs("null", stdout);
			fputc('}', stdout);
		}
		fputs("]}\n", stdout);
	} else {
		if (c.fallback)
			printf("# no profile for '%s': the default profile applies\n", app);
		printf("# profile %s: %s\n", c.name, c.path ? c.path : "(built-in defaults)");
		for (size_t i = 0; i < ps.n_shown; i++) {
			const struct shown_line *s = &ps.shown[i];
			printf("%s:%u: %s", s->file, s->line, s->text);
			if (s->note)
				printf("  # %s", s->note);
			putchar('\n');
		}
	}
	if (ps_ready)
		parser_free(&ps);
	choice_free(&c);
	policy_free(&p);
	dirs_free(dirs);
	return code;
}

/* sbx profile which CMD: the profile file COMMAND gets, and why, on one line. */
static int which_main(const char *command, bool json, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	/* A link `sbx wrap` made, first in PATH: typing the name runs the real program sandboxed. */
	_cleanup_free_ char *wrap_real = NULL;
	_cleanup_free_ char *wrap_link = wrap_link_first(command, &wrap_real);
	_cleanup_free_ char *resolved = wrap_real ? xstrdup(wrap_real) : profile_resolve_command(command);
	struct sbx_error err = { 0 };
	struct choice c;
	int r = choose_profile(dirs, resolved, NULL, &c, &err);
	int code = 0;
	if (r < 0) {
		sbx_report(&err);
		code = 1;
	} else if (json) {
		const char *how = c.fallback ? "default" : c.claimed_by ? "names" : c.via ? "symlink" : "typed";
		const char *fields[][2] = { { "command", command }, { "resolved", resolved }, { "profile", c.name },
					    { "path", c.path }, { "how", how }, { "name", c.matched },
					    { "symlink", c.via }, { "names_file", c.claimed_by }, { "wrap_link", wrap_link } };
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			printf(i ? ",\"%s\":" : "{\"%s\":", fields[i][0]);
			if (fields[i][1])
				json_string(stdout, fields[i][1]);
			else
				fputs("null", stdout);
		}
		fputs("}\n", stdout);
	} else {
		_cleanup_free_ char *link = c.via ? xasprintf("via symlink %s -> %s", c.via, c.matched) : NULL;
		_cleanup_free_ char *claim = c.claimed_by ? xasprintf("via 'names' in %s", c.claimed_by) : NULL;
		const char *base = strrchr(resolved, '/');
		_cleanup_free_ char *why = c.fallback ? xasprintf("default: no profile for '%s'", base ? base + 1 : resolved)
				       : link && claim ? xasprintf("%s, %s", link, claim)
				       : xstrdup(link ? link : claim ? claim : "typed name");
		printf("%s: %s (%s)\n", command, c.path ? c.path : "built-in defaults", why);
		if (wrap_link && wrap_real)
			printf("%s: first in PATH is %s, a link to sbx (sbx wrap): typing %s runs %s sandboxed\n", command,
			       wrap_link, command, wrap_real);
		else if (wrap_link)
			printf("%s: first in PATH is %s, a link to sbx (sbx wrap), but PATH has no other %s: typing it "
			       "fails\n", command, wrap_link, command);
	}
	choice_free(&c);
	dirs_free(dirs);
	return code;
}
/* sbx profile index [DIR...]: writes the names index of each DIR (by default, of each search
 * directory the caller owns), so that lookups need not read every profile (profile_names.c). */
static int index_main(int n, char **dirs_given, const struct profile_env *env)
{
	char *dirs[3] = { NULL };
	profile_search_dirs(env, dirs);
	int code = 0, tried = 0;
	for (int i = 0; i < (n ? n : 3); i++) {
		const char *dir = n ? dirs_given[i] : dirs[i];
		struct stat st;
		if (!dir || (!n && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())))
			continue;
		tried++;
		struct sbx_error err = { 0 };
		size_t files = 0;
		if (names_index_write(dir, &files, &err) < 0) {
			sbx_report(&err);
			code = 1;
			continue;
		}
		_cleanup_free_ char *path = names_index_path(dir);
		printf("%s: %zu profiles\n", path, files);
	}
	dirs_free(dirs);
	if (!tried) {
		fprintf(stderr, "sbx: no profile directory of yours to index; name one: sbx profile index DIR\n");
		return 1;
	}
	return code;
}

static void profile_usage(FILE *out)
{
	fputs("usage: sbx profile check [--json] FILE...\n"
	      "       sbx profile show [--json] APP|PATH\n"
	      "       sbx profile which [--json] COMMAND\n"
	      "       sbx profile dirs\n"
	      "       sbx profile index [DIR...]\n"
	      "       sbx profile directives\n"
	      "       sbx profile import-firejail [--firejail-dir DIR] [-o FILE|DIR] [--report FILE] [--summary] PROFILE...\n",
	      out);
}

int profile_main(int argc, char **argv, const struct profile_env *env)
{
	if (argc < 2) {
		profile_usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "import-firejail") == 0)
		return firejail_import_main(argc - 1, argv + 1);
	bool json = false;
	_cleanup_free_ char **rest = xcalloc((size_t)argc, sizeof(char *));
	int n = 0;
	bool options_done = false;
	for (int i = 2; i < argc; i++) {
		if (!options_done && strcmp(argv[i], "--json") == 0)
			json = true;
		else if (!options_done && strcmp(argv[i], "--") == 0)
			options_done = true;
		else if (!options_done && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sbx profile: unknown option '%s'\n", argv[i]);
			profile_usage(stderr);
			return 2;
		} else
			rest[n++] = argv[i];
	}
	if (strcmp(sub, "check") == 0 && n >= 1)
		return check_main(n, rest, json, env);
	if (strcmp(sub, "show") == 0 && n == 1)
		return show_main(rest[0], json, env);
	if (strcmp(sub, "which") == 0 && n == 1)
		return which_main(rest[0], json, env);
	if (strcmp(sub, "dirs") == 0 && n == 0) {
		char *dirs[3] = { NULL };
		profile_search_dirs(env, dirs);
		static const char *const labels[] = { "user", "admin", "distro" };
		for (int i = 0; i < 3; i++)
			printf("%s\t%s\n", labels[i], dirs[i]);
		dirs_free(dirs);
		return 0;
	}
	if (strcmp(sub, "index") == 0)
		return index_main(n, rest, env);
	if (strcmp(sub, "directives") == 0 && n == 0) {
		/* The table: NAME, the option (or '-' for profile-only), the profile line's usage. */
		struct directive_spelling d;
		for (size_t i = 0; profile_directive(i, &d); i++)
			printf("%s\t%s\t%s\n", d.name, d.option ? d.option : "-", d.usage);
		return 0;
	}
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		profile_usage(stdout);
		return 0;
	}
	profile_usage(stderr);
	return 2;
}
