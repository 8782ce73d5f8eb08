#include "userns.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <linux/securebits.h>

#include "cli.h"

/* Root takes its home from the password database, never from the environment: su and sudo -E
 * keep a user's $HOME and $XDG_CONFIG_HOME, and root's sandbox must not read that user's profiles. */
static char *pick_home(uid_t outer_uid)
{
	const char *home = outer_uid == 0 ? NULL : getenv("HOME");
	if (home && path_is_clean_absolute(home))
		return xstrdup(home);
	struct passwd *pw = getpwuid(outer_uid);
	if (pw && path_is_clean_absolute(pw->pw_dir))
		return xstrdup(pw->pw_dir);
	return xstrdup("/");
}

int identity_init(struct identity *id, struct sbx_error *err)
{
	memset(id, 0, sizeof(*id));
	id->outer_uid = getuid();
	id->outer_gid = getgid();
	if (id->outer_uid != geteuid() || id->outer_gid != getegid())
		return sbx_fail(err, 0, "sbx is installed setuid or setgid; it must never be (remove the bit)");
	if (id->outer_uid == 0) {
		id->uid = SBX_ROOT_TARGET_ID;
		id->gid = SBX_ROOT_TARGET_ID;
	} else {
		id->uid = id->outer_uid;
		id->gid = id->outer_gid;
	}
	id->home = pick_home(id->outer_uid);
	id->runtime_dir = xasprintf("/run/user/%u", (unsigned)id->uid);
	const char *xdg = id->outer_uid == 0 ? NULL : getenv("XDG_CONFIG_HOME");
	if (xdg && path_is_clean_absolute(xdg))
		id->config_home = xstrdup(xdg);
	else
		id->config_home = xasprintf("%s/.config", strcmp(id->home, "/") ? id->home : "");
	char buf[PATH_MAX];
	if (getcwd(buf, sizeof(buf)))
		id->cwd = xstrdup(buf);
	return 0;
}

int identity_set_user(struct identity *id, const char *name, const char *origin, struct sbx_error *err)
{
	if (id->outer_uid != 0)
		return sbx_fail(err, 0, "user %s (%s): only root can run a command as another account; "
				"started by uid %u, it runs as you", name, origin, (unsigned)id->outer_uid);
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (!pw)
		return sbx_fail(err, errno, "user %s (%s): no such account", name, origin);
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return sbx_fail(err, 0, "user %s (%s): uid %u gid %u is root's; sbx never runs a command as root",
				name, origin, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	int n = SBX_MAX_GROUPS;
	if (getgrouplist(name, pw->pw_gid, id->groups, &n) < 0)
		return sbx_fail(err, 0, "user %s (%s): in more than %d groups", name, origin, SBX_MAX_GROUPS);
	for (int i = 0; i < n; i++)
		if (id->groups[i] == 0)
			return sbx_fail(err, 0, "user %s (%s): a member of group root; sbx never runs a command "
					"with root's group", name, origin);
	id->n_groups = (size_t)n;
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	free(id->user);
	id->user = xstrdup(name);
	free(id->runtime_dir);
	id->runtime_dir = xasprintf("/run/user/%u", (unsigned)id->uid);
	return 0;
}

void identity_free(struct identity *id)
{
	free(id->user);
	free(id->home);
	free(id->runtime_dir);
	free(id->config_home);
	free(id->cwd);
	memset(id, 0, sizeof(*id));
}

/* Writes a one-line "ID ID 1" map: the same id inside and outside, nothing else mapped. With
 * `groups` (root's parent side, for a user's run), the gid map also maps each of the account's
 * groups to itself and setgroups stays allowed, so that the child can take them. */
static int write_maps(const char *proc_dir, const struct identity *id, bool groups, struct sbx_error *err)
{
	char path[64], line[64];
	int r;
	snprintf(path, sizeof(path), "%s/setgroups", proc_dir);
	r = groups ? 0 : write_file(path, "deny");
	if (r < 0 && r != -ENOENT)
		return sbx_fail(err, -r, "cannot deny setgroups in the user namespace (%s)", path);
	snprintf(path, sizeof(path), "%s/uid_map", proc_dir);
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)id->uid, (unsigned)id->uid);
	r = write_file(path, line);
	if (r < 0) {
		sbx_fail(err, -r, "setting up uid map");
		sbx_hint(err, "on Ubuntu 23.10 and later, AppArmor restricts unprivileged user namespaces: "
			      "install sbx's AppArmor profile or check kernel.apparmor_restrict_unprivileged_userns");
		return r;
	}
	snprintf(path, sizeof(path), "%s/gid_map", proc_dir);
	char map[SBX_MAX_GROUPS * 24 + 24];
	size_t len = (size_t)snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)id->gid, (unsigned)id->gid);
	for (size_t i = 0; groups && i < id->n_groups; i++)
		if (id->groups[i] != id->gid)
			len += (size_t)snprintf(map + len, sizeof(map) - len, "%u %u 1\n", (unsigned)id->groups[i],
						(unsigned)id->groups[i]);
	r = write_file(path, map);
	if (r < 0)
		return sbx_fail(err, -r, "setting up gid map");
	return 0;
}

bool userns_maps_itself(const struct identity *id)
{
	return id->outer_uid != 0;
}

int userns_map_self(const struct identity *id, struct sbx_error *err)
{
	return write_maps("/proc/self", id, false, err);
}

int userns_write_maps(pid_t pid, const struct identity *id, struct sbx_error *err)
{
	char dir[32];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	return write_maps(dir, id, id->n_groups > 0, err);
}

int userns_become(const struct identity *id, struct sbx_error *err)
{
	if (id->outer_uid != 0)
		return 0;  /* the creator's own uid is already the mapped one */
	/* Root's uid 0 is not mapped: switch to the target ids, keeping this namespace's capabilities
	 * for the mount work that follows (they are dropped before exec). */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) < 0)
		return sbx_fail(err, errno, "cannot set securebits");
	if (id->n_groups > 0 && setgroups(id->n_groups, id->groups) < 0)
		return sbx_fail(err, errno, "cannot take the groups of %s", id->user);
	if (setresgid(id->gid, id->gid, id->gid) < 0)
		return sbx_fail(err, errno, "cannot switch to gid %u", (unsigned)id->gid);
	if (setresuid(id->uid, id->uid, id->uid) < 0)
		return sbx_fail(err, errno, "cannot switch to uid %u", (unsigned)id->uid);
	/* Changing uid made the process non-dumpable, which would make its /proc files root's. */
	if (prctl(PR_SET_DUMPABLE, 1) < 0)
		return sbx_fail(err, errno, "cannot mark the sandbox dumpable");
	return 0;
}

int userns_limit_nesting(int proc_fd, struct sbx_error *err)
{
	_cleanup_close_ int fd = openat(proc_fd, "sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		return sbx_fail(err, errno, "cannot limit nested user namespaces");
	return 0;
}

int userns_lock_nesting(const struct identity *id, struct sbx_error *err)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return sbx_fail(err, errno, "cannot enter the nested user namespace");
	/* Only the primary gid can be mapped from inside; the account's other groups stay in the
	 * credentials (they show as nogroup there) and setgroups is denied from here on. */
	return write_maps("/proc/self", id, false, err);
}
