/* Landlock: one ruleset (filesystem + TCP ports + scoping) built from the sandbox's view.
 *
 * Why one ruleset: Landlock denies cross-directory rename/link (REFER) in every layer that does not
 * grant it, so a second layer (say, one for the network) would silently turn renames into EXDEV.
 *
 * Why it exists at all when the mount namespace already hides the host: it is the second wall. A
 * path the mount plan exposes by mistake, a directory fd passed in with --pass-fd, or a magic link
 * in /proc that points outside the new root all resolve to inodes no rule covers, so they stay
 * unreachable. It also takes exec away from writable areas, which mount flags alone do not do
 * for read-write binds.
 *
 * Consequences worth knowing (Landlock semantics, not choices made here):
 * - Rights add up along a path: a grant nested inside another gets the union of both (a
 *   --ro-bind inside the writable home is writable as far as Landlock goes; its read-only mount
 *   still refuses the write).
 * - Moving a file into a place where it would gain rights (from /tmp, no exec, into a
 *   read-write bind, exec) fails with EXDEV; mv and most tools fall back to copy and delete.
 * - Files already open before restriction (inherited stdio, --pass-fd) keep working; a reopen
 *   through /proc/self/fd/N is a new open and is checked. */
#include "landlock.h"
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* Same numbers on every architecture that uses the generic syscall table (and x86_64). */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

/* Own struct names so that a system <linux/landlock.h> can never clash with them. */
struct sbx_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;  /* ABI 4 */
	uint64_t scoped;              /* ABI 6 */
};

struct sbx_landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct sbx_landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;  /* host endianness */
};

static long ll_create_ruleset(const struct sbx_landlock_ruleset_attr *attr, size_t size,
			      uint32_t flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static long ll_add_rule(int ruleset_fd, int type, const void *attr)
{
	return syscall(__NR_landlock_add_rule, ruleset_fd, type, attr, 0U);
}

static long ll_restrict_self(int ruleset_fd, uint32_t flags)
{
	return syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

/* ---- Pure parts ---- */

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* Everything that changes a tree, minus device-node creation: device nodes come in only through
 * --dev-bind, and an app creating char/block nodes in its writable areas is never legitimate
 * (a user namespace cannot create real ones anyway). */
#define FS_WRITE                                                                                  \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                          \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM | \
	 LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)

uint64_t landlock_fs_rights_for_abi(int abi)
{
	/* The documented step-down: start from everything this build knows, clear what older ABIs
	 * lack. */
	uint64_t all = (LANDLOCK_ACCESS_FS_IOCTL_DEV << 1) - 1;
	if (abi <= 0)
		return 0;
	switch (abi) {
	case 1:
		all &= ~LANDLOCK_ACCESS_FS_REFER;
		__attribute__((fallthrough));
	case 2:
		all &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
		__attribute__((fallthrough));
	case 3:
	case 4:
		all &= ~LANDLOCK_ACCESS_FS_IOCTL_DEV;
		break;
	default:
		break;
	}
	return all;
}

uint64_t landlock_view_rights(enum view_access access, int abi, bool is_dir)
{
	uint64_t r = 0;
	switch (access) {
	case VIEW_READ_EXEC: r = FS_READ | LANDLOCK_ACCESS_FS_EXECUTE; break;
	case VIEW_READ: r = FS_READ; break;
	case VIEW_WRITE: r = FS_READ | FS_WRITE; break;
	case VIEW_WRITE_EXEC: r = FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_EXECUTE; break;
	/* TRUNCATE because `cmd > /dev/null` opens with O_TRUNC; READ_DIR for /dev/pts-like dirs. */
	case VIEW_DEVICE:
		r = FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
		    LANDLOCK_ACCESS_FS_IOCTL_DEV;
		break;
	/* Writes to /proc/self/{attr,oom_score_adj,...}; shells open them with O_TRUNC. */
	case VIEW_PROC:
		r = FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
		break;
	}
	if (!is_dir)
		r &= SBX_LANDLOCK_FS_FILE_RIGHTS;
	return r & landlock_fs_rights_for_abi(abi);
}

static void add_gap(struct landlock_plan *plan, const char *what, const char *effect, int needs)
{
	if (plan->n_gaps < ARRAY_SIZE(plan->gaps))
		plan->gaps[plan->n_gaps++] = (struct landlock_gap){ what, effect, needs };
}

int landlock_plan_build(const struct policy *p, size_t n_ports, int abi, struct landlock_plan *plan,
			struct sbx_error *err)
{
	bool required = p->landlock == REQ_REQUIRED;

	memset(plan, 0, sizeof(*plan));
	if (abi <= 0) {
		if (required)
			return sbx_fail(err, EOPNOTSUPP,
					"Landlock is required but this kernel does not offer it");
		add_gap(plan, "all Landlock rules", "only the mount namespace limits file access", 1);
		return 0;
	}
	plan->abi = abi > SBX_LANDLOCK_ABI_MAX ? SBX_LANDLOCK_ABI_MAX : abi;
	plan->enforce = true;
	plan->handled_fs = landlock_fs_rights_for_abi(plan->abi);

	/* TCP is handled only when the profile lists ports. With the default own network
	 * namespace there is nothing but the sandbox's own lo to reach, so handling TCP there would
	 * only break in-sandbox loopback servers (test suites); with the host network and no port
	 * rules the profile asked for the host network as it is. Port rules are something the
	 * profile asked for explicitly: without ABI 4 a required policy would silently allow every
	 * port, so refuse. Both bind and connect are handled once any rule exists: a profile that
	 * lists only bind ports gets no outgoing TCP (deny by default). */
	if (n_ports > 0) {
		if (plan->abi >= 4) {
			plan->handled_net =
				LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
		} else if (required) {
			return sbx_fail(err, EOPNOTSUPP,
					"Landlock TCP port rules need Landlock ABI 4 (Linux 6.7), "
					"this kernel has ABI %d",
					abi);
		} else {
			add_gap(plan, "TCP port rules", "every TCP port can be bound and connected", 4);
		}
	}

	/* Refinements below are best effort even under REQ_REQUIRED: they are sbx's own defaults,
	 * not rules a profile wrote, and refusing to run on every kernel before 6.12 would push
	 * users to --landlock optional, which loses the filesystem rules too. The namespaces
	 * already cover the default case (own pid and network namespaces: no host process to
	 * signal, no host abstract socket to reach); --explain names what is missing. */
	if (plan->abi < 2)
		add_gap(plan, "rename/link across directories (REFER)",
			"always denied by ABI 1 (EXDEV); tools fall back to copying", 2);
	if (plan->abi < 3)
		add_gap(plan, "truncate restriction", "truncate(2) is not checked (opening for writing still is)", 3);
	if (plan->abi < 5)
		add_gap(plan, "device ioctl restriction", "ioctls on devices are not mediated", 5);
	if (plan->abi >= 6) {
		if (p->scope_abstract_unix)
			plan->scoped |= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
		if (p->scope_signals)
			plan->scoped |= LANDLOCK_SCOPE_SIGNAL;
	} else {
		if (p->scope_abstract_unix)
			add_gap(plan, "abstract unix socket scoping",
				p->net == NET_HOST ? "host abstract sockets are reachable"
						   : "only the network namespace hides host sockets",
				6);
		if (p->scope_signals)
			add_gap(plan, "signal scoping", "only the pid namespace hides host processes", 6);
	}
	/* No LOG_* flags: the kernel's default (log denials of sbx's own init, not of the app after
	 * exec) keeps the audit log quiet; the Landlock docs advise against forcing NEW_EXEC_ON. */
	plan->restrict_flags = 0;
	return 0;
}

/* ---- Kernel side ---- */

int landlock_probe_abi(int *why)
{
	long r = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (r < 0) {
		*why = errno;
		return 0;
	}
	*why = 0;
	return (int)r;
}

int landlock_abi(void)
{
	int why;
	return landlock_probe_abi(&why);
}

static int landlock_errata(void)
{
	long r = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);
	return r < 0 ? -1 : (int)r;
}

static const char *unavailable_reason(int why)
{
	switch (why) {
	case ENOSYS: return "the kernel was built without Landlock (CONFIG_SECURITY_LANDLOCK)";
	case EOPNOTSUPP: return "Landlock is built but disabled: add landlock to the lsm= boot parameter";
	default: return "the Landlock version query failed";
	}
}

static int create_ruleset(const struct landlock_plan *plan)
{
	struct sbx_landlock_ruleset_attr attr = {
		.handled_access_fs = plan->handled_fs,
		.handled_access_net = plan->handled_net,
		.scoped = plan->scoped,
	};
	/* The kernel accepts a larger struct as long as the fields it does not know are zero. */
	long fd = ll_create_ruleset(&attr, sizeof(attr), 0);
	return fd < 0 ? -errno : (int)fd;
}

static int add_path_rule(int ruleset_fd, const char *path, enum view_access access,
			 const struct landlock_plan *plan, bool root_listing, struct sbx_error *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		/* A view entry may be an optional bind whose source was absent: nothing to grant. */
		if (errno == ENOENT)
			return 0;
		return sbx_fail(err, errno, "landlock: open %s", path);
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return sbx_fail(err, errno, "landlock: stat %s", path);
	bool is_dir = S_ISDIR(st.st_mode);
	uint64_t rights = root_listing ? LANDLOCK_ACCESS_FS_READ_DIR
				       : landlock_view_rights(access, plan->abi, is_dir);
	rights &= plan->handled_fs;
	if (rights == 0)
		return 0;
	struct sbx_landlock_path_beneath_attr attr = { .allowed_access = rights, .parent_fd = fd };
	if (ll_add_rule(ruleset_fd, SBX_LANDLOCK_RULE_PATH_BENEATH, &attr) < 0)
		return sbx_fail(err, errno, "landlock: add rule for %s (%s)", path,
				root_listing ? "list" : view_access_name(access));
	return 0;
}

/* The files behind the standard streams are already the command's: it may reopen them
 * (/dev/stderr, /proc/self/fd/1, `tar cf /dev/stdout`) with the access each was opened with, even
 * when they lie outside the view (2>/tmp/log). Pipes and sockets need no rule: Landlock does not
 * check them, and refuses rules for them (EBADFD). */
static int add_std_stream_rules(int ruleset_fd, const struct landlock_plan *plan, struct sbx_error *err)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		int flags = fcntl(fd, F_GETFL);
		if (flags < 0 || fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
			continue;
		int mode = flags & O_ACCMODE;
		uint64_t rights = 0;
		if (mode == O_RDONLY || mode == O_RDWR)
			rights |= LANDLOCK_ACCESS_FS_READ_FILE;
		if (mode == O_WRONLY || mode == O_RDWR)
			rights |= LANDLOCK_ACCESS_FS_WRITE_FILE | (S_ISREG(st.st_mode) ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
		if (S_ISCHR(st.st_mode))
			rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
		rights &= plan->handled_fs;
		struct sbx_landlock_path_beneath_attr attr = { .allowed_access = rights, .parent_fd = fd };
		if (rights && ll_add_rule(ruleset_fd, SBX_LANDLOCK_RULE_PATH_BENEATH, &attr) < 0 && errno != EBADFD)
			return sbx_fail(err, errno, "landlock: add rule for standard stream %d", fd);
	}
	return 0;
}

static int add_rules(int ruleset_fd, const struct sandbox_plan *pl, const struct view *v,
		     const struct landlock_plan *plan, struct sbx_error *err)
{
	int r = add_std_stream_rules(ruleset_fd, plan, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < v->n; i++) {
		r = add_path_rule(ruleset_fd, v->entries[i].path, v->entries[i].access, plan, false, err);
		if (r < 0)
			return r;
	}
	/* "/" is a tmpfs holding only mount points and symlinks. Listing it (ls /, shell completion,
	 * find /) is expected to work. READ_DIR is inherited, so every directory in the sandbox
	 * becomes listable, but never readable, writable or executable: names only, and only
	 * names the mount plan already put into the sandbox's tree (host paths reached through
	 * fds or magic links are outside "/" and get nothing). No file right is given on "/". */
	r = add_path_rule(ruleset_fd, "/", VIEW_READ, plan, true, err);
	if (r < 0)
		return r;

	for (size_t i = 0; plan->handled_net && i < pl->n_ports; i++) {
		const struct port_rule *port = &pl->ports[i];
		struct sbx_landlock_net_port_attr attr = {
			.allowed_access = port->bind ? LANDLOCK_ACCESS_NET_BIND_TCP : LANDLOCK_ACCESS_NET_CONNECT_TCP,
			.port = port->port,
		};
		if (ll_add_rule(ruleset_fd, SBX_LANDLOCK_RULE_NET_PORT, &attr) < 0)
			return sbx_fail(err, errno, "landlock: add TCP %s rule for port %u",
					port->bind ? "bind" : "connect", port->port);
	}
	return 0;
}

int landlock_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct host_caps *host = &pl->host;
	int r = landlock_plan_build(pl->policy, pl->n_ports, host->landlock_abi, &pl->landlock, err);
	if (r < 0) {
		err->refused = true;
		if (host->landlock_abi <= 0)
			sbx_hint(err, "%s; or run with --landlock optional", unavailable_reason(host->landlock_why));
		else
			sbx_hint(err, "use a newer kernel, or --landlock optional to accept this");
	}
	return r;
}

int landlock_apply(const struct sandbox_plan *pl, const struct view *v, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	struct landlock_plan plan = pl->landlock;
	if (!plan.enforce)
		return 0;
	int r;

	/* Some distribution kernels report an ABI whose rights they then reject (EINVAL): step
	 * down one ABI at a time, re-deciding (and re-checking requirements) at each level. */
	_cleanup_close_ int ruleset_fd = create_ruleset(&plan);
	while (ruleset_fd == -EINVAL && plan.abi > 1) {
		r = landlock_plan_build(p, pl->n_ports, plan.abi - 1, &plan, err);
		if (r < 0)
			return r;
		ruleset_fd = create_ruleset(&plan);
	}
	if (ruleset_fd < 0)
		return sbx_fail(err, -ruleset_fd, "landlock: create ruleset (ABI %d)", plan.abi);

	r = add_rules(ruleset_fd, pl, v, &plan, err);
	if (r < 0)
		return r;

	if (ll_restrict_self(ruleset_fd, plan.restrict_flags) < 0) {
		int e = errno;
		sbx_fail(err, e, "landlock: restrict self");
		if (e == EPERM && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			sbx_hint(err, "no_new_privs must be set before Landlock is applied");
		return -e;
	}
	return 0;
}

/* ---- --explain ---- */

static const struct {
	uint64_t bit;
	const char *name;
} fs_right_names[] = {
	{ LANDLOCK_ACCESS_FS_EXECUTE, "execute" },
	{ LANDLOCK_ACCESS_FS_WRITE_FILE, "write_file" },
	{ LANDLOCK_ACCESS_FS_READ_FILE, "read_file" },
	{ LANDLOCK_ACCESS_FS_READ_DIR, "read_dir" },
	{ LANDLOCK_ACCESS_FS_REMOVE_DIR, "remove_dir" },
	{ LANDLOCK_ACCESS_FS_REMOVE_FILE, "remove_file" },
	{ LANDLOCK_ACCESS_FS_MAKE_CHAR, "make_char" },
	{ LANDLOCK_ACCESS_FS_MAKE_DIR, "make_dir" },
	{ LANDLOCK_ACCESS_FS_MAKE_REG, "make_reg" },
	{ LANDLOCK_ACCESS_FS_MAKE_SOCK, "make_sock" },
	{ LANDLOCK_ACCESS_FS_MAKE_FIFO, "make_fifo" },
	{ LANDLOCK_ACCESS_FS_MAKE_BLOCK, "make_block" },
	{ LANDLOCK_ACCESS_FS_MAKE_SYM, "make_sym" },
	{ LANDLOCK_ACCESS_FS_REFER, "refer" },
	{ LANDLOCK_ACCESS_FS_TRUNCATE, "truncate" },
	{ LANDLOCK_ACCESS_FS_IOCTL_DEV, "ioctl_dev" },
};

static void print_rights(FILE *out, uint64_t rights, const char *sep, bool quoted)
{
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(fs_right_names); i++) {
		if (!(rights & fs_right_names[i].bit))
			continue;
		fprintf(out, "%s%s%s%s", first ? "" : sep, quoted ? "\"" : "", fs_right_names[i].name,
			quoted ? "\"" : "");
		first = false;
	}
}

static void print_ports(FILE *out, const struct sandbox_plan *p, bool bind, const char *sep,
			const char *none)
{
	bool first = true;
	for (size_t i = 0; i < p->n_ports; i++) {
		if (p->ports[i].bind != bind)
			continue;
		fprintf(out, "%s%u", first ? "" : sep, p->ports[i].port);
		first = false;
	}
	if (first)
		fputs(none, out);
}

static const char *plan_status(const struct landlock_plan *plan)
{
	if (!plan->enforce)
		return "not enforced";
	return plan->n_gaps ? "partially enforced" : "fully enforced";
}

void landlock_explain(const struct sandbox_plan *pl, const struct view *v, FILE *out)
{
	landlock_explain_at(pl, v, pl->host.landlock_abi, pl->host.landlock_why, out);
}

void landlock_explain_at(const struct sandbox_plan *pl, const struct view *v, int kernel_abi, int why,
			 FILE *out)
{
	const struct policy *p = pl->policy;
	struct landlock_plan plan;
	struct sbx_error err = { 0 };
	int r = landlock_plan_build(p, pl->n_ports, kernel_abi, &plan, &err);

	fprintf(out, "  %s (--landlock %s): ", requirement_to_string(p->landlock),
		requirement_to_string(p->landlock));
	if (kernel_abi <= 0)
		fprintf(out, "unavailable: %s\n", unavailable_reason(why));
	else
		fprintf(out, "kernel ABI %d, rules built for ABI %d\n", kernel_abi, plan.abi);
	if (r < 0) {
		fprintf(out, "  REFUSED: the sandbox will not start: %s\n", err.msg);
		return;
	}
	if (!plan.enforce) {
		fputs("  status: not enforced (best effort accepted): only the mount namespace limits "
		      "file access\n",
		      out);
		return;
	}
	fprintf(out, "  status: %s\n", plan_status(&plan));
	fprintf(out, "  filesystem: %zu path rules from the view; every path outside them is "
		     "unreachable, even through passed fds or /proc magic links\n",
		v->n);
	bool seen[VIEW_PROC + 1] = { false };
	for (size_t i = 0; i < v->n; i++) {
		enum view_access a = v->entries[i].access;
		if (a > VIEW_PROC || seen[a])
			continue;
		seen[a] = true;
		fprintf(out, "    %-16s ", view_access_name(a));
		print_rights(out, landlock_view_rights(a, plan.abi, true), ",", false);
		fputc('\n', out);
	}
	fputs("    /                read_dir only (directory names are listable, nothing else)\n",
	      out);
	if (plan.handled_net) {
		fputs("  TCP: bind allowed on ports: ", out);
		print_ports(out, pl, true, ", ", "none");
		fputs("; connect allowed on ports: ", out);
		print_ports(out, pl, false, ", ", "none");
		fputs("; every other port is denied\n", out);
	} else if (pl->n_ports == 0) {
		fprintf(out, "  TCP: not restricted by Landlock (no port rules; %s)\n",
			p->net == NET_HOST ? "host network" : "the network namespace has only lo");
	}
	if (plan.scoped) {
		fputs("  scoped to the sandbox:", out);
		if (plan.scoped & LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET)
			fputs(" abstract unix sockets", out);
		if (plan.scoped & LANDLOCK_SCOPE_SIGNAL)
			fprintf(out, "%s signals", (plan.scoped & LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET)
							   ? ","
							   : "");
		fputc('\n', out);
	}
	if (!p->scope_abstract_unix)
		fputs("  not scoped (allow abstract-unix): abstract unix sockets outside the sandbox are "
		      "reachable\n",
		      out);
	if (!p->scope_signals)
		fputs("  not scoped (allow signals): signals to processes outside the sandbox\n", out);
	for (size_t i = 0; i < plan.n_gaps; i++)
		fprintf(out, "  not enforced: %s (needs ABI %d): %s\n", plan.gaps[i].what,
			plan.gaps[i].needs_abi, plan.gaps[i].effect);
	if (kernel_abi < SBX_LANDLOCK_ABI_MAX)
		fputs("  hint: a newer kernel enforces more\n", out);
}

void landlock_explain_json(const struct sandbox_plan *pl, const struct view *v, FILE *out)
{
	landlock_explain_json_at(pl, v, pl->host.landlock_abi, pl->host.landlock_why, out);
}

void landlock_explain_json_at(const struct sandbox_plan *pl, const struct view *v, int kernel_abi, int why,
			      FILE *out)
{
	const struct policy *p = pl->policy;
	struct landlock_plan plan;
	struct sbx_error err = { 0 };
	int r = landlock_plan_build(p, pl->n_ports, kernel_abi, &plan, &err);

	fprintf(out, "{\"requirement\":\"%s\",\"kernel_abi\":%d,\"abi\":%d,\"errata\":%d,",
		requirement_to_string(p->landlock), kernel_abi, plan.abi,
		kernel_abi > 0 ? landlock_errata() : -1);
	if (kernel_abi <= 0) {
		fputs("\"unavailable\":", out);
		json_string(out, unavailable_reason(why));
		fputc(',', out);
	}
	if (r < 0) {
		fputs("\"status\":\"refused\",\"error\":", out);
		json_string(out, err.msg);
		fputc('}', out);
		return;
	}
	fputs("\"status\":", out);
	json_string(out, plan_status(&plan));
	fputs(",\"handled_fs\":[", out);
	print_rights(out, plan.handled_fs, ",", true);
	fputs("],\"rules\":[", out);
	for (size_t i = 0; plan.enforce && i < v->n; i++) {
		fputs(i ? ",{\"path\":" : "{\"path\":", out);
		json_string(out, v->entries[i].path);
		fprintf(out, ",\"access\":\"%s\",\"rights\":[", view_access_name(v->entries[i].access));
		print_rights(out, landlock_view_rights(v->entries[i].access, plan.abi, true), ",",
			     true);
		fputs("]}", out);
	}
	if (plan.enforce)
		fprintf(out, "%s{\"path\":\"/\",\"access\":\"list\",\"rights\":[\"read_dir\"]}",
			v->n ? "," : "");
	fprintf(out, "],\"tcp\":{\"restricted\":%s,\"bind\":[", plan.handled_net ? "true" : "false");
	print_ports(out, pl, true, ",", "");
	fputs("],\"connect\":[", out);
	print_ports(out, pl, false, ",", "");
	fprintf(out, "]},\"scoped\":{\"abstract_unix\":%s,\"signals\":%s},\"not_enforced\":[",
		(plan.scoped & LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET) ? "true" : "false",
		(plan.scoped & LANDLOCK_SCOPE_SIGNAL) ? "true" : "false");
	for (size_t i = 0; i < plan.n_gaps; i++) {
		fputs(i ? ",{\"what\":" : "{\"what\":", out);
		json_string(out, plan.gaps[i].what);
		fprintf(out, ",\"needs_abi\":%d,\"effect\":", plan.gaps[i].needs_abi);
		json_string(out, plan.gaps[i].effect);
		fputc('}', out);
	}
	fputs("]}", out);
}
