/* Unit tests for the seccomp layer: group table, rule validation, PFC export, and the decisions of
 * the exported BPF, run through a small interpreter so every always-on rule is checked against
 * exactly the program the kernel would load (including the rules the kernel would also refuse for
 * lack of capabilities, which an integration probe cannot tell apart). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy.h"
#include "plan.h"
#include "seccomp.h"
#include "syscall_groups.h"

/* ---- a seccomp cBPF interpreter (the subset libseccomp emits, anything else fails the test) --- */

struct prog {
	struct sock_filter *insns;
	size_t len;
};

static uint32_t bpf_run(const struct prog *prog, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(f->k + 4 <= sizeof(*d) && f->k % 4 == 0);
			memcpy(&a, (const char *)d + f->k, 4);
			break;
		case BPF_LD | BPF_IMM:
			a = f->k;
			break;
		case BPF_LDX | BPF_IMM:
			x = f->k;
			break;
		case BPF_LD | BPF_MEM:
			a = mem[f->k];
			break;
		case BPF_LDX | BPF_MEM:
			x = mem[f->k];
			break;
		case BPF_ST:
			mem[f->k] = a;
			break;
		case BPF_STX:
			mem[f->k] = x;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= f->k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			fail_msg("unexpected BPF opcode %#x at %zu", f->code, pc);
		}
	}
	fail_msg("BPF program ran off its end");
	return 0;
}

/* The kernel runs every filter and keeps the most restrictive action (lowest as s32). */
static uint32_t stack_run(const struct prog *progs, size_t n, const struct seccomp_data *d)
{
	uint32_t ret = SECCOMP_RET_ALLOW;
	for (size_t i = n; i-- > 0;) {
		uint32_t cur = bpf_run(&progs[i], d);
		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = cur;
	}
	return ret;
}

/* The plan of p as plan_build starts it: nothing probed, the memfd guard unplanned. One at a
 * time: the previous one is freed. */
static struct sandbox_plan *plan_of(const struct policy *p)
{
	static struct sandbox_plan pl;
	if (pl.policy)
		plan_free(&pl);
	plan_init(&pl, p, NULL, true);
	return &pl;
}

static bool load_layer(const struct policy *p, enum seccomp_layer layer, struct prog *out)
{
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	assert_true(fd >= 0);
	struct sbx_error err = { 0 };
	int r = seccomp_export_layer(plan_of(p), layer, NULL, fd, &err);
	if (r == -ENOENT) {
		close(fd);
		return false;
	}
	if (r < 0)
		fail_msg("export failed: %s", err.msg);
	off_t size = lseek(fd, 0, SEEK_END);
	assert_true(size > 0 && size % sizeof(struct sock_filter) == 0);
	out->len = (size_t)size / sizeof(struct sock_filter);
	out->insns = malloc((size_t)size);
	assert_int_equal(pread(fd, out->insns, (size_t)size, 0), size);
	close(fd);
	return true;
}

struct stack {
	struct prog progs[2];
	size_t n;
};

static void stack_load(const struct policy *p, struct stack *s)
{
	s->n = 0;
	assert_true(load_layer(p, SECCOMP_LAYER_ALWAYS_ON, &s->progs[s->n]));
	s->n++;
	if (load_layer(p, SECCOMP_LAYER_PROFILE, &s->progs[s->n]))
		s->n++;
}

static void stack_free(struct stack *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->progs[i].insns);
}

#define ERRNO_RET(e) (SECCOMP_RET_ERRNO | (e))

static uint32_t decide(const struct stack *s, uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1 } };
	return stack_run(s->progs, s->n, &d);
}

#define X86_64 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386
#define X32_BIT 0x40000000

/* ---- helpers to build policies --------------------------------------------------------------- */

static struct seccomp_rule *add_rule(struct policy *p, const char *name, enum seccomp_action action,
				     int errno_value, const char *origin)
{
	struct seccomp_rule *r = ARRAY_PUSH(p->syscalls, p->n_syscalls);
	r->name = xstrdup(name);
	r->action = action;
	r->errno_value = errno_value;
	r->origin = xstrdup(origin);
	return r;
}

static void add_cond(struct seccomp_rule *r, unsigned arg, enum seccomp_cmp op, unsigned long long value)
{
	r->conds[r->n_conds++] = (struct seccomp_arg_cond){ .arg = arg, .op = op, .value = value };
}

static int validate(const struct policy *p, struct sbx_error *err)
{
	memset(err, 0, sizeof(*err));
	return seccomp_validate(plan_of(p), err);
}

/* ---- groups ---------------------------------------------------------------------------------- */

static int count_cb(const char *name, void *userdata)
{
	(void)name;
	(*(size_t *)userdata)++;
	return 0;
}

static void test_group_lookup(void **state)
{
	(void)state;
	const struct syscall_group *g = syscall_group_find("@mount");
	assert_non_null(g);
	assert_string_equal(g->name, "@mount");
	assert_null(syscall_group_find("mount"));
	assert_null(syscall_group_find("@no-such-group"));
	assert_null(syscall_group_find(NULL));
	assert_true(syscall_group_contains("@mount", "pivot_root"));
	assert_false(syscall_group_contains("@mount", "read"));
	/* Nested: @system-service -> @basic-io -> read, -> @default -> execve. */
	assert_true(syscall_group_contains("@system-service", "read"));
	assert_true(syscall_group_contains("@system-service", "execve"));
	assert_true(syscall_group_contains("@sandbox", "landlock_restrict_self"));
	size_t n = 0;
	assert_int_equal(syscall_list_expand("mount  @swap", count_cb, &n), 0);
	assert_int_equal(n, 3);  /* mount swapoff swapon */
	assert_int_equal(syscall_list_expand("mount @nope", count_cb, &n), -ENOENT);
	static const char *const systemd_groups[] = { "@default", "@privileged", "@raw-io", "@module",
						      "@reboot", "@swap", "@obsolete", "@cpu-emulation",
						      "@debug", "@clock", "@keyring", "@resources" };
	for (size_t i = 0; i < ARRAY_SIZE(systemd_groups); i++)
		assert_non_null(syscall_group_find(systemd_groups[i]));
}

static void test_group_table_consistent(void **state)
{
	(void)state;
	size_t n;
	const struct syscall_group *all = syscall_groups_all(&n);
	assert_true(n >= 29);
	for (size_t i = 0; i < n; i++) {
		size_t members = 0;
		/* Every nested reference resolves and there are no cycles. */
		assert_int_equal(syscall_group_expand(all[i].name, count_cb, &members), 0);
		assert_true(members > 0);
		assert_non_null(all[i].description);
	}
	assert_int_equal(syscall_group_expand("@nope", count_cb, &n), -ENOENT);
}

/* ---- validation ------------------------------------------------------------------------------ */

static void test_validate_default_ok(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct sbx_error err;
	assert_int_equal(validate(&p, &err), 0);
	assert_int_equal(seccomp_layer_count(plan_of(&p)), 1);
	policy_free(&p);
}

static void test_validate_unknown_names(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	add_rule(&p, "no_such_syscall", SC_ERRNO, EPERM, "app.sbx:7");
	struct sbx_error err;
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "no_such_syscall"));
	assert_non_null(strstr(err.msg, "app.sbx:7"));
	policy_free(&p);

	policy_init(&p);
	add_rule(&p, "@no-such-group", SC_ERRNO, EPERM, "app.sbx:9");
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "@no-such-group"));
	assert_non_null(strstr(err.msg, "app.sbx:9"));
	policy_free(&p);
}

static void test_validate_bad_rules(void **state)
{
	(void)state;
	struct sbx_error err;
	struct policy p;

	policy_init(&p);
	add_rule(&p, "read", SC_ERRNO, 0, "f:1");
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "errno"));
	policy_free(&p);

	policy_init(&p);
	add_cond(add_rule(&p, "@privileged", SC_ERRNO, EPERM, "f:2"), 0, SC_CMP_EQ, 1);
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "single syscall"));
	policy_free(&p);

	policy_init(&p);
	add_cond(add_rule(&p, "write", SC_ERRNO, EPERM, "f:3"), 6, SC_CMP_EQ, 1);
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "argument 6"));
	policy_free(&p);

	policy_init(&p);
	struct seccomp_rule *r = add_rule(&p, "write", SC_ERRNO, EPERM, "f:4");
	add_cond(r, 0, SC_CMP_GE, 1);
	add_cond(r, 0, SC_CMP_LE, 5);
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "compared twice"));
	policy_free(&p);

	/* An allowlist cannot say "allow ioctl, except ...": libseccomp would drop the exception. */
	policy_init(&p);
	p.syscall_allowlist = true;
	add_rule(&p, "ioctl", SC_ALLOW, 0, "f:5");
	add_cond(add_rule(&p, "ioctl", SC_ERRNO, EPERM, "f:6"), 1, SC_CMP_EQ, 0x1234);
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "ioctl"));
	assert_non_null(strstr(err.msg, "f:6"));
	policy_free(&p);
}

static void test_validate_allow_vs_always_on(void **state)
{
	(void)state;
	struct sbx_error err;
	struct policy p;

	/* No relaxation lifts mount. */
	policy_init(&p);
	add_rule(&p, "mount", SC_ALLOW, 0, "f:1");
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.msg, "mount"));
	assert_non_null(strstr(err.msg, "f:1"));
	assert_non_null(strstr(err.hint, "no relaxation"));
	policy_free(&p);

	/* ptrace: the error names the relaxation, and the relaxation makes the rule valid. */
	policy_init(&p);
	add_rule(&p, "ptrace", SC_LOG, 0, "f:2");
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.hint, "devel"));
	p.relax |= RELAX_DEVEL;
	assert_int_equal(validate(&p, &err), 0);
	policy_free(&p);

	policy_init(&p);
	add_rule(&p, "chroot", SC_ALLOW, 0, "f:3");
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.hint, "userns"));
	policy_free(&p);

	policy_init(&p);
	add_rule(&p, "modify_ldt", SC_ALLOW, 0, "f:4");
	assert_true(validate(&p, &err) < 0);
	assert_non_null(strstr(err.hint, "multiarch"));
	policy_free(&p);

	/* Through a group it is accepted (and stays denied, see the BPF tests). Denying is free. */
	policy_init(&p);
	p.syscall_allowlist = true;
	add_rule(&p, "@system-service", SC_ALLOW, 0, "f:5");
	add_rule(&p, "mount", SC_ERRNO, EACCES, "f:6");
	add_rule(&p, "ioctl", SC_ALLOW, 0, "f:7");  /* conditionally denied only: fine */
	assert_int_equal(validate(&p, &err), 0);
	assert_int_equal(seccomp_layer_count(plan_of(&p)), 2);
	policy_free(&p);
}

/* ---- export ---------------------------------------------------------------------------------- */

static char *export_pfc(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	/* libseccomp writes to the fd, so go through a temporary file. */
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	struct sbx_error err = { 0 };
	if (seccomp_export(plan_of(p), tmp, -1, &err) < 0)
		fail_msg("export: %s", err.msg);
	rewind(tmp);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		fwrite(chunk, 1, n, f);
	fclose(tmp);
	fclose(f);
	return buf;
}

static void test_export_pfc_always_on(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	char *pfc = export_pfc(&p);
	static const char *const needles[] = {
		     "always-on protections", "\"mount\"", "\"umount2\"", "\"pivot_root\"", "\"chroot\"",
		     "\"setns\"", "\"clone3\"", "\"fsopen\"", "\"move_mount\"", "\"bpf\"", "\"ptrace\"",
		     "\"perf_event_open\"", "\"keyctl\"", "\"io_uring_setup\"", "\"userfaultfd\"",
		     "\"open_by_handle_at\"", "\"kexec_load\"", "\"init_module\"", "\"modify_ldt\"",
		     "\"personality\"", "\"socket\"", "\"ioctl\"", "\"clone\"", "\"unshare\"",
		     "ERRNO(38)", "ERRNO(1)", "ERRNO(97)", "invalid architecture action" };
	for (size_t i = 0; i < ARRAY_SIZE(needles); i++)
		if (!strstr(pfc, needles[i]))
			fail_msg("PFC lacks %s", needles[i]);
	/* TIOCSTI, TIOCLINUX, TIOCSETD, TIOCEXCL compared on the low 32 bits only. */
	static const unsigned long tty_reqs[] = { TIOCSTI, TIOCLINUX, TIOCSETD, TIOCEXCL };
	for (size_t i = 0; i < ARRAY_SIZE(tty_reqs); i++) {
		char masked[64];
		snprintf(masked, sizeof(masked), "$a1.lo32 & 0xffffffff == %lu", tty_reqs[i]);
		if (!strstr(pfc, masked))
			fail_msg("PFC lacks the masked ioctl compare '%s'", masked);
	}
	assert_null(strstr(pfc, "profile rules"));
	free(pfc);

	/* With relaxations the lifted rules disappear. */
	policy_init(&p);
	p.relax = RELAX_DEVEL;
	pfc = export_pfc(&p);
	assert_null(strstr(pfc, "\"ptrace\""));
	assert_null(strstr(pfc, "\"personality\""));
	assert_non_null(strstr(pfc, "\"mount\""));
	free(pfc);
	policy_free(&p);
}

static void test_export_pfc_two_layers(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	add_rule(&p, "@privileged", SC_ERRNO, EACCES, "f:1");
	char *pfc = export_pfc(&p);
	assert_non_null(strstr(pfc, "1/2 always-on"));
	assert_non_null(strstr(pfc, "2/2 profile rules"));
	assert_non_null(strstr(pfc, "ERRNO(13)"));
	free(pfc);
	policy_free(&p);
}

/* ---- BPF decisions --------------------------------------------------------------------------- */

static void test_bpf_always_on(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct stack s;
	stack_load(&p, &s);
	assert_int_equal(s.n, 1);

	assert_int_equal(decide(&s, X86_64, SYS_read, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_mount, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_pivot_root, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_chroot, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_setns, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_clone3, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, SYS_fsopen, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, SYS_mount_setattr, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, 467 /* open_tree_attr */, 0, 0), ERRNO_RET(ENOSYS));
	static const int denied[] = { SYS_kexec_load, SYS_kexec_file_load, SYS_init_module, SYS_finit_module,
			       SYS_delete_module, SYS_syslog, SYS_acct, SYS_swapon, SYS_swapoff,
			       SYS_reboot, SYS_bpf, SYS_userfaultfd, SYS_io_uring_setup, SYS_keyctl,
			       SYS_uselib, SYS_modify_ldt, SYS_settimeofday, SYS_clock_settime,
			       SYS_mbind, SYS_get_mempolicy, SYS_ptrace, SYS_kcmp, SYS_perf_event_open };
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		assert_int_equal(decide(&s, X86_64, denied[i], 0, 0), ERRNO_RET(EPERM));

	/* clone: plain fork and threads pass, any namespace flag fails. */
	assert_int_equal(decide(&s, X86_64, SYS_clone, SIGCHLD, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
				CLONE_CHILD_CLEARTID, 0), SECCOMP_RET_ALLOW);
	static const unsigned long ns[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
					    CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP };
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		assert_int_equal(decide(&s, X86_64, SYS_clone, ns[i] | SIGCHLD, 0), ERRNO_RET(EPERM));
		assert_int_equal(decide(&s, X86_64, SYS_unshare, ns[i], 0), ERRNO_RET(EPERM));
	}
	assert_int_equal(decide(&s, X86_64, SYS_unshare, 0x80 /* CLONE_NEWTIME */, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_unshare, CLONE_FILES, 0), SECCOMP_RET_ALLOW);

	/* ioctl: the low 32 bits decide (CVE-2019-10063). */
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCSTI), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, (0x123ULL << 32) | TIOCSTI), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCLINUX), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, (1ULL << 63) | TIOCLINUX), ERRNO_RET(EPERM));
	/* Line discipline and exclusive mode would outlive the sandbox on a shared terminal. */
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCSETD), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, (0x5ULL << 32) | TIOCSETD), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCEXCL), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, (1ULL << 40) | TIOCEXCL), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCNXCL), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCGETD), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TCGETS), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCNOTTY), SECCOMP_RET_ALLOW);

	/* personality: only PER_LINUX. */
	assert_int_equal(decide(&s, X86_64, SYS_personality, PER_LINUX, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_personality, ADDR_NO_RANDOMIZE, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_personality, 0xffffffff, 0), ERRNO_RET(EPERM));

	/* socket families. */
	static const int allowed_fam[] = { AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
	for (size_t i = 0; i < ARRAY_SIZE(allowed_fam); i++)
		assert_int_equal(decide(&s, X86_64, SYS_socket, (uint64_t)allowed_fam[i], 0), SECCOMP_RET_ALLOW);
	static const int denied_fam[] = { 3, AF_KEY, AF_PACKET, AF_BLUETOOTH, AF_ALG, 40 /* VSOCK */, 44 /* XDP */,
				 9, 11, 17, 255, -1 };
	for (size_t i = 0; i < ARRAY_SIZE(denied_fam); i++)
		assert_int_equal(decide(&s, X86_64, SYS_socket, (uint64_t)(int64_t)denied_fam[i], 0),
				 ERRNO_RET(EAFNOSUPPORT));
	assert_int_equal(decide(&s, X86_64, SYS_socket, (1ULL << 32) | AF_UNIX, 0), ERRNO_RET(EAFNOSUPPORT));

	/* Foreign ABIs kill the process. */
	assert_int_equal(decide(&s, I386, 20 /* getpid */, 0, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(decide(&s, X86_64, X32_BIT | SYS_getpid, 0, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(decide(&s, AUDIT_ARCH_AARCH64, 0, 0, 0), SECCOMP_RET_KILL_PROCESS);
	stack_free(&s);
	policy_free(&p);
}

static void test_bpf_relaxations(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct stack s;

	p.relax = RELAX_DEVEL;
	stack_load(&p, &s);
	static const int devel[] = { SYS_ptrace, SYS_perf_event_open, SYS_process_vm_readv, SYS_kcmp };
	for (size_t i = 0; i < ARRAY_SIZE(devel); i++)
		assert_int_equal(decide(&s, X86_64, devel[i], 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_personality, ADDR_NO_RANDOMIZE, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_clone, CLONE_NEWUSER, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_bpf, 0, 0), ERRNO_RET(EPERM));
	stack_free(&s);

	p.relax = RELAX_USERNS;
	stack_load(&p, &s);
	assert_int_equal(decide(&s, X86_64, SYS_clone, CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD, 0),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_chroot, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_setns, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_mount, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_ptrace, 0, 0), ERRNO_RET(EPERM));
	stack_free(&s);

	/* multiarch: i386 and x32 are filtered by the same rules instead of killed. */
	p.relax = RELAX_MULTIARCH;
	stack_load(&p, &s);
	assert_int_equal(decide(&s, I386, 20 /* getpid */, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, I386, 21 /* mount */, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, I386, 120 /* clone */, CLONE_NEWUSER, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, I386, 54 /* ioctl */, 0, TIOCSTI), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, X32_BIT | SYS_getpid, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, X32_BIT | SYS_mount, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_modify_ldt, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, 467 /* open_tree_attr */, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, SYS_ptrace, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, AUDIT_ARCH_AARCH64, 0, 0, 0), SECCOMP_RET_KILL_PROCESS);
	stack_free(&s);
	policy_free(&p);
}

static void test_bpf_profile_denylist(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	add_rule(&p, "@swap", SC_ERRNO, EACCES, "f:1");  /* already denied: the stricter/first wins */
	add_rule(&p, "@privileged", SC_ERRNO, EACCES, "f:2");
	add_rule(&p, "chown", SC_ALLOW, 0, "f:3");  /* exempt one syscall from the group */
	add_cond(add_rule(&p, "write", SC_ERRNO, EIO, "f:4"), 0, SC_CMP_EQ, 99);
	add_rule(&p, "uname", SC_KILL, 0, "f:5");
	add_rule(&p, "getcwd", SC_LOG, 0, "f:6");
	struct stack s;
	stack_load(&p, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(decide(&s, X86_64, SYS_setuid, 0, 0), ERRNO_RET(EACCES));
	assert_int_equal(decide(&s, X86_64, SYS_chown, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_write, 99, 0), ERRNO_RET(EIO));
	assert_int_equal(decide(&s, X86_64, SYS_write, 1, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_uname, 0, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(decide(&s, X86_64, SYS_getcwd, 0, 0), SECCOMP_RET_LOG);
	assert_int_equal(decide(&s, X86_64, SYS_read, 0, 0), SECCOMP_RET_ALLOW);
	/* Equal precedence (both ERRNO): the profile's filter, loaded last, answers. */
	assert_int_equal(decide(&s, X86_64, SYS_swapon, 0, 0), ERRNO_RET(EACCES));
	/* Layer 1 still applies where the profile says nothing. */
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TIOCSTI), ERRNO_RET(EPERM));
	stack_free(&s);
	policy_free(&p);
}

static void test_bpf_profile_allowlist(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	p.syscall_allowlist = true;
	add_rule(&p, "@basic-io", SC_ALLOW, 0, "f:1");
	add_rule(&p, "@process", SC_ALLOW, 0, "f:2");
	add_rule(&p, "@keyring", SC_ALLOW, 0, "f:3");  /* stays denied by layer 1 */
	add_rule(&p, "ioctl", SC_ALLOW, 0, "f:4");
	add_cond(add_rule(&p, "socket", SC_ALLOW, 0, "f:5"), 0, SC_CMP_EQ, AF_UNIX);
	struct stack s;
	stack_load(&p, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(decide(&s, X86_64, SYS_read, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_execve, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_wait4, 0, 0), SECCOMP_RET_ALLOW);
	/* Not listed: the allowlist default. */
	/* Both layers answer ERRNO: the profile's filter, loaded last, gives the errno. */
	assert_int_equal(decide(&s, X86_64, SYS_swapon, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, SYS_sethostname, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, SYS_socket, AF_INET, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, X86_64, SYS_socket, AF_UNIX, 0), SECCOMP_RET_ALLOW);
	/* Allowed by the profile, still denied by layer 1: the allow cannot loosen it. */
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, TCGETS), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_ioctl, 0, (7ULL << 40) | TIOCSTI), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_unshare, CLONE_NEWUSER, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_clone, CLONE_NEWNET, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_clone, SIGCHLD, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_setns, 0, 0), ERRNO_RET(EPERM));  /* from @process */
	assert_int_equal(decide(&s, X86_64, SYS_keyctl, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_io_uring_setup, 0, 0), ERRNO_RET(ENOSYS));  /* unlisted */
	assert_int_equal(decide(&s, X86_64, SYS_clone3, 0, 0), ERRNO_RET(ENOSYS));
	assert_int_equal(decide(&s, I386, 20, 0, 0), SECCOMP_RET_KILL_PROCESS);
	stack_free(&s);
	policy_free(&p);

	/* A conditional rule with the same action as an unconditional one is simply subsumed. */
	policy_init(&p);
	p.syscall_allowlist = true;
	add_rule(&p, "@system-service", SC_ALLOW, 0, "f:1");
	add_cond(add_rule(&p, "socket", SC_ALLOW, 0, "f:2"), 0, SC_CMP_EQ, AF_UNIX);
	stack_load(&p, &s);
	assert_int_equal(decide(&s, X86_64, SYS_socket, AF_INET, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(decide(&s, X86_64, SYS_socket, AF_PACKET, 0), ERRNO_RET(EAFNOSUPPORT));
	assert_int_equal(decide(&s, X86_64, SYS_kcmp, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_setns, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_io_uring_setup, 0, 0), ERRNO_RET(EPERM));
	stack_free(&s);
	policy_free(&p);
}

/* hardened.inc's EPERM groups: layer 1 answers every call of theirs alike, so no second filter;
 * once a relaxation lifts layer 1's rule, or the errno differs, the profile's rule is a filter. */
static void test_profile_rules_covered_by_always_on(void **state)
{
	(void)state;
	static const char *const hardened[] = { "@cpu-emulation", "@debug", "@raw-io", "@reboot" };
	struct policy p;
	policy_init(&p);
	for (size_t i = 0; i < ARRAY_SIZE(hardened); i++)
		add_rule(&p, hardened[i], SC_ERRNO, EPERM, "hardened.inc:3");
	struct stack s;
	stack_load(&p, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(seccomp_layer_count(plan_of(&p)), 1);
	static const int denied[] = { SYS_ptrace, SYS_pidfd_getfd, SYS_perf_event_open, SYS_iopl, SYS_ioperm,
				      SYS_lookup_dcookie, SYS_modify_ldt, SYS_reboot, SYS_kexec_load };
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		assert_int_equal(decide(&s, X86_64, denied[i], 0, 0), ERRNO_RET(EPERM));
	stack_free(&s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	seccomp_explain(plan_of(&p), f);
	fclose(f);
	assert_non_null(strstr(buf, "one filter (always-on protections)"));
	assert_non_null(strstr(buf, "no second filter"));
	assert_non_null(strstr(buf, "[hardened.inc:3]"));
	free(buf);

	/* devel lifts layer 1's ptrace family: the profile's rules deny it in a filter of their own. */
	p.relax = RELAX_DEVEL;
	stack_load(&p, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(decide(&s, X86_64, SYS_ptrace, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_pidfd_getfd, 0, 0), ERRNO_RET(EPERM));
	assert_int_equal(decide(&s, X86_64, SYS_kcmp, 0, 0), SECCOMP_RET_ALLOW);
	stack_free(&s);
	policy_free(&p);

	/* Another errno: the profile's filter, loaded last, answers. */
	policy_init(&p);
	add_rule(&p, "ptrace", SC_ERRNO, EACCES, "f:1");
	stack_load(&p, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(decide(&s, X86_64, SYS_ptrace, 0, 0), ERRNO_RET(EACCES));
	stack_free(&s);
	policy_free(&p);

	/* In an allowlist the rule must stay: without it, the allowlist's ENOSYS would answer. */
	policy_init(&p);
	p.syscall_allowlist = true;
	add_rule(&p, "ptrace", SC_ERRNO, EPERM, "f:1");
	stack_load(&p, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(decide(&s, X86_64, SYS_ptrace, 0, 0), ERRNO_RET(EPERM));
	stack_free(&s);
	policy_free(&p);
}

static void test_explain(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	p.relax = RELAX_USERNS;
	add_rule(&p, "@debug", SC_ERRNO, EACCES, "f:1");  /* another errno than layer 1's: a filter */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	seccomp_explain(plan_of(&p), f);
	fclose(f);
	assert_non_null(strstr(buf, "two stacked filters"));
	assert_non_null(strstr(buf, "LIFTED clone/unshare"));
	assert_non_null(strstr(buf, "@debug"));
	assert_non_null(strstr(buf, "[f:1]"));
	free(buf);

	f = open_memstream(&buf, &len);
	seccomp_explain_json(plan_of(&p), f);
	fclose(f);
	assert_non_null(strstr(buf, "\"filters\":2"));
	assert_non_null(strstr(buf, "\"relax\":[\"userns\"]"));
	assert_non_null(strstr(buf, "\"origin\":\"f:1\""));
	assert_int_equal(buf[0], '{');
	assert_int_equal(buf[strlen(buf) - 1], '}');
	free(buf);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_lookup),
		cmocka_unit_test(test_group_table_consistent),
		cmocka_unit_test(test_validate_default_ok),
		cmocka_unit_test(test_validate_unknown_names),
		cmocka_unit_test(test_validate_bad_rules),
		cmocka_unit_test(test_validate_allow_vs_always_on),
		cmocka_unit_test(test_export_pfc_always_on),
		cmocka_unit_test(test_export_pfc_two_layers),
		cmocka_unit_test(test_bpf_always_on),
		cmocka_unit_test(test_bpf_relaxations),
		cmocka_unit_test(test_bpf_profile_denylist),
		cmocka_unit_test(test_bpf_profile_allowlist),
		cmocka_unit_test(test_profile_rules_covered_by_always_on),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
