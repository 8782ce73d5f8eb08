#include "cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "plan.h"
#include "rlimits.h"
#include "systemd_scope.h"

#define WHY_SIZE 160

/* What cgroup_setup needs to know while trying the three ways. */
struct setup_ctx {
	const struct cgroup_limits *limits;
	char *mnt;       /* where the cgroup2 hierarchy is mounted */
	char *mnt_root;  /* the cgroup path the mount shows at its top (not "/" in a cgroup namespace) */
	const char *need[3];
	size_t n_need;
	bool want_io;    /* io.weight: applied where the io controller is present */
	pid_t pid;
};

static bool is_limit(unsigned long long v) { return v && v != ULLONG_MAX; }

bool cgroup_limits_wanted(const struct cgroup_limits *l)
{
	return is_limit(l->memory_max) || is_limit(l->memory_high) ||
	       (l->memory_swap_max_set && l->memory_swap_max != ULLONG_MAX) || l->pids_max ||
	       l->cpu_quota_us || l->cpu_weight || l->io_weight;
}

static char *join(const char *dir, const char *name)
{
	while (*name == '/')
		name++;
	if (!*name)
		return xstrdup(dir);
	size_t n = strlen(dir);
	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

static int write_in(const char *dir, const char *file, const char *value)
{
	_cleanup_free_ char *path = join(dir, file);
	return write_file(path, value);
}

/* Reads dir/file with the trailing newline removed. */
static int read_in(const char *dir, const char *file, char **out)
{
	_cleanup_free_ char *path = join(dir, file);
	int r = read_file(path, out, NULL);
	if (r == 0) {
		size_t n = strlen(*out);
		while (n && ((*out)[n - 1] == '\n' || (*out)[n - 1] == ' '))
			(*out)[--n] = '\0';
	}
	return r;
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '\n';
		bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n';
		if (start && end)
			return true;
	}
	return false;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* Finds the first cgroup2 mount in /proc/self/mountinfo (/sys/fs/cgroup on a unified system,
 * /sys/fs/cgroup/unified on a hybrid one). */
static int find_cgroup2_mount(char **mnt, char **mnt_root)
{
	_cleanup_free_ char *text = NULL;
	int r = read_file("/proc/self/mountinfo", &text, NULL);
	if (r < 0)
		return r;
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *sep = strstr(line, " - ");
		if (sep && strncmp(sep + 3, "cgroup2 ", 8) == 0) {
			/* id parent major:minor root mountpoint ... */
			char *fields[5] = { 0 };
			char *save = NULL, *tok = strtok_r(line, " ", &save);
			for (int i = 0; i < 5 && tok; i++, tok = strtok_r(NULL, " ", &save))
				fields[i] = tok;
			if (fields[3] && fields[4]) {
				unescape_octal(fields[3]);
				unescape_octal(fields[4]);
				*mnt_root = xstrdup(fields[3]);
				*mnt = xstrdup(fields[4]);
				return 0;
			}
		}
		line = next;
	}
	return -ENOENT;
}

/* The directory of cgroup `cgpath` (as /proc/self/cgroup names it) under the mount, or NULL when
 * the mount does not show it. */
static char *cgroup_dir(const struct setup_ctx *c, const char *cgpath)
{
	size_t lr = strlen(c->mnt_root);
	if (strcmp(c->mnt_root, "/") == 0)
		return join(c->mnt, cgpath);
	if (strncmp(cgpath, c->mnt_root, lr) == 0 && (cgpath[lr] == '/' || cgpath[lr] == '\0'))
		return join(c->mnt, cgpath + lr);
	return NULL;
}

/* Checks that every needed controller is listed in dir/cgroup.controllers. */
static int check_controllers(const struct setup_ctx *c, const char *dir, char *why)
{
	_cleanup_free_ char *avail = NULL;
	int r = read_in(dir, "cgroup.controllers", &avail);
	if (r < 0) {
		snprintf(why, WHY_SIZE, "cannot read %s/cgroup.controllers: %s", dir, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < c->n_need; i++) {
		if (!word_in(avail, c->need[i])) {
			snprintf(why, WHY_SIZE, "no %s controller in %s (cgroup.controllers: %s)", c->need[i],
				 dir, *avail ? avail : "empty");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* Enables the needed controllers (and io when wanted and present) in dir/cgroup.subtree_control.
 * *enabled gets what was newly enabled, e.g. "+memory +pids" (heap, NULL when nothing). */
static int enable_controllers(const struct setup_ctx *c, const char *dir, char **enabled, char *why)
{
	_cleanup_free_ char *on = NULL, *avail = NULL;
	int r = read_in(dir, "cgroup.subtree_control", &on);
	if (r < 0) {
		snprintf(why, WHY_SIZE, "cannot read %s/cgroup.subtree_control: %s", dir, strerror(-r));
		return r;
	}
	char buf[64] = "";
	for (size_t i = 0; i < c->n_need; i++)
		if (!word_in(on, c->need[i]))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s+%s", *buf ? " " : "",
				 c->need[i]);
	if (c->want_io && !word_in(on, "io") && read_in(dir, "cgroup.controllers", &avail) == 0 &&
	    word_in(avail, "io"))
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s+io", *buf ? " " : "");
	*enabled = NULL;
	if (!*buf)
		return 0;
	r = write_in(dir, "cgroup.subtree_control", buf);
	if (r < 0) {
		snprintf(why, WHY_SIZE, "cannot enable %s in %s/cgroup.subtree_control: %s", buf, dir,
			 strerror(-r));
		return r;
	}
	*enabled = xstrdup(buf);
	return 0;
}

static void disable_controllers(const char *dir, const char *enabled)
{
	if (!dir || !enabled)
		return;
	_cleanup_free_ char *off = xstrdup(enabled);
	for (char *s = off; *s; s++)
		if (*s == '+')
			*s = '-';
	write_in(dir, "cgroup.subtree_control", off);
}

static int write_limit(const char *leaf, const char *file, const char *value, char *why)
{
	int r = write_in(leaf, file, value);
	if (r < 0)
		snprintf(why, WHY_SIZE, "cannot write %s=%s in %s: %s", file, value, leaf, strerror(-r));
	return r;
}

static int write_limits(const struct cgroup_limits *l, const char *leaf, char *why)
{
	char v[64];
	int r = 0;
	if (is_limit(l->memory_high)) {
		snprintf(v, sizeof(v), "%llu", l->memory_high);
		if ((r = write_limit(leaf, "memory.high", v, why)) < 0)
			return r;
	}
	if (is_limit(l->memory_max)) {
		snprintf(v, sizeof(v), "%llu", l->memory_max);
		if ((r = write_limit(leaf, "memory.max", v, why)) < 0)
			return r;
	}
	if (l->memory_swap_max_set && l->memory_swap_max != ULLONG_MAX) {
		snprintf(v, sizeof(v), "%llu", l->memory_swap_max);
		if ((r = write_limit(leaf, "memory.swap.max", v, why)) < 0)
			return r;
	}
	if (l->pids_max) {
		snprintf(v, sizeof(v), "%llu", l->pids_max);
		if ((r = write_limit(leaf, "pids.max", v, why)) < 0)
			return r;
	}
	if (l->cpu_quota_us) {
		snprintf(v, sizeof(v), "%llu %llu", l->cpu_quota_us, l->cpu_period_us ? l->cpu_period_us : 100000);
		if ((r = write_limit(leaf, "cpu.max", v, why)) < 0)
			return r;
	}
	if (l->cpu_weight) {
		snprintf(v, sizeof(v), "%llu", l->cpu_weight);
		if ((r = write_limit(leaf, "cpu.weight", v, why)) < 0)
			return r;
	}
	if (l->io_weight) {
		/* "where present": io.weight exists only when the io controller is enabled here. */
		_cleanup_free_ char *io = join(leaf, "io.weight");
		snprintf(v, sizeof(v), "default %llu", l->io_weight);
		if (access(io, F_OK) == 0 && (r = write_limit(leaf, "io.weight", v, why)) < 0)
			return r;
	}
	return 0;
}

/* Creates the sandbox's leaf "sbx-PID" in base (whose subtree_control already has the
 * controllers), writes the limits and opens it for CLONE_INTO_CGROUP. */
static int create_leaf(const struct setup_ctx *c, struct sandbox_cgroup *cg, const char *base, char *why)
{
	char name[32];
	snprintf(name, sizeof(name), "sbx-%d", (int)c->pid);
	_cleanup_free_ char *leaf = join(base, name);
	if (mkdir(leaf, 0755) < 0) {
		/* A leftover from a crashed run with the same pid: reuse only if it is empty. */
		if (errno != EEXIST || rmdir(leaf) < 0 || mkdir(leaf, 0755) < 0) {
			int e = errno;
			snprintf(why, WHY_SIZE, "cannot create %s: %s", leaf, strerror(e));
			return -e;
		}
	}
	int r = write_limits(c->limits, leaf, why);
	if (r < 0) {
		rmdir(leaf);
		return r;
	}
	int fd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(why, WHY_SIZE, "cannot open %s: %s", leaf, strerror(e));
		rmdir(leaf);
		return -e;
	}
	cg->dirfd = fd;
	cg->path = TAKE_PTR(leaf);
	return 0;
}

/* The pid in a leaf name sbx gives: "sbx-PID" or "sbx-PID-launcher"; 0 for any other name. */
static pid_t leaf_owner(const char *name)
{
	if (strncmp(name, "sbx-", 4) != 0)
		return 0;
	char *end = NULL;
	errno = 0;
	long pid = strtol(name + 4, &end, 10);
	if (errno || end == name + 4 || pid <= 0 || pid > INT_MAX || name[4] < '1' || name[4] > '9')
		return 0;
	if (*end && strcmp(end, "-launcher") != 0)
		return 0;
	return (pid_t)pid;
}

/* Removes the leaves that killed sbx runs left in dir: SIGKILL cannot be caught, so their
 * cgroup_teardown never ran, and each root run would otherwise leave an "sbx-PID" behind.
 * Only leaves whose sbx process is gone are tried, so a live sbx's leaf (made but not yet
 * entered) is never taken from it; rmdir itself refuses a cgroup that still holds processes
 * or children. Best effort: a leaf that cannot be removed is left for the next run. */
static void remove_stale_leaves(const char *dir, pid_t self)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		pid_t owner = leaf_owner(e->d_name);
		if (owner <= 0 || owner == self)
			continue;
		if (kill(owner, 0) == 0 || errno != ESRCH)
			continue;  /* that sbx still runs (or a process reused its pid): leave it */
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

static int move_pid(const char *dir, pid_t pid)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_in(dir, "cgroup.procs", buf);
}

/* Ways 1 and 2: a cgroup directory sbx may manage (delegated to the user, or a systemd scope
 * with Delegate=yes). Because of the "no internal processes" rule, controllers can only be
 * enabled below it once it holds no processes: sbx moves itself into a sibling leaf
 * "sbx-PID-launcher" and creates the sandbox's leaf "sbx-PID" next to it. */
static int adopt_subtree(const struct setup_ctx *c, struct sandbox_cgroup *cg, const char *dir, char *why)
{
	_cleanup_free_ char *procs_path = join(dir, "cgroup.procs");
	_cleanup_free_ char *subtree_path = join(dir, "cgroup.subtree_control");
	if (access(dir, W_OK) < 0 || access(procs_path, W_OK) < 0 || access(subtree_path, W_OK) < 0) {
		snprintf(why, WHY_SIZE, "%s is not writable by uid %d (not delegated)", dir, (int)geteuid());
		return -EACCES;
	}
	int r = check_controllers(c, dir, why);
	if (r < 0)
		return r;
	_cleanup_free_ char *procs = NULL;
	r = read_in(dir, "cgroup.procs", &procs);
	if (r < 0) {
		snprintf(why, WHY_SIZE, "cannot read %s: %s", procs_path, strerror(-r));
		return r;
	}
	for (char *save = NULL, *tok = strtok_r(procs, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		if (atoi(tok) != c->pid) {
			snprintf(why, WHY_SIZE, "%s also holds other processes (pid %s); sbx moves only itself",
				 dir, tok);
			return -EBUSY;
		}
	}
	remove_stale_leaves(dir, c->pid);
	char name[40];
	snprintf(name, sizeof(name), "sbx-%d-launcher", (int)c->pid);
	_cleanup_free_ char *launcher = join(dir, name);
	if (mkdir(launcher, 0755) < 0 && errno != EEXIST) {
		int e = errno;
		snprintf(why, WHY_SIZE, "cannot create %s: %s", launcher, strerror(e));
		return -e;
	}
	r = move_pid(launcher, c->pid);
	if (r < 0) {
		snprintf(why, WHY_SIZE, "cannot move sbx into %s: %s", launcher, strerror(-r));
		rmdir(launcher);
		return r;
	}
	_cleanup_free_ char *enabled = NULL;
	r = enable_controllers(c, dir, &enabled, why);
	if (r == 0)
		r = create_leaf(c, cg, dir, why);
	if (r < 0) {
		disable_controllers(dir, enabled);
		move_pid(dir, c->pid);
		rmdir(launcher);
		return r;
	}
	cg->home = xstrdup(dir);
	cg->base = xstrdup(dir);
	cg->launcher_leaf = TAKE_PTR(launcher);
	cg->enabled = TAKE_PTR(enabled);
	return 0;
}

static int try_delegated(const struct setup_ctx *c, struct sandbox_cgroup *cg, char *why)
{
	_cleanup_free_ char *cgpath = NULL;
	if (own_cgroup_path(&cgpath) < 0) {
		snprintf(why, WHY_SIZE, "no cgroup v2 entry in /proc/self/cgroup");
		return -ENOENT;
	}
	_cleanup_free_ char *dir = cgroup_dir(c, cgpath);
	if (!dir) {
		snprintf(why, WHY_SIZE, "the current cgroup %s is not visible under %s", cgpath, c->mnt);
		return -ENOENT;
	}
	if (strcmp(cgpath, c->mnt_root) == 0 || strcmp(cgpath, "/") == 0) {
		snprintf(why, WHY_SIZE, "sbx runs in the root cgroup %s (nothing is delegated)", dir);
		return -EPERM;
	}
	return adopt_subtree(c, cg, dir, why);
}

static int try_systemd(const struct setup_ctx *c, struct sandbox_cgroup *cg, const struct policy *p,
		       char *why)
{
	char unit[48];
	snprintf(unit, sizeof(unit), "sbx-%d.scope", (int)c->pid);
	_cleanup_free_ char *desc = xasprintf("sbx sandbox: %s", p->argv && p->argv[0] ? p->argv[0] : "?");
	_cleanup_free_ char *cgpath = NULL;
	int r = systemd_scope_start(unit, desc, &cgpath, why, WHY_SIZE);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = cgroup_dir(c, cgpath);
	if (!dir) {
		snprintf(why, WHY_SIZE, "scope %s is not visible under %s", cgpath, c->mnt);
		return -ENOENT;
	}
	/* sbx stays in the scope whatever happens next; systemd removes it when sbx exits. */
	return adopt_subtree(c, cg, dir, why);
}

/* Way 3: as root, a leaf under "sbx" at the top of the hierarchy. Controllers enabled at the
 * top stay enabled (others may rely on them); the "sbx" parent is removed when left empty. */
static int try_root(const struct setup_ctx *c, struct sandbox_cgroup *cg, char *why)
{
	if (geteuid() != 0) {
		snprintf(why, WHY_SIZE, "sbx is not running as root (euid %d)", (int)geteuid());
		return -EPERM;
	}
	int r = check_controllers(c, c->mnt, why);
	if (r < 0)
		return r;
	_cleanup_free_ char *top_enabled = NULL, *enabled = NULL;
	r = enable_controllers(c, c->mnt, &top_enabled, why);
	if (r < 0)
		return r;
	_cleanup_free_ char *base = join(c->mnt, "sbx");
	/* Another sbx may remove an empty "sbx" between our mkdir calls: retry a few times. */
	for (int attempt = 0; attempt < 5; attempt++) {
		if (mkdir(base, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			snprintf(why, WHY_SIZE, "cannot create %s: %s", base, strerror(e));
			return -e;
		}
		if (attempt == 0)
			remove_stale_leaves(base, c->pid);
		free(enabled);
		enabled = NULL;
		r = enable_controllers(c, base, &enabled, why);
		if (r == 0)
			r = create_leaf(c, cg, base, why);
		if (r != -ENOENT)
			break;
	}
	if (r < 0) {
		rmdir(base);
		return r;
	}
	cg->base = TAKE_PTR(base);
	cg->remove_base = true;
	return 0;
}

/* "memory.max 64M, pids.max 32" for messages. */
static void limits_summary(const struct cgroup_limits *l, char *buf, size_t size)
{
	char v[32];
	buf[0] = '\0';
#define ADD(...) snprintf(buf + strlen(buf), size - strlen(buf), __VA_ARGS__)
	if (is_limit(l->memory_max)) {
		size_format(l->memory_max, v, sizeof(v));
		ADD("%smemory.max %s", *buf ? ", " : "", v);
	}
	if (is_limit(l->memory_high)) {
		size_format(l->memory_high, v, sizeof(v));
		ADD("%smemory.high %s", *buf ? ", " : "", v);
	}
	if (l->memory_swap_max_set && l->memory_swap_max != ULLONG_MAX) {
		size_format(l->memory_swap_max, v, sizeof(v));
		ADD("%smemory.swap.max %s", *buf ? ", " : "", v);
	}
	if (l->pids_max)
		ADD("%spids.max %llu", *buf ? ", " : "", l->pids_max);
	if (l->cpu_quota_us)
		ADD("%scpu.max %llu %llu", *buf ? ", " : "", l->cpu_quota_us,
		    l->cpu_period_us ? l->cpu_period_us : 100000);
	if (l->cpu_weight)
		ADD("%scpu.weight %llu", *buf ? ", " : "", l->cpu_weight);
	if (l->io_weight)
		ADD("%sio.weight %llu", *buf ? ", " : "", l->io_weight);
#undef ADD
}

static void setup_ctx_free(struct setup_ctx *c)
{
	free(c->mnt);
	free(c->mnt_root);
}

static int cgroup_setup(const struct policy *p, bool for_bpf, bool quiet, struct sandbox_cgroup *cg,
			struct sbx_error *err)
{
	*cg = (struct sandbox_cgroup){ .dirfd = -1 };
	const struct cgroup_limits *l = &p->cgroup;
	if (!cgroup_limits_wanted(l) && !for_bpf)
		return 0;

	struct setup_ctx c = { .limits = l, .pid = getpid(), .want_io = l->io_weight != 0 };
	if (is_limit(l->memory_max) || is_limit(l->memory_high) ||
	    (l->memory_swap_max_set && l->memory_swap_max != ULLONG_MAX))
		c.need[c.n_need++] = "memory";
	if (l->pids_max)
		c.need[c.n_need++] = "pids";
	if (l->cpu_quota_us || l->cpu_weight)
		c.need[c.n_need++] = "cpu";

	char why[3][WHY_SIZE] = { "", "", "" };
	static const char *const how[3] = { "delegated", "systemd", "root" };
	int r = find_cgroup2_mount(&c.mnt, &c.mnt_root);
	if (r < 0) {
		for (int i = 0; i < 3; i++)
			snprintf(why[i], WHY_SIZE, "no cgroup2 hierarchy in /proc/self/mountinfo");
	} else {
		/* The documented order: what the user already owns, then systemd, then root. */
		for (int i = 0; i < 3; i++) {
			r = i == 0 ? try_delegated(&c, cg, why[i])
			  : i == 1 ? try_systemd(&c, cg, p, why[i])
				   : try_root(&c, cg, why[i]);
			if (r == 0) {
				cg->how = how[i];
				setup_ctx_free(&c);
				return 0;
			}
			why[i][WHY_SIZE - 1] = '\0';
		}
	}
	setup_ctx_free(&c);

	if (!cgroup_limits_wanted(l)) {
		/* Only eBPF asked for the cgroup; bpf_policy_attach says what its absence costs. */
		cg->note = xasprintf("no cgroup for the eBPF programs: 1. delegated subtree: %s; "
				     "2. systemd scope: %s; 3. as root: %s", why[0], why[1], why[2]);
		return 0;
	}
	char summary[160];
	limits_summary(l, summary, sizeof(summary));
	if (l->requirement == REQ_OPTIONAL) {
		cg->note = xasprintf("cgroup limits (%s) not applied: 1. delegated subtree: %s; "
				     "2. systemd scope: %s; 3. as root: %s",
				     summary, why[0], why[1], why[2]);
		if (!quiet)
			sbx_warn("%s", cg->note);
		return 0;
	}
	cg->note = xasprintf("1. delegated subtree: %s; 2. systemd scope: %s; 3. as root: %s", why[0], why[1],
			     why[2]);
	sbx_refuse(err, "cannot apply the cgroup limits (%s): 1. delegated subtree: %.120s; 2. systemd scope: "
			"%.120s; 3. as root: %.120s",
		   summary, why[0], why[1], why[2]);
	sbx_hint(err, "sbx --explain says why each failed; run without the limits with --limits-optional "
		      "(profile: limits-optional); see README, \"Resource limits\"");
	return -EOPNOTSUPP;
}

int cgroup_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	/* A cgroup for the eBPF programs too: bpf_policy_attach needs one for its network rules. */
	int r = cgroup_setup(p, pl->host.cgroup_bpf, p->quiet || pl->explain, &pl->cgroup, err);
	return plan_refusal(pl, r, err);
}

/* Reads "KEY N" from dir/file; 0 when absent. */
static unsigned long long read_event(const char *dir, const char *file, const char *key)
{
	_cleanup_free_ char *text = NULL;
	if (read_in(dir, file, &text) < 0)
		return 0;
	size_t n = strlen(key);
	for (char *line = text; line && *line;) {
		if (strncmp(line, key, n) == 0 && line[n] == ' ')
			return strtoull(line + n + 1, NULL, 10);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

void cgroup_collect(const struct sandbox_cgroup *cg, struct sandbox_outcome *outcome)
{
	if (cg->dirfd < 0 || !cg->path)
		return;
	outcome->oom_kills = read_event(cg->path, "memory.events", "oom_kill");
	outcome->oom_killed = outcome->oom_kills > 0;
	outcome->pids_max_events = read_event(cg->path, "pids.events", "max");
	outcome->pids_max_hit = outcome->pids_max_events > 0;
}

/* Kills everything in the leaf: cgroup.kill (5.14+), else SIGKILL to each listed process. */
static void kill_all(const char *leaf)
{
	if (write_in(leaf, "cgroup.kill", "1") == 0)
		return;
	_cleanup_free_ char *procs = NULL;
	if (read_in(leaf, "cgroup.procs", &procs) < 0)
		return;
	for (char *save = NULL, *tok = strtok_r(procs, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
		if (atoi(tok) > 0)
			kill(atoi(tok), SIGKILL);
}

void cgroup_teardown(struct sandbox_cgroup *cg)
{
	if (cg->dirfd >= 0 && cg->path) {
		kill_all(cg->path);
		/* Killed tasks leave asynchronously; rmdir says EBUSY until the leaf is empty. */
		bool removed = false;
		for (int i = 0; i < 500 && !removed; i++) {
			if (rmdir(cg->path) == 0 || errno == ENOENT)
				removed = true;
			else if (errno == EBUSY) {
				if (i % 50 == 49)
					kill_all(cg->path);
				nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
			} else
				break;
		}
		if (!removed)
			sbx_warn("cannot remove cgroup %s: %s", cg->path, strerror(errno));
	}
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	disable_controllers(cg->base, cg->enabled);
	if (cg->launcher_leaf) {
		/* Back where sbx started, so the launcher leaf can go. */
		if (cg->home)
			move_pid(cg->home, getpid());
		if (rmdir(cg->launcher_leaf) < 0 && errno != ENOENT)
			sbx_warn("cannot remove cgroup %s: %s", cg->launcher_leaf, strerror(errno));
	}
	if (cg->remove_base && cg->base)
		rmdir(cg->base);  /* fails with EBUSY while other sandboxes use it: fine */
	free(cg->path);
	free(cg->home);
	free(cg->launcher_leaf);
	free(cg->base);
	free(cg->enabled);
	free(cg->note);
	*cg = (struct sandbox_cgroup){ .dirfd = -1 };
}

void cgroup_explain(const struct sandbox_plan *pl, FILE *out)
{
	const struct cgroup_limits *l = &pl->policy->cgroup;
	if (!cgroup_limits_wanted(l)) {
		fputs("cgroup limits: none\n", out);
		return;
	}
	char summary[160];
	limits_summary(l, summary, sizeof(summary));
	fprintf(out, "cgroup limits: %s  [%s]\n", summary, l->origin ? l->origin : "default");
	fprintf(out, "  %s: %s\n", requirement_to_string(l->requirement),
		l->requirement == REQ_OPTIONAL ? "skipped with a warning when no cgroup can be had"
					       : "sbx refuses to run when no cgroup can be had");
	fputs("  cgroup from, first that works: 1. a delegated subtree the user owns, 2. a systemd "
	      "scope with Delegate=yes, 3. creation as root\n",
	      out);
	/* The plan made it (and plan_free gives it back), so that a refused run can be understood here. */
	const struct sandbox_cgroup *cg = &pl->cgroup;
	if (cg->dirfd >= 0)
		fprintf(out, "  now: available (%s)\n", cg->how);
	else
		fprintf(out, "  now: not available: %s\n", cg->note ? cg->note : "no way was tried");
}

void cgroup_explain_json(const struct policy *p, FILE *out)
{
	const struct cgroup_limits *l = &p->cgroup;
	if (!cgroup_limits_wanted(l)) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"requirement\":\"%s\",\"origin\":", requirement_to_string(l->requirement));
	json_string(out, l->origin);
	if (is_limit(l->memory_max))
		fprintf(out, ",\"memory.max\":%llu", l->memory_max);
	if (is_limit(l->memory_high))
		fprintf(out, ",\"memory.high\":%llu", l->memory_high);
	if (l->memory_swap_max_set && l->memory_swap_max != ULLONG_MAX)
		fprintf(out, ",\"memory.swap.max\":%llu", l->memory_swap_max);
	if (l->pids_max)
		fprintf(out, ",\"pids.max\":%llu", l->pids_max);
	if (l->cpu_quota_us)
		fprintf(out, ",\"cpu.max\":\"%llu %llu\"", l->cpu_quota_us,
			l->cpu_period_us ? l->cpu_period_us : 100000);
	if (l->cpu_weight)
		fprintf(out, ",\"cpu.weight\":%llu", l->cpu_weight);
	if (l->io_weight)
		fprintf(out, ",\"io.weight\":%llu", l->io_weight);
	fputs(",\"ways\":[\"delegated\",\"systemd\",\"root\"]}", out);
}
