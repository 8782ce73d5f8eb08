/* eBPF policies: the kernel probes, the plan (network rules to Landlock where eBPF is out of reach,
 * file rules resolved), and the libbpf loader for the cgroup programs in bpf/. The rules themselves
 * are parsed in netrules.c, and bpf_explain.c prints what the plan decided. See bpf.h for the
 * order of calls. */
#include "bpf.h"
#include "plan.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/types.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/sbx_bpf.h"
#include "bpf_internal.h"
#include "devnodes.h"

_Static_assert(NET_RULES_MAX == SBX_NET_MAX_RULES, "bpf.h and bpf/sbx_bpf.h disagree on the rule table");
_Static_assert(LSM_RULES_MAX == SBX_LSM_MAX_RULES, "bpf.h and bpf/sbx_bpf.h disagree on the file rules");

#ifdef __clang_analyzer__
/* The skeletons' error paths hand what they allocated to this libbpf function, which frees it.
 * The analyzer assumes that a function declared in a system header frees nothing and reports
 * those paths as leaks; this declaration tells it the truth. */
void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s) __attribute__((ownership_takes(malloc, 1)));
#endif

/* bpf/bpf.mk generates the skeletons before sbx's first object is compiled. The fuzzers (fuzz/fuzz.mk)
 * compile these sources without them: then eBPF is off, and the probes say so. */
#if __has_include(<net.skel.h>) && __has_include(<dev.skel.h>) && __has_include(<lsm_probe.skel.h>) && \
	__has_include(<lsm.skel.h>)
#define SBX_HAVE_SKELETONS 1
#include <dev.skel.h>
#include <lsm.skel.h>
#include <lsm_probe.skel.h>
#include <net.skel.h>
#else
#define SBX_HAVE_SKELETONS 0
#endif

/* ---- privilege and probes ---- */

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap) { return 0; }

static const char *who_is_missing(void)
{
	return geteuid() == 0 ? "root without CAP_BPF and CAP_NET_ADMIN in the initial user namespace"
			      : "sbx is not root";
}

static int probe_cgroup_uncached(char *why, size_t size)
{
	/* A two-instruction cgroup/connect4 program ("return 1"): the cheapest honest test. */
	static const struct bpf_insn allow[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* What LIBBPF_OPTS expands to, spelled out so that cppcheck can follow it: every byte zero,
	 * then the size libbpf checks. */
	struct bpf_prog_load_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
	libbpf_set_print(silent_print);
	int fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "sbx_probe", "GPL", allow,
			       ARRAY_SIZE(allow), &opts);
	if (fd >= 0) {
		close(fd);
		if (!SBX_HAVE_SKELETONS) {
			snprintf(why, size, "sbx was built without its BPF programs (bpf/bpf.mk)");
			return -ENOSYS;
		}
		snprintf(why, size, "cgroup programs load");
		return 0;
	}
	int e = errno;
	if (e == EPERM || e == EACCES)
		snprintf(why, size, "%s (uid %u): cgroup programs need CAP_BPF and CAP_NET_ADMIN",
			 who_is_missing(), (unsigned)geteuid());
	else
		snprintf(why, size, "loading a cgroup program fails: %s", strerror(e));
	return -e;
}

static int probe_lsm_uncached(char *why, size_t size)
{
#if SBX_HAVE_SKELETONS
	libbpf_set_print(silent_print);
	struct sbx_lsm_probe *s = sbx_lsm_probe__open();
	if (!s) {
		int e = errno;
		snprintf(why, size, "cannot open the probe program: %s", strerror(e));
		return -e;
	}
	int r = sbx_lsm_probe__load(s);
	sbx_lsm_probe__destroy(s);
	if (r == 0) {
		snprintf(why, size, "lsm_cgroup programs load");
		return 0;
	}
	int e = -r;
	if (e == EPERM && geteuid() != 0)
		snprintf(why, size, "%s (uid %u): BPF-LSM programs need CAP_BPF and CAP_PERFMON",
			 who_is_missing(), (unsigned)geteuid());
	else if (e == EPERM || e == EINVAL || e == EOPNOTSUPP || e == 524 /* ENOTSUPP */)
		snprintf(why, size, "this kernel refuses BPF-LSM programs even to root (%s): it needs "
			 "CONFIG_BPF_LSM, \"bpf\" in the lsm= boot parameter, and no lockdown forbidding it",
			 strerror(e));
	else
		snprintf(why, size, "loading a lsm_cgroup program fails: %s", strerror(e));
	return -e;
#else
	snprintf(why, size, "sbx was built without its BPF programs (bpf/bpf.mk)");
	return -ENOSYS;
#endif
}

/* What the kernel allows does not change during a run, and sbx's privileges do not change in the
 * process that asks, so each probe loads its program once per run, not once per question. (No
 * shared helper taking the probe as a pointer: the extra call depth makes clang-analyzer lose
 * track of the skeletons' frees.) */
struct probe_memo {
	bool done;
	int result;
	char why[256];
};

static int probe_memo_answer(const struct probe_memo *m, char *why, size_t size)
{
	if (size > 0) { /* the callers' buffers are smaller; a cut reason is still a reason */
		size_t n = strnlen(m->why, size - 1);
		memcpy(why, m->why, n);
		why[n] = '\0';
	}
	return m->result;
}

int bpf_probe_cgroup(char *why, size_t size)
{
	static struct probe_memo memo;
	if (!memo.done) {
		memo.result = probe_cgroup_uncached(memo.why, sizeof(memo.why));
		memo.done = true;
	}
	return probe_memo_answer(&memo, why, size);
}

int bpf_probe_lsm(char *why, size_t size)
{
	static struct probe_memo memo;
	if (!memo.done) {
		memo.result = probe_lsm_uncached(memo.why, sizeof(memo.why));
		memo.done = true;
	}
	return probe_memo_answer(&memo, why, size);
}

static int plan_net(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	if (p->n_net_rules == 0 || pl->host.cgroup_bpf)
		return 0;
	const char *why = pl->host.cgroup_bpf_why;
	bool optional = p->net_rules_requirement == REQ_OPTIONAL;
	int r = net_rules_to_ports(p->net_rules, p->n_net_rules, optional, &pl->ports, &pl->n_ports, err);
	if (r < 0 && err->refused) {
		char alternatives[sizeof(err->hint)];
		snprintf(alternatives, sizeof(alternatives), "%s", err->hint);
		sbx_hint(err, "eBPF is unavailable: %s.\n  Instead: %s", why, alternatives);
	}
	if (r < 0)
		return r;
	for (size_t i = 0; optional && !p->quiet && i < p->n_net_rules; i++) {
		const struct net_addr_rule *nr = &p->net_rules[i];
		if (!net_rule_needs_address(nr))
			continue;
		char text[96];
		net_rule_format(nr, text, sizeof(text));
		sbx_warn("network rule %s %s is enforced as its port(s) on any address, TCP only "
			 "(Landlock): %s", nr->bind ? "bind" : "connect", text, why);
	}
	return 0;
}

/* ---- BPF-LSM file rules ---- */

/* The superblock's s_dev of the mount that holds a file, as /proc/self/mountinfo shows it. stat's
 * st_dev can differ from the inode's i_sb->s_dev (btrfs subvolumes, overlayfs files), which is
 * what the programs compare. 0 and *dev set, or -1. */
static int mount_dev(unsigned long long mnt_id, unsigned long long *dev)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	char line[4096];
	int r = -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long id;
		unsigned maj, min;
		if (sscanf(line, "%llu %*u %u:%u", &id, &maj, &min) == 3 && id == mnt_id) {
			*dev = (unsigned long long)maj << 20 | min;
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

int lsm_rules_resolve(const struct policy *p, struct lsm_target *targets, struct sbx_error *err)
{
	size_t resolved = 0;
	for (size_t i = 0; i < p->n_lsm_rules; i++) {
		const struct lsm_rule *r = &p->lsm_rules[i];
		struct lsm_target *t = &targets[i];
		struct statx stx;
		t->resolved = false;
		if (statx(AT_FDCWD, r->path, AT_STATX_SYNC_AS_STAT, STATX_INO | STATX_MNT_ID, &stx) < 0) {
			int e = errno;
			if (r->optional && (e == ENOENT || e == ENOTDIR))
				continue;
			return sbx_fail(err, e, "%s %s (%s)", lsm_rule_kind_name(r->kind), r->path,
					r->origin ? r->origin : "command line");
		}
		t->ino = stx.stx_ino;
		t->dev = (unsigned long long)stx.stx_dev_major << 20 | stx.stx_dev_minor;
		if (stx.stx_mask & STATX_MNT_ID)
			mount_dev(stx.stx_mnt_id, &t->dev);
		t->resolved = true;
		if (++resolved > LSM_RULES_MAX)
			return sbx_fail(err, E2BIG, "%s %s (%s): more than %d file rules",
					lsm_rule_kind_name(r->kind), r->path, r->origin ? r->origin : "command line",
					LSM_RULES_MAX);
	}
	return 0;
}

bool lsm_rules_given(const struct policy *p, enum lsm_rule_kind kind)
{
	for (size_t i = 0; i < p->n_lsm_rules; i++)
		if (p->lsm_rules[i].kind == kind)
			return true;
	return false;
}

int bpf_lsm_available(char *why, size_t size)
{
	int r = bpf_probe_lsm(why, size);
	if (r == 0)
		r = bpf_probe_cgroup(why, size);
	if (r == 0)
		snprintf(why, size, "lsm_cgroup programs load");
	return r;
}

static int plan_lsm(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	if (p->n_lsm_rules == 0 || pl->host.bpf_lsm)
		return 0;
	const char *why = pl->host.bpf_lsm_why;
	const struct lsm_rule *first = &p->lsm_rules[0];
	char more[48] = "";
	if (p->n_lsm_rules > 1)
		snprintf(more, sizeof(more), " and %zu more", p->n_lsm_rules - 1);
	if (p->lsm_rules_requirement == REQ_OPTIONAL) {
		if (!p->quiet)
			sbx_warn("file rule %s %s%s %s not enforced (BPF-LSM): %s", lsm_rule_kind_name(first->kind),
				 first->path, more, p->n_lsm_rules > 1 ? "are" : "is", why);
		return 0;
	}
	sbx_refuse(err, "file rule %s %s (%s)%s cannot be enforced: %s", lsm_rule_kind_name(first->kind),
		 first->path, first->origin ? first->origin : "command line", more, why);
	sbx_hint(err, "only BPF-LSM programs enforce exec-allow and open-deny; make them optional "
		      "(--lsm-rules optional, or 'lsm-rules optional' in the profile) to run without them");
	return -EPERM;
}

/* caps-keep net_bind_service is carried out by the bind programs, never by a capability: one
 * held in sbx's user namespace would not count on the host's network (its namespace belongs to
 * the initial user namespace), nor on the sandbox's own network from inside the nested user
 * namespace COMMAND runs in. So it takes eBPF and the ports named by bind rules. */
static int plan_bind_service(const struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	if (!p->bind_service)
		return 0;
	bool ports = false;
	for (size_t i = 0; i < p->n_net_rules; i++)
		ports = ports || p->net_rules[i].bind;
	if (!ports) {
		sbx_fail(err, 0, "caps-keep net_bind_service (%s): no bind rule names the ports the command may bind",
			 p->bind_service_origin);
		sbx_hint(err, "add 'net-bind 80 443' to the profile, or --bind-port 80");
		return -EINVAL;
	}
	if (pl->host.cgroup_bpf)
		return 0;
	return sbx_refuse(err, "caps-keep net_bind_service (%s) needs eBPF bind programs: %s",
			  p->bind_service_origin, pl->host.cgroup_bpf_why);
}

int bpf_plan_cgroup(const struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	if (!pl->host.cgroup_bpf || pl->cgroup.dirfd >= 0)
		return 0;
	bool warn = !p->quiet && !pl->explain;
	if (p->n_lsm_rules > 0 && pl->host.bpf_lsm) {
		if (p->lsm_rules_requirement != REQ_OPTIONAL)
			return sbx_refuse(err, "file rule %s %s (BPF-LSM) needs the sandbox's own cgroup, and "
					  "there is none", lsm_rule_kind_name(p->lsm_rules[0].kind), p->lsm_rules[0].path);
		if (warn)
			sbx_warn("the sandbox has no cgroup, so its %zu file rule(s) are not enforced",
				 p->n_lsm_rules);
	}
	if (p->n_net_rules == 0)
		return 0;
	if (p->net_rules_requirement != REQ_OPTIONAL)
		return sbx_refuse(err, "eBPF network rules need the sandbox's own cgroup, and there is none");
	if (warn)
		sbx_warn("the sandbox has no cgroup, so its %zu network rule(s) are not enforced", p->n_net_rules);
	return 0;
}

void bpf_probe_host(struct host_caps *host, bool lsm)
{
	host->cgroup_bpf = bpf_probe_cgroup(host->cgroup_bpf_why, sizeof(host->cgroup_bpf_why)) == 0;
	if (lsm && !host->bpf_lsm_probed) {
		host->lsm_loads = bpf_probe_lsm(host->lsm_loads_why, sizeof(host->lsm_loads_why)) == 0;
		host->bpf_lsm = bpf_lsm_available(host->bpf_lsm_why, sizeof(host->bpf_lsm_why)) == 0;
		host->bpf_lsm_probed = true;
	}
}

int bpf_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	bpf_probe_host(&pl->host, p->n_lsm_rules > 0 || pl->explain);
	free(pl->lsm_targets);
	pl->lsm_targets = xcalloc(p->n_lsm_rules + 1, sizeof(*pl->lsm_targets));
	int r = lsm_rules_resolve(p, pl->lsm_targets, err);
	if (r < 0)
		return r;
	/* Each decision goes on under --explain, which shows every refusal. */
	r = plan_refusal(pl, plan_bind_service(pl, err), err);
	if (r < 0)
		return r;
	r = plan_refusal(pl, plan_net(pl, err), err);
	if (r < 0)
		return r;
	return plan_refusal(pl, plan_lsm(pl, err), err);
}

/* ---- device rules ---- */

/* What the sandbox's devpts adds to the nodes of devnodes.h: ptmx 5:2 and the Unix98 ptys on
 * majors 136-143. */
static const struct dev_grant {
	unsigned major, minor_lo, minor_hi;
} devpts_devices[] = {
	{ 5, 2, 2 },         { 136, 0, 0xfffff }, { 137, 0, 0xfffff }, { 138, 0, 0xfffff }, { 139, 0, 0xfffff },
	{ 140, 0, 0xfffff }, { 141, 0, 0xfffff }, { 142, 0, 0xfffff }, { 143, 0, 0xfffff },
};

static void dev_list_add(struct dev_list *l, unsigned type, unsigned major, unsigned lo, unsigned hi)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->rules[i].type == type && l->rules[i].major == major && l->rules[i].minor_lo <= lo &&
		    l->rules[i].minor_hi >= hi)
			return;
	if (l->n >= SBX_DEV_MAX_RULES) {
		l->overflow = true;
		return;
	}
	l->rules[l->n++] = (struct sbx_dev_rule){ .type = (__u16)type, .major = major, .minor_lo = lo,
						  .minor_hi = hi,
						  .access = SBX_DEV_ACC_READ | SBX_DEV_ACC_WRITE };
}

static void dev_list_add_node(struct dev_list *l, const struct stat *st)
{
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		dev_list_add(l, S_ISCHR(st->st_mode) ? 2 : 1, major(st->st_rdev), minor(st->st_rdev),
			     minor(st->st_rdev));
}

/* A --dev-bind of a directory (e.g. /dev/dri) grants the nodes in it, two levels deep. */
static void dev_list_add_dir(struct dev_list *l, int dirfd, int depth)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				dev_list_add_dir(l, sub, depth - 1);
		} else {
			dev_list_add_node(l, &st);
		}
	}
	closedir(d);
}

void bpf_dev_list_build(const struct sandbox_plan *pl, struct dev_list *l)
{
	/* Every node of the sandbox's own /dev (mount.c), the terminal's too: allowing tty costs nothing
	 * where it is not bound. */
	for (size_t i = 0; i < n_sandbox_dev_nodes; i++) {
		const struct dev_node *d = &sandbox_dev_nodes[i];
		dev_list_add(l, 2, d->major, d->minor, d->minor);
	}
	for (size_t i = 0; i < ARRAY_SIZE(devpts_devices); i++) {
		const struct dev_grant *g = &devpts_devices[i];
		dev_list_add(l, 2, g->major, g->minor_lo, g->minor_hi);
	}
	for (size_t i = 0; i < pl->n_mounts; i++) {
		const struct mount_entry *m = &pl->mounts[i];
		struct stat st;
		if (m->kind != MOUNT_DEV_BIND || !m->src || stat(m->src, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd = open(m->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				dev_list_add_dir(l, fd, 2);
		} else {
			dev_list_add_node(l, &st);
		}
	}
}

/* ---- attach ---- */

struct bpf_state {
#if SBX_HAVE_SKELETONS
	struct sbx_net *net;
	struct sbx_dev *dev;
	struct sbx_lsm *lsm;
#endif
	int unused;
};

#if SBX_HAVE_SKELETONS
static void to_bpf_rule(const struct net_addr_rule *r, struct sbx_net_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->family = r->family == AF_INET ? 4 : r->family == AF_INET6 ? 6 : 0;
	out->bind = r->bind;
	out->port_lo = r->port_lo;
	out->port_hi = r->port_hi;
	unsigned char mask[16] = { 0 };
	for (unsigned bit = 0; bit < r->prefix && bit < 128; bit++)
		mask[bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
	unsigned char addr[16];
	for (int i = 0; i < 16; i++)
		addr[i] = r->addr[i] & mask[i];
	memcpy(out->addr, addr, sizeof(out->addr));
	memcpy(out->mask, mask, sizeof(out->mask));
}

static int attach_net(const struct policy *p, int cgroup_fd, struct bpf_state *s, struct sbx_error *err)
{
	s->net = sbx_net__open();
	if (!s->net)
		return sbx_fail(err, errno, "eBPF: cannot open the network programs");
	for (size_t i = 0; i < p->n_net_rules; i++)
		to_bpf_rule(&p->net_rules[i], &s->net->rodata->rules[i]);
	s->net->rodata->n_rules = (__u32)p->n_net_rules;
	s->net->rodata->bind_service = p->bind_service;
	int r = sbx_net__load(s->net);
	if (r < 0)
		return sbx_fail(err, -r, "eBPF: cannot load the network programs (cgroup/connect4 ...)");
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
	} progs[] = {
		{ s->net->progs.sbx_connect4, &s->net->links.sbx_connect4 },
		{ s->net->progs.sbx_connect6, &s->net->links.sbx_connect6 },
		{ s->net->progs.sbx_sendmsg4, &s->net->links.sbx_sendmsg4 },
		{ s->net->progs.sbx_sendmsg6, &s->net->links.sbx_sendmsg6 },
		{ s->net->progs.sbx_bind4, &s->net->links.sbx_bind4 },
		{ s->net->progs.sbx_bind6, &s->net->links.sbx_bind6 },
		{ s->net->progs.sbx_sock_create, &s->net->links.sbx_sock_create },
	};
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		/* Links go away with their fd (bpf_policy_detach) or with the cgroup. */
		struct bpf_link *link = bpf_program__attach_cgroup(progs[i].prog, cgroup_fd);
		if (!link)
			return sbx_fail(err, errno, "eBPF: cannot attach %s to the sandbox cgroup",
					bpf_program__section_name(progs[i].prog));
		*progs[i].link = link;
	}
	return 0;
}

static int attach_dev(const struct sandbox_plan *pl, int cgroup_fd, struct bpf_state *s, struct sbx_error *err)
{
	struct dev_list l = { 0 };
	bpf_dev_list_build(pl, &l);
	if (l.overflow)
		return sbx_fail(err, E2BIG, "eBPF: the granted device nodes need more than %d device rules",
				SBX_DEV_MAX_RULES);
	s->dev = sbx_dev__open();
	if (!s->dev)
		return sbx_fail(err, errno, "eBPF: cannot open the device program");
	memcpy((void *)s->dev->rodata->dev_rules, l.rules, sizeof(l.rules));
	s->dev->rodata->n_dev_rules = l.n;
	int r = sbx_dev__load(s->dev);
	if (r < 0)
		return sbx_fail(err, -r, "eBPF: cannot load the device program (cgroup/dev)");
	s->dev->links.sbx_dev = bpf_program__attach_cgroup(s->dev->progs.sbx_dev, cgroup_fd);
	if (!s->dev->links.sbx_dev)
		return sbx_fail(err, errno, "eBPF: cannot attach cgroup/dev to the sandbox cgroup");
	return 0;
}

static int attach_lsm(const struct sandbox_plan *pl, int cgroup_fd, struct bpf_state *s, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	bool exec_allow = lsm_rules_given(p, LSM_EXEC_ALLOW), open_deny = lsm_rules_given(p, LSM_OPEN_DENY);
	s->lsm = sbx_lsm__open();
	if (!s->lsm)
		return sbx_fail(err, errno, "eBPF: cannot open the BPF-LSM file rule programs");
	s->lsm->rodata->exec_allow_on = exec_allow;
	s->lsm->rodata->open_deny_on = open_deny;
	/* A hook without rules costs every exec or open a call: leave it out. */
	bpf_program__set_autoload(s->lsm->progs.sbx_exec, exec_allow);
	bpf_program__set_autoload(s->lsm->progs.sbx_open, open_deny);
	int r = sbx_lsm__load(s->lsm);
	if (r < 0)
		return sbx_fail(err, -r, "eBPF: cannot load the BPF-LSM file rule programs (lsm_cgroup)");
	int map_fd = bpf_map__fd(s->lsm->maps.lsm_rules);
	for (size_t i = 0; i < p->n_lsm_rules; i++) {
		const struct lsm_rule *lr = &p->lsm_rules[i];
		const struct lsm_target *t = &pl->lsm_targets[i];
		if (!t->resolved)
			continue;
		struct sbx_lsm_key key = { .ino = t->ino, .dev = (__u32)t->dev,
					   .kind = lr->kind == LSM_EXEC_ALLOW ? SBX_LSM_EXEC_ALLOW
									: SBX_LSM_OPEN_DENY };
		__u8 one = 1;
		if (bpf_map_update_elem(map_fd, &key, &one, BPF_ANY) < 0)
			return sbx_fail(err, errno, "eBPF: cannot store the file rule %s %s",
					lsm_rule_kind_name(lr->kind), lr->path);
	}
	/* The rules cannot change once the sandbox runs. */
	if (bpf_map_freeze(map_fd) < 0)
		return sbx_fail(err, errno, "eBPF: cannot freeze the file rules");
	struct {
		bool wanted;
		struct bpf_program *prog;
		struct bpf_link **link;
	} progs[] = {
		{ exec_allow, s->lsm->progs.sbx_exec, &s->lsm->links.sbx_exec },
		{ open_deny, s->lsm->progs.sbx_open, &s->lsm->links.sbx_open },
	};
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		if (!progs[i].wanted)
			continue;
		struct bpf_link *link = bpf_program__attach_cgroup(progs[i].prog, cgroup_fd);
		if (!link)
			return sbx_fail(err, errno, "eBPF: cannot attach %s to the sandbox cgroup",
					bpf_program__section_name(progs[i].prog));
		*progs[i].link = link;
	}
	return 0;
}
#endif

int bpf_policy_attach(const struct sandbox_plan *pl, int cgroup_fd, struct bpf_state **out,
		      struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	*out = NULL;
	/* Without eBPF, bpf_plan moved what it could to Landlock or refused; without a cgroup,
	 * bpf_plan_cgroup refused or warned. */
	if (!pl->host.cgroup_bpf || cgroup_fd < 0)
		return 0;
	/* Whether the BPF-LSM programs will run: rules given and the kernel loads them here. */
	bool lsm = p->n_lsm_rules > 0 && pl->host.bpf_lsm;
#if SBX_HAVE_SKELETONS
	libbpf_set_print(silent_print);
	struct bpf_state *s = xcalloc(1, sizeof(*s));
	int r = p->n_net_rules > 0 ? attach_net(p, cgroup_fd, s, err) : 0;
	if (r == 0)
		r = attach_dev(pl, cgroup_fd, s, err);
	if (r == 0 && lsm)
		r = attach_lsm(pl, cgroup_fd, s, err);
	if (r < 0) {
		bpf_policy_detach(s);
		return r;
	}
	*out = s;
	return 0;
#else
	return sbx_fail(err, ENOSYS, "eBPF: %s", pl->host.cgroup_bpf_why);
#endif
}

void bpf_policy_detach(struct bpf_state *s)
{
	if (!s)
		return;
#if SBX_HAVE_SKELETONS
	sbx_net__destroy(s->net);
	sbx_dev__destroy(s->dev);
	sbx_lsm__destroy(s->lsm);
#endif
	free(s);
}
