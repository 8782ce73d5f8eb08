/* What the parts of `sbx desktop` share: the places, the sources found and the managed copies.
 * desktop_sources.c and desktop_copies.c hold them; desktop.c holds the commands. */
#ifndef SBX_DESKTOP_INTERNAL_H
#define SBX_DESKTOP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "desktop_entry.h"
#include "profile.h"
#include "util.h"

/* Where managed files go and where their sources are. */
struct places {
	bool system;
	char *apps;       /* managed desktop copies */
	char *services;   /* managed D-Bus service overrides */
	char *autostart;  /* managed autostart copies; NULL with --system (/etc/xdg/autostart is the source) */
	char **data;      /* $XDG_DATA_DIRS, without the one the copies go to */
	size_t n_data;
	char **config;    /* $XDG_CONFIG_DIRS, for autostart sources */
	size_t n_config;
	char *sbx;        /* this sbx, by absolute path */
	const struct profile_env *env;
	bool apps_changed;
};

/* A desktop file found in a source directory. */
struct source {
	char *id;    /* desktop file ID: the path below applications/, '/' turned into '-' */
	char *path;
	char *text;
	size_t len;
	int parsed;  /* 0, or -EINVAL with why */
	char why[300];
	struct desktop_info info;
};

/* desktop_sources.c: the places, and the desktop files found in their source directories. */
int places_init(struct places *pl, bool system, const char *prefix, const struct profile_env *env,
		struct sbx_error *err);
void places_free(struct places *pl);
/* A regular file of at most DESKTOP_MAX_FILE bytes, or -errno (-EINVAL: not a regular file). */
int load_text(const char *path, char **text, size_t *len);
void source_load(struct source *s, enum desktop_kind kind);
void source_free(struct source *s);
void sources_free(struct source *s, size_t n);
void collect_sources(const char *dir, const char *prefix, int depth, struct source **out, size_t *n);
void scan_sources(const struct places *pl, struct source **out, size_t *n);
char *find_service(const struct places *pl, const char *name);
bool same_dir(const char *a, const char *b);

/* desktop_copies.c: the files sbx writes, recognised by X-SBX-Managed and only ever replaced or
 * removed when they carry it. */
int managed_state(const char *path, enum desktop_kind kind, struct desktop_info *info, char **text,
		  size_t *len);
int not_ours(const char *path, struct sbx_error *err);
int write_copy(struct places *pl, const char *source, const char *text, size_t len,
	       enum desktop_kind kind, const char *target, struct sbx_error *err);
int remove_managed(struct places *pl, const char *path, enum desktop_kind kind, struct sbx_error *err);
char **list_dir(const char *dir, const char *suffix, size_t *n);
void names_free(char **names, size_t n);
const char *staleness(const struct desktop_info *info);
void refresh_mime_cache(const struct places *pl);

#endif
