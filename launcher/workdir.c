#include "workdir.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "hostpath.h"

/* Entries looked at for sockets: a project directory has far fewer; a huge one is not a socket
 * directory anyway, and the start of a sandbox must stay cheap. */
#define WORKDIR_SCAN_MAX 4096

static bool holds_socket(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	bool found = false;
	struct dirent *e;
	for (unsigned n = 0; !found && n < WORKDIR_SCAN_MAX && (e = readdir(d)); n++) {
		struct stat st;
		found = e->d_type == DT_SOCK ||
			(e->d_type == DT_UNKNOWN && fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			 S_ISSOCK(st.st_mode));
	}
	closedir(d);
	return found;
}

char *workdir_refusal(const char *cwd, const char *home, const char *runtime_dir,
		      const char *const *secret_dirs)
{
	return path_refusal("the working directory", cwd, home, runtime_dir, secret_dirs);
}

char *path_refusal(const char *what, const char *cwd, const char *home, const char *runtime_dir,
		   const char *const *secret_dirs)
{
	_cleanup_free_ char *real = canonical_path(cwd);
	_cleanup_free_ char *real_home = canonical_path(home);
	if (strcmp(real, real_home) == 0)
		return xasprintf("%s %s is your home directory", what, cwd);
	if (path_within(real_home, real))
		return xasprintf("%s %s contains your home directory", what, cwd);
	_cleanup_free_ char *real_runtime = canonical_path(runtime_dir);
	static const char *const system_trees[] = { "/run", "/proc", "/sys", "/dev" };
	for (size_t i = 0; i < ARRAY_SIZE(system_trees); i++)
		if (path_within(real, system_trees[i]))
			return xasprintf("%s %s lies in %s, where the system keeps its sockets "
					 "and devices", what, cwd, system_trees[i]);
	if (path_within(real, real_runtime))
		return xasprintf("%s %s lies in your runtime directory %s", what, cwd, runtime_dir);
	for (const char *const *s = secret_dirs; s && *s; s++) {
		_cleanup_free_ char *secret = canonical_path(*s);
		if (path_within(real, secret) || path_within(secret, real))
			return xasprintf("%s %s %s %s, which sandboxes never get", what, cwd,
					 strcmp(real, secret) == 0 ? "is" : path_within(real, secret) ? "lies in" : "holds",
					 *s);
	}
	/* A directory that is gone exposes nothing; the grant itself then fails, naming it. */
	struct stat st;
	if (stat(real, &st) < 0)
		return NULL;
	if (st.st_mode & (S_IWOTH | S_ISVTX))
		return xasprintf("%s %s is shared with every user (mode %04o), with their "
				 "files and sockets", what, cwd, (unsigned)(st.st_mode & 07777));
	if (holds_socket(real))
		return xasprintf("%s %s holds a Unix socket, which a grant would let the "
				 "sandbox connect to", what, cwd);
	return NULL;
}

bool path_is_sensitive(const char *home, const char *config_home, const char *path)
{
	/* Run or trusted later by the host (start-up files, autostart, user units, desktop entries),
	 * secrets, and sbx's own profiles. */
	static const char *const in_home[] = {
		".profile", ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".zshrc", ".zshenv",
		".zprofile", ".zlogin", ".zlogout", ".cshrc", ".tcshrc", ".login", ".kshrc", ".mkshrc",
		".xprofile", ".xinitrc", ".xsession", ".xsessionrc", ".pam_environment", ".ssh", ".gnupg",
		".config/autostart", ".config/sbx", ".config/systemd", ".config/environment.d",
		".config/fish", ".local/share/applications",
	};
	static const char *const in_config[] = { "autostart", "sbx", "systemd", "environment.d" };
	static const char *const absolute[] = { "/etc/sbx", "/usr/share/sbx", "/usr/local/share/sbx" };
	char s[4096];
	/* The path is one of them, below one, or above one (a grant of ~ holds ~/.ssh). */
#define SENSITIVE(x) (path_within(path, (x)) || path_within((x), path))
	for (size_t i = 0; i < ARRAY_SIZE(absolute); i++)
		if (SENSITIVE(absolute[i]))
			return true;
	for (size_t i = 0; home && home[0] == '/' && i < ARRAY_SIZE(in_home); i++) {
		snprintf(s, sizeof(s), "%s/%s", strcmp(home, "/") ? home : "", in_home[i]);
		if (SENSITIVE(s))
			return true;
	}
	for (size_t i = 0; config_home && config_home[0] == '/' && i < ARRAY_SIZE(in_config); i++) {
		snprintf(s, sizeof(s), "%s/%s", config_home, in_config[i]);
		if (SENSITIVE(s))
			return true;
	}
#undef SENSITIVE
	return false;
}

