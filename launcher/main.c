/* sbx: run a command in a setuid-free sandbox built from its profile. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "appstate.h"
#include "cli.h"
#include "desktop.h"
#include "env.h"
#include "explain.h"
#include "init.h"
#include "launch.h"
#include "launched.h"
#include "learn.h"
#include "memfd_guard.h"
#include "overlay.h"
#include "plan.h"
#include "policy.h"
#include "profile.h"
#include "seccomp.h"
#include "userns.h"
#include "wrap.h"

static void profile_env_from(const struct identity *id, struct profile_env *env)
{
	*env = (struct profile_env){
		.home = id->home,
		.config_home = id->config_home,
		.runtime_dir = id->runtime_dir,
		.uid = id->uid,
		.gid = id->gid,
	};
}

/* Said once per run; profile_search_dirs, called several times, ignores the directory silently. */
static void warn_untrusted_profiles_dir(void)
{
	const char *dir = getenv("SBX_PROFILES_DIR");
	if (dir && *dir && !profiles_dir_trusted(dir))
		sbx_warn("SBX_PROFILES_DIR=%s ignored: as root, sbx reads profiles only from directories owned "
			 "by root that others cannot write", dir);
}

static int fail(const struct sbx_error *err)
{
	sbx_report(err);
	return SBX_EXIT_FAILURE;
}

/* Loads the profile for `app` (or `requested`) and builds the mount plan: everything up to, but
 * not including, touching the kernel. */
/* What the profile and the options are read with: the caller, COMMAND's arguments, the files a
 * desktop launcher handed over. */
static void run_env(const struct identity *id, char *const *args, size_t n_args, const struct launched *launched,
		    struct profile_env *penv)
{
	profile_env_from(id, penv);
	penv->cwd = id->cwd;
	penv->args = args;
	penv->n_args = n_args;
	if (launched) {
		penv->handed = launched->paths;
		penv->n_handed = launched->n_paths;
		penv->handed_by = launched->file;
	}
}

static int prepare(struct policy *p, const struct identity *id, const char *app, char *const *args,
		   size_t n_args, const char *requested, const struct launched *launched, struct sbx_error *err)
{
	struct profile_env penv;
	run_env(id, args, n_args, launched, &penv);
	_cleanup_free_ char *resolved = profile_resolve_command(app);
	return profile_load(p, resolved, requested, &penv, err);
}

/* Who the command runs as, decided before the profile is read for real so that ${UID} and
 * ${XDG_RUNTIME_DIR} expand to that account's: --user, else the profile's `user` line (found by a
 * quiet first read), else nobody for root and the caller for everyone else. */
static int choose_user(struct identity *id, const struct cli *cli, const char *app, struct sbx_error *err)
{
	if (id->outer_uid != 0 && (cli->user || cli->caps_keep))
		return sbx_fail(err, 0, "%s: only root can %s; started by uid %u, the command runs as you "
				"without capabilities", cli->user ? "--user" : "--caps-keep",
				cli->user ? "run a command as another account" : "let it bind privileged ports",
				(unsigned)id->outer_uid);
	if (id->outer_uid != 0)
		return 0;
	if (cli->user)
		return identity_set_user(id, cli->user, "command line", err);
	struct policy scratch;
	policy_init(&scratch);
	scratch.quiet = true;
	struct sbx_error ignored = { 0 };
	int r = 0;
	/* A profile that fails to load fails again, and says why, when it is read for real. */
	if (prepare(&scratch, id, app, NULL, 0, cli->profile, NULL, &ignored) == 0 && scratch.user)
		r = identity_set_user(id, scratch.user, scratch.user_origin, err);
	policy_free(&scratch);
	return r;
}

/* A profile's `user` and `caps-keep` lines describe a server started by root; run by anyone else
 * the command runs as them without capabilities anyway, so the lines are dropped, with a note. */
static void root_only_lines(struct policy *p, const struct identity *id)
{
	if (id->outer_uid == 0)
		return;
	if (p->user && !p->quiet)
		sbx_note("'user %s' (%s) applies only when root starts sbx; the command runs as you",
			 p->user, p->user_origin);
	if (p->bind_service && !p->quiet)
		sbx_note("'caps-keep net_bind_service' (%s) applies only when root starts sbx; ports below "
			 "1024 stay closed to the command", p->bind_service_origin);
	free(p->user);
	free(p->user_origin);
	free(p->bind_service_origin);
	p->user = p->user_origin = p->bind_service_origin = NULL;
	p->bind_service = false;
}

/* Whether the mode of st lets the command (uid, gid and groups of id) write; ACLs are not read. */
static bool command_may_write(const struct stat *st, const struct identity *id)
{
	if (st->st_uid == id->uid)
		return st->st_mode & S_IWUSR;
	bool member = st->st_gid == id->gid;
	for (size_t i = 0; i < id->n_groups; i++)
		member = member || st->st_gid == id->groups[i];
	return st->st_mode & (member ? S_IWGRP : S_IWOTH);
}

/* Started by root, the command is nobody or the `user` account, never root: a working directory
 * granted read-write that only root may write gives "Permission denied" and no reason. Said once. */
static void note_unwritable_workdir(const struct policy *p, const struct identity *id)
{
	if (id->outer_uid != 0 || p->quiet || !id->cwd)
		return;
	bool granted = false;
	for (size_t i = 0; i < p->n_mounts; i++)
		granted = granted || (p->mounts[i].kind == MOUNT_BIND && path_within(id->cwd, p->mounts[i].src));
	struct stat st;
	if (!granted || stat(id->cwd, &st) < 0 || command_may_write(&st, id))
		return;
	sbx_note("started by root, the command runs as %s (uid %u), which cannot write the working directory "
		 "%s; sbx never runs it as root: use --user NAME (or 'user NAME' in APP.local) for an account "
		 "that may write there, or chown the directory", id->user ? id->user : "nobody",
		 (unsigned)id->uid, id->cwd);
}

/* Plans the run of p (plan.h), protecting the directories profiles are read from. */
static int plan_run(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct identity *id = pl->id;
	struct profile_env penv;
	profile_env_from(id, &penv);
	char *dirs[4] = { NULL };
	profile_search_dirs(&penv, dirs);
	/* The sbx configuration directory as a whole, so that no new profile directory can be made. */
	char *protect[5] = { xasprintf("%s/sbx", id->config_home), dirs[0], dirs[1], dirs[2], NULL };
	int r = plan_build(pl, protect, err);
	for (size_t i = 0; i < 4; i++)
		free(protect[i]);
	return r;
}

static int seccomp_export_main(int argc, char **argv)
{
	struct sbx_error err = { 0 };
	if (argc < 3 || argc > 5 || strcmp(argv[1], "export") != 0) {
		fputs("usage: sbx seccomp export APP [PFC-FILE [BPF-FILE]]\n", stderr);
		return SBX_EXIT_FAILURE;
	}
	struct identity id;
	if (identity_init(&id, &err) < 0)
		return fail(&err);
	struct policy p;
	policy_init(&p);
	p.quiet = true;
	int r = prepare(&p, &id, argv[2], NULL, 0, NULL, NULL, &err);
	struct sandbox_plan pl;
	plan_init(&pl, &p, &id, true);
	if (r == 0) {
		memfd_guard_plan(&pl);
		r = seccomp_validate(&pl, &err);
	}
	FILE *pfc = stdout;
	_cleanup_close_ int bpf_fd = -1;
	if (r == 0 && argc >= 4 && strcmp(argv[3], "-") != 0 && !(pfc = fopen(argv[3], "we")))
		r = sbx_fail(&err, errno, "%s", argv[3]);
	if (r == 0 && argc == 5 && (bpf_fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		r = sbx_fail(&err, errno, "%s", argv[4]);
	if (r == 0)
		r = seccomp_export(&pl, pfc, bpf_fd, &err);
	if (pfc && pfc != stdout)
		fclose(pfc);
	plan_free(&pl);
	policy_free(&p);
	identity_free(&id);
	return r < 0 ? fail(&err) : 0;
}

/* `sbx profile ...` and `sbx desktop ...`: subcommands that look profiles up as the caller. */
static int profile_env_subcommand(int (*sub_main)(int, char **, const struct profile_env *), int argc,
				  char **argv)
{
	struct sbx_error err = { 0 };
	struct identity id;
	if (identity_init(&id, &err) < 0)
		return fail(&err);
	struct profile_env penv;
	profile_env_from(&id, &penv);
	int code = sub_main(argc, argv, &penv);
	sbx_notes_flush(true);
	identity_free(&id);
	return code;
}

/* `sbx apps ...` and `sbx overlay ...`: the per-app state of the caller (root: root's). */
static int state_subcommand(int argc, char **argv)
{
	struct sbx_error err = { 0 };
	struct identity id;
	if (identity_init(&id, &err) < 0)
		return fail(&err);
	int code = strcmp(argv[0], "apps") == 0 ? apps_main(argc, argv, &id) : overlay_main(argc, argv, &id);
	identity_free(&id);
	return code;
}

/* The name the app's state is kept under: --app, else the command's base name (the name its
 * profile is looked up by). */
static void choose_app(struct policy *p, const struct cli *cli, const char *command)
{
	const char *base = strrchr(command, '/');
	free(p->app);
	p->app = xstrdup(cli->app ? cli->app : base ? base + 1 : command);
}

static int check_app(const struct policy *p, struct sbx_error *err)
{
	if ((p->home == HOME_PERSISTENT || p->n_overlays) && !app_name_valid(p->app))
		return sbx_fail(err, 0, "app name '%s' (the command's name) cannot name a state directory; "
				"use --app NAME", p->app);
	return 0;
}

int main(int argc, char **argv)
{
	init_remember_arguments(argc, argv);
	/* A parent that ignores SIGCHLD (Erlang does) would make children vanish unwaited. */
	signal(SIGCHLD, SIG_DFL);
	/* Started through a link `sbx wrap` made: every argument is the program's (wrap.c). */
	const char *wrapped = wrap_invoked_name(argc > 0 ? argv[0] : NULL);
	__attribute__((cleanup(wrap_argv_freep))) char **wargv = NULL;
	if (wrapped) {
		struct sbx_error werr = { 0 };
		wargv = wrap_argv(wrapped, argc, argv, &argc, &werr);
		if (!wargv) {
			sbx_report(&werr);
			return SBX_EXIT_NOT_FOUND;
		}
		argv = wargv;
	}
	if (!wrapped && argc >= 2 && (strcmp(argv[1], "wrap") == 0 || strcmp(argv[1], "unwrap") == 0))
		return wrap_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "profile") == 0)
		return profile_env_subcommand(profile_main, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "desktop") == 0)
		return profile_env_subcommand(desktop_main, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "learn") == 0)
		return learn_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "seccomp") == 0)
		return seccomp_export_main(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "apps") == 0 || strcmp(argv[1], "overlay") == 0))
		return state_subcommand(argc - 1, argv + 1);

	struct sbx_error err = { 0 };
	struct cli cli;
	if (cli_scan(argc, argv, &cli, &err) < 0)
		return fail(&err);
	if (cli.action == CLI_HELP) {
		cli_usage(stdout);
		return 0;
	}
	if (cli.action == CLI_VERSION) {
		printf("sbx %s\n", SBX_VERSION);
		return 0;
	}
	if (cli.command_index >= argc) {
		sbx_fail(&err, 0, "no command given (usage: sbx [OPTIONS] [--] COMMAND [ARG...])");
		return fail(&err);
	}

	/* Started from a managed desktop entry: the files its launcher handed over (launched.h). */
	__attribute__((cleanup(launched_free))) struct launched launched = { 0 };
	if (cli.launched_from &&
	    launched_check(cli.launched_from, getuid(), argv + cli.command_index, (size_t)(argc - cli.command_index),
			   &launched, &err) < 0)
		return fail(&err);

	/* `sbx NAME` after `sbx wrap NAME` runs the program NAME, not sbx again. */
	_cleanup_free_ char *unshadowed = wrapped ? NULL : wrap_unshadow(argv[cli.command_index]);
	if (unshadowed)
		argv[cli.command_index] = unshadowed;

	struct identity id;
	if (identity_init(&id, &err) < 0)
		return fail(&err);
	warn_untrusted_profiles_dir();
	struct policy p;
	policy_init(&p);
	p.quiet = cli.quiet;
	p.json_status = cli.json && !cli.explain;
	p.launched = cli.launched_from ? &launched : NULL;
	int r = choose_user(&id, &cli, argv[cli.command_index], &err);
	if (r == 0)
		r = prepare(&p, &id, argv[cli.command_index], argv + cli.command_index + 1,
			    (size_t)(argc - cli.command_index - 1), cli.profile, p.launched, &err);
	if (r == 0) {
		struct profile_env penv;
		run_env(&id, argv + cli.command_index + 1, (size_t)(argc - cli.command_index - 1), p.launched, &penv);
		r = cli_apply(argc, argv, &cli, &penv, &p, &err);
	}
	if (r == 0) {
		root_only_lines(&p, &id);
		choose_app(&p, &cli, argv[cli.command_index]);
		r = check_app(&p, &err);
	}
	/* From here on the policy does not change: the plan holds what this host makes of it. */
	struct sandbox_plan pl;
	plan_init(&pl, &p, &id, cli.explain);
	if (r == 0)
		r = plan_run(&pl, &err);
	if (r == 0 && !p.quiet) {
		extern char **environ;
		env_note_dropped(&p, environ);
		if (!cli.explain)
			note_unwritable_workdir(&p, &id);
	}
	/* Notes only once the run is planned: they never come before the error that stops it. */
	sbx_notes_flush(r == 0);
	int code;
	if (r < 0) {
		code = fail(&err);
	} else if (cli.explain) {
		if (cli.json)
			explain_json(&pl, stdout);
		else
			explain_text(&pl, stdout);
		code = 0;
	} else {
		code = sandbox_run(&pl, &err);
	}
	plan_free(&pl);
	policy_free(&p);
	identity_free(&id);
	return code;
}
