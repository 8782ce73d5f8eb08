/* The seccomp layer, built with libseccomp. Two stacked filters:
 *
 *   1. always-on: the same for every profile (arch check, namespaces, mount API, TIOCSTI, kernel
 *      attack surface, socket families), minus the named relaxations (devel, userns, multiarch).
 *   2. profile:   the profile's `syscalls` rules, as a denylist (default allow) or an allowlist
 *      (default ENOSYS). Only built when the profile has rules or asks for an allowlist.
 *
 * The kernel runs every filter of the stack and the most restrictive action wins, so nothing in a
 * profile can loosen layer 1: that guarantee comes from the kernel, not from rule ordering in
 * libseccomp (which silently lets an unconditional rule swallow conditional ones on the same
 * syscall, e.g. "allow ioctl" would erase the masked TIOCSTI check). When both layers answer with
 * an errno, the profile's (loaded last) is the one the program sees.
 *
 * Decisions on the always-on set:
 *   - Foreign ABIs (i386 int 0x80, x32) kill the process (SIGSYS; sbx exits 159): no legitimate
 *     native program makes them, and an errno would let an exploit probe. 'multiarch' adds i386
 *     and x32 to both layers with the same rules, and allows modify_ldt. Limit: i386 socketcall()
 *     hides the family behind a pointer, so 32-bit programs using it escape the family check.
 *   - clone3 is ENOSYS always (glibc falls back to clone, whose flags are checked); clone and
 *     unshare with CLONE_NEW* are EPERM unless 'userns', which also allows chroot (Chromium's
 *     namespace sandbox chroots into an empty directory). setns and the mount API stay denied
 *     even then: a nested sandbox gets namespaces, never the host's or a rearranged view.
 *   - personality: only PER_LINUX passes (the query 0xffffffff too is refused, as in Flatpak);
 *     'devel' allows all, with ptrace, perf_event_open, process_vm_* and kcmp.
 *   - Code that is not a file in the view: Landlock does not check internal mounts, so a memfd
 *     runs although a copy in /tmp would not. memfd_create(MFD_EXEC) and execveat(AT_EMPTY_PATH)
 *     (glibc's fexecve, which falls back to /proc/self/fd only on ENOSYS) are EACCES, as with the
 *     kernel's vm.memfd_noexec=2, unless 'jit' or 'devel'. A memfd made with neither flag is
 *     executable while the host's vm.memfd_noexec is 0, and exec of its /proc/self/fd/N passes a
 *     pointer seccomp cannot read; an unprivileged sandbox cannot set that sysctl for its pid
 *     namespace (its file belongs to the initial namespace's root). So such a memfd_create is
 *     SCMP_ACT_NOTIFY: pid 1 makes the memfd with MFD_NOEXEC_SEAL and installs it in the caller
 *     (memfd_guard.c). Only when memfd_guard_plan found the kernel able (6.3+) and this process
 *     free of another listener (sbx learn); otherwise that one way stays open and --explain says so.
 *   - Syscalls newer than libseccomp's tables (open_tree_attr...) are matched by number in the
 *     native ABI.
 *
 * Profile semantics, in order of the rules:
 *   - A rule names one syscall or an @group; a later unconditional rule for a syscall replaces
 *     earlier ones; rules with argument conditions are collected (identical conditions: last wins).
 *   - `allow` of a syscall that layer 1 always denies is an error when the syscall is named
 *     directly (the message names the relaxation that would lift it, if any); when it only comes
 *     in through a group (@system-service contains unshare, setns, kcmp...) it stays denied and
 *     --explain counts it. Denying more is always fine.
 *   - Argument conditions need a single syscall, not a group, and cannot be combined with an
 *     unconditional rule of another action (libseccomp cannot say "else"); a conditional rule
 *     with the same action as the unconditional one is subsumed.
 *   - An allowlist always also allows @sbx-launch (@default plus what the launcher needs to reach
 *     execve), as systemd adds @default to every allow-list.
 *
 * Failure is never partial: both filters are fully built before either is loaded, and any
 * libseccomp error is returned (the launcher then exits without running COMMAND).
 *
 * Files: this one builds the contexts and the profile's layer, and loads or exports them;
 * seccomp_always_on.c holds layer 1's table and builder; seccomp_precompiled.c the layer 1
 * programs compiled when sbx was built (seccomp_precompiled.h); seccomp_explain.c prints both. */
#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>

#include "memfd_guard.h"
#include "plan.h"
#include "seccomp_rules.h"
#include "seccomp_internal.h"
#include "seccomp_precompiled.h"
#include "syscall_groups.h"

/* Allowlist default: ENOSYS, because libc and runtimes treat it as "kernel too old" and fall back
 * (faccessat2 -> faccessat, statx -> fstatat, clone3 -> clone); EPERM would break them. */
#define ALLOWLIST_DEFAULT_ERRNO ENOSYS
/* libseccomp's binary tree pays off beyond a handful of syscalls; runc uses 8. Never with zero
 * rules (libseccomp#370: the default action was lost, fixed in 2.5.4, guarded here anyway). */
#define OPTIMIZE_MIN_SYSCALLS 16

/* Syscalls newer than Debian 12's libseccomp (2.5.4 knows up to 453), by x86_64 number. Only the
 * native context carries them: libseccomp cannot translate an unknown number to another ABI, so
 * for i386/x32 under multiarch they are left to the kernel (--explain says so). */
static const struct { const char *name; int nr; } newer_syscalls_x86_64[] = {
	{ "uretprobe", 335 },         { "statmount", 457 },         { "listmount", 458 },
	{ "lsm_get_self_attr", 459 }, { "lsm_set_self_attr", 460 }, { "lsm_list_modules", 461 },
	{ "mseal", 462 },             { "setxattrat", 463 },        { "getxattrat", 464 },
	{ "listxattrat", 465 },       { "removexattrat", 466 },     { "open_tree_attr", 467 },
	{ "file_getattr", 468 },      { "file_setattr", 469 },
};

/* ---- small helpers --------------------------------------------------------------------------- */

const char *origin_or(const char *origin)
{
	return origin ? origin : "?";
}

const char *errno_name(int e)
{
	const char *n = e > 0 ? strerrorname_np(e) : NULL;
	return n ? n : "?";
}

bool multiarch_extra(const struct policy *p)
{
	return p->relax & RELAX_MULTIARCH;
}

/* Resolves a syscall name to the number libseccomp wants (native, or a negative pseudo number
 * for syscalls that only exist on other ABIs). Returns __NR_SCMP_ERROR when nobody knows it. */
int resolve_syscall(const char *name, bool native_only)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr != __NR_SCMP_ERROR)
		/* Negative: a pseudo number for a syscall that only other ABIs have (umount, stime,
		 * socketcall on x86_64). A native-only filter would carry dead comparisons for it. */
		return nr < 0 && native_only ? __NR_SCMP_ERROR : nr;
	if (native_only && seccomp_arch_native() == SCMP_ARCH_X86_64)
		for (size_t i = 0; i < ARRAY_SIZE(newer_syscalls_x86_64); i++)
			if (strcmp(newer_syscalls_x86_64[i].name, name) == 0)
				return newer_syscalls_x86_64[i].nr;
	return __NR_SCMP_ERROR;
}

/* True if name (a syscall) is known to libseccomp or to our table of newer syscalls. */
bool syscall_known(const char *name)
{
	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(newer_syscalls_x86_64); i++)
		if (strcmp(newer_syscalls_x86_64[i].name, name) == 0)
			return true;
	return false;
}

/* Calls fn for each syscall in a space-separated list of syscalls and @groups. */
int for_each_name(const char *names, int (*fn)(const char *, void *), void *userdata)
{
	return syscall_list_expand(names, fn, userdata);
}

const char *relax_name(unsigned bit)
{
	switch (bit) {
	case RELAX_DEVEL:
		return "devel";
	case RELAX_USERNS:
		return "userns";
	case RELAX_MULTIARCH:
		return "multiarch";
	case RELAX_JIT:
		return "jit";
	}
	return "?";
}

static uint32_t action_of(enum seccomp_action action, int errno_value)
{
	switch (action) {
	case SC_ALLOW:
		return SCMP_ACT_ALLOW;
	case SC_ERRNO:
		return SCMP_ACT_ERRNO((uint16_t)errno_value);
	case SC_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case SC_LOG:
		return SCMP_ACT_LOG;
	}
	return SCMP_ACT_KILL_PROCESS;  /* unreachable for validated rules; fail closed */
}

const char *action_name(enum seccomp_action action)
{
	switch (action) {
	case SC_ALLOW:
		return "allow";
	case SC_ERRNO:
		return "errno";
	case SC_KILL:
		return "kill";
	case SC_LOG:
		return "log";
	}
	return "?";
}

const char *cmp_name(enum seccomp_cmp op)
{
	static const char *const names[] = { "==", "!=", "<", "<=", ">", ">=", "&=" };
	return (unsigned)op < ARRAY_SIZE(names) ? names[op] : "?";
}

/* ---- building a context ---------------------------------------------------------------------- */

/* The secondary ABIs multiarch adds on this machine; 0-terminated, empty if there are none. */
static const uint32_t *compat_arches(void)
{
	static const uint32_t x86_64[] = { SCMP_ARCH_X86, SCMP_ARCH_X32, 0 };
	static const uint32_t aarch64[] = { SCMP_ARCH_ARM, 0 };
	static const uint32_t none[] = { 0 };
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64:
		return x86_64;
	case SCMP_ARCH_AARCH64:
		return aarch64;
	}
	return none;
}

bool has_compat_set(const struct policy *p)
{
	return multiarch_extra(p) && compat_arches()[0] != 0;
}

/* A filter context with sbx's attributes: foreign ABIs kill the whole process, raw kernel error
 * codes; ABI_NATIVE holds the native ABI, ABI_COMPAT the ones multiarch adds. */
int new_context(uint32_t def_action, enum abi_set set, scmp_filter_ctx *out, struct sbx_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(def_action);
	if (!ctx)
		return sbx_fail(err, ENOMEM, "seccomp: cannot create a filter");
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (set == ABI_COMPAT) {
		for (const uint32_t *arch = compat_arches(); r == 0 && *arch; arch++)
			r = seccomp_arch_add(ctx, *arch);
		if (r == 0)
			r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	}
	if (r < 0) {
		seccomp_release(ctx);
		return sbx_fail(err, -r, "seccomp: cannot set up the filter architecture");
	}
	*out = ctx;
	return 0;
}

/* Only worth it above a few syscalls, and never with none (libseccomp#370). */
static int maybe_optimize(scmp_filter_ctx ctx, size_t n_syscalls, struct sbx_error *err)
{
	if (n_syscalls < OPTIMIZE_MIN_SYSCALLS)
		return 0;
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	return r < 0 ? sbx_fail(err, -r, "seccomp: cannot enable the binary-tree filter layout") : 0;
}

/* ---- layer 2: the profile -------------------------------------------------------------------- */

struct decision {
	char name[64];
	const struct seccomp_rule *uncond;  /* last unconditional rule, or NULL */
	bool uncond_from_group;
	const struct seccomp_rule **conds;  /* conditional rules, in order */
	size_t n_conds;
};

struct resolution {
	const struct policy *p;
	struct decision *d;
	size_t n;
	size_t kept_denied;  /* group-derived allows that layer 1 keeps denied */
	const struct seccomp_rule *rule;  /* the rule being expanded */
	bool from_group;
	struct sbx_error *err;
};

static void resolution_free(struct resolution *res)
{
	for (size_t i = 0; i < res->n; i++)
		free(res->d[i].conds);
	free(res->d);
	res->d = NULL;
	res->n = 0;
}

static struct decision *decision_for(struct resolution *res, const char *name)
{
	for (size_t i = 0; i < res->n; i++)
		if (strcmp(res->d[i].name, name) == 0)
			return &res->d[i];
	struct decision *d = ARRAY_PUSH(res->d, res->n);
	snprintf(d->name, sizeof(d->name), "%s", name);
	return d;
}

static bool same_conds(const struct seccomp_rule *a, const struct seccomp_rule *b)
{
	if (a->n_conds != b->n_conds)
		return false;
	for (unsigned i = 0; i < a->n_conds; i++) {
		const struct seccomp_arg_cond *x = &a->conds[i], *y = &b->conds[i];
		if (x->arg != y->arg || x->op != y->op || x->value != y->value ||
		    (x->op == SC_CMP_MASKED_EQ && x->mask != y->mask))
			return false;
	}
	return true;
}

static bool is_allowing(enum seccomp_action action)
{
	return action == SC_ALLOW || action == SC_LOG;
}

static int resolve_one(const char *name, void *userdata)
{
	struct resolution *res = userdata;
	const struct seccomp_rule *rule = res->rule;

	if (!syscall_known(name)) {
		if (res->from_group)
			return 0;  /* another ABI's or a future syscall in a systemd group */
		return sbx_fail(res->err, 0, "%s: unknown syscall '%s' in the syscalls rules",
				origin_or(rule->origin), name);
	}
	if (is_allowing(rule->action)) {
		bool lifted;
		const struct always_on *a = always_on_entry(res->p, name, &lifted);
		if (a && !lifted) {
			if (res->from_group) {
				/* Layer 1 keeps it denied. Still allowed here, so that layer 1's errno
				 * (not the allowlist default) is what the program sees. */
				res->kept_denied++;
				goto record;
			}
			sbx_fail(res->err, 0, "%s: '%s %s' conflicts with sbx's always-on protections (%s)",
				 origin_or(rule->origin), action_name(rule->action), name, a->why);
			if (a->lifted_by)
				sbx_hint(res->err, "the relaxation '%s' lifts it: --allow %s, or 'allow %s' in "
					 "the profile", relax_name(a->lifted_by), relax_name(a->lifted_by),
					 relax_name(a->lifted_by));
			else
				sbx_hint(res->err, "no relaxation lifts it; remove the rule");
			return -EPERM;
		}
	}

record:;
	struct decision *d = decision_for(res, name);
	if (rule->n_conds == 0) {
		d->uncond = rule;
		d->uncond_from_group = res->from_group;
		d->n_conds = 0;  /* a later unconditional rule replaces earlier conditional ones */
		return 0;
	}
	for (size_t i = 0; i < d->n_conds; i++)
		if (same_conds(d->conds[i], rule)) {
			d->conds[i] = rule;
			return 0;
		}
	*ARRAY_PUSH(d->conds, d->n_conds) = rule;
	return 0;
}

static int validate_rule(const struct seccomp_rule *rule, struct sbx_error *err)
{
	_cleanup_free_ char *why = seccomp_rule_problem(rule);
	if (!why)
		return 0;
	if (!rule->name || !rule->name[0])
		return sbx_fail(err, 0, "%s: %s", origin_or(rule->origin), why);
	return sbx_fail(err, 0, "%s: %s: %s", origin_or(rule->origin), rule->name, why);
}

static int resolve_profile(const struct policy *p, struct resolution *res, struct sbx_error *err)
{
	*res = (struct resolution){ .p = p, .err = err };
	static const struct seccomp_rule launch_base = {
		.name = (char *)"@sbx-launch", .action = SC_ALLOW, .origin = (char *)"sbx: allowlist base",
	};
	int r = 0;
	if (p->syscall_allowlist) {
		res->rule = &launch_base;
		res->from_group = true;
		r = syscall_group_expand(launch_base.name, resolve_one, res);
	}
	for (size_t i = 0; r == 0 && i < p->n_syscalls; i++) {
		const struct seccomp_rule *rule = &p->syscalls[i];
		r = validate_rule(rule, err);
		if (r < 0)
			break;
		res->rule = rule;
		res->from_group = rule->name[0] == '@';
		if (res->from_group) {
			if (!syscall_group_find(rule->name)) {
				r = sbx_fail(err, 0, "%s: unknown syscall group '%s'", origin_or(rule->origin),
					     rule->name);
				sbx_hint(err, "groups are systemd's (systemd-analyze syscall-filter) plus "
					 "@sandbox and @sbx-launch");
				break;
			}
			r = syscall_group_expand(rule->name, resolve_one, res);
		} else {
			r = resolve_one(rule->name, res);
		}
	}
	if (r < 0) {
		resolution_free(res);
		return r;
	}
	return 0;
}

bool profile_layer_needed(const struct policy *p)
{
	return p->syscall_allowlist || p->n_syscalls > 0;
}

static uint32_t profile_default_action(const struct policy *p)
{
	return p->syscall_allowlist ? SCMP_ACT_ERRNO(ALLOWLIST_DEFAULT_ERRNO) : SCMP_ACT_ALLOW;
}

/* In a denylist, an unconditional errno rule that layer 1 answers alike changes nothing: both
 * filters would return the same errno. Leaving it out spares most shipped profiles (hardened.inc)
 * a second filter: its build at each start, its load, and a second program on every call. In an
 * allowlist the rule is still needed: without it, layer 2's default (ENOSYS) would win. */
static bool always_on_answers_alike(const struct policy *p, const char *name, uint32_t action)
{
	if (p->syscall_allowlist)
		return false;
	bool lifted;
	const struct always_on *a = always_on_entry(p, name, &lifted);
	return a && !lifted && action == action_of(SC_ERRNO, a->errno_value);
}

static int add_profile_decision(const struct policy *p, scmp_filter_ctx ctx, enum abi_set set,
				const struct decision *d, size_t *added, struct sbx_error *err)
{
	uint32_t def = profile_default_action(p);
	int nr = resolve_syscall(d->name, set == ABI_NATIVE);
	if (nr == __NR_SCMP_ERROR)
		return 0;  /* not on these ABIs (another ABI's name, or too new for libseccomp's tables) */

	uint32_t uncond_act = d->uncond ? action_of(d->uncond->action, d->uncond->errno_value) : def;
	if (uncond_act != def) {
		/* libseccomp lets an unconditional rule swallow conditional ones on the same syscall,
		 * so a conditional rule with another action cannot be honoured: refuse it. */
		for (size_t i = 0; i < d->n_conds; i++)
			if (action_of(d->conds[i]->action, d->conds[i]->errno_value) != uncond_act)
				return sbx_fail(err, 0, "%s: %s: the argument rule cannot be combined with "
						"the unconditional '%s' at %s (libseccomp would drop the "
						"argument rule)", origin_or(d->conds[i]->origin), d->name,
						action_name(d->uncond->action), origin_or(d->uncond->origin));
		if (always_on_answers_alike(p, d->name, uncond_act))
			return 0;
		int r = seccomp_rule_add(ctx, uncond_act, nr, 0);
		if (r < 0)
			return sbx_fail(err, -r, "%s: cannot add the rule for %s", origin_or(d->uncond->origin),
					d->name);
		(*added)++;
		return 0;  /* same-action conditional rules are subsumed */
	}
	for (size_t i = 0; i < d->n_conds; i++) {
		const struct seccomp_rule *rule = d->conds[i];
		uint32_t act = action_of(rule->action, rule->errno_value);
		if (act == def)
			continue;  /* e.g. a conditional allow in a denylist: already allowed */
		struct scmp_arg_cmp cmp[6];
		static const enum scmp_compare ops[] = {
			[SC_CMP_EQ] = SCMP_CMP_EQ, [SC_CMP_NE] = SCMP_CMP_NE, [SC_CMP_LT] = SCMP_CMP_LT,
			[SC_CMP_LE] = SCMP_CMP_LE, [SC_CMP_GT] = SCMP_CMP_GT, [SC_CMP_GE] = SCMP_CMP_GE,
			[SC_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
		};
		for (unsigned c = 0; c < rule->n_conds; c++) {
			const struct seccomp_arg_cond *ac = &rule->conds[c];
			cmp[c] = (struct scmp_arg_cmp){
				.arg = ac->arg,
				.op = ops[ac->op],
				.datum_a = ac->op == SC_CMP_MASKED_EQ ? ac->mask : ac->value,
				.datum_b = ac->op == SC_CMP_MASKED_EQ ? ac->value : 0,
			};
		}
		int r = seccomp_rule_add_array(ctx, act, nr, rule->n_conds, cmp);
		if (r < 0)
			return sbx_fail(err, -r, "%s: cannot add the argument rule for %s",
					origin_or(rule->origin), d->name);
		(*added)++;
	}
	return 0;
}

/* *out stays NULL when the profile adds nothing to layer 1. */
static int build_profile(const struct sandbox_plan *pl, enum abi_set set, scmp_filter_ctx *out,
			 size_t *n_syscalls, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	*out = NULL;
	if (!profile_layer_needed(p))
		return 0;
	struct resolution res;
	int r = resolve_profile(p, &res, err);
	if (r < 0)
		return r;

	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	r = new_context(profile_default_action(p), set, &ctx, err);
	size_t added = 0;
	for (size_t i = 0; r == 0 && i < res.n; i++)
		r = add_profile_decision(p, ctx, set, &res.d[i], &added, err);
	resolution_free(&res);
	if (r < 0)
		return r;
	if (added == 0 && !p->syscall_allowlist)
		return 0;  /* every rule was a no-op in a denylist */
	*n_syscalls = added;
	*out = TAKE_PTR(ctx);
	return 0;
}

/* A layer's builder for one ABI set; arg is the always-on key or the plan. */
typedef int (*layer_builder)(const void *arg, enum abi_set, scmp_filter_ctx *, size_t *, struct sbx_error *);

/* One layer: the native context, merged with the compat one under multiarch, then optimised. */
static int build_layer(layer_builder build, const void *arg, bool compat, scmp_filter_ctx *out,
		       struct sbx_error *err)
{
	_cleanup_seccomp_ scmp_filter_ctx native = NULL;
	size_t n_native = 0, n_compat = 0;
	*out = NULL;
	int r = build(arg, ABI_NATIVE, &native, &n_native, err);
	if (r < 0 || !native)
		return r;
	if (compat) {
		scmp_filter_ctx compat_ctx = NULL;
		r = build(arg, ABI_COMPAT, &compat_ctx, &n_compat, err);
		if (r < 0)
			return r;
		if (compat_ctx) {
			r = seccomp_merge(native, compat_ctx);  /* consumes compat_ctx on success */
			if (r < 0) {
				seccomp_release(compat_ctx);
				return sbx_fail(err, -r, "seccomp: cannot merge the multiarch filters");
			}
		}
	}
	r = maybe_optimize(native, n_native > n_compat ? n_native : n_compat, err);
	if (r < 0)
		return r;
	*out = TAKE_PTR(native);
	return 0;
}

static int always_on_builder(const void *key, enum abi_set set, scmp_filter_ctx *out, size_t *n,
			     struct sbx_error *err)
{
	return build_always_on(key, set, out, n, err);
}

static int profile_builder(const void *pl, enum abi_set set, scmp_filter_ctx *out, size_t *n, struct sbx_error *err)
{
	return build_profile(pl, set, out, n, err);
}

int build_always_on_layer(const struct always_on_key *k, scmp_filter_ctx *out, struct sbx_error *err)
{
	return build_layer(always_on_builder, k, k->compat, out, err);
}

static int build_profile_layer(const struct sandbox_plan *pl, scmp_filter_ctx *out, struct sbx_error *err)
{
	return build_layer(profile_builder, pl, has_compat_set(pl->policy), out, err);
}

static int build_layers(const struct sandbox_plan *pl, scmp_filter_ctx layers[2], struct sbx_error *err)
{
	layers[0] = layers[1] = NULL;
	struct always_on_key key;
	always_on_key_of(pl, &key);
	int r = build_always_on_layer(&key, &layers[0], err);
	if (r == 0)
		r = build_profile_layer(pl, &layers[1], err);
	if (r < 0)
		seccomp_releasep(&layers[0]);
	return r;
}

/* For --explain (seccomp_explain.c): group-derived allows that layer 1 keeps denied. */
size_t kept_denied_count(const struct policy *p)
{
	if (!profile_layer_needed(p))
		return 0;
	struct resolution res;
	struct sbx_error ignored;
	if (resolve_profile(p, &res, &ignored) < 0)
		return 0;
	size_t n = res.kept_denied;
	resolution_free(&res);
	return n;
}

/* ---- public API ------------------------------------------------------------------------------ */

/* A layer as the kernel takes it. libseccomp 2.5 compiles only into an fd: a memfd, read back. */
int seccomp_compile(scmp_filter_ctx ctx, struct sock_fprog *out, struct sbx_error *err)
{
	_cleanup_close_ int fd = memfd_create("sbx-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return sbx_fail(err, errno, "seccomp: cannot make a buffer for the filter");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return sbx_fail(err, -r, "seccomp: cannot compile the filter");
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return sbx_fail(err, E2BIG, "seccomp: the compiled filter has %lld bytes", (long long)size);
	struct sock_filter *insns = xmalloc((size_t)size);
	if (pread(fd, insns, (size_t)size, 0) != size) {
		free(insns);
		return sbx_fail(err, EIO, "seccomp: cannot read the compiled filter back");
	}
	*out = (struct sock_fprog){ .len = (unsigned short)(size / (off_t)sizeof(struct sock_filter)),
				    .filter = insns };
	return 0;
}

void seccomp_programs_free(struct sock_fprog programs[2])
{
	for (size_t i = 0; i < 2; i++) {
		free(programs[i].filter);
		programs[i] = (struct sock_fprog){ 0 };
	}
}

/* The parent compiles both layers into the plan (and refuses a bad profile before anything is
 * cloned); the sandbox's pid 1 inherits them in its copy of memory and only loads them (crun's
 * generate/apply split). */
int seccomp_validate(struct sandbox_plan *pl, struct sbx_error *err)
{
	seccomp_programs_free(pl->seccomp);
	struct always_on_key key;
	always_on_key_of(pl, &key);
	int r = 0;
	/* Layer 1 as compiled when sbx was built, when its key is one of those (most runs): libseccomp
	 * spends ~2,000 allocations on it otherwise. */
	if (!seccomp_precompiled_copy(&key, &pl->seccomp[0])) {
		_cleanup_seccomp_ scmp_filter_ctx always_on = NULL;
		r = build_always_on_layer(&key, &always_on, err);
		if (r == 0)
			r = seccomp_compile(always_on, &pl->seccomp[0], err);
	}
	_cleanup_seccomp_ scmp_filter_ctx profile = NULL;
	if (r == 0)
		r = build_profile_layer(pl, &profile, err);
	if (r == 0 && profile)
		r = seccomp_compile(profile, &pl->seccomp[1], err);
	if (r < 0)
		seccomp_programs_free(pl->seccomp);
	return r;
}

int seccomp_apply(const struct sandbox_plan *pl, int *listener, struct sbx_error *err)
{
	*listener = -1;
	if (!pl->seccomp[0].filter)
		return sbx_fail(err, EINVAL, "seccomp: the filter was not built before the sandbox");
	for (size_t i = 0; i < 2; i++) {
		if (!pl->seccomp[i].filter)
			continue;
		/* Only layer 1 notifies (the memfd guard, socket x11's connect): it brings the listener. */
		unsigned flags = i == 0 && pl->memfd_guard == MEMFD_GUARD_ON ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &pl->seccomp[i]);
		if (r < 0)
			return sbx_fail(err, errno, "cannot load the seccomp filter (%s)",
					i == 0 ? "always-on protections" : "profile rules");
		if (flags)
			*listener = (int)r;
	}
	return 0;
}

static int export_one(scmp_filter_ctx ctx, const char *title, FILE *pfc, int bpf_fd,
		      struct sbx_error *err)
{
	if (pfc) {
		fprintf(pfc, "#\n# sbx seccomp filter: %s\n", title);
		if (fflush(pfc) != 0)
			return sbx_fail(err, errno, "cannot write the PFC text");
		int r = seccomp_export_pfc(ctx, fileno(pfc));
		if (r < 0)
			return sbx_fail(err, -r, "cannot write the PFC text");
	}
	if (bpf_fd >= 0) {
		int r = seccomp_export_bpf(ctx, bpf_fd);
		if (r < 0)
			return sbx_fail(err, -r, "cannot write the BPF program");
	}
	return 0;
}

static const char *const layer_titles[] = {
	"1/2 always-on protections (every sandbox)",
	"2/2 profile rules (stacked: the kernel applies the stricter answer of both)",
};

int seccomp_export_layer(const struct sandbox_plan *pl, enum seccomp_layer layer, FILE *pfc, int bpf_fd,
			 struct sbx_error *err)
{
	if (layer != SECCOMP_LAYER_ALWAYS_ON && layer != SECCOMP_LAYER_PROFILE)
		return sbx_fail(err, EINVAL, "no such seccomp layer");
	scmp_filter_ctx layers[2];
	int r = build_layers(pl, layers, err);
	if (r < 0)
		return r;
	if (!layers[layer])
		r = -ENOENT;
	else
		r = export_one(layers[layer], layer_titles[layer], pfc, bpf_fd, err);
	for (size_t i = 0; i < 2; i++)
		seccomp_releasep(&layers[i]);
	return r;
}

int seccomp_export(const struct sandbox_plan *pl, FILE *pfc, int bpf_fd, struct sbx_error *err)
{
	scmp_filter_ctx layers[2];
	int r = build_layers(pl, layers, err);
	if (r < 0)
		return r;
	for (size_t i = 0; r == 0 && i < 2; i++)
		if (layers[i])
			r = export_one(layers[i], layers[1] ? layer_titles[i] : "always-on protections",
				       pfc, bpf_fd, err);
	if (r == 0 && pfc && fflush(pfc) != 0)
		r = sbx_fail(err, errno, "cannot write the PFC text");
	for (size_t i = 0; i < 2; i++)
		seccomp_releasep(&layers[i]);
	return r;
}

size_t seccomp_layer_count(const struct sandbox_plan *pl)
{
	scmp_filter_ctx layers[2];
	struct sbx_error ignored;
	if (build_layers(pl, layers, &ignored) < 0)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < 2; i++)
		if (layers[i]) {
			n++;
			seccomp_releasep(&layers[i]);
		}
	return n;
}
