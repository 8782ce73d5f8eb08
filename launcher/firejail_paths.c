/* firejail's path words: its macros (${HOME}, ${RUNUSER}, ...) as sbx variables, the class of place a
 * path names, and the places where sbx's `noexec` applies (firejail_internal.h). */
#include "firejail_internal.h"

#include <string.h>

#include "util.h"

/* sbx's `noexec PATH` needs a mount at or below PATH (noexec.h): these are the places every
 * sandbox has (the home, the runtime directory, /tmp, /var/tmp, /dev, /dev/shm) and the
 * directories above them. */
bool fj_noexec_visible(const char *path)
{
	static const char *const places[] = { "${HOME}", "${XDG_RUNTIME_DIR}", "/tmp", "/var", "/var/tmp",
					      "/dev", "/dev/shm", "/run", "/run/user" };
	for (size_t i = 0; i < ARRAY_SIZE(places); i++)
		if (strcmp(path, places[i]) == 0)
			return true;
	return false;
}

/* firejail's path macros -> sbx variables. NULL: not a path sbx can name (glob, relative, ..). */
char *fj_normalise(const char *p)
{
	static const struct {
		const char *fj, *sbx;
	} macros[] = {
		{ "${HOME}", "${HOME}" },       { "~", "${HOME}" },
		{ "${DOWNLOADS}", "${DOWNLOADS}" }, { "${DESKTOP}", "${DESKTOP}" },
		{ "${DOCUMENTS}", "${DOCUMENTS}" }, { "${MUSIC}", "${MUSIC}" },
		{ "${PICTURES}", "${PICTURES}" },   { "${VIDEOS}", "${VIDEOS}" },
		{ "${RUNUSER}", "${XDG_RUNTIME_DIR}" },
	};
	const char *rest = NULL, *var = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(macros); i++) {
		size_t n = strlen(macros[i].fj);
		if (strncmp(p, macros[i].fj, n) == 0 && (p[n] == '\0' || p[n] == '/')) {
			var = macros[i].sbx;
			rest = p + n;
			break;
		}
	}
	char *s = var ? xasprintf("%s%s", var, rest) : xstrdup(p);
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	const char *tail = var ? s + strlen(var) : s;
	if ((!var && s[0] != '/') || strpbrk(tail, "*?[$") || strstr(tail, "//") || strstr(tail, "/./") ||
	    strstr(tail, "/../") || (n >= 3 && strcmp(s + n - 3, "/..") == 0) ||
	    (n >= 2 && strcmp(s + n - 2, "/.") == 0)) {
		free(s);
		return NULL;
	}
	return s;
}

enum path_class fj_classify(const char *raw)
{
	static const struct {
		const char *prefix;
		enum path_class pc;
	} prefixes[] = {
		{ "${HOME}", PC_HOME },     { "~", PC_HOME },           { "${DOWNLOADS}", PC_HOME },
		{ "${DESKTOP}", PC_HOME },  { "${DOCUMENTS}", PC_HOME }, { "${MUSIC}", PC_HOME },
		{ "${PICTURES}", PC_HOME }, { "${VIDEOS}", PC_HOME },    { "/home", PC_HOME },
		{ "${RUNUSER}", PC_RUNUSER }, { "/run/user", PC_RUNUSER }, { "${PATH}", PC_USR },
		{ "/usr", PC_USR },         { "/bin", PC_USR },          { "/sbin", PC_USR },
		{ "/lib", PC_USR },         { "/lib32", PC_USR },        { "/lib64", PC_USR },
		{ "/libx32", PC_USR },      { "/etc", PC_ETC },          { "/tmp", PC_TMP },
		{ "/var", PC_VAR },         { "/run", PC_RUN },          { "/opt", PC_OPT },
		{ "/proc", PC_PROC },       { "/sys", PC_SYS },          { "/dev", PC_DEV },
		{ "/mnt", PC_MNT },         { "/media", PC_MNT },        { "/srv", PC_OPT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i].prefix);
		if (strncmp(raw, prefixes[i].prefix, n) == 0 &&
		    (raw[n] == '\0' || raw[n] == '/' || raw[n] == '*' || (prefixes[i].prefix[0] == '/' && raw[n] == '*')))
			return prefixes[i].pc;
	}
	return raw[0] == '/' ? PC_OTHER : PC_BAD;
}
