/* The XDG user directories from $XDG_CONFIG_HOME/user-dirs.dirs, for the profile variables
 * ${DOWNLOADS}, ${DOCUMENTS}... Pure string handling except userdirs_load, which reads the file. */
#ifndef SBX_USERDIRS_H
#define SBX_USERDIRS_H

#include <stddef.h>

#include "util.h"

enum userdir {
	USERDIR_DESKTOP,
	USERDIR_DOCUMENTS,
	USERDIR_DOWNLOADS,
	USERDIR_MUSIC,
	USERDIR_PICTURES,
	USERDIR_PUBLICSHARE,
	USERDIR_TEMPLATES,
	USERDIR_VIDEOS,
	USERDIR_COUNT,
};

struct userdirs {
	/* Absolute host path, or NULL when the entry is disabled or unusable; then why says so. */
	char *path[USERDIR_COUNT];
	const char *why[USERDIR_COUNT];
};

/* The profile variable name ("DOWNLOADS") and the user-dirs.dirs key ("XDG_DOWNLOAD_DIR"). */
const char *userdir_variable(enum userdir d);
const char *userdir_key(enum userdir d);

/* Parses the text of user-dirs.dirs (len bytes; NULs and garbage are tolerated) on top of the
 * defaults ($HOME/Desktop, $HOME/Documents, ...). Follows xdg-user-dirs' own reader: lines
 * `XDG_NAME_DIR="$HOME/sub"` or `XDG_NAME_DIR="/abs"`, backslash escapes inside the quotes;
 * other lines are skipped. An entry that is the home directory itself (xdg's "disabled"), an
 * ancestor of it, `/`, or not a clean absolute path leaves path NULL with a reason, so a profile
 * can never grant the whole home through ${DOWNLOADS}. out must be zeroed or freed first. */
void userdirs_parse(const char *text, size_t len, const char *home, struct userdirs *out);

/* Reads config_home/user-dirs.dirs (a missing file gives the defaults). 0 or -errno. */
int userdirs_load(const char *config_home, const char *home, struct userdirs *out, struct sbx_error *err);

void userdirs_free(struct userdirs *u);

#endif
