/* `sbx desktop enable|disable|list|sync`: the commands, on top of desktop_sources.c and desktop_copies.c.
 * They find desktop files (and D-Bus service and autostart files) in $XDG_DATA_DIRS and write managed
 * copies into the directories that override them, with an Exec that runs the app through sbx
 * (desktop_entry.c parses and rewrites them), and keep them current. Never edits a file it did not
 * write: each copy carries X-SBX-Managed. */
#include "desktop.h"
#include "desktop_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The profile a program gets and the directory it came from (0 user, 1 admin, 2 shipped). */
static bool has_profile(const struct places *pl, const char *program, int min_tier, char **name)
{
	int tier = -1;
	char *found = NULL;
	if (!program || profile_find(pl->env, program, &found, &tier) != 1)
		return false;
	if (tier < min_tier) {
		free(found);
		return false;
	}
	if (name)
		*name = found;
	else
		free(found);
	return true;
}

static char *bus_name_of(const char *id)
{
	return xstrndup(id, strlen(id) - strlen(".desktop"));
}

/* Autostart entries of the app: the same file name as its desktop ID, or the same program. */
static bool autostart_matches(const char *file_name, const char *program, const char *id, const char *app_program)
{
	if (strcmp(file_name, id) == 0)
		return true;
	return program && app_program && strcmp(path_base_name(program), path_base_name(app_program)) == 0;
}

static int enable_autostart(struct places *pl, const struct source *app, struct sbx_error *err)
{
	int first = 0;
	for (size_t i = 0; pl->autostart && i < pl->n_config; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/autostart", pl->config[i]);
		if (same_dir(dir, pl->autostart))
			continue;
		struct source *found = NULL;
		size_t n = 0;
		collect_sources(dir, "", 3, &found, &n);
		for (size_t j = 0; j < n; j++) {
			struct source *s = &found[j];
			if (s->parsed < 0 || s->info.managed_source || s->info.runs_sbx ||
			    !autostart_matches(s->id, s->info.program, app->id, app->info.program))
				continue;
			_cleanup_free_ char *target = xasprintf("%s/%s", pl->autostart, s->id);
			int r = write_copy(pl, s->path, s->text, s->len, DESKTOP_APP, target, err);
			if (r < 0 && !first) {
				sbx_report(err);
				first = r;
			}
		}
		sources_free(found, n);
	}
	return first;
}

/* The managed copy of one app, its D-Bus service override and its autostart entries. */
static int enable_source(struct places *pl, const struct source *s, struct sbx_error *err)
{
	if (s->parsed < 0)
		return sbx_fail(err, 0, "desktop: %s: %s", s->path, s->why);
	if (s->info.managed_source || s->info.runs_sbx) {
		fprintf(stderr, "sbx: note: %s already runs its app through sbx; nothing to do\n", s->path);
		return 0;
	}
	_cleanup_free_ char *target = xasprintf("%s/%s", pl->apps, s->id);
	int r = write_copy(pl, s->path, s->text, s->len, DESKTOP_APP, target, err);
	if (r < 0)
		return r;
	if (s->info.dbus_activatable) {
		/* Bus activation runs the service file's Exec, not the desktop file's: without an
		 * override, `gapplication launch` or a menu that asks the bus would run it unsandboxed. */
		_cleanup_free_ char *name = bus_name_of(s->id);
		_cleanup_free_ char *service = find_service(pl, name);
		if (service) {
			_cleanup_free_ char *text = NULL;
			size_t len = 0;
			_cleanup_free_ char *dest = xasprintf("%s/%s.service", pl->services, name);
			if ((r = load_text(service, &text, &len)) < 0)
				return sbx_fail(err, -r, "desktop: %s", service);
			if ((r = write_copy(pl, service, text, len, DESKTOP_SERVICE, dest, err)) < 0)
				return r;
		}
	}
	return enable_autostart(pl, s, err);
}

static bool app_matches(const char *id, const char *program, const char *app)
{
	const char *base = path_base_name(app);
	size_t n = strlen(base);
	if (strcmp(id, base) == 0 || (strncmp(id, base, n) == 0 && strcmp(id + n, ".desktop") == 0))
		return true;
	return program && strcmp(path_base_name(program), app) == 0;
}

/* Removes the managed copy of one app (by ID), its service override and its autostart copies. */
static int disable_id(struct places *pl, const char *id, const char *program, struct sbx_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", pl->apps, id);
	int r = remove_managed(pl, path, DESKTOP_APP, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *name = bus_name_of(id);
	_cleanup_free_ char *service = xasprintf("%s/%s.service", pl->services, name);
	struct desktop_info info;
	if (managed_state(service, DESKTOP_SERVICE, &info, NULL, NULL) == 1 && (r = remove_managed(pl, service, DESKTOP_SERVICE, err)) < 0) {
		desktop_info_free(&info);
		return r;
	}
	desktop_info_free(&info);
	size_t n = 0;
	char **names = pl->autostart ? list_dir(pl->autostart, ".desktop", &n) : NULL;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *auto_path = xasprintf("%s/%s", pl->autostart, names[i]);
		if (managed_state(auto_path, DESKTOP_APP, &info, NULL, NULL) == 1 &&
		    autostart_matches(names[i], info.program, id, program))
			r = remove_managed(pl, auto_path, DESKTOP_APP, err);
		desktop_info_free(&info);
	}
	names_free(names, n);
	return r;
}

static int disable_app(struct places *pl, const char *app, struct sbx_error *err)
{
	size_t n = 0;
	char **names = list_dir(pl->apps, ".desktop", &n);
	int r = 0, matched = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", pl->apps, names[i]);
		struct desktop_info info;
		int state = managed_state(path, DESKTOP_APP, &info, NULL, NULL);
		bool match = app_matches(names[i], state == 1 ? info.program : NULL, app);
		_cleanup_free_ char *profile = NULL;
		if (!match && state == 1 && has_profile(pl, info.program, pl->system ? 1 : 0, &profile))
			match = strcmp(profile, app) == 0;  /* as enable found it */
		if (match && state == 1) {
			matched++;
			r = disable_id(pl, names[i], info.program, err);
		} else if (state != 1 && app_matches(names[i], NULL, app)) {
			r = not_ours(path, err);
		}
		desktop_info_free(&info);
	}
	names_free(names, n);
	if (r == 0 && !matched)
		r = sbx_fail(err, 0, "desktop: no copy sbx made matches '%s' in %s", app, pl->apps);
	return r;
}

static int enable_app(struct places *pl, struct source *all, size_t n_all, const char *app, struct sbx_error *err)
{
	if (strchr(app, '/')) {
		/* A file named on the command line: its ID is its name. */
		struct source s = { .path = xstrdup(app), .id = xstrdup(path_base_name(app)) };
		source_load(&s, DESKTOP_APP);
		int r;
		if (!ends_with(s.id, ".desktop"))
			r = sbx_fail(err, 0, "desktop: %s: not a desktop file (its name does not end in .desktop)", app);
		else if (s.parsed < 0)
			r = sbx_fail(err, 0, "desktop: %s: not a usable desktop file: %s", app, s.why);
		else
			r = enable_source(pl, &s, err);
		source_free(&s);
		return r;
	}
	int r = 0, matched = 0;
	for (size_t i = 0; i < n_all && r == 0; i++) {
		struct source *s = &all[i];
		_cleanup_free_ char *profile = NULL;
		bool by_name = app_matches(s->id, s->parsed == 0 ? s->info.program : NULL, app);
		/* `enable python3` finds python3.11.desktop through the profile's `names`. */
		if (!by_name && s->parsed == 0 && has_profile(pl, s->info.program, pl->system ? 1 : 0, &profile))
			by_name = strcmp(profile, app) == 0;
		if (by_name) {
			matched++;
			r = enable_source(pl, s, err);
		}
	}
	if (r == 0 && !matched) {
		_cleanup_free_ char *where = xstrdup("");
		for (size_t i = 0; i < pl->n_data; i++) {
			char *longer = xasprintf("%s%s%s/applications", where, i ? ", " : "", pl->data[i]);
			free(where);
			where = longer;
		}
		r = sbx_fail(err, 0, "desktop: no installed desktop file for '%s' (looked in %s)", app, where);
	}
	return r;
}

static void list_managed(const char *dir, const char *suffix, enum desktop_kind kind, const char *label)
{
	size_t n = 0;
	char **names = dir ? list_dir(dir, suffix, &n) : NULL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, names[i]);
		struct desktop_info info;
		if (managed_state(path, kind, &info, NULL, NULL) == 1) {
			const char *stale = staleness(&info);
			printf("%-9s %-9s %s  %s (from %s%s%s)\n", stale ? "stale" : "enabled", label, names[i], path,
			       info.managed_source, stale ? "; " : "", stale ? stale : "");
		}
		desktop_info_free(&info);
	}
	names_free(names, n);
}

static int list_main(struct places *pl)
{
	list_managed(pl->apps, ".desktop", DESKTOP_APP, "app");
	list_managed(pl->services, ".service", DESKTOP_SERVICE, "dbus");
	list_managed(pl->autostart, ".desktop", DESKTOP_APP, "autostart");
	struct source *all;
	size_t n;
	scan_sources(pl, &all, &n);
	for (size_t i = 0; i < n; i++) {
		const struct source *s = &all[i];
		_cleanup_free_ char *profile = NULL;
		if (s->parsed < 0 || s->info.managed_source || s->info.runs_sbx ||
		    !has_profile(pl, s->info.program, pl->system ? 1 : 0, &profile))
			continue;
		_cleanup_free_ char *copy = xasprintf("%s/%s", pl->apps, s->id);
		struct stat st;
		if (lstat(copy, &st) == 0)
			continue;
		printf("%-9s %-9s %s  %s (profile %s)\n", "available", "app", s->id, s->path, profile);
	}
	sources_free(all, n);
	return 0;
}

/* Rewrites every managed file from its source and removes those whose source is gone. Leaves a
 * file whose content would not change untouched, so a second run changes nothing. */
static int sync_main(struct places *pl, struct sbx_error *err)
{
	int status = 0;
	size_t n = 0;
	char **names = list_dir(pl->apps, ".desktop", &n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", pl->apps, names[i]);
		struct desktop_info info;
		if (managed_state(path, DESKTOP_APP, &info, NULL, NULL) != 1)
			continue;
		struct source s = { .id = xstrdup(names[i]), .path = xstrdup(info.managed_source) };
		source_load(&s, DESKTOP_APP);
		int r;
		if (s.parsed == -ENOENT || s.parsed == -ENOTDIR)
			r = disable_id(pl, names[i], info.program, err);
		else
			r = enable_source(pl, &s, err);
		if (r < 0) {
			sbx_report(err);
			status = 1;
		}
		source_free(&s);
		desktop_info_free(&info);
	}
	names_free(names, n);
	/* Service and autostart copies left without an app copy: from their own sources. */
	const struct {
		const char *dir, *suffix;
		enum desktop_kind kind;
	} others[] = { { pl->services, ".service", DESKTOP_SERVICE }, { pl->autostart, ".desktop", DESKTOP_APP } };
	for (size_t k = 0; k < ARRAY_SIZE(others); k++) {
		names = others[k].dir ? list_dir(others[k].dir, others[k].suffix, &n) : NULL;
		for (size_t i = 0; names && i < n; i++) {
			_cleanup_free_ char *path = xasprintf("%s/%s", others[k].dir, names[i]);
			struct desktop_info info;
			if (managed_state(path, others[k].kind, &info, NULL, NULL) != 1)
				continue;
			_cleanup_free_ char *text = NULL;
			size_t len = 0;
			int r = load_text(info.managed_source, &text, &len);
			if (r == -ENOENT || r == -ENOTDIR)
				r = remove_managed(pl, path, others[k].kind, err);
			else if (r < 0)
				r = sbx_fail(err, -r, "desktop: %s", info.managed_source);
			else
				r = write_copy(pl, info.managed_source, text, len, others[k].kind, path, err);
			if (r < 0) {
				sbx_report(err);
				status = 1;
			}
			desktop_info_free(&info);
		}
		names_free(names, names ? n : 0);
	}
	return status;
}

static void desktop_usage(FILE *out)
{
	fputs("usage: sbx desktop enable [--system [--prefix DIR]] APP|FILE.desktop...\n"
	      "       sbx desktop enable [--system [--prefix DIR]] --all\n"
	      "       sbx desktop disable [--system [--prefix DIR]] APP...\n"
	      "       sbx desktop list [--system [--prefix DIR]]\n"
	      "       sbx desktop sync [--system [--prefix DIR]]\n",
	      out);
}

int desktop_main(int argc, char **argv, const struct profile_env *env)
{
	if (argc < 2) {
		desktop_usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	/* "wrote"/"removed" lines and error lines keep their order when both go to one file. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		desktop_usage(stdout);
		return 0;
	}
	bool system = false, all = false, options_done = false;
	const char *prefix = NULL;
	_cleanup_free_ char **rest = xcalloc((size_t)argc, sizeof(char *));
	int n = 0;
	for (int i = 2; i < argc; i++) {
		if (!options_done && strcmp(argv[i], "--system") == 0) {
			system = true;
		} else if (!options_done && strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (!options_done && strcmp(argv[i], "--prefix") == 0 && i + 1 < argc) {
			prefix = argv[++i];
		} else if (!options_done && strcmp(argv[i], "--") == 0) {
			options_done = true;
		} else if (!options_done && argv[i][0] == '-') {
			fprintf(stderr, "sbx desktop: unknown option '%s'\n", argv[i]);
			desktop_usage(stderr);
			return 2;
		} else {
			rest[n++] = argv[i];
		}
	}
	bool takes_apps = strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0;
	bool known = takes_apps || strcmp(sub, "list") == 0 || strcmp(sub, "sync") == 0;
	if (!known || (prefix && !system) || (all && strcmp(sub, "enable") != 0) ||
	    (takes_apps && (n == 0) == !all) || (!takes_apps && n > 0)) {
		desktop_usage(stderr);
		return 2;
	}
	struct sbx_error err = { 0 };
	struct places pl;
	if (places_init(&pl, system, prefix, env, &err) < 0) {
		sbx_report(&err);
		places_free(&pl);
		return 1;
	}
	int status = 0;
	if (strcmp(sub, "list") == 0) {
		status = list_main(&pl);
	} else if (strcmp(sub, "sync") == 0) {
		status = sync_main(&pl, &err);
	} else if (strcmp(sub, "disable") == 0) {
		for (int i = 0; i < n; i++) {
			if (disable_app(&pl, rest[i], &err) < 0) {
				sbx_report(&err);
				status = 1;
			}
		}
	} else {
		struct source *sources;
		size_t n_sources;
		scan_sources(&pl, &sources, &n_sources);
		for (int i = 0; i < n; i++) {
			if (enable_app(&pl, sources, n_sources, rest[i], &err) < 0) {
				sbx_report(&err);
				status = 1;
			}
		}
		for (size_t i = 0; all && i < n_sources; i++) {
			/* --all: apps whose profile an admin or the distribution ships, not the user's own. */
			const struct source *s = &sources[i];
			if (s->parsed < 0 || s->info.managed_source || s->info.runs_sbx || !has_profile(&pl, s->info.program, 1, NULL))
				continue;
			if (enable_source(&pl, s, &err) < 0) {
				sbx_report(&err);
				status = 1;
			}
		}
		sources_free(sources, n_sources);
	}
	refresh_mime_cache(&pl);
	places_free(&pl);
	return status;
}
