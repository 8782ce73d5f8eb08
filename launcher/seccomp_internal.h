/* What seccomp.c (building and loading the filters, the profile's layer), seccomp_always_on.c
 * (layer 1) and seccomp_explain.c (--explain) share. Not for other modules: use seccomp.h. */
#ifndef SBX_SECCOMP_INTERNAL_H
#define SBX_SECCOMP_INTERNAL_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

static inline void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
	*ctx = NULL;
}
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_releasep)))

/* Each layer is built per ABI set and merged: the native context can carry rules by raw number
 * for syscalls newer than libseccomp, which a context with several ABIs refuses (it cannot
 * translate an unknown number). */
enum abi_set { ABI_NATIVE, ABI_COMPAT };

/* Unconditional denials. names: space-separated syscalls and @groups from syscall_groups.def. */
struct always_on {
	const char *names;
	int errno_value;
	unsigned lifted_by;  /* enum relax bits that remove the rule; 0: no relaxation does */
	const char *why;
};
extern const struct always_on always_on_denied[];
extern const size_t n_always_on_denied;

/* The always-on entry that unconditionally denies syscall under p's relaxations, or NULL. With
 * lifted non-NULL, also reports an entry that a relaxation has lifted. */
const struct always_on *always_on_entry(const struct policy *p, const char *syscall, bool *lifted);

/* Everything layer 1 depends on. build_always_on reads nothing else, so that the program sbx
 * compiled for a key when it was built (seccomp_precompiled.h) is the one it would compile now. */
struct always_on_key {
	unsigned relax;     /* enum relax bits */
	bool compat;        /* has_compat_set: the i386/x32 rules are merged in */
	bool memfd_notify;  /* the memfd guard's notification (memfd_guard.h) */
	bool mdwe_seccomp;  /* memory-deny-write-execute's seccomp fallback (mdwe.h) */
	int x11;            /* enum x11_abstract_refusal */
	uint32_t x11_addrlen;
};
struct sandbox_plan;
void always_on_key_of(const struct sandbox_plan *pl, struct always_on_key *k);
bool always_on_key_equal(const struct always_on_key *a, const struct always_on_key *b);

/* Layer 1 for one ABI set. */
int build_always_on(const struct always_on_key *k, enum abi_set set, scmp_filter_ctx *out, size_t *n_syscalls,
		    struct sbx_error *err);
/* Layer 1 whole: its native context, merged with the compat one when k->compat, optimised. */
int build_always_on_layer(const struct always_on_key *k, scmp_filter_ctx *out, struct sbx_error *err);
/* A layer as the kernel takes it (heap instructions). */
struct sock_fprog;
int seccomp_compile(scmp_filter_ctx ctx, struct sock_fprog *out, struct sbx_error *err);

/* seccomp.c's helpers. */
const char *origin_or(const char *origin);
const char *errno_name(int e);
bool multiarch_extra(const struct policy *p);
bool has_compat_set(const struct policy *p);
int resolve_syscall(const char *name, bool native_only);
bool syscall_known(const char *name);
int for_each_name(const char *names, int (*fn)(const char *, void *), void *userdata);
const char *relax_name(unsigned bit);
const char *action_name(enum seccomp_action action);
const char *cmp_name(enum seccomp_cmp op);
int new_context(uint32_t def_action, enum abi_set set, scmp_filter_ctx *out, struct sbx_error *err);
bool profile_layer_needed(const struct policy *p);
size_t kept_denied_count(const struct policy *p);

#endif
