/* Desktop entry files (.desktop) and D-Bus service files, as the Desktop Entry Specification and
 * D-Bus define them: parsing, the Exec value's quoting, and the rewrite that makes a managed copy
 * run the app through sbx. Pure: touches no file. Used by `sbx desktop` (desktop.c) and by the
 * launcher hand-over (launched.c). */
#ifndef SBX_DESKTOP_ENTRY_H
#define SBX_DESKTOP_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#define DESKTOP_MAX_FILE (1024 * 1024)  /* bytes per desktop or service file */
#define DESKTOP_MAX_ARGS 256            /* arguments of one Exec */
#define DESKTOP_MARKER "X-SBX-Managed"

/* One Exec value split into arguments per the Desktop Entry Specification: key-file escapes
 * (\s \n \t \r \\) undone, then double-quoted arguments unquoted. Field codes stay as written. */
struct desktop_exec {
	char **argv;
	size_t argc;
};

/* 0, or -EINVAL with why (one line) filled. */
int desktop_exec_parse(const char *value, struct desktop_exec *out, char *why, size_t why_len);
void desktop_exec_free(struct desktop_exec *e);

enum desktop_kind {
	DESKTOP_APP,      /* a .desktop file: [Desktop Entry] first, Type=Application */
	DESKTOP_SERVICE,  /* a D-Bus .service file: [D-BUS Service] with Exec */
};

/* What sbx needs to know of a file. */
struct desktop_info {
	char *program;         /* the command the main Exec runs (after sbx's own "--" in a copy) */
	bool runs_sbx;         /* the main Exec starts sbx */
	bool dbus_activatable; /* DBusActivatable=true */
	bool hidden;           /* Hidden=true or NoDisplay=true: not an app a menu shows */
	char *service_name;    /* DESKTOP_SERVICE: Name= */
	char *managed_source;  /* X-SBX-Managed: the source path, or NULL when not a managed copy */
	char *managed_sum;     /* X-SBX-Managed: the source's checksum */
};

/* Checks text (len bytes) as a file of `kind` and fills info. 0, or -EINVAL with why naming the
 * line. A file that fails here is never rewritten. */
int desktop_parse(const char *text, size_t len, enum desktop_kind kind, struct desktop_info *info,
		  char *why, size_t why_len);
void desktop_info_free(struct desktop_info *info);

/* The managed copy of text: every Exec (main entry, each [Desktop Action], or the service's) runs
 * `sbx -- ORIGINAL`, with sbx by its absolute path; in a desktop file (not a service) with `copy`
 * (the path the copy is written to) `sbx --launched-from COPY -- ORIGINAL`, so that sbx grants the
 * files a launcher hands over (launched.h). DBusActivatable=true becomes false; the marker names
 * source and sum. NULL (why filled) when text does not parse. Heap string. */
char *desktop_rewrite(const char *text, size_t len, enum desktop_kind kind, const char *sbx,
		      const char *source, const char *sum, const char *copy, char *why, size_t why_len);

/* A stable checksum of the bytes (FNV-1a 64, 16 hex digits): stale-copy detection, not security. */
void desktop_checksum(const char *text, size_t len, char out[17]);

#endif
