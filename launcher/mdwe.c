/* memory-deny-write-execute (mdwe.h): the prctl on 6.3+, systemd's seccomp rules before. */
#include "mdwe.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif
#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif
#define IPC_CALL_SHMAT 21  /* i386's ipc() multiplexer: ipc(SHMAT, shmid, shmflg, &ret, addr) */

/* PR_GET_MDWE is EINVAL before Linux 6.3. */
static bool kernel_has_prctl(void)
{
	static int known = -1;
	if (known < 0)
		known = prctl(PR_GET_MDWE, 0, 0, 0, 0) >= 0;
	return known;
}

enum mdwe_mode mdwe_mode(const struct policy *p)
{
	if (!p->mdwe)
		return MDWE_OFF;
	return kernel_has_prctl() ? MDWE_PRCTL : MDWE_SECCOMP;
}

int mdwe_apply(const struct policy *p, struct sbx_error *err)
{
	if (mdwe_mode(p) != MDWE_PRCTL)
		return 0;
	if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) < 0)
		return sbx_fail(err, errno, "memory-deny-write-execute: prctl(PR_SET_MDWE)");
	return 0;
}

static const struct {
	const char *syscall;
	unsigned arg;
	scmp_datum_t mask, value;
	bool compat_only;
} rules[] = {
	{ "mmap", 2, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC, false },
	{ "mmap2", 2, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC, true },
	{ "mprotect", 2, PROT_EXEC, PROT_EXEC, false },
	{ "pkey_mprotect", 2, PROT_EXEC, PROT_EXEC, false },
	{ "shmat", 2, SHM_EXEC, SHM_EXEC, false },
};

int mdwe_seccomp_rules(scmp_filter_ctx ctx, bool compat, size_t *added, struct sbx_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (rules[i].compat_only && !compat)
			continue;
		int nr = seccomp_syscall_resolve_name(rules[i].syscall);
		if (nr == __NR_SCMP_ERROR)
			continue;
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
					 SCMP_CMP(rules[i].arg, SCMP_CMP_MASKED_EQ, rules[i].mask, rules[i].value));
		if (r < 0)
			return sbx_fail(err, -r, "memory-deny-write-execute: cannot add the seccomp rule for %s",
					rules[i].syscall);
		(*added)++;
	}
	if (compat) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_syscall_resolve_name("ipc"), 2,
					 SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffff, IPC_CALL_SHMAT),
					 SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC));
		if (r < 0)
			return sbx_fail(err, -r, "memory-deny-write-execute: cannot add the seccomp rule for ipc");
		(*added)++;
	}
	return 0;
}

static const char *mode_text(enum mdwe_mode m)
{
	switch (m) {
	case MDWE_PRCTL:
		return "prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (Linux 6.3+): no writable+executable "
		       "mapping, no mapping made executable later; inherited, cannot be cleared";
	case MDWE_SECCOMP:
		return "seccomp (this kernel has no PR_SET_MDWE, Linux 6.3): EPERM for mmap with "
		       "PROT_WRITE|PROT_EXEC, mprotect and pkey_mprotect with PROT_EXEC, shmat with SHM_EXEC";
	case MDWE_OFF:
		break;
	}
	return "off";
}

void mdwe_explain(const struct policy *p, FILE *out)
{
	enum mdwe_mode m = mdwe_mode(p);
	fprintf(out, "memory-deny-write-execute: %s", mode_text(m));
	if (p->mdwe_origin)
		fprintf(out, "  [%s]", p->mdwe_origin);
	fputc('\n', out);
}

void mdwe_explain_json(const struct policy *p, FILE *out)
{
	enum mdwe_mode m = mdwe_mode(p);
	if (m == MDWE_OFF) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"enforced_by\":\"%s\",\"text\":", m == MDWE_PRCTL ? "prctl" : "seccomp");
	json_string(out, mode_text(m));
	fputs(",\"origin\":", out);
	json_string(out, p->mdwe_origin ? p->mdwe_origin : "?");
	fputc('}', out);
}
