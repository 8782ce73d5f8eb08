/* Layer 1 of the seccomp filter: the always-on table and the filter built from it (the decisions
 * are listed at the top of seccomp.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "mdwe.h"
#include "memfd_guard.h"
#include "seccomp_internal.h"
#include "x11.h"
#include "plan.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

/* ---- layer 1: the always-on table ------------------------------------------------------------ */

const struct always_on always_on_denied[] = {
	{ "mount umount umount2 pivot_root", EPERM, 0, "mount API: the sandbox cannot rearrange its view" },
	{ "chroot", EPERM, RELAX_USERNS, "chroot (Chromium's userns sandbox needs it)" },
	{ "fsopen fsconfig fsmount fspick open_tree move_mount mount_setattr open_tree_attr", ENOSYS, 0,
	  "new mount API (ENOSYS as in Flatpak, CVE-2021-41133)" },
	{ "setns", EPERM, 0, "joining other namespaces" },
	{ "clone3", ENOSYS, 0, "clone3 flags are in memory and cannot be checked; libc falls back to clone" },
	{ "@keyring", EPERM, 0, "kernel keyrings are not namespaced" },
	{ "bpf", EPERM, 0, "eBPF" },
	{ "perf_event_open", EPERM, RELAX_DEVEL, "perf events (profilers)" },
	{ "ptrace", EPERM, RELAX_DEVEL, "ptrace (debuggers)" },
	{ "process_vm_readv process_vm_writev", EPERM, RELAX_DEVEL, "cross-process memory access" },
	{ "kcmp", EPERM, RELAX_DEVEL, "kernel object comparison (checkpoint/restore, debuggers)" },
	{ "pidfd_getfd", EPERM, RELAX_DEVEL, "copying another process's descriptors (debuggers)" },
	{ "ioperm iopl", EPERM, 0, "raw I/O ports" },
	{ "lookup_dcookie", EPERM, 0, "profiler directory cookies (gone since Linux 6.8)" },
	{ "kexec_load kexec_file_load reboot", EPERM, 0, "reboot and kexec" },
	{ "@module", EPERM, 0, "kernel modules" },
	{ "syslog", EPERM, 0, "kernel log" },
	{ "acct", EPERM, 0, "process accounting" },
	{ "quotactl quotactl_fd", EPERM, 0, "disk quotas" },
	{ "userfaultfd", EPERM, 0, "userfaultfd (exploit primitive)" },
	{ "io_uring_setup io_uring_enter io_uring_register", EPERM, 0,
	  "io_uring (EPERM, as with the kernel's io_uring_disabled)" },
	{ "open_by_handle_at name_to_handle_at", EPERM, 0, "file handles bypass path checks" },
	{ "@swap", EPERM, 0, "swap devices" },
	{ "@clock", EPERM, 0, "setting the clock" },
	{ "set_mempolicy mbind move_pages migrate_pages get_mempolicy set_mempolicy_home_node", EPERM, 0,
	  "NUMA memory policy" },
	{ "@obsolete", EPERM, 0, "obsolete syscalls" },
	{ "modify_ldt", EPERM, RELAX_MULTIARCH, "LDT changes (16-bit code, Wine)" },
};
const size_t n_always_on_denied = ARRAY_SIZE(always_on_denied);

/* Namespace flags checked on clone and unshare. CLONE_NEWTIME shares its bit with clone()'s
 * exit-signal byte and clone() never accepts it, so it is only checked on unshare. */
static const struct { unsigned long flag; const char *name; } ns_flags[] = {
	{ CLONE_NEWUSER, "CLONE_NEWUSER" }, { CLONE_NEWNS, "CLONE_NEWNS" },
	{ CLONE_NEWPID, "CLONE_NEWPID" },   { CLONE_NEWNET, "CLONE_NEWNET" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS" },   { CLONE_NEWIPC, "CLONE_NEWIPC" },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP" }, { CLONE_NEWTIME, "CLONE_NEWTIME" },
};

/* socket() families that stay available; everything else is EAFNOSUPPORT. */
static const int allowed_families[] = { AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

static int match_name(const char *syscall, void *userdata)
{
	return strcmp(syscall, (const char *)userdata) == 0 ? -EEXIST : 0;
}

/* The always-on entry that unconditionally denies syscall under p's relaxations, or NULL. With
 * lifted non-NULL, also reports an entry that a relaxation has lifted. */
const struct always_on *always_on_entry(const struct policy *p, const char *syscall, bool *lifted)
{
	if (lifted)
		*lifted = false;
	for (size_t i = 0; i < ARRAY_SIZE(always_on_denied); i++) {
		const struct always_on *a = &always_on_denied[i];
		if (for_each_name(a->names, match_name, (void *)syscall) != -EEXIST)
			continue;
		if (!(a->lifted_by & p->relax))
			return a;
		if (lifted) {
			*lifted = true;
			return a;
		}
	}
	return NULL;
}

struct add_ctx {
	scmp_filter_ctx ctx;
	uint32_t action;
	bool native_only;
	size_t added;  /* syscalls given a rule */
	const char *what;  /* for error messages */
	struct sbx_error *err;
};

static int add_unconditional(const char *name, void *userdata)
{
	struct add_ctx *a = userdata;
	int nr = resolve_syscall(name, a->native_only);
	if (nr == __NR_SCMP_ERROR)
		return 0;  /* too new for libseccomp, or another ABI's name: nothing to filter */
	int r = seccomp_rule_add(a->ctx, a->action, nr, 0);
	if (r == -EACCES)
		return 0;  /* same as the default action: nothing to add */
	if (r < 0)
		return sbx_fail(a->err, -r, "seccomp: cannot add the rule for %s (%s)", name, a->what);
	a->added++;
	return 0;
}

static int add_cond(scmp_filter_ctx ctx, uint32_t action, const char *name, struct scmp_arg_cmp cmp,
		    struct sbx_error *err)
{
	int r = seccomp_rule_add(ctx, action, seccomp_syscall_resolve_name(name), 1, cmp);
	return r < 0 ? sbx_fail(err, -r, "seccomp: cannot add the argument rule for %s", name) : 0;
}

void always_on_key_of(const struct sandbox_plan *pl, struct always_on_key *k)
{
	const struct policy *p = pl->policy;
	memset(k, 0, sizeof(*k));
	k->relax = p->relax;
	k->compat = has_compat_set(p);
	k->memfd_notify = pl->memfd_guard == MEMFD_GUARD_ON;
	k->mdwe_seccomp = mdwe_mode(p) == MDWE_SECCOMP;
	k->x11 = (int)x11_abstract_refusal(pl);
	k->x11_addrlen = k->x11 != X11_ABSTRACT_NONE ? (uint32_t)pl->x11.abstract_addrlen : 0;
}

bool always_on_key_equal(const struct always_on_key *a, const struct always_on_key *b)
{
	return a->relax == b->relax && a->compat == b->compat && a->memfd_notify == b->memfd_notify &&
	       a->mdwe_seccomp == b->mdwe_seccomp && a->x11 == b->x11 && a->x11_addrlen == b->x11_addrlen;
}

int build_always_on(const struct always_on_key *k, enum abi_set set, scmp_filter_ctx *out, size_t *n_syscalls,
		    struct sbx_error *err)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r = new_context(SCMP_ACT_ALLOW, set, &ctx, err);
	if (r < 0)
		return r;

	struct add_ctx a = { .ctx = ctx, .native_only = set == ABI_NATIVE, .err = err };
	for (size_t i = 0; i < ARRAY_SIZE(always_on_denied); i++) {
		const struct always_on *e = &always_on_denied[i];
		if (e->lifted_by & k->relax)
			continue;
		a.action = SCMP_ACT_ERRNO((uint16_t)e->errno_value);
		a.what = e->why;
		r = for_each_name(e->names, add_unconditional, &a);
		if (r < 0)
			return r == -ENOENT ? sbx_fail(err, ENOENT, "seccomp: bad always-on table entry '%s'",
						       e->names) : r;
	}

	/* Namespaces: any CLONE_NEW* bit makes clone/unshare fail, one masked rule per bit. */
	if (!(k->relax & RELAX_USERNS)) {
		for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++) {
			unsigned long f = ns_flags[i].flag;
			if (f != CLONE_NEWTIME) {
				r = add_cond(ctx, SCMP_ACT_ERRNO(EPERM), "clone",
					     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f), err);
				if (r < 0)
					return r;
			}
			r = add_cond(ctx, SCMP_ACT_ERRNO(EPERM), "unshare", SCMP_A0(SCMP_CMP_MASKED_EQ, f, f),
				     err);
			if (r < 0)
				return r;
		}
	}

	/* Terminal input injection, and changes that would outlive the sandbox on a terminal it
	 * shares (line discipline, exclusive mode). The kernel only looks at the low 32 bits of the
	 * request (CVE-2019-10063). */
	static const unsigned long tty_inject[] = { TIOCSTI, TIOCLINUX, TIOCSETD, TIOCEXCL };
	for (size_t i = 0; i < ARRAY_SIZE(tty_inject); i++) {
		r = add_cond(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl",
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, tty_inject[i]), err);
		if (r < 0)
			return r;
	}

	/* personality: only PER_LINUX (0), which is what every personality() call that does not
	 * change anything passes; ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC etc. are > 0. */
	if (!(k->relax & RELAX_DEVEL)) {
		r = add_cond(ctx, SCMP_ACT_ERRNO(EPERM), "personality", SCMP_A0(SCMP_CMP_GT, PER_LINUX), err);
		if (r < 0)
			return r;
	}

	/* Executable memfds, and running any descriptor (fexecve): see the top of the file. With the
	 * guard, a memfd_create with neither MFD_EXEC nor MFD_NOEXEC_SEAL goes to pid 1. */
	if (!(k->relax & (RELAX_JIT | RELAX_DEVEL))) {
		/* MFD_EXEC without MFD_NOEXEC_SEAL: both together are EINVAL from the kernel, which
		 * Chromium's probe with every flag bit set expects (it aborts on EACCES). */
		r = add_cond(ctx, SCMP_ACT_ERRNO(EACCES), "memfd_create",
			     SCMP_A1(SCMP_CMP_MASKED_EQ, MFD_EXEC | MFD_NOEXEC_SEAL, MFD_EXEC), err);
		if (r == 0 && k->memfd_notify)
			r = add_cond(ctx, SCMP_ACT_NOTIFY, "memfd_create",
				     SCMP_A1(SCMP_CMP_MASKED_EQ, MFD_EXEC | MFD_NOEXEC_SEAL, 0), err);
		if (r == 0)
			r = add_cond(ctx, SCMP_ACT_ERRNO(EACCES), "execveat",
				     SCMP_A4(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH), err);
		if (r < 0)
			return r;
	}

	/* socket(): deny every gap between the allowed families, then everything above the last
	 * (which, compared on 64 bits, also catches high bits and negative ints). */
	int lo = 0;
	for (size_t i = 0; i < ARRAY_SIZE(allowed_families); i++) {
		for (int fam = lo; fam < allowed_families[i]; fam++) {
			r = add_cond(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket",
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fam), err);
			if (r < 0)
				return r;
		}
		lo = allowed_families[i] + 1;
	}
	r = add_cond(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", SCMP_A0(SCMP_CMP_GE, (scmp_datum_t)lo),
		     err);
	if (r < 0)
		return r;

	/* socket x11 with the host's network (x11.h): libxcb falls back to the path socket only on
	 * ECONNREFUSED, and Landlock says EPERM. Only this exact length names the abstract socket. */
	if (k->x11 != X11_ABSTRACT_NONE) {
		r = add_cond(ctx, k->x11 == X11_ABSTRACT_NOTIFY ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(ECONNREFUSED), "connect",
			     SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)k->x11_addrlen), err);
		if (r < 0)
			return r;
	}

	/* memory-deny-write-execute where the kernel has no prctl for it (mdwe.h). */
	if (k->mdwe_seccomp) {
		r = mdwe_seccomp_rules(ctx, set == ABI_COMPAT, &a.added, err);
		if (r < 0)
			return r;
	}

	*n_syscalls = a.added + 7 + (k->x11 != X11_ABSTRACT_NONE);  /* + clone, unshare, ioctl, personality,
								    * memfd_create, execveat, socket, connect */
	*out = TAKE_PTR(ctx);
	return 0;
}
