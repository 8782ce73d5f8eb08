/* `memory-deny-write-execute` (systemd's MemoryDenyWriteExecute): the command cannot map memory
 * writable and executable at once, nor make memory executable later (so a JIT such as V8's fails,
 * and an exploit cannot turn written bytes into code).
 *
 * Linux 6.3+: prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) in the sandbox's pid 1, just before
 * seccomp; fork and execve keep it and nothing can clear it. Older kernels: seccomp rules in the
 * always-on layer, as systemd writes them: EPERM for mmap (and mmap2) with PROT_WRITE|PROT_EXEC,
 * mprotect and pkey_mprotect with PROT_EXEC (seccomp cannot see whether the memory was executable
 * already, so this is stricter than the prctl), shmat with SHM_EXEC (on i386, also ipc(SHMAT)).
 * Never weaker: one of the two is always possible, and --explain says which one holds. */
#ifndef SBX_MDWE_H
#define SBX_MDWE_H

#include <seccomp.h>
#include <stdio.h>

#include "policy.h"

/* How this kernel enforces p's memory-deny-write-execute (MDWE_OFF when p does not ask for it).
 * The kernel is probed once per process. */
enum mdwe_mode mdwe_mode(const struct policy *p);

/* In the sandbox's pid 1, after no_new_privs and before seccomp: the prctl, when that is the way. */
int mdwe_apply(const struct policy *p, struct sbx_error *err);

/* Adds the fallback's rules to a seccomp context of the always-on layer (when mdwe_mode says
 * MDWE_SECCOMP); compat: the context holds the 32-bit ABIs (mmap2, ipc). *added counts the
 * syscalls given rules. */
int mdwe_seccomp_rules(scmp_filter_ctx ctx, bool compat, size_t *added, struct sbx_error *err);

void mdwe_explain(const struct policy *p, FILE *out);
/* One JSON value: null, or an object saying how it is enforced. */
void mdwe_explain_json(const struct policy *p, FILE *out);

#endif
