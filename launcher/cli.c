#include "cli.h"

#include <fcntl.h>
#include <string.h>

#include "profile.h"

/* The launcher's own options. Every other option is a profile directive (profile.h's table). */
enum opt_id {
	OPT_DIRECTIVE, OPT_PROFILE, OPT_APP, OPT_PASS_FD, OPT_KEEP_DISCARDED, OPT_LAUNCHED_FROM, OPT_EXPLAIN, OPT_JSON, OPT_QUIET,
	OPT_VERSION, OPT_HELP,
};

struct launcher_opt {
	const char *name;
	enum opt_id id;
	bool has_arg;
	const char *arg_name;
	const char *help;
};

/* An option found on the command line: a launcher option or a directive's. */
struct opt {
	const char *name;
	enum opt_id id;
	bool has_arg;
	const char *arg_name;
	struct directive_spelling directive;  /* OPT_DIRECTIVE */
};

static const struct launcher_opt options[] = {
	{ "--profile", OPT_PROFILE, true, "NAME|PATH", "use this profile instead of COMMAND's" },
	{ "--app", OPT_APP, true, "NAME", "keep the app's state under NAME (default: the command's profile lookup name)" },
	{ "--pass-fd", OPT_PASS_FD, true, "N", "keep file descriptor N open in the sandbox" },
	{ "--keep-discarded", OPT_KEEP_DISCARDED, true, "DIR", "copy the files written to the private home, /tmp, /var/tmp into DIR at exit" },
	{ "--launched-from", OPT_LAUNCHED_FROM, true, "FILE", "the managed desktop entry (sbx desktop) that started this: the files its launcher handed over are granted for this run" },
	{ "--explain", OPT_EXPLAIN, false, NULL, "print what the sandbox would be, run nothing" },
	{ "--json", OPT_JSON, false, NULL, "JSON output: with --explain the sandbox, else how it ended (stderr)" },
	{ "--quiet", OPT_QUIET, false, NULL, "no notes on stderr (errors and warnings about discarded files are still printed)" },
	{ "-q", OPT_QUIET, false, NULL, NULL },
	{ "--version", OPT_VERSION, false, NULL, "print the version" },
	{ "--help", OPT_HELP, false, NULL, "print this help" },
	{ "-h", OPT_HELP, false, NULL, NULL },
};

static void print_option(FILE *out, const char *name, const char *value, const char *help)
{
	char left[128];
	snprintf(left, sizeof(left), "%s%s%s", name, value ? " " : "", value ? value : "");
	fprintf(out, "  %-30s %s\n", left, help);
}

void cli_usage(FILE *out)
{
	fputs("Usage: sbx [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       sbx profile check FILE... | profile show APP [--json] | profile which COMMAND | profile dirs\n"
	      "       sbx learn [-o FILE] [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       sbx seccomp export APP [PFC-FILE [BPF-FILE]]\n"
	      "       sbx desktop enable|disable|list|sync [--system] [APP...]\n"
	      "       sbx wrap [--system] APP... | wrap --list\n"
	      "       sbx unwrap [--system] APP...\n"
	      "       sbx apps [reset APP [--yes]]\n"
	      "       sbx apps snapshot APP [NAME] | apps snapshots APP | apps rollback APP NAME\n"
	      "       sbx overlay diff|reset APP [PATH]\n"
	      "       sbx overlay commit APP [PATH] [--dry-run]\n"
	      "Run COMMAND in a sandbox built from its profile (see sbx(1), sbx-profile(5)).\n\n",
	      out);
	fputs("Sandbox options (each is the profile directive of the same name, applied after the profile;\n"
	      "sbx-profile(5) says more):\n", out);
	struct directive_spelling d;
	for (size_t i = 0; profile_directive(i, &d); i++)
		if (d.option)
			print_option(out, d.option, d.form == OPTION_FLAG ? NULL : d.value, d.help);
	fputs("\nLauncher options:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].help)
			print_option(out, options[i].name, options[i].has_arg ? options[i].arg_name : NULL,
				     options[i].help);
}

/* Finds the option for argv[i] (supports "--opt=value"), filling *o. */
static bool find_option(const char *arg, struct opt *o, const char **inline_value)
{
	*inline_value = NULL;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	bool found = false;
	for (size_t i = 0; i < ARRAY_SIZE(options) && !found; i++) {
		if (strlen(options[i].name) == len && strncmp(options[i].name, arg, len) == 0) {
			*o = (struct opt){ .name = options[i].name, .id = options[i].id, .has_arg = options[i].has_arg,
					   .arg_name = options[i].arg_name };
			found = true;
		}
	}
	struct directive_spelling d;
	for (size_t i = 0; !found && profile_directive(i, &d); i++) {
		if (d.option && strlen(d.option) == len && strncmp(d.option, arg, len) == 0) {
			*o = (struct opt){ .name = d.option, .id = OPT_DIRECTIVE, .has_arg = d.form != OPTION_FLAG,
					   .arg_name = d.value, .directive = d };
			found = true;
		}
	}
	if (found && eq)
		*inline_value = eq + 1;
	return found;
}

/* Walks the options, calling `each` for every one with its value; stops at COMMAND. */
typedef int (*opt_fn)(const struct opt *o, const char *value, void *ctx, struct sbx_error *err);

static int walk_options(int argc, char **argv, opt_fn each, void *ctx, int *command_index,
			struct sbx_error *err)
{
	int i = 1;
	while (i < argc) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break;
		const char *value;
		struct opt o;
		if (!find_option(arg, &o, &value))
			return sbx_fail(err, 0, "unknown option '%s' (see sbx --help)", arg);
		if (o.has_arg && !value) {
			if (i + 1 >= argc)
				return sbx_fail(err, 0, "option %s needs an argument %s", o.name, o.arg_name);
			value = argv[++i];
		} else if (!o.has_arg && value) {
			return sbx_fail(err, 0, "option %s takes no argument", o.name);
		}
		/* An option without an argument gets "", so that no callback meets a NULL value. */
		int r = each(&o, value ? value : "", ctx, err);
		if (r < 0)
			return r;
		i++;
	}
	*command_index = i;
	return 0;
}

static int scan_one(const struct opt *o, const char *value, void *ctx, struct sbx_error *err)
{
	struct cli *cli = ctx;
	switch (o->id) {
	case OPT_PROFILE: cli->profile = value; break;
	case OPT_APP:
		if (!app_name_valid(value))
			return sbx_fail(err, 0, "--app '%s': expected 1 to 64 letters, digits, '.', '_', '+' or '-'", value);
		cli->app = value;
		break;
	case OPT_DIRECTIVE:
		/* The account is chosen before the profile is read (main.c); the line checks the value. */
		if (strcmp(o->directive.name, "user") == 0) {
			if (!user_name_valid(value))
				return sbx_fail(err, 0, "--user '%s': expected an account name", value);
			cli->user = value;
		} else if (strcmp(o->directive.name, "caps-keep") == 0) {
			if (!capability_keepable(value))
				return sbx_fail(err, 0, "--caps-keep '%s': net_bind_service is the only capability sbx can keep", value);
			cli->caps_keep = true;
		}
		break;
	case OPT_LAUNCHED_FROM: cli->launched_from = value; break;
	case OPT_EXPLAIN: cli->explain = true; break;
	case OPT_JSON: cli->json = true; break;
	case OPT_QUIET: cli->quiet = true; break;
	case OPT_VERSION: if (cli->action == CLI_RUN) cli->action = CLI_VERSION; break;
	case OPT_HELP: cli->action = CLI_HELP; break;
	default: break;
	}
	return 0;
}

int cli_scan(int argc, char **argv, struct cli *cli, struct sbx_error *err)
{
	memset(cli, 0, sizeof(*cli));
	return walk_options(argc, argv, scan_one, cli, &cli->command_index, err);
}

struct apply_ctx {
	struct policy *p;
	const char *cwd;
	struct option_line *lines;
	size_t n_lines;
};

/* A path of the caller's: relative ones are relative to the working directory. */
static char *caller_path(const char *cwd, const char *path)
{
	return path[0] == '/' ? xstrdup(path) : path_join_clean(cwd, path);
}

/* SRC[:DST]; "\\:" is a colon that belongs to a path. */
static int bind_words(const struct apply_ctx *c, const struct opt *o, const char *value, struct option_line *l,
		      struct sbx_error *err)
{
	_cleanup_free_ char *text = xstrdup(value);
	char *dst = NULL;
	for (char *r = text, *w = text;; r++) {
		if (r[0] == '\\' && r[1] == ':') {
			*w++ = *++r;
		} else if (*r == ':' && !dst) {
			*w++ = '\0';
			dst = w;
		} else if (!(*w++ = *r)) {
			break;
		}
	}
	if (!*text)
		return sbx_fail(err, 0, "%s '%s': empty source path", o->name, value);
	l->words[l->n_words++] = caller_path(c->cwd, text);
	if (dst)
		l->words[l->n_words++] = xstrdup(dst);
	return 0;
}

/* Turns `--OPTION VALUE` into the words of the profile line `NAME ...` (profile.h). */
static int option_line(struct apply_ctx *c, const struct opt *o, const char *value, struct sbx_error *err)
{
	const struct directive_spelling *d = &o->directive;
	struct option_line l = {
		.label = d->form == OPTION_FLAG ? xstrdup(o->name) : xasprintf("%s '%s'", o->name, value),
		.words = xcalloc(PROFILE_MAX_ARGS + 1, sizeof(char *)),
	};
	l.words[l.n_words++] = xstrdup(d->name);
	int r = 0;
	switch (d->form) {
	case OPTION_NONE: case OPTION_FLAG:
		break;
	case OPTION_WORD:
		l.words[l.n_words++] = xstrdup(value);
		break;
	case OPTION_WORDS: {
		_cleanup_free_ char *text = xstrdup(value);
		char *save = NULL;
		for (char *w = strtok_r(text, " \t", &save); w && r == 0; w = strtok_r(NULL, " \t", &save)) {
			if (l.n_words > PROFILE_MAX_ARGS)
				r = sbx_fail(err, 0, "%s: too many words", l.label);
			else
				l.words[l.n_words++] = xstrdup(w);
		}
		if (r == 0 && l.n_words == 1)
			l.words[l.n_words++] = xstrdup("");  /* the directive says what is missing */
		break;
	}
	case OPTION_PATH:
		if (!*value)
			r = sbx_fail(err, 0, "%s: empty path", o->name);
		else
			l.words[l.n_words++] = caller_path(c->cwd, value);
		break;
	case OPTION_BIND:
		r = bind_words(c, o, value, &l, err);
		break;
	}
	if (r < 0) {
		for (size_t i = 0; i < l.n_words; i++)
			free(l.words[i]);
		free(l.words);
		free(l.label);
		return r;
	}
	*ARRAY_PUSH(c->lines, c->n_lines) = l;
	return 0;
}

static int apply_one(const struct opt *o, const char *value, void *ctx, struct sbx_error *err)
{
	struct apply_ctx *c = ctx;
	struct policy *p = c->p;
	long long n;
	switch (o->id) {
	case OPT_DIRECTIVE:
		return option_line(c, o, value, err);
	case OPT_PASS_FD:
		if (!parse_int(value, 0, 65535, &n))
			return sbx_fail(err, 0, "--pass-fd '%s': expected a file descriptor number", value);
		if (fcntl((int)n, F_GETFD) < 0)
			return sbx_fail(err, errno, "--pass-fd %lld", n);
		policy_add_pass_fd(p, (int)n);
		return 0;
	case OPT_QUIET:
		p->quiet = true;
		return 0;
	case OPT_KEEP_DISCARDED:
		if (!*value)
			return sbx_fail(err, 0, "--keep-discarded: empty directory name");
		free(p->keep_discarded);
		p->keep_discarded = xstrdup(value);
		return 0;
	case OPT_APP:  /* checked in cli_scan, applied by main */
	case OPT_LAUNCHED_FROM:
	case OPT_PROFILE: case OPT_EXPLAIN: case OPT_JSON: case OPT_VERSION: case OPT_HELP:
		return 0;  /* handled in cli_scan */
	}
	return 0;
}

int cli_apply(int argc, char **argv, const struct cli *cli, const struct profile_env *env, struct policy *p,
	      struct sbx_error *err)
{
	struct apply_ctx c = { .p = p, .cwd = env->cwd ? env->cwd : "/" };
	int command_index = argc;
	int r = walk_options(argc, argv, apply_one, &c, &command_index, err);
	if (r == 0)
		r = profile_apply_options(p, env, c.lines, c.n_lines, p->quiet, err);
	for (size_t i = 0; i < c.n_lines; i++) {
		for (size_t k = 0; k < c.lines[i].n_words; k++)
			free(c.lines[i].words[k]);
		free(c.lines[i].words);
		free(c.lines[i].label);
	}
	free(c.lines);
	if (r < 0)
		return r;
	p->argc = (size_t)(argc - command_index);
	p->argv = xcalloc(p->argc + 1, sizeof(char *));
	for (size_t i = 0; i < p->argc; i++)
		p->argv[i] = xstrdup(argv[command_index + (int)i]);
	return 0;
}
